"""Spreadsheet output shared by every export, template and error report.

Cells that a spreadsheet would read as a formula (starting with = + - @, or a tab/CR) are written with a
leading apostrophe so that an exported value can never run as a formula (CSV/formula injection). Control
characters that an .xlsx cannot hold are written as their escape (`\x07`), so that any text exports.
"""
import datetime as dt
import decimal
import io
from typing import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if value is not None and not isinstance(value, (str, int, float, dt.date, dt.time)):
        value = str(value)  # a related record, a choice label or lazy text: the text the page shows
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub(lambda match: f"\\x{ord(match.group()):02x}", value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def workbook_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """An .xlsx file with one sheet per (title, headers, rows); the header row is bold and frozen."""
    book = Workbook(write_only=False)
    book.remove(book.active)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in rows:
            sheet.append([safe_cell(value) for value in row])
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(str(header)) * 2 + 2))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence], title: str = "Sheet1") -> HttpResponse:
    response = HttpResponse(workbook_bytes([(title, headers, rows)]), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename)
