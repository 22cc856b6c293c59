"""Row scoping is declared per model (`row_scope`) and read by one `visible_to`: the declarations of
every app are checked at start-up, and the reading keeps the rules the hand-written methods had."""
import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.test.utils import isolate_apps

from kechuang.core.access import ANY_ROLE, Scope, ScopedQuerySet, check_row_scopes, scope_errors
from kechuang.core.choices import Role
from kechuang.core.models import Department
from kechuang.core.models import Notification
from kechuang.plan.models import Plan, ProgressReport, Task
from kechuang.registry.models import Award, Enterprise, IntellectualProperty, YearlyData
from kechuang.techmarket.models import Achievement, Challenge, Institution
from kechuang.vouchers.models import Provider


def scoped_models():
    return [m for m in apps.get_models() if issubclass(m._default_manager._queryset_class, ScopedQuerySet)]


def test_every_scoped_model_declares_a_valid_scope():
    assert len(scoped_models()) >= 18
    assert check_row_scopes() == []


@isolate_apps("kechuang.core")
def test_a_scoped_manager_without_a_declaration_or_with_a_wrong_path_stops_start_up():
    class Undeclared(models.Model):
        objects = ScopedQuerySet.as_manager()

    class WrongPath(models.Model):
        owner = models.ForeignKey("core.User", on_delete=models.CASCADE)
        objects = ScopedQuerySet.as_manager()
        row_scope = Scope({ANY_ROLE: "owner__enterprises__nonsense", "janitor": "owner"})

    errors = scope_errors([Undeclared, WrongPath])
    assert [e.id for e in errors] == ["kechuang.E001", "kechuang.E002", "kechuang.E002"]
    assert "nonsense" in errors[2].msg and "janitor" in errors[1].msg


@pytest.mark.django_db
def test_nobody_signed_out_or_inactive_sees_confined_rows(make_user, make_enterprise):
    firm = make_enterprise()
    member = make_user(Role.ENTERPRISE)
    firm.members.add(member)
    YearlyData.objects.create(enterprise=firm, year=2025)
    assert Enterprise.objects.visible_to(member).get() == firm
    member.is_active = False
    confined = [m for m in scoped_models() if not m.row_scope.reaches(AnonymousUser())]
    assert Enterprise in confined and YearlyData in confined and Challenge not in confined
    for user in (AnonymousUser(), member, None):
        for model in confined:
            assert not model.objects.visible_to(user).exists(), model
    assert Challenge.objects.visible_to(AnonymousUser()).count() == Challenge.objects.count()


@pytest.mark.django_db
def test_every_visitor_sees_verified_providers_and_a_provider_user_also_its_own(make_user):
    verified = Provider.objects.create(uscc="12120000MB0000001X", name="检测中心", kind="testing", status="verified")
    applied = Provider.objects.create(uscc="12120000MB0000002X", name="新申请机构", kind="testing", status="applied")
    staff = make_user(Role.PROVIDER)
    applied.users.add(staff)
    assert list(Provider.objects.visible_to(AnonymousUser())) == [verified]
    assert list(Provider.objects.visible_to(make_user(Role.ENTERPRISE))) == [verified]
    assert set(Provider.objects.visible_to(staff)) == {verified, applied}


@pytest.mark.django_db
def test_officers_see_every_row_of_every_model_but_their_notices_are_their_own(officer, make_user, make_enterprise):
    make_enterprise()
    other = make_user(Role.LIAISON)
    Notification.objects.create(user=other, key="k", text="别人的提醒")
    for model in scoped_models():
        if model is not Notification:
            assert model.objects.visible_to(officer).count() == model.objects.count(), model
    assert not Notification.objects.visible_to(officer).exists()
    assert Notification.objects.visible_to(other).count() == 1


@pytest.mark.django_db
def test_a_row_reached_twice_is_listed_once(make_user, make_enterprise):
    """An IP right owned by two enterprises the user belongs to is one row, as it was with .distinct()."""
    user = make_user(Role.ENTERPRISE)
    first, second = make_enterprise(), make_enterprise()
    first.members.add(user)
    second.members.add(user)
    ip = IntellectualProperty.objects.create(number="ZL2020100000001", kind_id="invention_patent", title="共有专利")
    ip.owners.add(first, second)
    assert list(IntellectualProperty.objects.visible_to(user)) == [ip]
    assert Enterprise.objects.visible_to(user).count() == 2
    Award.objects.create(enterprise=first, name="奖", level="provincial", year=2024)
    assert Award.objects.visible_to(user).count() == 1


@pytest.mark.django_db
def test_a_liaison_sees_its_departments_tasks_plans_and_reports(make_user):
    plan = Plan.objects.get()
    lead, helper, elsewhere = (Department.objects.create(code=c, name=f"部门{c}") for c in ("L", "H", "E"))
    task = Task.objects.filter(plan=plan).order_by("pk").first()
    task.lead_department = lead
    task.save()
    task.co_departments.add(helper, elsewhere)
    liaison = make_user(Role.LIAISON, department=lead)
    ProgressReport.objects.create(
        task=task, period="2022-Q1", period_end=dt.date(2022, 3, 31), text="进展", percent=10,
        submitted_by=liaison, submitted_at=dt.datetime(2022, 4, 1, tzinfo=dt.timezone.utc),
    )
    for user in (liaison, make_user(Role.LIAISON, department=helper)):
        assert list(Task.objects.visible_to(user)) == [task]
        assert list(Plan.objects.visible_to(user)) == [plan]
        assert ProgressReport.objects.visible_to(user).count() == 1
    # An enterprise user in a department is no liaison: departments scope liaisons only.
    assert not Task.objects.visible_to(make_user(Role.ENTERPRISE, department=lead)).exists()


@pytest.mark.django_db
def test_institutions_see_published_achievements_and_their_own_drafts(make_user, make_enterprise):
    own, rival = Institution.objects.create(name="甲大学", kind="university"), Institution.objects.create(name="乙所", kind="institute")
    user = make_user(Role.INSTITUTION)
    own.users.add(user, make_user(Role.INSTITUTION))
    common = {"summary": "摘要", "maturity": 5}
    draft = Achievement.objects.create(owner=own, title="自己的草稿", status="draft", **common)
    published = Achievement.objects.create(owner=rival, title="已发布", status="published", **common)
    Achievement.objects.create(owner=rival, title="别人的草稿", status="draft", **common)
    assert set(Achievement.objects.visible_to(user)) == {draft, published}
    assert list(Achievement.objects.visible_to(make_user(Role.PROVIDER))) == [published]
    assert Achievement.row_scope.reaches(make_user(Role.SECADMIN))
    assert not Achievement.row_scope.reaches(AnonymousUser())
