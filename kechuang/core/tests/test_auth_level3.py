"""Authentication to 等保 2.0 level 3 (issue 9, point 4): password rules and expiry, a change page for
every role, TOTP for officers and administrators, an absolute session limit, expiring and revocable API
tokens, lockouts and unlocks chained."""
import datetime as dt
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from kechuang.core.choices import AuditAction, Role
from kechuang.core.demo import DEMO_PASSWORD
from kechuang.core.middleware import LOGIN_AT_SESSION_KEY
from kechuang.core.models import AuditEntry

PASSWORD = "Kc-test-pass-2022"
NEW_PASSWORD = "Bohai-Eco-City#2027"
PAGE = "/registry/enterprises/"


@pytest.mark.django_db
@pytest.mark.parametrize("password, reason", [
    ("bbbbbbbbbbbb", "password_repeated_characters"),
    ("kechuang2026", "password_too_few_classes"),
    ("kechuang2026", "password_common_word"),
    ("Short-1a", "password_too_short"),
    ("Officer77-secret!", "password_contains_username"),
])
def test_weak_passwords_are_refused(make_user, password, reason):
    user = make_user(Role.OFFICER, username="officer77")
    with pytest.raises(ValidationError) as failure:
        validate_password(password, user)
    assert reason in {error.code for error in failure.value.error_list}


@pytest.mark.django_db
def test_the_demo_password_passes(make_user):
    validate_password(DEMO_PASSWORD, make_user(Role.OFFICER))


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_role_changes_its_password_and_the_change_is_chained(client, make_user, role):
    user = make_user(role)
    client.force_login(user)
    assert client.get(reverse("core:password-change")).status_code == 200
    response = client.post(reverse("core:password-change"),
                           {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action=AuditAction.PASSWORD_CHANGE, object_id=str(user.pk))
    assert entry.actor == user.username and entry.changes == {}  # the fact, never the hash


@pytest.mark.django_db
def test_an_expired_password_sends_the_user_to_the_change_page(client, make_user, settings):
    assert settings.KECHUANG_PASSWORD_MAX_AGE_DAYS == 90
    user = make_user(Role.ENTERPRISE)
    user.password_changed_at = timezone.now() - dt.timedelta(days=91)
    user.save()
    client.force_login(user)
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:password-change"))
    assert client.get("/api/registry/enterprises/").status_code == 403
    client.post(reverse("core:password-change"),
                {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.get(reverse("dashboards:home")).status_code == 200
    settings.KECHUANG_PASSWORD_MAX_AGE_DAYS = 0  # configurable: 0 never expires
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=900))
    assert client.get(reverse("dashboards:home")).status_code == 200


@pytest.mark.django_db
def test_sessions_end_at_the_absolute_limit_however_active(client, make_user, settings):
    client.force_login(make_user(Role.OFFICER))
    assert client.get(PAGE).status_code == 200
    session = client.session
    session[LOGIN_AT_SESSION_KEY] = time.time() - settings.KECHUANG_SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.OFFICER, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
def test_officers_and_administrators_set_up_and_use_a_second_factor(client, make_user, settings, role):
    settings.KECHUANG_REQUIRE_OTP = True
    user = make_user(role)
    client.post(reverse("core:login"), {"username": user.username, "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:otp-setup"))
    setup = client.get(reverse("core:otp-setup"))
    assert setup.status_code == 200 and "<svg" in setup.content.decode() and "http" not in setup.content.decode().split("<svg")[1].split("</svg>")[0].replace("http://www.w3.org", "")
    device = TOTPDevice.objects.get(user=user)
    assert client.post(reverse("core:otp-setup"), {"otp_token": f"{totp(device.bin_key):06d}", "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.OTP_DEVICE, actor=user.username).exists()
    other = client.__class__()
    other.post(reverse("core:login"), {"username": user.username, "password": PASSWORD})
    response = other.get("/admin/")
    assert response["Location"].startswith(reverse("core:otp-verify"))
    wrong = f"{(totp(device.bin_key) + 1) % 1000000:06d}"
    assert other.post(reverse("core:otp-verify"), {"otp_token": wrong}).status_code == 200
    assert other.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_the_second_factor_is_not_asked_of_enterprise_users_nor_when_switched_off(client, make_user, settings):
    settings.KECHUANG_REQUIRE_OTP = True
    client.force_login(make_user(Role.ENTERPRISE))
    assert client.get(reverse("dashboards:home")).status_code == 200
    settings.KECHUANG_REQUIRE_OTP = False
    client.force_login(make_user(Role.OFFICER))
    assert client.get(PAGE).status_code == 200


@pytest.mark.django_db
def test_an_officer_token_needs_the_one_time_code(client, make_user, settings):
    settings.KECHUANG_REQUIRE_OTP = True
    officer = make_user(Role.OFFICER)
    device = TOTPDevice.objects.create(user=officer, confirmed=True)
    form = {"username": officer.username, "password": PASSWORD}
    assert client.post("/api/token/", form).status_code in (401, 403)
    issued = client.post("/api/token/", {**form, "otp_token": f"{totp(device.bin_key):06d}"})
    assert issued.status_code == 200 and issued.json()["token"]


def _token(client, user) -> str:
    response = client.post("/api/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["token"]


def _api(client, key):
    return client.get("/api/registry/enterprises/", HTTP_AUTHORIZATION=f"Token {key}").status_code


@pytest.mark.django_db
def test_tokens_expire_and_rotate(client, make_user, settings):
    officer = make_user(Role.OFFICER)
    first = _token(client, officer)
    assert _api(client, first) == 200
    second = _token(client, officer)
    assert second != first and _api(client, first) == 401 and _api(client, second) == 200
    Token.objects.filter(key=second).update(created=timezone.now() - dt.timedelta(seconds=settings.KECHUANG_API_TOKEN_TTL_SECONDS + 1))
    assert _api(client, second) == 401 and not Token.objects.filter(key=second).exists()
    assert AuditEntry.objects.filter(action=AuditAction.TOKEN_ISSUED, actor=officer.username).count() == 2


@pytest.mark.django_db
def test_tokens_are_revoked_on_logout_on_password_change_and_on_request(client, make_user):
    officer = make_user(Role.OFFICER)
    key = _token(client, officer)
    client.post(reverse("core:login"), {"username": officer.username, "password": PASSWORD})
    client.post(reverse("core:logout"))
    assert _api(client, key) == 401
    key = _token(client, officer)
    officer.set_password(NEW_PASSWORD)
    officer.save()
    assert _api(client, key) == 401
    key = client.post("/api/token/", {"username": officer.username, "password": NEW_PASSWORD}).json()["token"]
    assert client.delete("/api/token/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 204
    assert _api(client, key) == 401


@pytest.mark.django_db
def test_lockouts_and_unlocks_are_chained(client, make_user, settings):
    user = make_user(Role.OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("core:login"), {"username": user.username, "password": "wrong-1"}, REMOTE_ADDR="10.0.0.4")
    lockout = AuditEntry.objects.get(action=AuditAction.LOCKOUT)
    assert lockout.object_repr == user.username and lockout.address == "10.0.0.4"
    secadmin = make_user(Role.SECADMIN)
    client.force_login(secadmin)
    attempt = AccessAttempt.objects.get(username=user.username)
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    unlock = AuditEntry.objects.get(action=AuditAction.UNLOCK)
    assert unlock.object_repr == user.username and unlock.actor == secadmin.username
