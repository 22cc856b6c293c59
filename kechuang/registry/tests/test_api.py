import datetime as dt
from decimal import Decimal

import pytest
import yaml
from rest_framework.authtoken.models import Token

from kechuang.core.choices import Role
from kechuang.registry.choices import CertificateKind, DataSource, RegistrationStatus
from kechuang.registry.models import Certificate, IntellectualProperty, YearlyData


@pytest.mark.django_db
def test_schema_is_openapi_3_and_lists_the_registry(client, officer):
    client.force_login(officer)
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    for path in ("/api/registry/enterprises/", "/api/registry/enterprises/{uscc}/", "/api/registry/yearly/", "/api/registry/ip/", "/api/registry/certificates/"):
        assert path in schema["paths"], path
    parameters = {p["name"] for p in schema["paths"]["/api/registry/enterprises/"]["get"]["parameters"]}
    assert {"q", "industry", "region", "status", "in_district", "page"} <= parameters


@pytest.mark.django_db
def test_filtering_and_pagination(client, officer, make_enterprise):
    software = make_enterprise(name="云帆软件", industry_id="6513")
    make_enterprise(name="康宁制药", industry_id="2710")
    make_enterprise(name="远航迁出", industry_id="6520", status=RegistrationStatus.MOVED_OUT)
    for year in (2021, 2022, 2023):
        YearlyData.objects.create(enterprise=software, year=year, revenue=Decimal(100 * year - 202000))
    client.force_login(officer)

    first = client.get("/api/registry/enterprises/", {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    names = lambda query: sorted(row["name"] for row in client.get("/api/registry/enterprises/", query).json()["results"])
    assert names({"industry": "65"}) == ["云帆软件", "远航迁出"]
    assert names({"status": "moved_out"}) == ["远航迁出"]
    assert names({"q": "康宁"}) == ["康宁制药"]
    years = client.get("/api/registry/yearly/", {"enterprise": software.uscc, "year_from": 2022}).json()
    assert [row["year"] for row in years["results"]] == [2022, 2023]
    detail = client.get(f"/api/registry/enterprises/{software.uscc}/").json()
    assert detail["name"] == "云帆软件" and detail["in_district"] is True and detail["region"] == "120116406"


@pytest.mark.django_db
def test_ip_and_certificate_endpoints_filter(client, officer, make_enterprise):
    firm = make_enterprise(name="云帆软件")
    patent = IntellectualProperty.objects.create(number="202110123456.7", kind_id="invention_patent", title="调度", granted=dt.date(2022, 3, 1))
    copyright_ = IntellectualProperty.objects.create(number="2021SR0123456", kind_id="software_copyright", title="平台", granted=dt.date(2021, 5, 1))
    patent.owners.add(firm), copyright_.owners.add(firm)
    Certificate.objects.create(enterprise=firm, kind=CertificateKind.HNTE, number="GR2023", issued=dt.date(2023, 1, 1), expires=dt.date(2025, 12, 31))
    client.force_login(officer)
    rows = client.get("/api/registry/ip/", {"ip_class": "I"}).json()["results"]
    assert [(r["number"], r["ip_class"], r["owners"]) for r in rows] == [("202110123456.7", "I", [firm.uscc])]
    assert client.get("/api/registry/certificates/", {"valid_on": "2025-06-01"}).json()["count"] == 1
    assert client.get("/api/registry/certificates/", {"valid_on": "2026-01-01"}).json()["count"] == 0


@pytest.mark.django_db
def test_token_auth_and_patching_own_yearly_data(client, make_user, make_enterprise):
    firm = make_enterprise()
    row = YearlyData.objects.create(enterprise=firm, year=2023, employees=30, tech_staff=10, source=DataSource.STATISTICS_BUREAU)
    user = make_user(Role.ENTERPRISE)
    firm.members.add(user)
    token = Token.objects.create(user=user)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    url = f"/api/registry/yearly/{row.pk}/"

    refused = client.patch(url, {"tech_staff": 31}, content_type="application/json", **auth)
    assert refused.status_code == 400 and "科技人员数" in refused.json()["tech_staff"][0]
    refused = client.patch(url, {"rd_expense": "-5"}, content_type="application/json", **auth)
    assert refused.status_code == 400 and "研发费用(万元)不能为负数" in refused.json()["rd_expense"][0]
    row.refresh_from_db()
    assert row.tech_staff == 10 and row.rd_expense is None

    accepted = client.patch(url, {"tech_staff": 12, "year": 1999}, content_type="application/json", **auth)
    assert accepted.status_code == 200 and accepted.json()["tech_staff"] == 12
    row.refresh_from_db()
    assert (row.year, row.tech_staff, row.source) == (2023, 12, DataSource.ENTERPRISE_REPORT)
    assert client.put(url, {"tech_staff": 12}, content_type="application/json", **auth).status_code == 405
    assert client.get("/api/registry/yearly/").status_code in (401, 403)  # no credentials, no data
