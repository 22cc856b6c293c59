"""Office files a bureau sends: the properties of the .xlsx and .docx as Excel/Word read them back."""
import datetime as dt
import io
from decimal import Decimal

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from kechuang.core.documents import OfficialDocument, fitted_widths
from kechuang.core.exports import (
    Sheet, attachment_disposition, dated_filename, report_sheet, table_rows, workbook_bytes,
)
from kechuang.core.formatting import Figure
from kechuang.core.tables import CODE, PERCENT, Column

COLUMNS = [
    Column("企业名称", "name"), Column("统一社会信用代码", "uscc", kind=CODE), Column("注册资本（万元）", "capital"),
    Column("成立日期", "established"), Column("职工人数", "employees"), Column("研发投入占比", "ratio", kind=PERCENT),
    Column("年度", "year"),
]
ROWS = [
    ["天津市滨海新区云帆智能软件科技有限公司", "91120116MA05K0A12X", Decimal("12345.6"), dt.date(2018, 5, 2), 230, 0.4649, 2022],
    ["甲", "91120116MA05K0A13Y", Decimal("50"), "2020-01-02", 1, None, 2021],
]


def _sheet(content, name=None):
    book = load_workbook(io.BytesIO(content))
    return book[name] if name else book.active


def test_a_report_sheet_has_title_rows_formats_filter_freeze_and_print_setup():
    content = workbook_bytes([report_sheet("企业名录", COLUMNS, ROWS, as_of=dt.date(2022, 6, 30), filters=["行业：软件"])])
    sheet = _sheet(content)
    assert [sheet.cell(row, 1).value for row in (1, 2, 3)] == ["企业名录", "截至 2022-06-30", "筛选条件：行业：软件"]
    assert "A1:G1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.freeze_panes == "A5" and sheet.auto_filter.ref == "A4:G6"
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
    first = {sheet.cell(4, c).value: sheet.cell(5, c) for c in range(1, 8)}
    assert (first["注册资本（万元）"].value, first["注册资本（万元）"].number_format) == (12345.6, "#,##0.00")
    assert (first["职工人数"].value, first["职工人数"].number_format) == (230, "#,##0")
    assert (first["研发投入占比"].value, first["研发投入占比"].number_format) == (0.4649, "0.0%")
    assert first["成立日期"].is_date and first["成立日期"].number_format == "yyyy-mm-dd"
    assert sheet.cell(6, 4).is_date  # an ISO text in a date column is written as a date
    assert first["统一社会信用代码"].data_type == "s" and first["年度"].number_format == "0"
    widths = {sheet.cell(4, c).value: sheet.column_dimensions[chr(64 + c)].width for c in range(1, 8)}
    assert widths["企业名称"] >= 40 > widths["统一社会信用代码"] >= 18 > widths["职工人数"]
    assert table_rows(content)[0] == tuple(c.header for c in COLUMNS) and len(table_rows(content)) == 3


def test_plain_sheets_keep_their_headers_in_row_one_for_import_templates():
    content = workbook_bytes([("数据", ["企业名称", "职工人数"], [["甲", 3]])])
    sheet = _sheet(content)
    assert sheet["A1"].value == "企业名称" and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:B2"


def test_a_figure_is_stored_as_a_number_with_its_unit_in_the_format():
    content = workbook_bytes([Sheet("指标", ["指标", "实际值"], [["专利", Figure(230, "件")], ["强度", Figure(0.0325, ratio=True, decimals=2)],
                                                         ["成交额", Figure(Decimal("110500.03"), "万元", decimals=2)]], caption="指标")])
    sheet = _sheet(content)
    cells = [sheet.cell(row, 2) for row in (3, 4, 5)]
    assert [(c.value, c.number_format) for c in cells] == [
        (230, '#,##0" 件"'), (0.0325, "0.00%"), (110500.03, '#,##0.00" 万元"')]
    assert str(Figure(230, "件")) == "230 件" and str(Figure(0.0325, ratio=True, decimals=2)) == "3.25%"


def test_downloads_carry_chinese_file_names():
    name = dated_filename("企业名录 · 软件", dt.date(2022, 6, 30))
    assert name == "企业名录-软件-2022-06-30.xlsx"
    header = attachment_disposition(name)
    assert "filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%BD%95-" in header and 'filename="2022-06-30.xlsx"' in header


def test_official_document_fonts_margins_page_numbers():
    document = OfficialDocument("关于科技创新工作进展的通报", issuer_mark="中新天津生态城管委会", document_number="生态科〔2022〕12号")
    document.heading("一、总体情况")
    document.paragraph("正文。")
    parsed = Document(io.BytesIO(document.bytes()))
    section = parsed.sections[0]
    size = [round(length.mm, 1) for length in (section.page_width, section.page_height, section.top_margin, section.left_margin)]
    assert size == [210, 297, 37, 28]  # A4, 天头 37 mm, 订口 28 mm
    normal = parsed.styles["Normal"]
    assert normal.font.size == Pt(16) and normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    heading = parsed.styles["Heading 1"].element.rPr.rFonts
    assert heading.get(qn("w:eastAsia")) == "黑体" and heading.get(qn("w:eastAsiaTheme")) is None
    title = next(p for p in parsed.paragraphs if p.text == "关于科技创新工作进展的通报")
    assert title.runs[0].font.size == Pt(22) and title.runs[0].element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    mark = parsed.paragraphs[0].runs[0]
    assert mark.text == "中新天津生态城管委会" and str(mark.font.color.rgb) == "E60012"
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "— " in section.footer.paragraphs[0].text


def test_document_tables_fit_numbers_and_dates_and_balance_the_text():
    headers = ["任务编号", "任务", "牵头单位", "完成时限", "进度(%)", "状态"]
    rows = [["二(一)1", "全力打造承接国家战略任务的重大科研设施和创新平台", "科技和工业信息化局", dt.date(2022, 12, 31), 100, "绿灯"],
            ["二(一)2", "加快建设", "财政局", dt.date(2022, 12, 31), 83, "黄灯"]]
    widths = fitted_widths(headers, rows)
    assert abs(sum(widths) - 156) < 0.5
    char = 12 * 0.3528
    assert widths[3] >= 5 * char + 3.8 and widths[4] >= 2 * char + 3.8  # a date and "100" on one line
    assert widths[1] == max(widths)  # the longest text takes the room
    document = OfficialDocument("督查通报")
    document.table(headers, rows + [["二(一)3", "任务", "建设局", dt.date(2022, 6, 30), Figure(Decimal("110000"), "万元"), "红灯"]])
    table = Document(io.BytesIO(document.bytes())).tables[0]
    assert table.rows[1].cells[3].text == "2022-12-31" and table.rows[3].cells[4].text == "110,000 万元"
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    assert table.rows[1].cells[3]._tc.tcPr.find(qn("w:noWrap")) is not None
    assert table.rows[1].cells[1]._tc.tcPr.find(qn("w:noWrap")) is None
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_a_text_longer_than_a_column_wraps_and_a_one_column_sheet_merges_nothing():
    long = "；".join(["研发费用还需增加 1,234.5 万元"] * 6)
    sheet = _sheet(workbook_bytes([Sheet("差距", ["差距说明"], [[long]], caption="差距")]))
    assert sheet.column_dimensions["A"].width == 60 and sheet.cell(3, 1).alignment.wrap_text
    assert not sheet.merged_cells.ranges
