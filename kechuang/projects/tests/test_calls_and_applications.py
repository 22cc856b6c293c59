"""Calls, eligibility, applications (budget, band, attachments, deadline) and the formal review: each bad
input refused with its message and nothing written."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.core import clock
from kechuang.core.choices import Role
from kechuang.projects import services
from kechuang.projects.choices import ApplicationState
from kechuang.projects.models import Application, Attachment, BudgetLine
from kechuang.projects.tests.conftest import _field, member, pdf
from kechuang.registry.models import Certificate

pytestmark = pytest.mark.django_db


def test_a_call_opens_a_budget_account_and_checks_its_data(make_call, officer_user):
    call = make_call()
    assert call.account.limit == Decimal("500.00") and call.state == "open"
    with pytest.raises(ValidationError, match="100%"):
        make_call(code="bad", payment_schedule=[{"kind": "signing", "share": "0.5"}])
    with pytest.raises(ValidationError, match="权重"):
        make_call(code="bad2", criteria=[{"key": "a", "label": "甲", "weight": 0}])


def test_eligibility_names_the_reason(call, make_enterprise):
    outside = make_enterprise("外区企业", region_id="110101001")
    dishonest = make_enterprise("失信企业", serious_dishonesty=True)
    assert services.ineligibility(call, outside) == ["该企业不在本区登记（或已迁出）。"]
    assert services.ineligibility(call, dishonest) == ["企业在严重失信名单上。"]
    call.eligibility = {"in_district": True, "certificates": ["hnte"], "no_serious_dishonesty": True}
    good = make_enterprise("高企")
    assert "国家高新技术企业" in services.ineligibility(call, good)[0]
    Certificate.objects.create(enterprise=good, kind="hnte", number="GR2024120001", issued=clock.today() - dt.timedelta(days=30))
    assert services.ineligibility(call, good) == []


def test_eligibility_may_ask_the_policy_engine(call, make_enterprise):
    call.eligibility = {"in_district": True, "ruleset": "tsme"}
    young = make_enterprise("无数据企业")
    assert services.ineligibility(call, young) == []  # no figures: 需复核, not a refusal
    from kechuang.registry.models import YearlyData

    YearlyData.objects.create(enterprise=young, year=clock.today().year - 1, employees=800, revenue=Decimal("90000"),
                              rd_expense=Decimal("1"))
    reasons = services.ineligibility(call, young)
    assert len(reasons) == 1 and reasons[0].startswith("企业不符合认定条件 tsme 的要求：")


def test_an_ineligible_firm_cannot_start_an_application(call, make_enterprise, make_user):
    dishonest = make_enterprise("失信企业", serious_dishonesty=True)
    dishonest.members.add(make_user(Role.ENTERPRISE))
    with pytest.raises(ValidationError, match="严重失信"):
        services.start_application(call, member(dishonest), title="x", field=_field(), leader="李", enterprise=dishonest)
    assert not Application.objects.exists()


def test_an_application_is_submitted_with_its_budget_and_attachments(call, firm, make_application):
    application = make_application(call, firm)
    assert application.state == ApplicationState.SUBMITTED and application.submitted_on == clock.today()
    assert application.requested == 100 and application.own_funds == 60 and application.total_cost == 160
    assert application.number == "kjxm-2026-0001"
    assert {line.category: line.requested for line in application.budget_lines.all()} == {"equipment": 60, "labour": 40}


def test_an_application_after_the_deadline_is_refused(make_call, firm, make_application):
    call = make_call(deadline=clock.today() + dt.timedelta(days=1))
    application = make_application(call, firm, submit=False)
    with pytest.raises(ValidationError, match="截止，不再受理申报"):
        services.submit(application, member(firm), on=clock.today() + dt.timedelta(days=2))
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT and application.submitted_on is None


def test_a_budget_that_does_not_add_up_is_refused_and_nothing_written(call, firm, make_application):
    application = make_application(call, firm, submit=False)
    user = member(firm)
    with pytest.raises(ValidationError, match="申请资助列合计 90.00 万元，不等于申请的 100.00 万元"):
        services.save_application(application, user, budget={"equipment": (60, 50), "labour": (0, 40)},
                                  own_funds=60, requested=100, total_cost=160)
    with pytest.raises(ValidationError, match="不等于项目总投资 170.00 万元"):
        services.save_application(application, user, budget={"equipment": (60, 60), "labour": (0, 40)},
                                  own_funds=60, requested=100, total_cost=170)
    with pytest.raises(ValidationError, match="“劳务费”行，申请资助"):
        services.save_application(application, user, budget={"equipment": (60, 60), "labour": (0, -40)},
                                  own_funds=60, requested=20, total_cost=80)
    assert {line.category: line.requested for line in BudgetLine.objects.filter(application=application)} == {
        "equipment": 60, "labour": 40}
    application.refresh_from_db()
    assert application.requested == 100


def test_a_request_above_the_band_is_refused(call, firm, make_application):
    application = make_application(call, firm, submit=False)
    with pytest.raises(ValidationError, match="超出档次“重点项目”（50–200 万元）"):
        services.save_application(application, member(firm), budget={"equipment": (0, 210), "labour": (0, 40)},
                                  own_funds=0, requested=250, total_cost=250)
    with pytest.raises(ValidationError, match="最多支持项目总投资的 70%，即 70.00 万元"):
        services.save_application(application, member(firm), budget={"equipment": (0, 60), "labour": (0, 40)},
                                  own_funds=0, requested=100, total_cost=100)
    application.refresh_from_db()
    assert application.requested == 100 and application.total_cost == 160


def test_the_per_firm_maximum_counts_the_firms_other_applications(call, firm, make_application):
    make_application(call, firm, requested=80, title="甲")
    second = make_application(call, firm, requested=60, submit=False, title="乙")
    with pytest.raises(ValidationError, match="最多可获 200 万元"):
        services.save_application(second, member(firm), budget={"equipment": (130, 90), "labour": (0, 40)},
                                  own_funds=130, requested=130, total_cost=260)


def test_attachments_follow_the_upload_rules(call, firm, make_application):
    application = make_application(call, firm, submit=False)
    fake = SimpleUploadedFile("plan.pdf", b"<html>evil</html>", content_type="application/pdf")
    with pytest.raises(ValidationError, match="内容不是 PDF 文件"):
        services.attach(application, member(firm), "plan", fake)
    with pytest.raises(ValidationError, match="未要求附件"):
        services.attach(application, member(firm), "other", pdf())
    assert Attachment.objects.filter(application=application).count() == 1


def test_a_stranger_cannot_edit_or_submit(call, firm, make_application, make_user):
    application = make_application(call, firm, submit=False)
    with pytest.raises(PermissionDenied):
        services.save_application(application, make_user(Role.ENTERPRISE), answers={"summary": "x"})
    with pytest.raises(PermissionDenied):
        services.submit(application, make_user(Role.ENTERPRISE))


def test_missing_answers_and_attachments_block_submission(call, firm, make_application):
    application = make_application(call, firm, submit=False)
    application.files.all().delete()
    with pytest.raises(ValidationError, match="附件“可行性报告”"):
        services.submit(application, member(firm))


def test_formal_review_returns_once_only(call, firm, make_application, officer_user):
    application = make_application(call, firm)
    services.formal_review(application, officer_user, "return", "缺少盖章页")
    assert application.state == ApplicationState.RETURNED and application.returned_count == 1
    services.submit(application, member(firm))
    with pytest.raises(ValidationError, match="已退回过一次"):
        services.formal_review(application, officer_user, "return", "又缺")
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED and application.formal_reason == "缺少盖章页"
    services.formal_review(application, officer_user, "reject", "不符合指南方向")
    assert application.state == ApplicationState.REJECTED and application.formal_reason == "不符合指南方向"


def test_a_rejection_needs_a_reason(call, firm, make_application, officer_user):
    application = make_application(call, firm)
    with pytest.raises(ValidationError):
        services.formal_review(application, officer_user, "reject", "")
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_a_returned_application_has_a_correction_period(call, firm, make_application, officer_user):
    application = make_application(call, firm)
    services.formal_review(application, officer_user, "return", "缺页")
    with pytest.raises(ValidationError, match="5 天内"):
        services.submit(application, member(firm), on=clock.today() + dt.timedelta(days=6))
