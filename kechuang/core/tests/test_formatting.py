"""The formatting layer: figures, units, percentages, years, 万/亿 and criteria as a bureau writes them."""
import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from kechuang.core import formatting as f
from kechuang.core.tables import Column


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_figures_are_grouped_by_three_with_their_unit_once():
    assert f.number(1617) == "1,617" and f.number(Decimal("785883.52")) == "785,883.52"
    assert f.number(Decimal("1200.000000")) == "1,200" and f.number(0.125) == "0.13" and f.number(None) == "—"
    assert f.number("不详") == "不详" and f.number(-1234.5, 2) == "-1,234.50"
    assert f.with_unit(1617, "家") == "1,617 家" and f.with_unit(None, "家") == "—"
    assert f.money(Decimal("785883.5")) == "785,883.50 万元"
    assert f.percent(0.4649) == "46.5%" and f.percent(Decimal("0.6"), None) == "60%" and f.percent(None) == "—"


def test_years_are_years_and_large_figures_read_in_wan_and_yi():
    assert f.year(dt.date(2020, 1, 1)) == "2020" and f.year("2020-01-01") == "2020" and f.year(2021) == "2021"
    assert f.scale_for([785883.52], "万元") == (10_000, "亿元") and f.scale_for([9999], "万元") == (1, "万元")
    assert f.scale_for([23_456], "家") == (10_000, "万家") and f.scale_for([3e8], "") == (100_000_000, "亿")
    assert f.scaled(785883.52, "万元") == "78.59 亿元" and f.scaled(230, "件") == "230 件"


def test_criteria_are_written_in_chinese():
    assert f.condition_text("<=", 500, "人") == "不超过 500 人"
    assert f.condition_text(">=", 0.6, "%") == "不低于 60%"
    assert f.condition_text("not starts with", ["71", "81", "82"], subject="注册地区划代码") == "注册地区划代码不以 71、81、82 开头"
    assert f.condition_text("starts with", ["12"], subject="注册地区划代码") == "注册地区划代码以 12 开头"
    assert f.condition_text(">", 2000, "万元") == "高于 2,000 万元"
    assert f.condition_text("<=", "2021-06-30") == "不晚于 2021-06-30"
    assert f.condition_text(None, {"gte": 1, "lte": 5}, "件") == "不低于 1 件且不超过 5 件"
    assert f.condition_text("==", False) == "否" and f.condition_text(">=", None) == "—"
    assert f.criterion_unit("years.employees") == "人" and f.criterion_unit("years.rd_expense / years.revenue") == "%"
    assert f.criterion_unit("ip") == "件" and f.criterion_unit("region_code") == ""


def test_a_ratio_near_its_threshold_is_never_rounded_onto_it():
    assert f.figure_text(0.02996, "%") == "2.996%" and f.figure_text([0.03, 0.05], "%") == "3%–5%"
    assert f.figure_text([20, 94], "分") == "20–94 分" and f.figure_text(True) == "是"
    assert f.figure_text("120116406") == "120116406" and f.figure_text(3491, "") == "3,491"


def test_score_ranges_are_explained():
    assert f.score_range_text(20, 94) == "专家评分项未定，可能得分 20–94"
    assert f.score_range_text(70, 70) == "70"


def test_template_filters():
    html = Template(
        "{% load formatting %}{{ a|num }}|{{ b|money }}|{{ c|unit:'家' }}|{{ d|pct }}|{{ e|year }}|{{ b|scaled:'万元' }}"
        "|{{ r|score_range }}|{{ d|cell:col }}"
    ).render(Context({"a": 1617, "b": Decimal("785883.52"), "c": 12345, "d": 0.4649, "e": dt.date(2020, 1, 1),
                      "r": [20, 94], "col": Column("研发占比", "x", kind="percent")}))
    assert html == "1,617|785,883.52 万元|12,345 家|46.5%|2020|78.59 亿元|专家评分项未定，可能得分 20–94|46.5%"


def test_django_groups_figures_by_three_on_chinese_pages_but_not_years():
    html = Template('{% load humanize %}{{ a|floatformat:"2g" }}|{{ b|intcomma }}|{{ y }}').render(
        Context({"a": Decimal("785883.52"), "b": 1617, "y": 2022}))
    assert html == "785,883.52|1,617|2022"


def test_columns_infer_their_kind_and_show_figures_formatted():
    assert Column("注册资本（万元）", "x").kind_of([None, Decimal("12.5")]) == "money"
    assert Column("年度", "x").kind_of([2021]) == "year" and Column("件数", "x").kind_of([3]) == "count"
    assert Column("成立日期", "x").kind_of([dt.date(2020, 1, 2)]) == "date" and Column("名称", "x").kind_of(["甲"]) == "text"
    assert Column("注册资本（万元）", "x").display(Decimal("1234.5")) == "1,234.50"
    assert Column("职工", "x").display(12345) == "12,345" and Column("年度", "x").display(2021) == 2021
    assert Column("代码", "x", kind="code").display("120116406") == "120116406" and Column("x", "x").display(None) == "—"
    assert Column("注册资本", "x", unit="万元").title == "注册资本（万元）"


def test_the_measure_kind_decides_the_unit_before_the_source():
    assert f.criterion_unit("years.net_assets", "ratio") == "%" and f.criterion_unit("years.net_assets") == "万元"
    assert f.criterion_unit("ip", "count") == "件" and f.criterion_unit("standards", "count") == "项"
    assert f.criterion_unit("established", "date") == "" and f.full_marks_text(30) == "满分 30 分"
