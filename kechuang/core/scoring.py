"""Panel scoring, shared by expert review of project applications and judging at competitions: criteria
with weights and ranges, a reviewer's weighted total, the panel's aggregate (the mean, or the trimmed
mean that drops one highest and one lowest total once five or more reviewers scored), ranking with
ties, and conflict-of-interest exclusion.

A reviewer's total is the sum of their criterion scores, each scaled by the criterion's weight over the
weights' sum and by 100 over the criterion's maximum, so a panel's totals read out of 100 whatever the
ranges of the criteria."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The trimmed mean needs at least this many totals: with fewer, dropping two leaves too few to stand for the panel.
TRIM_FROM = 5
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    weight: Decimal
    maximum: Decimal = Decimal(100)
    minimum: Decimal = Decimal(0)

    @classmethod
    def from_data(cls, data: Mapping) -> "Criterion":
        return cls(
            key=str(data["key"]),
            label=str(data["label"]),
            weight=Decimal(str(data["weight"])),
            maximum=Decimal(str(data.get("maximum", 100))),
            minimum=Decimal(str(data.get("minimum", 0))),
        )

    def as_data(self) -> dict:
        return {"key": self.key, "label": self.label, "weight": str(self.weight), "maximum": str(self.maximum), "minimum": str(self.minimum)}


def check_criteria(criteria: Sequence[Criterion]) -> None:
    """Criteria a panel can score with: distinct keys, positive weights, a range that is not empty."""
    if not criteria:
        raise ValidationError(_("At least one review criterion is needed."))
    seen = set()
    for criterion in criteria:
        if criterion.key in seen:
            raise ValidationError(_("Criterion %(key)s is listed twice.") % {"key": criterion.key})
        seen.add(criterion.key)
        if criterion.weight <= 0:
            raise ValidationError(_("The weight of criterion “%(label)s” must be greater than 0.") % {"label": criterion.label})
        if criterion.maximum <= criterion.minimum:
            raise ValidationError(_("The maximum of criterion “%(label)s” must be greater than its minimum.") % {"label": criterion.label})


def check_scores(criteria: Sequence[Criterion], scores: Mapping[str, object]) -> dict[str, Decimal]:
    """A reviewer's scores as Decimals, one for every criterion and each within its range; otherwise a
    ValidationError that names the criterion and the range."""
    checked = {}
    for criterion in criteria:
        raw = scores.get(criterion.key)
        if raw in (None, ""):
            raise ValidationError(_("No score for “%(label)s”.") % {"label": criterion.label})
        try:
            value = Decimal(str(raw))
        except ArithmeticError:
            raise ValidationError(_("The score for “%(label)s” is not a number: %(value)s.") % {"label": criterion.label, "value": raw}) from None
        if not value.is_finite() or not criterion.minimum <= value <= criterion.maximum:
            raise ValidationError(
                _("The score for “%(label)s” must be between %(minimum)s and %(maximum)s; %(value)s was given.")
                % {"label": criterion.label, "minimum": criterion.minimum, "maximum": criterion.maximum, "value": raw}
            )
        checked[criterion.key] = value
    unknown = set(scores) - {criterion.key for criterion in criteria}
    if unknown:
        raise ValidationError(_("Unknown criteria: %(keys)s.") % {"keys": "、".join(sorted(map(str, unknown)))})
    return checked


def weighted_total(criteria: Sequence[Criterion], scores: Mapping[str, Decimal]) -> Decimal:
    weights = sum(criterion.weight for criterion in criteria)
    total = sum(
        (scores[criterion.key] - criterion.minimum) / (criterion.maximum - criterion.minimum) * 100 * criterion.weight / weights
        for criterion in criteria
    )
    return Decimal(total).quantize(HUNDREDTH, ROUND_HALF_UP)


@dataclass(frozen=True)
class Aggregate:
    value: Decimal | None
    method: str  # "mean" or "trimmed_mean"
    count: int
    dropped: tuple[Decimal, ...] = ()

    @property
    def explanation(self) -> str:
        if self.value is None:
            return _("No scores yet.")
        if self.method == "trimmed_mean":
            return _("Mean of %(kept)d scores after dropping the highest (%(high)s) and the lowest (%(low)s) of %(count)d.") % {
                "kept": self.count - 2, "high": self.dropped[0], "low": self.dropped[1], "count": self.count,
            }
        return _("Mean of %(count)d scores.") % {"count": self.count}


def aggregate(totals: Iterable[Decimal]) -> Aggregate:
    values = sorted(Decimal(total) for total in totals)
    if not values:
        return Aggregate(None, "mean", 0)
    if len(values) >= TRIM_FROM:
        kept = values[1:-1]
        mean = (sum(kept) / len(kept)).quantize(HUNDREDTH, ROUND_HALF_UP)
        return Aggregate(mean, "trimmed_mean", len(values), (values[-1], values[0]))
    return Aggregate((sum(values) / len(values)).quantize(HUNDREDTH, ROUND_HALF_UP), "mean", len(values))


def rank(items: Sequence, value) -> list[tuple[int, object]]:
    """Items with their rank, best (highest value) first; equal values share a rank and the next rank
    skips (1, 2, 2, 4). Items without a value come last, unranked (rank 0)."""
    scored = sorted((item for item in items if value(item) is not None), key=value, reverse=True)
    ranked, previous, position = [], None, 0
    for index, item in enumerate(scored, start=1):
        if value(item) != previous:
            position, previous = index, value(item)
        ranked.append((position, item))
    return ranked + [(0, item) for item in items if value(item) is None]


@dataclass(frozen=True)
class Party:
    """Someone a reviewer may be too close to: an applicant, a co-applicant, a team. `names` are the
    organisation's names and codes (a USCC, a legal name) as the registry knows them."""

    names: frozenset[str]


def conflict_of_interest(employer: Iterable[str], declared: Iterable[str], parties: Iterable[Party]) -> str | None:
    """Why a reviewer may not score a case, or None. `employer` holds the reviewer's employer's names and
    codes; `declared` the organisations the reviewer declared a conflict with (names or codes)."""
    employer = {name.strip() for name in employer if name and name.strip()}
    declared = {name.strip() for name in declared if name and name.strip()}
    for party in parties:
        if employer & party.names:
            return _("The reviewer works for %(name)s, a party to this case.") % {"name": sorted(employer & party.names)[0]}
        if declared & party.names:
            return _("The reviewer declared a conflict of interest with %(name)s.") % {"name": sorted(declared & party.names)[0]}
    return None
