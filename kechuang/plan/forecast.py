"""Where each indicator is heading at the plan's end.

Trend: an ordinary least-squares line through the indicator's values as of 31 December of every year
from the year before the plan starts up to the year before the as-of, plus the value on the as-of
itself; time is measured in years (year + day-of-year / days-in-year). The line is read at the plan's
last day. A yearly flow (e.g. contract turnover) is fitted on whole-year totals by year, with the
current year's partial total scaled up to a full year (value / share of the year elapsed). Fewer than two
points give no trend.

Pipeline (tier counts only): today's count plus the cultivation pipeline's candidates and enrolled
enterprises times the conversion rates seen so far, from kechuang.cultivation.services.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from kechuang.cultivation.choices import Tier
from kechuang.cultivation.services import conversion_rates, pipeline_counts
from kechuang.plan.indicators import TIER_INDICATORS
from kechuang.plan.schedule import elapsed_share


@dataclass
class Projection:
    value: Decimal | None
    assumptions: list[str] = field(default_factory=list)
    points: list[tuple[dt.date, Decimal]] = field(default_factory=list)


@dataclass
class Forecast:
    trend: Projection
    pipeline: Projection | None = None


def least_squares(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """(slope, intercept) of the least-squares line, or None if the x values do not vary."""
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return slope, mean_y - slope * mean_x


def year_fraction(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + ((day - start).days + 1) / length


def history(evaluator, indicator, as_of: dt.date) -> list[tuple[dt.date, Decimal]]:
    """The indicator's value on each 31 December before the as-of within the plan, then on the as-of."""
    plan = evaluator.plan
    days = [dt.date(year, 12, 31) for year in range(plan.start_year - 1, as_of.year)]
    days.append(as_of)
    values = [(day, evaluator.value(indicator, day)) for day in days]
    return [(day, value) for day, value in values if value is not None]


def trend(evaluator, indicator, as_of: dt.date) -> Projection:
    plan = evaluator.plan
    points = history(evaluator, indicator, as_of)
    if indicator.resets_yearly:
        share = elapsed_share(dt.date(as_of.year, 1, 1), dt.date(as_of.year, 12, 31), as_of)
        xy = [
            (day.year, float(value / share if day == as_of and share < 1 else value))
            for day, value in points
        ]
        at = plan.end_year
        method = _("Least squares over whole-year totals; the current year scaled up to a full year.")
    else:
        xy = [(year_fraction(day), float(value)) for day, value in points]
        at = year_fraction(plan.ends)
        method = _("Least squares over year-end values and the as-of value.")
    line = least_squares(xy)
    if line is None:
        return Projection(None, [_("Fewer than two data points: no trend yet.")], points)
    slope, intercept = line
    value = Decimal(str(round(slope * at + intercept, 6)))
    if value < 0:
        value = Decimal(0)
    assumptions = [method, _("%(n)d points, slope %(slope).4g per year.") % {"n": len(xy), "slope": slope}]
    return Projection(value, assumptions, points)


def pipeline(indicator, as_of: dt.date, actual) -> Projection | None:
    """Today's count + candidates × overall rate + (enrolled + cultivating) × recognition rate."""
    if indicator.query not in TIER_INDICATORS:
        return None
    _label, tiers = TIER_INDICATORS[indicator.query]
    expected, assumptions = Decimal(actual or 0), []
    for tier_code in tiers:
        counts, rates, tier = pipeline_counts(tier_code, as_of), conversion_rates(tier_code), Tier(tier_code).label
        in_cultivation = counts["enrolled"] + counts["cultivating"]
        for number, rate, stage in (
            (counts["candidates"], rates["overall"], _("candidates")),
            (in_cultivation, rates["recognition"], _("enrolled or cultivating")),
        ):
            if rate is None:
                assumptions.append(_("%(tier)s: %(n)s %(stage)s, no decided cases yet, counted as 0") % {"tier": tier, "n": number, "stage": stage})
                continue
            expected += Decimal(number) * Decimal(str(rate))
            assumptions.append(
                _("%(tier)s: %(n)s %(stage)s × %(rate).1f%% recognised so far") % {"tier": tier, "n": number, "stage": stage, "rate": float(rate) * 100}
            )
    return Projection(expected.quantize(Decimal("0.1")), assumptions)


def forecast(evaluator, indicator, as_of: dt.date) -> Forecast:
    return Forecast(trend(evaluator, indicator, as_of), pipeline(indicator, as_of, evaluator.measure(indicator, as_of).value))
