"""Expert review: assignment by field with conflict-of-interest exclusion, anonymity, scores within range,
trimmed mean from five experts, ranking, decisions on the ledger, 公示 and objections."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core import clock
from kechuang.core.ledger import LedgerEntry
from kechuang.projects import services
from kechuang.projects.choices import ApplicationState, CallState
from kechuang.projects.models import Application, Assignment, Objection

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewing(call, firm, make_application, officer_user):
    application = make_application(call, firm, co_applicants=[{"name": "天津大学", "uscc": "12100000401359321Q"}])
    services.formal_review(application, officer_user, "complete")
    services.close_call(call, officer_user)
    application.refresh_from_db()
    return application


def test_an_expert_of_the_applicants_employer_is_refused(reviewing, make_expert, officer_user, firm):
    own = make_expert("王专家", employer=firm.name)
    free = make_expert("赵专家")
    with pytest.raises(ValidationError) as refused:
        services.assign(reviewing, [free, own], officer_user)
    assert refused.value.messages == [f"{own}：评审人任职于本项的当事单位{firm.name}，须回避。"]
    assert not Assignment.objects.exists()


def test_co_applicants_and_declared_conflicts_are_conflicts(reviewing, make_expert, officer_user, firm):
    colleague = make_expert("钱专家", employer="天津大学")
    declared = make_expert("孙专家", declared_conflicts=[firm.uscc])
    assert services.conflict_of(colleague, reviewing) == "评审人任职于本项的当事单位天津大学，须回避。"
    assert services.conflict_of(declared, reviewing) == f"评审人已声明与{firm.uscc}存在利益冲突，须回避。"


def test_auto_assignment_picks_the_field_and_skips_conflicts(reviewing, make_expert, officer_user):
    make_expert("钱专家", employer="天津大学")
    make_expert("其他领域专家", field="20")
    for name in ("甲", "乙", "丙", "丁", "戊"):
        make_expert(f"{name}专家", employer=f"{name}研究院")
    made, short = services.auto_assign(reviewing.call, officer_user)
    assert made == 5 and short == []
    names = set(reviewing.assignments.values_list("expert__name", flat=True))
    assert "钱专家" not in names and "其他领域专家" not in names


def test_a_score_outside_the_range_is_refused_and_nothing_written(reviewing, make_expert, officer_user):
    expert = make_expert("赵专家")
    assignment = services.assign(reviewing, [expert], officer_user)[0]
    with pytest.raises(ValidationError, match="“创新性”的评分必须在 0 至 40 之间，填写的是 45"):
        services.score(assignment, expert.user, {"innovation": 45, "feasibility": 20, "benefit": 20})
    assignment.refresh_from_db()
    assert assignment.state == "assigned" and assignment.total is None


def test_only_the_assigned_expert_scores(reviewing, make_expert, officer_user):
    expert, other = make_expert("赵专家"), make_expert("周专家")
    assignment = services.assign(reviewing, [expert], officer_user)[0]
    with pytest.raises(PermissionDenied):
        services.score(assignment, other.user, {"innovation": 30, "feasibility": 20, "benefit": 20})


def test_five_experts_give_a_trimmed_mean_and_the_call_is_ranked(reviewing, make_expert, officer_user, call, firm, make_application):
    experts = [make_expert(f"专家{i}", employer=f"研究院{i}") for i in range(5)]
    assignments = services.assign(reviewing, experts, officer_user)
    # totals out of 100: 40, 70, 80, 90, 100 → trimmed mean of 70, 80, 90 = 80
    for assignment, (a, b, c) in zip(assignments, [(16, 12, 12), (28, 21, 21), (32, 24, 24), (36, 27, 27), (40, 30, 30)]):
        services.score(assignment, assignment.expert.user, {"innovation": a, "feasibility": b, "benefit": c}, "意见")
    reviewing.refresh_from_db()
    assert reviewing.score == Decimal("80.00") and reviewing.score_method == "trimmed_mean"
    ranked = services.rank_call(call)
    assert ranked[0] == (1, reviewing)


def test_anonymised_call_hides_the_applicant_from_the_expert(make_call, firm, make_application, officer_user, make_expert, client):
    call = make_call(code="anon-2026", anonymised=True)
    application = make_application(call, firm, co_applicants=[{"name": "南开大学合作方", "uscc": ""}])
    services.formal_review(application, officer_user, "complete")
    services.close_call(call, officer_user)
    expert = make_expert("赵专家", employer="河北工业大学")
    assignment = services.assign(application, [expert], officer_user)[0]
    client.force_login(expert.user)
    for url in (f"/projects/assignments/{assignment.pk}/", f"/projects/applications/{application.pk}/",
                f"/api/projects/applications/{application.pk}/", f"/api/projects/assignments/{assignment.pk}/"):
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        for secret in (firm.name, firm.uscc, "南开大学合作方", "天津大学团队", "张伟", "plan.pdf"):
            assert secret not in text, (url, secret)
    assert "高性能量子传感器研制" in client.get(f"/projects/assignments/{assignment.pk}/").content.decode()
    # the same expert on a call that is not anonymised sees the applicant
    call.anonymised = False
    call.save()
    assert firm.name in client.get(f"/projects/assignments/{assignment.pk}/").content.decode()


def test_an_expert_sees_only_its_assigned_applications(reviewing, make_expert, officer_user, client, call, make_enterprise, make_application, make_user):
    expert, other = make_expert("赵专家"), make_expert("周专家")
    services.assign(reviewing, [expert], officer_user)
    assert list(Application.objects.visible_to(expert.user)) == [reviewing]
    assert list(Application.objects.visible_to(other.user)) == []
    client.force_login(other.user)
    assert client.get(f"/projects/applications/{reviewing.pk}/").status_code == 404
    assert client.get("/api/projects/applications/").json()["count"] == 0


def _decided(reviewing, officer_user, amount=80):
    services.decide(reviewing, officer_user, True, amount, "综合排名第一")
    return reviewing


def test_a_decision_reserves_the_award_on_the_call_budget(reviewing, officer_user):
    _decided(reviewing, officer_user)
    assert reviewing.state == ApplicationState.APPROVED and reviewing.awarded == 80
    reviewing.call.account.refresh_from_db()
    assert reviewing.call.account.reserved == 80


def test_an_award_above_the_request_or_the_budget_is_refused(reviewing, officer_user, call):
    with pytest.raises(ValidationError, match="超过申请的 100.00 万元"):
        services.decide(reviewing, officer_user, True, 120)
    call.account.limit = Decimal("50")
    call.account.save()
    with pytest.raises(ValidationError, match="计划预算无法承担 80.00 万元"):
        services.decide(reviewing, officer_user, True, 80)
    reviewing.refresh_from_db()
    assert reviewing.state == ApplicationState.COMPLETE and not LedgerEntry.objects.filter(account=call.account).exists()


def test_not_approved_needs_a_reason(reviewing, officer_user):
    with pytest.raises(ValidationError):
        services.decide(reviewing, officer_user, False, reason="")
    services.decide(reviewing, officer_user, False, reason="创新性不足")
    assert reviewing.state == ApplicationState.NOT_APPROVED and reviewing.decision_reason == "创新性不足"


def test_objections_after_the_notice_period_are_refused(reviewing, officer_user, call, firm):
    _decided(reviewing, officer_user)
    start = clock.today()
    services.publicise(call, officer_user, on=start)
    assert call.state == CallState.PUBLICITY and call.publicity_until == start + dt.timedelta(days=6)
    services.lodge_objection(call, officer_user, "排名存疑", reviewing, on=start + dt.timedelta(days=6))
    with pytest.raises(ValidationError, match="不再受理异议"):
        services.lodge_objection(call, officer_user, "迟到的异议", reviewing, on=start + dt.timedelta(days=7))
    assert Objection.objects.count() == 1
    with pytest.raises(ValidationError, match="尚未答复"):
        services.conclude_publicity(call, officer_user, on=start + dt.timedelta(days=7))
    services.answer_objection(Objection.objects.get(), officer_user, "经复核，排名无误")
    projects = services.conclude_publicity(call, officer_user, on=start + dt.timedelta(days=7))
    assert [p.award for p in projects] == [Decimal("80.00")]
    assert [m.amount for m in projects[0].milestones.all()] == [Decimal("32.00"), Decimal("32.00"), Decimal("16.00")]
