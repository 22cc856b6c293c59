"""How figures read for a bureau: one place for thousands separators, units, percentages, years, the
Chinese 万/亿 scale, criteria written in words and score ranges. Pages (the filters in
`core/templatetags/formatting.py`), .xlsx exports and .docx reports call these, so a figure reads the
same wherever it is shown.

The conventions, chosen once for every page:
- digits grouped by three with "," (1,617; 785,883.52); money in 万元 with two decimals in tables;
- the unit once, after the figure: a Chinese unit after a space ("1,617 家", "不超过 500 人"), "%"
  attached ("46.5%");
- ratios are kept as fractions and shown as percentages (0.4649 → 46.5%);
- a missing figure is "—".
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

DASH = "—"
MONEY_UNIT = "万元"
# How many of the unit a Chinese reader's next word stands for: 万 = 10⁴, 亿 = 10⁸.
WAN, YI = 10_000, 100_000_000


def to_decimal(value) -> Decimal | None:
    """A figure as a Decimal (None for a missing or non-numeric one); text such as "1,617" is read too."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float)):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = str(value).replace(",", "").strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def number(value, decimals: int | None = None) -> str:
    """Digits grouped by three: `number(785883.52)` → "785,883.52", `number(1617)` → "1,617".
    With `decimals` the figure is rounded to that many places; without, a whole figure shows none and
    another at most two (trailing zeros dropped). Text that is not a number is returned as it is."""
    if value is None or value == "":
        return DASH
    figure = to_decimal(value)
    if figure is None:
        return str(value)
    if decimals is not None:
        return f"{figure.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP):,.{decimals}f}"
    if figure == figure.to_integral_value():
        return f"{int(figure):,}"
    text = f"{figure.quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def with_unit(value, unit: str = "", decimals: int | None = None) -> str:
    """A figure with its unit once: "1,617 家", "500 人", "46.5%" (for "%" the figure is already in
    percent; use `percent` for a fraction)."""
    text = number(value, decimals)
    if text == DASH or not unit or to_decimal(value) is None:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def money(value, decimals: int = 2, unit: str = MONEY_UNIT) -> str:
    """Money as a bureau writes it in a table: "785,883.52 万元"."""
    return with_unit(value, unit, decimals)


def percent(ratio, decimals: int | None = 1) -> str:
    """A fraction as a percentage: 0.4649 → "46.5%". With `decimals=None` up to two places, trailing
    zeros dropped (0.6 → "60%", 0.035 → "3.5%"), as a threshold is written."""
    figure = to_decimal(ratio)
    if figure is None:
        return DASH if ratio is None or ratio == "" else str(ratio)
    return f"{number(figure * 100, decimals)}%"


def exact_percent(ratio) -> str:
    """A fraction compared with a threshold, to four significant digits, so that 2.996% is never shown
    as the 3% it fails to reach: 0.04556 → "4.556%"."""
    figure = to_decimal(ratio)
    if figure is None:
        return percent(ratio)
    points = float(figure) * 100
    return f"{number(points, 1)}%" if abs(points) >= 1000 else f"{points:.4g}%"


def year(value) -> str:
    """The year of a date, a "2020-01-01" string or a number: "2020"."""
    if value is None or value == "":
        return DASH
    if isinstance(value, (dt.date, dt.datetime)):
        return str(value.year)
    match = re.match(r"\s*(\d{4})", str(value))
    return match.group(1) if match else str(value)


def date(value) -> str:
    """A date as ISO, the one date format of every page and file: "2022-06-30"."""
    if value is None or value == "":
        return DASH
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def scale_for(values, unit: str = "") -> tuple[int, str]:
    """The divisor and unit a Chinese reader expects for figures this large (for a chart axis or a
    headline figure): 万元 figures of ten thousand and more read in 亿元, counts of ten thousand and more
    in 万, of a hundred million in 亿. `scale_for([785883.52], "万元")` → (10000, "亿元")."""
    largest = max((abs(to_decimal(v)) for v in values if to_decimal(v) is not None), default=Decimal(0))
    if unit == MONEY_UNIT:
        return (WAN, "亿元") if largest >= WAN else (1, unit)
    if unit == "元":
        return (YI, "亿元") if largest >= YI else ((WAN, "万元") if largest >= WAN else (1, unit))
    if unit == "%":
        return 1, unit
    if largest >= YI:
        return YI, "亿" + unit
    if largest >= WAN:
        return WAN, "万" + unit
    return 1, unit


def scaled(value, unit: str = "", decimals: int = 2) -> str:
    """A large figure in 万/亿: `scaled(785883.52, "万元")` → "78.59 亿元", `scaled(23456, "家")` → "2.35 万家";
    a figure under ten thousand is shown as it is."""
    figure = to_decimal(value)
    if figure is None:
        return number(value)
    divisor, shown_unit = scale_for([figure], unit)
    if divisor == 1:
        return with_unit(figure, unit)
    return with_unit(figure / divisor, shown_unit, decimals)


# ---- criteria in words -------------------------------------------------------------------------------

# The rule engine names its comparisons by symbol (kechuang.policy.rules.criteria.OP_SYMBOL) and by key.
# Marked for extraction (gettext_noop) and translated when a condition is written.
_AT_LEAST, _MORE, _AT_MOST, _LESS = N_("at least"), N_("more than"), N_("at most"), N_("less than")
_NUMERIC_WORDS = {">=": _AT_LEAST, "gte": _AT_LEAST, ">": _MORE, "gt": _MORE,
                  "<=": _AT_MOST, "lte": _AT_MOST, "<": _LESS, "lt": _LESS}
