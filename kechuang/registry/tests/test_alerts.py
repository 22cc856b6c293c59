import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from kechuang.core.choices import Role
from kechuang.core.exports import table_rows
from kechuang.registry.choices import CertificateKind, RegistrationStatus
from kechuang.registry.models import Certificate, YearlyData
from kechuang.registry.services import AlertKind, alert_counts, alert_lists, alerts

AS_OF = dt.date(2025, 6, 30)


def _year(firm, year, revenue, rd):
    YearlyData.objects.create(enterprise=firm, year=year, revenue=Decimal(revenue), rd_expense=Decimal(rd))


def _cert(firm, kind, issued, expires, number):
    Certificate.objects.create(enterprise=firm, kind=kind, number=number, issued=issued, expires=expires)


@pytest.fixture
def district(make_enterprise):
    firms = {name: make_enterprise(name=name) for name in ("甲", "乙", "丁", "戊")}
    firms["丙"] = make_enterprise(name="丙", established=dt.date(2025, 3, 1))
    firms["庚"] = make_enterprise(name="庚", status=RegistrationStatus.CANCELLED)
    firms["外"] = make_enterprise(name="外", region_id="110108001")
    a = firms["甲"]
    _cert(a, CertificateKind.HNTE, dt.date(2022, 8, 1), dt.date(2025, 8, 1), "GR-A")  # within 90 days
    _cert(a, CertificateKind.TSME, dt.date(2025, 1, 1), dt.date(2025, 12, 31), "TS-A")  # beyond the window
    _cert(a, CertificateKind.DENGLING, dt.date(2022, 7, 15), dt.date(2025, 7, 15), "DL-A-old")  # renewed below
    _cert(a, CertificateKind.DENGLING, dt.date(2025, 6, 1), dt.date(2028, 5, 31), "DL-A-new")
    _cert(firms["外"], CertificateKind.HNTE, dt.date(2022, 8, 1), dt.date(2025, 7, 1), "GR-X")  # not our district
    _year(a, 2023, 1000, 35)
    _year(a, 2024, 1000, 20)  # 3.5% → 2%: below the 3% floor, but not halved
    _year(firms["丁"], 2023, 1000, 100)
    _year(firms["丁"], 2024, 2000, 80)  # 10% → 4%: fell by more than half
    _year(firms["戊"], 2023, 1000, 100)
    _year(firms["戊"], 2024, 1000, 60)  # 10% → 6%: fine
    return firms


def _found(kind):
    return sorted(alert.enterprise_name for alert in alerts(AS_OF) if alert.kind == kind)


@pytest.mark.django_db
def test_each_rule_finds_exactly_its_enterprises(district):
    assert _found(AlertKind.CERTIFICATE_EXPIRING) == ["甲"]
    assert _found(AlertKind.YEARLY_MISSING) == ["乙"]  # 丙 was founded this year, 庚 is gone, 外 is elsewhere
    assert _found(AlertKind.GONE) == ["庚"]
    assert _found(AlertKind.RD_RATIO_LOW) == ["甲"]
    assert _found(AlertKind.RD_RATIO_HALVED) == ["丁"]
    halved = next(a for a in alerts(AS_OF) if a.kind == AlertKind.RD_RATIO_HALVED)
    assert halved.detail == "2023: 10.0% → 2024: 4.0%"


@pytest.mark.django_db
def test_the_two_ratio_alerts_are_counted_by_one_query(district, django_assert_num_queries):
    # One COUNT for each of the three other kinds and one aggregate over the two years' figures for both ratio kinds.
    with django_assert_num_queries(4):
        counts = alert_counts.compute(AS_OF)
    assert counts[AlertKind.RD_RATIO_LOW] == 1 and counts[AlertKind.RD_RATIO_HALVED] == 1
    assert counts == {kind: len(found) for kind, found in alert_lists(AS_OF).items()}


@pytest.mark.django_db
def test_the_window_is_ninety_days_from_the_as_of_date(district):
    firm = district["乙"]
    _cert(firm, CertificateKind.TSME, dt.date(2024, 1, 1), AS_OF + dt.timedelta(days=90), "TS-90")
    _cert(firm, CertificateKind.CHUYING, dt.date(2024, 1, 1), AS_OF + dt.timedelta(days=91), "CY-91")
    _cert(firm, CertificateKind.LINGJUN, dt.date(2024, 1, 1), AS_OF - dt.timedelta(days=1), "LJ-lapsed")
    found = [a for a in alerts(AS_OF) if a.kind == AlertKind.CERTIFICATE_EXPIRING]
    assert sorted(a.detail for a in found) == ["国家高新技术企业 GR-A 于 2025-08-01 到期", "科技型中小企业 TS-90 于 2025-09-28 到期"]


@pytest.mark.django_db
def test_command_prints_json_and_table(district):
    out = io.StringIO()
    call_command("alerts", "--as-of", AS_OF.isoformat(), "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["as_of"] == "2025-06-30"
    assert {(a["kind"], a["enterprise"]) for a in data["alerts"]} == {
        ("certificate_expiring", "甲"), ("yearly_missing", "乙"), ("gone", "庚"), ("rd_ratio_low", "甲"), ("rd_ratio_halved", "丁"),
    }
    out = io.StringIO()
    call_command("alerts", "--as-of", AS_OF.isoformat(), stdout=out)
    table = out.getvalue()
    assert "5 alerts as of 2025-06-30" in table and district["丁"].uscc in table


@pytest.mark.django_db
def test_command_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="有效日期"):
        call_command("alerts", "--as-of", "2025-13-01")


@pytest.mark.django_db
def test_alerts_page_links_each_alert_and_exports(client, officer, make_user, district):
    client.force_login(officer)
    html = client.get(reverse("registry:alerts"), {"as_of": AS_OF.isoformat()}).content.decode()
    for name in ("甲", "乙", "丁", "庚"):
        assert reverse("registry:enterprise", args=[district[name].uscc]) in html
    assert reverse("registry:enterprise", args=[district["外"].uscc]) not in html
    response = client.get(reverse("registry:alerts"), {"as_of": AS_OF.isoformat(), "export": "xlsx"})
    rows = table_rows(response.content)
    assert len(rows) == 1 + 5 and rows[0][0] == "预警"
    client.force_login(make_user(Role.ENTERPRISE))
    assert client.get(reverse("registry:alerts")).status_code == 403


@pytest.mark.django_db
def test_alerts_page_shows_a_page_of_each_kind_and_counts_them_all(client, officer, make_enterprise):
    firms = [make_enterprise(name=f"缺数企业{n:02d}") for n in range(57)]  # none has last year's data
    client.force_login(officer)
    url = reverse("registry:alerts")
    first = client.get(url, {"as_of": AS_OF.isoformat()})
    assert first.context["total"] == 57
    shown = [uscc for uscc in (firm.uscc for firm in firms) if uscc in first.content.decode()]
    assert len(shown) == 50
    second = client.get(url, {"as_of": AS_OF.isoformat(), "yearly_missing_page": 2}).content.decode()
    assert sorted(shown + [firm.uscc for firm in firms if firm.uscc in second]) == sorted(firm.uscc for firm in firms)
