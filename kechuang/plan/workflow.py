"""The progress-report workflow, declared once: which transitions exist, from which states, to which
state, who may take them and whether a comment is required. services.move() enforces it for pages, API
and commands alike."""
from dataclasses import dataclass
from typing import Callable

from django.utils.translation import gettext_lazy as _

from kechuang.plan.choices import ReportState
from kechuang.plan.permissions import can_resubmit, can_review


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    allowed: Callable
    needs_comment: bool = False


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("accept", _("Accept"), frozenset({ReportState.SUBMITTED}), ReportState.ACCEPTED, can_review),
        Transition("return", _("Return for revision"), frozenset({ReportState.SUBMITTED}), ReportState.RETURNED, can_review, True),
        Transition("resubmit", _("Resubmit"), frozenset({ReportState.RETURNED}), ReportState.SUBMITTED, can_resubmit),
    )
}


def available(user, report) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if report.state in t.sources and t.allowed(user, report)]
