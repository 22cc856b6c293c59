import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import ExtractYear

from kechuang.techmarket.choices import ContractStatus, ContractType
from kechuang.techmarket.models import TechContract

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(make_enterprise):
    serial = iter(range(1, 1000))

    def make(seller=None, region="120116406", abroad=False, amount="100", tech=None, registered=dt.date(2022, 5, 1), **fields):
        status = ContractStatus.REGISTERED if registered else ContractStatus.APPLIED
        return TechContract.objects.create(
            registration_number=f"T{next(serial)}" if registered else "",
            name="合同",
            contract_type=fields.pop("contract_type", ContractType.DEVELOPMENT),
            seller=seller or make_enterprise(),
            buyer_name="买方",
            buyer_region_id=None if abroad else region,
            buyer_abroad=abroad,
            amount=Decimal(amount),
            tech_amount=Decimal(tech if tech is not None else amount),
            signed_on=dt.date(2022, 4, 1),
            applied_on=dt.date(2022, 4, 10),
            registered_on=registered,
            status=status,
            **fields,
        )

    return make


def test_buyer_location_splits_district_city_china_abroad(contract):
    expected = {
        contract(region="120116406").pk: "district",  # 中新天津生态城
        contract(region="120101").pk: "city",  # 和平区, same 直辖市
        contract(region="110108").pk: "china",  # 北京海淀
        contract(abroad=True).pk: "abroad",
    }
    got = dict(TechContract.objects.buyer_location().values_list("pk", "location"))
    assert got == expected


def test_turnover_counts_registered_in_period_from_district_sellers(contract, make_enterprise):
    outside = make_enterprise(region_id="110108")
    contract(amount="300.50", registered=dt.date(2022, 1, 1))
    contract(amount="200", registered=dt.date(2022, 12, 31))
    contract(amount="999", registered=dt.date(2023, 1, 1))
    contract(amount="777", registered=None)
    contract(seller=outside, amount="555")
    total = TechContract.objects.registered_between(dt.date(2022, 1, 1), dt.date(2022, 12, 31)).sold_from_district().turnover()
    assert total == Decimal("500.50")
    assert TechContract.objects.none().turnover() == Decimal("0")


def test_database_refuses_tech_amount_above_amount(contract):
    with pytest.raises(IntegrityError), transaction.atomic():
        contract(amount="10", tech="10.01")
    assert not TechContract.objects.exists()


def test_turnover_statistics_by_year_type_domain_and_location(contract, make_enterprise):
    electronics = make_enterprise(high_tech_domain_id="10101")
    materials = make_enterprise(high_tech_domain_id="40")
    contract(seller=electronics, amount="100", registered=dt.date(2021, 6, 1), region="120116406")
    contract(seller=electronics, amount="50.25", registered=dt.date(2022, 6, 1), region="120101", contract_type=ContractType.TRANSFER)
    contract(seller=materials, amount="30", registered=dt.date(2022, 7, 1), abroad=True, contract_type=ContractType.TRANSFER)
    contract(seller=materials, amount="999", registered=None)  # an application does not count
    registered = TechContract.objects.registered()
    assert registered.turnover_by_year() == {2021: Decimal("100"), 2022: Decimal("80.25")}
    assert registered.turnover_by_type() == {"development": Decimal("100"), "transfer": Decimal("80.25")}
    assert registered.turnover_by_domain() == {"10": Decimal("150.25"), "40": Decimal("30")}
    assert registered.turnover_by_location() == {
        "district": Decimal("100"), "city": Decimal("50.25"), "china": Decimal("0"), "abroad": Decimal("30"),
    }
    assert registered.turnover_by(year=ExtractYear("registered_on"), type=F("contract_type"))[1] == {
        "by_year": 2022, "by_type": "transfer", "total": Decimal("80.25"), "count": 2,
    }
