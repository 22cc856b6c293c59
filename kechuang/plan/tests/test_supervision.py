"""Departments see their own tasks; reports move through the declared workflow; lights and reminders."""
import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.plan import services, supervision
from kechuang.plan.choices import Light, ReportState
from kechuang.core.models import Notification
from kechuang.core.notifications import deliver
from kechuang.plan.models import Plan, Task


@pytest.fixture
def assigned(seed_plan, departments):
    """二(一)1 led by 科技局 with 发改局 helping; 二(一)2 led by 财政局."""
    first = seed_plan.tasks.get(code="二(一)1")
    first.lead_department = departments["keji"]
    first.save()
    first.co_departments.add(departments["fagai"])
    second = seed_plan.tasks.get(code="二(一)2")
    second.lead_department = departments["caizheng"]
    second.save()
    return first, second


@pytest.fixture
def liaison(make_user, departments):
    return make_user("liaison", department=departments["keji"], email="keji@example.org")


def test_a_department_sees_only_its_own_tasks(assigned, make_user, departments, officer, liaison):
    first, second = assigned
    helper = make_user("liaison", department=departments["fagai"])
    assert list(Task.objects.visible_to(liaison)) == [first]
    assert list(Task.objects.visible_to(helper)) == [first]
    assert Task.objects.visible_to(officer).count() == 24
    assert not Task.objects.visible_to(make_user("enterprise")).exists()
    assert not Task.objects.visible_to(make_user("liaison")).exists()  # a liaison with no department
    assert list(Plan.objects.visible_to(liaison)) == [first.plan]


def test_review_workflow(assigned, liaison, officer, make_user, departments):
    first, second = assigned
    with pytest.raises(PermissionDenied):
        services.submit_report(liaison, second, "2021-Q2", "进展", 20)
    with pytest.raises(PermissionDenied):  # a co-department sees the task but does not report on it
        services.submit_report(make_user("liaison", department=departments["fagai"]), first, "2021-Q2", "进展", 20)
    with pytest.raises(ValidationError):
        services.submit_report(liaison, first, "2019-Q4", "进展", 20)
    report = services.submit_report(liaison, first, "2021-Q2", "已签署二期合作协议", 30)
    assert report.state == ReportState.SUBMITTED and report.period_end == dt.date(2021, 6, 30)
    with pytest.raises(ValidationError):
        services.submit_report(liaison, first, "2021-Q2", "再报一次", 35)
    with pytest.raises(PermissionDenied):
        services.move(liaison, report, "accept")
    with pytest.raises(ValidationError):
        services.move(officer, report, "return", comment=" ")
    report = services.move(officer, report, "return", comment="请补充协议扫描件")
    assert report.state == ReportState.RETURNED and report.reviewed_by == officer
    assert Notification.objects.filter(user=liaison, text__contains="请补充协议扫描件").exists()
    report = services.submit_report(liaison, first, "2021-Q2", "已签署二期合作协议，附扫描件", 30)
    assert report.state == ReportState.SUBMITTED and "附扫描件" in report.text
    stale = type(report).objects.get(pk=report.pk)
    services.move(officer, report, "accept")
    with pytest.raises(ValidationError):  # a second officer acting on the old state changes nothing
        services.move(officer, stale, "return", comment="迟到的退回")
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED


@pytest.mark.parametrize(
    "percent, on, light",
    [
        (50, dt.date(2021, 7, 1), Light.GREEN),  # half-way through 2020–2022, 50% done
        (30, dt.date(2021, 7, 1), Light.YELLOW),  # 20 points behind
        (10, dt.date(2021, 7, 1), Light.RED),
        (95, dt.date(2023, 1, 1), Light.RED),  # past the deadline, not done
        (100, dt.date(2023, 1, 1), Light.GREEN),
    ],
)
def test_task_light_by_pace_and_deadline(percent, on, light):
    assert supervision.light(percent, dt.date(2020, 1, 1), dt.date(2022, 12, 31), on) == light


def test_quarterly_periods_start_with_the_plans_issue(seed_plan):
    periods = supervision.periods(seed_plan)
    assert periods[0].label == "2021-Q1" and periods[-1].label == "2022-Q4"
    assert periods[0].due == dt.date(2021, 4, 10)


def test_reminders_once_in_app_and_by_mail(assigned, liaison, officer):
    first, _ = assigned
    services.submit_report(liaison, first, "2021-Q1", "启动", 10)
    result = services.send_reminders(dt.date(2021, 7, 15))
    # 二(一)1: 2021-Q2 overdue since 07-10; 2021-Q1 reported. 二(一)2's department has no liaison here.
    notes = Notification.objects.filter(user=liaison)
    assert [n.key for n in notes] == [f"overdue:{first.pk}:2021-Q2"]
    assert result == {"notifications": 1, "emails": 1}
    assert not mail.outbox  # queued in the outbox, sent by `kechuang deliver`
    assert deliver().sent == 1
    assert len(mail.outbox) == 1 and "2021-Q2" in mail.outbox[0].body and mail.outbox[0].to == ["keji@example.org"]
    assert services.send_reminders(dt.date(2021, 7, 16)) == {"notifications": 0, "emails": 0}
    services.send_reminders(dt.date(2021, 9, 25))
    assert notes.filter(key=f"due:{first.pk}:2021-Q3").exists()


def test_report_page_takes_only_declared_transitions_open_to_the_user(assigned, liaison, officer, client):
    report = services.submit_report(liaison, assigned[0], "2021-Q2", "已签署二期合作协议", 30)
    url = f"/plan/reports/{report.pk}/"
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert 'value="accept"' in page and 'value="return"' in page and 'value="resubmit"' not in page
    for name in ("approve", "resubmit", ""):  # undeclared, or only by writing the report again
        assert client.post(url, {"transition": name}).status_code == 404
    client.force_login(liaison)
    assert 'value="accept"' not in client.get(url).content.decode()
    assert client.post(url, {"transition": "accept"}).status_code == 403
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.reviewed_by is None
