"""Background .xlsx exports of a whole district: time, CPU and peak memory of the worker that writes them.

    DATABASE_URL=sqlite:///var/bench/sqlite-100000.sqlite3 .venv/bin/python bench/export_bench.py \
        [--paths /registry/enterprises/,/registry/certificates/] [--keep var/exports]

Reuses a demo district (the one `bench/pages_bench.py` builds). For each list page it queues the export an
officer asks for with `?export=xlsx` (an `ExportJob`, as the page does above EXPORT_SYNC_ROWS rows) and runs
the worker the page would start, `kechuang exports run --job ID`, as a child process; it prints the rows
written, the file's size, the worker's wall and CPU seconds and its peak RSS, each also over the same
command with nothing to write (Django and the URL configuration loaded): the RSS over idle is what the rows
cost in memory, which stays flat however many rows there are when the workbook streams.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KECHUANG = str(Path(sys.executable).parent / "kechuang")
DEFAULT_PATHS = "/registry/enterprises/,/registry/certificates/,/registry/ip/"


def run_worker(arguments: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (user + system) and peak RSS in MB of one `kechuang exports run`."""
    started = time.monotonic()
    child = subprocess.Popen([KECHUANG, "exports", "run", *arguments], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"kechuang exports run {' '.join(arguments)} failed: {output}")
    return time.monotonic() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, output.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", default=DEFAULT_PATHS, help="comma-separated list pages to export")
    parser.add_argument("--keep", type=Path, help="copy each written workbook into this folder (to open it) before it is removed")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    os.environ["DATABASE_STATEMENT_TIMEOUT_MS"] = os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "30000")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.urls import resolve

    from kechuang.core.choices import Role
    from kechuang.core.models import ExportJob, User
    from kechuang.registry.models import Enterprise

    officer = User.objects.filter(role=Role.OFFICER, is_active=True).order_by("pk").first()
    if officer is None:
        raise SystemExit("no officer: point DATABASE_URL at a demo district")
    ExportJob.objects.filter(state=ExportJob.State.PENDING).update(state=ExportJob.State.FAILED, error="bench: left over")
    idle_wall, idle_cpu, idle_rss, _ = run_worker([])
    print(f"# {Enterprise.objects.count()} enterprises, database {django.db.connection.vendor}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"worker with nothing to write: {idle_wall:.1f} s, {idle_cpu:.1f} CPU s, peak RSS {idle_rss} MB")
    print("| list | rows | file MB | wall s | CPU s | CPU s over idle | peak RSS MB | RSS over idle MB | rows per CPU s over idle |")
    print("|---|---|---|---|---|---|---|---|---|")
    for path in args.paths.split(","):
        view = resolve(path).func.view_class
        total = view.model.objects.visible_to(officer).count()
        job = ExportJob.objects.create(user=officer, path=f"{path}?export=xlsx", filename="bench.xlsx", rows_total=total)
        wall, cpu, rss, output = run_worker(["--job", str(job.pk)])
        job.refresh_from_db()
        if job.state != ExportJob.State.DONE:
            raise SystemExit(f"{path}: {job.state} {job.error} ({output})")
        size = job.file.size / 1e6
        work = max(cpu - idle_cpu, 0.01)
        print(f"| `{path}` | {job.rows_done:,} | {size:.1f} | {wall:.1f} | {cpu:.1f} | {work:.1f} | {rss} | {rss - idle_rss} | "
              f"{job.rows_done / work:,.0f} |", flush=True)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            with job.file.open("rb") as written:
                (args.keep / f"{path.strip('/').replace('/', '-')}.xlsx").write_bytes(written.read())
        job.file.delete(save=False)
        job.delete()
    print(f"# load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"this process's peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
