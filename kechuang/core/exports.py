"""Spreadsheet output shared by every export, template and error report.

Cells that a spreadsheet would read as a formula (starting with = + - @, or a tab/CR) are written with a
leading apostrophe so that an exported value can never run as a formula (CSV/formula injection).
"""
import datetime as dt
import decimal
import io
from typing import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
PROGRESS_EVERY = 2000


def safe_cell(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if value is not None and not isinstance(value, (str, int, float, dt.date, dt.time)):
        value = str(value)  # a related record, a choice label or lazy text: the text the page shows
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_workbook(target, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]], progress=None) -> None:
    """Write an .xlsx file with one sheet per (title, headers, rows) to `target` (a path or a binary
    file); the header row is bold and frozen. The workbook is write-only: rows stream to the file as they
    come, so 100,000 rows take no more memory than a few. `progress(rows_written)` is called every
    PROGRESS_EVERY rows."""
    book = Workbook(write_only=True)
    written = 0
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(str(header)) * 2 + 2))
        sheet.freeze_panes = "A2"
        header_row = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = BOLD
            header_row.append(cell)
        sheet.append(header_row)
        for row in rows:
            sheet.append([safe_cell(value) for value in row])
            written += 1
            if progress is not None and written % PROGRESS_EVERY == 0:
                progress(written)
    book.save(target)
    if progress is not None:
        progress(written)


def workbook_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    buffer = io.BytesIO()
    write_workbook(buffer, sheets)
    return buffer.getvalue()


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence], title: str = "Sheet1") -> HttpResponse:
    response = HttpResponse(workbook_bytes([(title, headers, rows)]), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename)
