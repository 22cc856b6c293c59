"""How a criterion's figures read on the path pages: percentages for ratios, 是/否 for flags, bands as
"min–max", units once, conditions in words and field names in Chinese (kechuang.core.formatting)."""
import re

from django import template
from django.utils.translation import gettext as _

from kechuang.core import formatting
from kechuang.policy.rules.vocab import SOURCE_LABELS

register = template.Library()

_FIELD = re.compile(r"\b(?:years|flags)\.(\w+)|\b(\w+)\b")


def _number(value, percent: bool):
    if percent:
        return formatting.exact_percent(value)
    # Whole numbers here are points and years, which take no thousands separator.
    return formatting.number(value) if isinstance(value, float) else str(value)


@register.filter
def span(value, percent=False):
    """A figure as people read it: a [min, max] band as "min–max", a missing figure as "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (list, tuple)):
        if len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
            return f"{span(value[0], percent)}–{span(value[1], percent)}"
        return "、".join(str(span(v, percent)) for v in value)
    if isinstance(value, (int, float)):
        return _number(value, percent)
    return value


@register.filter
def criterion_value(criterion: dict):
    """The enterprise's figure with its unit: "46.5%", "230 人", "1,234.5 万元"."""
    return formatting.figure_text(criterion.get("value"), _unit(criterion))


@register.filter
def criterion_threshold(criterion: dict):
    """The criterion's condition in words: "不超过 500 人", "不低于 60%", "注册地区划代码不以 71、81、82 开头"."""
    source, threshold = criterion.get("source"), criterion.get("threshold")
    if criterion.get("node") == "sum" and threshold is not None:  # a capped sum of points
        return formatting.full_marks_text(threshold)
    subject = source_label(source) if source and "/" not in source else ""
    return formatting.condition_text(criterion.get("op"), threshold, _unit(criterion), subject)


def _unit(criterion: dict) -> str:
    return formatting.criterion_unit(criterion.get("source"), criterion.get("measure"))


@register.filter
def source_label(source):
    """`years.rd_expense / years.sales_revenue` → 研发费用 / 销售收入."""
    if not source:
        return "—"
    return _FIELD.sub(lambda m: SOURCE_LABELS.get(m.group(1) or m.group(2), m.group(0).split(".")[-1]), source)
