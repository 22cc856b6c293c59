"""Page benchmark: every menu page of every role, served by gunicorn, at several district sizes.

    .venv/bin/python bench/pages_bench.py [--sizes 2000,20000,100000] [--databases sqlite,postgres]
                                          [--postgres postgres://postgres@127.0.0.1:5432/h_scale]
                                          [--repeat 5] [--workers 2] [--build-only]

For each database and size it builds a demo district once (`kechuang migrate`, `kechuang demo
--enterprises N`, `kechuang dbstats`) and reuses it afterwards: SQLite files under var/bench/, one
PostgreSQL schema per size (d2000, d20000, …) in the given database. It then serves the district with
gunicorn (the production server, `--workers` processes), logs in every demo role and prints, for every
page of that role's menu (and the home page):

  * warm: the median of `--repeat` requests after the first;
  * first: the first request to that page after the server started;
  * queries: the number of SQL queries the page runs (counted in-process with the same settings);
  * cpu: the CPU milliseconds of that in-process request, which a busy machine stretches far less than
    wall time (on SQLite it includes the database's work, on PostgreSQL not the server's);

and, per database, the growth factor of the warm median from each size to the next. `--build-only` builds
the districts and stops, so that builds can run side by side and the timing later on a quiet machine.

Each measurement is kept in var/bench/pages-<database>-<size>.jsonl with the 1-minute load average before
and after it, its wall time and the CPU seconds of the server and of the measuring process (the machine
is shared, so a wall time means little without them); `--table` prints the table of every kept
measurement of the given sizes and databases without measuring again.
Needs gunicorn (`pip install -e .[bench]`).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
KECHUANG = str(VENV_BIN / "kechuang")
GUNICORN = str(VENV_BIN / "gunicorn")
REQUEST_TIMEOUT = 120


def district_url(database: str, size: int, postgres: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{ROOT / 'var' / 'bench' / f'sqlite-{size}.sqlite3'}"
    separator = "&" if "?" in postgres else "?"
    return f"{postgres}{separator}options=-c%20search_path%3Dd{size}"


def _env(url: str) -> dict:
    # A district build or a slow page must not be cut short by the product's statement timeout.
    # The sessions are made in-process without a second factor, as `scripts/serve` runs the demo.
    return {**os.environ, "DATABASE_URL": url, "DATABASE_STATEMENT_TIMEOUT_MS": "0", "DJANGO_SETTINGS_MODULE": "kechuang.settings",
            "KECHUANG_REQUIRE_OTP": "false"}


def _create_schema(postgres: str, size: int) -> None:
    import psycopg

    with psycopg.connect(postgres.split("?")[0], autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS d{size}")


def ensure_district(database: str, size: int, postgres: str) -> float | None:
    """Build the district unless it is already there; returns the demo's build time, or None if reused."""
    url = district_url(database, size, postgres)
    if database == "sqlite":
        (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    else:
        _create_schema(postgres, size)
    env = _env(url)
    subprocess.run([KECHUANG, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    probe = subprocess.run([sys.executable, __file__, "--count-enterprises"], env=env, check=True, cwd=ROOT,
                           capture_output=True, text=True)
    if int(probe.stdout.strip()) > 0:
        return None
    started = time.monotonic()
    subprocess.run([KECHUANG, "demo", "--enterprises", str(size)], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    built = time.monotonic() - started
    subprocess.run([KECHUANG, "dbstats"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return built


# ---- inside one district (a child process with DATABASE_URL set) -----------------------------------

def _setup_django():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def count_enterprises() -> None:
    _setup_django()
    from kechuang.registry.models import Enterprise

    print(Enterprise.objects.count())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, cookie: str) -> tuple[float, int]:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (TimeoutError, urllib.error.URLError):
        status = 0  # the worker timed out
    return time.perf_counter() - started, status


def _wait_for(port: int, server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before serving")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start within 60 s")


def measure(repeat: int, workers: int) -> None:
    """Print one JSON line per (role, page): warm median, first visit, query count, HTTP status."""
    _setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kechuang.core.demo import demo_logins
    from kechuang.core.models import User
    from kechuang.core.navigation import items_for
    from kechuang.registry.models import Enterprise

    size = Enterprise.objects.count()
    sessions = []
    for login in demo_logins():
        user = User.objects.get(username=login.username)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        pages = [("首页", "/")] + [(str(item["label"]), item["url"]) for item in items_for(user) if item["url"] != "/"]
        sessions.append((login.role, user, client, pages))

    port = _free_port()
    server = subprocess.Popen(
        [GUNICORN, "kechuang.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "90",
         "--log-level", "warning"], cwd=ROOT, env=os.environ.copy())
    try:
        _wait_for(port, server)
        for _ in range(2 * workers):  # each worker loads the URL configuration and templates once
            _get(f"http://127.0.0.1:{port}/login/", "")
        for role, user, client, pages in sessions:
            cookie = client.cookies["sessionid"].value
            for label, path in pages:
                first, status = _get(f"http://127.0.0.1:{port}{path}", cookie)
                warm = [_get(f"http://127.0.0.1:{port}{path}", cookie)[0] for _ in range(repeat)] if status == 200 else []
                client.get(path, follow=True)  # the in-process count is taken warm too
                cpu_started = time.process_time()
                with CaptureQueriesContext(connection) as queries:
                    in_process = client.get(path, follow=True).status_code
                cpu = time.process_time() - cpu_started
                if in_process != status:
                    print(f"# {role} {path}: HTTP {status} from gunicorn, {in_process} in-process", file=sys.stderr)
                print(json.dumps({"size": size, "role": role, "page": label, "path": path, "status": status,
                                  "first": first, "warm": statistics.median(warm) if warm else None,
                                  "queries": len(queries), "cpu": cpu}, ensure_ascii=False), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    # The workers are the master's children: their CPU reaches us once the master has reaped them.
    children, own = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"summary": True, "server_cpu": children.ru_utime + children.ru_stime,
                      "measure_cpu": own.ru_utime + own.ru_stime}), flush=True)


# ---- the table ------------------------------------------------------------------------------------

def _ms(seconds) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.0f}"


def print_table(results: dict, sizes: list[int], databases: list[str]) -> None:
    rows: dict[tuple, dict] = {}
    for (database, size), lines in results.items():
        for line in lines:
            if line.get("summary"):
                continue
            rows.setdefault((line["role"], line["page"], line["path"]), {})[(database, size)] = line
    header = ["role", "page"]
    for database in databases:
        for size in sizes:
            header.append(f"{database} {size} warm/first ms (queries, CPU ms)")
        for smaller, larger in zip(sizes, sizes[1:]):
            header.append(f"{database} ×{smaller}→{larger}")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for (role, page, path), found in rows.items():
        cells = [role, f"{page} `{path}`"]
        for database in databases:
            for size in sizes:
                line = found.get((database, size))
                if line is None:
                    cells.append("")
                elif line["status"] != 200:
                    cells.append(f"HTTP {line['status'] or 'timeout'} after {_ms(line['first'])}")
                else:
                    cells.append(f"{_ms(line['warm'])} / {_ms(line['first'])} ({line['queries']}, {_ms(line.get('cpu'))})")
            for smaller, larger in zip(sizes, sizes[1:]):
                a, b = found.get((database, smaller)), found.get((database, larger))
                ok = a and b and a["warm"] and b["warm"]
                cells.append(f"{b['warm'] / a['warm']:.1f}× (q {a['queries']}→{b['queries']})" if ok else "")
        print("| " + " | ".join(cells) + " |")


def _kept(database: str, size: int) -> Path:
    return ROOT / "var" / "bench" / f"pages-{database}-{size}.jsonl"


def run_measurement(database: str, size: int, postgres: str, repeat: int, workers: int) -> list[dict]:
    """Measure one district in a child process and keep its lines (pages, then a summary) on disk."""
    env = _env(district_url(database, size, postgres))
    env["DATABASE_STATEMENT_TIMEOUT_MS"] = os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "30000")
    load_before, started = os.getloadavg()[0], time.monotonic()
    child = subprocess.run([sys.executable, __file__, "--measure", "--repeat", str(repeat), "--workers", str(workers)],
                           env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    lines = [json.loads(line) for line in child.stdout.splitlines() if line.startswith("{")]
    summary = next(line for line in lines if line.get("summary"))
    summary.update(database=database, size=size, wall=time.monotonic() - started, load_before=load_before,
                   load_after=os.getloadavg()[0], measured_at=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                   repeat=repeat, workers=workers)
    _kept(database, size).write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    return lines


def read_kept(database: str, size: int) -> list[dict]:
    path = _kept(database, size)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def print_runs(results: dict) -> None:
    print("| database | enterprises | pages | measured | wall s | server CPU s | measuring CPU s | load 1 min before/after |")
    print("|---|---|---|---|---|---|---|---|")
    for (database, size), lines in results.items():
        summary = next((line for line in lines if line.get("summary")), None)
        if summary:
            print(f"| {database} | {size:,} | {len(lines) - 1} | {summary['measured_at']} | {summary['wall']:.0f} | "
                  f"{summary['server_cpu']:.0f} | {summary['measure_cpu']:.0f} | "
                  f"{summary['load_before']:.1f} / {summary['load_after']:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000,100000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/h_scale"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--build-only", action="store_true", help="build the districts, measure nothing")
    parser.add_argument("--table", action="store_true", help="print the table of the kept measurements only")
    parser.add_argument("--count-enterprises", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_enterprises:
        return count_enterprises()
    if args.measure:
        return measure(args.repeat, args.workers)
    sizes = [int(size) for size in args.sizes.split(",")]
    databases = args.databases.split(",")
    if args.table:
        results = {(database, size): read_kept(database, size) for database in databases for size in sizes}
        results = {key: lines for key, lines in results.items() if lines}
        print_runs(results)
        print()
        return print_table(results, sizes, databases)
    results = {}
    for database in databases:
        for size in sizes:
            built = ensure_district(database, size, args.postgres)
            if built is not None:
                print(f"# built {database} district of {size} enterprises in {built:.0f} s", flush=True)
            if args.build_only:
                continue
            results[(database, size)] = run_measurement(database, size, args.postgres, args.repeat, args.workers)
            print(f"# measured {database} {size}: {len(results[(database, size)]) - 1} pages", flush=True)
            print_table({(database, size): results[(database, size)]}, [size], [database])  # kept if a later size fails
            sys.stdout.flush()
    print_runs(results)
    print()
    print_table(results, sizes, databases)


if __name__ == "__main__":
    main()
