"""Declarative table columns, rendered by list pages and by their .xlsx export alike, so a page and its
export always show the same figures.

A column may say what kind of figure it holds (`kind`: one of KINDS) and its unit; without a kind it is
inferred from its header and values (`infer_kind`), so that a column of 万元 figures is shown with two
decimals and thousands separators on the page and exported with the number format `#,##0.00`."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from kechuang.core import formatting

TEXT, CODE, COUNT, NUMBER, MONEY, PERCENT, DATE, DATETIME, YEAR = (
    "text", "code", "count", "number", "money", "percent", "date", "datetime", "year")
# percent: a fraction (0.4649), shown as 46.5%. code: an identifier (USCC, region code), never a number.
KINDS = (TEXT, CODE, COUNT, NUMBER, MONEY, PERCENT, DATE, DATETIME, YEAR)
NUMERIC_KINDS = (COUNT, NUMBER, MONEY, PERCENT)
# Kinds whose cells must not wrap on a page (a date or a code broken over two lines misreads).
NOWRAP_KINDS = (CODE, COUNT, NUMBER, MONEY, PERCENT, DATE, DATETIME, YEAR)
MONEY_HINTS = ("万元", "10k yuan", "元")
YEAR_HINTS = ("年度", "year")


def infer_kind(header, values) -> str:
    """The kind of a column from its header and the first value that is there: dates are dates, whole
    numbers counts (years when the header says 年度/year), other numbers money when the header names
    万元, plain numbers otherwise; everything else text."""
    sample = next((v for v in values if v is not None and v != ""), None)
    name = str(header).lower()
    if isinstance(sample, bool) or sample is None:
        return TEXT
    if isinstance(sample, dt.datetime):
        return DATETIME
    if isinstance(sample, dt.date):
        return DATE
    if isinstance(sample, int):
        return YEAR if any(h in name for h in YEAR_HINTS) and 1900 <= sample <= 2200 else COUNT
    if isinstance(sample, (float, Decimal)):
        return MONEY if any(h.lower() in name for h in MONEY_HINTS) else NUMBER
    return TEXT


def display(kind: str, value) -> Any:
    """A cell as a page shows it: figures grouped by three, fractions as percentages, dates as ISO,
    text as it is (so that the template still escapes it); "—" for nothing."""
    if value is None or value == "":
        return formatting.DASH
    if kind in (COUNT, NUMBER) and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return formatting.number(value)
    if kind == MONEY and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return formatting.number(value, 2)
    if kind == PERCENT and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return formatting.percent(value)
    if kind in (DATE, DATETIME) and isinstance(value, dt.date):
        return formatting.date(value)
    return value


@dataclass(frozen=True)
class Column:
    header: str
    accessor: str | Callable[[Any], Any]
    numeric: bool = False
    kind: str | None = None  # one of KINDS; None: inferred from the header and the values
    unit: str = ""  # shown once, in the header of the export when the header does not name it
    link: Callable[[Any], str | None] | None = None  # where a cell links to (a firm's name → the firm)

    def value(self, obj):
        if callable(self.accessor):
            return self.accessor(obj)
        value = obj
        for part in self.accessor.split("."):
            if value is None:
                return None
            label = getattr(value, f"get_{part}_display", None)
            value = label() if callable(label) else getattr(value, part)
        return value() if callable(value) else value

    def kind_of(self, values=()) -> str:
        return self.kind or infer_kind(self.header, values)

    def display(self, value):
        return display(self.kind_of([value]), value)

    def url(self, obj) -> str | None:
        return self.link(obj) if self.link is not None else None

    @property
    def is_numeric(self) -> bool:
        return self.numeric or self.kind in NUMERIC_KINDS

    @property
    def nowrap(self) -> bool:
        return self.kind in NOWRAP_KINDS

    @property
    def title(self) -> str:
        """The header with its unit, as an export writes it: "注册资本（万元）"."""
        header = str(self.header)
        if self.unit and self.unit not in header:
            return f"{header}（{self.unit}）"
        return header
