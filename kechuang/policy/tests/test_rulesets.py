"""Each rule set against real-looking profiles with hand-computed results, on the boundaries."""
import pytest

from kechuang.policy.rules import apply_change, compile_text, default_registry, evaluate

from .factories import AS_OF, crit, ip, profile, with_year, year


def ev(key, p, as_of=AS_OF):
    return evaluate(p, default_registry().get(key), as_of)


# ---- 国科小 (tsme) -----------------------------------------------------------------------------

def tsme_profile(tech_staff=10, rd=60, sales=1000, cost=2000, ips=None, **kw):
    return profile(years=[year(2021, employees=100, tech_staff=tech_staff, rd_expense=rd, sales_revenue=sales,
                               cost_total=cost)], ip=ip() if ips is None else ips, **kw)


def test_tsme_score_hand_computed():
    # tech 10/100 = 10% -> 4; R&D 60/1000 = 6% -> 50 (cost ratio 3% -> 0); one invention patent -> 30
    r = ev("tsme", tsme_profile())
    assert r["status"] == "eligible"
    assert r["score"] == 84 and r["score_range"] is None
    assert crit(r, "tech_staff_ratio")["points"] == 4
    assert crit(r, "tech_staff_ratio")["value"] == pytest.approx(0.10)
    assert crit(r, "tech_staff_ratio")["threshold"] == 0.10
    assert crit(r, "rd_sales_ratio")["points"] == 50
    assert crit(r, "rd_input")["points"] == 50
    assert crit(r, "ip_score")["points"] == 30
    assert crit(r, "tech_staff_ratio")["year"] == 2021
    assert r["gaps"] == []


def test_tsme_exactly_ten_percent_tech_staff_passes_and_below_fails():
    below = ev("tsme", tsme_profile(tech_staff=9))
    assert crit(below, "tech_staff_ratio")["points"] == 0
    assert crit(below, "tech_staff_ratio")["passed"] is False
    assert below["score"] == 80  # score is enough, the tech-staff item is 0
    assert below["status"] == "ineligible"
    assert below["gaps"] == [{"criterion": "tech_staff_ratio", "message": "科技人员还需增加 1 人",
                              "change": {"year": 2021, "tech_staff": 1}}]
    fixed = ev("tsme", apply_change(tsme_profile(tech_staff=9), below["gaps"][0]["change"], AS_OF))
    assert fixed["status"] == "eligible"


def test_tsme_r_and_d_takes_the_better_ratio():
    # sales ratio 20/1000 = 2% -> 10; cost ratio 20/100 = 20% -> 30: max = 30
    r = ev("tsme", tsme_profile(rd=20, cost=100))
    assert crit(r, "rd_sales_ratio")["points"] == 10
    assert crit(r, "rd_cost_ratio")["points"] == 30
    assert crit(r, "rd_input")["points"] == 30


def test_tsme_ip_bands():
    two_utility = ip("utility_model", n=2)
    r = ev("tsme", tsme_profile(ips=two_utility))
    assert crit(r, "ip_score")["points"] == 12
    assert r["score"] == 4 + 50 + 12


def test_tsme_direct_qualification_without_score():
    p = tsme_profile(tech_staff=0, rd=0, ips=[],
                     certificates=[{"kind": "hnte", "number": "GR1", "issued": "2020-12-01", "expires": "2023-11-30"}])
    r = ev("tsme", p)
    assert r["score"] == 0
    assert crit(r, "d1_hnte")["passed"] is True
    assert r["status"] == "eligible"
    # the certificate no longer counts after it expired; 2022's figures are missing -> needs review
    later = ev("tsme", p, "2023-12-01")
    assert crit(later, "d1_hnte")["passed"] is False
    assert later["status"] == "needs_review"
    p["years"].append(year(2022, employees=100, tech_staff=0, rd_expense=0))
    assert ev("tsme", p, "2023-12-01")["status"] == "ineligible"


def test_tsme_size_limits_inclusive():
    assert crit(ev("tsme", with_year(tsme_profile(), 2021, employees=500, tech_staff=50)), "employees_max")["passed"] is True
    r = ev("tsme", with_year(tsme_profile(), 2021, employees=501, tech_staff=51))
    assert crit(r, "employees_max")["passed"] is False
    assert r["gaps"][0]["change"] == {"year": 2021, "employees": -1}
    assert crit(ev("tsme", with_year(tsme_profile(), 2021, sales_revenue=20000, rd_expense=1200)), "sales_max")["passed"] is True
    assert crit(ev("tsme", with_year(tsme_profile(), 2021, total_assets=20000.01)), "assets_max")["passed"] is False


