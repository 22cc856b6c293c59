"""What the technology market's statistics and its database-bound matching index cost.

Builds, in a freshly migrated database, --contracts technology contracts (2019–2026, 85% from
in-district sellers) and --achievements published achievements (texts drawn from the evaluation set with
a serial, so the vocabulary is real), then times (best of --repeat):

- the contract statistics the overview and the plan indicator read (turnover by year, type, domain,
  buyer location; the 2022 district turnover);
- the matching index: first build from the database, the per-query catch-up check when nothing changed,
  one achievement saved through the service (index updated in place), and a full rebuild for comparison.

    .venv/bin/python bench/techmarket_bench.py [--contracts 100000] [--achievements 20000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/techmarket_bench .venv/bin/python bench/techmarket_bench.py
"""
import argparse
import csv
import datetime as dt
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(database_url):
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{tempfile.mkdtemp()}/techmarket_bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def best(repeat, function):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def build(contracts: int, achievements: int, seed: int = 5):
    from kechuang.registry.models import Enterprise
    from kechuang.registry.validators import uscc_check_char
    from kechuang.techmarket.choices import AchievementStatus, ContractStatus, ContractType, InstitutionKind
    from kechuang.techmarket.models import Achievement, Institution, TechContract

    if Enterprise.objects.exists():
        raise SystemExit("the bench needs an empty database: point DATABASE_URL at a database of its own")
    rng = random.Random(seed)
    firms = []
    for serial in range(1, 501):
        region = "120116406" if serial % 7 else "110108"
        first17 = f"91{region[:6]}MA{serial:07d}"
        firms.append(Enterprise(uscc=first17 + uscc_check_char(first17), name=f"企业{serial}", region_id=region,
                                high_tech_domain_id=rng.choice(["10", "20", "40", "60", "80", None])))
    Enterprise.objects.bulk_create(firms)
    firms = list(Enterprise.objects.all())
    regions = ["120116406", "120101", "110108", "310115", None]
    rows = []
    for serial in range(contracts):
        registered = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 2737))
        amount = Decimal(rng.randint(100, 500000)) / 100
        region = rng.choice(regions)
        rows.append(TechContract(
            registration_number=f"B{serial:08d}", name="合同", contract_type=rng.choice(ContractType.values),
            seller=rng.choice(firms), buyer_name="买方", buyer_region_id=region, buyer_abroad=region is None,
            amount=amount, tech_amount=amount, signed_on=registered - dt.timedelta(days=20),
            applied_on=registered - dt.timedelta(days=5), registered_on=registered, status=ContractStatus.REGISTERED,
        ))
    TechContract.objects.bulk_create(rows, batch_size=5000)
    owner = Institution.objects.create(name="天津大学", kind=InstitutionKind.UNIVERSITY)
    with (ROOT / "kechuang/techmarket/matching/evalset/achievements.csv").open(encoding="utf-8") as handle:
        texts = list(csv.DictReader(handle))
    Achievement.objects.bulk_create(
        (Achievement(title=f"{t['title']}（{serial}）", summary=t["description"], keywords=t["keywords"], owner=owner,
                     maturity=5, status=AchievementStatus.PUBLISHED, published_on=dt.date(2024, 1, 1))
         for serial, t in ((serial, texts[serial % len(texts)]) for serial in range(achievements))),
        batch_size=5000,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--achievements", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup(os.environ.get("DATABASE_URL"))
    from django.db import connection

    from kechuang.core.models import User
    from kechuang.techmarket import services
    from kechuang.techmarket.matcher import DatabaseIndex
    from kechuang.techmarket.models import Achievement, Demand, TechContract

    start = time.perf_counter()
    build(args.contracts, args.achievements)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load; plans are wrong without it
    print(f"database: {connection.vendor}; built {args.contracts} contracts and {args.achievements} achievements "
          f"in {time.perf_counter() - start:.1f} s")

    registered = TechContract.objects.registered()
    figures = {
        "turnover 2022, district sellers": lambda: registered.registered_between(dt.date(2022, 1, 1), dt.date(2022, 12, 31)).sold_from_district().turnover(),
        "turnover by year": lambda: registered.sold_from_district().turnover_by_year(),
        "turnover by type": lambda: registered.turnover_by_type(),
        "turnover by seller domain": lambda: registered.turnover_by_domain(),
        "turnover by buyer location": lambda: registered.turnover_by_location(),
    }
    print(f"\nstatistics over {args.contracts} contracts (best of {args.repeat}):")
    for label, query in figures.items():
        ms = best(args.repeat, query)
        print(f"  {label:<32} {ms:8.1f} ms   {ms * 1000 / args.contracts:6.2f} µs/contract")

    index = DatabaseIndex()
    demand = Demand(title="商场电费太高想降下来", problem="购物中心夏天空调从早开到晚，每月电费四十多万。", keywords="电费；空调")
    start = time.perf_counter()
    index.engine()
    build_ms = (time.perf_counter() - start) * 1000
    check_ms = best(args.repeat, index.engine)
    query_ms = best(args.repeat, lambda: index.achievements_for(demand))
    officer = User.objects.create_user("bench-officer", role="officer")
    achievement = Achievement.objects.order_by("pk").first()

    def edit():
        achievement.summary += "已在生态城示范应用。"
        services.save_achievement(achievement, officer)
        index.achievement_changed(achievement)  # what the service's on-commit hook does

    edit_ms = best(args.repeat, edit)
    rebuild_ms = best(1, lambda: DatabaseIndex().engine())
    print(f"\nmatching index over {args.achievements} published achievements:")
    print(f"  first build from the database     {build_ms:10.1f} ms")
    print(f"  catch-up check, nothing changed   {check_ms:10.2f} ms")
    print(f"  top-10 for one demand (with check) {query_ms:9.1f} ms")
    print(f"  one achievement saved + indexed   {edit_ms:10.1f} ms")
    print(f"  full rebuild instead              {rebuild_ms:10.1f} ms   ratio rebuild/update {rebuild_ms / edit_ms:6.0f}×")


if __name__ == "__main__":
    main()
