from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kechuang.core import clock
from kechuang.dashboards.services import home_figures


@login_required
def home(request):
    today = clock.today()
    return render(request, "dashboards/home.html", {"figures": home_figures(request.user, today), "today": today})
