"""Dynamic tracking (动态跟踪): each open project's risk, red / yellow / green as in supervision, from
overdue progress reports, late milestones, spending behind the schedule and indicators off track.

The thresholds are parameters (unverified: the seed plan names the signals, not their limits)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext as _

from kechuang.projects.choices import OPEN_PROJECT_STATES, MilestoneState, ReportState, Risk
from kechuang.projects.models import Indicator, ProgressReport

# Days overdue after which a report or a milestone turns the project red.
REPORT_RED_DAYS = 30
MILESTONE_RED_DAYS = 60
# Spending behind: what was spent is below this share of what the elapsed time would have spent.
SPENDING_SHARE = Decimal("0.5")
# Indicators off track: this much of the project's time has passed and the indicators are on average below the share.
INDICATOR_TIME = Decimal("0.75")
INDICATOR_SHARE = Decimal("0.25")


@dataclass
class BoardRow:
    project: object
    risk: str
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return Risk(self.risk).label


def annotated(projects, on: dt.date):
    latest_spent = ProgressReport.objects.filter(
        project=OuterRef("pk"), state__in=(ReportState.SUBMITTED, ReportState.ACCEPTED)).order_by("-due_on").values("spent")[:1]
    return projects.select_related("enterprise", "institution", "call", "application").annotate(
        overdue_reports=Count("reports", filter=Q(reports__state__in=(ReportState.DRAFT, ReportState.RETURNED),
                                                  reports__due_on__lt=on), distinct=True),
        oldest_report_due=Min("reports__due_on", filter=Q(reports__state__in=(ReportState.DRAFT, ReportState.RETURNED),
                                                          reports__due_on__lt=on)),
        late_milestones=Count("milestones", filter=Q(milestones__state=MilestoneState.PLANNED, milestones__due_on__lt=on),
                              distinct=True),
        oldest_milestone_due=Min("milestones__due_on", filter=Q(milestones__state=MilestoneState.PLANNED,
                                                                milestones__due_on__lt=on)),
        spent=Subquery(latest_spent),
    )


def _elapsed(project, on: dt.date) -> Decimal:
    span = max((project.ends_on - project.starts_on).days, 1)
    return min(max(Decimal((on - project.starts_on).days) / span, Decimal(0)), Decimal(1))


def _progress(project_ids) -> dict:
    """Each project's indicators on average: achieved over target, capped at 1 per indicator."""
    rows = Indicator.objects.filter(project__in=project_ids).values_list("project", "target", "achieved")
    shares: dict = {}
    for project, target, achieved in rows:
        shares.setdefault(project, []).append(min(achieved / target, Decimal(1)))
    return {project: sum(values) / len(values) for project, values in shares.items()}


def assess(project, on: dt.date, progress: Decimal | None) -> BoardRow:
    if project.state not in OPEN_PROJECT_STATES:  # closed: nothing left to go wrong
        return BoardRow(project, Risk.GREEN)
    red, yellow = [], []
    if project.overdue_reports:
        days = (on - project.oldest_report_due).days
        (red if days > REPORT_RED_DAYS else yellow).append(
            _("%(n)s progress reports overdue (the oldest by %(days)s days)") % {"n": project.overdue_reports, "days": days})
    if project.late_milestones:
        days = (on - project.oldest_milestone_due).days
        (red if days > MILESTONE_RED_DAYS else yellow).append(
            _("%(n)s milestones late (the oldest by %(days)s days)") % {"n": project.late_milestones, "days": days})
    elapsed = _elapsed(project, on)
    expected = project.application.total_cost * elapsed
    if project.spent is not None and expected > 0 and project.spent < expected * SPENDING_SHARE:
        yellow.append(_("spending behind: %(spent)s of about %(expected)s 万元 expected by now") % {
            "spent": project.spent, "expected": expected.quantize(Decimal("0.01"))})
    if progress is not None and elapsed >= INDICATOR_TIME and progress < INDICATOR_SHARE:
        yellow.append(_("indicators off track: %(share)s%% reached with %(time)s%% of the time gone") % {
            "share": int(progress * 100), "time": int(elapsed * 100)})
    risk = Risk.RED if red else Risk.YELLOW if yellow else Risk.GREEN
    return BoardRow(project, risk, red + yellow)


def board(projects, on: dt.date) -> list[BoardRow]:
    rows = list(annotated(projects, on).order_by("number"))
    progress = _progress([p.pk for p in rows])
    return [assess(project, on, progress.get(project.pk)) for project in rows]


def funds_paid(projects) -> Decimal:
    return projects.aggregate(total=Sum("account__paid"))["total"] or Decimal(0)
