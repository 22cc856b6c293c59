"""Every write the plan app makes: progress reports and their review, manual figures, reminders."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core import workflow
from kechuang.core.choices import Role
from kechuang.core.models import Notification, User
from kechuang.core.notifications import notify, queue_email
from kechuang.plan import supervision
from kechuang.plan.models import Evidence, ManualFigure, ProgressReport, Task
from kechuang.plan.permissions import can_manage_plan, can_report_on
from kechuang.plan.workflow import REPORT


def submit_report(user, task: Task, period_label: str, text: str, percent: int, files=()) -> ProgressReport:
    """A liaison's progress report for one period; a returned report is revised and resubmitted."""
    if not can_report_on(user, task):
        raise PermissionDenied(_("Only a liaison of the lead department may report on this task."))
    period = supervision.period_for(task.plan, period_label)
    if period is None:
        raise ValidationError({"period": _("%(period)s is not a reporting period of this plan.") % {"period": period_label}})
    if not 0 <= int(percent) <= 100:
        raise ValidationError({"percent": _("Percent complete must be between 0 and 100.")})
    if not text.strip():
        raise ValidationError({"text": _("Describe the progress made.")})
    with transaction.atomic():
        existing = ProgressReport.objects.select_for_update().filter(task=task, period=period.label).first()
        if existing is None:
            try:
                with transaction.atomic():
                    report = ProgressReport.objects.create(
                        task=task, period=period.label, period_end=period.end, text=text.strip(), percent=percent,
                        submitted_by=user, submitted_at=timezone.now(),
                    )
            except IntegrityError:
                raise ValidationError(_("A report for this period was submitted at the same moment.")) from None
        else:
            report = move(user, existing, "resubmit", text=text.strip(), percent=percent)
        for upload in files:
            Evidence.objects.create(report=report, file=upload, name=upload.name[:200])
        notify_reviewers(report)
    return report


def notify_reviewers(report: ProgressReport) -> None:
    """The bureau's officers hear of a report as it is submitted, so that none waits unseen for review."""
    reviewers = User.objects.filter(role=Role.OFFICER, is_active=True).order_by("pk")
    text = _("%(department)s submitted the report %(report)s for review.") % {
        "department": report.task.lead_department or "", "report": report,
    }
    notify(reviewers, text, url=reverse("plan:report", args=[report.pk]), email=False,
           key=f"submitted:{report.pk}:{report.submitted_at.isoformat()}")


def move(user, report: ProgressReport, transition_name: str, comment: str = "", **changes) -> ProgressReport:
    """Take one declared transition of plan.workflow.REPORT (a conditional UPDATE on the current state,
    so two officers acting at once cannot both accept or return the same report)."""
    report = workflow.move(REPORT, report, transition_name, user, comment, **changes)
    if transition_name == "return":
        notify_returned(report)
    return report


def notify_returned(report: ProgressReport) -> None:
    _notify_liaisons(report.task, f"returned:{report.pk}:{report.reviewed_at.isoformat()}",
                     _("Report %(report)s was returned: %(comment)s") % {"report": report, "comment": report.review_comment},
                     reverse("plan:report", args=[report.pk]))


def enter_figure(user, plan, key: str, date: dt.date, value: Decimal, source: str, evidence=None) -> ManualFigure:
    if not can_manage_plan(user):
        raise PermissionDenied(_("Only S&T bureau officers enter statistics figures."))
    if value is None or value < 0:
        raise ValidationError({"value": _("A figure cannot be negative.")})
    if not source.strip():
        raise ValidationError({"source": _("Name the source of the figure.")})
    return ManualFigure.objects.create(
        plan=plan, key=key, date=date, value=value, source=source.strip(), evidence=evidence or "", entered_by=user
    )


def _liaisons(department_id) -> list[User]:
    return list(User.objects.filter(role=Role.LIAISON, department_id=department_id, is_active=True).order_by("pk"))


def _notify_liaisons(task, key: str, text: str, url: str, email: bool = True) -> list[Notification]:
    """A notice to each liaison of the task's lead department who has not had this one (`key`)."""
    return notify(_liaisons(task.lead_department_id), text, url=url, email=email, key=key)


@transaction.atomic
def send_reminders(on: dt.date, tasks=None) -> dict:
    """Notify each lead department's liaisons of reports due soon and overdue (each once), and queue
    for every liaison who got new notices one e-mail listing them (`kechuang deliver` sends it)."""
    tasks = tasks if tasks is not None else Task.objects.assigned()
    new: dict[int, list[Notification]] = defaultdict(list)
    for status in supervision.statuses(tasks, on):
        task, url = status.task, reverse("plan:task", args=[status.task.pk])
        for kind, period_list, message in (
            ("due", status.due_soon, _("Progress report for %(task)s, period %(period)s, is due by %(due)s.")),
            ("overdue", status.overdue, _("Progress report for %(task)s, period %(period)s, is overdue (due %(due)s).")),
        ):
            for period in period_list:
                text = message % {"task": task, "period": period.label, "due": period.due.isoformat()}
                for note in _notify_liaisons(task, f"{kind}:{task.pk}:{period.label}", text, url, email=False):
                    new[note.user_id].append(note)
    emailed = 0
    for user in User.objects.filter(pk__in=new).order_by("pk"):
        notes = new[user.pk]
        body = "\n".join(f"- {note.text}" for note in notes)
        emailed += len(queue_email(user, _("[Kechuang] %(n)d plan reminders") % {"n": len(notes)}, body))
    return {"notifications": sum(len(v) for v in new.values()), "emails": emailed}
