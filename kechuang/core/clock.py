"""What time it is for the district: one `today()` and one `now()` for the whole product.

A Chinese district lives on Beijing time while its server may run on UTC; between 00:00 and 08:00
Beijing time the host's `date.today()` is still yesterday. Every date the product decides on (is a
certificate valid, is a report overdue) comes from here, in `settings.TIME_ZONE` (Asia/Shanghai
unless the environment says otherwise), so that every page and command agrees on the day.
"""
from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone


def now() -> dt.datetime:
    """The current moment, timezone-aware (stored in UTC, shown in the district's time zone)."""
    return timezone.now()


def today() -> dt.date:
    """The district's date now, in settings.TIME_ZONE, whatever the host's own time zone."""
    return timezone.localdate(now())


def parse_date(text: str) -> dt.date:
    """A YYYY-MM-DD date; ValueError with a message in Chinese otherwise."""
    try:
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ValueError(f"不是有效日期（应为 YYYY-MM-DD）：「{text}」") from None


def add_as_of_argument(parser, help: str = "the date to work as of, YYYY-MM-DD (default: today)", default=None) -> None:
    """`--as-of YYYY-MM-DD`, the one name every command gives the date it works on. The value is read
    by `as_of_option()` in `handle()`, so that `call_command(..., as_of="2026-06-30")` and the command
    line are validated the same way."""
    parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", default=default, help=help)


def as_of_option(value) -> dt.date:
    """The date an `--as-of` option names: a date as given, a YYYY-MM-DD string parsed, nothing for
    today. A bad value stops the command with exit status 2 and says why."""
    if value is None or value == "":
        return today()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value))
    except ValueError as exc:
        raise CommandError(f"--as-of {exc}", returncode=2) from None
