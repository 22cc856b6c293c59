"""The CLI, the API, the report files and the pages, on the seed plan with a little data."""
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from kechuang.core.exports import table_rows
from kechuang.plan import reports
from kechuang.plan.models import YearTarget

KEYS = ["code", "name", "unit", "target", "year_target", "actual", "progress", "status"]


@pytest.fixture
def data(seed_plan, make_enterprise, make_certificate, make_patent):
    YearTarget.objects.create(indicator=seed_plan.indicators.get(code="hnte"), year=2022, value=4)
    for _ in range(3):
        firm = make_enterprise()
        make_certificate(firm, "hnte", issued=dt.date(2021, 11, 1))
        make_patent(firm)
    return seed_plan


def test_cli_prints_the_json_array(data, capsys):
    call_command("indicators", plan=data.code, as_of="2022-06-30", format="json")
    rows = json.loads(capsys.readouterr().out)
    assert [row["code"] for row in rows] == [
        "rd_intensity", "invention_patents", "hnte", "chuying", "dengling", "lingjun", "contract_turnover"
    ]
    assert all(list(row) == KEYS for row in rows)
    hnte = rows[2]  # 3 since 2021, so by mid-2022 it should be half-way to 4: behind
    assert hnte == {"code": "hnte", "name": "高新技术企业", "unit": "家", "target": 160.0, "year_target": 4.0,
                    "actual": 3.0, "progress": 0.75, "status": "behind"}
    assert rows[1]["year_target"] is None and rows[1]["progress"] == pytest.approx(3 / 230, abs=1e-4)
    assert rows[0]["actual"] is None and rows[0]["status"] == "no_data"


def test_cli_table_format(data, capsys):
    call_command("indicators", plan=data.code, as_of="2022-06-30", format="table")
    assert "invention_patents" in capsys.readouterr().out


def test_api_gives_the_same_readings(data, client, officer, make_user):
    client.force_login(officer)
    response = client.get(f"/api/plans/{data.code}/indicators/?as_of=2022-06-30")
    assert response.status_code == 200
    assert response.json()[2]["actual"] == 3.0 and list(response.json()[2]) == KEYS
    assert client.get("/api/plans/").json()["results"][0]["code"] == data.code
    tasks = client.get(f"/api/plans/{data.code}/tasks/?as_of=2022-06-30").json()
    assert len(tasks) == 24 and tasks[0]["light"] == "red" and tasks[0]["lead_department"] is None
    client.force_login(make_user("liaison"))
    assert client.get(f"/api/plans/{data.code}/indicators/").status_code == 403


