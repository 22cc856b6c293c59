"""Innovation points: each indicator scored from registry facts by the data file, explained, ranked,
computed in bulk with a fixed number of queries whatever the number of firms."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kechuang.core import clock
from kechuang.finance import points, services
from kechuang.finance.models import PointsScore
from kechuang.registry.models import Certificate, Enterprise, Investment

from .conftest import add_patents, add_years

YEAR = clock.today().year - 1


@pytest.fixture
def scored(make_enterprise):
    strong = make_enterprise("积分强企业", established=dt.date(2012, 3, 1))  # 稳定期 in YEAR
    weak = make_enterprise("积分弱企业", established=dt.date(YEAR - 1, 5, 1))  # 初创期
    add_years(strong, {YEAR - 1: {"revenue": 40000}, YEAR: {"revenue": 60000, "rd_expense": 500, "employees": 400, "tech_staff": 60}})
    add_years(weak, {YEAR: {"revenue": 100, "rd_expense": 20, "employees": 10, "tech_staff": 3}})
    add_patents(strong, 5)
    Certificate.objects.create(enterprise=strong, kind="hnte", number="GR1", issued=dt.date(YEAR - 1, 12, 1),
                               expires=dt.date(YEAR + 2, 11, 30))
    Investment.objects.create(enterprise=strong, date=dt.date(YEAR, 6, 1), amount=Decimal("2500"), investor="某创投")
    return strong, weak


def _line(explained, indicator):
    return next(line for group in explained["categories"] for line in group["lines"] if line["id"] == indicator)


def test_points_follow_the_indicator_file(scored):
    strong, weak = scored
    run = services.compute_points(YEAR)
    assert run.enterprises == 2
    explained = services.points_explanation(strong, YEAR)
    assert explained["stage"] == "mature"
    # 研发费用 500 of 1,000 → half of the 8 points; 发明专利 5 of 10 → half of 6 (稳定期)
    assert _line(explained, "rd_expense")["points"] == 4.0
    assert _line(explained, "invention_patents")["points"] == 3.0
    assert _line(explained, "revenue_growth")["text"] == "营业收入增长率 50.0%，满分参考值 30.0%，权重 10 分，得 10 分"
    assert _line(explained, "equity_financing")["points"] == 3.0  # 2,500 of 5,000 × 6
    assert _line(explained, "certificates")["points"] == round(8 / 3, 2)
    stored = PointsScore.objects.get(enterprise=strong, year=YEAR)
    assert stored.total == Decimal(str(explained["total"])) and stored.rank == 1 == explained["rank"]
    assert PointsScore.objects.get(enterprise=weak, year=YEAR).rank == 2
    assert services.points_explanation(weak, YEAR)["stage"] == "startup"


def test_a_deduction_lowers_the_total_not_below_zero(scored):
    strong, weak = scored
    Enterprise.objects.filter(pk=weak.pk).update(serious_dishonesty=True)
    services.compute_points(YEAR)
    explained = services.points_explanation(weak, YEAR)
    assert explained["deductions"][0]["label"] == "列入严重违法失信名单"
    assert explained["total"] == 0.0


def test_queries_do_not_grow_with_the_number_of_firms(scored, make_enterprise):
    services.compute_points(YEAR)
    with CaptureQueriesContext(connection) as few:
        points.compute(YEAR, Enterprise.objects.all())
    for i in range(15):
        firm = make_enterprise(f"新增企业{i}")
        add_years(firm, {YEAR: {"revenue": 100 + i}})
    with CaptureQueriesContext(connection) as many:
        frame = points.compute(YEAR, Enterprise.objects.all())
    assert frame.height == 17 and len(many) == len(few)


def test_a_future_year_is_refused(scored):
    with pytest.raises(ValidationError):
        services.compute_points(clock.today().year + 1)


def test_the_indicator_file_is_checked():
    text = points.SYSTEM_FILE.read_text(encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="unknown source 'profit'"):
        points.parse(text.replace("source: rd_expense,", "source: profit,"))
    sys = points.parse(text)
    assert len(sys.indicators) == 18 and not any(i.verified for i in sys.indicators)
    for stage in points.STAGES:
        assert sum(i.weights[stage] for i in sys.indicators) == 100
