"""Each stored district-wide figure declares every table it counts (or a write there would leave it
stale), and a page that shows one follows the records it counts."""
import datetime as dt
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kechuang.core.models import StoredFigure, TableVersion
from kechuang.cultivation.screening import waiting_by_tier
from kechuang.dashboards.services import district_figures
from kechuang.registry.choices import CertificateKind
from kechuang.registry.models import Certificate
from kechuang.registry.services import alert_counts
from kechuang.talent.talentmap import _district_figures

AS_OF = dt.date(2026, 6, 30)
FIGURES = {
    "alert_counts": (alert_counts, (AS_OF,)),
    "district_figures": (district_figures, (AS_OF,)),
    "waiting_by_tier": (waiting_by_tier, (None,)),
    "talent_map": (_district_figures, (AS_OF, None)),
}
# Read without making a figure stale: the shipped reference lists, and the store itself.
REFERENCE_TABLES = {"core_region", "core_industry", "core_hightechdomain", "policy_screeningresult",
                    StoredFigure._meta.db_table, TableVersion._meta.db_table}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FIGURES))
def test_each_figure_declares_every_table_it_reads(name, make_enterprise):
    figure, args = FIGURES[name]
    make_enterprise()
    declared = {apps.get_model(label)._meta.db_table for label in figure.object_types}
    with CaptureQueriesContext(connection) as queries:
        figure.compute(*args)
    read = {table for query in queries.captured_queries for table in re.findall(r'(?:FROM|JOIN) "?(\w+)"?', query["sql"])}
    assert read, name
    # Screening results are named by their run (the key), and a run's results never change once it has finished.
    assert read - REFERENCE_TABLES - {"talent_talent_achievements", "talent_talent_projects"} <= declared, name


@pytest.mark.django_db
def test_the_home_page_counts_a_certificate_saved_after_it_was_shown(client, officer, make_enterprise):
    firm = make_enterprise()
    client.force_login(officer)

    def hnte_holders() -> int:
        [figure] = [f for f in client.get(reverse("dashboards:home")).context["figures"] if "高新" in str(f.label)]
        return figure.value

    assert hnte_holders() == 0
    assert hnte_holders() == 0
    Certificate.objects.create(enterprise=firm, kind=CertificateKind.HNTE, number="GR-1",
                               issued=dt.date(2025, 1, 1), expires=dt.date(2027, 12, 31))
    assert hnte_holders() == 1