def test_api_report_workflow(seed_plan, departments, client, officer, make_user):
    task = seed_plan.tasks.get(code="二(三)3")
    task.lead_department = departments["keji"]
    task.save()
    liaison = make_user("liaison", department=departments["keji"])
    client.force_login(liaison)
    body = {"plan": seed_plan.code, "task": "二(三)3", "period": "2022-Q1", "text": "开展技术合同登记宣讲 3 场", "percent": 40}
    created = client.post("/api/plan-reports/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert client.post(f"/api/plan-reports/{created.json()['id']}/accept/").status_code == 403
    client.force_login(officer)
    refused = client.post(f"/api/plan-reports/{created.json()['id']}/return/", {}, content_type="application/json")
    assert refused.status_code == 400
    accepted = client.post(f"/api/plan-reports/{created.json()['id']}/accept/")
    assert accepted.json()["state"] == "accepted"


def test_report_files_hold_the_indicator_table(data):
    summary = reports.period_summary(data, "2022-Q2")
    book = load_workbook(io.BytesIO(reports.xlsx(summary)))
    assert book.sheetnames == ["指标", "各部门", "任务", "逾期清单"]
    rows = table_rows(reports.xlsx(summary), "指标")
    assert rows[0][:3] == ("指标代码", "指标", "单位") and rows[3][:2] == ("hnte", "高新技术企业")
    sheet = book["指标"]
    assert "督查通报" in sheet["A1"].value and sheet["A2"].value.startswith("统计截至 2022-06-30")
    header_row = int(sheet.auto_filter.ref.split(":")[0][1:])
    actual, progress = sheet.cell(header_row + 3, 6), sheet.cell(header_row + 3, 7)  # hnte's, stored as numbers
    assert (actual.value, actual.number_format) == (3, "#,##0") and (progress.value, progress.number_format) == (0.75, "0.0%")
    assert sheet.print_title_rows == f"${header_row}:${header_row}" and sheet.page_setup.orientation == "landscape"
    document = Document(io.BytesIO(reports.docx(summary)))
    table = document.tables[0]
    assert table.rows[0].cells[0].text == "指标"
    assert [row.cells[0].text for row in table.rows[1:]][2] == "高新技术企业"
    assert table.rows[3].cells[1].text == "家" and table.rows[3].cells[4].text == "3"
    assert len(document.inline_shapes) == 2  # the two charts
    yearly = reports.year_summary(data, 2021)
    assert "2021 年度总结" in yearly.title and len(table_rows(reports.xlsx(yearly), "指标")) == 8


def test_cockpit_board_and_drill_down_pages(data, client, officer):
    client.force_login(officer)
    cockpit = client.get(f"/plan/{data.code}/?as_of=2022-06-30")
    assert cockpit.status_code == 200
    assert "高新技术企业" in cockpit.content.decode() and "plotly.min.js" in cockpit.content.decode()
    records = client.get(f"/plan/{data.code}/hnte/?as_of=2022-06-30")
    assert records.status_code == 200 and records.context["paginator"].count == 3
    export = client.get(f"/plan/{data.code}/hnte/?as_of=2022-06-30&export=xlsx")
    assert len(table_rows(export.content)) == 4
    page = records.content.decode()
    firm = records.context["object_list"][0]
    assert f'href="/registry/enterprises/{firm.uscc}/"' in page and firm.region.name in page
    assert "filename*=UTF-8''" in export["Content-Disposition"] and "hnte" not in export["Content-Disposition"]
    assert client.get("/plan/board/?light=red").status_code == 200
    docx = client.get(f"/plan/{data.code}/report.docx?year=2022")
    assert docx.status_code == 200 and Document(io.BytesIO(docx.content)).tables


def test_liaison_pages(seed_plan, departments, client, make_user, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    task = seed_plan.tasks.get(code="二(五)1")
    task.lead_department = departments["fagai"]
    task.save()
    liaison = make_user("liaison", department=departments["fagai"])
    client.force_login(liaison)
    assert client.get(f"/plan/{seed_plan.code}/").status_code == 403
    page = client.get("/plan/mine/")
    assert page.status_code == 200 and "二(五)1" in page.content.decode()
    assert client.get(f"/plan/tasks/{seed_plan.tasks.get(code='二(五)2').pk}/").status_code == 404
    from kechuang.core.exports import workbook_bytes

    # Evidence must be what its name says (kechuang.core.uploads): a real workbook, not two bytes of one.
    workbook = workbook_bytes([("名单", ["姓名"], [["张三"]])])
    evidence = [SimpleUploadedFile("目录.pdf", b"%PDF-1.4"), SimpleUploadedFile("名单.xlsx", workbook)]
    response = client.post(f"/plan/tasks/{task.pk}/", {"period": "2021-Q1", "percent": 15, "text": "发布人才目录", "evidence": evidence})
    assert response.status_code == 302
    report = task.reports.get()
    assert report.percent == 15 and sorted(e.name for e in report.evidence.all()) == ["名单.xlsx", "目录.pdf"]
    assert client.get(f"/plan/reports/{report.pk}/").status_code == 200
    assert client.get("/admin/plan/task/").status_code == 302  # liaisons do not enter the back office


def test_officer_reviews_on_the_page_and_admin_lists_tasks(seed_plan, departments, client, make_user, officer):
    task = seed_plan.tasks.get(code="二(五)1")
    task.lead_department = departments["fagai"]
    task.save()
    from kechuang.plan.services import submit_report

    report = submit_report(make_user("liaison", department=departments["fagai"]), task, "2021-Q2", "进展", 30)
    client.force_login(officer)
    assert client.get("/plan/reports/?state=submitted").context["paginator"].count == 1
    page = client.post(f"/plan/reports/{report.pk}/", {"transition": "return", "comment": ""})
    assert page.status_code == 200 and "请说明需要修改的内容" in page.content.decode()
    assert client.post(f"/plan/reports/{report.pk}/", {"transition": "accept"}).status_code == 302
    report.refresh_from_db()
    assert report.state == "accepted"
    assert client.get("/admin/plan/task/").status_code == 200


def test_the_docx_follows_the_official_document_format(data):
    from docx.shared import Mm, Pt

    summary = reports.period_summary(data, "2022-Q2")
    document = Document(io.BytesIO(reports.docx(summary)))
    section = document.sections[0]
    measured = (section.page_width, section.page_height, section.top_margin, section.left_margin, section.right_margin,
                section.bottom_margin)
    for length, millimetres in zip(measured, (210, 297, 37, 28, 26, 35)):
        assert abs(length - Mm(millimetres)) < Mm(0.1)  # stored in twips
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16) and normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert document.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert document.styles["Heading 1"].font.color.rgb == (0, 0, 0)  # not Word's blue
    title = document.paragraphs[0]
    assert title.text == summary.title and title.runs[0].font.size == Pt(22)
    footer_xml = section.footer.paragraphs[0]._p.xml + section.even_page_footer.paragraphs[0]._p.xml
    assert footer_xml.count("PAGE") == 2 and "—" in section.footer.paragraphs[0].text
    tasks = document.tables[2]
    widths = [cell.width for cell in tasks.rows[0].cells]
    assert widths[1] == max(widths) and sum(widths) <= Mm(157)  # the task name column is the widest
    number_cell = tasks.rows[1].cells[4]._tc.xml
    assert "w:noWrap" in number_cell
    red = Document(io.BytesIO(reports.docx(summary, red_head=True, document_number="生态科〔2022〕12号")))
    assert red.paragraphs[0].text == data.issuer and red.paragraphs[0].runs[0].font.color.rgb != (0, 0, 0)
    assert red.paragraphs[1].text == "生态科〔2022〕12号" and "w:pBdr" in red.paragraphs[1]._p.xml
