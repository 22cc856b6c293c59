"""Who may do what in the plan app, stated once and used by pages, API and admin alike."""
from kechuang.core.choices import Role
from kechuang.core.permissions import has_role, sees_everything

is_officer = has_role(Role.OFFICER)


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
    return bool(
        has_role(Role.LIAISON)(user) and task.lead_department_id is not None and user.department_id == task.lead_department_id
    )


def can_resubmit(user, report) -> bool:
    return can_report_on(user, report.task)
