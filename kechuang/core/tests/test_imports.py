"""The shared importer: reading files, parsers, all-or-nothing checking and writing, error reports."""
import datetime as dt
import decimal
import io
import zipfile

import pytest
from django.core.exceptions import ImproperlyConfigured
from openpyxl import Workbook, load_workbook

from kechuang.core.exports import safe_cell, workbook_bytes
from kechuang.core.imports import (
    CellError,
    Field,
    FileRejected,
    ImportFailed,
    ModelImporter,
    date,
    error_workbook,
    integer,
    merge_importers,
    money,
    read_table,
    text,
)
from kechuang.core.models import AuditEntry, Department


def xlsx(rows) -> bytes:
    """An .xlsx file written by openpyxl as Excel would store it: strings starting with '=' are
    formulas, dates are date cells."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(text_value: str, encoding: str = "utf-8") -> bytes:
    return text_value.encode(encoding)


class DepartmentImporter(ModelImporter):
    title = "部门"
    model = Department
    key = ("code",)
    fields = [
        Field("部门编码", "code", text(max_length=40), required=True),
        Field("部门名称", "name", text(max_length=100), required=True, synonyms=("名称",)),
    ]


def check(data: bytes):
    return DepartmentImporter().check(read_table(data, "test"))


def run(data: bytes, **kwargs):
    return DepartmentImporter().run(read_table(data, "test"), **kwargs)


# --- reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_each_accepted_encoding_reads_the_same(encoding):
    table = read_table(csv_bytes("部门编码,部门名称\nkjj,科技局\n", encoding))
    assert table.headers == ["部门编码", "部门名称"]
    assert table.rows == [(2, ["kjj", "科技局"])]


def test_row_numbers_are_those_excel_shows_blank_rows_included():
    table = read_table(csv_bytes("部门编码,部门名称\n\na,甲\n,\nb,乙\n"))
    assert [number for number, _ in table.rows] == [3, 5]


def test_utf16_text_is_refused_as_an_unknown_encoding():
    with pytest.raises(FileRejected, match="文件编码无法识别，请保存为 UTF-8 或 GBK"):
        read_table("\ufeff部门编码,部门名称\n".encode("utf-16"))


def test_latin1_text_is_refused_as_an_unknown_encoding():
    with pytest.raises(FileRejected, match="文件编码无法识别"):
        read_table("code,name\nCafé,Crème brûlée\n".encode("cp1252"))


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00\x01",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        bytes(range(256)) * 8,
    ],
    ids=["pdf", "png", "binary"],
)
def test_a_binary_file_is_not_a_spreadsheet_whatever_its_name(data):
    with pytest.raises(FileRejected, match="文件不是电子表格"):
        read_table(data, "企业.csv")


def test_a_zip_that_is_not_a_workbook_is_not_a_spreadsheet():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(FileRejected, match="文件不是电子表格"):
        read_table(buffer.getvalue(), "企业.xlsx")


def test_text_saved_under_an_xlsx_name_is_not_read_as_csv():
    with pytest.raises(FileRejected, match="内容是文本而不是 Excel 工作簿"):
        read_table("统一社会信用代码\n91350100M000100Y43\n".encode(), "企业.xlsx")


def test_old_xls_is_refused_with_how_to_fix_it():
    with pytest.raises(FileRejected, match="另存为 .xlsx"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n"], ids=["zero-bytes", "blank"])
def test_empty_file_is_refused(data):
    with pytest.raises(FileRejected, match="^文件为空$"):
        read_table(data)


def test_empty_workbook_is_refused():
    with pytest.raises(FileRejected, match="^文件为空$"):
        read_table(xlsx([]))


@pytest.mark.parametrize("data", [csv_bytes("部门编码,部门名称\n"), xlsx([["部门编码", "部门名称"]])], ids=["csv", "xlsx"])
def test_header_only_file_is_refused(data):
    with pytest.raises(FileRejected, match="文件只有表头，没有数据行"):
        read_table(data)


def test_a_50_mb_file_is_refused_with_its_size_and_the_limit():
    data = b"a,b\n" + b"1,2\n" * (50 * 1024 * 1024 // 4)
    with pytest.raises(FileRejected) as refused:
        read_table(data)
    assert refused.value.reason == "文件大小 50.0 MB 超过上限 30 MB"


def test_xlsx_keeps_date_cells_numbers_and_marks_formulas():
    table = read_table(xlsx([["a", "b", "c"], [dt.date(2021, 3, 5), 44197, "=SUM(1,2)"]]))
    number, (day, serial, formula) = table.rows[0]
    assert number == 2 and day == dt.datetime(2021, 3, 5) and serial == 44197
    assert str(formula) == "=SUM(1,2)" and not isinstance(formula, str)


# --- parsers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.datetime(2021, 3, 5), dt.date(2021, 3, 5)),
        (44260, dt.date(2021, 3, 5)),
        ("2021-03-05", dt.date(2021, 3, 5)),
        ("2021/3/5", dt.date(2021, 3, 5)),
        ("2021年3月5日", dt.date(2021, 3, 5)),
        ("2021-03-05 00:00:00", dt.date(2021, 3, 5)),
    ],
)
def test_dates_in_every_accepted_form(value, expected):
    assert date()(value) == expected


@pytest.mark.parametrize("value", ["2021-02-30", "下周一", "2021-13-01", "5/3/2021"])
def test_text_that_is_not_a_date_is_refused(value):
    with pytest.raises(CellError, match="不是有效日期"):
        date()(value)


def test_money_rounds_to_fen_and_refuses_negative_amounts():
    assert money()(0.1 + 0.2) == decimal.Decimal("0.30")
    assert money()("1,234.565") == decimal.Decimal("1234.57")
    with pytest.raises(CellError, match="金额不能为负数，实际为 -5"):
        money()("-5")
    assert money(allow_negative=True)(-5) == decimal.Decimal("-5.00")
    with pytest.raises(CellError, match="应为金额"):
        money()("一百")


def test_integer_refuses_fractions_and_bounds():
    assert integer()("1,200") == 1200 and integer()(12.0) == 12
    with pytest.raises(CellError, match="应为整数"):
        integer()(12.5)
    with pytest.raises(CellError, match="不能小于 0"):
        integer(minimum=0)("-1")


# --- checking and writing ------------------------------------------------------------------------


@pytest.mark.django_db
def test_missing_required_column_is_named():
    result = check(csv_bytes("部门编码,备注\nkjj,无\n"))
    assert [str(p) for p in result.problems] == ["[部门名称] 缺少必需的列"]
    assert result.warnings == ["未识别的列「备注」已忽略"]


@pytest.mark.django_db
def test_header_synonyms_and_full_width_brackets_are_accepted():
    assert check(csv_bytes("部门编码 ,名称\nkjj,科技局\n")).ok


@pytest.mark.django_db
def test_duplicate_key_names_both_rows_and_nothing_is_written():
    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes("部门编码,部门名称\nkjj,科技局\nfgw,发改委\nkjj,科技局二\n"))
    assert [str(p) for p in failed.value.check.problems] == ["第 4 行 [部门编码] 与第 2 行重复（kjj），同一文件中不能出现两次"]
    assert not Department.objects.exists()


@pytest.mark.django_db
def test_one_bad_row_rejects_the_whole_file():
    data = csv_bytes("部门编码,部门名称\nkjj,科技局\nfgw,\n")
    with pytest.raises(ImportFailed) as failed:
        run(data)
    assert [str(p) for p in failed.value.check.problems] == ["第 3 行 [部门名称] 必填项为空"]
    assert not Department.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_formula_cell_is_a_row_error():
    with pytest.raises(ImportFailed) as failed:
        run(xlsx([["部门编码", "部门名称"], ["kjj", '=CONCAT("科技","局")']]))
    assert [str(p) for p in failed.value.check.problems] == ["第 2 行 [部门名称] 单元格含公式，请粘贴为数值"]


@pytest.mark.django_db
def test_a_formula_typed_into_a_csv_is_refused_and_escaped_in_the_error_report():
    result = check(csv_bytes("部门编码,部门名称\nkjj,=HYPERLINK(\"http://x\")\n"))
    assert [str(p) for p in result.problems] == ["第 2 行 [部门名称] 单元格含公式，请粘贴为数值"]
    rows = list(load_workbook(io.BytesIO(error_workbook(result)))["数据"].iter_rows(values_only=True))
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")"


@pytest.mark.django_db
def test_upsert_counts_and_audits_only_what_changed():
    first = run(csv_bytes("部门编码,部门名称\nkjj,科技局\nfgw,发改委\n"))
    assert (first.counts.created, first.counts.updated, first.counts.unchanged) == (2, 0, 0)
    assert AuditEntry.objects.filter(action="create").count() == 2

    again = run(csv_bytes("部门编码,部门名称\nkjj,科技局\nfgw,发改委\n"))
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 2)
    assert AuditEntry.objects.count() == 2

    changed = run(xlsx([["部门编码", "部门名称"], ["kjj", "科学技术局"], ["fgw", "发改委"], ["gxj", "工信局"]]))
    assert (changed.counts.created, changed.counts.updated, changed.counts.unchanged) == (1, 1, 1)
    update = AuditEntry.objects.get(action="update")
    assert update.changes["name"] == ["科技局", "科学技术局"]
    assert Department.objects.get(code="kjj").name == "科学技术局"


@pytest.mark.django_db
def test_dry_run_counts_without_writing():
    result = run(csv_bytes("部门编码,部门名称\nkjj,科技局\n"), dry_run=True)
    assert result.counts.created == 1 and not Department.objects.exists()


@pytest.mark.django_db
def test_progress_reports_checking_and_writing():
    seen = []
    DepartmentImporter(progress=lambda stage, done, total: seen.append((stage, done, total))).run(
        read_table(csv_bytes("部门编码,部门名称\nkjj,科技局\nfgw,发改委\n"))
    )
    assert ("校验", 2, 2) in seen and seen[-1] == ("写入", 2, 2)


@pytest.mark.django_db
def test_error_workbook_has_the_rows_and_an_error_column_and_can_be_imported_once_fixed():
    result = check(csv_bytes("部门编码,部门名称\nkjj,科技局\nfgw,\n"))
    book = load_workbook(io.BytesIO(error_workbook(result)))
    rows = list(book["数据"].iter_rows(values_only=True))
    assert rows[0] == ("部门编码", "部门名称", "错误")
    assert rows[1] == ("kjj", "科技局", None)
    assert rows[2] == ("fgw", None, "[部门名称] 必填项为空")
    book["数据"]["B3"] = "发改委"
    fixed = io.BytesIO()
    book.save(fixed)
    assert run(fixed.getvalue()).counts.created == 2


@pytest.mark.django_db
def test_file_level_problems_go_to_their_own_sheet():
    book = load_workbook(io.BytesIO(error_workbook(check(csv_bytes("编码,部门名称\nkjj,科技局\n")))))
    assert list(book["文件问题"].iter_rows(values_only=True)) == [("错误",), ("[部门编码] 缺少必需的列",)]


# --- exports and discovery -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+1", "+86 22", "-2", "@SUM(A1)", "\tx"])
def test_exported_cells_that_could_run_as_formulas_are_escaped(value):
    book = load_workbook(io.BytesIO(workbook_bytes([("s", ["h"], [[value]])])))
    cell = book["s"]["A2"]
    assert cell.value == "'" + value and cell.data_type == "s"
    assert safe_cell(-2) == -2  # numbers stay numbers


@pytest.mark.django_db
def test_a_related_record_is_exported_as_its_text_and_still_escaped():
    from kechuang.core.models import Department

    rows = [[Department(code="kjj", name="科技局"), Department(code="x", name="=HYPERLINK(1)")]]
    book = load_workbook(io.BytesIO(workbook_bytes([("s", ["a", "b"], rows)])))
    assert [cell.value for cell in book["s"][2]] == ["科技局", "'=HYPERLINK(1)"]


def test_a_kind_declared_by_two_apps_is_a_start_up_error():
    with pytest.raises(ImproperlyConfigured, match="'contracts' is declared by both kechuang.a and kechuang.b"):
        merge_importers([("kechuang.a", {"contracts": DepartmentImporter}), ("kechuang.b", {"contracts": DepartmentImporter})])