_ON_OR_AFTER, _AFTER, _ON_OR_BEFORE, _BEFORE = N_("on or after"), N_("after"), N_("on or before"), N_("before")
_DATE_WORDS = {">=": _ON_OR_AFTER, "gte": _ON_OR_AFTER, ">": _AFTER, "gt": _AFTER,
               "<=": _ON_OR_BEFORE, "lte": _ON_OR_BEFORE, "<": _BEFORE, "lt": _BEFORE}
_MONEY_SOURCES = ("revenue", "sales_revenue", "total_income", "cost_total", "rd_expense", "rd_expense_domestic",
                  "high_tech_revenue", "total_assets", "net_assets", "investments")
_ITEM_SOURCES = ("awards", "rd_institutions", "standards", "projects", "competitions", "certificates")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_MEASURE_UNITS = {"ratio": "%", "money": MONEY_UNIT, "people": "人", "date": "", "bool": "", "str": ""}


def criterion_unit(source: str | None, measure: str | None = None) -> str:
    """The unit of a criterion's figure: from the kind of its measure when the rule engine gives it
    (ratio → %, money → 万元, people → 人, a count of `ip` → 件, of other records → 项), else read from its
    data source (`years.employees` → 人, `a / b` → %, a score → 分); "" for codes, dates and flags."""
    source = source or ""
    if measure in _MEASURE_UNITS:
        return _MEASURE_UNITS[measure]
    if measure == "count":
        return "件" if source.split(".")[-1].strip() == "ip" else "项"
    if "/" in source:
        return "%"
    name = source.split(".")[-1].strip()
    if name in ("employees", "tech_staff"):
        return "人"
    if name in _MONEY_SOURCES:
        return MONEY_UNIT
    if name == "ip":
        return "件"
    if name in _ITEM_SOURCES:
        return "项"
    if name in ("score", "expert"):
        return "分"
    return ""


def figure_text(value, unit: str = "") -> str:
    """One figure of a criterion: a ratio as a percentage, a flag as 是/否, a date as ISO, a code as it
    is, other figures with their unit."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str):  # a code (region, industry) or a name: never regrouped as a number
        return value
    if isinstance(value, (list, tuple)):
        if len(value) == 2 and all(isinstance(v, (int, float, Decimal)) for v in value):
            return range_text(value[0], value[1], unit)
        return "、".join(figure_text(v, "") for v in value)
    if unit == "%":
        return exact_percent(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return date(value)
    if to_decimal(value) is None:
        return str(value)
    return with_unit(value, unit)


def range_text(low, high, unit: str = "") -> str:
    """A range with its unit once: "20–94 分", "3%–5%"."""
    if unit == "%":
        return f"{exact_percent(low)}–{exact_percent(high)}"
    return f"{number(low)}–{number(high)}" + (f" {unit}" if unit else "")


def _listed(values) -> str:
    if isinstance(values, (list, tuple, set)):
        return "、".join(str(v) for v in values)
    return str(values)


def condition_text(op: str | None, threshold, unit: str = "", subject: str = "") -> str:
    """A rule's condition in words: `condition_text("<=", 500, "人")` → "不超过 500 人",
    `condition_text(">=", 0.6, "%")` → "不低于 60%", `condition_text("not starts with", ["71", "81", "82"],
    subject="注册地区划代码")` → "注册地区划代码不以 71、81、82 开头". A threshold of several comparisons
    (`{"gte": 1, "lte": 5}`) reads "不低于 1 且 不超过 5"."""
    if threshold is None or threshold == "":
        return DASH
    if isinstance(threshold, dict):
        return _(" and ").join(condition_text(key, value, unit) for key, value in threshold.items())
    if op in ("starts with", "prefix"):
        return (_("%(subject)s starts with %(values)s") % {"subject": subject, "values": _listed(threshold)}).strip()
    if op in ("not starts with", "not_prefix"):
        return (_("%(subject)s does not start with %(values)s") % {"subject": subject, "values": _listed(threshold)}).strip()
    if op in ("in",):
        return _("one of %(values)s") % {"values": _listed(threshold)}
    if op in ("not in", "not_in"):
        return _("none of %(values)s") % {"values": _listed(threshold)}
    if op in ("!=", "ne"):
        return _("not %(value)s") % {"value": figure_text(threshold, unit)}
    is_date = isinstance(threshold, dt.date) or bool(_ISO_DATE.match(str(threshold)))
    words = (_DATE_WORDS if is_date else _NUMERIC_WORDS).get(op or "")
    if words is None:  # "==" or no comparison: the value itself
        return figure_text(threshold, unit)
    return f"{_(words)} {figure_text(threshold, unit)}"


def full_marks_text(points) -> str:
    """The cap of a sum of points: "满分 30 分"."""
    return _("full marks %(points)s") % {"points": number(points)}


def score_range_text(low, high) -> str:
    """A score that expert-judged items still decide: "专家评分项未定，可能得分 20–94"."""
    if low == high:
        return number(low)
    return _("expert-judged items still open, possible score %(low)s–%(high)s") % {
        "low": number(low), "high": number(high)}


@dataclass(frozen=True)
class Figure:
    """A figure with its unit that stays a number: a page or a .docx shows `str(figure)` ("230 件",
    "46.5%"), an .xlsx writes the number with the unit in its number format, so a table whose rows have
    different units (an indicator table) is still summable in a spreadsheet."""

    value: Any
    unit: str = ""
    ratio: bool = False  # the value is a fraction, shown as a percentage
    decimals: int | None = None

    def __str__(self) -> str:
        if self.ratio:
            return percent(self.value, 1 if self.decimals is None else self.decimals)
        return with_unit(self.value, self.unit, self.decimals)
