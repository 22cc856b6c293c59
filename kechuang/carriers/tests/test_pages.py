import datetime as dt
from decimal import Decimal

import pytest

from kechuang.carriers import evaluation, services
from kechuang.carriers.choices import EventKind
from kechuang.carriers.models import Event, Score, Tenant
from kechuang.carriers.profile import carriers_section
from kechuang.core.choices import Role
from kechuang.core.scoring import Criterion

D = dt.date


@pytest.fixture
def district(make_carrier, make_enterprise, operator_user, carrier):
    other = make_carrier("c2", name="别家加速器", kind="accelerator")
    firm = make_enterprise("我家在孵")
    stranger = make_enterprise("别家在孵")
    mine = services.add_tenant(carrier, firm, D(2022, 5, 1))
    theirs = services.add_tenant(other, stranger, D(2022, 5, 1))
    evaluation.evaluate_year(2023)
    return {"mine": mine, "theirs": theirs, "other": other}


def test_officer_pages_open(client, officer, district, carrier):
    client.force_login(officer)
    for url in ("/carriers/", "/carriers/tenants/", f"/carriers/{carrier.code}/", f"/carriers/tenants/{district['mine'].pk}/",
                "/carriers/chain/", "/carriers/evaluation/?year=2023", f"/carriers/evaluation/2023/{carrier.code}/",
                "/carriers/rules/", "/carriers/reports/", "/carriers/events/"):
        response = client.get(url)
        assert response.status_code == 200, url
    text = client.get(f"/carriers/tenants/{district['mine'].pk}/").content.decode()
    assert "国科发区〔2018〕300号" in text or "工信部科〔2025〕131号" in text
    docx = client.get(f"/carriers/evaluation/2023/{carrier.code}/?format=docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert client.get("/carriers/evaluation/2023/report/").content[:2] == b"PK"
    export = client.get("/carriers/tenants/?export=xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_a_carrier_operator_sees_only_its_own(client, operator_user, district, carrier):
    client.force_login(operator_user)
    listing = client.get("/carriers/tenants/").content.decode()
    assert "我家在孵" in listing and "别家在孵" not in listing
    assert client.get(f"/carriers/{district['other'].code}/").status_code == 404
    assert client.get(f"/carriers/tenants/{district['theirs'].pk}/").status_code == 404
    assert client.get("/carriers/chain/").status_code == 403
    assert "别家加速器" not in client.get("/carriers/evaluation/?year=2023").content.decode()


def test_tenant_form_shows_the_refusal_and_writes_nothing(client, operator_user, district, carrier):
    client.force_login(operator_user)
    before = Tenant.objects.count()
    firm = district["mine"].enterprise
    response = client.post("/carriers/tenants/new/", {"carrier": carrier.code, "enterprise": firm.uscc, "entered": "2023-01-01"})
    assert response.status_code == 200 and "重叠" in response.content.decode() or "overlap" in response.content.decode()
    response = client.post("/carriers/tenants/new/", {"carrier": carrier.code, "enterprise": firm.uscc,
                                                      "entered": "2030-01-01", "exited": "2029-01-01"})
    assert response.status_code == 200 and Tenant.objects.count() == before


def test_unsupported_graduation_by_page_is_refused_with_its_message(client, operator_user, district):
    client.force_login(operator_user)
    tenant = district["mine"]
    response = client.post(f"/carriers/tenants/{tenant.pk}/", {"action": "graduate", "date": "2024-06-01", "destination": "park"}, follow=True)
    assert "300号" in response.content.decode() or "131号" in response.content.decode()
    tenant.refresh_from_db()
    assert tenant.status == "incubating"


def test_judge_scores_on_the_event_page_and_bad_scores_are_refused(client, carrier, make_user, make_enterprise, operator_user):
    event = Event.objects.create(code="dd-2024", name="Demo Day 2024", kind=EventKind.DEMO_DAY, organiser=carrier,
                                 starts=D(2024, 5, 1), ends=D(2024, 5, 1), tracks=[])
    round_ = services.add_round(event, 1, "决赛", [Criterion("pitch", "路演表现", Decimal(1))])
    judge = make_user(Role.EXPERT, "judge-page", organisation="某高校")
    services.add_judge(round_, judge)
    entry = services.register_entry(event, "智能传感", enterprise=make_enterprise("传感科技"))
    services.open_judging(event, operator_user)
    client.force_login(judge)
    page = client.get("/carriers/events/dd-2024/").content.decode()
    assert "智能传感" in page
    response = client.post("/carriers/events/dd-2024/", {"action": "score", "round": round_.pk, "entry": entry.pk, "score_pitch": "120"}, follow=True)
    assert "120" in response.content.decode() and not Score.objects.exists()
    client.post("/carriers/events/dd-2024/", {"action": "score", "round": round_.pk, "entry": entry.pk, "score_pitch": "88"})
    assert Score.objects.get().total == Decimal("88.00")


def test_api_lists_scoped_rows_and_refuses_bad_input(client, operator_user, district, carrier):
    client.force_login(operator_user)
    tenants = client.get("/api/carriers/tenants/").json()
    rows = tenants["results"] if isinstance(tenants, dict) else tenants
    assert [t["enterprise_name"] for t in rows] == ["我家在孵"]
    criteria = client.get(f"/api/carriers/tenants/{district['mine'].pk}/criteria/").json()
    assert criteria["graduation"]["criteria"][0]["id"] == "hnte"
    refused = client.post(f"/api/carriers/tenants/{district['mine'].pk}/graduate/", {"date": "2024-06-01"}, content_type="application/json")
    assert refused.status_code == 400 and "300号" in refused.json()["detail"]
    overlap = client.post("/api/carriers/tenants/", {"carrier": carrier.code, "enterprise": district["mine"].enterprise.uscc,
                                                    "entered": "2024-01-01"}, content_type="application/json")
    assert overlap.status_code == 400
    assert client.get(f"/api/carriers/carriers/{district['other'].code}/").status_code == 404
    assert client.get("/api/carriers/scores/?year=2023").status_code == 200


def test_evaluation_export_and_the_enterprise_profile_section(client, officer, district, make_user):
    client.force_login(officer)
    export = client.get("/carriers/evaluation/?year=2023&export=xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    enterprise = district["mine"].enterprise
    section = carriers_section(enterprise, officer)
    assert [t.carrier.code for t in section.context["stays"]] == ["c1"]
    assert carriers_section(enterprise, make_user(Role.ENTERPRISE, "someone-else")) is None
    page = client.get(f"/registry/enterprises/{enterprise.uscc}/")
    assert page.status_code == 200 and "c1孵化器" in page.content.decode()


def test_officer_registers_and_corrects_a_carrier(client, officer, operator_user, make_enterprise):
    operator = make_enterprise("新运营公司")
    client.force_login(officer)
    data = {"code": "new-1", "name": "新孵化器", "kind": "incubator", "level": "district", "operator": operator.uscc,
            "cluster": "north", "floor_area": "-5", "region": "120116406"}
    assert client.post("/carriers/new/", data).status_code == 200     # a negative area is refused
    data["floor_area"] = "6000"
    response = client.post("/carriers/new/", data)
    assert response.status_code == 302
    from kechuang.carriers.models import Carrier

    assert Carrier.objects.get(code="new-1").operator == operator
    client.post("/carriers/new-1/edit/", {**data, "name": "新孵化器（更名）"})
    assert Carrier.objects.get(code="new-1").name == "新孵化器（更名）"
    client.force_login(operator_user)
    assert client.get("/carriers/new/").status_code == 403
