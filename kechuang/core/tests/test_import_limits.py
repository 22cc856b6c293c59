"""Hostile spreadsheets are refused before they are expanded: a sheet that unzips to hundreds of MB, a
tiny file declaring every cell of the sheet, more rows or columns than an import takes. Each refusal
says why in Chinese and writes nothing."""
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from kechuang.core.imports import FileRejected, read_table
from kechuang.core.models import AuditEntry


def workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet(data: bytes, rewrite) -> bytes:
    """The same workbook with its first sheet's XML passed through `rewrite` (streamed: bytes chunks)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                with target.open(info.filename, "w") as handle:
                    for chunk in rewrite(content):
                        handle.write(chunk)
            else:
                target.writestr(info.filename, content)
    return out.getvalue()


def padded(megabytes: int):
    """The sheet followed by `megabytes` MB of XML whitespace: it compresses to almost nothing."""
    def rewrite(content):
        yield content
        block = b" " * (1024 * 1024)
        for _ in range(megabytes):
            yield block
    return rewrite


def declaring(ref: str):
    def rewrite(content):
        head, _, tail = content.partition(b"<dimension ")
        yield head + f'<dimension ref="{ref}"/>'.encode() + tail.partition(b"/>")[2]
    return rewrite


GOOD = workbook([["编码", "名称"], ["keji", "科技局"]])


def test_a_sheet_that_unzips_past_the_limit_is_refused_before_it_is_read():
    bomb = with_sheet(GOOD, padded(200))  # 200 MB of XML in a file of a few hundred KB
    assert len(bomb) < 1024 * 1024
    with pytest.raises(FileRejected, match=r"解压后的表格数据达 200\.\d MB，超过上限 160\.0 MB"):
        read_table(bomb, "bomb.xlsx")


def test_the_expansion_limit_is_a_setting(settings):
    settings.KECHUANG_IMPORT_MAX_XML_BYTES = 2 * 1024 * 1024
    with pytest.raises(FileRejected, match="超过上限 2.0 MB"):
        read_table(with_sheet(GOOD, padded(3)), "x.xlsx")
    assert read_table(with_sheet(GOOD, padded(1)), "x.xlsx").rows == [(2, ["keji", "科技局"])]


def test_a_tiny_file_declaring_every_cell_of_the_sheet_is_refused():
    data = with_sheet(GOOD, declaring("A1:XFD1048576"))
    assert len(data) < 10_000
    with pytest.raises(FileRejected, match="A1:XFD1048576 有 1048576 行、16384 列，超过上限"):
        read_table(data, "all-cells.xlsx")


def test_a_declared_range_within_the_limits_reads_only_the_rows_the_sheet_holds():
    table = read_table(with_sheet(GOOD, declaring("A1:GR5000")), "x.xlsx")
    assert table.headers == ["编码", "名称"] and table.rows == [(2, ["keji", "科技局"])]


def test_more_rows_than_the_limit_are_refused_whether_declared_or_not(settings):
    settings.KECHUANG_IMPORT_MAX_ROWS = 3
    rows = [["编码", "名称"]] + [[f"d{n}", f"部门{n}"] for n in range(4)]
    with pytest.raises(FileRejected, match="A1:B5 有 5 行、2 列，超过上限（3 行数据"):
        read_table(workbook(rows), "x.xlsx")
    understated = with_sheet(workbook(rows), declaring("A1:B2"))
    for data, name in ((understated, "x.xlsx"), ("\n".join(",".join(r) for r in rows).encode(), "x.csv")):
        with pytest.raises(FileRejected, match="数据行超过上限 3 行"):
            read_table(data, name)
    assert len(read_table(workbook(rows[:4]), "x.xlsx").rows) == 3


def test_columns_past_the_limit_are_refused_when_declared_and_never_read(settings):
    settings.KECHUANG_IMPORT_MAX_COLUMNS = 3
    data = workbook([["编码", "名称", "备注", "多余"], ["keji", "科技局", "", "x"]])
    with pytest.raises(FileRejected, match="有 2 行、4 列"):
        read_table(data, "x.xlsx")
    assert read_table(with_sheet(data, declaring("A1:B2")), "x.xlsx").headers == ["编码", "名称", "备注"]


@pytest.mark.django_db
def test_the_import_command_refuses_a_bomb_and_writes_nothing(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(with_sheet(GOOD, declaring("A1:XFD1048576")))
    with pytest.raises(CommandError, match="超过上限"):
        call_command("import", "enterprises", str(path))
    assert not AuditEntry.objects.exists()