def test_tsme_excluded_industry_is_provisional_and_not_fixable():
    r = ev("tsme", tsme_profile(industry_code="5111"))
    c = crit(r, "industry_allowed")
    assert c["passed"] is False and c["verified"] is False
    assert r["status"] == "ineligible"
    assert r["fixable"] is False
    assert r["gaps"][0]["change"] is None


def test_tsme_missing_figure_is_missing_not_zero():
    p = tsme_profile()
    del p["years"][0]["employees"]
    r = ev("tsme", p)
    c = crit(r, "employees_max")
    assert c["passed"] is None and c["missing"] is True and c["value"] is None
    assert crit(r, "tech_staff_ratio")["points"] == [0, 20]
    assert r["status"] == "needs_review"
    assert r["score"] is None and r["score_range"] == [80, 100]


def test_tsme_missing_last_year_entirely():
    r = ev("tsme", profile(years=[year(2020)]))
    assert r["status"] == "needs_review"
    assert crit(r, "sales_max")["missing"] is True


def test_tsme_score_gap_re_evaluates_to_pass():
    p = tsme_profile(tech_staff=10, rd=20, cost=2000, ips=ip("utility_model"))  # 4 + 10 + 6 = 20
    r = ev("tsme", p)
    assert r["score"] == 20 and r["status"] == "ineligible"
    (gap,) = r["gaps"]
    assert gap["criterion"] == "score_60"
    assert gap["message"].startswith("综合得分还差 40 分")
    fixed = ev("tsme", apply_change(p, gap["change"], AS_OF))
    assert crit(fixed, "score_60")["passed"] is True


# ---- 高企 (hnte) -------------------------------------------------------------------------------

def hnte_profile(**kw):
    base = dict(years=[year(y, sales_revenue=3000, rd_expense=150, rd_expense_domestic=150, total_income=3000,
                            high_tech_revenue=1800, net_assets=2000) for y in (2019, 2020, 2021)],
                ip=ip("utility_model"))
    base.update(kw)
    return profile(**base)


def test_hnte_expert_range_straddles_70_needs_review():
    r = ev("hnte", hnte_profile())
    # R&D 450/9000 = 5% (threshold 5% for sales <= 5000) passes; hi-tech revenue 1800/3000 = 60% passes
    assert crit(r, "rd_ratio")["passed"] is True
    assert crit(r, "rd_ratio")["threshold"] == 0.05
    assert crit(r, "rd_ratio")["year"] == [2019, 2021]
    assert crit(r, "hitech_revenue_ratio")["passed"] is True
    # IP: quantity [1,2] + acquisition [1,6] + experts [0,8]+[0,8] = [2,24]; conversion [0,30];
    # management [0,20]; growth 0 (flat) -> [2, 74]
    assert r["score_range"] == [2, 74]
    assert crit(r, "innovation_score")["passed"] is None
    assert r["status"] == "needs_review"


def test_hnte_rd_threshold_tier_by_last_year_sales():
    at_p = hnte_profile(years=[year(y, sales_revenue=5000, rd_expense=225) for y in (2019, 2020, 2021)])
    at = ev("hnte", at_p)
    assert crit(at, "rd_ratio")["threshold"] == 0.05  # 4.5% < 5%
    assert crit(at, "rd_ratio")["passed"] is False
    over = hnte_profile(years=[year(y, sales_revenue=5000, rd_expense=225) for y in (2019, 2020)]
                        + [year(2021, sales_revenue=5000.01, rd_expense=225)])
    r = ev("hnte", over)
    assert crit(r, "rd_ratio")["threshold"] == 0.04
    assert crit(r, "rd_ratio")["passed"] is True
    gap = next(g for g in at["gaps"] if g["criterion"] == "rd_ratio")
    assert gap["message"] == "研发费用还需增加 75 万元"  # 15000 * 5% = 750, has 675
    assert crit(ev("hnte", apply_change(at_p, gap["change"], AS_OF)), "rd_ratio")["passed"] is True


def test_hnte_one_year_of_operation():
    assert crit(ev("hnte", hnte_profile(established="2021-06-30")), "established_one_year")["passed"] is True
    young = ev("hnte", hnte_profile(established="2021-07-01"))
    assert crit(young, "established_one_year")["passed"] is False
    assert young["fixable"] is False


def test_hnte_younger_firm_uses_its_years():
    r = ev("hnte", hnte_profile(established="2020-03-01"))
    assert crit(r, "rd_ratio")["year"] == [2020, 2021]
    assert crit(r, "sales_growth")["year"] == [2020, 2021]


