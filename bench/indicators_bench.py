"""Plan indicators benchmark: all indicators of the seed plan as of a date over a synthetic registry, timed
through the named queries (kechuang.plan.indicators, as the cockpit, API and CLI run them) and against one
hand-written SQL query computing the same figures; both results are printed and must agree.

    .venv/bin/python bench/indicators_bench.py                      # 100,000 / 300,000 / 50,000 on SQLite
    .venv/bin/python bench/indicators_bench.py --enterprises 20000 --ip 60000 --contracts 10000
    .venv/bin/python bench/indicators_bench.py --database postgres://postgres@127.0.0.1:5432/plan_bench

The database is created from scratch (a temporary SQLite file by default; for PostgreSQL the named
database is dropped and re-created, so never point it at real data). Rows are bulk-inserted without audit
entries: this measures reading, not writing.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CERTIFICATE_KINDS = ["hnte", "chuying", "dengling", "lingjun", "lingjun_peiyu", "tsme"]
GONE = ("moved_out", "cancelled", "revoked")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--ip", type=int, default=300_000)
    parser.add_argument("--contracts", type=int, default=50_000)
    parser.add_argument("--certificates", type=int, default=40_000)
    parser.add_argument("--as-of", default="2022-06-30")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", default="", help="a PostgreSQL URL to use instead of a temporary SQLite file")
    return parser.parse_args()


def setup(database: str):
    if database:
        os.environ["DATABASE_URL"] = database
        _recreate_postgres(database)
    else:
        path = Path(tempfile.mkdtemp(prefix="kc-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def _recreate_postgres(url: str):
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def populate(args, rng: random.Random):
    from django.db import transaction

    from kechuang.core.models import Region
    from kechuang.registry.models import Certificate, Enterprise, IntellectualProperty
    from kechuang.techmarket.models import TechContract

    district = Region.objects.filter(code__startswith="120116406").values_list("code", flat=True)[0]
    elsewhere = list(Region.objects.filter(code__startswith="1201", level="township").exclude(code__startswith="120116406").values_list("code", flat=True)[:50])
    day = lambda start, end: start + dt.timedelta(days=rng.randrange((end - start).days))  # noqa: E731
    with transaction.atomic():
        Enterprise.objects.bulk_create(
            (
                Enterprise(
                    uscc=f"91{i:016d}", name=f"企业{i}", region_id=district if rng.random() < 0.6 else rng.choice(elsewhere),
                    status=rng.choice(GONE) if rng.random() < 0.05 else "subsisting",
                )
                for i in range(args.enterprises)
            ),
            batch_size=5000,
        )
        ids = list(Enterprise.objects.values_list("pk", flat=True))
        IntellectualProperty.objects.bulk_create(
            (
                IntellectualProperty(
                    number=f"ZL{i:012d}", kind_id=rng.choice(["invention_patent", "invention_patent", "utility_model", "design_patent", "software_copyright"]),
                    title="专利", granted=day(dt.date(2008, 1, 1), dt.date(2024, 1, 1)) if rng.random() < 0.9 else None,
                    expires=day(dt.date(2019, 1, 1), dt.date(2030, 1, 1)) if rng.random() < 0.3 else None,
                    status="valid" if rng.random() < 0.85 else rng.choice(["invalid", "pending"]),
                )
                for i in range(args.ip)
            ),
            batch_size=5000,
        )
        owners = IntellectualProperty.owners.through
        rows = []
        for ip_id in IntellectualProperty.objects.values_list("pk", flat=True):
            for enterprise_id in rng.sample(ids, 2 if rng.random() < 0.1 else 1):
                rows.append(owners(intellectualproperty_id=ip_id, enterprise_id=enterprise_id))
        owners.objects.bulk_create(rows, batch_size=10000)
        Certificate.objects.bulk_create(
            (
                Certificate(
                    enterprise_id=rng.choice(ids), kind=rng.choice(CERTIFICATE_KINDS), number=f"C{i:09d}",
                    issued=(issued := day(dt.date(2016, 1, 1), dt.date(2023, 1, 1))), expires=issued + dt.timedelta(days=3 * 365 - 1),
                )
                for i in range(args.certificates)
            ),
            batch_size=5000,
        )
        TechContract.objects.bulk_create(
            (
                TechContract(
                    registration_number=f"R{i:09d}" if (registered := rng.random() < 0.8) else "", name="技术开发合同",
                    contract_type="development", seller_id=rng.choice(ids), buyer_name="买方", buyer_abroad=True,
                    amount=(amount := Decimal(rng.randrange(1, 500_000)) / 100), tech_amount=amount * Decimal("0.7"),
                    signed_on=(signed := day(dt.date(2019, 6, 1), dt.date(2023, 6, 1))),
                    registered_on=signed + dt.timedelta(days=rng.randrange(1, 60)) if registered else None,
                    status="registered" if registered else "applied",
                )
                for i in range(args.contracts)
            ),
            batch_size=5000,
        )


HAND_WRITTEN = """
WITH district AS (
    SELECT id FROM registry_enterprise WHERE region_id LIKE %(prefix)s AND status NOT IN ('moved_out', 'cancelled', 'revoked')
),
holders AS (
    SELECT DISTINCT enterprise_id, kind FROM registry_certificate
    WHERE issued <= %(day)s AND (expires IS NULL OR expires >= %(day)s) AND enterprise_id IN (SELECT id FROM district)
)
SELECT
  (SELECT COUNT(*) FROM registry_intellectualproperty
    WHERE kind_id = 'invention_patent' AND status = 'valid' AND granted IS NOT NULL AND granted <= %(day)s
      AND (expires IS NULL OR expires > %(day)s)
      AND id IN (SELECT intellectualproperty_id FROM registry_intellectualproperty_owners
                 WHERE enterprise_id IN (SELECT id FROM district))) AS invention_patents,
  (SELECT COUNT(DISTINCT enterprise_id) FROM holders WHERE kind = 'hnte') AS hnte,
  (SELECT COUNT(DISTINCT enterprise_id) FROM holders WHERE kind = 'chuying') AS chuying,
  (SELECT COUNT(DISTINCT enterprise_id) FROM holders WHERE kind = 'dengling') AS dengling,
  (SELECT COUNT(DISTINCT enterprise_id) FROM holders WHERE kind IN ('lingjun', 'lingjun_peiyu')) AS lingjun,
  (SELECT COALESCE(SUM(amount), 0) FROM techmarket_techcontract
    WHERE status = 'registered' AND registered_on >= %(year_start)s AND registered_on <= %(day)s
      AND seller_id IN (SELECT id FROM district)) AS contract_turnover
