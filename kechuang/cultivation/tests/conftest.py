import datetime as dt

import pytest

from kechuang.cultivation import services
from kechuang.cultivation.choices import Tier
from kechuang.registry.models import Certificate

D = dt.date


@pytest.fixture
def enrolled(make_enterprise, officer):
    """`enrolled(n)`: n enterprises selected for 国高企 on 2022-02-01 and enrolled on 2022-03-01."""

    def make(n=1, tier=Tier.HNTE, year=2022):
        enterprises = [make_enterprise() for _ in range(n)]
        rows = services.select_candidates(enterprises, tier, year, officer, on=D(year, 2, 1))
        return services.enrol(rows, officer, officer, on=D(year, 3, 1))

    return make


@pytest.fixture
def certificate():
    serial = iter(range(1, 10_000))

    def make(enterprise, kind=Tier.HNTE, issued=D(2022, 12, 1), expires=D(2025, 11, 30)):
        return Certificate.objects.create(
            enterprise=enterprise, kind=kind, number=f"GR2022{next(serial):06d}", issued=issued, expires=expires
        )

    return make
