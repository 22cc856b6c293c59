"""What the registry's pages, export, API and monitoring rules cost on a district of N enterprises.

Builds N enterprises (80% in the district, some moved out or cancelled, some elsewhere) with five years of
yearly data (a tenth missing last year), two certificates and three IP records each, by bulk insert into a
freshly migrated database, then times (best of --repeat runs) what an officer and an enterprise user do:

    .venv/bin/python bench/registry_bench.py [--enterprises 2000]             # SQLite in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_bench .venv/bin/python bench/registry_bench.py

Prints milliseconds per operation and, for what grows with the district, microseconds per enterprise.
"""
import argparse
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
AS_OF = dt.date(2026, 6, 30)


def setup(database_url: str | None):
    if database_url is None:
        database_url = f"sqlite:///{tempfile.mkdtemp()}/registry_bench.sqlite3"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    return database_url


def build(count: int, seed: int = 11):
    from kechuang.core.models import Industry, User
    from kechuang.registry.choices import CertificateKind, RegistrationStatus
    from kechuang.registry.models import Certificate, Enterprise, IntellectualProperty, YearlyData
    from kechuang.registry.validators import patent_check_char, uscc_check_char

    if Enterprise.objects.exists():
        raise SystemExit("the bench needs an empty registry: point DATABASE_URL at a database of its own")
    rng = random.Random(seed)
    industries = list(Industry.objects.filter(level="class").values_list("code", flat=True))
    firms = []
    for serial in range(1, count + 1):
        region = "120116406" if rng.random() < 0.8 else "120116001"
        first17 = f"91{region[:6]}MA{serial:07d}"
        status = rng.choices(
            [RegistrationStatus.SUBSISTING, RegistrationStatus.MOVED_OUT, RegistrationStatus.CANCELLED], [90, 6, 4]
        )[0]
        firms.append(Enterprise(
            uscc=first17 + uscc_check_char(first17), name=f"生态城基准科技有限公司{serial:05d}", region_id=region,
            industry_id=rng.choice(industries), high_tech_domain_id=rng.choice(["10", "20", "40", "50", "80"]),
            established=dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(4000)), status=status,
        ))
    firms = Enterprise.objects.bulk_create(firms, batch_size=1000)
    yearly, certificates, ips = [], [], []
    for firm in firms:
        revenue = Decimal(rng.randrange(500, 50000))
        last = AS_OF.year - 1 if rng.random() > 0.1 else AS_OF.year - 2
        for year in range(AS_OF.year - 5, last + 1):
            rd = (revenue * Decimal(rng.uniform(0.01, 0.12))).quantize(Decimal("0.01"))
            employees = rng.randrange(10, 500)
            yearly.append(YearlyData(
                enterprise=firm, year=year, employees=employees, tech_staff=employees // 3, revenue=revenue, rd_expense=rd,
                rd_expense_domestic=rd,
            ))
            revenue = (revenue * Decimal(rng.uniform(0.9, 1.3))).quantize(Decimal("0.01"))
        for n, kind in enumerate((CertificateKind.HNTE, CertificateKind.TSME)):
            issued = AS_OF - dt.timedelta(days=rng.randrange(30, 1000))
            certificates.append(Certificate(
                enterprise=firm, kind=kind, number=f"{kind}-{firm.pk}-{n}", issued=issued, expires=issued + dt.timedelta(days=1095)
            ))
        for n in range(3):
            digits = f"2021{firm.pk % 10}{firm.pk:06d}{n}"[:12]
            ips.append((firm, IntellectualProperty(
                number=f"{digits}.{patent_check_char(digits)}", kind_id="invention_patent", title=f"基准专利{firm.pk}-{n}",
                granted=dt.date(2022, 1, 1),
            )))
    YearlyData.objects.bulk_create(yearly, batch_size=2000)
    Certificate.objects.bulk_create(certificates, batch_size=2000)
    created = IntellectualProperty.objects.bulk_create([ip for _, ip in ips], batch_size=2000)
    Owners = IntellectualProperty.owners.through
    Owners.objects.bulk_create(
        [Owners(intellectualproperty_id=ip.pk, enterprise_id=firm.pk) for (firm, _), ip in zip(ips, created)], batch_size=2000
    )
    officer = User.objects.create_user("bench-officer", password="Bench-pass-2026", role="officer")
    member = User.objects.create_user("bench-firm", password="Bench-pass-2026", role="enterprise")
    firms[0].members.add(member)
    return firms, officer, member, len(yearly)


def best_of(repeat: int, action) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = setup(os.environ.get("DATABASE_URL"))
    from django.test import Client

    from kechuang.registry.services import alerts

    firms, officer, member, yearly_rows = build(args.enterprises)
    officer_client, member_client = Client(), Client()
    officer_client.force_login(officer)
    member_client.force_login(member)

    def get(client, url, **query):
        response = client.get(url, query)
        assert response.status_code == 200, (url, response.status_code)
        return response

    found = alerts(AS_OF)
    rows = [
        ("alerts(as_of)", best_of(args.repeat, lambda: alerts(AS_OF)), True),
        ("alerts page", best_of(args.repeat, lambda: get(officer_client, "/registry/alerts/", as_of=AS_OF.isoformat())), True),
        ("enterprise list, first page", best_of(args.repeat, lambda: get(officer_client, "/registry/enterprises/")), False),
        ("enterprise list, 4 filters", best_of(args.repeat, lambda: get(
            officer_client, "/registry/enterprises/", industry="C", domain="10", certificate="hnte", in_district="true")), False),
        ("enterprise list export, all rows", best_of(args.repeat, lambda: get(officer_client, "/registry/enterprises/", export="xlsx")), True),
        ("enterprise profile", best_of(args.repeat, lambda: get(officer_client, f"/registry/enterprises/{firms[1].uscc}/")), False),
        ("API enterprises, first page", best_of(args.repeat, lambda: get(officer_client, "/api/registry/enterprises/")), False),
        ("API yearly, first page", best_of(args.repeat, lambda: get(officer_client, "/api/registry/yearly/")), False),
        ("enterprise user: list", best_of(args.repeat, lambda: get(member_client, "/registry/enterprises/")), False),
        ("enterprise user: API yearly", best_of(args.repeat, lambda: get(member_client, "/api/registry/yearly/")), False),
    ]
    print(f"database: {url.split('://')[0]}; {args.enterprises} enterprises, {yearly_rows} yearly rows, "
          f"{len(found)} alerts as of {AS_OF}; best of {args.repeat}")
    print(f"{'operation':36} {'ms':>9} {'µs/enterprise':>14}")
    for name, seconds, grows in rows:
        per = f"{seconds * 1e6 / args.enterprises:14.1f}" if grows else f"{'':14}"
        print(f"{name:36} {seconds * 1000:9.1f} {per}")
    first_page = rows[2][1]
    print(f"ratio: full export / first list page = {rows[4][1] / first_page:.1f}; "
          f"enterprise user list / officer list = {rows[8][1] / first_page:.2f}")


if __name__ == "__main__":
    main()
