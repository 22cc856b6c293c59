"""Reciprocal rank fusion of the lexical and the semantic ranking.

score(d) = 1/(k + rank_lexical(d)) + w · 1/(k + rank_semantic(d)), ranks from 1, a list that does not
hold d adds nothing. Plain RRF can still push a record that one signal ranks first out of the top k
(two records ranked 20th by both outscore it), so the first of each list is kept in the result: it
takes the last place if the sum left it out. k and w were tuned on the project's evaluation set
(`evalset/`) and are reported on the independent one (`eval/`); see docs/matching.md.
"""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 30
SEMANTIC_WEIGHT = 0.5
DEPTH = 100  # how deep each signal's list is read


def fuse(lexical: Sequence[str], semantic: Sequence[str], top: int, k: int = RRF_K,
         weight: float = SEMANTIC_WEIGHT) -> list[tuple[str, float]]:
    """[(id, fused score × 100)] best first, with each list's first id guaranteed a place. A first that
    takes a place takes the score of the record it displaced, so scores never increase down the list."""
    if top < 1:
        return []
    score: dict[str, float] = {}
    for rank, doc in enumerate(lexical, 1):
        score[doc] = score.get(doc, 0.0) + 1.0 / (k + rank)
    for rank, doc in enumerate(semantic, 1):
        score[doc] = score.get(doc, 0.0) + weight / (k + rank)
    order = sorted(score, key=lambda d: (-score[d], d))[:top]
    firsts = [lst[0] for lst in (lexical, semantic) if lst]
    for first in firsts:
        if first in order:
            continue
        if len(order) < top:
            order.append(first)
            continue
        # take the lowest place that is not itself the other list's first
        for i in range(len(order) - 1, -1, -1):
            if order[i] not in firsts:
                score[first] = score[order[i]]
                order[i] = first
                break
    return [(doc, 100 * score[doc]) for doc in order]
