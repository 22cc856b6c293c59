import datetime as dt

import pytest

from kechuang.core import clock
from kechuang.core.choices import Role
from kechuang.vouchers import schemes
from kechuang.vouchers.models import Provider

SCHEME_TEXT = """\
code: test-circulation
name: 测试流通券
kind: circulation
year: {year}
budget: {budget}
subsidy_ratio: 0.5
cap_per_claim: 10
cap_per_enterprise: 20
categories: [检验检测, 临床试验, 智算]
eligible: {{in_district: true, tiers: []}}
valid_from: {start}
valid_to: {end}
claim_valid_days: 90
source: 津滨科发〔2024〕7号
verified: false
"""


def scheme_text(**overrides) -> str:
    today = clock.today()
    values = {"year": today.year, "budget": 500, "start": today - dt.timedelta(days=30), "end": today + dt.timedelta(days=120)}
    values.update(overrides)
    return SCHEME_TEXT.format(**values)


@pytest.fixture
def make_scheme(db):
    def make(**overrides):
        return schemes.store(schemes.parse(scheme_text(**overrides)))[0]

    return make


@pytest.fixture
def scheme(make_scheme):
    return make_scheme()


@pytest.fixture
def firm(make_enterprise, make_user):
    enterprise = make_enterprise("滨海测试科技有限公司")
    enterprise.members.add(make_user(Role.ENTERPRISE))
    return enterprise


@pytest.fixture
def provider(make_user):
    from conftest import valid_uscc

    provider = Provider.objects.create(
        uscc=valid_uscc(990001), name="天津检测认证中心", kind="testing", categories=["检验检测", "智算"], status="verified"
    )
    provider.users.add(make_user(Role.PROVIDER))
    return provider
