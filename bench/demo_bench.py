"""How long `kechuang demo` takes to build a district, and its peak memory, at each size and database.

Each build runs in a process of its own on a fresh, migrated database (SQLite: a file in a temporary
folder; PostgreSQL: the database named by --postgres, dropped and created again first), so that its
peak RSS is its own. Prints wall and CPU seconds (on a shared machine CPU is the steadier figure), peak
RSS, the 1-minute load average before/after each build, the seconds of each demo part (statistics
refresh included), and the growth from the smallest size to each larger one.

    .venv/bin/python bench/demo_bench.py                                # 2,000 and 20,000 on SQLite
    .venv/bin/python bench/demo_bench.py --sizes 2000 --postgres postgres://postgres@127.0.0.1:5432/demo_bench
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
KECHUANG = [sys.executable, "-m", "kechuang"]
PART_LINE = re.compile(r"^\s+(\w+): ([\d.]+) s$")


def fresh_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def run(command: list[str], env: dict) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MiB, stdout) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def build(database: str, size: int, url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url}
    run([*KECHUANG, "migrate", "-v0"], env)
    load_before = os.getloadavg()[0]
    wall, cpu, peak, output = run([*KECHUANG, "demo", "--enterprises", str(size)], env)
    parts = {m.group(1): float(m.group(2)) for m in map(PART_LINE.match, output.splitlines()) if m}
    # The machine is shared: the load around a build says how far its wall time is its own.
    load = f"{load_before:.1f}/{os.getloadavg()[0]:.1f}"
    return {"database": database, "size": size, "wall": wall, "cpu": cpu, "peak": peak, "load": load, "parts": parts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--postgres", help="a database URL this benchmark may drop and create")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as work:
        for size in args.sizes:
            if not args.no_sqlite:
                results.append(build("sqlite", size, f"sqlite:///{Path(work) / f'demo{size}.sqlite3'}"))
                print(results[-1], flush=True)
            if args.postgres:
                fresh_postgres(args.postgres)
                results.append(build("postgresql", size, args.postgres))
                print(results[-1], flush=True)
    names = sorted({name for r in results for name in r["parts"]}, key=lambda n: next(
        i for r in results for i, k in enumerate(r["parts"]) if k == n))
    print(f"\n{'database':<11}{'enterprises':>12}{'wall s':>9}{'CPU s':>8}{'peak MiB':>10}{'load':>10}  " + "".join(f"{n:>12}" for n in names))
    for r in results:
        print(f"{r['database']:<11}{r['size']:>12,}{r['wall']:>9.1f}{r['cpu']:>8.1f}{r['peak']:>10.0f}{r['load']:>10}  "
              + "".join(f"{r['parts'].get(n, float('nan')):>12.1f}" for n in names))
    for database in ("sqlite", "postgresql"):
        rows = [r for r in results if r["database"] == database]
        for larger in rows[1:]:
            base = rows[0]
            print(f"{database}: {base['size']:,} → {larger['size']:,} enterprises ({larger['size'] / base['size']:.0f}×): "
                  f"wall {larger['wall'] / base['wall']:.1f}×, CPU {larger['cpu'] / base['cpu']:.1f}×, peak RSS {larger['peak'] / base['peak']:.1f}×")


if __name__ == "__main__":
    main()
