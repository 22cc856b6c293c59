"""Benchmark of the database-served matching index (PostgreSQL), over N generated achievements.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/match_db_bench.py --n 1000000 --keep
    DATABASE_URL=… .venv/bin/python bench/match_db_bench.py --skip-load --recall     # measure again, same rows

Needs a migrated database it may fill (it deletes the achievements it made when it ends, unless
--keep). Prints: the load's steps, top-10 latency for the labelled demands (p50/p95) and its stages,
institutions and the reverse direction, embedding one record, indexing one new record through the
service, the rebuild rate (`kechuang match_index rebuild`'s code path) on a sample and its extrapolation
to N, disk used, and two gunicorn workers' first request to the ranking endpoint against their hundredth
(`--workers-only`: that alone).

How the rows are made, honestly: segmenting and encoding a million records is ≈ 2 hours of one core
here (≈ 1 ms jieba + 5–12 ms encoder per record, the rebuild rate row measures it), so the bench
segments and encodes a pool of `--pool` generated texts (20,000 by default; bench/match_bench.py's
generator) plus the 162 labelled achievements, for real, and writes each of the N rows as one pool text
plus two random characters (in its text and its tokens) with the pool text's vector plus Gaussian noise
(σ = 0.02 a component, renormalised): 50 near-copies of each text at N = 1,000,000. The cells are
trained with the product's k-means on 20,000 of those rows before the load, so each row is written
once with its cell and code (`--train-cells` times the product's `train_cells`, which rewrites every
row's cell). The index structures, their sizes and the query path are the real ones; rankings over the
copies are not a quality measure (bench/match_bench.py is).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.db import connection  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from kechuang.techmarket import fulltext, services  # noqa: E402
from kechuang.core.models import Region  # noqa: E402
from kechuang.core.choices import Role  # noqa: E402
from kechuang.core.models import User  # noqa: E402
from kechuang.registry.models import Enterprise  # noqa: E402
from kechuang.registry.validators import uscc_check_char  # noqa: E402
from kechuang.techmarket.choices import AchievementStatus, DemandStatus, InstitutionKind, SolutionMode  # noqa: E402
from kechuang.techmarket.matcher import index, index_terms, kmeans, store_centres  # noqa: E402
from kechuang.techmarket.matching.evaluate import EVALSET, load_evalset  # noqa: E402
from kechuang.techmarket.matching.semantic import code_scores, to_bytes, to_code  # noqa: E402
from kechuang.techmarket.models import Achievement, Demand, Institution  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from match_bench import pct, synthetic  # noqa: E402

TAG = "基准测试机构"


def ms(s: float) -> str:
    return f"{s * 1000:.1f} ms"


def make_pool(size: int, seed: int) -> tuple[list, np.ndarray, list[str], float]:
    """`size` generated texts and the 162 labelled achievements, segmented and encoded for real."""
    _demands, labelled, _, _ = load_evalset(EVALSET)
    pool = synthetic(size, seed=seed) + labelled
    engine = index.engine()
    t = time.perf_counter()
    vectors = engine.embed(pool)
    terms = [index_terms(engine.analyze(rec)) for rec in pool]
    return pool, vectors, terms, time.perf_counter() - t


def copy_rows(model, n: int, pool, vectors, terms, make, rng: random.Random) -> dict[str, float]:
    """Writes n rows of model with COPY, each a pool text plus two random characters with the pool vector
    plus noise; their cells and codes computed here with the product's own k-means and code (so no row is
    written twice), with the full-text and cell indexes dropped during the load and made again after it.
    make(record, text suffix, terms, vector) gives the unsaved row. Returns the seconds of each step."""
    times = {}
    filler = [w for rec in pool[:2000] for w in rec.title[:8]]
    npr = np.random.default_rng(3)

    def noisy(js: np.ndarray) -> np.ndarray:
        vec = vectors[js] + npr.normal(0, 0.02, (len(js), vectors.shape[1])).astype(np.float32)
        return vec / np.linalg.norm(vec, axis=1, keepdims=True)

    t = time.perf_counter()
    centres = kmeans(noisy(npr.integers(0, len(pool), min(20000, n))), int(np.sqrt(n)), 8, np.random.default_rng(0))
    store_centres(model._meta.model_name, centres)
    times["cells"] = time.perf_counter() - t
    table = model._meta.db_table
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    [cell_index] = [i for i in model._meta.indexes if i.name.endswith("_match_cell")]
    with connection.cursor() as cur:
        cur.execute(f"DROP INDEX IF EXISTS {cell_index.name}")
        cur.execute(f"DROP INDEX IF EXISTS {table}_match_tsv")
    t = time.perf_counter()
    columns = ", ".join(f.column for f in fields)
    done = 0
    with connection.connection.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for start in range(0, n, 10000):
            js = np.arange(start, min(n, start + 10000)) % len(pool)
            vecs = noisy(js)
            for j, vec, cell in zip(js, vecs, np.argmax(vecs @ centres.T, axis=1)):
                extra = "".join(rng.sample(filler, 2))
                obj = make(pool[j], extra, f"{terms[j]} {extra}", vec)
                obj.match_vector, obj.match_code, obj.match_cell = to_bytes(vec), to_code(vec), int(cell)
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
            done += len(js)
            if done % 100000 == 0 or done == n:
                print(f"  {model._meta.model_name}: {done:,} rows, {time.perf_counter() - t:.0f} s", flush=True)
    times["copy"] = time.perf_counter() - t
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
    fulltext.ensure(connection)
    times["gin"] = time.perf_counter() - t
    t = time.perf_counter()
    with connection.schema_editor() as editor:
        editor.add_index(model, cell_index)
    times["cell_index"] = time.perf_counter() - t
    with connection.cursor() as cur:
        t = time.perf_counter()
        cur.execute(f"VACUUM ANALYZE {table}")
        times["vacuum"] = time.perf_counter() - t
    t = time.perf_counter()
    times["terms"] = index.count_terms(model)
    times["count"] = time.perf_counter() - t
    return times


def distinct_demands(count: int) -> list[Demand]:
    """count of the bench's demands, no two of the same pool text (the first rows are one of each)."""
    return list(Demand.objects.in_pool().filter(enterprise__name=TAG).order_by("pk")[:count])


