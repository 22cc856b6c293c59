"""Pages, exports and API as each role: officers see everything, an applicant its own rows, an expert only
what it was assigned; the 公示 list and the 验收 summary as .docx, the statistics and a project's ledger as .xlsx."""
import datetime as dt
import io
import zipfile

import pytest

from kechuang.core import clock
from kechuang.core.choices import Role
from kechuang.projects import services
from kechuang.projects.models import Project
from kechuang.projects.tests.conftest import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(call, firm, make_enterprise, make_user, make_application, officer_user):
    rival = make_enterprise("对手科技")
    rival.members.add(make_user(Role.ENTERPRISE))
    mine = make_application(call, firm)
    theirs = make_application(call, rival, title="对手的项目")
    for application in (mine, theirs):
        services.formal_review(application, officer_user, "complete")
    services.close_call(call, officer_user)
    services.decide(mine, officer_user, True, 90, "排名第一")
    services.decide(theirs, officer_user, False, reason="创新性不足")
    services.publicise(call, officer_user, on=clock.today() - dt.timedelta(days=10))
    project = services.conclude_publicity(call, officer_user, on=clock.today() - dt.timedelta(days=1))[0]
    services.sign_contract(project, officer_user, "样机", [("patents", "发明专利", 2)])
    services.pay_milestone(project.milestones.get(order=1), officer_user)
    services.acceptance(project, officer_user, "concluded", "基本完成", {})
    return {"mine": mine, "theirs": theirs, "project": project, "rival": rival}


def test_officer_pages_open(district, officer_user, client, call):
    client.force_login(officer_user)
    project = district["project"]
    for url in ("/projects/", f"/projects/calls/{call.code}/", f"/projects/applications/{district['mine'].pk}/",
                "/projects/board/", f"/projects/projects/{project.number}/", "/projects/rounds/", "/projects/statistics/",
                "/projects/experts/"):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/projects/projects/{project.number}/").content.decode()
    assert "36.00" in page and "结题" in page  # the signing payment, 40 % of 90, and the acceptance result
    profile = client.get(f"/registry/enterprises/{project.enterprise.uscc}/").content.decode()
    assert project.number in profile


def test_docx_and_xlsx_exports(district, officer_user, client, call):
    client.force_login(officer_user)
    for url in (f"/projects/calls/{call.code}/publicity.docx", f"/projects/projects/{district['project'].number}/acceptance.docx"):
        response = client.get(url)
        assert response.status_code == 200
        document = zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml").decode()
        assert "高性能量子传感器研制" in document
    assert "对手的项目" not in zipfile.ZipFile(io.BytesIO(client.get(f"/projects/calls/{call.code}/publicity.docx").content)).read(
        "word/document.xml").decode()
    for url in ("/projects/statistics/?export=xlsx", f"/projects/projects/{district['project'].number}/ledger.xlsx"):
        response = client.get(url)
        assert response.status_code == 200 and response.content[:2] == b"PK"


def test_an_applicant_sees_its_own_rows_only(district, firm, client):
    client.force_login(member(firm))
    assert client.get(f"/projects/applications/{district['mine'].pk}/").status_code == 200
    assert client.get(f"/projects/applications/{district['theirs'].pk}/").status_code == 404
    assert client.get(f"/projects/projects/{district['project'].number}/").status_code == 200
    assert client.get("/projects/statistics/").status_code == 403
    api = client.get("/api/projects/applications/").json()
    assert [row["number"] for row in api["results"]] == [district["mine"].number]
    client.force_login(member(district["rival"]))
    assert client.get(f"/projects/projects/{district['project'].number}/").status_code == 404
    assert client.get("/api/projects/projects/").json()["count"] == 0


def test_statistics_count_the_award_rate(district, officer_user, client):
    client.force_login(officer_user)
    page = client.get("/projects/statistics/").content.decode()
    assert "50%" in page and "90.00" in page


def test_api_scoring_refuses_out_of_range(district, make_expert, officer_user, client, make_call, firm, make_application):
    call = make_call(code="api-2026")
    application = make_application(call, firm, requested=40, band=1)
    services.formal_review(application, officer_user, "complete")
    services.close_call(call, officer_user)
    expert = make_expert("赵专家")
    assignment = services.assign(application, [expert], officer_user)[0]
    client.force_login(expert.user)
    bad = client.post(f"/api/projects/assignments/{assignment.pk}/score/", {"scores": {"innovation": 99, "feasibility": 1, "benefit": 1}},
                      content_type="application/json")
    assert bad.status_code == 400 and "40" in str(bad.json())
    good = client.post(f"/api/projects/assignments/{assignment.pk}/score/", {"scores": {"innovation": 40, "feasibility": 30, "benefit": 30}},
                       content_type="application/json")
    assert good.status_code == 200 and good.json()["total"] == 100.0
    assert Project.objects.count() == 1


