"""The quality of the ranking the product serves (the database index, `matcher.py`) on the labelled sets
of `matching/eval*`: the set's records written as rows and indexed by the product's own `index_rows`
and `count_terms`, then every labelled demand (achievement) ranked by `index.achievements_for`
(`demands_for`), as a demand's page ranks it, and by each signal alone. It replaces every achievement
and demand of the database it runs in: for a test database or a scratch one (bench/match_db_quality.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kechuang.core.models import Region
from kechuang.registry.models import Enterprise
from kechuang.registry.validators import uscc_check_char
from kechuang.techmarket.choices import AchievementStatus, InstitutionKind, SolutionMode
from kechuang.techmarket.matcher import index
from kechuang.techmarket.matching.evaluate import BASELINES, baseline_rankings, load_evalset, transposed
from kechuang.techmarket.matching.metrics import evaluate
from kechuang.techmarket.models import Achievement, Demand, Institution

K = 10
FULL_TEXT, SEMANTIC, SERVED = "full-text signal alone (database)", "semantic signal alone (stored vectors)", "fusion, as served (database)"


def owners() -> tuple[Institution, Enterprise]:
    institution, _ = Institution.objects.get_or_create(name="评测成果持有单位", defaults={"kind": InstitutionKind.UNIVERSITY})
    first17 = "91120116MA0RANK01"
    region = Region.objects.filter(code__startswith="120116").order_by("code").first() or Region.objects.first()
    enterprise, _ = Enterprise.objects.get_or_create(
        uscc=first17 + uscc_check_char(first17),
        defaults=dict(name="评测需求发布企业", region=region, established=dt.date(2016, 4, 12)),
    )
    return institution, enterprise


def as_achievement(record, institution) -> Achievement:
    return Achievement(title=record.title, summary=record.description or record.title, keywords=record.keyword_text(),
                       owner=institution, maturity=6, status=AchievementStatus.PUBLISHED)


def as_demand(record, enterprise) -> Demand:
    return Demand(title=record.title, problem=record.description or record.title, keywords=record.keyword_text(),
                  enterprise=enterprise, solution_mode=SolutionMode.COOPERATIVE, posted_on=dt.date(2026, 1, 5))


def write(model, objs: list[tuple]) -> dict[int, str]:
    """The (unsaved row, label id) pairs bulk-written and indexed as the demo writes its rows, in place of
    the side's rows; {row id: label id}."""
    model.objects.all().delete()
    rows = model.objects.bulk_create([obj for obj, _label in objs])
    index.index_rows(model)
    index.count_terms(model)
    return {row.pk: label for row, (_obj, label) in zip(rows, objs)}


def signals(query, model, labels: dict[int, str]) -> dict[str, list[str]]:
    """The served ranking and each signal's own, as label ids, best first."""
    _analysis, terms, vec = index.engine().query_terms(index.record(query))
    rank = index.achievements_for if model is Achievement else index.demands_for
    return {
        FULL_TEXT: [labels[int(pk)] for pk in index._lexical(model, terms)][:K],
        SEMANTIC: [labels[int(pk)] for pk in index._semantic(model, vec)[0]][:K],
        SERVED: [labels[pk] for pk, _score, _reasons in rank(query, K)],
    }


def figures(directory: Path, reverse: bool = True) -> dict[str, dict[str, dict[str, float]]]:
    """{"demand → achievements" (and "achievement → demands"): {ranker: {nDCG@10, Recall@10, MRR}}}, the
    two char-bigram baselines beside the database's rankings; the reverse direction on the transposed
    judgements (achievements with a grade ≥ 2 demand)."""
    demands, achievements, qrels, _kinds = load_evalset(directory)
    institution, enterprise = owners()
    labels = write(Achievement, [(as_achievement(a, institution), a.id) for a in achievements])
    forward = {name: baseline_rankings(demands, achievements, K, ranker) for name, ranker in BASELINES.items()}
    for d in demands:
        for name, ranked in signals(as_demand(d, enterprise), Achievement, labels).items():
            forward.setdefault(name, {})[d.id] = ranked
    out = {"demand → achievements": {name: evaluate(ranked, qrels, K) for name, ranked in forward.items()}}
    if not reverse:
        return out
    judged = transposed(qrels)
    by_id = {a.id: a for a in achievements}
    labels = write(Demand, [(as_demand(d, enterprise), d.id) for d in demands])
    backward = {name: baseline_rankings([by_id[a] for a in judged], demands, K, ranker)
                for name, ranker in BASELINES.items()}
    for a in judged:
        for name, ranked in signals(as_achievement(by_id[a], institution), Demand, labels).items():
            backward.setdefault(name, {})[a] = ranked
    out["achievement → demands"] = {name: evaluate(ranked, judged, K) for name, ranked in backward.items()}
    return out
