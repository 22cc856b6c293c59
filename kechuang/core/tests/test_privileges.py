"""三员分立 that holds (issue 9, point 1): no administrator can create, grant, reset or disable an
administrator account alone, in the admin, a service or a command; the two-person path is chained."""
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.authtoken.models import Token

from kechuang.__main__ import main
from kechuang.core.tests.tampering import keep_test_connection
from kechuang.core.audit import acting_as, verify_chain
from kechuang.core.choices import AuditAction, Role
from kechuang.core.models import AuditEntry, PrivilegedChange, PrivilegedChangeKind, PrivilegedChangeState
from kechuang.core.privileges import PrivilegeRefused, approve_change, reject_change, request_change

NEW_PASSWORD = "Bohai-Audit#2026x"


@pytest.fixture
def admins(make_user):
    return make_user(Role.SYSADMIN), make_user(Role.SECADMIN), make_user(Role.AUDITOR)


def _chained(action, **filters):
    return AuditEntry.objects.filter(action=action, **filters)


def test_sysadmin_cannot_reset_the_auditors_password_in_the_admin(client, admins):
    sysadmin, _, auditor = admins
    client.force_login(sysadmin)
    url = reverse("admin:auth_user_password_change", args=[auditor.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 403
    auditor.refresh_from_db()
    assert auditor.check_password("Kc-test-pass-2022") and not auditor.check_password(NEW_PASSWORD)


def test_sysadmin_cannot_create_a_second_auditor_nor_grant_the_role_in_the_admin(client, admins, make_user):
    sysadmin, _, _ = admins
    client.force_login(sysadmin)
    form = {"username": "auditor-2", "role": Role.AUDITOR, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
            "usable_password": "true"}
    assert client.post(reverse("admin:core_user_add"), form).status_code == 200
    assert not get_user_model().objects.filter(username="auditor-2").exists()
    clerk = make_user(Role.LIAISON)
    page = client.post(reverse("admin:core_user_change", args=[clerk.pk]),
                       {"username": clerk.username, "role": Role.AUDITOR, "is_active": "on"})
    assert page.status_code == 200
    clerk.refresh_from_db()
    assert clerk.role == Role.LIAISON
    auditor = admins[2]
    assert client.post(reverse("admin:core_user_change", args=[auditor.pk]),
                       {"username": auditor.username, "role": Role.ENTERPRISE}).status_code == 403


def test_no_service_or_api_path_changes_an_administrator_account_alone(admins, make_user):
    sysadmin, secadmin, auditor = admins
    for actor in (sysadmin, secadmin):
        with acting_as(actor.username, "", actor), pytest.raises(PrivilegeRefused):
            auditor.set_password(NEW_PASSWORD)
            auditor.save()
        with acting_as(actor.username, "", actor), pytest.raises(PrivilegeRefused):
            get_user_model().objects.create_user("auditor-2", password=NEW_PASSWORD, role=Role.AUDITOR)
        clerk = make_user(Role.ENTERPRISE)
        clerk.role = Role.SECADMIN
        with acting_as(actor.username, "", actor), pytest.raises(PrivilegeRefused):
            clerk.save()
    with pytest.raises(PrivilegeRefused):
        request_change(sysadmin, PrivilegedChangeKind.RESET_PASSWORD, target=auditor, password=NEW_PASSWORD)
    auditor.refresh_from_db()
    assert auditor.check_password("Kc-test-pass-2022") and auditor.role == Role.AUDITOR


def test_a_command_run_as_an_administrator_is_refused_too(admins, monkeypatch):
    sysadmin, _, _ = admins
    keep_test_connection(monkeypatch)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", NEW_PASSWORD)
    with pytest.raises(PrivilegeRefused):
        main(["--as", sysadmin.username, "createsuperuser", "--noinput", "--username", "root2", "--email", "r@x.cn"])
    assert not get_user_model().objects.filter(username="root2").exists()


def test_an_administrator_changes_their_own_password(client, admins):
    auditor = admins[2]
    client.force_login(auditor)
    response = client.post(reverse("core:password-change"), {
        "old_password": "Kc-test-pass-2022", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    auditor.refresh_from_db()
    assert auditor.check_password(NEW_PASSWORD)
    assert _chained(AuditAction.PASSWORD_CHANGE, actor=auditor.username, object_id=str(auditor.pk)).exists()


def test_a_reset_is_the_security_administrators_request_and_a_second_administrators_approval(client, admins):
    sysadmin, secadmin, auditor = admins
    Token.objects.create(user=auditor)
    change = request_change(secadmin, PrivilegedChangeKind.RESET_PASSWORD, target=auditor, password=NEW_PASSWORD)
    auditor.refresh_from_db()
    assert auditor.check_password("Kc-test-pass-2022")  # nothing applied before the approval
    with pytest.raises(PrivilegeRefused):
        approve_change(change, secadmin)  # the requester
    with pytest.raises(PrivilegeRefused):
        approve_change(change, auditor)  # the account concerned
    with acting_as(sysadmin.username, "10.0.0.2", sysadmin):
        approve_change(change, sysadmin)
    auditor.refresh_from_db()
    assert auditor.check_password(NEW_PASSWORD) and not Token.objects.filter(user=auditor).exists()
    assert _chained(AuditAction.PRIVILEGE_REQUEST, object_id=str(change.pk)).exists()
    assert _chained(AuditAction.PRIVILEGE_APPROVE, actor=sysadmin.username, object_id=str(change.pk)).exists()
    assert _chained(AuditAction.PASSWORD_CHANGE, actor=sysadmin.username, object_id=str(auditor.pk)).exists()
    assert "pbkdf2" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))
    # The reset password is a one-time one: its owner is sent to change it.
    login = client.post(reverse("core:login"), {"username": auditor.username, "password": NEW_PASSWORD})
    assert login.status_code == 302
    response = client.get(reverse("core:audit-log"))
    assert response.status_code == 302 and reverse("core:password-change") in response["Location"]
    assert verify_chain().ok


def test_creating_an_administrator_goes_through_the_admin_request_and_approval(client, admins):
    sysadmin, secadmin, _ = admins
    client.force_login(sysadmin)
    assert client.get(reverse("admin:core_privilegedchange_add")).status_code == 403
    client.force_login(secadmin)
    form = {"kind": PrivilegedChangeKind.CREATE_ACCOUNT, "username": "auditor-2", "role": Role.AUDITOR,
            "new_password": NEW_PASSWORD}
    assert client.post(reverse("admin:core_privilegedchange_add"), form).status_code == 302
    change = PrivilegedChange.objects.get(username="auditor-2")
    client.post(reverse("admin:core_privilegedchange_changelist"),
                {"action": "approve", "_selected_action": [change.pk]})
    assert not get_user_model().objects.filter(username="auditor-2").exists()  # not by the requester
    client.force_login(sysadmin)
    client.post(reverse("admin:core_privilegedchange_changelist"),
                {"action": "approve", "_selected_action": [change.pk]})
    created = get_user_model().objects.get(username="auditor-2")
    assert created.role == Role.AUDITOR and created.is_staff
    assert _chained(AuditAction.CREATE, object_type="core.user", object_id=str(created.pk), actor=sysadmin.username).exists()
    assert _chained(AuditAction.PRIVILEGE_REQUEST, actor=secadmin.username, object_id=str(change.pk)).exists()


def test_a_weak_password_or_a_taken_name_is_refused_at_the_request(admins):
    _, secadmin, auditor = admins
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        request_change(secadmin, PrivilegedChangeKind.RESET_PASSWORD, target=auditor, password="bbbbbbbbbbbb")
    with pytest.raises(ValidationError):
        request_change(secadmin, PrivilegedChangeKind.CREATE_ACCOUNT, username=auditor.username, role=Role.AUDITOR,
                       password=NEW_PASSWORD)
    change = request_change(secadmin, PrivilegedChangeKind.SET_ACTIVE, target=auditor, is_active=False)
    reject_change(change, secadmin)
    change.refresh_from_db()
    auditor.refresh_from_db()
    assert change.state == PrivilegedChangeState.REJECTED and auditor.is_active


def test_ordinary_accounts_stay_the_system_administrators_and_are_chained(client, admins, make_user):
    sysadmin = admins[0]
    clerk = make_user(Role.LIAISON)
    client.force_login(sysadmin)
    url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    assert client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}).status_code == 302
    assert _chained(AuditAction.PASSWORD_CHANGE, actor=sysadmin.username, object_id=str(clerk.pk)).exists()
