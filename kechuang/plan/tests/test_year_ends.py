"""Past years' closing values: measured once, stored, read by the cockpit, and forgotten when a record
behind them changes (saved, deleted, linked or imported)."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kechuang.core.imports import read_table
from kechuang.plan import indicators
from kechuang.plan.evaluation import Evaluator, read_plan, recompute_year_ends
from kechuang.plan.models import YearEndValue
from kechuang.plan.services import enter_figure
from kechuang.registry.importers import CertificateImporter

AS_OF = dt.date(2022, 6, 30)
DISTRICT = "120116406"


def stored(plan, code):
    return dict(YearEndValue.objects.filter(indicator__plan=plan, indicator__code=code).values_list("year", "value"))


def test_the_cockpit_measures_a_past_year_end_once_then_reads_the_stored_value(
        seed_plan, officer, client, make_enterprise, make_certificate, monkeypatch):
    make_certificate(make_enterprise(), "hnte", issued=dt.date(2020, 10, 1), expires=dt.date(2023, 9, 30))
    client.force_login(officer)
    assert client.get(f"/plan/{seed_plan.code}/?as_of={AS_OF}").status_code == 200
    assert stored(seed_plan, "hnte") == {2019: 0, 2020: 1, 2021: 1}

    measured = []
    run = indicators.run
    monkeypatch.setattr(indicators, "run", lambda name, region, on, plan=None: measured.append(on) or run(name, region, on, plan))
    assert client.get(f"/plan/{seed_plan.code}/?as_of={AS_OF}").status_code == 200
    assert measured and set(measured) == {AS_OF}

    # What the cockpit shows of 2021 is what is stored, not a new measurement.
    YearEndValue.objects.filter(indicator__plan=seed_plan, indicator__code="hnte", year=2021).update(value=Decimal(40))
    hnte = next(r for r in read_plan(seed_plan, AS_OF) if r.indicator.code == "hnte")
    assert (dt.date(2021, 12, 31), Decimal(40)) in hnte.history


def test_a_saved_record_forgets_only_the_year_ends_it_can_move(seed_plan, make_enterprise, make_certificate, make_contract):
    firm = make_enterprise()
    recompute_year_ends([seed_plan], today=dt.date(2023, 3, 1))
    assert stored(seed_plan, "hnte") and stored(seed_plan, "contract_turnover")

    certificate = make_certificate(firm, "hnte", issued=dt.date(2021, 10, 1))
    assert not stored(seed_plan, "hnte") and stored(seed_plan, "contract_turnover")
    assert Evaluator(seed_plan, dt.date(2023, 3, 1)).value(seed_plan.indicators.get(code="hnte"), dt.date(2021, 12, 31)) == 1
    assert stored(seed_plan, "hnte") == {2021: 1}

    make_contract(firm, 80, registered_on=dt.date(2021, 5, 1))
    assert not stored(seed_plan, "contract_turnover") and stored(seed_plan, "hnte")

    certificate.delete()
    assert not stored(seed_plan, "hnte")


def test_linking_a_patent_owner_and_entering_a_figure_forget_theirs(seed_plan, officer, make_enterprise, make_patent):
    patent, partner = make_patent(make_enterprise()), make_enterprise()
    recompute_year_ends([seed_plan], today=dt.date(2023, 3, 1))
    patent.owners.add(partner)
    assert not stored(seed_plan, "invention_patents") and stored(seed_plan, "hnte")

    recompute_year_ends([seed_plan], today=dt.date(2023, 3, 1))
    enter_figure(officer, seed_plan, "gdp", dt.date(2021, 12, 31), Decimal(2_000_000), "统计年鉴")
    assert not stored(seed_plan, "rd_intensity") and stored(seed_plan, "invention_patents")


def test_an_import_written_in_bulk_forgets_the_year_ends_it_moves(seed_plan, make_enterprise):
    firm = make_enterprise()
    recompute_year_ends([seed_plan], today=dt.date(2023, 3, 1))
    table = read_table(f"统一社会信用代码,资质类型,证书编号,发证日期,有效期至\n{firm.uscc},高新技术企业,GR202112000001,2021-10-01,2024-09-30\n"
                       .encode(), "certificates.csv")
    assert CertificateImporter().run(table).counts.created == 1
    assert not stored(seed_plan, "hnte") and stored(seed_plan, "contract_turnover")


# Tables a figure may read without its value moving when they change: the district's regions and the
# reference lists shipped with the product, and the plan itself.
REFERENCE_TABLES = {"core_region", "core_ipkind", "plan_plan", "plan_indicator", "talent_programme"}


@pytest.mark.parametrize("name", sorted(indicators.QUERIES))
def test_each_query_declares_every_table_its_figure_reads(name, seed_plan):
    declared = {apps.get_model(label)._meta.db_table for label in indicators.QUERIES[name].reads}
    with CaptureQueriesContext(connection) as queries:
        indicators.run(name, DISTRICT, AS_OF, seed_plan)
    read = {table for query in queries.captured_queries for table in re.findall(r'(?:FROM|JOIN) "?(\w+)"?', query["sql"])}
    assert read, name
    assert read - REFERENCE_TABLES <= declared, name
