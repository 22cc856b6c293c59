import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kechuang.core.choices import Role
from kechuang.core.exports import table_rows
from kechuang.core.models import AuditEntry
from kechuang.registry.choices import CertificateKind, DataSource, RegistrationStatus
from kechuang.registry.models import Certificate, IntellectualProperty, YearlyData


@pytest.fixture
def firms(make_enterprise):
    """Four enterprises that differ in exactly the things the list filters on."""
    software = make_enterprise(name="云帆软件", industry_id="6513", high_tech_domain_id="10")
    pharma = make_enterprise(name="康宁制药", industry_id="2710", high_tech_domain_id="20", region_id="120116001")
    gone = make_enterprise(name="远航迁出", industry_id="6520", status=RegistrationStatus.MOVED_OUT)
    outside = make_enterprise(name="京外科技", industry_id="6513", region_id="110108001")
    today = dt.date.today()
    Certificate.objects.create(enterprise=software, kind=CertificateKind.HNTE, number="GR1", issued=today - dt.timedelta(days=400))
    Certificate.objects.create(
        enterprise=pharma, kind=CertificateKind.HNTE, number="GR2", issued=dt.date(2019, 1, 1), expires=dt.date(2021, 12, 31)
    )
    return {"software": software, "pharma": pharma, "gone": gone, "outside": outside}


def _names(client, **query):
    response = client.get(reverse("registry:enterprises"), query)
    assert response.status_code == 200
    return {name for name in ("云帆软件", "康宁制药", "远航迁出", "京外科技") if name in response.content.decode()}


@pytest.mark.django_db
def test_enterprise_list_filters(client, officer, firms):
    client.force_login(officer)
    assert _names(client) == {"云帆软件", "康宁制药", "远航迁出", "京外科技"}
    assert _names(client, q="云帆") == {"云帆软件"}
    assert _names(client, q=firms["pharma"].uscc.lower()) == {"康宁制药"}
    assert _names(client, industry="6513") == {"云帆软件", "京外科技"}
    assert _names(client, industry="65") == {"云帆软件", "远航迁出", "京外科技"}
    assert _names(client, industry="I") == {"云帆软件", "远航迁出", "京外科技"}  # section I holds divisions 63–65
    assert _names(client, industry="C") == {"康宁制药"}
    assert _names(client, domain="20") == {"康宁制药"}
    assert _names(client, region="1201160") == {"康宁制药"}
    assert _names(client, region="120116") == {"云帆软件", "康宁制药", "远航迁出"}
    assert _names(client, certificate=CertificateKind.HNTE) == {"云帆软件"}  # 康宁's expired in 2021
    assert _names(client, status=RegistrationStatus.MOVED_OUT) == {"远航迁出"}
    # The district is 120116406 (生态城): 康宁 lies elsewhere in 滨海新区, 远航 moved out.
    assert _names(client, in_district="true") == {"云帆软件"}
    assert _names(client, in_district="false") == {"康宁制药", "远航迁出", "京外科技"}