def bench_enterprise() -> Enterprise:
    first17 = "91120116MA0BENCH0"
    region = Region.objects.filter(code__startswith="120116").order_by("code").first() or Region.objects.first()
    enterprise, _ = Enterprise.objects.get_or_create(
        uscc=first17 + uscc_check_char(first17),
        defaults=dict(name=TAG, region=region, established=dt.date(2016, 4, 12)),
    )
    return enterprise


def disk() -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_total_relation_size('techmarket_achievement'), pg_relation_size('techmarket_achievement_match_tsv'),"
                    " pg_indexes_size('techmarket_achievement')")
        total, gin, idx = cur.fetchone()
    return f"{total / 2**20:,.0f} MB in all (table + TOAST + indexes), of which GIN {gin / 2**20:,.0f} MB, all indexes {idx / 2**20:,.0f} MB"


def timed(fn, items, repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        for item in items:
            t = time.perf_counter()
            fn(item)
            out.append(time.perf_counter() - t)
    return out


def p50_p95(values: list[float]) -> str:
    return f"{ms(statistics.median(values))} / {ms(pct(values, 95))}"


def stages(queries: list[Demand]) -> str:
    """Median milliseconds of each stage of demand → achievements."""
    engine, parts = index.engine(), {k: [] for k in ("analysis + expansion", "encoding", "full-text", "semantic", "whole call")}
    for q in queries:
        rec = index.record(q)
        t0 = time.perf_counter()
        terms = engine.expand(engine.analyze(rec))[0]
        t1 = time.perf_counter()
        vec = engine.embed([rec])[0]
        t2 = time.perf_counter()
        index._lexical(Achievement, terms)
        t3 = time.perf_counter()
        index._semantic(Achievement, vec)
        t4 = time.perf_counter()
        index.achievements_for(q, 10)
        t5 = time.perf_counter()
        for k, v in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
            parts[k].append(v)
    return ", ".join(f"{k} {statistics.median(v) * 1000:.1f}" for k, v in parts.items())


def cell_recall(queries: list[Demand]) -> str:
    """How many of the true 10 nearest visible records (by code, over every row: one pass over the whole
    table) the cell search finds, averaged over the demands."""
    engine = index.engine()
    q = np.stack([engine.embed([index.record(d)])[0] for d in queries])
    best = [[] for _ in queries]
    with connection.cursor() as cur:
        cur.execute("SELECT id, match_code FROM techmarket_achievement WHERE match_code IS NOT NULL AND status = %s",
                    [AchievementStatus.PUBLISHED])
        while chunk := cur.fetchmany(50000):
            ids = np.array([pk for pk, _code in chunk])
            scores = np.stack([code_scores(b"".join(bytes(code) for _pk, code in chunk), v) for v in q])
            for i, row in enumerate(scores):
                top = np.argpartition(-row, 10)[:10]
                best[i] = sorted(best[i] + list(zip(row[top].tolist(), ids[top].tolist())), reverse=True)[:10]
    found = [len({str(pk) for _s, pk in b} & set(index._semantic(Achievement, v)[0][:10])) for b, v in zip(best, q)]
    return f"{statistics.mean(found) / 10:.2f}"

def in_process(args, owner: Institution, n: int) -> list[str]:
    """The figures measured inside this process: latencies of the three rankings and their stages, the
    encoder, indexing a new record, the rebuild rate, disk."""
    rows = []
    demands, labelled, _, _ = load_evalset(EVALSET)
    queries = [Demand(title=d.title, problem=d.description) for d in demands]
    index.warm_up()
    timed(lambda q: index.achievements_for(q, 10), queries)  # the query words' caches, as a worker's 100th query has them
    cpu = time.process_time()
    lat = timed(lambda q: index.achievements_for(q, 10), queries, args.repeat)
    cpu = (time.process_time() - cpu) / len(lat)
    rows.append(f"| **top-10 achievements for one demand**, {len(queries)} labelled demands × {args.repeat} (p50 / p95; mean CPU of this process) | **{p50_p95(lat)}**; {ms(cpu)} |")
    rows.append(f"| stages, medians in ms | {stages(queries)} |")
    if args.recall:
        rows.append(f"| semantic recall@10 of the cell search against every row's code | {cell_recall(queries)} |")
    rows.append(f"| institutions for one demand (p50 / p95) | {p50_p95(timed(lambda q: index.institutions_for(q, 10), queries))} |")
    mine = list(Achievement.objects.filter(owner=owner).order_by("pk")[:25])
    rows.append(f"| demands for one achievement, over {Demand.objects.in_pool().count():,} demands in the pool (p50 / p95) | "
                f"{p50_p95(timed(lambda a: index.demands_for(a, 10), mine))} |")
    encoder = index.engine()
    rows.append(f"| embed one record (labelled achievements, one at a time; p50 / p95) | {p50_p95(timed(lambda r: encoder.embed([r]), labelled[:50]))} |")
    adds = timed(lambda rec: services.save_achievement(Achievement(
        title=rec.title, summary=rec.description, keywords=rec.keyword_text()[:290], owner=owner, maturity=5,
        status=AchievementStatus.PUBLISHED), None), synthetic(20, seed=99))
    rows.append(f"| index one new record (save through the service: segment, encode, write row + GIN; p50 / p95) | {p50_p95(adds)} |")
    sample = list(Achievement.objects.filter(owner=owner).order_by("pk").values_list("pk", flat=True)[: args.rebuild_sample])
    t, cpu = time.perf_counter(), time.process_time()
    done = index.index_rows(Achievement, Achievement.objects.filter(pk__in=sample))
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    rows.append(f"| rebuild rate (`match_index rebuild`'s `index_rows`, {done:,} rows) | {done / wall:,.0f} rows/s ({cpu / done * 1000:.1f} ms CPU a row)"
                f" → {n / (done / wall) / 3600:,.1f} h for {n:,} at this rate |")
    rows.append(f"| disk | {disk()} |")
    return rows


RANKED = "/api/techmarket/demands/{pk}/achievements/"  # the API call behind a demand page's ranking


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load1() -> str:
    return f"{os.getloadavg()[0]:.1f}"


class Gunicorn:
    """`kechuang.wsgi` under gunicorn with the production settings and two workers, each started and warmed
    up (`index.warm_up()`) before the first request is sent."""

    def __init__(self, workdir: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.access, errors = workdir / "access.log", workdir / "gunicorn.log"
        started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "bench" / "gunicorn_bench.conf.py"),
             "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--access-logfile", str(self.access),
             "--access-logformat", "%(p)s %(D)s %(U)s %(s)s", "kechuang.wsgi:application"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors.open("w"),
        )
        self.ready: dict[int, float] = {}  # worker pid: seconds from its fork to serving
        while len(self.ready) < 2:
            if self.process.poll() is not None or time.monotonic() - started > 300:
                raise SystemExit(errors.read_text())
            time.sleep(0.2)
            self.ready = {int(f[2]): float(f[4]) for f in
                          (line.split() for line in errors.read_text().splitlines() if line.startswith("bench: worker"))}
        self.start_cpu = {pid: cpu_seconds(pid) for pid in self.ready}
        self.ready_load = load1()

    def get(self, path: str, token: str) -> float:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers={"Authorization": f"Token {token}"})
        t = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
        return time.perf_counter() - t

    def served(self) -> dict[str, tuple[int, float]]:
        """{path: (worker pid, seconds inside the worker)} from the access log."""
        out = {}
        for line in self.access.read_text().splitlines():
            pid, micros, path, status = line.split()
            assert status == "200", line
            out[path] = (int(pid.strip("<>")), int(micros) / 1e6)
        return out

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(60)


