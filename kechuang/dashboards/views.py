import datetime as dt

from django.shortcuts import render

from kechuang.core.datadate import default_date
from kechuang.core.middleware import PREVIOUS_VISIT_SESSION_KEY
from kechuang.core.models import Notification
from kechuang.core.views import predicate_required
from kechuang.core.workspace import work_items
from kechuang.dashboards.services import home_figures

CHANGES_SHOWN = 8


@predicate_required()
def home(request):
    """Each role's workspace: what waits for me (counts that open the rows they count), what reached me
    since my last visit, the district's figures for those who see the whole district, and my pages."""
    as_of = default_date()
    previous = request.session.get(PREVIOUS_VISIT_SESSION_KEY) or ""
    since = Notification.objects.visible_to(request.user)
    if previous:
        since = since.filter(created_at__gt=dt.datetime.fromisoformat(previous))
    return render(request, "dashboards/home.html", {
        "work": work_items(request.user),
        "changes": list(since[:CHANGES_SHOWN]),
        "changes_count": since.count(),
        "previous_visit": dt.datetime.fromisoformat(previous) if previous else None,
        "figures": home_figures(request.user, as_of.date),
        "page_date": as_of,
        "today": as_of.date,
    })
