"""Reading a plan's indicators as of a date: actual, targets, progress, status by pace, forecast.

Status rule (docs/plan.md, "Status"): within the as-of's year the indicator is expected to move in a
straight line from its baseline B (last year's closing actual; zero for a yearly flow or when unknown) on
1 January to the year target T on 31 December, so the expected value on the as-of is
E = B + (T − B) × f, where f is the share of the year elapsed (day of year / days in year).
  met       the actual meets T in the indicator's direction (for ">" strictly above T);
  on_track  not met, but the actual is at or ahead of E;
  at_risk   behind E by at most AT_RISK_SHORTFALL of the year's required change |T − B|;
  behind    behind E by more than that, or not met when the window is over.
With no yearly target for that year the window is the whole plan period and T is the final target.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from kechuang.core import clock, formatting
from kechuang.plan import indicators as queries
from kechuang.plan.choices import Direction, IndicatorKind, Status
from kechuang.plan.forecast import forecast
from kechuang.plan.schedule import elapsed_share

AT_RISK_SHORTFALL = Decimal("0.10")


def meets(direction: str, actual: Decimal, target: Decimal) -> bool:
    if direction == Direction.MORE_THAN:
        return actual > target
    if direction == Direction.AT_MOST:
        return actual <= target
    return actual >= target


def pace_status(direction: str, actual, target, baseline, share: Decimal) -> tuple[Status, Decimal | None]:
    """(status, expected value on the day) for an actual against a target reached linearly from baseline."""
    if actual is None or target is None:
        return Status.NO_DATA, None
    baseline = baseline if baseline is not None else Decimal(0)
    expected = baseline + (target - baseline) * share
    if meets(direction, actual, target):
        return Status.MET, expected
    sign = -1 if direction == Direction.AT_MOST else 1
    required = sign * (target - baseline)
    if required <= 0:
        required = abs(target) or Decimal(1)
    if share >= 1:
        return Status.BEHIND, expected
    shortfall = sign * (expected - actual) / required
    if shortfall <= 0:
        return Status.ON_TRACK, expected
    return (Status.AT_RISK if shortfall <= AT_RISK_SHORTFALL else Status.BEHIND), expected


@dataclass
class Reading:
    indicator: object
    as_of: dt.date
    measure: queries.Measure
    year_target: Decimal | None
    baseline: Decimal | None
    expected: Decimal | None
    status: Status
    forecast: object = None
    history: list = field(default_factory=list)

    @property
    def actual(self):
        return self.measure.value

    @property
    def target(self):
        return self.indicator.target

    @property
    def progress(self) -> Decimal | None:
        """actual / year target (or / final target when the year has none), as a fraction."""
        goal = self.year_target if self.year_target is not None else self.target
        if self.actual is None or not goal:
            return None
        return self.actual / goal

    def as_dict(self) -> dict:
        def number(value):
            return None if value is None else float(value)

        indicator = self.indicator
        return {
            "code": indicator.code,
            "name": indicator.name,
            "unit": indicator.unit,
            "target": number(self.target),
            "year_target": number(self.year_target),
            "actual": number(self.actual),
            "progress": None if self.progress is None else round(float(self.progress), 4),
            "status": str(self.status.value if isinstance(self.status, Status) else self.status),
        }


class Evaluator:
    """Measures a plan's indicators, remembering each (indicator, date) so that the baseline, the
    yearly history for the trend and child-plan rollups are each computed once."""

    def __init__(self, plan, today: dt.date | None = None):
        self.plan = plan
        self.today = today or clock.today()
        self._measures: dict[tuple[int, dt.date], queries.Measure] = {}
        self._year_ends: dict[tuple[int, int], Decimal | None] | None = None

    def value(self, indicator, on: dt.date) -> Decimal | None:
        """The indicator's value on a date. The year-end of a past year is read from the stored
        YearEndValue (measured and stored the first time it is asked for); any other date is measured."""
        if (on.month, on.day) != (12, 31) or on.year >= self.today.year:
            return self.measure(indicator, on).value
        if self._year_ends is None:
            from kechuang.plan.models import YearEndValue

            stored = YearEndValue.objects.filter(indicator__plan=self.plan).values_list("indicator_id", "year", "value")
            self._year_ends = {(indicator_id, year): value for indicator_id, year, value in stored}
        key = (indicator.pk, on.year)
        if key not in self._year_ends:
            self._year_ends[key] = store_year_end(indicator, on.year, self.measure(indicator, on).value)
        return self._year_ends[key]

    def measure(self, indicator, on: dt.date) -> queries.Measure:
        key = (indicator.pk, on)
        if key not in self._measures:
            self._measures[key] = self._compute(indicator, on)
        return self._measures[key]

    def _compute(self, indicator, on):
        if indicator.kind == IndicatorKind.MANUAL:
            return queries.manual_series(indicator, on)
        if indicator.kind == IndicatorKind.ROLLUP:
            return self._rollup(indicator, on)
        return queries.run(indicator.query, indicator.plan.region_code, on, indicator.plan)

    def _rollup(self, indicator, on):
        """The sum of the same-code indicator over the child plans (their own records listed together)."""
        from kechuang.plan.models import Indicator

        children = Indicator.objects.filter(plan__parent=indicator.plan, code=indicator.code).select_related("plan")
        parts = [(child.plan, Evaluator(child.plan).measure(child, on)) for child in children]
        values = [m.value for _, m in parts if m.value is not None]
        if not values:
            return queries.Measure(None, note="no child plan has a figure")
        querysets = [m.records for _, m in parts if m.value is not None]
        records = reduce(or_, querysets[1:], querysets[0])
        columns = next(m.columns for _, m in parts if m.value is not None)
        note = "; ".join(f"{p.name}: {m.value}" for p, m in parts)
        return queries.Measure(sum(values, Decimal(0)), records, columns, note)

    def baseline(self, indicator, year: int) -> Decimal | None:
        if indicator.resets_yearly:
            return Decimal(0)
        return self.value(indicator, dt.date(year - 1, 12, 31))

    def read(self, indicator, as_of: dt.date, with_forecast: bool = True) -> Reading:
        measure = self.measure(indicator, as_of)
        year_target = indicator.year_target(as_of.year)
        if year_target is not None or indicator.resets_yearly:
            goal = year_target if year_target is not None else indicator.target
            baseline = self.baseline(indicator, as_of.year)
            share = elapsed_share(dt.date(as_of.year, 1, 1), dt.date(as_of.year, 12, 31), as_of)
        else:
            goal = indicator.target
            baseline = self.baseline(indicator, self.plan.start_year)
            share = elapsed_share(self.plan.starts, self.plan.ends, as_of)
        status, expected = pace_status(indicator.direction, measure.value, goal, baseline, share)
        reading = Reading(indicator, as_of, measure, year_target, baseline, expected, status)
        if with_forecast:
            reading.forecast = forecast(self, indicator, as_of)
            reading.history = reading.forecast.trend.points
        return reading


def store_year_end(indicator, year: int, value: Decimal | None) -> Decimal | None:
    """Keep a past year's closing value (a concurrent view storing the same one first is fine)."""
    from kechuang.plan.models import YearEndValue

    YearEndValue.objects.bulk_create(
        [YearEndValue(indicator=indicator, year=year, value=value, computed_at=timezone.now())], ignore_conflicts=True)
    return value