"""


def hand_written(day: dt.date, prefix: str) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(HAND_WRITTEN, {"prefix": prefix + "%", "day": day, "year_start": dt.date(day.year, 1, 1)})
        names = [column[0] for column in cursor.description]
        return {name: _cents(value) for name, value in zip(names, cursor.fetchone())}


def _cents(value) -> Decimal:
    """SQLite sums a decimal column as a float: compare every figure to the cent."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def named_queries(plan, day: dt.date) -> dict:
    from kechuang.plan.evaluation import Evaluator

    evaluator = Evaluator(plan)
    return {i.code: _cents(evaluator.measure(i, day).value) for i in plan.indicators.exclude(code="rd_intensity")}


def best_of(repeat: int, function, *args):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - started)
    return min(times), result


def main():
    args = arguments()
    started = time.perf_counter()
    setup(args.database)
    from django.db import connection

    from kechuang.plan.apps import SEED_PLAN_CODE
    from kechuang.plan.models import Plan

    print(f"database: {connection.vendor}; migrated in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    populate(args, random.Random(args.seed))
    print(f"inserted {args.enterprises:,} enterprises, {args.ip:,} IP records, {args.certificates:,} certificates, "
          f"{args.contracts:,} contracts in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    plan = Plan.objects.get(code=SEED_PLAN_CODE)
    day = dt.date.fromisoformat(args.as_of)
    orm_seconds, orm = best_of(args.repeat, named_queries, plan, day)
    sql_seconds, sql = best_of(args.repeat, hand_written, day, plan.region_code)
    print(f"\nindicators as of {day} (best of {args.repeat}):")
    print(f"{'indicator':<20}{'named queries':>16}{'hand-written SQL':>20}")
    for code in orm:
        print(f"{code:<20}{orm[code]:>16}{sql[code]:>20}")
    print("\n(rd_intensity is left out of both: it reads two hand-entered figures, not the registry)")
    print(f"named queries (6 indicators, one query each): {orm_seconds * 1000:.0f} ms")
    print(f"one hand-written SQL query:                   {sql_seconds * 1000:.0f} ms")
    print(f"ratio named / hand-written:                   {orm_seconds / sql_seconds:.2f}")
    from kechuang.plan.evaluation import Evaluator, read_plan

    for indicator in plan.indicators.exclude(code="rd_intensity"):
        seconds, _ = best_of(1, Evaluator(plan).measure, indicator, day)
        print(f"  {indicator.code:<20}{seconds * 1000:>8.0f} ms")
    cockpit_seconds, _ = best_of(1, read_plan, plan, day)
    print(f"whole cockpit read (7 indicators with baseline, yearly history and forecasts): {cockpit_seconds * 1000:.0f} ms")
    agree = all(orm[code] == sql[code] for code in orm)
    print("results agree" if agree else "RESULTS DIFFER")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
