"""Projects: the 任务书, payments through the ledger only after their milestone, reports, checks, changes,
acceptance, termination with recovery, outcomes from the registry, the tracking board's risk."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kechuang.core import clock
from kechuang.core.ledger import LedgerAccount, LedgerEntry, verify_balances
from kechuang.core.models import AuditEntry
from kechuang.projects import services, tracking
from kechuang.projects.choices import MilestoneState, ProjectState, Risk
from kechuang.projects.models import Outcome, Project
from kechuang.projects.tests.conftest import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(call, firm, make_application, officer_user):
    application = make_application(call, firm)
    services.formal_review(application, officer_user, "complete")
    services.close_call(call, officer_user)
    services.decide(application, officer_user, True, 100, "排名第一")
    today = clock.today()
    services.publicise(call, officer_user, on=today - dt.timedelta(days=10))
    return services.conclude_publicity(call, officer_user, on=today - dt.timedelta(days=2))[0]


@pytest.fixture
def signed(project, officer_user):
    services.sign_contract(project, officer_user, "研制样机并实现量产", [("patents", "发明专利申请", 3), ("revenue", "新增销售收入", 500)])
    project.refresh_from_db()
    return project


def test_signing_accepts_the_first_milestone_and_schedules_reports(signed):
    assert signed.state == ProjectState.UNDERWAY and signed.signed_on == clock.today()
    states = [m.state for m in signed.milestones.all()]
    assert states == [MilestoneState.ACCEPTED, MilestoneState.PLANNED, MilestoneState.PLANNED]
    assert signed.reports.count() == 3  # 24 months: reports at 6, 12 and 18 months


def test_payments_go_through_the_ledger_and_follow_the_milestones(signed, officer_user):
    first, mid, last = signed.milestones.all()
    services.pay_milestone(first, officer_user)
    signed.account.refresh_from_db()
    signed.call.account.refresh_from_db()
    assert signed.account.paid == Decimal("40.00") and signed.call.account.paid == Decimal("40.00")
    assert signed.call.account.reserved == Decimal("60.00")
    entries = LedgerEntry.objects.filter(reference=f"projects.application:{signed.application.number}")
    assert [(e.account.code, e.kind, e.amount) for e in entries.order_by("id")] == [
        ("projects.call:kjxm-2026", "reserve", Decimal("100.00")),
        ("projects.call:kjxm-2026", "release", Decimal("40.00")),
        ("projects.call:kjxm-2026", "pay", Decimal("40.00")),
        (signed.ledger_code, "pay", Decimal("40.00")),
    ]
    assert verify_balances() == []


def test_a_payment_before_its_milestone_is_accepted_is_refused(signed, officer_user):
    mid = signed.milestones.get(order=2)
    with pytest.raises(ValidationError, match="验收通过后才能拨付"):
        services.pay_milestone(mid, officer_user)
    mid.refresh_from_db()
    assert mid.state == MilestoneState.PLANNED and LedgerAccount.objects.get(pk=signed.account_id).paid == 0


def test_a_payment_above_the_award_is_refused_and_nothing_written(signed, officer_user):
    first = signed.milestones.get(order=1)
    entries = LedgerEntry.objects.count()
    with pytest.raises(ValidationError, match="拨付 100.01 万元被拒绝"):
        services.pay_milestone(first, officer_user, amount="100.01")
    first.refresh_from_db()
    assert first.state == MilestoneState.ACCEPTED and first.paid_amount is None
    assert LedgerEntry.objects.count() == entries


def test_mid_term_acceptance_and_the_full_payment_schedule(signed, officer_user):
    first, mid, last = signed.milestones.all()
    services.pay_milestone(first, officer_user)
    services.mid_term_check(signed, officer_user, "passed", "进展符合任务书")
    services.pay_milestone(signed.milestones.get(order=2), officer_user)
    patents = signed.indicators.get(kind="patents")
    services.acceptance(signed, officer_user, "passed", "全面完成任务书指标", {patents.pk: 4})
    services.pay_milestone(signed.milestones.get(order=3), officer_user)
    signed.refresh_from_db()
    signed.account.refresh_from_db()
    assert signed.state == ProjectState.PASSED and signed.account.paid == signed.award == Decimal("100.00")
    assert signed.indicators.get(kind="patents").achieved == 4
    signed.call.account.refresh_from_db()
    assert signed.call.account.reserved == 0 and signed.call.account.paid == 100


def test_a_failed_acceptance_frees_the_reservation(signed, officer_user):
    services.pay_milestone(signed.milestones.get(order=1), officer_user)
    services.acceptance(signed, officer_user, "failed", "指标未完成", {})
    signed.call.account.refresh_from_db()
    assert signed.call.account.reserved == 0 and signed.call.account.paid == 40
    assert set(signed.milestones.values_list("state", flat=True)) == {MilestoneState.PAID, MilestoneState.CANCELLED}


def test_termination_recovers_funds_through_the_ledger(signed, officer_user):
    services.pay_milestone(signed.milestones.get(order=1), officer_user)
    with pytest.raises(ValidationError, match="仅拨付 40.00 万元"):
        services.terminate(signed, officer_user, "企业迁出", recover=50)
    services.terminate(signed, officer_user, "企业迁出本区", recover=40)
    signed.refresh_from_db()
    signed.account.refresh_from_db()
    signed.call.account.refresh_from_db()
    assert signed.state == ProjectState.TERMINATED and signed.recovered == 40
    assert signed.account.paid == 0 and signed.call.account.paid == 0 and signed.call.account.reserved == 0
    assert verify_balances() == []


def test_reports_are_submitted_returned_and_accepted(signed, officer_user, firm):
    report = signed.reports.first()
    services.submit_report(report, member(firm), "完成样机设计", 30)
    services.review_report(report, officer_user, False, "缺经费明细")
    assert report.state == "returned" and report.review_comment == "缺经费明细"
    services.submit_report(report, member(firm), "完成样机设计，附经费明细", 30)
    services.review_report(report, officer_user, True)
    assert report.state == "accepted"


def test_changes_are_approved_applied_and_audited(signed, officer_user, firm):
    user = member(firm)
    change = services.request_change(signed, user, "extension", {"ends_on": (signed.ends_on + dt.timedelta(days=180)).isoformat()}, "疫情影响")
    services.decide_change(change, officer_user, True, "同意延期")
    signed.refresh_from_db()
    assert signed.ends_on == change.project.ends_on and signed.milestones.get(order=3).due_on == signed.ends_on
    leader = services.request_change(signed, user, "leader", {"leader": "李娜"}, "原负责人调离")
    services.decide_change(leader, officer_user, True)
    signed.refresh_from_db()
    assert signed.leader == "李娜"
    entries = AuditEntry.objects.filter(object_type="projects.project", object_id=str(signed.pk))
    assert any("李娜" in str(entry.changes) for entry in entries)
    with pytest.raises(ValidationError, match="资助额度保持 100.00 万元"):
        services.request_change(signed, user, "budget", {"lines": {"equipment": {"own_funds": 60, "requested": 90}},
                                                         "own_funds": 60, "requested": 90, "total_cost": 150}, "调整")
    budget = services.request_change(signed, user, "budget", {"lines": {"equipment": {"own_funds": 60, "requested": 80},
                                                                        "labour": {"own_funds": 0, "requested": 20}},
                                                              "own_funds": 60, "requested": 100, "total_cost": 160}, "设备降价")
    services.decide_change(budget, officer_user, True)
    assert {l.category: l.requested for l in signed.application.budget_lines.all()} == {"equipment": 80, "labour": 20}


def test_outcomes_are_found_in_the_registry_by_uscc_and_number(signed, officer_user, firm):
    from kechuang.registry.models import IntellectualProperty

    ip = IntellectualProperty.objects.create(number="ZL202410000001.2", kind_id="invention_patent", title="量子传感方法",
                                             granted=clock.today(), status="valid")
    ip.owners.add(firm)
    with pytest.raises(ValidationError, match="没有"):
        services.link_outcome(signed, member(firm), "ip", firm.uscc, "ZL000")
    outcome = services.link_outcome(signed, member(firm), "ip", firm.uscc, "ZL202410000001.2")
    assert outcome.record == ip
    with pytest.raises(ValidationError, match="既不是项目承担单位"):
        services.link_outcome(signed, member(firm), "ip", "91120116MA0000001X", "ZL202410000001.2")
    from kechuang.plan.indicators import run

    measure = run("project_patents", "120116", clock.today())
    assert measure.value == 1 and list(measure.records) == [ip]
    assert Outcome.objects.count() == 1


def test_the_board_shows_risk(signed, officer_user):
    today = clock.today()
    rows = {row.project.pk: row for row in tracking.board(Project.objects.all(), today)}
    assert rows[signed.pk].risk == Risk.GREEN
    late = today + dt.timedelta(days=400)
    row = {row.project.pk: row for row in tracking.board(Project.objects.all(), late)}[signed.pk]
    assert row.risk == Risk.RED and row.reasons
    services.terminate(signed, officer_user, "企业迁出本区")
    closed = {row.project.pk: row for row in tracking.board(Project.objects.all(), late)}[signed.pk]
    assert closed.risk == Risk.GREEN and closed.reasons == []


def test_api_payments_follow_the_milestones(signed, officer_user, client, firm):
    url = f"/api/projects/projects/{signed.number}/pay/"
    client.force_login(member(firm))
    assert client.post(url, {"milestone": 1}, content_type="application/json").status_code == 403
    client.force_login(officer_user)
    early = client.post(url, {"milestone": 2}, content_type="application/json")
    assert early.status_code == 400 and "验收通过后才能拨付" in str(early.json())
    paid = client.post(url, {"milestone": 1}, content_type="application/json")
    assert paid.status_code == 200 and paid.json()["paid"] == 40.0
