"""An enterprise user reaches only its own enterprise: every registry page and API endpoint is walked
with another enterprise's records in the database, and none of them may leak."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, reverse
from openpyxl import load_workbook

from kechuang.core.choices import Role
from kechuang.registry import urls as page_urls
from kechuang.registry.api import urls as api_urls
from kechuang.registry.choices import CertificateKind, Level
from kechuang.registry.models import Award, Certificate, IntellectualProperty, YearlyData

OWN_NAME, OTHER_NAME = "青松自有智能科技有限公司", "玄鸟隐秘生物医药有限公司"


def _fill(firm, number):
    YearlyData.objects.create(enterprise=firm, year=2024, employees=50, tech_staff=20, revenue=Decimal("3000"), rd_expense=Decimal("200"))
    ip = IntellectualProperty.objects.create(number=number, kind_id="invention_patent", title=f"{firm.name}的专利", granted=dt.date(2022, 1, 1))
    ip.owners.add(firm)
    Certificate.objects.create(enterprise=firm, kind=CertificateKind.HNTE, number=f"GR{number[:8]}", issued=dt.date(2023, 1, 1), expires=dt.date(2026, 1, 1))
    Award.objects.create(enterprise=firm, name=f"{firm.name}科技进步奖", level=Level.PROVINCIAL, year=2023)


@pytest.fixture
def world(make_enterprise, make_user):
    own = make_enterprise(name=OWN_NAME)
    other = make_enterprise(name=OTHER_NAME)
    _fill(own, "202110123456.7")
    _fill(other, "202210654321.0")
    user = make_user(Role.ENTERPRISE)
    own.members.add(user)
    return own, other, user


def _kwargs_for(pattern: URLPattern, other, api: bool) -> dict:
    """Arguments that point a URL at the other enterprise's records; every converter must be known, so
    a new URL cannot slip past this walk untested."""
    kwargs = {}
    for name in pattern.pattern.regex.groupindex:
        if name == "uscc":
            kwargs[name] = other.uscc
        elif name == "year":
            kwargs[name] = 2024
        elif name == "kind":
            kwargs[name] = "yearly"
        elif name == "token":
            kwargs[name] = "an-upload-of-someone-else"
        elif name == "pk" and api:
            basename = pattern.name.rsplit("-", 1)[0]
            model = {"yearly": YearlyData, "certificate": Certificate, "ip": IntellectualProperty}[basename]
            owned = model.objects.filter(owners=other) if model is IntellectualProperty else model.objects.filter(enterprise=other)
            kwargs[name] = owned.get().pk
        else:
            raise AssertionError(f"walk does not know how to fill <{name}> in {pattern.name}")
    return kwargs


def _patterns(patterns):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns)
        else:
            yield entry


def _urls():
    for namespace, module, api in (("registry", page_urls, False), ("registry-api", api_urls, True)):
        for pattern in _patterns(module.urlpatterns):
            yield pattern, namespace, api


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(response.content))
        return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
    return response.content.decode()


def _walk(client, other):
    """GET every registry page and endpoint (lists also exported); yields (url, status, body)."""
    for pattern, namespace, api in _urls():
        url = reverse(f"{namespace}:{pattern.name}", kwargs=_kwargs_for(pattern, other, api))
        for suffix in ("", "?export=xlsx") if not pattern.pattern.regex.groupindex and not api else ("",):
            response = client.get(url + suffix)
            yield url + suffix, response.status_code, _text(response) if response.status_code == 200 else ""


@pytest.mark.django_db
def test_enterprise_user_never_sees_another_enterprise(client, world):
    own, other, user = world
    client.force_login(user)
    walked = list(_walk(client, other))
    assert len(walked) >= 15
    for url, status, body in walked:
        assert status in (200, 302, 403, 404), url
        assert OTHER_NAME not in body and other.uscc not in body, f"{url} leaks the other enterprise"
    details_of_other = [(url, status) for url, status, _ in walked if other.uscc in url or url.rstrip("/").split("/")[-1].isdigit()]
    assert details_of_other and all(status in (403, 404) for _, status in details_of_other), details_of_other
    # ...while its own records do come back, so the walk looks where the data is.
    assert OWN_NAME in client.get(reverse("registry:enterprises")).content.decode()
    assert own.uscc in client.get(reverse("registry-api:enterprise-list")).content.decode()


@pytest.mark.django_db
def test_the_same_walk_as_an_officer_finds_the_other_enterprise(client, world, officer):
    _own, other, _user = world
    client.force_login(officer)
    leaked = [url for url, status, body in _walk(client, other) if OTHER_NAME in body or other.uscc in body]
    assert any("/api/registry/enterprises/" in url for url in leaked)
    assert any(url.endswith("/registry/enterprises/") for url in leaked)
    assert any(url.endswith("/registry/enterprises/?export=xlsx") for url in leaked)


@pytest.mark.django_db
def test_enterprise_user_cannot_write_to_another_enterprise(client, world):
    own, other, user = world
    client.force_login(user)
    other_year = other.yearly.get()
    assert client.post(reverse("registry:enterprise-contacts", args=[other.uscc]), {"contact_person": "x"}).status_code == 404
    assert client.post(reverse("registry:yearly-add", args=[other.uscc]), {"year": 2023}).status_code == 404
    assert client.patch(f"/api/registry/yearly/{other_year.pk}/", {"employees": 1}, content_type="application/json").status_code == 404
    assert client.patch(f"/api/registry/enterprises/{other.uscc}/", {"contact_person": "x"}, content_type="application/json").status_code == 404
    other.refresh_from_db(), other_year.refresh_from_db()
    assert other.contact_person == "" and other_year.employees == 50


@pytest.mark.django_db
def test_enterprise_user_changes_only_contacts_through_the_api(client, world):
    own, _other, user = world
    client.force_login(user)
    response = client.patch(
        f"/api/registry/enterprises/{own.uscc}/", {"contact_person": "王经理", "name": "改名公司", "status": "cancelled"},
        content_type="application/json",
    )
    assert response.status_code == 200
    own.refresh_from_db()
    assert (own.contact_person, own.name, own.status) == ("王经理", OWN_NAME, "subsisting")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LIAISON, Role.INSTITUTION, Role.PROVIDER, Role.SYSADMIN, Role.SECADMIN])
def test_roles_outside_the_registry_see_no_registry_lists(client, world, make_user, role):
    _own, other, _user = world
    client.force_login(make_user(role))
    for url in ("registry:enterprises", "registry:ip", "registry:certificates", "registry:alerts"):
        assert client.get(reverse(url)).status_code == 403
    for url in ("registry-api:enterprise-list", "registry-api:yearly-list", "registry-api:ip-list", "registry-api:certificate-list"):
        assert client.get(reverse(url)).status_code == 403
    assert client.get(reverse("registry:enterprise", args=[other.uscc])).status_code == 404


@pytest.mark.django_db
def test_leader_reads_but_cannot_edit(client, world, make_user):
    own, _other, _user = world
    client.force_login(make_user(Role.LEADER))
    assert client.get(reverse("registry:enterprise", args=[own.uscc])).status_code == 200
    assert client.get(reverse("registry:enterprise-contacts", args=[own.uscc])).status_code == 403
    assert client.patch(f"/api/registry/enterprises/{own.uscc}/", {"contact_person": "x"}, content_type="application/json").status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client, world):
    own, _other, _user = world
    for url in (reverse("registry:enterprises"), reverse("registry:enterprise", args=[own.uscc]), reverse("registry:alerts")):
        response = client.get(url)
        assert response.status_code == 302 and reverse("core:login") in response["Location"]
    assert client.get(reverse("registry-api:enterprise-list")).status_code in (401, 403)
