"""The top navigation, gathered from each app's `AppConfig.nav`.

An entry is `(label, url_name)` or `(label, url_name, audience)`. It shows when the page's own
predicate (`PredicateRequiredMixin.predicate` of the view the URL resolves to) admits the user, so a
menu item never leads to a page that refuses; `audience`, a predicate from the app's
`permissions.py`, narrows the menu to the users the item is meant for (e.g. "My path" for enterprise
users, although officers may open the page too).
"""
from functools import lru_cache

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve, reverse

from kechuang.core.permissions import is_signed_in


@lru_cache(maxsize=None)
def page_admits(url_name: str):
    """The `admits(user)` of the page `url_name` names; a page without a predicate cannot be a menu item."""
    func = resolve(reverse(url_name)).func
    view = getattr(func, "view_class", func)
    if not hasattr(view, "admits"):
        raise ImproperlyConfigured(f"navigation: {url_name} is not a page with a predicate (PredicateRequiredMixin)")
    return view.admits


def entries():
    """(label, url_name, audience or None) for every app, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        for label, url_name, *audience in getattr(config, "nav", ()):
            yield label, url_name, audience[0] if audience else None


def items_for(user) -> list[dict]:
    if not is_signed_in(user):
        return []  # the menu is for signed-in users (base.html); public pages are linked where they apply
    items = []
    for label, url_name, audience in entries():
        if page_admits(url_name)(user) and (audience is None or audience(user)):
            items.append({"label": label, "url": reverse(url_name), "name": url_name})
    return items


def navigation(request):
    items = items_for(getattr(request, "user", None))
    # The current page belongs to the item whose address is the longest prefix of its path.
    matching = [item for item in items if item["url"] != "/" and request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items}
