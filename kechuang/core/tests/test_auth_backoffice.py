"""三员分立: the system administrator, the security administrator and the auditor each do their own job
in the back office and none can do another's; officers keep registry data there."""
import pytest
from django.urls import reverse

from kechuang.core.choices import Role

PAGES = {
    "users": "admin:core_user_changelist",
    "departments": "admin:core_department_changelist",
    "lockouts": "admin:axes_accessattempt_changelist",
    "access_log": "admin:axes_accesslog_changelist",
    "audit": "admin:core_auditentry_changelist",
    "enterprises": "admin:registry_enterprise_changelist",
    "regions": "admin:core_region_changelist",
}
MAY_OPEN = {
    Role.SYSADMIN: {"users", "departments", "regions"},
    Role.SECADMIN: {"lockouts", "access_log"},
    Role.AUDITOR: {"audit"},
    Role.OFFICER: {"enterprises", "regions"},
    Role.LEADER: {"enterprises", "regions"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(MAY_OPEN))
def test_each_admin_role_opens_only_its_own_pages(client, make_user, role):
    client.force_login(make_user(role))
    opened = {name for name, url in PAGES.items() if client.get(reverse(url)).status_code == 200}
    assert opened == MAY_OPEN[role]


@pytest.mark.django_db
def test_staff_flag_follows_the_role(make_user):
    assert make_user(Role.SECADMIN).is_staff and make_user(Role.OFFICER).is_staff
    firm_user = make_user(Role.ENTERPRISE, is_staff=True)
    assert not firm_user.is_staff
    firm_user.role = Role.AUDITOR
    firm_user.save()
    firm_user.refresh_from_db()
    assert firm_user.is_staff


@pytest.mark.django_db
def test_enterprise_users_do_not_reach_the_admin(client, make_user):
    client.force_login(make_user(Role.ENTERPRISE))
    response = client.get(reverse("admin:registry_enterprise_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_sysadmin_creates_users_and_weak_passwords_are_refused(client, make_user, django_user_model):
    client.force_login(make_user(Role.SYSADMIN))
    weak = {"username": "liaison-wang", "role": Role.LIAISON, "password1": "12345678", "password2": "12345678", "usable_password": "true"}
    response = client.post(reverse("admin:core_user_add"), weak)
    assert response.status_code == 200 and not django_user_model.objects.filter(username="liaison-wang").exists()
    strong = {**weak, "password1": "Bohai-Liaison-2026", "password2": "Bohai-Liaison-2026"}
    assert client.post(reverse("admin:core_user_add"), strong).status_code == 302
    created = django_user_model.objects.get(username="liaison-wang")
    assert created.role == Role.LIAISON and not created.is_staff


@pytest.mark.django_db
def test_security_administrator_sees_the_settings_and_lifts_lockouts(client, make_user, settings):
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(username="officer9", ip_address="10.0.0.9", user_agent="x", failures_since_start=5)
    client.force_login(make_user(Role.SECADMIN))
    html = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "当前生效的安全设置" in html and f"<td class=\"py-1\">{settings.AXES_FAILURE_LIMIT}</td>" in html
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