def test_an_officer_creates_a_call_from_the_page(officer_user, client, firm):
    import json

    from kechuang.projects.models import Call
    from kechuang.projects.views import DEFAULT_CALL_DATA

    client.force_login(officer_user)
    form = {"code": "new-2026", "title": "新指南", "programme": "sme_rd", "year": "2026", "budget": "300",
            "opens_on": clock.today().isoformat(), "deadline": (clock.today() + dt.timedelta(days=30)).isoformat(),
            **{name: json.dumps(value) for name, value in DEFAULT_CALL_DATA.items()}}
    bad = client.post("/projects/calls/new/", {**form, "bands": "[{"}, follow=True)
    assert "bands 不是有效的 JSON" in bad.content.decode() and not Call.objects.exists()
    assert client.post("/projects/calls/new/", form).status_code == 302
    call = Call.objects.get(code="new-2026")
    assert call.state == "draft" and call.account.limit == 300
    client.force_login(member(firm))
    assert client.get("/projects/calls/new/").status_code == 403
    assert client.get("/projects/calls/new-2026/").status_code == 404  # a draft is not published yet


def test_the_whole_journey_through_the_pages(call, firm, officer_user, client, make_expert):
    from kechuang.projects.models import Application

    user = member(firm)
    client.force_login(user)
    client.post(f"/projects/calls/{call.code}/apply/", {"title": "页面申报的项目", "leader": "王五", "field": "10", "band": "0"})
    application = Application.objects.get(title="页面申报的项目")
    base = f"/projects/applications/{application.pk}/"
    bad = client.post(base + "save/", {"answer_summary": "摘要", "own_equipment": "60", "req_equipment": "60", "req_labour": "30",
                                       "own_funds": "60", "requested": "100", "total_cost": "160"}, follow=True)
    assert "申请资助列合计 90.00 万元" in bad.content.decode()
    client.post(base + "save/", {"answer_summary": "摘要", "own_equipment": "60", "req_equipment": "60", "req_labour": "40",
                                 "own_funds": "60", "requested": "100", "total_cost": "160", "co_name": ["南开大学"], "co_uscc": [""]})
    from kechuang.projects.tests.conftest import pdf

    client.post(base + "attach/", {"key": "plan", "file": pdf()})
    client.post(base + "submit/")
    application.refresh_from_db()
    assert application.state == "submitted" and application.requested == 100
    assert client.get(base + f"files/{application.files.get().pk}/").status_code == 200
    client.force_login(officer_user)
    client.post(base + "complete/", {"comment": ""})
    client.post(f"/projects/calls/{call.code}/close/")
    expert = make_expert("赵专家", employer="河北工业大学")
    client.post(base + "assign/", {"experts": [expert.pk]})
    client.force_login(expert.user)
    assignment = expert.assignments.get()
    page = client.post(f"/projects/assignments/{assignment.pk}/", {"score_innovation": "36", "score_feasibility": "27", "score_benefit": "27"}, follow=True)
    assert "90.00" in page.content.decode()
    client.force_login(officer_user)
    client.post(base + "approve/", {"amount": "100", "comment": "排名第一"})
    call.refresh_from_db()
    services.publicise(call, officer_user, on=clock.today() - dt.timedelta(days=8))
    client.post(f"/projects/calls/{call.code}/conclude/")
    project = Project.objects.get()
    url = f"/projects/projects/{project.number}/"
    client.post(url + "sign/", {"goals": "样机", "ind_kind": ["patents"], "ind_name": ["发明专利"], "ind_target": ["2"]})
    early = project.milestones.get(order=2)
    refused = client.post(url + "pay/", {"item": early.pk}, follow=True)
    assert "验收通过后才能拨付" in refused.content.decode()
    client.post(url + "pay/", {"item": project.milestones.get(order=1).pk})
    project.account.refresh_from_db()
    assert project.account.paid == 40
    client.post(url + "mid-term/", {"result": "passed", "opinion": "进展正常"})
    assert project.milestones.get(order=2).state == "accepted"


def test_api_formal_review_and_decision(call, firm, make_application, officer_user, client):
    application = make_application(call, firm)
    client.force_login(member(firm))
    assert client.post(f"/api/projects/applications/{application.pk}/formal-review/", {"outcome": "complete"},
                       content_type="application/json").status_code == 403
    client.force_login(officer_user)
    done = client.post(f"/api/projects/applications/{application.pk}/formal-review/", {"outcome": "complete"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "complete"
    services.close_call(call, officer_user)
    over = client.post(f"/api/projects/applications/{application.pk}/decide/", {"approve": True, "amount": "120"}, content_type="application/json")
    assert over.status_code == 400 and "超过申请的 100.00 万元" in str(over.json())
    ok = client.post(f"/api/projects/applications/{application.pk}/decide/", {"approve": True, "amount": "100"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["awarded"] == 100.0
