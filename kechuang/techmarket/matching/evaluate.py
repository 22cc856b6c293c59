"""The labelled evaluation sets and the engine/baseline comparison.

Two sets: `evalset/` (written with the dictionary and the map, by the same hands; the fusion was tuned
on it) and `eval/` (written independently, before its author read the map; only reported on).
"""

from __future__ import annotations

import csv
from pathlib import Path

from .baseline import BigramBM25, BigramTfidf
from .csvio import read_records
from .engine import MatchEngine, Options, Record
from .metrics import evaluate

EVALSET = Path(__file__).resolve().parent / "evalset"
INDEPENDENT = Path(__file__).resolve().parent / "eval"
SETS = {"project set evalset/ (tuned on)": EVALSET, "independent set eval/ (reported on)": INDEPENDENT}


def load_evalset(directory: Path = EVALSET):
    demands = read_records(directory / "demands.csv")
    achievements = read_records(directory / "achievements.csv")
    qrels: dict[str, dict[str, int]] = {}
    kinds: dict[tuple[str, str], str] = {}
    with open(directory / "qrels.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            qrels.setdefault(row["demand"], {})[row["achievement"]] = int(row["grade"])
            if row.get("kind"):
                kinds[(row["demand"], row["achievement"])] = row["kind"]
    return demands, achievements, qrels, kinds


def text_of(r: Record) -> str:
    return " ".join([r.title, r.description, r.keyword_text()])


def engine_rankings(demands, achievements, options: Options | None = None, k: int = 10):
    eng = MatchEngine(options)
    eng.bulk_achievements(achievements)
    return {d.id: [m.id for m in eng.match_demand(d, top=k)] for d in demands}


def baseline_rankings(demands, achievements, k: int = 10, ranker=BigramTfidf):
    base = ranker({a.id: text_of(a) for a in achievements})
    return {d.id: [i for i, _ in base.rank(text_of(d), top=k)] for d in demands}


BASELINES = {"baseline: char-bigram TF-IDF": BigramTfidf, "baseline: char-bigram BM25": BigramBM25}
ABLATIONS = {
    "BM25 (jieba + domain terms only)": Options(semantic=False, concepts=False, cilin=False, vectors=False, domain=False),
    "+ domain agreement": Options(semantic=False, concepts=False, cilin=False, vectors=False),
    "+ Cilin + vectors": Options(semantic=False, concepts=False),
    "+ business→technical map = lexical signal alone": Options(semantic=False),
    "semantic signal alone (sentence encoder)": Options(lexical=False),
    "**fusion: lexical + semantic, RRF (full engine)**": Options(),
    "fusion without the thesaurus package": Options(cilin=False, vectors=False),
}


def transposed(qrels: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """The judgements seen from the achievement's side: {achievement: {demand: grade}}, for the
    achievements with a grade ≥ 2 demand."""
    rq: dict[str, dict[str, int]] = {}
    for d, gs in qrels.items():
        for a, g in gs.items():
            rq.setdefault(a, {})[d] = g
    return {a: gs for a, gs in rq.items() if max(gs.values()) >= 2}


def reverse_figures(k: int = 10, directory: Path = EVALSET) -> dict[str, dict[str, float]]:
    """Achievement → demands, on the transposed judgements (achievements with a grade ≥ 2 demand)."""
    demands, achievements, qrels, _ = load_evalset(directory)
    rq = transposed(qrels)
    by_id = {a.id: a for a in achievements}
    eng = MatchEngine()
    eng.bulk_demands(demands)
    base = BigramTfidf({d.id: text_of(d) for d in demands})
    return {
        "baseline: char-bigram TF-IDF": evaluate({a: [i for i, _ in base.rank(text_of(by_id[a]), k)] for a in rq}, rq, k),
        "full engine": evaluate({a: [m.id for m in eng.match_achievement(by_id[a], k)] for a in rq}, rq, k),
    }


def hard_pairs(k: int = 10, directory: Path = EVALSET) -> dict[str, dict]:
    """How the engine and the baseline treat the marked hard pairs: relevant pairs that share few
    words ("gap": found in the top k) and irrelevant pairs that share many ("trap": ranked in the top 3)."""
    demands, achievements, qrels, kinds = load_evalset(directory)
    out = {}
    # check that the marks are right: mean char-bigram TF-IDF cosine of each kind of pair
    base = BigramTfidf({a.id: text_of(a) for a in achievements})
    vec = dict(zip(base.ids, base.vecs))
    dtext = {d.id: text_of(d) for d in demands}

    def cos(d, a):
        from .baseline import bigrams

        q = base._vec(bigrams(dtext[d]))
        return sum(w * vec[a].get(t, 0.0) for t, w in q.items())

    groups = {
        "gap (relevant, few shared words)": [p for p, kind in kinds.items() if kind == "gap"],
        "other relevant (grade ≥ 2)": [(d, a) for d, gs in qrels.items() for a, g in gs.items()
                                      if g >= 2 and kinds.get((d, a)) != "gap"],
        "trap (grade 0, many shared words)": [p for p, kind in kinds.items() if kind == "trap"],
    }
    out["mean bigram cosine"] = {name: round(sum(cos(*p) for p in ps) / len(ps), 3) for name, ps in groups.items()}
    for name, ranks in (("baseline", baseline_rankings(demands, achievements, k)),
                        ("engine", engine_rankings(demands, achievements, None, k))):
        gap = [(d, a) for (d, a), kind in kinds.items() if kind == "gap"]
        trap = [(d, a) for (d, a), kind in kinds.items() if kind == "trap"]
        out[name] = {
            "gap pairs": len(gap),
            "gap in top 3": sum(a in ranks[d][:3] for d, a in gap),
            f"gap in top {k}": sum(a in ranks[d][:k] for d, a in gap),
            "trap pairs": len(trap),
            "trap in top 3": sum(a in ranks[d][:3] for d, a in trap),
            f"trap in top {k}": sum(a in ranks[d][:k] for d, a in trap),
        }
    return out


def run_all(k: int = 10, directory: Path = EVALSET) -> dict[str, dict[str, float]]:
    demands, achievements, qrels, _ = load_evalset(directory)
    out = {name: evaluate(baseline_rankings(demands, achievements, k, ranker), qrels, k) for name, ranker in BASELINES.items()}
    for name, opt in ABLATIONS.items():
        out[name] = evaluate(engine_rankings(demands, achievements, opt, k), qrels, k)
    return out


if __name__ == "__main__":
    for label, directory in SETS.items():
        print(label)
        for name, m in run_all(directory=directory).items():
            print(f"  {name:52s} nDCG@10={m['ndcg@10']:.3f} Recall@10={m['recall@10']:.3f} MRR={m['mrr']:.3f}")
        for name, st in hard_pairs(directory=directory).items():
            print(" ", name, st)
        for name, m in reverse_figures(directory=directory).items():
            print("  achievement→demands", name, {x: round(y, 3) for x, y in m.items()})
