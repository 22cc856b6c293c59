import datetime as dt

import pytest
from django.utils import timezone, translation

from kechuang.dashboards.services import home_figures
from kechuang.registry.models import Certificate


@pytest.mark.django_db
def test_each_home_figure_counts_the_list_it_links_to(client, officer, make_enterprise):
    today = timezone.localdate()
    holder, other = make_enterprise(), make_enterprise()
    make_enterprise(region_id="110101001")  # registered outside the district
    Certificate.objects.create(enterprise=holder, kind="hnte", number="GR1", issued=today - dt.timedelta(days=30))
    with translation.override("en"):
        figures = {str(figure.label): figure for figure in home_figures(officer, today)}
    assert figures["Enterprises in the district"].value == 2
    hnte = figures["High-tech enterprises (valid certificate)"]
    assert hnte.value == 1
    client.force_login(officer)
    listed = client.get(hnte.url)
    assert holder.name in listed.content.decode() and other.name not in listed.content.decode()
    assert listed.context["paginator"].count == hnte.value


@pytest.mark.django_db
def test_an_enterprise_user_gets_no_district_figures(client, make_user):
    user = make_user("enterprise")
    assert home_figures(user, timezone.localdate()) == []
    client.force_login(user)
    assert client.get("/").status_code == 200
