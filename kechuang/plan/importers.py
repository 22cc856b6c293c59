"""Loading a plan: its body (indicators, areas, tasks, safeguards) from YAML, and its two annexes —
附件1 年度分解表 (yearly targets) and 附件2 部门及任务分工表 (task division) — either as sections of that YAML
or as the two sheets of an .xlsx. Every line is checked before anything is written; one problem refuses
the whole file, and each problem names its line (or sheet row), its field and the reason in Chinese.

Units (docs/plan.md, "Units"): money is kept in 万元, counts in 件/家 and ratios as fractions. A target
may carry its unit ("110000万元", "0.46%", or the 单位 column of the annex): the unit must be the
indicator's own, "%" meaning per hundred. A bare number is in the stored unit; it is refused as a scale
mistake when it is a ratio above 1, or a count/amount more than SCALE_LIMIT times away from the final
target (11 given for a 110000 万元 indicator).
"""
from __future__ import annotations

import calendar
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction

from kechuang.core.imports import CellError, Field, Importer, Problem, Row, Table, date, integer, text
from kechuang.core.models import Department
from kechuang.plan.choices import Direction, IndicatorKind, ReportingPeriod, Unit
from kechuang.plan.indicators import QUERIES
from kechuang.plan.models import VALUE

ANNEX_TARGETS = "年度分解表"
ANNEX_TASKS = "部门及任务分工表"
SCALE_LIMIT = 1000
# What a target column (plan.models.VALUE) holds: no more integer digits than it has room for.
VALUE_LIMIT = Decimal(10) ** (VALUE["max_digits"] - VALUE["decimal_places"])
UNIT_SPELLINGS = {"％": "%", "百分比": "%", "个": "家"}
QUANTITY = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(\D*)$")
DIRECTIONS = {"ge": Direction.AT_LEAST, "≥": Direction.AT_LEAST, ">=": Direction.AT_LEAST,
              "gt": Direction.MORE_THAN, ">": Direction.MORE_THAN,
              "le": Direction.AT_MOST, "≤": Direction.AT_MOST, "<=": Direction.AT_MOST}
MILESTONE_LINE = re.compile(r"^(\d{4})\s*年?\s*[:：]\s*(.+)$")
DEADLINE_MONTH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:底|末)?$")
DEADLINE_YEAR = re.compile(r"^(\d{4})\s*年(?:底|末)?$")
DEPARTMENT_SEPARATORS = re.compile(r"[、,，;；/\s]+")


class PlanRejected(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} 处错误，计划未载入")
        self.problems = problems


def parse_quantity(value, unit: str, final_target: Decimal | None, given_unit: str | None = None) -> Decimal:
    """A target value in the indicator's stored unit, or CellError naming the unit mistake."""
    if isinstance(value, bool):
        raise CellError(f"应为数值，实际为「{value}」")
    if isinstance(value, (int, float, Decimal)):
        number, written = Decimal(str(value)), ""
    else:
        match = QUANTITY.match(str(value).strip().replace(",", ""))
        if not match:
            raise CellError(f"应为数值（可带单位，如 110000万元、0.46%），实际为「{value}」")
        number, written = Decimal(match.group(1)), match.group(2).strip()
    if not number.is_finite() or abs(number) >= VALUE_LIMIT:
        raise CellError(f"数值超出范围：绝对值应小于 {VALUE_LIMIT}，实际为「{value}」")
    written = written or (given_unit or "").strip()
    written = UNIT_SPELLINGS.get(written, written)
    if written:
        if written != unit:
            raise CellError(f"单位错误：该指标以「{unit}」计，文件给出「{written}」（金额一律用万元，比例用小数或 %）")
        return number / 100 if unit == Unit.RATIO else number
    if unit == Unit.RATIO and abs(number) > 1:
        raise CellError(f"单位错误：比例应写成小数（如 0.0046）或带 %（如 0.46%），实际为 {number}")
    if unit != Unit.RATIO and final_target and number and not (
        abs(final_target) / SCALE_LIMIT <= abs(number) <= abs(final_target) * SCALE_LIMIT
    ):
        raise CellError(f"疑似单位错误：{number}{unit} 与最终目标 {final_target}{unit} 相差超过 {SCALE_LIMIT} 倍")
    if number < 0:
        raise CellError(f"目标值不能为负数，实际为 {number}")
    return number


