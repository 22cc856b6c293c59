"""Which date a page that reads figures opens on. Left to itself it would be today; but a demo district
built as of 2026-06-30 says nothing about December, and a plan that ended in 2022 has no targets after
it, so a page opens on the latest date its data speaks for and says so, with a link to today.

`?as_of=YYYY-MM-DD` always wins; a date the visitor chose is never replaced."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from kechuang.core import clock
from kechuang.core.models import DataDate


def _recorded() -> DataDate | None:
    return DataDate.objects.order_by("-as_of").first()


def data_date(recorded: DataDate | None = None) -> dt.date:
    """The latest date the stored data speaks for: the recorded data date when it is before today."""
    today = clock.today()
    recorded = recorded or _recorded()
    return min(recorded.as_of, today) if recorded else today


def record_data_date(as_of: dt.date, source: str) -> DataDate:
    DataDate.objects.all().delete()
    return DataDate.objects.create(as_of=as_of, source=source)


@dataclass(frozen=True)
class PageDate:
    """The date a page shows, and why when it is not today (`note` is empty when it is today or chosen)."""

    date: dt.date
    note: str = ""
    today_url: str = ""

    def __str__(self):
        return self.date.isoformat()


def page_date(request, period_end: dt.date | None = None, period_name: str = "") -> PageDate:
    """The page's as-of date: the one in `?as_of=`, else `default_date()`."""
    chosen = request.GET.get("as_of", "")
    if chosen:
        try:
            return PageDate(clock.parse_date(chosen))
        except ValueError:
            pass
    return default_date(period_end, period_name, request.GET)


def default_date(period_end: dt.date | None = None, period_name: str = "", query=None) -> PageDate:
    """The data date, or the end of the period a page is about when that period ended before it (a
    plan's last day); `query` is the page's query string, kept in the link to today."""
    today, recorded = clock.today(), _recorded()
    date, reasons = data_date(recorded), []
    if date < today:
        reasons.append(_("%(source)s speaks for %(date)s.") % {"source": recorded.source, "date": date.isoformat()})
    if period_end is not None and period_end < date:
        date = period_end
        reasons.append(_("%(period)s ended on %(date)s; the page shows its last day.") % {"period": period_name, "date": period_end.isoformat()})
    if date == today:
        return PageDate(today)
    query = dict(query.items()) if query is not None else {}
    query["as_of"] = today.isoformat()
    return PageDate(date, " ".join(reasons), f"?{urlencode(sorted(query.items()))}")
