"""The plan's named queries on the pool and on financing raised, as of a date."""
import datetime as dt
from decimal import Decimal

from kechuang.core import clock
from kechuang.finance import services
from kechuang.finance.choices import Board, FinancingForm, FinancingPurpose, ListingStage
from kechuang.plan.indicators import QUERIES


def test_pool_by_stage_listings_and_financing_raised(firm, make_enterprise, officer, settings):
    today = clock.today()
    start = today - dt.timedelta(days=60)
    entry = services.add_to_pool(firm, Board.STAR, officer, entered_on=start)
    other = services.add_to_pool(make_enterprise("第二家企业"), Board.BSE, officer, entered_on=start)
    services.move_stage(entry, ListingStage.COUNSELLING, officer, date=today - dt.timedelta(days=30))
    services.move_stage(other, ListingStage.LISTED, officer, date=today)
    code = settings.KECHUANG_DISTRICT_CODE
    run = lambda name, day=today: QUERIES[name].compute(code, day)  # noqa: E731
    assert run("listing_pool_counselling").value == 1
    assert run("listing_pool_counselling", today - dt.timedelta(days=31)).value == 0
    assert run("listing_pool_entered", today - dt.timedelta(days=31)).value == 2
    assert run("listing_pool").value == 1 and run("listings").value == 1
    demand = services.post_demand(firm, 500, FinancingForm.EQUITY, FinancingPurpose.RND, officer)
    from kechuang.finance.models import Fund
    fund = Fund.objects.create(name="测试基金", level="district", manager="m", size=1000)
    services.recommend(demand, officer, fund=fund)
    services.advance(demand, "connect", officer)
    services.advance(demand, "diligence", officer)
    services.fund_demand(demand, "480", officer)
    measure = run("financing_raised")
    assert measure.value == Decimal("480.00") and list(measure.records) == [demand]
