"""The heavy pages run a fixed number of queries, whatever the size of the district: measured at two
sizes, the count must not grow (no query per enterprise, per alert or per screened row)."""
import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kechuang.plan.apps import SEED_PLAN_CODE
from kechuang.policy import services as policy
from kechuang.registry.choices import CertificateKind
from kechuang.registry.models import Certificate, IntellectualProperty, YearlyData

_numbers = itertools.count(1)


def _grow(make_enterprise, count: int) -> None:
    """`count` more enterprises with what the heavy pages read: two years of figures (a falling R&D
    ratio), a certificate about to expire, a patent, then a fresh screening."""
    today = timezone.localdate()
    for _ in range(count):
        n = next(_numbers)
        firm = make_enterprise(name=f"规模企业{n:04d}")
        YearlyData.objects.create(enterprise=firm, year=today.year - 2, employees=80, tech_staff=20,
                                  revenue=Decimal(2000), rd_expense=Decimal(200))
        YearlyData.objects.create(enterprise=firm, year=today.year - 1, employees=80, tech_staff=20,
                                  revenue=Decimal(2000), rd_expense=Decimal(40))
        Certificate.objects.create(enterprise=firm, kind=CertificateKind.TSME, number=f"TS-{n}",
                                   issued=today - dt.timedelta(days=300), expires=today + dt.timedelta(days=30))
        patent = IntellectualProperty.objects.create(number=f"ZL-{n}", kind_id="invention_patent", title="专利",
                                                     granted=today - dt.timedelta(days=400))
        patent.owners.add(firm)
    policy.screen(today)


def _queries(client, url: str) -> int:
    assert client.get(url).status_code == 200  # warm: a first view may store what later views read
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


PAGES = [
    ("dashboards:home", []),
    ("registry:alerts", []),
    ("registry:enterprises", []),
    ("cultivation:overview", []),
    ("cultivation:candidates", ["hnte"]),
    ("cultivation:candidates", ["chuying"]),
    ("cultivation:candidates", ["tsme"]),
    ("cultivation:free_benefits", []),
    ("plan:cockpit", [SEED_PLAN_CODE]),
]


@pytest.mark.django_db
def test_heavy_pages_run_the_same_number_of_queries_at_two_sizes(client, officer, make_enterprise):
    client.force_login(officer)
    _grow(make_enterprise, 3)
    small = {(name, *args): _queries(client, reverse(name, args=args)) for name, args in PAGES}
    _grow(make_enterprise, 60)  # more than a page of alerts and of candidates
    large = {(name, *args): _queries(client, reverse(name, args=args)) for name, args in PAGES}
    assert large == small
