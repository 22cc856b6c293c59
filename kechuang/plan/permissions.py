"""Who may do what in the plan app, stated once and used by pages, API and admin alike."""
from kechuang.core.permissions import is_liaison, is_officer, sees_everything


def can_view_indicators(user) -> bool:
    """Officers and leaders read the cockpit; liaisons see only their department's tasks."""
    return sees_everything(user)


def can_manage_plan(user) -> bool:
    """Loading plans and entering statistics-bureau figures is the S&T bureau's job."""
    return is_officer(user)


def can_review(user, report=None) -> bool:
    return is_officer(user)


def can_report_on(user, task) -> bool:
    """Only a liaison of the task's lead department reports its progress."""
    return is_liaison(user) and task.lead_department_id is not None and user.department_id == task.lead_department_id


def can_resubmit(user, report) -> bool:
    return can_report_on(user, report.task)
