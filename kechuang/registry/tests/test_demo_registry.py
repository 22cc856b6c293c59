"""The demo registry is internally consistent: valid codes, figures that add up, IP and certificates that
agree with one another and with the firm's history."""
import io
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.test import override_settings

from kechuang.core import demo as core_demo
from kechuang.core.audit import verify_chain
from kechuang.core.choices import Role
from kechuang.core.models import AuditEntry
from kechuang.demo.context import DemoContext
from kechuang.registry import demo as registry_demo
from kechuang.registry.choices import GONE_STATUSES, CertificateKind, IPStatus
from kechuang.registry.models import Certificate, Enterprise, IntellectualProperty, YearlyData
from kechuang.registry.validators import normalise_patent_number, normalise_software_copyright, uscc_problem

AS_OF = date(2026, 6, 30)
N = 60


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """One district for the whole module (building it is the slow part), rolled back afterwards."""
    with django_db_blocker.unblock(), override_settings(KECHUANG_DISTRICT_CODE="120116406"), transaction.atomic():
        context = DemoContext(seed="test", as_of=AS_OF, enterprise_count=N, stdout=io.StringIO())
        core_demo.populate(context.for_part("core"))
        registry_demo.populate(context.for_part("registry"))
        yield context
        transaction.set_rollback(True)


@pytest.fixture
def district(built, db):
    return built


def test_every_generated_code_is_valid(district):
    enterprises = list(Enterprise.objects.all())
    assert len(enterprises) == N
    assert all(uscc_problem(e.uscc) is None for e in enterprises)
    assert all(e.uscc[2:8] == e.region_id[:6] for e in enterprises)
    assert len({e.name for e in enterprises}) == N
    for right in IntellectualProperty.objects.all():
        if right.kind.is_patent:
            assert normalise_patent_number(right.number) == right.number
            assert right.number[:4] == str(right.filed.year)
        elif right.kind_id == "software_copyright":
            assert normalise_software_copyright(right.number) == right.number
            assert right.granted is None or right.number[:4] == str(right.granted.year)


def test_yearly_figures_add_up(district):
    rows = list(YearlyData.objects.select_related("enterprise"))
    assert rows
    assert {row.year for row in rows} == set(range(2021, 2026))
    money = ("revenue", "sales_revenue", "total_income", "cost_total", "rd_expense", "rd_expense_domestic",
             "high_tech_revenue", "total_assets", "net_assets")
    for row in rows:
        assert row.year >= row.enterprise.established.year
        if row.employees is not None and row.tech_staff is not None:
            assert row.tech_staff <= row.employees
        assert row.rd_expense_domestic <= row.rd_expense
        assert all(getattr(row, name) is None or getattr(row, name) >= 0 for name in money)
        assert row.revenue != 0  # a missing figure is empty, never zero
        if row.revenue is not None and row.sales_revenue is not None:
            assert row.sales_revenue <= row.revenue
        if row.revenue is not None and row.total_income is not None:
            assert row.revenue <= row.total_income
        if row.total_assets is not None and row.net_assets is not None:
            assert row.net_assets <= row.total_assets
        assert row.source_date <= AS_OF
    # some figures are left blank, as real reports are
    assert any(getattr(row, name) is None for row in rows for name in money)


def test_ip_dates_follow_the_patent_office(district):
    rights = list(IntellectualProperty.objects.prefetch_related("owners"))
    assert {r.status for r in rights} == {IPStatus.VALID, IPStatus.INVALID, IPStatus.PENDING}
    for right in rights:
        assert right.owners.exists()
        assert right.filed <= AS_OF
        assert all(right.filed >= owner.established for owner in right.owners.all())
        if right.status == IPStatus.PENDING:
            assert right.granted is None and right.expires is None
            continue
        assert right.filed < right.granted <= AS_OF
        if right.kind_id == "invention_patent":
            assert timedelta(days=548) <= right.granted - right.filed <= timedelta(days=1095)
        if right.kind_id == "utility_model":
            assert timedelta(days=180) <= right.granted - right.filed <= timedelta(days=365)
        if right.expires is not None:
            assert right.expires > right.granted
        if right.status == IPStatus.INVALID:
            assert right.expires <= AS_OF
        elif right.expires is not None:
            assert right.expires > AS_OF


def test_certificates_agree_with_the_firm(district):
    certificates = list(Certificate.objects.select_related("enterprise"))
    assert {c.kind for c in certificates} >= {CertificateKind.TSME, CertificateKind.HNTE}
    for certificate in certificates:
        assert certificate.enterprise.established < certificate.issued <= AS_OF
        assert certificate.expires > certificate.issued
        if certificate.kind == CertificateKind.HNTE:
            assert certificate.expires == certificate.issued.replace(year=certificate.issued.year + 3) - timedelta(days=1)
            firm = certificate.enterprise
            assert firm.high_tech_domain_id is not None
            assert IntellectualProperty.objects.filter(owners=firm, granted__lte=certificate.issued).exists()


def test_most_firms_are_registered_in_the_district(district):
    regions = list(Enterprise.objects.values_list("region_id", "status"))
    at_home = [region for region, _ in regions if region == "120116406"]
    assert len(at_home) == round(N * 0.85)
    assert all(region.startswith("12") for region, _ in regions)
    assert 1 <= sum(status in GONE_STATUSES for _, status in regions) <= N * 0.1


def test_enterprise_login_owns_a_near_miss_for_hnte(district):
    firm = Enterprise.objects.get(members=district.users[Role.ENTERPRISE])
    assert firm.in_district
    assert not firm.certificates.filter(kind=CertificateKind.HNTE).exists()
    last_three = list(firm.yearly.filter(year__gte=2023))
    assert len(last_three) == 3
    ratio = sum(r.rd_expense for r in last_three) / sum(r.sales_revenue for r in last_three)
    assert 0.035 < ratio < 0.05  # below the 5% a firm with sales under 5,000万元 needs
    latest = last_three[-1]
    assert latest.tech_staff / latest.employees >= 0.1
    assert latest.high_tech_revenue / latest.total_income >= 0.6
    assert IntellectualProperty.objects.valid_on(AS_OF).filter(owners=firm).exists()


def test_every_row_is_in_the_audit_chain(district):
    assert AuditEntry.objects.filter(object_type="registry.enterprise", action="create").count() == N
    assert AuditEntry.objects.filter(object_type="registry.intellectualproperty").count() == IntellectualProperty.objects.count()
    assert verify_chain().ok


def test_another_seed_gives_another_district(district):
    def build(seed):
        with transaction.atomic():
            context = DemoContext(seed=seed, as_of=AS_OF, enterprise_count=5, stdout=io.StringIO(), users=district.users)
            Enterprise.objects.all().delete()
            IntellectualProperty.objects.all().delete()
            registry_demo.populate(context.for_part("registry"))
            rows = sorted(Enterprise.objects.values_list("uscc", "name", "established"))
            transaction.set_rollback(True)
        return rows

    assert build("a") == build("a")
    assert build("a") != build("b")