def recompute_year_ends(plans, today: dt.date | None = None) -> int:
    """Measure again every past year-end of the plans' indicators and store it; returns how many."""
    from kechuang.plan.models import YearEndValue

    today = today or clock.today()
    count = 0
    for plan in plans:
        evaluator = Evaluator(plan, today)
        with transaction.atomic():
            YearEndValue.objects.filter(indicator__plan=plan).delete()
            for indicator in plan.indicators.select_related("plan"):
                for year in range(plan.start_year - 1, min(plan.end_year, today.year - 1) + 1):
                    store_year_end(indicator, year, evaluator.measure(indicator, dt.date(year, 12, 31)).value)
                    count += 1
    return count


def forget_year_ends(sender, action=None, **kwargs) -> None:
    """Signal receiver: a row of `sender` changed (saved, deleted, an m2m link added or removed, or
    written by an import), so the stored year-ends of the indicators whose figures it can move are
    stale; they are measured again the next time a cockpit asks for them."""
    from kechuang.plan.models import YearEndValue

    if action is not None and not action.startswith("post_"):
        return
    label = sender._meta.label
    YearEndValue.objects.moved_by(queries.queries_reading(label), label == queries.MANUAL_FIGURES).delete()


def year_ends_computed_at(plan):
    """When the oldest stored year-end of the plan was measured (None when none is stored yet)."""
    from kechuang.plan.models import YearEndValue

    return YearEndValue.objects.filter(indicator__plan=plan).aggregate(oldest=Min("computed_at"))["oldest"]


def read_plan(plan, as_of: dt.date, with_forecast: bool = True) -> list[Reading]:
    evaluator = Evaluator(plan)
    indicators = plan.indicators.prefetch_related("year_targets").select_related("plan")
    return [evaluator.read(indicator, as_of, with_forecast) for indicator in indicators]


def format_value(value, unit: str) -> str:
    """A figure as people read it: ratios as percent, money and counts with thousands separators."""
    from kechuang.plan.choices import Unit

    if value is None:
        return "—"
    if unit == Unit.RATIO:
        return formatting.percent(value, 2)
    number = float(value)
    # Counts are whole; a fractional count (a pace or a trend) is shown rounded as well.
    return formatting.with_unit(value, unit, 0 if unit != Unit.TEN_K_YUAN or number == int(number) else 2)


def format_progress(value) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"
