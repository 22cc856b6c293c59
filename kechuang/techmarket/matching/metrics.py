"""Ranking metrics over graded relevance (0–3). Pure functions, no dependencies."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

RELEVANT = 2  # grade from which a document counts as relevant for Recall and MRR


def dcg(gains: Sequence[float]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranking: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with gain 2^g−1 and log2(rank+1) discount; ideal = all judged grades sorted."""
    ideal = dcg(sorted((g for g in grades.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([grades.get(d, 0) for d in ranking[:k]]) / ideal


def recall_at_k(ranking: Sequence[str], grades: Mapping[str, int], k: int = 10, threshold: int = RELEVANT) -> float:
    rel = {d for d, g in grades.items() if g >= threshold}
    if not rel:
        return 0.0
    return len(rel & set(ranking[:k])) / len(rel)


def reciprocal_rank(ranking: Sequence[str], grades: Mapping[str, int], threshold: int = RELEVANT) -> float:
    for i, d in enumerate(ranking):
        if grades.get(d, 0) >= threshold:
            return 1.0 / (i + 1)
    return 0.0


def evaluate(rankings: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]], k: int = 10) -> dict[str, float]:
    """Mean nDCG@k, Recall@k and MRR over the queries in qrels (a missing ranking counts as empty)."""
    n = len(qrels)
    out = {"ndcg@10": 0.0, "recall@10": 0.0, "mrr": 0.0}
    for q, grades in qrels.items():
        r = rankings.get(q, [])
        out["ndcg@10"] += ndcg_at_k(r, grades, k)
        out["recall@10"] += recall_at_k(r, grades, k)
        out["mrr"] += reciprocal_rank(r, grades)
    return {m: v / n for m, v in out.items()} if n else out
