"""The screening's fast path: frames read straight from the tables, results inserted in bulk, details
evaluated on demand. Each is held to the slow, obviously right path it replaces."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kechuang.policy import services
from kechuang.policy.models import ScreeningResult
from kechuang.policy.rules import profiles_to_frames
from kechuang.registry.models import (
    Award,
    Certificate,
    CompetitionPrize,
    Enterprise,
    IntellectualProperty,
    Investment,
    Project,
    RDInstitution,
    Standard,
    YearlyData,
)

AS_OF = dt.date(2022, 6, 30)
pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(make_enterprise):
    """Enterprises with every kind of record, shared IP, missing figures and negative net assets."""
    firms = [make_enterprise(software_certified=n == 1, abnormal_operation=n == 2) for n in range(4)]
    firms.append(make_enterprise(high_tech_domain_id=None, established=None))
    for n, firm in enumerate(firms[:3]):
        YearlyData.objects.create(enterprise=firm, year=2021, employees=100 + n, tech_staff=30, revenue=Decimal("3000.55"),
                                  rd_expense=Decimal("200.05"), net_assets=Decimal("-12.34"))
        YearlyData.objects.create(enterprise=firm, year=2020, employees=90, revenue=Decimal("2500"))
        Certificate.objects.create(enterprise=firm, kind="tsme", number=f"TS{n}", issued=dt.date(2021, 5, 1),
                                   expires=dt.date(2022, 12, 31) if n else None)
    shared = IntellectualProperty.objects.create(number="ZL-S", kind_id="invention_patent", title="共有", granted=dt.date(2020, 3, 1))
    shared.owners.add(firms[0], firms[1])
    IntellectualProperty.objects.create(number="ZL-N", kind_id="utility_model", title="未授权").owners.add(firms[2])
    Award.objects.create(enterprise=firms[0], level="national", year=2020, rank=2)
    RDInstitution.objects.create(enterprise=firms[1], level="provincial", name="研发中心")
    Standard.objects.create(enterprise=firms[2], level="national", year=2019, role="lead")
    Investment.objects.create(enterprise=firms[0], date=dt.date(2021, 1, 5), amount=Decimal("500.10"), investor="某基金")
    Project.objects.create(enterprise=firms[1], level="national", year=2021)
    CompetitionPrize.objects.create(enterprise=firms[3], level="provincial", award="first", year=2021)
    return firms


def test_frames_read_from_the_tables_equal_the_frames_of_the_profiles(registry):
    pks = sorted(firm.pk for firm in registry)
    fast = services.frames_for(pks)
    _, profiles = services.profiles_for(Enterprise.objects.filter(pk__in=pks))
    slow = profiles_to_frames(profiles, validate=False)
    assert set(fast) == set(slow)
    for name in slow:
        assert fast[name].schema == slow[name].schema, name
        assert fast[name].sort(fast[name].columns).equals(slow[name].sort(slow[name].columns)), name
    assert fast["ip"].height == 3 and fast["years"].get_column("net_assets").to_list().count(-1234) == 3


def test_bulk_screening_stores_what_the_single_evaluator_says(registry):
    run = services.screen(AS_OF)
    stored = services.explain(list(run.results.select_related("enterprise")))
    assert len(stored) == len(registry) * 6
    for result in stored:
        single = services.evaluate_enterprise(result.enterprise, result.ruleset_key, AS_OF)
        assert services.result_of(result) == single, (result.enterprise.name, result.ruleset_key)


def test_details_are_evaluated_in_a_fixed_number_of_queries(registry, make_enterprise):
    def explaining(count):
        run = services.screen(AS_OF)
        results = list(ScreeningResult.objects.filter(run=run)[: count * 6])
        assert all(result.gaps is None and result.criteria is None for result in results)
        with CaptureQueriesContext(connection) as queries:
            services.explain(results)
        assert all(result.gaps is not None for result in results)
        return len(queries)

    few = explaining(2)
    for _ in range(6):
        make_enterprise()
    assert explaining(len(registry) + 6) == few
