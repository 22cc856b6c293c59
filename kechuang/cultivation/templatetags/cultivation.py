from django import template

register = template.Library()


@register.filter
def span(value):
    """A criterion figure as people read it: a [min, max] band as "min–max", a missing figure as "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return f"{span(value[0])}–{span(value[1])}"
    if isinstance(value, float):
        return f"{value:.4g}"
    return value
