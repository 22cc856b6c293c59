import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.carriers import services
from kechuang.carriers.choices import TenantStatus
from kechuang.carriers.models import Tenant
from kechuang.carriers.rules import ruleset_for
from kechuang.core.choices import Role
from kechuang.core.models import AuditEntry
from kechuang.registry.models import Certificate, Investment, YearlyData

D = dt.date


def test_exit_before_entry_is_refused_and_nothing_written(carrier, young_firm, operator_user):
    with pytest.raises(ValidationError) as error:
        services.add_tenant(carrier, young_firm, D(2023, 5, 1), operator_user, exited=D(2023, 4, 1))
    assert "早于" in str(error.value.messages) or "before" in str(error.value.messages)
    assert not Tenant.objects.exists()


def test_overlapping_stay_at_the_same_carrier_is_refused(carrier, young_firm, operator_user, make_carrier):
    services.add_tenant(carrier, young_firm, D(2022, 5, 1), operator_user, exited=D(2023, 5, 1))
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.add_tenant(carrier, young_firm, D(2023, 4, 1), operator_user)
    assert Tenant.objects.count() == 1 and AuditEntry.objects.count() == audit_before
    # The exit day is the first day out: a new stay may start on it; another carrier is no overlap.
    services.add_tenant(carrier, young_firm, D(2023, 5, 1), operator_user)
    services.add_tenant(make_carrier("c2"), young_firm, D(2022, 6, 1))
    assert Tenant.objects.count() == 3


def test_an_open_stay_overlaps_every_later_one(carrier, young_firm):
    services.add_tenant(carrier, young_firm, D(2022, 5, 1))
    with pytest.raises(ValidationError):
        services.add_tenant(carrier, young_firm, D(2030, 1, 1), exited=D(2030, 2, 1))


def test_another_carriers_operator_may_not_add_tenants(carrier, young_firm, make_user):
    stranger = make_user(Role.CARRIER, "op2")
    with pytest.raises(PermissionDenied):
        services.add_tenant(carrier, young_firm, D(2022, 5, 1), stranger)


def test_rule_set_versions_follow_the_dates():
    assert ruleset_for("graduation", D(2024, 12, 31)).document_number == "国科发区〔2018〕300号"
    newer = ruleset_for("graduation", D(2025, 9, 1))
    assert newer.document_number == "工信部科〔2025〕131号"
    assert not any(c.verified for c in newer.criteria)


def test_graduation_explained_and_recorded_with_the_facts_that_met_it(carrier, young_firm, operator_user):
    tenant = services.add_tenant(carrier, young_firm, D(2022, 5, 1), operator_user)
    on = D(2024, 10, 1)
    result = services.evaluate_tenant(tenant, "graduation", on)
    assert result["status"] == "needs_review" and result["version"] == "2018"  # revenue missing
    investment = next(c for c in result["criteria"] if c["id"] == "investment")
    assert investment["value"] == 0 and investment["threshold"] == 500 and investment["op"] == ">"
    revenue = next(c for c in result["criteria"] if c["id"] == "revenue_two_years")
    assert revenue["missing"] is True

    with pytest.raises(ValidationError):
        services.graduate(tenant, on, operator_user)
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.INCUBATING

    Investment.objects.create(enterprise=young_firm, name="A轮", date=D(2024, 3, 1), amount=Decimal("600"), investor="某创投")
    YearlyData.objects.create(enterprise=young_firm, year=2022, revenue=Decimal("300"))
    YearlyData.objects.create(enterprise=young_firm, year=2023, revenue=Decimal("800"))
    services.graduate(tenant, on, operator_user, destination="park")
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.GRADUATED and tenant.graduated_on == on and tenant.exited == on
    assert tenant.graduation_ruleset == "graduation-2018"
    met = {c["id"]: c["value"] for c in tenant.graduation_facts["met"]}
    assert met == {"investment": "600.00", "revenue_two_years": "1100.00"}
    assert tenant.override_reason == ""


def test_unsupported_graduation_needs_an_officer_and_a_reason(carrier, young_firm, operator_user, officer):
    tenant = services.add_tenant(carrier, young_firm, D(2022, 5, 1))
    with pytest.raises(PermissionDenied):
        services.graduate(tenant, D(2024, 1, 1), operator_user, reason="市场前景好")
    with pytest.raises(ValidationError):
        services.graduate(tenant, D(2024, 1, 1), officer)
    services.graduate(tenant, D(2024, 1, 1), officer, reason="经区科技局会议研究同意")
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.GRADUATED and tenant.override_by == officer
    assert tenant.override_reason == "经区科技局会议研究同意" and tenant.graduation_facts["met"] == []


def test_hnte_alone_meets_graduation(carrier, young_firm):
    tenant = services.add_tenant(carrier, young_firm, D(2022, 5, 1))
    Certificate.objects.create(enterprise=young_firm, kind="hnte", number="GR2023120001", issued=D(2023, 12, 1), expires=D(2026, 11, 30))
    result = services.evaluate_tenant(tenant, "graduation", D(2024, 6, 1))
    assert result["status"] == "eligible" and [c["id"] for c in result["met"]] == ["hnte"]


def test_admission_reads_the_age_on_entry(carrier, make_enterprise):
    old = make_enterprise("老牌科技", established=D(2018, 1, 1))
    tenant = services.add_tenant(carrier, old, D(2022, 5, 1))
    result = services.evaluate_tenant(tenant, "admission")
    age = next(c for c in result["criteria"] if c["id"] == "age_at_entry")
    assert age["value"] == 52 and age["passed"] is False and result["status"] == "ineligible"


def test_graduation_screen_in_bulk(carrier, young_firm, make_enterprise):
    services.add_tenant(carrier, young_firm, D(2022, 5, 1))
    other = make_enterprise("另一家")
    services.add_tenant(carrier, other, D(2022, 5, 1))
    Certificate.objects.create(enterprise=other, kind="hnte", number="GR2023120002", issued=D(2023, 12, 1), expires=D(2026, 11, 30))
    rows = services.graduation_screen(Tenant.objects.select_related("enterprise", "carrier"), D(2024, 6, 1))
    assert {t.enterprise.name: r["status"] for t, r in rows} == {"青雏科技": "needs_review", "另一家": "eligible"}
