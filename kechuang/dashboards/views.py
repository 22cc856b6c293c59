from django.shortcuts import render
from django.utils import timezone

from kechuang.core.views import predicate_required
from kechuang.dashboards.services import home_figures


@predicate_required()
def home(request):
    today = timezone.localdate()
    return render(request, "dashboards/home.html", {"figures": home_figures(request.user, today), "today": today})
