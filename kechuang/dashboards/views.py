from django.shortcuts import render

from kechuang.core.views import predicate_required
from kechuang.core import clock
from kechuang.dashboards.services import home_figures


@predicate_required()
def home(request):
    today = clock.today()
    return render(request, "dashboards/home.html", {"figures": home_figures(request.user, today), "today": today})
