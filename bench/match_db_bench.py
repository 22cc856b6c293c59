"""Benchmark of the database-served matching index (PostgreSQL), over N generated achievements.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/match_db_bench.py --n 1000000

Needs a migrated database it may fill (it deletes the achievements it made when it ends, unless
--keep). Prints: bulk load time, top-10 latency for the labelled demands (p50/p95), the time to index
one new record through the service, the rebuild rate (`kechuang match_index rebuild`'s code path) on a
sample and its extrapolation to N, cell training, disk used, and the first query of two fresh worker
processes against the hundredth query of a warm one.

How the rows are made, honestly: segmenting and encoding a million records would take hours of CPU
on this machine (≈1 ms jieba + 10–40 ms encoder per record), so the bench segments and encodes a pool
of `--pool` generated texts (bench/match_bench.py's generator) and the 162 labelled achievements, and
writes each of the N rows as one pool text plus two random words (in its text and its tokens) with the
pool vector plus a little Gaussian noise, renormalised. The index structures, their sizes and the
query path are the real ones; rankings over the copies are not a quality measure.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.db import connection  # noqa: E402

from kechuang.techmarket import services  # noqa: E402
from kechuang.techmarket.choices import AchievementStatus, InstitutionKind  # noqa: E402
from kechuang.techmarket.matcher import _token, index  # noqa: E402
from kechuang.techmarket.matching.evaluate import EVALSET, load_evalset  # noqa: E402
from kechuang.techmarket.matching.semantic import to_bytes  # noqa: E402
from kechuang.techmarket.models import Achievement, Demand, Institution  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from match_bench import pct, synthetic  # noqa: E402

TAG = "基准测试机构"
WORKER = """
import os, sys, time
sys.path.insert(0, {root!r}); os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
t0 = time.perf_counter()
import django; django.setup()
from kechuang.techmarket.matcher import index
from kechuang.techmarket.models import Demand
start = time.perf_counter() - t0
t = time.perf_counter(); index.warm_up(); warm = time.perf_counter() - t
d = Demand(title={title!r}, problem={problem!r})
times = []
for i in range(100):
    t = time.perf_counter(); index.achievements_for(d, 10); times.append(time.perf_counter() - t)
