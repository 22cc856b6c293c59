import datetime as dt
from decimal import Decimal

import pytest

from kechuang.core.models import Department
from kechuang.plan.apps import SEED_PLAN_CODE
from kechuang.plan.models import Plan
from kechuang.registry.models import Certificate, IntellectualProperty


@pytest.fixture
def seed_plan(db):
    return Plan.objects.get(code=SEED_PLAN_CODE)


@pytest.fixture
def departments(db):
    return {
        code: Department.objects.create(code=code, name=name)
        for code, name in (("keji", "科技和工业信息化局"), ("fagai", "发展改革局"), ("caizheng", "财政局"))
    }


@pytest.fixture
def make_patent(db):
    serial = iter(range(1, 10_000))

    def make(*owners, granted=dt.date(2021, 5, 1), expires=None, status="valid", kind="invention_patent"):
        ip = IntellectualProperty.objects.create(
            number=f"ZL2021{next(serial):07d}", kind_id=kind, title="一种测试方法", granted=granted, expires=expires, status=status
        )
        ip.owners.set(owners)
        return ip

    return make


@pytest.fixture
def make_certificate(db):
    serial = iter(range(1, 10_000))

    def make(enterprise, kind, issued=dt.date(2020, 10, 1), expires=dt.date(2023, 9, 30)):
        return Certificate.objects.create(enterprise=enterprise, kind=kind, number=f"GR{next(serial):06d}", issued=issued, expires=expires)

    return make


@pytest.fixture
def make_contract(db):
    from kechuang.techmarket.models import TechContract

    serial = iter(range(1, 10_000))

    def make(seller, amount, tech_amount=None, registered_on=dt.date(2022, 6, 1), status="registered"):
        return TechContract.objects.create(
            name="技术开发合同", contract_type="development", seller=seller, buyer_name="某买方", buyer_abroad=True,
            amount=Decimal(amount), tech_amount=Decimal(tech_amount if tech_amount is not None else amount),
            signed_on=registered_on - dt.timedelta(days=10), registered_on=registered_on, status=status,
            registration_number=f"12011640{next(serial):06d}" if status == "registered" else "",
        )

    return make
