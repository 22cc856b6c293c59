"""What waits for a user: the home page's "needs me now" counts. Each app says what its roles have to
do in `<app>/workspace.py` (a `work_items(user)` function named by its AppConfig's `workspace`), as
list pages with filters; the count is the number of rows that very page lists for this user, counted by
the page's own queryset, so a count and the rows it opens can never disagree."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from urllib.parse import urlencode

from django.apps import apps
from django.http import HttpRequest, QueryDict
from django.urls import resolve, reverse


@dataclass(frozen=True)
class WorkItem:
    label: str
    count: int
    url: str


def listed(user, label: str, url_name: str, *args, **filters) -> WorkItem | None:
    """The rows the list page `url_name` shows `user` under `filters`, as a work item; None when the
    user may not open that page."""
    path = reverse(url_name, args=args)
    query = urlencode(filters, doseq=True)
    match = resolve(path)
    view_class = match.func.view_class
    if not view_class.admits(user):
        return None
    request = HttpRequest()
    request.method, request.path, request.path_info = "GET", path, path
    request.GET, request.user = QueryDict(query), user
    view = view_class()
    view.setup(request, *match.args, **match.kwargs)
    return WorkItem(label, view.get_queryset().count(), f"{path}?{query}" if query else path)


def work_items(user) -> list[WorkItem]:
    """Every app's items for `user` that have something waiting, in app order."""
    found = []
    for config in apps.get_app_configs():
        dotted = getattr(config, "workspace", None)
        if not dotted:
            continue
        module, name = dotted.rsplit(".", 1)
        found += [item for item in getattr(import_module(module), name)(user) if item is not None and item.count]
    return found
