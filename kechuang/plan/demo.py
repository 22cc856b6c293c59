"""Demo data for the seed plan. The annexes (附件1 年度分解表, 附件2 部门及任务分工表) are not public, so the
demo writes plausible ones — through the same annex importers as a real file, flagged `is_demo` and shown
as 演示数据 on every page — plus the statistics bureau's R&D and GDP figures, one liaison per lead
department, and three years of progress reports (some late, some returned) as of the demo's date."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kechuang.core.choices import Role
from kechuang.core.imports import Table
from kechuang.core.models import Department, User
from kechuang.demo import register
from kechuang.plan import supervision
from kechuang.plan.apps import SEED_PLAN_CODE
from kechuang.plan.choices import ReportState
from kechuang.plan.importers import AssignmentImporter, PlanFrame, PlanRejected, YearTargetImporter
from kechuang.plan.indicators import GDP, RD_EXPENDITURE
from kechuang.plan.models import ManualFigure, Plan, ProgressReport
from kechuang.plan.schedule import elapsed_share
from kechuang.plan.services import notify_returned, notify_reviewers

# Share of the 2022 target set for each year (a stock grows toward it; a flow's yearly total rises).
YEAR_SHARES = {2020: Decimal("0.70"), 2021: Decimal("0.85"), 2022: Decimal("1")}
RD_INTENSITY = {2019: Decimal("0.0036"), 2020: Decimal("0.0039"), 2021: Decimal("0.0042"), 2022: Decimal("0.0045")}
GDP_10K_YUAN = {2019: 2_450_000, 2020: 2_580_000, 2021: 2_790_000, 2022: 2_960_000}
STATISTICS_SOURCE = "生态城统计局《统计年鉴》（演示数据）"

# Lead and co-departments by area (codes of kechuang.core.demo.DEPARTMENTS); a few items differ.
AREA_LEADS = {
    "二(一)": ("keji", ["fagai"]),
    "二(二)": ("keji", ["fagai", "touzi"]),
    "二(三)": ("keji", ["shichang"]),
    "二(四)": ("keji", ["touzi", "shichang"]),
    "二(五)": ("renshe", ["keji", "jiaoti"]),
    "二(六)": ("keji", ["fagai", "caizheng"]),
}
TASK_LEADS = {
    "二(二)2": ("fagai", ["keji", "touzi"]),
    "二(二)4": ("touzi", ["keji", "guihua"]),
    "二(二)5": ("jianshe", ["keji", "weijian", "jiaoti"]),
    "二(四)1": ("touzi", ["keji", "shichang"]),
    "二(六)3": ("caizheng", ["fagai", "keji"]),
    "二(六)4": ("keji", ["jiaoti"]),
}
MILESTONES = {
    2021: "完成年度工作方案，明确责任人和时间表，推进重点事项落地",
    2022: "全面完成任务，形成可复制推广的经验并报送总结",
}


def yearly_targets(plan) -> Table:
    rows = []
    for indicator in plan.indicators.order_by("position"):
        for year, share in YEAR_SHARES.items():
            value = indicator.target * share
            value = value.quantize(Decimal("0.0001")) if indicator.unit == "%" else value.quantize(Decimal(1))
            rows.append((len(rows) + 2, [indicator.code, indicator.name, indicator.unit if indicator.unit != "%" else "", year, value]))
    return Table(["指标代码", "指标名称", "单位", "年度", "目标值"], rows)


def assignments(plan) -> Table:
    names = dict(Department.objects.values_list("code", "name"))
    rows = []
    for task in plan.tasks.select_related("area").order_by("position"):
        lead, co = TASK_LEADS.get(task.code) or AREA_LEADS[task.area.code]
        milestones = "\n".join(f"{year}年：{text}" for year, text in MILESTONES.items())
        rows.append((len(rows) + 2, [task.code, task.title, names[lead], "、".join(names[c] for c in co), milestones, "2022年12月"]))
    return Table(["任务编号", "重点任务", "牵头单位", "配合单位", "年度目标", "完成时限"], rows)


def _load_annexes(plan) -> None:
    frame = PlanFrame.of(plan)
    for importer_class, table in ((YearTargetImporter, yearly_targets(plan)), (AssignmentImporter, assignments(plan))):
        importer = importer_class(frame, is_demo=True)
        result = importer.check(table)
        if not result.ok:
            raise PlanRejected(result.problems)
        importer.write(result.rows)


def _figures(plan, as_of: dt.date) -> None:
    rows = []
    for year, gdp in GDP_10K_YUAN.items():
        day = dt.date(year, 12, 31)
        if day > as_of:
            continue
        rd = (Decimal(gdp) * RD_INTENSITY[year]).quantize(Decimal("0.01"))
        rows += [
            ManualFigure(plan=plan, key=GDP, date=day, value=Decimal(gdp), source=STATISTICS_SOURCE),
            ManualFigure(plan=plan, key=RD_EXPENDITURE, date=day, value=rd, source=STATISTICS_SOURCE),
        ]
    ManualFigure.objects.bulk_create(rows)


def _liaisons(context, plan) -> dict[int, User]:
    """One liaison per lead department; the demo `liaison` login serves its own department."""
    demo = context.users.get(Role.LIAISON)
    by_department = {demo.department_id: demo} if demo and demo.department_id else {}
    password = demo.password if demo else "!"
    for department in Department.objects.filter(led_tasks__plan=plan).distinct().order_by("code"):
        if department.pk not in by_department:
            user = User(username=f"liaison_{department.code}", password=password, role=Role.LIAISON,
                        department=department, last_name=department.name[:2], first_name="联络员")
            user.save()
            by_department[department.pk] = user
    return by_department


def _at(day: dt.date, hour: int):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _reports(context, plan, liaisons: dict[int, User]) -> int:
    rng, as_of = context.rng, context.as_of
    officer = context.users.get(Role.OFFICER)
    demo_liaison = context.users.get(Role.LIAISON)
    periods = [p for p in supervision.periods(plan) if p.end < as_of]
    rows = []
    for task in plan.tasks.assigned().order_by("position"):
        if demo_liaison is not None and task.lead_department_id == demo_liaison.department_id:
            rows += _demo_liaison_reports(task, periods, demo_liaison, officer)
            continue
        # Each task keeps its own pace: most are near schedule, a few lag.
        pace = rng.choice([1.0, 1.0, 1.05, 0.95, 0.9, 0.8, 0.6])
        for index, period in enumerate(periods):
            late_period = index >= len(periods) - 2
            if rng.random() < (0.25 if late_period else 0.06):
                continue  # not reported: shows as overdue once its due date has passed
            share = float(elapsed_share(plan.starts, task.deadline or plan.ends, period.end))
            percent = max(0, min(100, round(share * 100 * pace + rng.uniform(-5, 5))))
            submitted = min(period.end + dt.timedelta(days=rng.randint(1, plan.report_grace_days)), as_of)
            state = ReportState.ACCEPTED
            if period is periods[-1] and rng.random() < 0.5:
                state = ReportState.SUBMITTED  # the latest round is still being reviewed
            elif rng.random() < 0.05:
                state = ReportState.RETURNED
            reviewed = state != ReportState.SUBMITTED and officer is not None
            rows.append(ProgressReport(
                task=task, period=period.label, period_end=period.end, percent=percent, state=state,
                text=f"{period.label}：按计划推进“{task.title}”，完成阶段工作约 {percent}%。",
                submitted_by=liaisons[task.lead_department_id], submitted_at=_at(submitted, 10),
                reviewed_by=officer if reviewed else None,
                reviewed_at=_at(min(submitted + dt.timedelta(days=2), as_of), 16) if reviewed else None,
                review_comment="请补充佐证材料并细化下一阶段安排" if state == ReportState.RETURNED else "",
            ))
    ProgressReport.objects.bulk_create(rows)
    _notify_demo_reports(plan, demo_liaison)
    return len(rows)


def _demo_liaison_reports(task, periods, liaison, officer) -> list[ProgressReport]:
    """The demo `liaison` login's work: every period reported and accepted but the last two; the
    second-to-last came back for revision and the last is still to be written."""
    rows = []
    for index, period in enumerate(periods[:-1]):
        returned = index == len(periods) - 2
        submitted = period.end + dt.timedelta(days=5)
        percent = round(float(elapsed_share(task.plan.starts, task.deadline or task.plan.ends, period.end)) * 100)
        rows.append(ProgressReport(
            task=task, period=period.label, period_end=period.end, percent=min(100, percent),
            state=ReportState.RETURNED if returned else ReportState.ACCEPTED,
            text=f"{period.label}：按计划推进“{task.title}”，完成阶段工作约 {min(100, percent)}%。",
            submitted_by=liaison, submitted_at=_at(submitted, 10),
            reviewed_by=officer, reviewed_at=_at(submitted + dt.timedelta(days=2), 16) if officer else None,
            review_comment="请补充佐证材料并细化下一阶段安排" if returned else "",
        ))
    return rows


def _notify_demo_reports(plan, demo_liaison) -> None:
    """The notices the demo's reports would have sent: the officers hear of each report waiting for
    review, the demo liaison of its returned report."""
    for report in ProgressReport.objects.filter(task__plan=plan, state=ReportState.SUBMITTED).select_related("task__lead_department"):
        notify_reviewers(report)
    if demo_liaison is not None:
        for report in ProgressReport.objects.filter(task__plan=plan, state=ReportState.RETURNED, submitted_by=demo_liaison):
            notify_returned(report)


@register("plan", after=("core", "cultivation", "techmarket"))
def populate(context) -> None:
    plan = Plan.objects.get(code=SEED_PLAN_CODE)
    _load_annexes(plan)
    _figures(plan, context.as_of)
    count = _reports(context, plan, _liaisons(context, plan))
    context.stdout.write(
        f"plan: {plan.code} demo annexes ({plan.indicators.count()} indicators × {len(YEAR_SHARES)} years, "
        f"{plan.tasks.assigned().count()} tasks assigned), statistics figures, {count} progress reports\n"
    )