def two_workers(demands: list[Demand], per_worker: int, idle: float, workdir: Path) -> list[str]:
    """Each demand's ranking asked once, two requests at a time, so that each worker takes every other one
    and never a demand it has seen; then, after `idle` seconds without a request, two more. Table rows:
    worker 1 / worker 2, with the 1-minute load average beside each figure."""
    officer, _ = User.objects.get_or_create(username="bench-officer", defaults={"role": Role.OFFICER})
    Token.objects.filter(user=officer).delete()
    token = Token.objects.create(user=officer).key
    server = Gunicorn(workdir)
    try:
        paths = [RANKED.format(pk=d.pk) for d in demands]
        with ThreadPoolExecutor(max_workers=2) as pool:
            def batch(chosen: list[str]) -> tuple[dict[str, float], dict[int, float], str]:
                cpu = {pid: cpu_seconds(pid) for pid in server.ready}
                walls = dict(zip(chosen, pool.map(lambda p: server.get(p, token), chosen)))
                return walls, {pid: cpu_seconds(pid) - c for pid, c in cpu.items()}, load1()

            first = batch(paths[:2])
            rest = batch(paths[2:2 * per_worker + 10])
            time.sleep(idle)
            after_idle = batch(paths[2 * per_worker + 10: 2 * per_worker + 12])
        served = server.served()
    finally:
        server.stop()
    walls = {**first[0], **rest[0], **after_idle[0]}
    order = {pid: [p for p in served if served[p][0] == pid] for pid in server.ready}
    workers = sorted(server.ready)

    def cell(pid: int, path: str | None, cpu: float | None, load: str) -> str:
        if path is None:
            return "—"
        cpu_text = f", {cpu * 1000:.0f} ms CPU" if cpu is not None else ""
        return f"{walls[path] * 1000:.0f} ms ({served[path][1] * 1000:.0f} in the worker{cpu_text}; load {load})"

    def nth(pid: int, n: int) -> str | None:
        mine = [p for p in order[pid] if p in rest[0]]
        return mine[n - 2] if len(mine) >= n - 1 else None

    def of(pid: int, chosen: tuple) -> str | None:
        return next((p for p in order[pid] if p in chosen[0]), None)

    def median_of(pid: int, lo: int, hi: int) -> str:
        mine = [walls[p] for p in order[pid] if p in rest[0]][lo - 2: hi - 1]
        return f"{statistics.median(mine) * 1000:.0f} ms ({len(mine)} requests)" if mine else "—"

    rest_cpu = {pid: rest[1][pid] / max(1, sum(1 for p in order[pid] if p in rest[0])) for pid in workers}
    rows = [
        "| | worker 1 | worker 2 |", "|---|---|---|",
        "| ready: Django start + warm-up, from fork (CPU) | " + " | ".join(
            f"{server.ready[pid]:.2f} s ({server.start_cpu[pid]:.2f} s CPU; load {server.ready_load})" for pid in workers) + " |",
        "| first request | " + " | ".join(cell(pid, of(pid, first), first[1][pid], first[2]) for pid in workers) + " |",
        "| 10th request | " + " | ".join(cell(pid, nth(pid, 10), None, rest[2]) for pid in workers) + " |",
        "| 100th request | " + " | ".join(cell(pid, nth(pid, 100), None, rest[2]) for pid in workers) + " |",
        "| requests 2–10, median | " + " | ".join(median_of(pid, 2, 10) for pid in workers) + " |",
        "| requests 91–110, median | " + " | ".join(median_of(pid, 91, 110) for pid in workers) + " |",
        "| mean CPU of the worker a request, requests 2 on | " + " | ".join(f"{rest_cpu[pid] * 1000:.0f} ms" for pid in workers) + " |",
        f"| first request after {idle:.0f} s without requests | " + " | ".join(
            cell(pid, of(pid, after_idle), after_idle[1][pid], after_idle[2]) for pid in workers) + " |",
    ]
    for pid in workers:  # a connection re-opened mid-run (CONN_MAX_AGE) shows as a slow request
        mine = [p for p in order[pid] if p in rest[0]]
        slow = sorted(range(len(mine)), key=lambda i: -walls[mine[i]])[:3]
        rows.append(f"| worker {workers.index(pid) + 1}: slowest of requests 2 on | "
                    + ", ".join(f"#{i + 2}: {walls[mine[i]] * 1000:.0f} ms" for i in sorted(slow)) + " | |")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--pool", type=int, default=20000)
    ap.add_argument("--demands", type=int, default=0, help="also load this many demands (pool: a twentieth), once")
    ap.add_argument("--repeat", type=int, default=4)
    ap.add_argument("--rebuild-sample", type=int, default=1000)
    ap.add_argument("--train-cells", action="store_true", help="also time `train_cells` (rewrites every row's cell)")
    ap.add_argument("--recall", action="store_true", help="also measure the cell search's recall (reads every row)")
    ap.add_argument("--gunicorn-rounds", type=int, default=2, help="gunicorn started afresh this many times")
    ap.add_argument("--per-worker", type=int, default=100, help="requests each gunicorn worker answers before the idle pause")
    ap.add_argument("--idle", type=float, default=65, help="seconds without requests before the last two")
    ap.add_argument("--workers-only", action="store_true", help="measure the two gunicorn workers only")
    ap.add_argument("--keep", action="store_true", help="leave the rows for another run with --skip-load")
    ap.add_argument("--skip-load", action="store_true", help="measure the rows a --keep run left")
    args = ap.parse_args()
    assert connection.vendor == "postgresql", "this benchmark measures the PostgreSQL index"
    rng = random.Random(5)
    owner, _ = Institution.objects.get_or_create(name=TAG, defaults={"kind": InstitutionKind.UNIVERSITY})
    rows = ["| figure | value |", "|---|---|"]
    with connection.cursor() as cur:  # the load and the counts are single long statements
        cur.execute("SET statement_timeout = 0")
    try:
        loads = []
        if not args.skip_load:
            loads.append((Achievement, args.n, args.pool, lambda rec, extra, terms, vec: Achievement(
                title=rec.title[:190], summary=f"{rec.description}{extra}", keywords=rec.keyword_text()[:290], owner=owner,
                maturity=5, status=AchievementStatus.PUBLISHED, match_terms=terms)))
        if args.demands and not Demand.objects.filter(enterprise__name=TAG).exists():
            enterprise = bench_enterprise()
            loads.append((Demand, args.demands, args.demands // 20, lambda rec, extra, terms, vec: Demand(
                enterprise=enterprise, title=rec.title[:190], problem=f"{rec.description}{extra}", keywords=rec.keyword_text()[:290],
                solution_mode=SolutionMode.COOPERATIVE, status=DemandStatus.OPEN, posted_on=dt.date(2026, 11, 1), match_terms=terms)))
        for model, count, size, make in loads:
            pool, vectors, terms, encoded = make_pool(size, seed=11 if model is Achievement else 12)
            print(f"{model._meta.model_name}: pool of {len(pool):,} texts segmented and encoded in {encoded:.0f} s", flush=True)
            times = copy_rows(model, count, pool, vectors, terms, make, rng)
            name = model._meta.verbose_name_plural
            rows += [
                f"| {name}: pool of {size:,} generated + 162 labelled texts, segmented and encoded for real | {encoded:.0f} s |",
                f"| {name}: k-means of {int(np.sqrt(count))} cells on 20,000 noisy copies (the product's `kmeans`) | {times['cells']:.0f} s |",
                f"| {name}: COPY {count:,} rows (cells and codes computed on the way) | {times['copy']:.0f} s |",
                f"| {name}: CREATE the GIN index / the cell index (INCLUDE codes) | {times['gin']:.0f} s / {times['cell_index']:.0f} s |",
                f"| {name}: VACUUM ANALYZE / count document frequencies ({times['terms']:,} terms, ts_stat) | {times['vacuum']:.0f} s / {times['count']:.0f} s |",
            ]
            print("\n".join(rows), flush=True)
        n = Achievement.objects.published().count()
        if args.train_cells:
            t = time.perf_counter()
            cells = index.train_cells(Achievement, cells=int(np.sqrt(n)))
            rows.append(f"| `train_cells` ({cells} cells, k-means on 20,000, assign every row) | {time.perf_counter() - t:.0f} s |")
        if not args.workers_only:
            rows += in_process(args, owner, n)
        chosen = distinct_demands(args.gunicorn_rounds * (2 * args.per_worker + 12))
        if chosen:
            size = 2 * args.per_worker + 12
            with tempfile.TemporaryDirectory() as workdir:
                for r in range(args.gunicorn_rounds):
                    ours = chosen[r * size:(r + 1) * size]
                    # the round's demands read once just before it, so that what the workers pay is not the
                    # data's first read (read before an earlier round, their pages had left PostgreSQL's
                    # 128 MB of buffers by the time this round asked for them)
                    timed(lambda d: index.achievements_for(d, 10), ours)
                    rows.append(f"\n**gunicorn, two workers, round {r + 1}**: `GET {RANKED}` for demands neither worker has seen\n")
                    rows += two_workers(ours, args.per_worker, args.idle, Path(workdir))
        else:
            rows.append("| gunicorn, two workers | not measured: no demands loaded (`--demands`) |")
        print(f"\n## Database-served matching, {n:,} published achievements on PostgreSQL\n")
        print("\n".join(rows))
        print(f"\nload average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}; cores: {os.cpu_count()}")
    finally:
        if not args.keep:
            with connection.cursor() as cur:  # raw: the ORM's cascade would load every row first
                cur.execute("DELETE FROM techmarket_achievement WHERE owner_id = %s", [owner.pk])
                cur.execute("DELETE FROM techmarket_demand WHERE enterprise_id IN (SELECT id FROM registry_enterprise WHERE name = %s)", [TAG])
            owner.delete()


if __name__ == "__main__":
    main()
