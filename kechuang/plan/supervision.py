"""过程督查: reporting periods, each task's red/yellow/green, and which reports are due or overdue.

Light (docs/plan.md, "Task lights"): a task is expected to progress linearly from the plan's start to
its deadline (the plan's end when it has none). Its progress is the percent of its newest accepted report
on or before the day. With elapsed = the share of that span passed, in percent:
  green   100% done, or progress no more than GREEN_GAP points behind elapsed;
  yellow  behind by more than GREEN_GAP and at most YELLOW_GAP points;
  red     behind by more than YELLOW_GAP points, or past its deadline and not done.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kechuang.core.datadate import PageDate, default_date, page_date
from kechuang.plan.choices import Light, ReportingPeriod, ReportState
from kechuang.plan.schedule import elapsed_share

GREEN_GAP = 10
YELLOW_GAP = 25
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date
    due: dt.date


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


def periods(plan) -> list[Period]:
    """The plan's reporting periods, from the one holding its issue date (or its start) to its end."""
    first = max(plan.starts, plan.issued_on or plan.starts)
    step = 1 if plan.reporting_period == ReportingPeriod.MONTHLY else 3
    month = (first.month - 1) // step * step + 1
    year, result = first.year, []
    grace = dt.timedelta(days=plan.report_grace_days)
    while year <= plan.end_year:
        end = _month_end(year, month + step - 1)
        label = f"{year}-{month:02d}" if step == 1 else f"{year}-Q{(month - 1) // 3 + 1}"
        result.append(Period(label, dt.date(year, month, 1), end, end + grace))
        month += step
        if month > 12:
            year, month = year + 1, 1
    return result


def period_for(plan, label: str) -> Period | None:
    return next((p for p in periods(plan) if p.label == label), None)


def open_period(plan, on: dt.date) -> Period | None:
    """The period a liaison reports for on `on`: the newest one that has ended, while its report is not
    yet late; otherwise the one running."""
    candidates = [p for p in periods(plan) if p.start <= on]
    ended = [p for p in candidates if p.end < on and on <= p.due]
    return (ended or candidates or [None])[-1]


def light(percent: int, start: dt.date, deadline: dt.date, on: dt.date) -> Light:
    if percent >= 100:
        return Light.GREEN
    if on > deadline:
        return Light.RED
    behind = elapsed_share(start, deadline, on) * 100 - percent
    if behind <= GREEN_GAP:
        return Light.GREEN
    return Light.YELLOW if behind <= YELLOW_GAP else Light.RED


@dataclass
class TaskStatus:
    task: object
    percent: int
    light: Light
    last_report: object | None
    overdue: list[Period] = field(default_factory=list)
    due_soon: list[Period] = field(default_factory=list)

    @property
    def deadline(self) -> dt.date:
        return self.task.deadline or self.task.plan.ends


def task_status(task, on: dt.date, plan_periods: list[Period] | None = None) -> TaskStatus:
    """Uses task.reports.all() so that a prefetched list of tasks costs no query per task."""
    plan = task.plan
    reports = sorted(task.reports.all(), key=lambda r: r.period_end)
    accepted = [r for r in reports if r.state == ReportState.ACCEPTED and r.period_end <= on]
    percent = accepted[-1].percent if accepted else 0
    deadline = task.deadline or plan.ends
    status = TaskStatus(task, percent, light(percent, plan.starts, deadline, on), reports[-1] if reports else None)
    if task.lead_department_id and percent < 100:
        reported = {r.period for r in reports if r.state in (ReportState.SUBMITTED, ReportState.ACCEPTED)}
        for period in plan_periods if plan_periods is not None else periods(plan):
            if period.label in reported or period.start > on:
                continue
            if period.due < on:
                status.overdue.append(period)
            elif period.end - dt.timedelta(days=DUE_SOON_DAYS) <= on:
                status.due_soon.append(period)
    return status


def statuses(tasks, on: dt.date) -> list[TaskStatus]:
    tasks = list(tasks.select_related("plan", "area", "lead_department").prefetch_related("reports", "co_departments"))
    by_plan: dict[int, list[Period]] = {}
    result = []
    for task in tasks:
        if task.plan_id not in by_plan:
            by_plan[task.plan_id] = periods(task.plan)
        result.append(task_status(task, on, by_plan[task.plan_id]))
    return result


def plan_date(request, plans) -> PageDate:
    """The date a plan page opens on: the chosen one, else the data's date, else the plans' last day once
    their period has ended (a cockpit read after 2022 would otherwise show no target and every task red).
    `request` may be None: the default date alone."""
    plans = list(plans)
    period_end, period_name = None, ""
    if plans:
        last = max(plans, key=lambda plan: plan.end_year)
        period_end, period_name = dt.date(last.end_year, 12, 31), last.name if len(plans) == 1 else _("The plan period")
    if request is None:
        return default_date(period_end, period_name)
    return page_date(request, period_end, period_name)
