"""Financing demands: amounts above zero, the follow-up workflow, matching with its reasons, fund
investments linked to the registry."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kechuang.core import clock
from kechuang.finance import matching, services
from kechuang.finance.choices import DemandState, FinancingForm, FinancingPurpose, FundLevel, InstitutionKind, ProductKind
from kechuang.finance.models import FinancingDemand, Fund, Institution, Product
from kechuang.registry.models import Investment


@pytest.fixture
def bank():
    return Institution.objects.create(name="测试银行滨海分行", kind=InstitutionKind.BANK)


@pytest.fixture
def products(bank):
    return [
        Product.objects.create(institution=bank, name="科技贷", kind=ProductKind.TECH_LOAN, amount_min=50, amount_max=1000,
                               industries=["39"], stages=["growth", "mature"]),
        Product.objects.create(institution=bank, name="知识产权质押贷", kind=ProductKind.IP_PLEDGE, amount_min=10, amount_max=300),
        Product.objects.create(institution=bank, name="股权直投", kind=ProductKind.EQUITY, amount_min=500, amount_max=5000),
    ]


@pytest.mark.parametrize("amount", ["0", "-5", "abc"])
def test_an_amount_not_above_zero_is_refused_and_nothing_written(firm, officer, amount):
    with pytest.raises(ValidationError) as info:
        services.post_demand(firm, amount, FinancingForm.DEBT, FinancingPurpose.RND, officer)
    assert "amount" in info.value.message_dict
    assert FinancingDemand.objects.count() == 0


def test_the_zero_amount_message_is_chinese(firm, officer):
    with pytest.raises(ValidationError) as info:
        services.post_demand(firm, 0, FinancingForm.DEBT, FinancingPurpose.RND, officer)
    assert info.value.message_dict["amount"] == ["融资金额必须大于 0（万元）。"]


def test_matching_explains_each_condition(firm, officer, products):
    demand = services.post_demand(firm, 500, FinancingForm.DEBT, FinancingPurpose.WORKING_CAPITAL, officer)
    found = matching.match(demand, products, [])
    assert [str(m.target.name) for m in found] == ["科技贷", "知识产权质押贷"]
    best = found[0]
    assert best.score == 3
    assert [met for met, _ in found[1].reasons] == [False, True, True]  # 500 above the 300 cap
    assert "10–300" in found[1].reasons[0][1]


def test_a_demand_is_followed_up_to_the_loan(firm, officer, products):
    demand = services.post_demand(firm, 500, FinancingForm.DEBT, FinancingPurpose.RND, officer)
    with pytest.raises(ValidationError):
        services.recommend(demand, officer, product=products[2])  # equity product for a debt demand
    services.recommend(demand, officer, product=products[0])
    services.advance(demand, "connect", officer)
    services.advance(demand, "diligence", officer)
    with pytest.raises(ValidationError):
        services.fund_demand(demand, 0, officer)
    assert FinancingDemand.objects.get(pk=demand.pk).state == DemandState.DUE_DILIGENCE
    services.fund_demand(demand, "450", officer)
    demand.refresh_from_db()
    assert (demand.state, demand.funded_amount, demand.funded_on) == (DemandState.FUNDED, Decimal("450.00"), clock.today())


def test_terminating_needs_a_reason(firm, officer):
    demand = services.post_demand(firm, 100, FinancingForm.EQUITY, FinancingPurpose.EXPANSION, officer)
    with pytest.raises(ValidationError):
        services.advance(demand, "terminate", officer)
    services.advance(demand, "terminate", officer, comment="企业已获得其他融资")
    demand.refresh_from_db()
    assert demand.state == DemandState.TERMINATED and demand.closed_reason == "企业已获得其他融资"


def test_a_fund_investment_is_the_registry_record_linked(firm, officer):
    fund = Fund.objects.create(name="滨海新区科技创新母基金", level=FundLevel.DISTRICT, manager="滨海产业基金管理有限公司",
                               size=Decimal("100000"), focus_industries=["39", "65"])
    link = services.record_fund_investment(fund, firm, "2000", officer, date=clock.today() - dt.timedelta(days=3))
    investment = Investment.objects.get(enterprise=firm)
    assert link.investment == investment and investment.investor == fund.name and investment.amount == Decimal("2000.00")
    with pytest.raises(ValidationError):
        services.record_fund_investment(fund, firm, "-1", officer)
    assert Investment.objects.count() == 1


def test_a_fund_is_not_recommended_for_debt(firm, officer):
    fund = Fund.objects.create(name="债权测试基金", level=FundLevel.CITY, manager="m", size=Decimal("1000"))
    demand = services.post_demand(firm, 100, FinancingForm.DEBT, FinancingPurpose.RND, officer)
    with pytest.raises(ValidationError) as info:
        services.recommend(demand, officer, fund=fund)
    assert info.value.message_dict["fund"] == ["基金为股权投资，该需求为债权融资。"]
    assert FinancingDemand.objects.get(pk=demand.pk).state == DemandState.POSTED
