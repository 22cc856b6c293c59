"""督查通报 (supervision report) for a reporting period and the yearly summary, as .docx and .xlsx.
Both read the same Summary, so the two files always agree. Charts in the .docx are PNGs drawn with
matplotlib (Agg backend, no display, fonts from the system: Noto Sans CJK when installed)."""
from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass

from django.utils import translation

from kechuang.core import clock
from kechuang.core.documents import OfficialDocument
from kechuang.core.exports import Sheet, workbook_bytes
from kechuang.core.formatting import Figure
from kechuang.plan import supervision
from kechuang.plan.choices import Light, Status
from kechuang.plan.evaluation import read_plan

CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "DejaVu Sans"]
LIGHT_COLOURS = {Light.GREEN: "#2e7d32", Light.YELLOW: "#f9a825", Light.RED: "#c62828"}
STATUS_COLOURS = {Status.MET: "#2e7d32", Status.ON_TRACK: "#558b2f", Status.AT_RISK: "#f9a825", Status.BEHIND: "#c62828", Status.NO_DATA: "#9e9e9e"}
INDICATOR_HEADERS = ["指标代码", "指标", "单位", "年度目标", "最终目标", "实际值", "完成进度", "状态", "趋势预测(期末)"]
TASK_HEADERS = ["任务编号", "任务", "牵头单位", "配合单位", "完成时限", "进度(%)", "状态", "最近报告", "逾期期次"]
OVERDUE_HEADERS = ["任务编号", "任务", "牵头单位", "期次", "应报日期"]
DEPARTMENT_HEADERS = ["部门", "任务数", "绿", "黄", "红", "逾期未报"]
UNASSIGNED = "未分工"


def figure(value, unit: str) -> Figure:
    """An indicator's figure (its unit stands in the 单位 column): a ratio as a percentage, 万元 with two
    decimals, counts whole (a fractional count, a pace or a trend, rounded)."""
    from kechuang.plan.choices import Unit

    if unit == Unit.RATIO:
        return Figure(value, ratio=True, decimals=2)
    return Figure(value, decimals=2 if unit == Unit.TEN_K_YUAN and not _whole(value) else 0)


def _whole(value) -> bool:
    return value is None or float(value) == int(float(value))


@dataclass
class Summary:
    plan: object
    title: str
    as_of: dt.date
    readings: list
    statuses: list

    def indicator_rows(self):
        """Figures stay numbers (`Figure`), their unit once in the 单位 column: the .docx shows "110,500.03",
        the .xlsx stores 110500.03 formatted `#,##0.00`; a ratio reads "0.46%" in both."""
        for r in self.readings:
            unit = r.indicator.unit
            yield [
                r.indicator.code, r.indicator.name, unit, figure(r.year_target, unit), figure(r.target, unit),
                figure(r.actual, unit), Figure(r.progress, ratio=True), str(r.status.label),
                figure(r.forecast.trend.value if r.forecast else None, unit),
            ]

    def task_rows(self):
        for s in self.statuses:
            task = s.task
            yield [
                task.code, task.title, task.lead_department.name if task.lead_department else UNASSIGNED,
                "、".join(d.name for d in task.co_departments.all()), s.deadline, s.percent, str(s.light.label),
                s.last_report.period if s.last_report else "", "、".join(p.label for p in s.overdue),
            ]

    def overdue_rows(self):
        for s in self.statuses:
            for period in s.overdue:
                yield [s.task.code, s.task.title, s.task.lead_department.name, period.label, period.due]

    def department_rows(self):
        groups: dict[str, Counter] = {}
        for s in self.statuses:
            name = s.task.lead_department.name if s.task.lead_department else UNASSIGNED
            counts = groups.setdefault(name, Counter())
            counts["tasks"] += 1
            counts[s.light] += 1
            counts["overdue"] += bool(s.overdue)
        for name, c in sorted(groups.items()):
            yield [name, c["tasks"], c[Light.GREEN], c[Light.YELLOW], c[Light.RED], c["overdue"]]


def summary(plan, as_of: dt.date, title: str) -> Summary:
    return Summary(plan, title, as_of, read_plan(plan, as_of), supervision.statuses(plan.tasks.all(), as_of))


def period_summary(plan, period_label: str) -> Summary:
    period = supervision.period_for(plan, period_label)
    if period is None:
        raise ValueError(f"{period_label} 不是本计划的报送期次")
    return summary(plan, period.end, f"{plan.name} 督查通报（{period.label}）")


def year_summary(plan, year: int) -> Summary:
    if year not in plan.years:
        raise ValueError(f"{year} 不在计划期内")
    return summary(plan, dt.date(year, 12, 31), f"{plan.name} {year} 年度总结")


