"""Spreadsheet output shared by every export, template and error report.

Cells that a spreadsheet would read as a formula (starting with = + - @, or a tab/CR) are written with a
leading apostrophe so that an exported value can never run as a formula (CSV/formula injection). Control
characters that an .xlsx cannot hold are written as their escape (`\x07`), so that any text exports.
"""
import datetime as dt
import decimal
import io
import subprocess
import sys
import tempfile
from typing import Iterable, Sequence

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
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
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub(lambda match: f"\\x{ord(match.group()):02x}", value)
        if value.startswith(FORMULA_STARTS):
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


def write_job(job, headers: Sequence[str], rows: Iterable[Sequence], title: str) -> None:
    """Write the job's file, recording the rows written as it goes."""
    from kechuang.core.models import ExportJob

    def progress(done):
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

    with tempfile.TemporaryFile() as spool:
        write_workbook(spool, [(title, headers, rows)], progress)
        spool.seek(0)
        job.file.save(f"{job.pk}-{job.filename}", File(spool), save=False)
    job.state, job.finished_at = ExportJob.State.DONE, timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(file=job.file.name, state=job.state, finished_at=job.finished_at)
