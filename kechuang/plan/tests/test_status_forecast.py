import datetime as dt
from decimal import Decimal

import pytest

from kechuang.plan.choices import Direction, IndicatorKind, Status
from kechuang.plan.evaluation import Evaluator, pace_status, read_plan
from kechuang.plan.schedule import elapsed_share
from kechuang.plan.forecast import least_squares
from kechuang.plan.models import Indicator, Plan, YearTarget

D = Decimal


@pytest.mark.parametrize(
    "direction, actual, target, baseline, share, expected",
    [
        (Direction.AT_LEAST, 100, 100, 50, D("0.5"), Status.MET),
        (Direction.MORE_THAN, 160, 160, 100, D(1), Status.BEHIND),  # ">160" needs 161
        (Direction.MORE_THAN, 161, 160, 100, D("0.2"), Status.MET),
        (Direction.AT_LEAST, 80, 100, 50, D("0.5"), Status.ON_TRACK),  # expected 75
        (Direction.AT_LEAST, 72, 100, 50, D("0.5"), Status.AT_RISK),  # 3 short of 75: 6% of the 50 to go
        (Direction.AT_LEAST, 60, 100, 50, D("0.5"), Status.BEHIND),  # 15 short: 30%
        (Direction.AT_MOST, 88, 80, 100, D("0.5"), Status.ON_TRACK),  # falling toward 80: expected 90
        (Direction.AT_MOST, 95, 80, 100, D("0.5"), Status.BEHIND),
        (Direction.AT_LEAST, 99, 100, 50, D(1), Status.BEHIND),  # the year is over and the target missed
        (Direction.AT_LEAST, None, 100, 50, D("0.5"), Status.NO_DATA),
    ],
)
def test_status_is_judged_by_pace_toward_the_year_target(direction, actual, target, baseline, share, expected):
    actual = None if actual is None else D(actual)
    assert pace_status(direction, actual, D(target), D(baseline), share)[0] == expected


def test_elapsed_share_counts_the_day_itself():
    year = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert elapsed_share(*year, dt.date(2022, 12, 31)) == 1
    assert elapsed_share(*year, dt.date(2021, 12, 31)) == 0
    assert elapsed_share(*year, dt.date(2022, 7, 2)) == D(183) / D(365)


def test_least_squares_line():
    assert least_squares([(2020, 10), (2021, 20), (2022, 30)]) == pytest.approx((10, -20190))
    assert least_squares([(2022, 5)]) is None


def test_status_uses_last_years_actual_as_the_baseline(seed_plan, make_enterprise, make_certificate):
    hnte = seed_plan.indicators.get(code="hnte")
    YearTarget.objects.create(indicator=hnte, year=2022, value=4)
    for _ in range(2):
        make_certificate(make_enterprise(), "hnte", issued=dt.date(2021, 10, 1))
    make_certificate(make_enterprise(), "hnte", issued=dt.date(2022, 3, 1))
    reading = Evaluator(seed_plan).read(hnte, dt.date(2022, 7, 1))
    assert reading.baseline == 2 and reading.actual == 3 and reading.year_target == 4
    assert reading.status == Status.ON_TRACK  # expected 2.997 on 1 July
    assert reading.progress == D(3) / D(4)
    # The trend runs through 2019–2021 year ends and the as-of: 0, 0, 2, 3.
    assert [v for _, v in reading.history] == [0, 0, 2, 3]
    assert reading.forecast.trend.value > 3


def test_child_plans_roll_up_into_the_parent(db, make_enterprise, make_certificate):
    parent = Plan.objects.create(code="binhai", name="滨海新区", start_year=2020, end_year=2022, district_code="120116")
    eco = Plan.objects.create(code="eco", name="生态城", start_year=2020, end_year=2022, parent=parent, district_code="120116406")
    hitech = Plan.objects.create(code="hitech", name="高新区", start_year=2020, end_year=2022, parent=parent, district_code="120116402")
    for plan in (eco, hitech):
        Indicator.objects.create(plan=plan, code="hnte", name="高新技术企业", unit="家", target=10, query="hnte")
    Indicator.objects.create(plan=parent, code="hnte", name="高新技术企业", unit="家", target=30, kind=IndicatorKind.ROLLUP)
    for region, count in (("120116406", 2), ("120116402", 3)):
        for _ in range(count):
            make_certificate(make_enterprise(region_id=region), "hnte")
    make_certificate(make_enterprise(region_id="120116401"), "hnte")  # in the 区 but in no child plan
    [reading] = read_plan(parent, dt.date(2022, 6, 30))
    assert reading.actual == 5
    assert reading.measure.records.count() == 5


def test_pipeline_forecast_uses_the_conversion_rates_so_far(seed_plan, make_enterprise, make_certificate):
    from kechuang.cultivation.models import Enrollment

    day = dt.date(2022, 6, 30)

    def enrol(stage, enrolled=None, recognised=None, exited=None, enterprise=None):
        Enrollment.objects.create(
            enterprise=enterprise or make_enterprise(), tier="dengling", year=2021, stage=stage, candidate_on=dt.date(2021, 3, 1),
            enrolled_on=enrolled, recognised_on=recognised, exited_on=exited, exit_reason="未达标" if exited else "",
            certificate=enterprise.certificates.get() if recognised else None,
        )

    recognised = make_enterprise()
    make_certificate(recognised, "dengling", issued=dt.date(2021, 10, 1))
    enrol("recognised", enrolled=dt.date(2021, 4, 1), recognised=dt.date(2021, 10, 1), enterprise=recognised)
    enrol("exited", exited=dt.date(2021, 5, 1))  # dropped as a candidate
    enrol("exited", enrolled=dt.date(2021, 4, 1), exited=dt.date(2021, 12, 1))  # dropped after enrolment
    enrol("candidate")
    enrol("enrolled", enrolled=dt.date(2022, 4, 1))
    reading = Evaluator(seed_plan).read(seed_plan.indicators.get(code="dengling"), day)
    # enrolment 3/4 (the open enrolled one counts), recognition 1/2, overall 3/8:
    # 1 today + 1 candidate × 3/8 + 1 enrolled × 1/2 = 1.875
    assert reading.forecast.pipeline.value == D("1.9")
    assert len(reading.forecast.pipeline.assumptions) == 2
