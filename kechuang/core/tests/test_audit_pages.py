
import pytest
from django.core.management import call_command
from django.urls import reverse

from kechuang.core.audit import PendingEntry, append
from kechuang.core.choices import AuditAction, Role
from kechuang.core.exports import table_rows
from kechuang.core.models import AuditEntry, Region
from kechuang.core.tests.tampering import tampering

PASSWORD = "Kc-test-pass-2022"


@pytest.fixture
def auditor(make_user):
    return make_user(Role.AUDITOR)


@pytest.mark.django_db
def test_failed_login_login_and_logout_are_recorded_with_address(client, make_user):
    user = make_user(Role.OFFICER)
    client.post(reverse("core:login"), {"username": user.username, "password": "not-the-password"}, REMOTE_ADDR="10.1.2.3")
    client.post(reverse("core:login"), {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.1.2.4")
    client.post(reverse("core:logout"), REMOTE_ADDR="10.1.2.5")
    entries = list(AuditEntry.objects.filter(actor=user.username).order_by("sequence").values_list("action", "address"))
    assert entries == [(AuditAction.LOGIN_FAILED, "10.1.2.3"), (AuditAction.LOGIN, "10.1.2.4"), (AuditAction.LOGOUT, "10.1.2.5")]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.OFFICER, Role.LEADER, Role.SYSADMIN, Role.SECADMIN])
def test_only_the_auditor_reads_the_audit_page(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("core:audit-log")).status_code == 403
    assert client.get(reverse("core:audit-log"), {"export": "xlsx"}).status_code == 403


@pytest.mark.django_db
def test_audit_page_filters_and_exports(client, auditor):
    append([PendingEntry(AuditAction.UPDATE, "registry.enterprise", "7", "云帆软件", {"name": ["云帆", "云帆软件"]})])
    append([PendingEntry(AuditAction.DELETE, "registry.certificate", "9", "国家高新技术企业 GR1")])
    client.force_login(auditor)
    html = client.get(reverse("core:audit-log"), {"action": "update"}).content.decode()
    assert "云帆软件" in html and "GR1" not in html
    html = client.get(reverse("core:audit-log"), {"object": "registry.certificate"}).content.decode()
    assert "GR1" in html and "云帆软件" not in html
    response = client.get(reverse("core:audit-log"), {"object": "云帆", "export": "xlsx"})
    rows = table_rows(response.content)
    assert rows[0][:3] == ("#", "时间", "操作人")
    assert len(rows) == 2 and rows[1][8] == "云帆软件" and rows[1][9] == "名称：云帆 → 云帆软件"


@pytest.mark.django_db
def test_the_audit_log_reads_in_words(client, auditor, officer, make_enterprise):
    """Object types, fields, yes/no, choices, related records and people as the screens name them."""
    from kechuang.core.audit import acting_as

    officer.first_name, officer.last_name = "立新", "王"
    officer.save()
    firm = make_enterprise("云帆软件有限公司")
    with acting_as(officer.username):
        firm.contact_phone, firm.serious_dishonesty, firm.region_id = "022-66881234", True, "120116001"
        firm.save()
    client.force_login(auditor)
    response = client.get(reverse("core:audit-log"), {"object": "企业", "action": "update"})
    row = next(entry for entry in response.context["object_list"] if entry.object_id == str(firm.pk))
    assert row.who_text == "王立新" and row.type_text == "企业"
    assert "联系电话：— → 022-66881234" in row.changes_text
    assert "是" in row.changes_text and "True" not in row.changes_text
    # A many-to-many change lists the related records by name.
    from kechuang.core.audit_words import describe
    from kechuang.core.models import Department

    departments = [Department.objects.create(code="m2m1", name="甲局"), Department.objects.create(code="m2m2", name="乙局")]
    entry = AuditEntry(object_type="plan.task", changes={"co_departments": [[], [d.pk for d in departments]]}, actor="")
    describe([entry])
    assert entry.changes_text.endswith("甲局、乙局") and entry.who_text == "系统"
    region = Region.objects.get(code="120116001")
    assert f"→ {region}" in row.changes_text, row.changes_text


@pytest.mark.django_db
def test_audit_entries_cannot_be_changed_in_the_admin_even_by_a_superuser(client, django_user_model, auditor):
    append([PendingEntry(AuditAction.UPDATE, "registry.enterprise", "7", "云帆软件")])
    entry = AuditEntry.objects.get(object_id="7")
    root = django_user_model.objects.create_superuser("root", "root@example.cn", "Root-pass-2026!")
    client.force_login(root)
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:core_auditentry_change", args=[entry.pk]), {"actor": "mallory"}).status_code == 403
    client.force_login(auditor)
    assert client.get(reverse("admin:core_auditentry_changelist")).status_code == 200
    page = client.get(reverse("admin:core_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200 and 'name="actor"' not in page.content.decode()
    assert client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.actor == "system"


@pytest.mark.django_db
def test_audit_verify_command(capsys):
    append([PendingEntry(AuditAction.LOGIN, "core.user", "", f"user{i}") for i in range(3)])
    call_command("audit", "verify")
    assert "OK: 3 entries verified" in capsys.readouterr().out
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_repr = 'someone-else' WHERE sequence = 2")
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify")
    assert exit_.value.code == 1
    assert "entry #2 was altered" in capsys.readouterr().err
