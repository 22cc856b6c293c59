"""The workflow block on a real model and table: only declared transitions, from their sources, by
those allowed, with a comment where one is required; one conditional UPDATE that a stale copy cannot
repeat; every move audited; a batch all or nothing; buttons drawn from the declaration."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import RequestFactory

from kechuang.core import workflow
from kechuang.core.audit import verify_chain
from kechuang.core.choices import AuditAction, Role
from kechuang.core.models import AuditEntry, User
from kechuang.core.workflow import BY, COMMENT, Transition, Workflow

pytestmark = pytest.mark.django_db


def _superuser(user, obj) -> bool:
    return user.is_superuser


# A user's role as a state: appointing an enterprise user as an officer needs a superuser and a
# reason (kept in last_name, as a stand-in column); dismissal may be taken by the platform too.
ROLES = Workflow("core.User", "role", [
    Transition("appoint", "Appoint", {Role.ENTERPRISE, Role.INSTITUTION}, Role.OFFICER, _superuser, needs_comment=True,
               comment_message="Say why.", stamps={"last_name": COMMENT}, primary=True),
    Transition("dismiss", "Dismiss", {Role.OFFICER}, Role.ENTERPRISE, _superuser, system=True),
    Transition("audit", "Make auditor", {Role.OFFICER}, Role.AUDITOR, _superuser, button=False),
])


@pytest.fixture
def admin(make_user):
    return make_user(Role.SYSADMIN, is_superuser=True)


def _audited(user) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type="core.user", object_id=str(user.pk), action=AuditAction.UPDATE))


def test_a_declared_move_is_one_conditional_update_and_audited(make_user, admin):
    person = make_user(Role.ENTERPRISE)
    workflow.move(ROLES, person, "appoint", admin, comment=" 借调到科技局 ")
    stored = User.objects.get(pk=person.pk)
    assert (stored.role, stored.last_name) == (Role.OFFICER, "借调到科技局") and person.role == Role.OFFICER
    [entry] = _audited(person)
    assert entry.changes["role"] == [Role.ENTERPRISE, Role.OFFICER]
    assert verify_chain().ok


def test_a_stale_copy_cannot_take_the_move_again(make_user, admin):
    person = make_user(Role.ENTERPRISE)
    stale = User.objects.get(pk=person.pk)
    workflow.move(ROLES, person, "appoint", admin, comment="一")
    with pytest.raises(ValidationError):  # the stale copy still says "enterprise"; the row says officer
        workflow.move(ROLES, stale, "appoint", admin, comment="二")
    stored = User.objects.get(pk=person.pk)
    assert (stored.role, stored.last_name) == (Role.OFFICER, "一") and len(_audited(person)) == 1


@pytest.mark.parametrize(
    "name, by, comment, error",
    [
        ("promote", "admin", "x", ValidationError),  # not declared
        ("dismiss", "admin", "", ValidationError),  # not from this state
        ("appoint", "admin", "  ", ValidationError),  # comment required
        ("appoint", "clerk", "x", PermissionDenied),  # not allowed for this user
        ("appoint", None, "x", PermissionDenied),  # the platform may not take it
    ],
)
def test_refusals_change_nothing(make_user, admin, name, by, comment, error):
    person = make_user(Role.ENTERPRISE)
    user = {"admin": admin, "clerk": make_user(Role.OFFICER), None: None}[by]
    with pytest.raises(error):
        workflow.move(ROLES, person, name, user, comment=comment)
    assert User.objects.get(pk=person.pk).role == Role.ENTERPRISE and not _audited(person)


def test_an_inactive_user_may_take_nothing(make_user, admin):
    person = make_user(Role.ENTERPRISE)
    admin.is_active = False
    assert ROLES.available(admin, person) == []
    with pytest.raises(PermissionDenied):
        workflow.move(ROLES, person, "appoint", admin, comment="x")


def test_system_moves_only_where_declared(make_user, admin):
    officer = make_user(Role.OFFICER)
    workflow.move(ROLES, officer, "dismiss", None)
    assert User.objects.get(pk=officer.pk).role == Role.ENTERPRISE


def test_move_all_is_all_or_nothing_and_names_every_refusal(make_user, admin):
    ready = [make_user(Role.ENTERPRISE), make_user(Role.INSTITUTION)]
    odd = make_user(Role.LEADER)
    with pytest.raises(ValidationError) as error:
        workflow.move_all(ROLES, [*ready, odd], "appoint", admin, comment="批量")
    assert len(error.value.messages) == 1 and str(odd) in error.value.messages[0]
    assert set(User.objects.filter(pk__in=[u.pk for u in ready]).values_list("role", flat=True)) == {
        Role.ENTERPRISE, Role.INSTITUTION
    }

    def not_named_zhang(user):
        return ["no"] if user.username.startswith("zhang") else []

    moved = workflow.move_all(ROLES, ready, "appoint", admin, comment="批量", also_refuse=not_named_zhang)
    assert [u.role for u in moved] == [Role.OFFICER, Role.OFFICER]
    assert User.objects.filter(pk__in=[u.pk for u in ready], role=Role.OFFICER, last_name="批量").count() == 2
    assert all(len(_audited(u)) == 1 for u in ready) and verify_chain().ok


def test_move_all_refuses_the_whole_batch_when_one_row_moved_meanwhile(make_user, admin):
    rows = [make_user(Role.ENTERPRISE) for _ in range(3)]
    User.objects.filter(pk=rows[1].pk).update(role=Role.OFFICER)  # another officer got there first
    with pytest.raises(ValidationError):
        workflow.move_all(ROLES, rows, "appoint", admin, comment="批量")
    assert User.objects.filter(pk__in=[rows[0].pk, rows[2].pk], role=Role.ENTERPRISE).count() == 2
    assert not any(_audited(u) for u in rows)


def test_buttons_leave_out_consequence_only_transitions(make_user, admin):
    officer = make_user(Role.OFFICER)
    assert {t.name for t in ROLES.available(admin, officer)} == {"dismiss", "audit"}
    assert ROLES.names(admin, officer) == {"dismiss"}


def test_the_button_tag_draws_one_form_per_available_transition(make_user, admin):
    person = make_user(Role.ENTERPRISE)
    request = RequestFactory().get("/")
    html = Template("{% load workflow %}{% transition_buttons steps '/act/' %}{% if steps|offers:'appoint' %}OFFERED{% endif %}").render(
        Context({"steps": ROLES.buttons(admin, person), "request": request})
    )
    assert html.count("<form") == 1 and 'value="appoint"' in html and 'name="comment"' in html and "OFFERED" in html
    assert 'class="primary"' in html
    html = Template("{% load workflow %}{% transition_buttons steps '/act/' %}").render(
        Context({"steps": ROLES.buttons(make_user(Role.OFFICER), person)})
    )
    assert "<form" not in html
