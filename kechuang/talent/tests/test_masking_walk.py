"""THE MASKING WALK (issue 14, bad input): known identity numbers and phones are planted, then every page
and every API endpoint of the whole site (every URL pattern of kechuang.urls, path parameters filled
with real ids), and every .xlsx export a page offers, is fetched as every role; the plaintext must
never come back, and the masked forms must, on the talent pages of the roles that see the person."""
import datetime as dt
import io
import re
import zipfile
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch, Resolver404

from kechuang.core.choices import Role
from kechuang.core.models import AuditEntry
from kechuang.registry.models import Enterprise, Project
from kechuang.talent import services
from kechuang.talent.choices import EditionState
from kechuang.talent.models import DirectoryRow, Edition, Talent
from kechuang.talent.tests.conftest import id_number
from kechuang.techmarket.models import Achievement

# Actions, files and the sign-out: not pages to read.
SKIPPED = ("logout/", "i18n/", "api/schema/", "api/token/")
LINK = re.compile(r'(?:href|action)="(/[^"#]*)"')
PER_PATTERN = 3


def plant(users):
    """Six people with known numbers: one at the demo enterprise user's firm, five elsewhere."""
    officer = users[Role.OFFICER]
    own = Enterprise.objects.filter(members=users[Role.ENTERPRISE]).order_by("pk").first()
    others = list(Enterprise.objects.exclude(pk=own.pk).order_by("uscc")[:5])
    planted = []
    for index, employer in enumerate([own, *others]):
        number = id_number(area="120116", birth=f"19{70 + index}0315", serial=f"{600 + index}")
        if index == 1:  # one number ending in X, the check character GB 11643 allows
            serial = next(f"{s:03d}" for s in range(100, 999) if id_number(birth="19710315", serial=f"{s:03d}").endswith("X"))
            number = id_number(birth="19710315", serial=serial)
        phone = f"1{3 + index % 6}9{index}7{index}12{index}4{index}"
        talent = services.save_talent(
            Talent(name=f"测{index}号人才", gender="male", birth_year=int(number[6:10]), education="doctorate", field_id="10",
                   employer=employer, position="研究员"),
            officer, id_number=number, phone=phone,
        )
        services.record_consent(talent, officer, purpose="人才政策兑现", necessity="核验身份", given_on="2022-01-05")
        services.reveal(talent, "id_number", "核验申报材料", officer)
        services.reveal(talent, "phone", "联系本人", officer)
        achievement = Achievement.objects.order_by("pk").first()
        if achievement:
            talent.achievements.add(achievement)
        project = Project.objects.filter(enterprise=employer).first()
        if project:
            talent.projects.add(project)
        planted.append((talent, number, phone))
    edition = Edition.objects.create(year=2022, title="2022年高端人才指导目录", state=EditionState.PUBLISHED)
    DirectoryRow.objects.create(edition=edition, field_id="10", position="研究员", wanted=10)
    collecting = Edition.objects.create(year=2023, title="2023年高端人才指导目录", collect_until=dt.date(2099, 12, 31))
    services.submit_demand(collecting, own, users[Role.ENTERPRISE], field_id="10", position="算法工程师", wanted=3)
    return planted


def _patterns(entries, prefix="", namespace=""):
    for entry in entries:
        piece = str(entry.pattern).removeprefix("^").removesuffix("$")
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, prefix + piece, inner)
        elif isinstance(entry, URLPattern):
            yield prefix + piece, namespace, entry


def _model_of(callback):
    admin = getattr(callback, "model_admin", None)
    if admin is not None:
        return admin.model, "pk"
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    model = getattr(view, "model", None)
    serializer = getattr(view, "serializer_class", None)
    if model is None and serializer is not None and hasattr(getattr(serializer, "Meta", None), "model"):
        model = serializer.Meta.model
    return model, getattr(view, "lookup_field", "pk")


def _value(obj, name, lookup):
    if name in ("pk", "object_id", "id") or name == lookup == "pk":
        return obj.pk
    if name == lookup or hasattr(obj, name):
        return getattr(obj, lookup if name == lookup else name)
    return None