print(f"{{start:.3f}} {{warm:.3f}} {{times[0]:.4f}} {{times[99]:.4f}}")
"""


def ms(s: float) -> str:
    return f"{s * 1000:.1f} ms"


def bulk_load(n: int, pool_size: int, owner: Institution, rng: random.Random) -> float:
    demands, labelled, _, _ = load_evalset(EVALSET)
    pool = synthetic(pool_size, seed=11) + labelled
    engine = index.engine()
    t = time.perf_counter()
    vectors = engine.embed(pool)
    terms = []
    for rec in pool:
        tf = engine.analyze(rec).tf
        terms.append(" ".join(" ".join([_token(w)] * min(3, max(1, round(x)))) for w, x in tf.items()))
    print(f"pool of {len(pool):,} texts segmented and encoded in {time.perf_counter() - t:.1f} s")
    filler = [w for rec in pool[:2000] for w in rec.title[:8]]
    t = time.perf_counter()
    npr = np.random.default_rng(3)
    batch = []
    for i in range(n):
        j = i % len(pool)
        rec = pool[j]
        extra = "".join(rng.sample(filler, 2))
        vec = vectors[j] + npr.normal(0, 0.02, vectors.shape[1]).astype(np.float32)
        vec /= np.linalg.norm(vec)
        batch.append(Achievement(
            title=rec.title[:190], summary=f"{rec.description}{extra}", keywords=rec.keyword_text()[:290], owner=owner,
            maturity=5, status=AchievementStatus.PUBLISHED, match_terms=f"{terms[j]} {extra}",
            match_vector=to_bytes(vec),
        ))
        if len(batch) == 10000:
            Achievement.objects.bulk_create(batch, batch_size=10000)
            batch = []
            if (i + 1) % 100000 == 0:
                print(f"  {i + 1:,} rows, {time.perf_counter() - t:.0f} s", flush=True)
    if batch:
        Achievement.objects.bulk_create(batch)
    return time.perf_counter() - t


def disk() -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_total_relation_size('techmarket_achievement'), pg_relation_size('techmarket_achievement_match_tsv'),"
                    " pg_indexes_size('techmarket_achievement')")
        total, gin, idx = cur.fetchone()
    return f"{total / 2**20:,.0f} MB in all (table + TOAST + indexes), of which GIN {gin / 2**20:,.0f} MB, all indexes {idx / 2**20:,.0f} MB"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--pool", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=4)
    ap.add_argument("--rebuild-sample", type=int, default=1000)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    assert connection.vendor == "postgresql", "this benchmark measures the PostgreSQL index"
    rng = random.Random(5)
    owner, _ = Institution.objects.get_or_create(name=TAG, defaults={"kind": InstitutionKind.UNIVERSITY})
    try:
        t_load = bulk_load(args.n, args.pool, owner, rng)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE techmarket_achievement")
        n = Achievement.objects.published().count()
        print(f"\n## Database-served matching, {n:,} published achievements on PostgreSQL\n")
        print("| figure | value |\n|---|---|")
        print(f"| bulk load of {args.n:,} rows (bulk_create, batches of 10,000; tsvector and GIN filled by the database) | {t_load:.0f} s |")
        t = time.perf_counter()
        terms = index.count_terms(Achievement)
        print(f"| count document frequencies ({terms:,} terms, ts_stat) | {time.perf_counter() - t:.0f} s |")
        t = time.perf_counter()
        cells = index.train_cells(Achievement, cells=int(np.sqrt(n)))
        print(f"| train the coarse quantiser ({cells} cells, k-means on 20,000, assign every row) | {time.perf_counter() - t:.0f} s |")
        demands, _, _, _ = load_evalset(EVALSET)
        queries = [Demand(title=d.title, problem=d.description) for d in demands]
        index.warm_up()
        lat = []
        for _ in range(args.repeat):
            for q in queries:
                t = time.perf_counter()
                index.achievements_for(q, 10)
                lat.append(time.perf_counter() - t)
        print(f"| top-10 for one demand, {len(queries)} labelled demands × {args.repeat} (p50 / p95) | {ms(statistics.median(lat))} / {ms(pct(lat, 95))} |")
        officer = None
        adds = []
        for rec in synthetic(20, seed=99):
            t = time.perf_counter()
            services.save_achievement(Achievement(title=rec.title, summary=rec.description, keywords=rec.keyword_text()[:290],
                                                  owner=owner, maturity=5, status=AchievementStatus.PUBLISHED), officer)
            adds.append(time.perf_counter() - t)
        print(f"| index one new record (save through the service: segment, encode, write row + GIN; p50 / p95) | {ms(statistics.median(adds))} / {ms(pct(adds, 95))} |")
        sample = Achievement.objects.filter(owner=owner).order_by("pk")[: args.rebuild_sample]
        t = time.perf_counter()
        done = index.index_rows(Achievement, Achievement.objects.filter(pk__in=list(sample.values_list("pk", flat=True))))
        rate = done / (time.perf_counter() - t)
        print(f"| rebuild rate (`match_index rebuild` code path, {done:,} rows) | {rate:,.0f} rows/s → {n / rate / 3600:,.1f} h for {n:,} on this machine |")
        print(f"| disk | {disk()} |")
        d0 = demands[0]
        out = []
        for worker in (1, 2):
            code = WORKER.format(root=str(ROOT), title=d0.title, problem=d0.description)
            res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ)
            if res.returncode:
                raise SystemExit(res.stderr)
            out.append(res.stdout.split()[-4:])
        for worker, (start, warm, first, hundredth) in enumerate(out, 1):
            print(f"| fresh worker {worker}: Django start / warm-up (segmenter, encoder) / first query / 100th query | "
                  f"{float(start):.2f} s / {float(warm):.2f} s / {ms(float(first))} / {ms(float(hundredth))} |")
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f}; cores: {os.cpu_count()}")
    finally:
        if not args.keep:
            with connection.cursor() as cur:  # raw: the ORM's cascade would load every row first
                cur.execute("DELETE FROM techmarket_achievement WHERE owner_id = %s", [owner.pk])
            owner.delete()


if __name__ == "__main__":
    main()
