"""Range-checked numbers for query parameters, filters and form fields.

A number typed into an address bar reaches the database, or Python's date arithmetic, only after it
has been checked against a range that makes sense for what it counts: `?year=99999999999` is
answered as an invalid filter, never as a server error (a year past 9999 cannot become a date, and an
integer past 64 bits cannot be bound to a query)."""
import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

YEAR_MIN, YEAR_MAX = 1900, 2100
# Counts (headcounts, gaps, months) and database ids: what a signed 32-bit column holds on every backend.
COUNT_MAX = 2_147_483_647
# Primary keys are 64-bit (BigAutoField).
ID_MAX = 9_223_372_036_854_775_807


class BoundedIntegerField(forms.IntegerField):
    """An integer with both ends required: the form field every numeric input of the project uses."""

    def __init__(self, *, min_value: int, max_value: int, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)


class YearField(BoundedIntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(**kwargs)


class IntegerFilter(django_filters.NumberFilter):
    """A whole-number filter with a range; a value outside it makes the filter form invalid."""

    field_class = BoundedIntegerField

    def __init__(self, *args, min_value: int = 0, max_value: int = COUNT_MAX, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)
        # The OpenAPI schema states the range, so API clients (and schemathesis) know it.
        extend_schema_field({"type": "integer", "minimum": min_value, "maximum": max_value})(self)


class YearFilter(IntegerFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(*args, **kwargs)


def int_param(raw, minimum: int, maximum: int, default: int | None = None) -> int | None:
    """A query-string or POST value as an int within [minimum, maximum], else `default`."""
    field = BoundedIntegerField(min_value=minimum, max_value=maximum, required=False)
    try:
        value = field.clean(raw)
    except forms.ValidationError:
        return default
    return default if value is None else value


def year_param(raw, default: int | None = None) -> int | None:
    return int_param(raw, YEAR_MIN, YEAR_MAX, default)



def id_param(raw) -> int | None:
    """A primary key from a form or the query string; None when it cannot be one."""
    return int_param(raw, 1, ID_MAX)
