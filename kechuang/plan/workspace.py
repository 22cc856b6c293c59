"""What the plan asks of each role now: reports to review, reports to write or revise."""
from django.urls import reverse
from django.utils.translation import gettext as _

from kechuang.core.permissions import is_liaison
from kechuang.core.workspace import WorkItem, listed
from kechuang.plan import supervision
from kechuang.plan.choices import ReportState
from kechuang.plan.models import Plan, Task
from kechuang.plan.permissions import can_review


def work_items(user) -> list[WorkItem | None]:
    if can_review(user):
        return [listed(user, _("Progress reports awaiting your review"), "plan:reviews", state=ReportState.SUBMITTED)]
    if is_liaison(user):
        return [
            reports_to_write(user),
            # Returned reports of the tasks the department leads: the ones its liaison revises.
            listed(user, _("Your reports returned for revision"), "plan:reviews", state=ReportState.RETURNED,
                   department=user.department_id),
        ]
    return []


def reports_to_write(user) -> WorkItem:
    """The periods the liaison's department still owes a report for, overdue or due within days, as of
    the date the department's page opens on."""
    tasks = Task.objects.visible_to(user).filter(lead_department=user.department_id)
    as_of = supervision.plan_date(None, Plan.objects.filter(pk__in=tasks.values("plan_id"))).date
    owed = sum(len(status.overdue) + len(status.due_soon) for status in supervision.statuses(tasks, as_of))
    return WorkItem(_("Progress reports to write (overdue or due)"), owed, reverse("plan:my_department"))
