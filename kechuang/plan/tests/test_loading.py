"""The seed plan ships with the product; bad plan files are refused whole, with line and reason."""
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from kechuang.core.imports import CellError
from kechuang.plan.apps import SEED_PLAN_FILE
from kechuang.plan.importers import PlanRejected, load_annex_workbook, load_yaml, parse_quantity
from kechuang.plan.models import Plan, Task, YearTarget


def test_seed_plan_is_installed_in_full(seed_plan):
    assert seed_plan.document_number == "津生发〔2021〕3号"
    assert seed_plan.issuer == "中新天津生态城管委会"
    assert (seed_plan.start_year, seed_plan.end_year) == (2020, 2022)
    targets = {i.code: (i.target, i.direction, i.unit) for i in seed_plan.indicators.all()}
    assert targets == {
        "rd_intensity": (Decimal("0.0046"), "ge", "%"),
        "invention_patents": (230, "ge", "件"),
        "hnte": (160, "gt", "家"),
        "chuying": (160, "ge", "家"),
        "dengling": (14, "ge", "家"),
        "lingjun": (2, "ge", "家"),
        "contract_turnover": (110000, "ge", "万元"),
    }
    assert [a.tasks.count() for a in seed_plan.areas.all()] == [4, 5, 4, 4, 3, 4]
    assert seed_plan.tasks.get(code="二(六)1").text.endswith("提升工作质量和效率。")
    assert list(seed_plan.safeguards.values_list("code", "title")) == [
        ("三(一)", "加强组织领导"), ("三(二)", "加强政策保障"), ("三(三)", "加强过程督查")
    ]
    assert not Path(SEED_PLAN_FILE).read_text(encoding="utf-8").count("/work/shared")


PLAN = """
code: test-plan
name: 测试计划
start_year: 2021
end_year: 2022
indicators:
  - {code: turnover, name: 技术合同成交额, unit: 万元, target: 110000, query: contract_turnover, resets_yearly: true}
  - {code: patents, name: 有效发明专利, unit: 件, target: 230, query: invention_patents}
areas:
  - code: 一
    title: 领域一
    tasks:
      - {code: "1", title: 任务一, text: 任务一全文}
      - {code: "2", title: 任务二, text: 任务二全文}
yearly_targets:
  - {indicator: turnover, year: 2021, target: 90000}
  - {indicator: patents, year: 2022, target: 230}
assignments:
  - {task: "1", lead: 科技和工业信息化局, co: [发展改革局], milestones: {2022: 完成}, deadline: 2022-12-31}
"""


def test_a_good_plan_loads_with_its_annexes(departments):
    plan = load_yaml(PLAN)
    assert plan.indicators.count() == 2
    assert YearTarget.objects.get(indicator__code="turnover", year=2021).value == 90000
    task = plan.tasks.get(code="1")
    assert task.lead_department.code == "keji" and [d.code for d in task.co_departments.all()] == ["fagai"]
    assert task.milestones.get(year=2022).text == "完成"


@pytest.mark.parametrize(
    "old, new, line, reason",
    [
        ("lead: 科技和工业信息化局", "lead: 宣传部", 19, "未知的部门「宣传部」"),
        ("{code: patents, name", "{code: turnover, name", 8, "指标编号「turnover」重复"),
        ("{code: \"2\", title", "{code: \"1\", title", 14, "任务编号「1」重复"),
        ("year: 2021, target: 90000", "year: 2021, target: 11亿元", 16, "单位错误"),
        ("year: 2021, target: 90000", "year: 2021, target: 11", 16, "疑似单位错误"),
        ("lead: 科技和工业信息化局, ", "", 19, "任务没有牵头单位"),
        ("year: 2022, target: 230", "year: 2023, target: 230", 17, "不在计划期 2021—2022 内"),
        ("deadline: 2022-12-31", "deadline: 2023-06-30", 19, "完成时限 2023-06-30 不在计划期"),
        ("{2022: 完成}", "{2020: 完成}", 19, "年度 2020 不在计划期"),
        ("unit: 件", "unit: 亿元", 8, "单位「亿元」不可用"),
    ],
)
def test_a_bad_plan_is_refused_whole_with_line_and_reason(departments, old, new, line, reason):
    assert old in PLAN
    with pytest.raises(PlanRejected) as refused:
        load_yaml(PLAN.replace(old, new, 1))
    problems = [(p.row, str(p)) for p in refused.value.problems]
    assert any(row == line and reason in text for row, text in problems), problems
    assert not Plan.objects.filter(code="test-plan").exists()


def _annexes(targets, tasks) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "年度分解表"
    sheet.append(["指标代码", "指标名称", "单位", "年度", "目标值"])
    for row in targets:
        sheet.append(row)
    division = book.create_sheet("部门及任务分工表")
    division.append(["任务编号", "重点任务", "牵头单位", "配合单位", "年度目标", "完成时限"])
    for row in tasks:
        division.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD_TASK = ["二(一)1", "全力打造…", "科技和工业信息化局", "发展改革局、财政局", "2021年：签署协议\n2022年：成果落地", "2022年6月"]


def test_annex_workbook_loads_into_the_seed_plan(seed_plan, departments):
    load_annex_workbook(_annexes([["contract_turnover", "技术合同成交额", "万元", 2021, 90000], ["rd_intensity", "研发投入强度", "%", 2022, 0.46]], [GOOD_TASK]), seed_plan)
    assert seed_plan.indicators.get(code="rd_intensity").year_target(2022) == Decimal("0.0046")
    task = seed_plan.tasks.get(code="二(一)1")
    assert task.deadline == dt.date(2022, 6, 30) and task.milestones.count() == 2
    assert task.co_departments.count() == 2


def test_annex_workbook_with_a_wrong_unit_changes_nothing(seed_plan, departments):
    data = _annexes([["contract_turnover", "技术合同成交额", "亿元", 2022, 11]], [GOOD_TASK])
    with pytest.raises(PlanRejected) as refused:
        load_annex_workbook(data, seed_plan)
    [problem] = refused.value.problems
    assert problem.row == 2 and "年度分解表" in problem.column and "单位错误" in problem.reason
    assert not YearTarget.objects.exists() and not Task.objects.filter(lead_department__isnull=False).exists()


def test_loadplan_command_reports_problems(tmp_path, departments, capsys):
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN.replace("lead: 科技和工业信息化局", "lead: 宣传部"), encoding="utf-8")
    with pytest.raises(Exception, match="1 处错误"):
        call_command("loadplan", str(path))
    path.write_text(PLAN, encoding="utf-8")
    call_command("loadplan", str(path))
    assert Plan.objects.filter(code="test-plan").exists()


@pytest.mark.parametrize("value", [1e30, float("inf"), "1" * 23, Decimal("1E+30")])
def test_a_target_the_column_cannot_hold_is_refused(value):
    with pytest.raises(CellError, match="数值超出范围"):
        parse_quantity(value, "万元", None)