def xlsx(s: Summary) -> bytes:
    with translation.override("zh-hans"):
        notes = [f"统计截至 {s.as_of.isoformat()}；依据：{s.plan.document_number or s.plan.name}（{s.plan.issuer}）"]
        return workbook_bytes([
            Sheet(name, headers, list(rows), caption=f"{s.title}：{name}", notes=notes)
            for name, headers, rows in (
                ("指标", INDICATOR_HEADERS, s.indicator_rows()),
                ("各部门", DEPARTMENT_HEADERS, s.department_rows()),
                ("任务", TASK_HEADERS, s.task_rows()),
                ("逾期清单", OVERDUE_HEADERS, s.overdue_rows()),
            )
        ])


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.sans-serif"] = CJK_FONTS
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def _png(fig) -> io.BytesIO:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    fig.clf()
    buffer.seek(0)
    return buffer


def progress_chart(s: Summary) -> io.BytesIO:
    """Each indicator's progress toward its yearly target, coloured by status, against the 100% line."""
    plt = _figure()
    fig, axis = plt.subplots(figsize=(7, 3.2))
    names = [r.indicator.name for r in s.readings]
    values = [float(r.progress or 0) * 100 for r in s.readings]
    axis.barh(names, values, color=[STATUS_COLOURS[r.status] for r in s.readings])
    axis.axvline(100, color="#333", linewidth=1, linestyle="--")
    for y, value in enumerate(values):
        axis.text(value + 1, y, f"{value:.0f}%", va="center", fontsize=8)
    axis.invert_yaxis()
    axis.set_xlabel("完成进度(%)")
    axis.set_title("指标完成进度（相对年度目标）")
    plt.close(fig)
    return _png(fig)


def department_chart(s: Summary) -> io.BytesIO:
    plt = _figure()
    rows = list(s.department_rows())
    fig, axis = plt.subplots(figsize=(7, 0.4 * max(len(rows), 3) + 1))
    names = [row[0] for row in rows]
    left = [0] * len(rows)
    for index, light in ((2, Light.GREEN), (3, Light.YELLOW), (4, Light.RED)):
        counts = [row[index] for row in rows]
        axis.barh(names, counts, left=left, color=LIGHT_COLOURS[light], label=str(light.label))
        left = [a + b for a, b in zip(left, counts)]
    axis.invert_yaxis()
    axis.set_xlabel("任务数")
    axis.set_title("各部门任务状态")
    axis.legend(loc="lower right", fontsize=8)
    plt.close(fig)
    return _png(fig)


def docx(s: Summary, red_head: bool = False, document_number: str = "") -> bytes:
    """The report in the official document format (GB/T 9704-2012, kechuang.core.documents); with
    `red_head`, under the issuing office's red mark and the document number given (left blank for the
    clerk to fill when none is given)."""
    with translation.override("zh-hans"):
        plan = s.plan
        document = OfficialDocument(
            s.title, issuer_mark=plan.issuer if red_head else "", document_number=document_number or "〔    〕号",
        )
        document.paragraph(
            f"依据：{plan.document_number or plan.name}（{plan.issuer}）；统计截至 {s.as_of.isoformat()}；"
            f"生成于 {clock.today().isoformat()}。"
        )
        if any(t.is_demo for t in plan.tasks.all()) or any(r.indicator.year_targets.filter(is_demo=True).exists() for r in s.readings):
            document.note("注：年度目标和部门分工含演示数据（非正式附件），仅供演示。")
        counts = Counter(r.status for r in s.readings)
        lights = Counter(st.light for st in s.statuses)
        overdue = list(s.overdue_rows())
        document.paragraph(
            f"{len(s.readings)} 项指标中，已完成 {counts[Status.MET]} 项、进度正常 {counts[Status.ON_TRACK]} 项、"
            f"有风险 {counts[Status.AT_RISK]} 项、滞后 {counts[Status.BEHIND]} 项；{len(s.statuses)} 项任务中，"
            f"绿灯 {lights[Light.GREEN]} 项、黄灯 {lights[Light.YELLOW]} 项、红灯 {lights[Light.RED]} 项；逾期未报 {len(overdue)} 期次。"
        )
        document.heading("一、指标完成情况")
        document.table(INDICATOR_HEADERS[1:], [row[1:] for row in s.indicator_rows()])
        document.picture(progress_chart(s))
        document.heading("二、各部门任务进展")
        document.table(DEPARTMENT_HEADERS, list(s.department_rows()))
        document.picture(department_chart(s))
        document.table([h for h in TASK_HEADERS if h != "配合单位"], [row[:3] + row[4:] for row in s.task_rows()])
        document.heading("三、逾期未报清单")
        if overdue:
            document.table(OVERDUE_HEADERS, overdue)
        else:
            document.paragraph("无。")
        document.heading("四、说明")
        document.paragraph(
            "指标实际值按统计截至日由登记数据自动计算（研发投入强度取统计部门数据），状态按年度目标的线性进度判定；"
            "任务状态按完成时限内的时间进度与最近一次审核通过的进展报告比较。"
        )
        return document.bytes()