@dataclass
class PlanFrame:
    """What the annexes are checked against: the plan's period, indicators and task numbers."""

    code: str
    start_year: int
    end_year: int
    indicators: dict[str, tuple[str, Decimal]] = field(default_factory=dict)  # code → (unit, final target)
    tasks: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, plan) -> PlanFrame:
        return cls(
            plan.code,
            plan.start_year,
            plan.end_year,
            {i.code: (i.unit, i.target) for i in plan.indicators.all()},
            set(plan.tasks.values_list("code", flat=True)),
        )

    @property
    def period_text(self) -> str:
        return f"{self.start_year}—{self.end_year}"

    def in_period(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year


def _raw(value):
    return value


class AnnexImporter(Importer):
    """An annex of a plan: checked against the plan's frame, written into the plan once all is valid."""

    def __init__(self, frame: PlanFrame, is_demo: bool = False, progress=None):
        super().__init__(progress)
        self.frame = frame
        self.is_demo = is_demo

    def plan(self, rows):
        return None


class YearTargetImporter(AnnexImporter):
    title = ANNEX_TARGETS
    key = ("code", "year")
    fields = [
        Field("指标代码", "code", text(max_length=60), required=True),
        Field("指标名称", "name", text(max_length=100)),
        Field("单位", "unit", text(max_length=8)),
        Field("年度", "year", integer(minimum=1900, maximum=2100), required=True),
        Field("目标值", "raw_value", _raw, required=True),
    ]

    def clean_row(self, row: Row) -> None:
        values = row.values
        known = self.frame.indicators.get(values["code"])
        if known is None:
            row.error("指标代码", f"未知的指标代码「{values['code']}」，本计划的指标为：{'、'.join(self.frame.indicators)}")
            return
        if not self.frame.in_period(values["year"]):
            row.error("年度", f"年度 {values['year']} 不在计划期 {self.frame.period_text} 内")
        unit, final = known
        try:
            values["value"] = parse_quantity(values["raw_value"], unit, final, values.get("unit"))
        except CellError as exc:
            row.error("目标值", str(exc))

    def write(self, rows: list[Row]):
        from kechuang.plan.models import Indicator, YearTarget

        indicators = {i.code: i for i in Indicator.objects.filter(plan__code=self.frame.code)}
        for row in rows:  # YearTarget is an AuditedModel: each save is chained
            YearTarget.objects.update_or_create(
                indicator=indicators[row.values["code"]],
                year=row.values["year"],
                defaults={"value": row.values["value"], "is_demo": self.is_demo},
            )


def parse_milestones(value) -> dict[int, str]:
    """{year: goal} from a mapping, or from lines "2021年：目标" (one year a line)."""
    if isinstance(value, dict):
        items = [(str(year), str(goal)) for year, goal in value.items() if year != "__line__"]
    else:
        items = []
        for line in str(value).splitlines():
            if not line.strip():
                continue
            match = MILESTONE_LINE.match(line.strip())
            if not match:
                raise CellError(f"年度目标应每行写成「2021年：目标」，无法识别「{line.strip()}」")
            items.append(match.groups())
    milestones = {}
    for year, goal in items:
        if not str(year).isdigit():
            raise CellError(f"年度目标的年份「{year}」不是四位年份")
        milestones[int(year)] = goal.strip()
    return milestones


def parse_deadline(value) -> dt.date:
    """A date, or "2022年12月" (that month's last day), or "2022年"/"2022年底" (31 December)."""
    if isinstance(value, (dt.date, dt.datetime, int, float)):
        return date()(value)
    written = str(value).strip()
    if match := DEADLINE_MONTH.match(written):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise CellError(f"不是有效日期：「{written}」")
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    if match := DEADLINE_YEAR.match(written):
        return dt.date(int(match.group(1)), 12, 31)
    return date()(written)


class AssignmentImporter(AnnexImporter):
    title = ANNEX_TASKS
    key = ("code",)
    fields = [
        Field("任务编号", "code", text(max_length=20), required=True),
        Field("重点任务", "title", text()),
        Field("牵头单位", "lead", "department"),
        Field("配合单位", "co", "departments"),
        Field("年度目标", "milestones", parse_milestones),
        Field("完成时限", "deadline", parse_deadline),
    ]

    def prepare(self) -> None:
        self.known = {}
        for department in Department.objects.all():
            self.known[department.name] = department
            self.known[department.code] = department

    def department(self, value) -> Department:
        name = str(value).strip()
        if name not in self.known:
            raise CellError(f"未知的部门「{name}」：请核对名称，或先由管理员在后台添加该部门")
        return self.known[name]

    def departments(self, value) -> list[Department]:
        names = value if isinstance(value, list) else DEPARTMENT_SEPARATORS.split(str(value))
        return [self.department(name) for name in names if str(name).strip()]

    def clean_row(self, row: Row) -> None:
        values = row.values
        if values["code"] not in self.frame.tasks:
            row.error("任务编号", f"计划中没有编号为「{values['code']}」的任务")
        if not values.get("lead"):
            row.error("牵头单位", "任务没有牵头单位：每项任务必须有一个牵头单位")
        elif values["lead"] in (values.get("co") or []):
            row.error("配合单位", f"「{values['lead'].name}」已是牵头单位，不能同时为配合单位")
        for year in values.get("milestones") or {}:
            if not self.frame.in_period(year):
                row.error("年度目标", f"年度 {year} 不在计划期 {self.frame.period_text} 内")
        deadline = values.get("deadline")
        if deadline and not self.frame.in_period(deadline.year):
            row.error("完成时限", f"完成时限 {deadline.isoformat()} 不在计划期 {self.frame.period_text} 内")

    def write(self, rows: list[Row]):
        from kechuang.plan.models import Milestone, Task

        tasks = {t.code: t for t in Task.objects.filter(plan__code=self.frame.code)}
        for row in rows:  # Task and Milestone are AuditedModels: each save is chained
            values = row.values
            task = tasks[values["code"]]
            task.lead_department = values["lead"]
            task.deadline = values.get("deadline") or task.deadline
            task.is_demo = self.is_demo
            task.save(update_fields=["lead_department", "deadline", "is_demo"])
            task.co_departments.set(values.get("co") or [])
            for year, goal in (values.get("milestones") or {}).items():
                Milestone.objects.update_or_create(task=task, year=year, defaults={"text": goal})


# --- the plan body (YAML) ---------------------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    """Keeps each mapping's line number (as "__line__") so problems can name the line."""


def _mapping_with_line(loader, node):
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


@dataclass
class Body:
    data: dict
    problems: list[Problem] = field(default_factory=list)

    def error(self, item: dict | None, column: str, reason: str) -> None:
        self.problems.append(Problem((item or {}).get("__line__"), column, reason))

    def require(self, item: dict, *keys: str) -> bool:
        missing = [key for key in keys if item.get(key) in (None, "")]
        for key in missing:
            self.error(item, key, "必填项为空")
        return not missing

    def unique(self, items: list[dict], what: str) -> None:
        seen = {}
        for item in items:
            code = item.get("code")
            if code in seen:
                self.error(item, "code", f"{what}编号「{code}」重复（第 {seen[code]} 行已有）")
            elif code is not None:
                seen[code] = item.get("__line__")


def _list(body: Body, value, name: str) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        body.error(body.data, name, "应为条目列表")
        return []
    return value


def check_body(data) -> tuple[Body, PlanFrame | None]:
    from kechuang.plan.models import Plan

    if not isinstance(data, dict):
        body = Body({})
        body.error(None, "", "文件内容不是一个计划（应为 YAML 映射）")
        return body, None
    body = Body(data)
    if not body.require(data, "code", "name", "start_year", "end_year"):
        return body, None
    start, end = data["start_year"], data["end_year"]
    if not (isinstance(start, int) and isinstance(end, int) and start <= end):
        body.error(data, "end_year", f"计划期 {start}—{end} 无效：起止年份应为整数且起始不晚于结束")
        return body, None
    if data.get("parent") and not Plan.objects.filter(code=data["parent"]).exists():
        body.error(data, "parent", f"上级计划「{data['parent']}」不存在，请先载入上级计划")
    if data.get("reporting_period", ReportingPeriod.QUARTERLY) not in ReportingPeriod.values:
        body.error(data, "reporting_period", f"报送周期应为 {'、'.join(ReportingPeriod.values)}")
    frame = PlanFrame(data["code"], start, end)

    indicators = _list(body, data.get("indicators"), "indicators")
    body.unique(indicators, "指标")
    for item in indicators:
        if not body.require(item, "code", "name", "unit", "target"):
            continue
        if item["unit"] not in Unit.values:
            body.error(item, "unit", f"单位「{item['unit']}」不可用，应为 {'、'.join(Unit.values)}（金额一律用万元）")
            continue
        if str(item.get("direction", "ge")) not in DIRECTIONS:
            body.error(item, "direction", "方向应为 ≥、> 或 ≤")
        kind = item.get("kind", IndicatorKind.COMPUTED)
        if kind not in IndicatorKind.values:
            body.error(item, "kind", f"指标类型应为 {'、'.join(IndicatorKind.values)}")
        elif kind == IndicatorKind.COMPUTED and item.get("query", item["code"]) not in QUERIES:
            body.error(item, "query", f"没有名为「{item.get('query', item['code'])}」的统计口径，可选：{'、'.join(QUERIES)}")
        try:
            item["target_value"] = parse_quantity(item["target"], item["unit"], None)
        except CellError as exc:
            body.error(item, "target", str(exc))
            continue
        frame.indicators.setdefault(item["code"], (item["unit"], item["target_value"]))

    areas = _list(body, data.get("areas"), "areas")
    body.unique(areas, "领域")
    tasks = [task for area in areas for task in _list(body, area.get("tasks"), "tasks")]
    body.unique(tasks, "任务")
    for area in areas:
        body.require(area, "code", "title")
    for task in tasks:
        if body.require(task, "code", "title", "text"):
            frame.tasks.add(str(task["code"]))
    safeguards = _list(body, data.get("safeguards"), "safeguards")
    body.unique(safeguards, "保障措施")
    for item in safeguards:
        body.require(item, "code", "title", "text")
    return body, frame


def _table(items: list[dict], columns: dict[str, str]) -> Table:
    """An annex given as YAML entries, as the table the annex importer reads (line numbers as rows)."""
    rows = [(item.get("__line__") or 0, [item.get(key) for key in columns.values()]) for item in items]
    return Table(list(columns), rows)


TARGET_KEYS = {"指标代码": "indicator", "单位": "unit", "年度": "year", "目标值": "target"}
ASSIGNMENT_KEYS = {"任务编号": "task", "牵头单位": "lead", "配合单位": "co", "年度目标": "milestones", "完成时限": "deadline"}


def _check_annexes(frame: PlanFrame, tables: list[tuple[type[AnnexImporter], Table]], is_demo: bool):
    checked, problems = [], []
    for importer_class, table in tables:
        importer = importer_class(frame, is_demo)
        result = importer.check(table)
        sheet = importer_class.title
        problems += [Problem(p.row, f"{sheet}·{p.column}" if p.column else sheet, p.reason) for p in result.problems]
        checked.append((importer, result.rows))
    return checked, problems


def load_yaml(text_or_path, is_demo: bool = False):
    """Check a whole YAML plan and, when it has no problem, write it in one transaction."""
    from kechuang.plan.models import Plan

    source = Path(text_or_path).read_text(encoding="utf-8") if isinstance(text_or_path, Path) else text_or_path
    try:
        data = yaml.load(source, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise PlanRejected([Problem(line + 1 if line is not None else None, "", f"YAML 格式错误：{exc}")]) from None
    body, frame = check_body(data)
    if frame is None:
        raise PlanRejected(body.problems)
    annexes = [
        (YearTargetImporter, _table(_list(body, data.get("yearly_targets"), "yearly_targets"), TARGET_KEYS)),
        (AssignmentImporter, _table(_list(body, data.get("assignments"), "assignments"), ASSIGNMENT_KEYS)),
    ]
    checked, problems = _check_annexes(frame, [(c, t) for c, t in annexes if t.rows], is_demo)
    problems = body.problems + problems
    if problems:
        raise PlanRejected(sorted(problems, key=lambda p: (p.row or 0, p.column)))
    with transaction.atomic():
        plan = _write_body(data)
        for importer, rows in checked:
            importer.write(rows)
    return Plan.objects.get(pk=plan.pk)


def _write_body(data: dict):
    """Upsert the plan and its parts by code, so that reloading a plan keeps its tasks' reports."""
    from kechuang.plan.models import Area, Indicator, Plan, Safeguard, Task

    parent = Plan.objects.get(code=data["parent"]) if data.get("parent") else None
    plan, _ = Plan.objects.update_or_create(
        code=data["code"],
        defaults={
            "name": data["name"],
            "document_number": data.get("document_number", ""),
            "issuer": data.get("issuer", ""),
            "issued_on": data.get("issued_on"),
            "start_year": data["start_year"],
            "end_year": data["end_year"],
            "parent": parent,
            "district_code": str(data.get("district_code") or ""),
            "reporting_period": data.get("reporting_period", ReportingPeriod.QUARTERLY),
            "preamble": data.get("preamble", "").strip(),
        },
    )
    for position, item in enumerate(data.get("indicators") or []):
        kind = item.get("kind", IndicatorKind.COMPUTED)
        Indicator.objects.update_or_create(
            plan=plan,
            code=item["code"],
            defaults={
                "name": item["name"],
                "unit": item["unit"],
                "direction": DIRECTIONS[str(item.get("direction", "ge"))],
                "target": item["target_value"],
                "kind": kind,
                "query": item.get("query", item["code"]) if kind == IndicatorKind.COMPUTED else "",
                "resets_yearly": bool(item.get("resets_yearly", False)),
                "clause": item.get("clause", ""),
                "position": position,
            },
        )
    position = 0
    for area_position, area_data in enumerate(data.get("areas") or []):
        area, _ = Area.objects.update_or_create(
            plan=plan, code=area_data["code"], defaults={"title": area_data["title"], "position": area_position}
        )
        for task in area_data.get("tasks") or []:
            Task.objects.update_or_create(
                plan=plan,
                code=str(task["code"]),
                defaults={"area": area, "title": task["title"], "text": task["text"].strip(), "position": position},
            )
            position += 1
    plan.safeguards.all().delete()
    Safeguard.objects.bulk_create(
        Safeguard(plan=plan, code=item["code"], title=item["title"], text=item["text"].strip(), position=position)
        for position, item in enumerate(data.get("safeguards") or [])
    )
    return plan


# --- the annexes as an .xlsx ------------------------------------------------------------------


def _sheet_table(sheet) -> Table:
    headers, rows = None, []
    for cells in sheet.iter_rows():
        values = [cell.value for cell in cells]
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
            continue
        if headers is None:
            headers = [str(value or "").strip() for value in values]
            continue
        rows.append((cells[0].row, values[: len(headers)] + [None] * (len(headers) - len(values))))
    return Table(headers or [], rows, sheet.title)


def load_annex_workbook(data: bytes, plan, is_demo: bool = False):
    """Apply an .xlsx holding the sheets 年度分解表 and/or 部门及任务分工表 to an existing plan."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # openpyxl raises several types for a file that is not a workbook
        raise PlanRejected([Problem(None, "", "文件不是 .xlsx 电子表格，无法读取")]) from None
    sheets = {name.strip(): book[name] for name in book.sheetnames}
    tables = [(c, _sheet_table(sheets[c.title])) for c in (YearTargetImporter, AssignmentImporter) if c.title in sheets]
    if not tables:
        raise PlanRejected([Problem(None, "", f"工作簿中没有名为「{ANNEX_TARGETS}」或「{ANNEX_TASKS}」的工作表")])
    checked, problems = _check_annexes(PlanFrame.of(plan), tables, is_demo)
    if problems:
        raise PlanRejected(problems)
    with transaction.atomic():
        for importer, rows in checked:
            importer.write(rows)
    return plan


def load_file(path: Path, plan=None):
    """`kechuang loadplan FILE`: a YAML plan, or an annex workbook applied to `plan`."""
    if path.suffix.lower() in (".yaml", ".yml"):
        return load_yaml(path)
    if path.suffix.lower() == ".xlsx":
        if plan is None:
            raise PlanRejected([Problem(None, "", "载入附件工作簿时须用 --plan 指明计划代码")])
        return load_annex_workbook(path.read_bytes(), plan)
    raise PlanRejected([Problem(None, "", f"不支持的文件类型「{path.suffix}」：应为 .yaml 或 .xlsx")])
