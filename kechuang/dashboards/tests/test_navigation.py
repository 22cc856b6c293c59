"""The menu and the pages ask the same predicates: for every role, every menu item opens, every page
whose predicate refuses the role answers 403 and is absent from its menu, and every list page the role
may open is in its menu, one click from it, or left out of it on purpose by the item's audience."""
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.contrib.auth.models import AnonymousUser
from django.urls import resolve, reverse

from kechuang.core.choices import Role
from kechuang.core.navigation import entries, items_for, page_admits
from kechuang.core.views import ObjectListView
from kechuang.dashboards.tests.urlwalk import argument_free_urls

HREF = re.compile(r'href="(/[^"#?]*)')


def _page_view(url):
    """The page behind an argument-free URL (a view class, or a function view with `admits`), or None
    for the API and pages outside the project (login)."""
    if url.startswith("/api/"):
        return None
    func = resolve(url).func
    view = getattr(func, "view_class", func)
    return view if hasattr(view, "admits") else None


def test_every_menu_entry_names_a_page_with_a_predicate():
    names = [url_name for _label, url_name, _audience in entries()]
    assert len(names) >= 15
    for url_name in names:
        assert callable(page_admits(url_name)), url_name


@pytest.mark.django_db
def test_menu_items_appear_exactly_when_their_page_opens(client):
    call_command("demo", enterprises=30, seed="nav", stdout=io.StringIO())
    pages = {url: view for url in argument_free_urls() if (view := _page_view(url))}
    audiences = {reverse(url_name): audience for _label, url_name, audience in entries()}
    checked = {"menu": 0, "refused": 0, "lists": 0}
    for role in Role.values:
        user = get_user_model().objects.get(username=role)
        client.force_login(user)
        menu = [item["url"] for item in items_for(user)]
        assert menu, role
        linked = set(menu)
        for url in menu:
            response = client.get(url, follow=True)
            assert response.status_code == 200, f"{role}: menu item {url} → {response.status_code}"
            linked.update(HREF.findall(response.content.decode()))
            checked["menu"] += 1
        for url, view in pages.items():
            if view.admits(user):
                continue
            assert url not in menu, f"{role}: {url} is in the menu but refuses"
            assert client.get(url).status_code == 403, f"{role}: {url} refuses by predicate but does not answer 403"
            checked["refused"] += 1
        for url, view in pages.items():
            if not (isinstance(view, type) and issubclass(view, ObjectListView)) or client.get(url).status_code != 200:
                continue
            audience = audiences.get(url)
            left_out_on_purpose = audience is not None and not audience(user)
            assert url in linked or left_out_on_purpose, f"{role}: list {url} opens but is neither in the menu nor linked from it"
            checked["lists"] += 1
    assert checked["menu"] > 40 and checked["refused"] > 40 and checked["lists"] > 20, checked


@pytest.mark.django_db
def test_signed_out_visitors_have_no_menu():
    assert items_for(AnonymousUser()) == [] and items_for(None) == []