def filled(entry, namespace, talent):
    """The pattern with its parameters taken from a real row of the model its view shows, or None."""
    model, lookup = _model_of(entry.callback)
    if model is None or entry.name is None:
        return None
    obj = talent if model is Talent else model._base_manager.order_by("pk").first()
    if obj is None:
        return None
    kwargs = {}
    for name in entry.pattern.regex.groupindex:
        value = _value(obj, name, lookup)
        if value is None:
            return None
        kwargs[name] = value
    try:
        return reverse(f"{namespace}:{entry.name}" if namespace else entry.name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def from_api_list(client, entry, namespace):
    """An API detail route filled from the first row its list answers (for viewsets that name no model)."""
    view = getattr(entry.callback, "cls", None)
    basename = (getattr(entry.callback, "initkwargs", {}) or {}).get("basename")
    if view is None or basename is None or list(entry.pattern.regex.groupindex) != [view.lookup_url_kwarg or view.lookup_field]:
        return None
    try:
        listing = client.get(reverse(f"{namespace}:{basename}-list")).json()
        rows = listing["results"] if isinstance(listing, dict) else listing
        value = rows[0].get(view.lookup_field, rows[0].get("id")) if rows else None
        return reverse(f"{namespace}:{entry.name}", kwargs={view.lookup_url_kwarg or view.lookup_field: value}) if value else None
    except (NoReverseMatch, ValueError, KeyError, TypeError):
        return None


def site_urls(client, talent, crawlers):
    """Every URL to walk: the patterns without parameters, those filled from their model, and for the
    rest the real links and form actions the pages show (followed two steps from every argument-free
    page as each of `crawlers`)."""
    walk, unfilled = set(), set()
    client.force_login(crawlers[0])
    for route, namespace, entry in _patterns(get_resolver().url_patterns):
        if route.startswith(SKIPPED):
            continue
        if not entry.pattern.regex.groupindex:
            walk.add("/" + route)
            continue
        url = filled(entry, namespace, talent) or from_api_list(client, entry, namespace)
        if url:
            walk.add(url)
        else:
            unfilled.add(f"{namespace}:{entry.name}" if namespace else str(entry.name))
    links, start = defaultdict(set), sorted(walk)
    for crawler, _depth in ((crawler, depth) for crawler in crawlers for depth in range(2)):
        if _depth == 0:
            client.force_login(crawler)
            frontier = start
        found_now = set()
        for url in frontier:
            response = client.get(url)
            found = [response["Location"]] if response.status_code == 302 and response["Location"].startswith("/") else []
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                found += LINK.findall(response.content.decode().replace("&amp;", "&"))
            for link in found:
                try:
                    match = resolve(link.split("?")[0])
                except Resolver404:
                    continue
                if match.kwargs and (link in links[match.view_name] or len(links[match.view_name]) < PER_PATTERN):
                    links[match.view_name].add(link)
                    found_now.add(link)
        frontier = sorted(found_now)
        walk.update(found_now)
    unfilled -= set(links)
    return sorted(walk), sorted(unfilled)


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return content.decode("utf-8", "replace")


@pytest.mark.django_db
def test_no_page_export_or_endpoint_shows_a_plaintext_number_to_any_role(capsys):
    # A page that fails is another walk's finding (test_every_page_renders); here it only must not leak.
    client = Client(raise_request_exception=False)
    call_command("demo", enterprises=30, seed="masking", stdout=io.StringIO())
    users = {role: get_user_model().objects.get(username=role) for role in Role.values}
    planted = plant(users)
    secrets = [value for _talent, number, phone in planted for value in (number, phone)]
    own_talent = planted[0][0]

    urls, unfilled = site_urls(client, own_talent, [users[Role.OFFICER], users[Role.ENTERPRISE]])
    talent_unfilled = [name for name in unfilled if name.startswith(("talent:", "talent-api:"))]
    assert not talent_unfilled, talent_unfilled

    leaks, answered, exports, failed, masked_seen = [], 0, 0, [], defaultdict(int)
    for role in Role.values:
        client.force_login(users[role])
        for url in urls:
            response = client.get(url)
            if response.status_code >= 500:
                failed.append(f"{role} {url}")
            if response.status_code != 200:
                continue
            answered += 1
            text = body_text(response)
            bodies = [(url, text)]
            if "export=xlsx" in text and response.get("Content-Type", "").startswith("text/html"):
                export_url = url + ("&" if "?" in url else "?") + "export=xlsx"
                exported = client.get(export_url)
                if exported.status_code == 200:
                    exports += 1
                    bodies.append((export_url, body_text(exported)))
            for where, shown in bodies:
                leaks += [f"{role} {where}" for secret in secrets if secret in shown]
                if "/talent/" in where:
                    masked_seen[role] += sum(talent.id_masked in shown for talent, _n, _p in planted)
    trail = " ".join(f"{e.object_repr} {e.changes}" for e in AuditEntry.objects.iterator())
    leaks += [f"audit trail holds {secret[:3]}…" for secret in secrets if secret in trail]
    with capsys.disabled():
        print(f"\nmasking walk: {len(urls)} URLs × {len(Role.values)} roles = {len(urls) * len(Role.values)} requests; "
              f"{answered} answered 200, {exports} .xlsx exports; {len(leaks)} unmasked; {len(failed)} server errors; "
              f"{len(unfilled)} patterns without a real id to fill ({', '.join(unfilled) or 'none'})")
        if failed:
            print("server errors (not this walk's finding): " + "; ".join(failed[:10]))
        print("masked forms seen on talent pages by role: " + ", ".join(f"{r} {n}" for r, n in sorted(masked_seen.items())))
    assert not leaks, leaks[:20]
    assert answered > 500
    # The walk looked where the numbers are: the bureau and the employer's own user see the masks.
    assert masked_seen[Role.OFFICER] >= len(planted) and masked_seen[Role.LEADER] >= len(planted)
    assert masked_seen[Role.ENTERPRISE] >= 1
    client.force_login(users[Role.ENTERPRISE])
    detail = client.get(reverse("talent:talent", args=[own_talent.pk]))
    assert detail.status_code == 200 and own_talent.id_masked in detail.content.decode()
