"""How much the all-or-nothing importer costs over a plain bulk insert.

Generates N valid enterprise rows (valid USCCs, real region and industry codes) as a UTF-8 CSV, then, in
the same migrated database emptied before each phase, times and measures the peak memory of
  1. `kechuang import enterprises FILE` (read, check every row, upsert in one transaction, audit each row)
  2. a plain `Enterprise.objects.bulk_create` of the same rows (csv module, no checks, no audit),
each in its own process so that its peak RSS is its own, next to a process that only starts Django.

    .venv/bin/python bench/import_bench.py [--rows 100000]                    # SQLite in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/import_bench .venv/bin/python bench/import_bench.py
"""
import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HEADERS = ["统一社会信用代码", "企业名称", "成立日期", "行政区划代码", "行业代码", "技术领域", "注册资本(万元)", "注册地址", "登记状态"]
DOMAINS = ["电子信息", "生物与新医药", "航空航天", "新材料", "高技术服务", "新能源与节能", "资源与环境", "先进制造与自动化"]
STATUSES = ["存续"] * 17 + ["在业", "迁出", "注销"]


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    import django

    django.setup()


def generate(path: Path, rows: int, seed: int = 7) -> None:
    from kechuang.core.models import Industry, Region
    from kechuang.registry.validators import uscc_check_char

    rng = random.Random(seed)
    townships = list(Region.objects.filter(code__startswith="1201", level="township").values_list("code", flat=True))
    district = [code for code in townships if code.startswith("120116")]
    industries = list(Industry.objects.filter(level="class").values_list("code", flat=True))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for serial in range(1, rows + 1):
            region = rng.choice(district) if rng.random() < 0.8 else rng.choice(townships)
            first17 = f"91{region[:6]}MA{serial:07d}"
            established = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(8000))
            writer.writerow([
                first17 + uscc_check_char(first17),
                f"天津生态城测试科技有限公司{serial:06d}",
                established.isoformat(),
                region,
                rng.choice(industries),
                rng.choice(DOMAINS),
                f"{rng.randrange(10, 50000)}.{rng.randrange(100):02d}",
                f"天津市滨海新区中新生态城和旭路{serial}号",
                rng.choice(STATUSES),
            ])


def empty_tables() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    tables = ["registry_enterprise_members", "registry_enterprise", "core_auditentry", "core_auditchainhead"]
    with connection.cursor() as cursor:
        for statement in connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True):
            cursor.execute(statement)


def phase_import(path: Path) -> int:
    from django.core.management import call_command

    call_command("import", "enterprises", str(path))
    from kechuang.registry.models import Enterprise

    return Enterprise.objects.count()


def phase_bulk_create(path: Path) -> int:
    """The floor: the same rows inserted with no checks, no upsert and no audit."""
    import decimal

    from kechuang.core.models import HighTechDomain
    from kechuang.registry.choices import RegistrationStatus
    from kechuang.registry.models import Enterprise

    domains = dict(HighTechDomain.objects.filter(level="domain").values_list("name", "code"))
    statuses = {str(label): value for value, label in RegistrationStatus.choices}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        objects = [
            Enterprise(
                uscc=uscc,
                name=name,
                established=dt.date.fromisoformat(established),
                region_id=region,
                industry_id=industry,
                high_tech_domain_id=domains[domain],
                registered_capital=decimal.Decimal(capital),
                address=address,
                status=statuses[status],
            )
            for uscc, name, established, region, industry, domain, capital, address, status in reader
        ]
    Enterprise.objects.bulk_create(objects, batch_size=2000)
    return Enterprise.objects.count()


PHASES = {"import": phase_import, "bulk_create": phase_bulk_create, "baseline": lambda path: 0}


def child(phase: str, path: Path) -> None:
    setup_django()
    if phase != "baseline":
        empty_tables()
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    rows = PHASES[phase](path)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    print(json.dumps({"phase": phase, "seconds": seconds, "cpu": cpu, "peak_mib": usage.ru_maxrss / 1024, "rows": rows}))


def run_phase(phase: str, path: Path, env: dict) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", phase, str(path)], env=env, check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, metavar=("PHASE", "CSV"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    work = Path(tempfile.mkdtemp(prefix="import-bench-"))
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    env.setdefault("KECHUANG_DATA_DIR", str(work))
    os.environ.update(env)
    print(f"database: {env['DATABASE_URL']}")
    subprocess.run([sys.executable, "-m", "kechuang", "migrate", "-v0", "--skip-checks"], env=env, check=True, cwd=ROOT)
    setup_django()
    path = work / "enterprises.csv"
    generate(path, args.rows)
    print(f"file: {path} ({path.stat().st_size / 1024 / 1024:.1f} MB, {args.rows} rows)")
    results = {phase: run_phase(phase, path, env) for phase in ("baseline", "import", "bulk_create")}
    for result in results.values():
        if result["phase"] != "baseline" and result["rows"] != args.rows:
            raise SystemExit(f"{result['phase']} wrote {result['rows']} rows, expected {args.rows}")
    imp, bulk, base = results["import"], results["bulk_create"], results["baseline"]
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time suffers from load)")
    print(f"{'':28}{'wall s':>8}{'CPU s':>8}{'rows/s':>9}{'peak RSS MiB':>14}{'over baseline':>15}")
    for label, result in (("kechuang import enterprises", imp), ("plain bulk_create", bulk)):
        print(
            f"{label:28}{result['seconds']:8.1f}{result['cpu']:8.1f}{args.rows / result['seconds']:9.0f}"
            f"{result['peak_mib']:14.0f}{result['peak_mib'] - base['peak_mib']:15.0f}"
        )
    print(f"{'Django start-up only':28}{'':25}{base['peak_mib']:14.0f}")
    print(
        f"ratio import / bulk_create: wall {imp['seconds'] / bulk['seconds']:.1f}x, CPU {imp['cpu'] / bulk['cpu']:.1f}x, "
        f"peak memory over baseline {(imp['peak_mib'] - base['peak_mib']) / max(1, bulk['peak_mib'] - base['peak_mib']):.1f}x"
    )


if __name__ == "__main__":
    main()
