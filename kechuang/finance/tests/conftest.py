import datetime as dt
from decimal import Decimal

import pytest

from kechuang.core import clock
from kechuang.core.choices import Role
from kechuang.registry.models import IntellectualProperty, YearlyData


@pytest.fixture
def firm(make_enterprise, make_user):
    enterprise = make_enterprise("滨海上市后备科技有限公司", industry_id="3911")
    enterprise.members.add(make_user(Role.ENTERPRISE))
    return enterprise


def add_years(enterprise, rows):
    """rows: {year: {field: value}}"""
    for year, values in rows.items():
        YearlyData.objects.create(enterprise=enterprise, year=year,
                                  **{k: (Decimal(str(v)) if k not in ("employees", "tech_staff") else v) for k, v in values.items()})


def add_patents(enterprise, n, kind="invention_patent", prefix="ZL"):
    for i in range(n):
        ip = IntellectualProperty.objects.create(number=f"{prefix}{enterprise.pk:04d}{i:04d}", kind_id=kind, title=f"专利{i}",
                                                 granted=dt.date(2020, 1, 1))
        ip.owners.add(enterprise)


@pytest.fixture
def star_firm(firm):
    """Meets 科创属性 on every count but R&D intensity (4.1 % over three years) and the STAR revenue legs."""
    y = clock.today().year
    add_years(firm, {
        y - 3: {"revenue": 20000, "rd_expense": 800, "employees": 200, "tech_staff": 40},
        y - 2: {"revenue": 26000, "rd_expense": 1066, "employees": 200, "tech_staff": 40},
        y - 1: {"revenue": 34000, "rd_expense": 1400, "employees": 200, "tech_staff": 40},
    })
    add_patents(firm, 8)
    return firm
