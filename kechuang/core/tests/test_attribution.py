"""Every write is chained under the user who made it (issue 9, point 2): pages, the admin, the API with a
session or a token, and commands (`--as USER`, else the OS account)."""
import getpass

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from kechuang.__main__ import main
from kechuang.core.tests.tampering import keep_test_connection
from kechuang.core.choices import Role
from kechuang.core.models import AuditEntry, Department
from kechuang.registry.tests.test_import_registry import ENTERPRISE_HEADERS, csv, enterprise_line

CONTACTS = {"contact_person": "李经理", "contact_phone": "022-66000000", "contact_email": "li@example.cn"}


@pytest.fixture
def member(make_user, make_enterprise):
    firm = make_enterprise()
    user = make_user(Role.ENTERPRISE)
    firm.members.add(user)
    return firm, user


def _last(object_type: str) -> AuditEntry:
    return AuditEntry.objects.filter(object_type=object_type).order_by("-sequence").first()


def test_a_page_write_is_chained_under_its_user(client, member):
    firm, user = member
    client.force_login(user)
    response = client.post(reverse("registry:enterprise-contacts", args=[firm.uscc]), CONTACTS, REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 302
    entry = _last("registry.enterprise")
    assert (entry.actor, entry.address, entry.changes["contact_person"][1]) == (user.username, "10.0.0.8", "李经理")


def test_an_admin_write_is_chained_under_its_user(client, make_user):
    sysadmin = make_user(Role.SYSADMIN)
    department = Department.objects.create(code="finance", name="财政局")
    client.force_login(sysadmin)
    response = client.post(reverse("admin:core_department_change", args=[department.pk]),
                           {"code": "finance", "name": "区财政局"})
    assert response.status_code == 302
    entry = _last("core.department")
    assert (entry.action, entry.actor, entry.changes["name"]) == ("update", sysadmin.username, ["财政局", "区财政局"])


@pytest.mark.parametrize("credentials", ["session", "token"])
def test_an_api_write_is_chained_under_its_user(client, member, credentials):
    firm, user = member
    extra = {}
    if credentials == "token":
        extra["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=user).key}"
    else:
        client.force_login(user)
    response = client.patch(f"/api/registry/enterprises/{firm.uscc}/", CONTACTS, content_type="application/json", **extra)
    assert response.status_code == 200
    entry = _last("registry.enterprise")
    assert entry.actor == user.username and entry.changes["contact_person"][1] == "李经理"


def test_a_command_is_chained_under_the_os_account_or_as_the_named_user(db, officer, tmp_path, monkeypatch):
    keep_test_connection(monkeypatch)
    path = tmp_path / "企业.csv"
    path.write_bytes(csv(ENTERPRISE_HEADERS, enterprise_line()))
    main(["import", "enterprises", str(path)])
    entry = _last("registry.enterprise")
    os_user = getpass.getuser()
    assert (entry.actor, entry.address) == (f"os:{os_user}", f"cli:{os_user}")
    path.write_bytes(csv(ENTERPRISE_HEADERS, enterprise_line(name="生态城智能科技股份有限公司")))
    main(["--as", officer.username, "import", "enterprises", str(path)])
    entry = _last("registry.enterprise")
    assert (entry.actor, entry.address, entry.action) == (officer.username, f"cli:{os_user}", "update")
    with pytest.raises(SystemExit, match="no active account"):
        main(["--as", "nobody", "import", "enterprises", str(path)])
