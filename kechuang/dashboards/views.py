from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from kechuang.dashboards.services import home_figures


@login_required
def home(request):
    today = timezone.localdate()
    return render(request, "dashboards/home.html", {"figures": home_figures(request.user, today), "today": today})
