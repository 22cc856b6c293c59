"""Figures on a page as a bureau reads them (`{% load formatting %}`), by `kechuang.core.formatting`:

    {{ 1617|num }} → 1,617            {{ 785883.52|money }} → 785,883.52 万元
    {{ 1617|unit:"家" }} → 1,617 家     {{ 0.4649|pct }} → 46.5%
    {{ day|year }} → 2020              {{ 785883.52|scaled:"万元" }} → 78.59 亿元
    {{ result.score_range|score_range }} → 专家评分项未定，可能得分 20–94
    {{ value|cell:column }}: a table cell formatted by its Column's kind
"""
from django import template

from kechuang.core import formatting

register = template.Library()


@register.filter
def num(value, decimals=None):
    return formatting.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def unit(value, name=""):
    return formatting.with_unit(value, name)


@register.filter
def money(value, decimals=2):
    return formatting.money(value, int(decimals))


@register.filter
def pct(value, decimals=1):
    return formatting.percent(value, None if decimals in (None, "") else int(decimals))


@register.filter
def year(value):
    return formatting.year(value)


@register.filter
def scaled(value, name=""):
    return formatting.scaled(value, name)


@register.filter
def score_range(value):
    """A score, or a [low, high] range that expert-judged items still decide, in words."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return formatting.score_range_text(*value)
    return formatting.number(value)


@register.filter
def cell(value, column):
    return column.display(value)
