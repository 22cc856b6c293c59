"""How a criterion's figures read on the path pages: percentages for ratios, 是/否 for flags, bands as
"min–max", field names in Chinese."""
import re

from django import template
from django.utils.translation import gettext as _

from kechuang.policy.rules.vocab import SOURCE_LABELS

register = template.Library()

_FIELD = re.compile(r"\b(?:years|flags)\.(\w+)|\b(\w+)\b")


def _number(value, percent: bool):
    if percent:
        return f"{value * 100:.4g}%"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


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


def _is_ratio(criterion: dict) -> bool:
    return "/" in (criterion.get("source") or "")


@register.filter
def criterion_value(criterion: dict):
    return span(criterion.get("value"), _is_ratio(criterion))


@register.filter
def criterion_threshold(criterion: dict):
    threshold = span(criterion.get("threshold"), _is_ratio(criterion))
    op = criterion.get("op")
    return threshold if not op or op in ("in", "==") or threshold == "—" else f"{op} {threshold}"


@register.filter
def source_label(source):
    """`years.rd_expense / years.sales_revenue` → 研发费用 / 销售收入."""
    if not source:
        return "—"
    return _FIELD.sub(lambda m: SOURCE_LABELS.get(m.group(1) or m.group(2), m.group(0).split(".")[-1]), source)
