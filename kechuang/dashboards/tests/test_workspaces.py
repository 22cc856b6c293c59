"""Every role's home page is a workspace: each count of what waits opens a page listing exactly those
rows, the demo gives each working role something to do, and the officer hears of a submitted report."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from kechuang.core.choices import Role
from kechuang.core.models import Notification
from kechuang.core.workspace import work_items
from kechuang.plan.choices import ReportState
from kechuang.plan.models import ProgressReport, Task
from kechuang.plan.services import submit_report


@pytest.fixture
def demo_district(db):
    call_command("demo", enterprises=60, seed="workspaces", stdout=io.StringIO())
    return {user.username: user for user in get_user_model().objects.filter(username__in=Role.values)}


def listed_count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    paginator = response.context.get("paginator")
    return paginator.count if paginator is not None else None


@pytest.mark.django_db
def test_each_count_opens_the_rows_it_counts(client, demo_district):
    checked = 0
    for username, user in demo_district.items():
        client.force_login(user)
        for item in work_items(user):
            shown = listed_count(client, item.url)
            if shown is not None:
                assert shown == item.count, (username, item.label, item.url)
                checked += 1
    assert checked >= 6


@pytest.mark.django_db
def test_the_demo_gives_each_working_role_real_work(client, demo_district):
    waiting = {name: {str(item.label): item.count for item in work_items(user)} for name, user in demo_district.items()}
    assert waiting["officer"]
    assert any(count for label, count in waiting["liaison"].items() if "returned" in label or "退回" in label)
    assert sum(waiting["liaison"].values()) >= 2
    assert waiting["provider"], waiting["provider"]
    assert waiting["institution"], waiting["institution"]
    client.force_login(demo_district["liaison"])
    page = client.get("/").content.decode()
    assert "待办事项" in page or "Needs you now" in page


@pytest.mark.django_db
def test_officers_hear_of_a_submitted_report_and_its_home_count_grows(demo_district):
    liaison, officer = demo_district["liaison"], demo_district["officer"]
    task = Task.objects.filter(lead_department=liaison.department).first()
    returned = ProgressReport.objects.get(task=task, state=ReportState.RETURNED)
    before = {str(item.label): item.count for item in work_items(officer)}
    report = submit_report(liaison, task, returned.period, "补充了佐证材料，细化了下一阶段安排。", 80)
    assert report.state == ReportState.SUBMITTED
    assert Notification.objects.filter(user=officer, url__endswith=f"/plan/reports/{report.pk}/").exists()
    after = {str(item.label): item.count for item in work_items(officer)}
    key = next(label for label in after if label not in ("",) and after[label] != before.get(label))
    assert after[key] == before[key] + 1
