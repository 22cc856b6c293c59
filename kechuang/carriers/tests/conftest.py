import datetime as dt
from decimal import Decimal

import pytest

from kechuang.carriers.choices import CarrierKind, CarrierLevel, Cluster
from kechuang.carriers.models import Carrier
from kechuang.core.choices import Role


@pytest.fixture
def make_carrier(db, make_enterprise):
    def make(code="c1", kind=CarrierKind.INCUBATOR, level=CarrierLevel.NATIONAL, **fields):
        fields.setdefault("operator", make_enterprise(f"{code}运营公司"))
        fields.setdefault("floor_area", Decimal("12000"))
        return Carrier.objects.create(code=code, name=fields.pop("name", f"{code}孵化器"), kind=kind, level=level,
                                      cluster=fields.pop("cluster", Cluster.CENTRAL), region_id="120116406", **fields)

    return make


@pytest.fixture
def carrier(make_carrier):
    return make_carrier()


@pytest.fixture
def operator_user(make_user, carrier):
    user = make_user(Role.CARRIER, "op1")
    carrier.members.add(user)
    return user


@pytest.fixture
def young_firm(make_enterprise):
    return make_enterprise("青雏科技", established=dt.date(2022, 3, 1))
