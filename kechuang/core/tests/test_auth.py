"""Login lockout, password rules and idle session expiry, through the real login page."""
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse

from kechuang.core.choices import Role

PASSWORD = "Kc-test-pass-2022"  # what conftest.make_user sets


def _login(client, username, password):
    return client.post(reverse("core:login"), {"username": username, "password": password})


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_five_failures_lock_the_account_even_with_the_right_password(client, make_user, settings):
    user = make_user(Role.OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, user.username, "wrong-password-1").status_code == 200
    locked = _login(client, user.username, "wrong-password-1")
    assert locked.status_code == 429 and "账号已锁定" in locked.content.decode()
    assert _login(client, user.username, PASSWORD).status_code == 429
    assert not _logged_in(client)
    # Lifting the lockout (the security administrator deletes the attempt record) lets the user in again.
    AccessAttempt.objects.filter(username=user.username).delete()
    assert _login(client, user.username, PASSWORD).status_code == 302 and _logged_in(client)


@pytest.mark.django_db
def test_one_locked_account_does_not_lock_out_others(client, make_user, settings):
    victim, other = make_user(Role.OFFICER), make_user(Role.OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("core:login"), {"username": victim.username, "password": "wrong-1"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(reverse("core:login"), {"username": other.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302
    refused = client.post(reverse("core:login"), {"username": victim.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.3")
    assert refused.status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, reason",
    [("Kc-2022a", "password_too_short"), ("83920175640", "password_entirely_numeric"), ("password1234", "password_too_common"), ("zhangwei-2024", "password_too_similar")],
)
def test_password_rules(make_user, password, reason):
    user = make_user(Role.OFFICER, username="zhangwei-2024")
    with pytest.raises(ValidationError) as failure:
        validate_password(password, user)
    assert reason in {error.code for error in failure.value.error_list}


@pytest.mark.django_db
def test_a_strong_password_passes(make_user):
    validate_password("Bohai-Eco-City-2026!", make_user(Role.OFFICER))


@pytest.mark.django_db
def test_sessions_expire_after_inactivity(client, make_user, settings):
    settings.SESSION_COOKIE_AGE = 1
    client.force_login(make_user(Role.AUDITOR))
    page = reverse("core:audit-log")
    assert client.get(page).status_code == 200
    time.sleep(1.2)
    response = client.get(page)
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


@pytest.mark.django_db
def test_each_request_pushes_the_expiry_forward(client, make_user, settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 60 * 60
    client.force_login(make_user(Role.AUDITOR))
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    time.sleep(0.05)
    client.get(reverse("core:audit-log"))
    assert Session.objects.get(session_key=key).expire_date > first
