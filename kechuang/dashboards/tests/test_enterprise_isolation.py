"""An enterprise user sees no other enterprise's data anywhere: every page and API list of every app
that takes no argument is fetched (pages also as their .xlsx export) with another enterprise's records
present in each domain, and the other enterprise's name and code must never come back."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kechuang.core.choices import Role
from kechuang.cultivation import services as cultivation
from kechuang.dashboards.tests.urlwalk import argument_free_urls
from kechuang.policy.models import ScreeningResult, ScreeningRun
from kechuang.registry.models import Certificate, YearlyData
from kechuang.techmarket.choices import ContractType, SolutionMode
from kechuang.techmarket.models import Demand, TechContract

OTHER_NAME = "玄鸟隐秘生物医药有限公司"
@pytest.fixture
def other_enterprise_everywhere(make_enterprise, officer):
    other = make_enterprise(name=OTHER_NAME)
    YearlyData.objects.create(enterprise=other, year=2025, employees=80, tech_staff=30, revenue=Decimal("5000"))
    Certificate.objects.create(enterprise=other, kind="hnte", number="GR202512000999", issued=dt.date(2025, 12, 1))
    Demand.objects.create(
        enterprise=other, title=f"{OTHER_NAME}的保密需求", problem="细胞培养基依赖进口，成本太高。",
        solution_mode=SolutionMode.COOPERATIVE, posted_on=dt.date(2026, 1, 5),
    )
    TechContract.objects.create(
        name=f"{OTHER_NAME}技术开发合同", contract_type=ContractType.DEVELOPMENT, seller=other,
        buyer_name="天津某医院", buyer_region_id="120101", amount=Decimal("300"), tech_amount=Decimal("250"),
        signed_on=dt.date(2026, 3, 1), applied_on=dt.date(2026, 3, 5),
    )
    now = timezone.now()
    run = ScreeningRun.objects.create(as_of=dt.date(2026, 6, 30), started=now, finished=now)
    ScreeningResult.objects.create(
        run=run, enterprise=other, ruleset_key="chuying", ruleset_version="2021", as_of=run.as_of,
        status="eligible", score=None, gap_count=0, criteria=[], gaps=[],
    )
    cultivation.select_candidates([other], "chuying", 2026, officer, on=dt.date(2026, 7, 1))
    return other


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(response.content))
        return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
    return response.content.decode(errors="replace")


@pytest.mark.django_db
def test_no_page_or_api_list_shows_an_enterprise_user_another_enterprise(
    client, make_enterprise, make_user, other_enterprise_everywhere
):
    own = make_enterprise(name="青松自有智能科技有限公司")
    user = make_user(Role.ENTERPRISE)
    own.members.add(user)
    client.force_login(user)
    other = other_enterprise_everywhere
    urls = argument_free_urls()
    assert "/registry/enterprises/" in urls and "/techmarket/demands/" in urls and "/api/registry/enterprises/" in urls
    fetched = 0
    for url in urls:
        for query in ("", "?export=xlsx"):
            response = client.get(url + query)
            if response.status_code != 200:
                continue
            fetched += 1
            body = _text(response)
            assert OTHER_NAME not in body and other.uscc not in body, f"{url}{query} shows another enterprise"
    assert fetched > 20


@pytest.mark.django_db
def test_the_walk_would_see_the_other_enterprise_as_an_officer(client, officer, other_enterprise_everywhere):
    client.force_login(officer)
    seen = [url for url in argument_free_urls() if OTHER_NAME in _text(client.get(url))]
    assert {"/registry/enterprises/", "/techmarket/demands/", "/techmarket/contracts/"} <= set(seen)
