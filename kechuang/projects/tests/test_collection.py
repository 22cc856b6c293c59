"""Collection rounds (定期收集): the target population, answers landing in techmarket, an explicit 无,
completeness, reminders before and on the deadline (the command takes --as-of)."""
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from kechuang.core import clock
from kechuang.core.choices import Role
from kechuang.core.models import Notification
from kechuang.projects import services
from kechuang.projects.models import CollectionSubmission, CollectionTarget
from kechuang.projects.tests.conftest import member
from kechuang.techmarket.models import Achievement, Demand, Institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(make_enterprise, make_user):
    made = []
    for name in ("甲科技", "乙科技", "丙科技"):
        firm = make_enterprise(name)
        firm.members.add(make_user(Role.ENTERPRISE))
        made.append(firm)
    make_enterprise("外区企业", region_id="110101001")
    return made


@pytest.fixture
def round_(firms, officer_user):
    return services.open_round(officer_user, code="2026-h2", title="2026年下半年研发成果及需求征集", kind="both",
                               population_kind="district", deadline=clock.today() + dt.timedelta(days=14))


def test_a_round_asks_every_in_district_firm_and_tells_them(round_, firms):
    assert set(round_.targets.values_list("enterprise", flat=True)) == {f.pk for f in firms}
    assert Notification.objects.filter(user__in=[member(f) for f in firms]).count() == 3


def test_answers_land_in_the_market_attributed_to_the_round(round_, firms):
    first, second, _third = (CollectionTarget.objects.get(round=round_, enterprise=f) for f in firms)
    made = services.answer_round(first, member(firms[0]), achievements=[{"title": "低温焊接工艺", "summary": "新工艺"}],
                                 demands=[{"title": "视觉检测算法", "problem": "缺陷识别率低"}])
    assert len(made) == 2
    assert Achievement.objects.get(title="低温焊接工艺").owner == Institution.objects.get(enterprise=firms[0])
    assert Demand.objects.get(title="视觉检测算法").enterprise == firms[0]
    assert {s.target_id for s in CollectionSubmission.objects.all()} == {first.pk}
    services.declare_nothing(second, member(firms[1]))
    assert services.completeness(round_) == {"silent": 1, "answered": 1, "nothing": 1}


def test_bad_answers_write_nothing(round_, firms, make_user):
    target = CollectionTarget.objects.get(round=round_, enterprise=firms[0])
    with pytest.raises(ValidationError, match="第 1 条技术需求：需求描述不能为空"):
        services.answer_round(target, member(firms[0]), demands=[{"title": "空问题", "problem": "  "}])
    with pytest.raises(PermissionDenied):
        services.answer_round(target, make_user(Role.ENTERPRISE), demands=[{"title": "x", "problem": "y"}])
    with pytest.raises(ValidationError, match="已于"):
        services.declare_nothing(target, member(firms[0]), on=round_.deadline + dt.timedelta(days=1))
    target.refresh_from_db()
    assert target.answer == "silent" and not Demand.objects.exists() and not CollectionSubmission.objects.exists()


def test_reminders_go_to_the_silent_a_week_before_and_on_the_deadline(round_, firms):
    services.declare_nothing(CollectionTarget.objects.get(round=round_, enterprise=firms[0]), member(firms[0]))
    before = Notification.objects.count()
    out = io.StringIO()
    call_command("projects_remind", as_of=str(round_.deadline - dt.timedelta(days=8)), stdout=out)
    assert Notification.objects.count() == before
    call_command("projects_remind", as_of=str(round_.deadline - dt.timedelta(days=7)), stdout=out)
    call_command("projects_remind", as_of=str(round_.deadline - dt.timedelta(days=7)), stdout=out)
    assert Notification.objects.count() == before + 2
    call_command("projects_remind", as_of=str(round_.deadline), stdout=out)
    assert Notification.objects.count() == before + 4
    assert not Notification.objects.filter(user=member(firms[0]), text__contains="截止").exists()
    assert CollectionTarget.objects.filter(round=round_, last_reminded_on=round_.deadline).count() == 2


def test_the_completeness_page_and_the_answer_form(round_, firms, officer_user, client):
    services.declare_nothing(CollectionTarget.objects.get(round=round_, enterprise=firms[0]), member(firms[0]))
    client.force_login(officer_user)
    page = client.get(f"/projects/rounds/{round_.code}/?answer=silent").content.decode()
    assert "乙科技" in page and "甲科技" not in page
    client.force_login(member(firms[1]))
    assert "丙科技" not in client.get(f"/projects/rounds/{round_.code}/").content.decode()
    target = CollectionTarget.objects.get(round=round_, enterprise=firms[1])
    client.post(f"/projects/answers/{target.pk}/", {"a_title": ["新型涂层"], "a_summary": ["耐腐蚀涂层"]})
    target.refresh_from_db()
    assert target.answer == "answered" and Achievement.objects.filter(title="新型涂层").exists()
    other = CollectionTarget.objects.get(round=round_, enterprise=firms[2])
    assert client.post(f"/projects/answers/{other.pk}/", {"nothing": "1"}).status_code == 404