def test_hnte_growth_formula_and_special_cases():
    def g(values, field="sales_revenue"):
        p = hnte_profile(years=[year(y, **{field: v}) for y, v in zip((2019, 2020, 2021), values)])
        return crit(ev("hnte", p), "sales_growth")

    c = g([1000, 1200, 1500])  # ½(1.2 + 1.25) − 1 = 0.225 -> band C [5, 6]
    assert c["value"] == pytest.approx(0.225)
    assert c["points"] == [5, 6]
    assert g([0, 1000, 1400])["value"] == pytest.approx(0.4)  # first year 0 -> last two years
    assert g([1000, 0, 1400])["value"] == 0 and g([1000, 0, 1400])["points"] == 0  # second year 0 -> 0
    assert g([1000, 900, 800])["points"] == 0  # negative -> 0
    assert g([1000, 1000, 1000.02])["points"] == [1, 2]  # just above 0 -> E


def test_hnte_domestic_rd_gap_moves_both_figures():
    p = hnte_profile(years=[year(y, rd_expense=150, rd_expense_domestic=80) for y in (2019, 2020, 2021)])
    r = ev("hnte", p)
    gap = next(g for g in r["gaps"] if g["criterion"] == "rd_domestic_ratio")
    assert set(gap["change"]) == {"year", "rd_expense_domestic", "rd_expense"}
    fixed = ev("hnte", apply_change(p, gap["change"], AS_OF))
    assert crit(fixed, "rd_domestic_ratio")["passed"] is True


def test_score_bar_70_is_exclusive():
    text = """
key: bar
version: "1"
name: t
issuer: t
document_number: t
effective_from: 2020-01-01
sources: [t]
rule:
  all:
    - {id: s, label: 得分高于70, score: {gt: 70}}
score:
  items:
    - id: x
      label: x
      measure: {year: employees}
      bands:
        - {gte: 71, points: 71}
        - {gte: 70, points: 70}
        - {gte: 60, points: [60, 75]}
"""
    rs = compile_text(text)
    assert rs.evaluate(profile(years=[year(2021, employees=70)]), AS_OF)["status"] == "ineligible"
    assert rs.evaluate(profile(years=[year(2021, employees=71)]), AS_OF)["status"] == "eligible"
    r = rs.evaluate(profile(years=[year(2021, employees=65)]), AS_OF)
    assert r["status"] == "needs_review" and r["score_range"] == [60, 75]


# ---- 雏鹰 (chuying) ----------------------------------------------------------------------------

@pytest.mark.parametrize("established, ok", [
    ("2013-12-31", False),  # exactly 8 years before 2021-12-31: not "within 8 years"
    ("2014-01-01", True),
    ("2021-12-31", True),
    ("2022-01-01", False),  # registered in the application year
])
def test_chuying_eight_year_window_edges(established, ok):
    r = ev("chuying", profile(established=established, years=[year(2021, revenue=50)]))
    assert crit(r, "registration_window")["passed"] is ok
    assert r["status"] == ("eligible" if ok else "ineligible")


def test_chuying_window_threshold_reported_as_dates():
    c = crit(ev("chuying", profile()), "registration_window")
    assert c["threshold"] == {"gt": "2013-12-31", "lte": "2021-12-31"}


def test_chuying_revenue_ten_wan_yuan():
    assert ev("chuying", profile(years=[year(2021, revenue=10)]))["status"] == "eligible"
    r = ev("chuying", profile(years=[year(2021, revenue=9.99)]))
    assert r["status"] == "ineligible"
    assert r["gaps"] == [{"criterion": "revenue_min", "message": "营业收入还需增加 0.01 万元",
                          "change": {"year": 2021, "revenue": 0.01}}]


def test_chuying_any_one_of_nine():
    none = profile(ip=ip("utility_model"), years=[year(2021, revenue=50)])
    r = ev("chuying", none)
    assert r["status"] == "ineligible"
    assert crit(r, "any_of_four")["passed"] is False
    assert r["gap_count"] == 1
    assert r["gaps"][0]["message"] == "还需 1 项Ⅰ类知识产权"
    assert ev("chuying", apply_change(none, r["gaps"][0]["change"], AS_OF))["status"] == "eligible"
    for extra in [
        {"ip": ip("utility_model", n=2)},
        {"investments": [{"date": "2020-05-01", "amount": 100, "investor": "基金"}]},
        {"standards": [{"level": "enterprise", "year": 2019, "role": "participant"}]},
        {"competitions": [{"level": "provincial", "award": "third", "year": 2020}]},
        {"certificates": [{"kind": "tj_hnte", "number": "T1", "issued": "2021-01-01", "expires": "2023-12-31"}]},
        {"projects": [{"level": "provincial", "year": 2020}]},
    ]:
        assert ev("chuying", {**none, **extra})["status"] == "eligible", extra
    for extra in [
        {"investments": [{"date": "2020-05-01", "amount": 99.99, "investor": "基金"}]},
        {"competitions": [{"level": "provincial", "award": "excellence", "year": 2020}]},
        {"investments": [{"date": "2022-07-01", "amount": 500, "investor": "未来"}]},
    ]:
        assert ev("chuying", {**none, **extra})["status"] == "ineligible", extra


