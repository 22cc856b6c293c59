"""Spreadsheet output shared by every export, template and error report.

Cells that a spreadsheet would read as a formula (starting with = + - @, or a tab/CR) are written with a
leading apostrophe so that an exported value can never run as a formula (CSV/formula injection). Control
characters that an .xlsx cannot hold are written as their escape (`\x07`), so that any text exports.
"""
import datetime as dt
import decimal
import io
import itertools
import re
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Sequence
from urllib.parse import quote

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from kechuang.core import tables
from kechuang.core.formatting import Figure

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
NOTE_FONT = Font(color="616E7C")
WRAP = Alignment(wrap_text=True, vertical="top")
PROGRESS_EVERY = 2000
PAPER_A4 = "9"  # the paper size code of A4 in SpreadsheetML
# Rows read before the first is written, to fit column widths and tell each column's kind while the
# workbook still streams (write-only): a longer cell further down wraps instead of widening its column.
SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 6, 60
NUMBER_FORMATS = {
    tables.COUNT: "#,##0", tables.NUMBER: "#,##0.00", tables.MONEY: "#,##0.00", tables.PERCENT: "0.0%",
    tables.DATE: "yyyy-mm-dd", tables.DATETIME: "yyyy-mm-dd hh:mm", tables.YEAR: "0", tables.CODE: "@",
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def safe_cell(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if value is not None and not isinstance(value, (str, int, float, dt.date, dt.time)):
        value = str(value)  # a related record, a choice label or lazy text: the text the page shows
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub(lambda match: f"\\x{ord(match.group()):02x}", value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


@dataclass
class Sheet:
    """One sheet of a report: a title row (`caption`), lines under it (`notes`: the as-of date, the
    filters applied), then the table. Headers are texts or `Column`s (whose kind and unit decide the
    number format); a sheet given as a plain (title, headers, rows) tuple has its headers in row 1, as
    import templates and error reports need."""

    title: str
    headers: Sequence
    rows: Iterable[Sequence]
    caption: str = ""
    notes: Sequence[str] = field(default_factory=tuple)


def text_width(text: str) -> float:
    """Width of a text in spreadsheet characters: a full-width (CJK) character counts two."""
    longest = max(str(text).split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def _shown(kind: str, value) -> str:
    """Roughly what the spreadsheet shows for a value, to size its column."""
    if isinstance(value, Figure):
        return str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.2f}" if kind in (tables.MONEY, tables.NUMBER) else (
            f"{value * 100:.1f}%" if kind == tables.PERCENT else f"{value:,}")
    if isinstance(value, dt.datetime):
        return "0000-00-00 00:00"
    if isinstance(value, dt.date):
        return "0000-00-00"
    return "" if value is None else str(value)


def _figure_format(figure: Figure) -> str:
    if figure.ratio:
        places = 1 if figure.decimals is None else figure.decimals
        return f"0.{'0' * places}%" if places else "0%"
    digits = "#,##0" if figure.decimals == 0 or (figure.decimals is None and _whole(figure.value)) else "#,##0.00"
    unit = figure.unit.replace('"', "")
    return f'{digits}"{unit}"' if unit == "%" else (f'{digits}" {unit}"' if unit else digits)


def _whole(value) -> bool:
    try:
        return value is not None and decimal.Decimal(str(value)) == decimal.Decimal(str(value)).to_integral_value()
    except decimal.InvalidOperation:
        return False


def _cell(sheet, kind: str, value):
    """A data cell: numbers stay numbers with the column's number format; a date column's ISO text is
    written as a date; a code stays text."""
    if isinstance(value, Figure):
        number = value.value
        cell = WriteOnlyCell(sheet, value=safe_cell(number) if number is not None else "—")
        if number is not None:
            cell.number_format = _figure_format(value)
        return cell
    if kind in (tables.DATE, tables.DATETIME) and isinstance(value, str) and _ISO_DATE.match(value):
        value = dt.date.fromisoformat(value)
    value = safe_cell(value)
    if kind == tables.CODE and isinstance(value, (int, float)):
        value = str(value)
    fmt = NUMBER_FORMATS.get(kind)
    if fmt is None or value is None or (isinstance(value, str) and kind != tables.CODE):
        return value
    if isinstance(value, dt.datetime) and kind == tables.DATE:
        fmt = NUMBER_FORMATS[tables.DATETIME]
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = fmt
    return cell


def _wrap(sheet, value):
    cell = WriteOnlyCell(sheet, value=safe_cell(value))
    cell.alignment = WRAP
    return cell


def _write_sheet(book, spec, progress, written: int) -> int:
    if isinstance(spec, Sheet):
        title, headers, rows, caption, notes = spec.title, spec.headers, spec.rows, spec.caption, list(spec.notes)
    else:
        (title, headers, rows), caption, notes = spec, "", []
    sheet = book.create_sheet(title=title[:31])
    rows = iter(rows)
    sample = [list(row) for row in itertools.islice(rows, SAMPLE_ROWS)]
    names = [header.title if isinstance(header, tables.Column) else str(header) for header in headers]
    kinds = []
    for index, header in enumerate(headers):
        values = [row[index] for row in sample if index < len(row)]
        if isinstance(header, tables.Column):
            kinds.append(header.kind_of(values))
        else:
            kinds.append(tables.infer_kind(header, values))
    wrapped = set()  # columns of text longer than MAX_WIDTH: their cells wrap instead of running over
    for index, (name, kind) in enumerate(zip(names, kinds), start=1):
        widest = max([text_width(name) + 2] + [text_width(_shown(kind, row[index - 1])) for row in sample if index - 1 < len(row)])
        sheet.column_dimensions[get_column_letter(index)].width = max(MIN_WIDTH, min(MAX_WIDTH, widest + 2))
        if widest + 2 > MAX_WIDTH and kind == tables.TEXT:
            wrapped.add(index - 1)
    top = 0
    if caption:
        top = 1 + len(notes)
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = PAPER_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.print_options.horizontalCentered = True
        sheet.print_title_rows = f"{top + 1}:{top + 1}"
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.freeze_panes = f"A{top + 2}"
    if caption:
        cell = WriteOnlyCell(sheet, value=safe_cell(caption))
        cell.font = TITLE_FONT
        sheet.append([cell])
        for note in notes:
            cell = WriteOnlyCell(sheet, value=safe_cell(note))
            cell.font = NOTE_FONT
            sheet.append([cell])
    header_row = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=safe_cell(name))
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_row.append(cell)
    sheet.append(header_row)
    count = 0
    for row in itertools.chain(sample, rows):
        sheet.append([_wrap(sheet, value) if i in wrapped else _cell(sheet, kinds[i] if i < len(kinds) else tables.TEXT, value)
                      for i, value in enumerate(row)])
        count += 1
        if progress is not None and (written + count) % PROGRESS_EVERY == 0:
            progress(written + count)
    if names:
        last = get_column_letter(len(names))
        sheet.auto_filter.ref = f"A{top + 1}:{last}{top + 1 + count}"
        if caption and len(names) > 1:
            sheet.merged_cells.add(f"A1:{last}1")
            for line in range(2, top + 1):
                sheet.merged_cells.add(f"A{line}:{last}{line}")
    return written + count


def write_workbook(target, sheets: Sequence, progress=None) -> None:
    """Write an .xlsx file with one sheet per `Sheet` or (title, headers, rows) to `target` (a path or a
    binary file). Every sheet has a bold, frozen header row with an auto-filter, columns as wide as their
    content, and number formats by column kind (thousands, money, %, dates as dates); a `Sheet` with a
    caption also has its title rows and prints landscape, one page wide, the header row repeated.
    The workbook is write-only: rows stream to the file as they come, so 100,000 rows take no more
    memory than a few hundred. `progress(rows_written)` is called every PROGRESS_EVERY rows."""
    book = Workbook(write_only=True)
    written = 0
    for spec in sheets:
        written = _write_sheet(book, spec, progress, written)
    book.save(target)
    if progress is not None:
        progress(written)


def workbook_bytes(sheets: Sequence) -> bytes:
    buffer = io.BytesIO()
    write_workbook(buffer, sheets)
    return buffer.getvalue()


def report_sheet(title: str, headers: Sequence, rows: Iterable[Sequence], *, as_of=None, filters: Sequence[str] = (),
                 caption: str = "") -> Sheet:
    """A page's export as a report: the page's title, then "截至 2022-06-30" (or the day it was made) and
    the filters applied, then the table."""
    from kechuang.core import clock

    notes = [f"截至 {as_of.isoformat()}" if as_of else f"导出日期 {clock.today().isoformat()}"]
    if filters:
        notes.append("筛选条件：" + "；".join(filters))
    return Sheet(title, headers, rows, caption=caption or title, notes=notes)


def dated_filename(title: str, as_of=None, extension: str = "xlsx") -> str:
    """A Chinese file name from the page's title and its date: "企业名录-2022-06-30.xlsx"."""
    from kechuang.core import clock

    cleaned = re.sub(r'[\\/:*?"<>|\s·]+', "-", str(title)).strip("-") or "导出"
    day = (as_of or clock.today()).isoformat()
    return f"{cleaned}.{extension}" if cleaned.endswith(day) else f"{cleaned}-{day}.{extension}"


def attachment_disposition(filename: str) -> str:
    """Content-Disposition for a download whose name may be Chinese (RFC 6266 with RFC 5987
    `filename*`), with an ASCII `filename` for clients that read only that."""
    ascii_name = filename.encode("ascii", "ignore").decode().strip(" -.") or "export"
    if "." in filename and "." not in ascii_name:
        ascii_name += "." + filename.rsplit(".", 1)[1]
    ascii_name = re.sub(r'["\\]', "", ascii_name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def xlsx_response(filename: str, headers: Sequence, rows: Iterable[Sequence], title: str = "Sheet1", *,
                  caption: str = "", as_of=None, filters: Sequence[str] = ()) -> HttpResponse:
    """A download of one table. With a `caption` (the page's title) the sheet opens with the title rows
    (`report_sheet`); without one, the headers are in row 1."""
    sheet = report_sheet(str(title), headers, rows, as_of=as_of, filters=filters, caption=caption) if caption else (
        str(title), headers, rows)
    response = HttpResponse(workbook_bytes([sheet]), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_disposition(filename)
    return response


# ---- background exports ---------------------------------------------------------------------------

def start_export(request, filename: str, rows_total: int):
    """An ExportJob for the export this request asks for, handed to a worker process once the job row
    is committed (or left for `kechuang exports run` when EXPORTS_SPAWN is off)."""
    from kechuang.core.models import ExportJob

    job = ExportJob.objects.create(user=request.user, path=request.get_full_path(), filename=filename, rows_total=rows_total)
    if settings.EXPORTS_SPAWN:
        command = [sys.executable, "-m", "kechuang", "exports", "run", "--job", str(job.pk)]
        transaction.on_commit(lambda: subprocess.Popen(
            command, start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return job


def claim(job_id: int | None = None):
    """Take one waiting job (the given one, or the oldest), so two workers never write the same file."""
    from kechuang.core.models import ExportJob

    waiting = ExportJob.objects.filter(state=ExportJob.State.PENDING)
    candidates = waiting.filter(pk=job_id) if job_id is not None else waiting.order_by("created_at")
    for pk in candidates.values_list("pk", flat=True)[:5]:
        if ExportJob.objects.filter(pk=pk, state=ExportJob.State.PENDING).update(state=ExportJob.State.RUNNING):
            return ExportJob.objects.select_related("user").get(pk=pk)
    return None


def run_export(job) -> None:
    """Ask the job's page, as the job's user, for its export: the page checks the user's permission and
    filters as it would in the browser, and writes the rows into the job's file."""
    from django.test import RequestFactory
    from django.urls import resolve

    from kechuang.core.models import ExportJob

    try:
        request = RequestFactory().get(job.path, HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
        request.user, request.export_job = job.user, job
        match = resolve(request.path_info)
        response = match.func(request, *match.args, **match.kwargs)
        if job.state != ExportJob.State.DONE:
            raise RuntimeError(f"the page answered HTTP {response.status_code} without writing the export")
    except Exception as error:  # the user sees why on the job page; the worker goes on with the next job
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.FAILED, error=str(error), finished_at=timezone.now())


def write_job(job, headers: Sequence, rows: Iterable[Sequence], title: str, *, caption: str = "", as_of=None,
              filters: Sequence[str] = ()) -> None:
    """Write the job's file, recording the rows written as it goes (with a `caption`, under the title
    rows, as `xlsx_response`)."""
    from kechuang.core.models import ExportJob

    def progress(done):
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

    with tempfile.TemporaryFile() as spool:
        sheet = report_sheet(title, headers, rows, as_of=as_of, filters=filters, caption=caption) if caption else (
            title, headers, rows)
        write_workbook(spool, [sheet], progress)
        spool.seek(0)
        job.file.save(f"{job.pk}-{job.filename}", File(spool), save=False)
    job.state, job.finished_at = ExportJob.State.DONE, timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(file=job.file.name, state=job.state, finished_at=job.finished_at)


def table_rows(content: bytes, sheet: str | None = None) -> list[tuple]:
    """The table of an exported sheet, header row first, without the title rows above it (the header is
    where the auto-filter starts): what a test or a re-import reads from a report."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    worksheet = book[sheet] if sheet else book.active
    ref = worksheet.auto_filter.ref
    first = int(re.match(r"[A-Z]+(\d+)", ref).group(1)) if ref else 1
    return list(worksheet.iter_rows(min_row=first, values_only=True))
