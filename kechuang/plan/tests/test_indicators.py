"""Each named query on hand-built records, at the edges of its dates and of the district."""
import datetime as dt
from decimal import Decimal

from kechuang.plan import indicators
from kechuang.plan.services import enter_figure

DISTRICT = "120116406"
D = dt.date(2022, 6, 30)


def value(name, on=D, plan=None):
    return indicators.run(name, DISTRICT, on, plan).value


def test_invention_patents_count_valid_ones_of_in_district_owners(make_enterprise, make_patent):
    home, other = make_enterprise(), make_enterprise()
    away = make_enterprise(region_id="120116402")
    gone = make_enterprise(status="moved_out")
    counted = make_patent(home, granted=D)  # granted on the day itself
    make_patent(home, other)  # two in-district owners: still one patent
    make_patent(home, granted=D + dt.timedelta(days=1))  # granted the day after
    make_patent(home, expires=D)  # 失效日 is the first day it no longer counts
    kept = make_patent(home, expires=D + dt.timedelta(days=1))
    make_patent(home, status="invalid")
    make_patent(home, kind="utility_model")
    make_patent(away)
    make_patent(gone)
    measure = indicators.run("invention_patents", DISTRICT, D)
    assert measure.value == 3
    assert counted in measure.records and kept in measure.records


def test_tier_counts_distinct_enterprises_with_a_certificate_valid_on_the_day(make_enterprise, make_certificate):
    a, b, c, gone = make_enterprise(), make_enterprise(), make_enterprise(), make_enterprise(status="moved_out")
    make_certificate(a, "hnte", expires=D)  # valid through its expiry day
    make_certificate(a, "hnte", issued=dt.date(2017, 10, 1), expires=dt.date(2020, 9, 30))  # an old one: still one firm
    make_certificate(b, "hnte", expires=D - dt.timedelta(days=1))  # expired the day before
    make_certificate(c, "hnte", issued=D + dt.timedelta(days=1))  # not yet issued
    make_certificate(gone, "hnte")
    assert value("hnte") == 1
    assert value("hnte", D + dt.timedelta(days=1)) == 1  # c issued, a expired


def test_lingjun_counts_leaders_and_incubated_leaders(make_enterprise, make_certificate):
    a, b, c = make_enterprise(), make_enterprise(), make_enterprise()
    make_certificate(a, "lingjun")
    make_certificate(b, "lingjun_peiyu")
    make_certificate(c, "dengling")
    assert value("lingjun") == 2
    assert value("dengling") == 1
    assert value("chuying") == 0


def test_contract_turnover_sums_contract_amount_of_the_year_to_date(make_enterprise, make_contract):
    seller, outsider = make_enterprise(), make_enterprise(region_id="120116402")
    make_contract(seller, 100, tech_amount=60, registered_on=dt.date(2022, 1, 1))  # 合同成交额, not 技术交易额
    make_contract(seller, 50, registered_on=D)
    make_contract(seller, 999, registered_on=dt.date(2021, 12, 31))  # last year
    make_contract(seller, 70, registered_on=D + dt.timedelta(days=1))
    make_contract(seller, 30, status="applied")
    make_contract(outsider, 500)
    assert value("contract_turnover") == Decimal("150")
    assert value("contract_turnover", dt.date(2021, 12, 31)) == Decimal("999")
    assert value("contract_turnover", dt.date(2022, 1, 1)) == Decimal("100")


def test_rd_intensity_is_expenditure_over_gdp_of_the_same_date(seed_plan, officer):
    assert value("rd_intensity", plan=seed_plan) is None
    enter_figure(officer, seed_plan, "gdp", dt.date(2021, 12, 31), Decimal(2_000_000), "统计年鉴")
    enter_figure(officer, seed_plan, "rd_expenditure", dt.date(2021, 12, 31), Decimal(9_000), "统计年鉴")
    enter_figure(officer, seed_plan, "rd_expenditure", dt.date(2022, 12, 31), Decimal(10_000), "统计年鉴")
    assert value("rd_intensity", plan=seed_plan) == Decimal("0.0045")
    # The 2022 R&D figure has no GDP of its date yet: no ratio rather than a mixed one.
    assert value("rd_intensity", dt.date(2023, 1, 1), seed_plan) is None
    measure = indicators.run("rd_intensity", DISTRICT, D, seed_plan)
    assert {f.key for f in measure.records} == {"gdp", "rd_expenditure"}


def test_a_manual_indicator_reads_its_newest_figure(seed_plan, officer):
    from kechuang.plan.evaluation import Evaluator
    from kechuang.plan.models import Indicator

    indicator = Indicator.objects.create(plan=seed_plan, code="talents", name="高层次人才", unit="家", target=50, kind="manual")
    enter_figure(officer, seed_plan, "talents", dt.date(2021, 12, 31), Decimal(20), "人社局台账")
    enter_figure(officer, seed_plan, "talents", dt.date(2022, 3, 31), Decimal(26), "人社局台账")
    evaluator = Evaluator(seed_plan)
    assert evaluator.measure(indicator, dt.date(2022, 3, 30)).value == 20
    measure = evaluator.measure(indicator, D)
    assert measure.value == 26 and [f.source for f in measure.records] == ["人社局台账"]
