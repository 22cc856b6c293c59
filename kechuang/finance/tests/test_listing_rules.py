"""The listing standards and 科创属性 as policy rule sets: the explanation and gap of a candidate, the
figures a pool entry supplies, the registry screening's suggestions, and bulk = single."""
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.core import clock
from kechuang.finance import listing
from kechuang.finance.choices import Board
from kechuang.finance.models import ListingEntry, ListingScreening
from kechuang.policy.rules import compile_text, evaluate_bulk
from kechuang.policy.rules.errors import RuleSetError
from kechuang.policy.tests.strategies import AS_OFS, profiles
from kechuang.registry.models import YearlyData

RULESETS = listing.registry().all()


def _criterion(result, cid):
    return next(c for c in result["criteria"] if c["id"] == cid)


def test_four_boards_compile_with_sources():
    assert sorted(rs.key for rs in RULESETS) == ["listing_bse", "listing_chinext", "listing_main", "listing_star"]
    for rs in RULESETS:
        assert rs.sources and rs.nodes["standards"].children


def test_candidate_explanation_names_the_figure_and_the_requirement(star_firm):
    result = listing.evaluate(star_firm, Board.STAR)
    rd = _criterion(result, "kcsx_rd_ratio")
    assert rd["passed"] is False
    assert rd["sentence"] == "最近三年累计研发投入占累计营业收入比例 4.1%，科创板要求 ≥ 5%"
    assert _criterion(result, "kcsx_revenue_cagr")["sentence"] == "最近三年营业收入复合增长率 30.4%，科创板要求 ≥ 25%"
    assert _criterion(result, "star_std4_mv")["sentence"] == "预计市值未填报，需核实，科创板要求 ≥ 300,000 万元"
    assert result["status"] == "ineligible"
    # the one gap: R&D up to 5 % of three years' revenue (80,000 万元 → 4,000), 3,266 now
    assert [g["message"] for g in result["gaps"]] == ["研发费用还需增加 734 万元"]


def test_meeting_kcsx_leaves_the_market_value_for_review(star_firm):
    YearlyData.objects.filter(enterprise=star_firm, year=clock.today().year - 1).update(rd_expense=Decimal("2200"))
    result = listing.evaluate(star_firm, Board.STAR)
    assert _criterion(result, "star_kcsx")["passed"] is True
    assert result["status"] == "needs_review"


def test_a_pool_entry_supplies_the_figures_the_registry_lacks(star_firm, officer):
    YearlyData.objects.filter(enterprise=star_firm, year=clock.today().year - 1).update(rd_expense=Decimal("2200"))
    entry = ListingEntry(enterprise=star_firm, board=Board.STAR, stage_on=clock.today(), entered_on=clock.today(),
                         market_value=Decimal("320000"), share_capital_after=Decimal("8000"))
    result = listing.evaluate_entry(entry)
    assert result["status"] == "eligible"  # 第四套: 市值 ≥ 30亿 and 营收 ≥ 3亿
    assert _criterion(result, "star_std4")["passed"] is True
    entry.market_value = Decimal("250000")
    assert listing.evaluate_entry(entry)["status"] == "needs_review"  # 第一套 still open: profits not entered


def test_screening_suggests_by_a_standard_the_registry_can_check(star_firm, make_enterprise):
    small = make_enterprise("小微科技有限公司")
    y = clock.today().year
    for year in (y - 3, y - 2, y - 1):
        YearlyData.objects.create(enterprise=small, year=year, revenue=Decimal("800"), rd_expense=Decimal("100"),
                                  employees=20, tech_staff=8)
    YearlyData.objects.filter(enterprise=star_firm, year=y - 1).update(rd_expense=Decimal("2200"))
    counts = listing.screen()
    assert counts["enterprises"] == 2
    star = ListingScreening.objects.get(enterprise=star_firm, board=Board.STAR)
    assert star.suggested and star.standard == "star_std1" and star.status == "needs_review"
    # 创业板's first standard names profits only: the registry suggests by its second or third
    chinext = ListingScreening.objects.get(enterprise=star_firm, board=Board.CHINEXT)
    assert chinext.suggested and chinext.standard == "chinext_std3"
    assert not ListingScreening.objects.filter(enterprise=small, suggested=True).exists()


def test_compound_growth_and_external_measures_are_checked_by_the_loader():
    head = ("key: t\nversion: '1'\nname: t\nissuer: t\ndocument_number: t\neffective_from: 2024-01-01\n"
            "sources: [t]\nrule:\n  all:\n    - id: a\n      label: a\n")
    with pytest.raises(RuleSetError, match="years must be an integer 2..10"):
        compile_text(head + "      measure: {cagr: {field: revenue, years: 1}}\n      gte: 0.2\n")
    with pytest.raises(RuleSetError, match="unit must be one of"):
        compile_text(head + "      measure: {external: {name: mv, label: 市值, unit: yuan}}\n      gte: 1\n")


@st.composite
def batches(draw):
    as_of = draw(st.sampled_from(AS_OFS + [dt.date(2026, 6, 30)]))
    return as_of, draw(st.lists(profiles(as_of), min_size=1, max_size=6))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batches())
def test_bulk_equals_single_for_the_listing_rule_sets(batch):
    as_of, profs = batch
    bulk = evaluate_bulk(profs, RULESETS, as_of)
    for rs in RULESETS:
        for profile, got in zip(profs, bulk[rs.key]):
            expected = {k: v for k, v in rs.evaluate(profile, as_of, gaps=False).items() if k != "gaps"}
            assert {k: v for k, v in got.items() if k != "gaps"} == expected, (rs.key, profile)
