import datetime as dt
from decimal import Decimal

import pytest

from kechuang.core.choices import Role
from kechuang.techmarket import services
from kechuang.techmarket.choices import AchievementStatus, ContractType, InstitutionKind, SolutionMode
from kechuang.techmarket.models import Achievement, Demand, Institution, TechContract



@pytest.fixture
def institution(make_user):
    inst = Institution.objects.create(name="天津大学", kind=InstitutionKind.UNIVERSITY)
    inst.users.add(make_user(Role.INSTITUTION))
    return inst


@pytest.fixture
def make_achievement(institution, officer):
    def make(title="建筑能效诊断与节能改造", summary="为公共建筑提供能效诊断、节能改造方案。", owner=None, **fields):
        fields.setdefault("maturity", 6)
        fields.setdefault("status", AchievementStatus.PUBLISHED)
        return services.save_achievement(
            Achievement(title=title, summary=summary, owner=owner or institution, **fields), officer
        )

    return make


@pytest.fixture
def make_demand(make_enterprise, make_user, officer):
    def make(title="厂房电费太高", problem="厂房每月电费太高，希望降低能耗。", enterprise=None, **fields):
        if enterprise is None:
            enterprise = make_enterprise()
            enterprise.members.add(make_user(Role.ENTERPRISE))
        fields.setdefault("solution_mode", SolutionMode.COOPERATIVE)
        return services.save_demand(Demand(enterprise=enterprise, title=title, problem=problem, **fields), officer)

    return make


@pytest.fixture
def application(make_enterprise):
    """An unsaved contract application signed 2022-03-01, applied 10 days later."""

    def make(**fields):
        values = dict(
            name="智能楼宇能耗监测系统技术开发",
            contract_type=ContractType.DEVELOPMENT,
            subtype="entrusted",
            seller=fields.pop("seller", None) or make_enterprise(),
            buyer_name="天津某建设集团",
            buyer_region_id="120101",
            amount=Decimal("120"),
            tech_amount=Decimal("100"),
            signed_on=dt.date(2022, 3, 1),
            applied_on=dt.date(2022, 3, 11),
        )
        values.update(fields)
        return TechContract(**values)

    return make