@pytest.mark.django_db
def test_export_holds_what_the_filtered_list_shows(client, officer, firms):
    client.force_login(officer)
    response = client.get(reverse("registry:enterprises"), {"industry": "65", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "企业" and sheet["A2"].value.startswith("导出日期 ")
    assert sheet["A3"].value.startswith("筛选条件：") and "65" in sheet["A3"].value
    assert "filename*=UTF-8''%E4%BC%81%E4%B8%9A-" in response["Content-Disposition"]
    rows = table_rows(response.content)
    assert rows[0][:2] == ("名称", "统一社会信用代码")
    assert sorted(row[0] for row in rows[1:]) == sorted(["云帆软件", "远航迁出", "京外科技"])
    moved = next(row for row in rows[1:] if row[0] == "远航迁出")
    assert "迁出" in moved and "否" in moved


@pytest.mark.django_db
def test_ip_and_certificate_lists_export(client, officer, firms):
    ip = IntellectualProperty.objects.create(number="202110123456.7", kind_id="invention_patent", title="一种调度方法")
    ip.owners.add(firms["software"])
    client.force_login(officer)
    page = client.get(reverse("registry:ip"), {"ip_class": "I"}).content.decode()
    assert "一种调度方法" in page and reverse("registry:enterprise", args=[firms["software"].uscc]) in page
    assert "一种调度方法" not in client.get(reverse("registry:ip"), {"ip_class": "II"}).content.decode()
    response = client.get(reverse("registry:certificates"), {"kind": CertificateKind.HNTE, "export": "xlsx"})
    rows = table_rows(response.content)
    states = {row[3]: row[6] for row in rows[1:]}
    assert states == {"GR1": "有效", "GR2": "已过期"}


@pytest.mark.django_db
def test_profile_shows_registration_yearly_trend_ip_and_expiry_badges(client, officer, firms):
    firm = firms["software"]
    for year, revenue, rd in ((2022, 1000, 50), (2023, 1500, 90)):
        YearlyData.objects.create(enterprise=firm, year=year, employees=40, tech_staff=12, revenue=Decimal(revenue), rd_expense=Decimal(rd))
    soon = dt.date.today() + dt.timedelta(days=30)
    Certificate.objects.create(enterprise=firm, kind=CertificateKind.TSME, number="2024120116A0001", issued=dt.date(2024, 1, 1), expires=soon)
    client.force_login(officer)
    response = client.get(reverse("registry:enterprise", args=[firm.uscc]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "云帆软件" in html and firm.uscc in html and '<span class="badge ok">在本区</span>' in html
    assert 'class="badge warn"' in html  # the TSME certificate expires within 90 days
    assert "plotly/plotly.min.js" in html
    trend = json.loads(re.search(r'<script id="trend-data" type="application/json">(.*?)</script>', html).group(1))
    assert trend["years"] == [2022, 2023] and trend["rd_ratio"] == [5.0, 6.0] and trend["revenue"] == [1000.0, 1500.0]
    assert "审计记录" not in html  # the audit history is the auditor's alone
    gone = client.get(reverse("registry:enterprise", args=[firms["gone"].uscc])).content.decode()
    assert "不在本区" in gone


@pytest.mark.django_db
def test_profile_history_is_shown_to_the_auditor_only(client, make_user, firms):
    firm = firms["software"]
    firm.contact_person = "张三"
    firm.save()
    client.force_login(make_user(Role.AUDITOR))
    html = client.get(reverse("registry:enterprise", args=[firm.uscc])).content.decode()
    assert "审计记录" in html and "contact_person" in html and "张三" in html


@pytest.mark.django_db
def test_enterprise_user_edits_own_contacts_and_yearly_data(client, make_user, firms):
    firm = firms["software"]
    user = make_user(Role.ENTERPRISE)
    firm.members.add(user)
    client.force_login(user)
    assert client.get(reverse("registry:my-enterprise"))["Location"] == reverse("registry:enterprise", args=[firm.uscc])
    response = client.post(
        reverse("registry:enterprise-contacts", args=[firm.uscc]),
        {"contact_person": "李经理", "contact_phone": "022-66000000", "contact_email": "li@example.cn"},
    )
    assert response.status_code == 302
    firm.refresh_from_db()
    assert firm.contact_person == "李经理"
    response = client.post(
        reverse("registry:yearly-add", args=[firm.uscc]),
        {"year": 2024, "employees": 30, "tech_staff": 10, "revenue": "800", "rd_expense": "60", "rd_expense_domestic": "50"},
    )
    assert response.status_code == 302
    row = YearlyData.objects.get(enterprise=firm, year=2024)
    assert (row.employees, row.rd_expense, row.source, row.source_date) == (30, Decimal("60"), DataSource.ENTERPRISE_REPORT, dt.date.today())
    entry = AuditEntry.objects.filter(object_type="registry.yearlydata", object_id=str(row.pk)).get()
    assert entry.actor == user.username and entry.address == "127.0.0.1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, field, reason",
    [
        ({"tech_staff": 31}, "tech_staff", "科技人员数（31）不能大于职工总数（30）"),
        ({"rd_expense_domestic": "61"}, "rd_expense_domestic", "境内研发费用（61"),
        ({"revenue": "-1"}, "revenue", "营业收入(万元)不能为负数"),
    ],
)
def test_yearly_form_rejects_what_the_import_rejects(client, make_user, firms, changes, field, reason):
    firm = firms["software"]
    row = YearlyData.objects.create(enterprise=firm, year=2023, employees=30, tech_staff=10, revenue=Decimal("800"), rd_expense=Decimal("60"))
    user = make_user(Role.ENTERPRISE)
    firm.members.add(user)
    client.force_login(user)
    data = {"year": 2023, "employees": 30, "tech_staff": 10, "revenue": "800", "rd_expense": "60", **changes}
    response = client.post(reverse("registry:yearly-edit", args=[firm.uscc, 2023]), data)
    assert response.status_code == 200
    assert reason in response.context["form"].errors[field][0]
    row.refresh_from_db()
    assert (row.tech_staff, row.revenue, row.rd_expense_domestic) == (10, Decimal("800"), None)


@pytest.mark.django_db
def test_enterprise_user_cannot_edit_when_not_a_member_and_officer_can(client, make_user, firms, officer):
    firm = firms["software"]
    outsider = make_user(Role.ENTERPRISE)
    client.force_login(outsider)
    assert client.get(reverse("registry:enterprise-contacts", args=[firm.uscc])).status_code == 404
    assert client.get(reverse("registry:my-enterprise")).status_code == 404
    client.force_login(officer)
    assert client.get(reverse("registry:enterprise-contacts", args=[firm.uscc])).status_code == 200


@pytest.mark.django_db
def test_pages_switch_to_english(client, officer, firms):
    client.force_login(officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("registry:enterprise", args=[firms["software"].uscc])).content.decode()
    assert "Yearly data" in html and "年度数据" not in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "年度数据" in client.get(reverse("registry:enterprise", args=[firms["software"].uscc])).content.decode()


@pytest.mark.django_db
def test_history_keeps_records_deleted_since(client, make_user, firms):
    firm = firms["software"]
    Certificate.objects.get(number="GR1").delete()
    Certificate.objects.get(number="GR2").delete()  # another enterprise's: not in this history
    client.force_login(make_user(Role.AUDITOR))
    html = client.get(reverse("registry:enterprise", args=[firm.uscc])).content.decode()
    assert "国家高新技术企业 GR1" in html and "删除" in html
    assert "GR2" not in html


@pytest.mark.django_db
def test_list_and_profile_query_counts_do_not_grow_with_rows(client, officer, make_enterprise, django_assert_max_num_queries):
    for i in range(25):
        firm = make_enterprise(name=f"批量企业{i}")
        ip = IntellectualProperty.objects.create(number=f"2021SR{i:07d}", kind_id="software_copyright", title=f"软件{i}")
        ip.owners.add(firm)
        Certificate.objects.create(enterprise=firm, kind=CertificateKind.TSME, number=f"TS{i}", issued=dt.date(2024, 1, 1))
        YearlyData.objects.create(enterprise=firm, year=2024, revenue=Decimal("100"))
    client.force_login(officer)
    for url in ("registry:enterprises", "registry:ip", "registry:certificates"):
        with django_assert_max_num_queries(10):
            assert client.get(reverse(url)).status_code == 200
    quiet, busy = make_enterprise(name="记录少的企业"), make_enterprise(name="记录多的企业")
    for i in range(25):
        ip = IntellectualProperty.objects.create(number=f"2022SR{i:07d}", kind_id="software_copyright", title=f"软件乙{i}")
        ip.owners.add(busy)
        Certificate.objects.create(enterprise=busy, kind=CertificateKind.TSME, number=f"TB{i}", issued=dt.date(2020 + i % 5, 1, 1))
    for year in range(2019, 2025):
        YearlyData.objects.create(enterprise=busy, year=year, revenue=Decimal("100"))

    def profile_queries(firm) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("registry:enterprise", args=[firm.uscc])).status_code == 200
        return len(queries)

    # One query per section of the profile, whatever the rows (each app that adds a section adds its own).
    assert profile_queries(busy) == profile_queries(quiet)


@pytest.mark.django_db
def test_export_names_its_filters_by_their_labels_and_shows_figures_formatted(client, officer, firms):
    client.force_login(officer)
    response = client.get(reverse("registry:enterprises"), {"status": RegistrationStatus.MOVED_OUT, "in_district": "false", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "登记状态：迁出" in sheet["A3"].value and "moved_out" not in sheet["A3"].value
    page = client.get(reverse("registry:enterprises"), {"status": RegistrationStatus.MOVED_OUT}).content.decode()
    assert 'class=" nowrap">' + firms["gone"].uscc in page