def test_chuying_tianjin_conditions():
    r = ev("chuying", profile(region_code="110108"))
    assert crit(r, "registered_tianjin")["passed"] is False
    r = ev("chuying", profile(flags={"research_misconduct": True}))
    assert crit(r, "no_research_misconduct")["passed"] is False
    assert crit(r, "not_abnormal_operation")["missing"] is True


# ---- 领军 / 领军培育 -----------------------------------------------------------------------------

def lj(revenues, **kw):
    ys = [year(y, revenue=v, rd_expense=v * 0.03) for y, v in zip((2019, 2020, 2021), revenues) if v is not None]
    kw.setdefault("ip", ip(n=3))
    return profile(years=ys, **kw)


def test_lingjun_peiyu_growth_formula():
    r = ev("lingjun_peiyu", lj([20000, 22000, 21000]))
    c = crit(r, "revenue_growth")
    assert c["value"] == pytest.approx(0.5 * (22000 / 20000 + 21000 / 22000) - 1)
    assert r["status"] == "eligible"
    assert ev("lingjun", lj([20000, 22000, 21000]))["status"] == "ineligible"  # 5亿 needed
    declining = ev("lingjun_peiyu", lj([24000, 22000, 21000]))
    assert crit(declining, "revenue_growth")["passed"] is False
    gap = next(g for g in declining["gaps"] if g["criterion"] == "revenue_growth")
    assert crit(ev("lingjun_peiyu", apply_change(lj([24000, 22000, 21000]), gap["change"], AS_OF)),
                "revenue_growth")["passed"] is True


def test_lingjun_missing_year_needs_review():
    p = lj([20000, 22000, 21000])
    p["years"] = [y for y in p["years"] if y["year"] != 2020]
    r = ev("lingjun_peiyu", p)
    assert crit(r, "revenue_growth")["missing"] is True
    assert r["status"] == "needs_review"


def test_lingjun_young_firm_uses_two_years():
    r = ev("lingjun_peiyu", lj([None, 20000, 21000], established="2020-02-01"))
    assert crit(r, "revenue_growth")["value"] == pytest.approx(21000 / 20000 - 1)


def test_lingjun_ip_alternatives():
    assert crit(ev("lingjun", lj([50000, 52000, 53000])), "ip_holding")["passed"] is False
    r = ev("lingjun", lj([50000, 52000, 53000]))
    gap = next(g for g in r["gaps"] if g["criterion"].startswith("ip_"))
    assert gap["message"] == "还需 17 项有效知识产权"  # 20 − 3 on the first alternative
    assert ev("lingjun", lj([50000, 52000, 53000], ip=ip(n=5)))["status"] == "eligible"


# ---- 瞪羚 (placeholder) ------------------------------------------------------------------------

def test_dengling_is_marked_provisional():
    rs = default_registry().get("dengling")
    counts = rs.counts()
    assert counts["provisional"] >= 10
    assert crit(ev("dengling", profile()), "rd_intensity_4y")["verified"] is False
    assert crit(ev("dengling", profile()), "registered_tianjin")["verified"] is True


def test_dengling_placeholder_hand_computed():
    # revenue 1,500 → 2,600 over Y-4..Y-1: 2600 / 1500 = 1.733 ≥ 1.728 (CAGR ≥ 20%), base 1,500 > 1,000,
    # last year grew (2600 > 2200); R&D 4-year total 280 / 8100 = 3.5% > 2.5%
    revenues = {2018: 1500, 2019: 1800, 2020: 2200, 2021: 2600}
    p = profile(established="2012-05-01",
                years=[year(y, revenue=v, rd_expense=70) for y, v in revenues.items()])
    r = ev("dengling", p)
    assert crit(r, "rd_intensity_4y")["value"] == pytest.approx(280 / 8100)
    assert crit(r, "rd_intensity_4y")["year"] == [2018, 2021]
    assert crit(r, "revenue_cagr_20")["value"] == pytest.approx(2600 / 1500)
    assert r["status"] == "eligible"
    slower = with_year(p, 2021, revenue=2590)  # 2590 / 1500 = 1.7267 < 1.728
    r = ev("dengling", slower)
    assert r["status"] == "ineligible"
    gap = next(g for g in r["gaps"] if g["criterion"] == "revenue_cagr_20")
    assert gap["change"] == {"year": 2021, "revenue": 2.0}  # 1500 × 1.728 = 2592
