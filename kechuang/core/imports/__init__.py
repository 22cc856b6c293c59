"""The one spreadsheet importer every import in the product uses: all-or-nothing, errors in Chinese.

How an import runs
------------------
1. ``read_table(data, filename)`` turns the uploaded bytes into a ``Table`` (header + rows with the row
   numbers the user sees in Excel). It accepts .xlsx (by content: a zip holding an Excel workbook) and
   .csv in UTF-8 (with or without BOM) or GBK/GB18030, and refuses, with a Chinese reason, a file that is
   empty, too large (``settings.KECHUANG_IMPORT_MAX_BYTES``), not a spreadsheet, in another encoding, or
   holds no data row. An .xlsx is measured before it is expanded: the unzipped size of its sheets and
   shared strings (``KECHUANG_IMPORT_MAX_XML_BYTES``) from the zip directory, the range its first sheet
   declares, and, while reading, the rows (``KECHUANG_IMPORT_MAX_ROWS``, also for .csv) and columns
   (``KECHUANG_IMPORT_MAX_COLUMNS``) it holds. Every number a parser accepts fits its database column. A cell holding a formula is a row error ("单元格含公式，请粘贴为数值").
2. ``Importer.check(table)`` validates every row before anything is written: each cell through its
   field's parser, then ``clean_row`` (checks across the fields of one row), then the duplicate natural
   key check inside the file (naming both rows), then ``check_rows`` (checks that need the database for
   the whole file at once, e.g. "does this enterprise exist"). It returns a ``Check`` with the parsed
   rows, the problems and the counts of rows that would be created / updated / left unchanged.
3. ``Importer.run(table)`` re-checks and, only when there is no problem, writes every row in one
   transaction (``write``), upserting on the natural key with bulk_create / bulk_update batch by batch
   (memory stays flat however long the file) and an audit entry (``kechuang.core.audit.record_bulk``)
   for each row created or changed. Importing the same file twice changes nothing the second time.
   A bad file raises ``ImportFailed`` carrying the ``Check``; ``Problem`` prints as "第 N 行 [列名] 原因".
4. ``error_workbook(check)`` is the uploaded rows plus an 错误 column (re-importable once corrected);
   ``template_workbook(importer)`` is an empty template with a sheet explaining each column;
   ``can_import(user)`` says who may import (officers).

Writing an importer
-------------------
Subclass ``ModelImporter`` (or ``Importer`` for something that is not one model) and declare::

    class WidgetImporter(ModelImporter):
        title = "小部件"
        model = Widget
        key = ("code",)                      # natural key: field attrs, unique inside a file
        fields = [
            Field("编码", "code", text(max_length=20), required=True),
            Field("数量", "quantity", integer(minimum=0), synonyms=("个数",)),
            Field("金额(万元)", "amount", money()),
            Field("日期", "day", date()),
            Field("类别", "kind", choice({"甲类": "a", "乙类": "b"}, synonyms={"甲": "a"})),
        ]

A parser (or the name of an importer method, for parsers that read what ``prepare()`` loaded) is a
callable taking a non-empty cell value (str, int, float, datetime) and returning the
Python value, or raising ``CellError("reason in Chinese")``. Empty cells never reach a parser: they are
``None`` (and an error when the field is ``required``). A column that is absent from the file is absent
from ``row.values``, so a file with fewer columns updates only the columns it has.

Hooks: ``prepare()`` (load reference sets once), ``clean_row(row)`` (``row.error(header, reason)``),
``check_rows(rows)`` (whole-file checks), ``instance_values(row)`` (model attnames to write),
``provenance()`` (values stamped on created or changed rows but never compared), ``after_write(...)``
(related rows, e.g. many-to-many). ``progress(stage, done, total)`` is called while checking and writing.

Apps publish their importers as ``IMPORTERS = {"kind": ImporterClass}`` in ``<app>/importers.py``;
``importers()`` merges them in INSTALLED_APPS order and refuses a kind declared twice. Everything else
is here, for every kind: the upload pages (``views.py``, ``urls.py``, templates ``core/import_*.html``)
and the ``kechuang import`` / ``kechuang template`` commands (``core/management/commands/``).
"""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import importlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Callable, Iterable, Mapping, Sequence

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone

from kechuang.core import dbstats
from kechuang.core.audit import record_bulk, snapshot
from kechuang.core.choices import AuditAction
from kechuang.core.exports import workbook_bytes
from kechuang.core.permissions import is_bureau_officer

ERROR_COLUMN = "错误"
FORMULA_REASON = "单元格含公式，请粘贴为数值"
BATCH_SIZE = 2000
# Stay under SQLite's bound-parameter limit when looking rows up by key.
LOOKUP_CHUNK = 900
# An import this large can change the shape of a table enough to mislead the query planner.
REFRESH_STATISTICS_AFTER_ROWS = 1000

Progress = Callable[[str, int, int], None]

# Sent (sender=the model) once an import has created or changed rows of a model: bulk writes send no
# post_save, and figures kept from those rows (a plan's stored year-ends) must learn they are stale.
rows_written = Signal()


class CellError(Exception):
    """A parser's refusal of one cell; the message is the reason shown to the user."""


class FileRejected(Exception):
    """The file as a whole cannot be read (not a spreadsheet, too large, empty, wrong encoding...)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Problem:
    row: int | None  # the row number as the user sees it in Excel; None for the file as a whole
    column: str
    reason: str

    def __str__(self):
        where = f"第 {self.row} 行 " if self.row else ""
        column = f"[{self.column}] " if self.column else ""
        return f"{where}{column}{self.reason}"


# --- reading -------------------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number in the file, cell values aligned with headers)
    filename: str = ""


class _Formula:
    """A cell that held a formula: kept as a marker so the row reports it instead of a computed value."""

    def __init__(self, text: str):
        self.text = text

    def __str__(self):
        return self.text


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def size_problem(size: int) -> str | None:
    """Why a file of `size` bytes is refused before it is even read, or None."""
    limit = settings.KECHUANG_IMPORT_MAX_BYTES
    if size > limit:
        return f"文件大小 {_size_text(size)} 超过上限 {limit // 1024 // 1024} MB"
    return None


def read_table(data: bytes, filename: str = "") -> Table:
    """Read an uploaded .xlsx or .csv into a Table, or raise FileRejected with the reason in Chinese."""
    too_large = size_problem(len(data))
    if too_large:
        raise FileRejected(too_large)
    if not data.strip():
        raise FileRejected("文件为空")
    if data.startswith(b"PK\x03\x04"):
        headers, rows = _read_xlsx(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入")
    else:
        text = _decode(data)
        if filename.lower().endswith((".xlsx", ".xlsm")):
            # Text under an Excel name: reading it as CSV would report a misleading header problem.
            raise FileRejected("文件扩展名为 .xlsx，但内容是文本而不是 Excel 工作簿（文件可能被改名），请另存为 .xlsx 或 .csv")
        headers, rows = _read_csv(text)
    if headers is None:
        raise FileRejected("文件为空")
    if not rows:
        raise FileRejected("文件只有表头，没有数据行")
    return Table(headers, rows, filename)


def _read_xlsx(data: bytes):
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_expansion(archive)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileRejected("文件不是电子表格（.xlsx 或 .csv），无法读取") from exc
    try:
        sheet = book.worksheets[0]
        _check_dimension(archive, getattr(sheet, "_worksheet_path", ""))
        # Read the rows the sheet holds, not the ones its <dimension> claims (which pads every row).
        sheet.reset_dimensions()
        most = settings.KECHUANG_IMPORT_MAX_COLUMNS
        cells = (
            (next((cell.row for cell in cells if hasattr(cell, "row")), None), [_xlsx_value(cell) for cell in cells[:most]])
            for cells in sheet.iter_rows()
        )
        return _split_header(cells)
    finally:
        book.close()


def _check_expansion(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose sheets and shared strings unzip to more than the limit, before any is
    unzipped: the sizes come from the zip directory, and unzipping stops at them."""
    limit = settings.KECHUANG_IMPORT_MAX_XML_BYTES
    expanded = sum(
        info.file_size for info in archive.infolist()
        if info.filename.startswith("xl/worksheets/") or info.filename == "xl/sharedStrings.xml"
    )
    if expanded > limit:
        raise FileRejected(
            f"工作簿解压后的表格数据达 {_size_text(expanded)}，超过上限 {_size_text(limit)}，"
            "请删除多余的行、列或工作表，或拆分为多个文件后再导入"
        )


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_dimension(archive: zipfile.ZipFile, path: str) -> None:
    """Refuse a sheet that declares more rows or columns than an import takes (an Excel file declares
    the range it uses; A1:XFD1048576 is every cell of the sheet)."""
    try:
        with archive.open(path.lstrip("/")) as handle:
            head = handle.read(4096)
    except KeyError:
        return
    found = _DIMENSION.search(head)
    if not found or not found.group(3):
        return
    rows = int(found.group(4)) - int(found.group(2)) + 1
    columns = _column_number(found.group(3)) - _column_number(found.group(1)) + 1
    max_rows, max_columns = settings.KECHUANG_IMPORT_MAX_ROWS, settings.KECHUANG_IMPORT_MAX_COLUMNS
    if rows > max_rows + 1 or columns > max_columns:
        area = found.group(0).split(b'"')[1].decode()
        raise FileRejected(
            f"工作表声明的范围 {area} 有 {rows} 行、{columns} 列，超过上限（{max_rows} 行数据、{max_columns} 列），"
            "请删除多余的行和列（或复制有数据的区域到新工作簿）后再导入"
        )


def _xlsx_value(cell):
    if cell.data_type == "f":
        return _Formula(str(cell.value))
    return cell.value


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if b"\x00" in data:
        # NUL bytes never occur in UTF-8/GBK text files: this is a binary file or UTF-16.
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise FileRejected("文件编码无法识别，请保存为 UTF-8 或 GBK")
        raise FileRejected("文件不是电子表格（.xlsx 或 .csv），无法读取")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _looks_like_text(text):
            break
        return text
    if not _looks_like_text(data.decode("latin-1")):
        raise FileRejected("文件不是电子表格（.xlsx 或 .csv），无法读取")
    raise FileRejected("文件编码无法识别，请保存为 UTF-8 或 GBK")


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    controls = sum(1 for char in sample if ord(char) < 32 and char not in "\r\n\t")
    return controls <= len(sample) // 1000


def _read_csv(text: str):
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # A CSV saved by Excel holds computed values; a cell starting with "=" is a formula typed as text,
    # which Excel would run when the file (or our error report) is opened.
    return _split_header(
        (reader.line_num, [_Formula(cell) if cell.startswith("=") else cell for cell in row]) for row in reader
    )


def _split_header(numbered_rows: Iterable[tuple[int | None, list]]):
    """Find the first non-blank row as the header; the data rows keep the numbers the user sees."""
    headers, rows, most = None, [], settings.KECHUANG_IMPORT_MAX_ROWS
    for position, (number, values) in enumerate(numbered_rows, start=1):
        number = number or position
        if all(_blank(value) for value in values):
            continue
        if len(rows) == most:
            raise FileRejected(f"文件的数据行超过上限 {most} 行，请拆分为多个文件后再导入")
        if headers is None:
            headers = [_header_text(value) for value in values]
            while headers and not headers[-1]:
                headers.pop()
            continue
        values = list(values[: len(headers)]) + [None] * (len(headers) - len(values))
        rows.append((number, values))
    return headers, rows


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_FULL_WIDTH = str.maketrans({"（": "(", "）": ")", "\u3000": " ", "：": ":"})


def _header_text(value) -> str:
    return "" if value is None else str(value).strip()


def normalise_header(text: str) -> str:
    """What two spellings of a header have in common: no spaces, half-width brackets, no '*' marker."""
    return re.sub(r"\s+", "", str(text).translate(_FULL_WIDTH)).strip("*")


# --- parsers -------------------------------------------------------------------------------------


def _as_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return str(value).strip()


def text(max_length: int | None = None, upper: bool = False) -> Callable[[Any], str]:
    def parse(value) -> str:
        result = _as_text(value)
        if upper:
            result = result.upper().replace(" ", "")
        if max_length and len(result) > max_length:
            raise CellError(f"长度 {len(result)} 超过上限 {max_length} 个字符")
        return result

    return parse


# The largest values the database columns take on both databases: an amount in
# DecimalField(max_digits=16, decimal_places=2), a count in IntegerField / PositiveIntegerField.
MONEY_LIMIT = decimal.Decimal("99999999999999.99")
INTEGER_LIMIT = 2_147_483_647


def integer(minimum: int | None = None, maximum: int = INTEGER_LIMIT) -> Callable[[Any], int]:
    def parse(value) -> int:
        if isinstance(value, bool):
            raise CellError("应为整数")
        if isinstance(value, float):
            if not value.is_integer():
                raise CellError(f"应为整数，实际为 {value}")
            number = int(value)
        elif isinstance(value, int):
            number = value
        else:
            cleaned = _as_text(value).replace(",", "")
            if not re.fullmatch(r"[+-]?\d+(\.0+)?", cleaned):
                raise CellError(f"应为整数，实际为「{_as_text(value)}」")
            number = int(decimal.Decimal(cleaned))
        if minimum is not None and number < minimum:
            raise CellError(f"不能小于 {minimum}，实际为 {number}")
        if number > maximum:
            raise CellError(f"不能大于 {maximum}，实际为 {number}")
        return number

    return parse


def money(allow_negative: bool = False, places: int = 2, limit: decimal.Decimal = MONEY_LIMIT) -> Callable[[Any], decimal.Decimal]:
    """An amount in 万元 as Decimal, rounded half-up to `places`; negative refused unless allowed, and
    no larger (in size) than `limit`, what the column holds."""
    quantum = decimal.Decimal(1).scaleb(-places)

    def parse(value) -> decimal.Decimal:
        if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime)):
            raise CellError(f"应为金额（万元），实际为「{_as_text(value)}」")
        raw = repr(value) if isinstance(value, float) else _as_text(value).replace(",", "").replace("，", "")
        try:
            amount = decimal.Decimal(raw)
        except decimal.InvalidOperation:
            raise CellError(f"应为金额（万元），实际为「{_as_text(value)}」") from None
        if not amount.is_finite():
            raise CellError(f"应为金额（万元），实际为「{_as_text(value)}」")
        if amount < 0 and not allow_negative:
            raise CellError(f"金额不能为负数，实际为 {amount}")
        if abs(amount) > limit:
            raise CellError(f"金额超出范围：绝对值不能超过 {limit} 万元，实际为「{_as_text(value)}」")
        return amount.quantize(quantum, rounding=decimal.ROUND_HALF_UP)

    return parse


# Day 0 of Excel's 1900 date system as Python sees it (Excel's phantom 1900-02-29 is before every date
# this product meets).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


def date(earliest: dt.date = dt.date(1900, 1, 1), latest: dt.date = dt.date(2100, 12, 31)) -> Callable[[Any], dt.date]:
    """Excel date cells, Excel serial numbers, and text YYYY-MM-DD or YYYY/MM/DD (also 年月日)."""

    def parse(value) -> dt.date:
        if isinstance(value, dt.datetime):
            result = value.date()
        elif isinstance(value, dt.date):
            result = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if not 1 <= value < 2958466:
                raise CellError(f"不是有效日期：{_as_text(value)}")
            result = _EXCEL_EPOCH + dt.timedelta(days=int(value))
        else:
            match = _DATE_TEXT.match(_as_text(value))
            if not match:
                raise CellError(f"不是有效日期：「{_as_text(value)}」，应为 YYYY-MM-DD")
            try:
                result = dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                raise CellError(f"不是有效日期：「{_as_text(value)}」") from None
        if not earliest <= result <= latest:
            raise CellError(f"日期 {result.isoformat()} 超出范围 {earliest.isoformat()} 至 {latest.isoformat()}")
        return result

    return parse


def label_key(text_value: str) -> str:
    """How labels are compared: no spaces, half-width brackets."""
    return normalise_header(text_value)


def choice(labels: Mapping[str, Any], synonyms: Mapping[str, Any] | None = None) -> Callable[[Any], Any]:
    """A value chosen by its Chinese label; `synonyms` map other spellings to the same values."""
    lookup = {label_key(label): value for label, value in {**(synonyms or {}), **labels}.items()}
    allowed = "、".join(labels)

    def parse(value):
        key = label_key(_as_text(value))
        if key in lookup:
            return lookup[key]
        raise CellError(f"「{_as_text(value)}」不是允许的取值，应为：{allowed}")

    parse.labels = tuple(labels)
    return parse


def choices_labels(choices_class, synonyms: Mapping[str, Any] | None = None):
    """A choice parser over a Django TextChoices whose labels are the Chinese cell labels."""
    return choice({str(label): value for value, label in choices_class.choices}, synonyms)



# --- declaring and checking ----------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One column. `parse` is a parser, or the name of an importer method when parsing looks things up
    in the database (the method reads what `prepare()` loaded)."""

    header: str
    attr: str
    parse: Callable[[Any], Any] | str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    help: str = ""  # shown in the template's explanation sheet

    def accepts(self, header: str) -> bool:
        wanted = normalise_header(header)
        return wanted in {normalise_header(name) for name in (self.header, *self.synonyms)}


@dataclass(slots=True)
class Row:
    number: int
    raw: list[Any]
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def error(self, column: str, reason: str) -> None:
        self.problems.append(Problem(self.number, column, reason))


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Check:
    table: Table
    rows: list[Row]
    problems: list[Problem]
    warnings: list[str]
    counts: Counts | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportFailed(Exception):
    def __init__(self, check: Check):
        super().__init__(f"{len(check.problems)} 处错误")
        self.check = check


class Importer:
    """Validates a whole table first, then writes it all or nothing. Subclasses declare `fields`."""

    title = ""
    fields: Sequence[Field] = ()
    key: tuple[str, ...] = ()

    def __init__(self, progress: Progress | None = None):
        self.progress = progress or (lambda stage, done, total: None)

    # The hooks subclasses fill in.
    def prepare(self) -> None:
        """Load once whatever the parsers look up (reference codes)."""

    def clean_row(self, row: Row) -> None:
        """Checks across the fields of one row; report with row.error(header, reason)."""

    def check_rows(self, rows: list[Row]) -> None:
        """Checks that need the database or the whole file; runs on rows without errors so far."""

    def plan(self, rows: list[Row]) -> Counts:
        """How many rows would be created, updated and left unchanged."""
        raise NotImplementedError

    def write(self, rows: list[Row]) -> Counts:
        raise NotImplementedError

    # The machinery.
    def header_of(self, attr: str) -> str:
        return next(f.header for f in self.fields if f.attr == attr)

    def _columns(self, headers: list[str]):
        """Map each field to its column index; report missing required and duplicate columns."""
        problems, warnings, positions = [], [], {}
        for index, header in enumerate(headers):
            matched = [f for f in self.fields if f.accepts(header)]
            if not matched:
                if header:
                    warnings.append(f"未识别的列「{header}」已忽略")
                continue
            found = matched[0]
            if found.attr in positions:
                problems.append(Problem(1, header, f"列重复：与「{headers[positions[found.attr]]}」是同一列"))
                continue
            positions[found.attr] = index
        problems += [
            Problem(None, f.header, "缺少必需的列") for f in self.fields if f.required and f.attr not in positions
        ]
        return positions, problems, warnings

    def check(self, table: Table) -> Check:
        positions, problems, warnings = self._columns(table.headers)
        if problems:
            return Check(table, [], problems, warnings)
        self.prepare()
        rows, total = [], len(table.rows)
        present = [(f, positions[f.attr], self._parser(f)) for f in self.fields if f.attr in positions]
        for done, (number, raw) in enumerate(table.rows, start=1):
            row = Row(number, raw)
            for spec, index, parse in present:
                row.values[spec.attr] = self._cell(row, spec, parse, raw[index])
            if not row.problems:
                self.clean_row(row)
            rows.append(row)
            if done % 1000 == 0 or done == total:
                self.progress("校验", done, total)
        self._check_duplicates(rows)
        self.check_rows([row for row in rows if not row.problems])
        problems = [problem for row in rows for problem in row.problems]
        result = Check(table, rows, problems, warnings)
        if result.ok:
            result.counts = self.plan(rows)
        return result

    def _parser(self, spec: Field) -> Callable[[Any], Any]:
        return getattr(self, spec.parse) if isinstance(spec.parse, str) else spec.parse

    def _cell(self, row: Row, spec: Field, parse, value):
        if isinstance(value, _Formula):
            row.error(spec.header, FORMULA_REASON)
            return None
        if _blank(value):
            if spec.required:
                row.error(spec.header, "必填项为空")
            return None
        try:
            return parse(value)
        except CellError as exc:
            row.error(spec.header, str(exc))
            return None

    def _check_duplicates(self, rows: list[Row]) -> None:
        if not self.key:
            return
        seen: dict[tuple, int] = {}
        for row in rows:
            key = tuple(row.values.get(attr) for attr in self.key)
            if any(part is None for part in key):
                continue
            if key in seen:
                shown = "、".join(str(part) for part in key)
                row.error(self.header_of(self.key[0]), f"与第 {seen[key]} 行重复（{shown}），同一文件中不能出现两次")
            else:
                seen[key] = row.number

    def run(self, table: Table, dry_run: bool = False) -> Check:
        """Check every row; unless there is a problem or `dry_run`, write them all in one transaction.
        Raises ImportFailed (nothing written) when any row is bad."""
        with transaction.atomic():
            result = self.check(table)
            if not result.ok:
                raise ImportFailed(result)
            if not dry_run:
                result.counts = self.write(result.rows)
        if not dry_run and len(result.rows) >= REFRESH_STATISTICS_AFTER_ROWS:
            dbstats.refresh_statistics()
        return result


def error_workbook(check: Check) -> bytes:
    """The uploaded rows with an 错误 column naming each row's problems, plus the file-level problems.
    The user can correct the rows in this workbook and import it again (the 错误 column is ignored)."""
    by_row: dict[int, list[str]] = {}
    for problem in check.problems:
        if problem.row:
            by_row.setdefault(problem.row, []).append(f"[{problem.column}] {problem.reason}" if problem.column else problem.reason)
    rows = (
        [_plain_cell(value) for value in raw] + ["；".join(by_row.get(number, []))]
        for number, raw in check.table.rows
    )
    sheets = [("数据", [*check.table.headers, ERROR_COLUMN], rows)]
    file_problems = [[str(problem)] for problem in check.problems if not problem.row]
    if file_problems:
        sheets.append(("文件问题", [ERROR_COLUMN], file_problems))
    return workbook_bytes(sheets)


def _plain_cell(value):
    return str(value) if isinstance(value, _Formula) else value


# --- writing one model ---------------------------------------------------------------------------


class ModelImporter(Importer):
    """Upserts one model on its natural key. `instance_values(row)` gives the model attnames to write
    (by default each present field's attr); `model_key` names the model attnames that identify a row."""

    model: type[models.Model]
    model_key: tuple[str, ...] = ()
    batch_size = BATCH_SIZE

    def instance_values(self, row: Row) -> dict[str, Any]:
        """The row's values that are model fields (by attname; lookup-only values such as a USCC that
        `check_rows` resolved to `enterprise_id` are left out); an empty cell in a NOT NULL text column
        becomes ''."""
        model_fields = self._fields_by_attname
        return {name: self._stored(name, value) for name, value in row.values.items() if name in model_fields}

    def _stored(self, name: str, value):
        if value is None:
            model_field = self._fields_by_attname.get(name)
            if model_field is not None and not model_field.null and isinstance(model_field, (models.CharField, models.TextField)):
                return ""
        return value

    @cached_property
    def _fields_by_attname(self) -> dict[str, models.Field]:
        return {f.attname: f for f in self.model._meta.concrete_fields}

    def provenance(self) -> dict[str, Any]:
        return {}

    def related_changes(self, pairs: list[tuple[Row, models.Model]]) -> set:
        """The pks of stored rows (from one batch) whose related rows (e.g. many-to-many) the file changes."""
        return set()

    def after_write(self, pairs: list[tuple[Row, models.Model]], created: set) -> set:
        """Write one batch's related rows once its rows have pks (audit them too); return the pks whose
        related rows changed."""
        return set()

    def _model_key(self) -> tuple[str, ...]:
        return self.model_key or self.key

    def _existing(self, keys: list[tuple]) -> dict[tuple, models.Model]:
        names = self._model_key()
        first_values = sorted({key[0] for key in keys}, key=str)
        found = {}
        for start in range(0, len(first_values), LOOKUP_CHUNK):
            chunk = first_values[start : start + LOOKUP_CHUNK]
            for obj in self.model._base_manager.filter(**{f"{names[0]}__in": chunk}):
                found[tuple(getattr(obj, name) for name in names)] = obj
        return found

    def _diff_batches(self, rows: list[Row], build: bool = True):
        """Per batch of rows: [(row, instance, values, changed field names, or None for a new row)].
        Batches keep only one batch of model instances alive, so memory does not grow with the file;
        without `build`, a new row's instance is None (counting needs none)."""
        names = self._model_key()
        for start in range(0, len(rows), self.batch_size):
            keyed = []
            for row in rows[start : start + self.batch_size]:
                values = self.instance_values(row)
                keyed.append((tuple(values[name] for name in names), row, values))
            existing = self._existing([key for key, _row, _values in keyed])
            batch = []
            for key, row, values in keyed:
                obj = existing.get(key)
                if obj is None:
                    batch.append((row, self.model(**values) if build else None, values, None))
                else:
                    batch.append((row, obj, values, {name for name, value in values.items() if getattr(obj, name) != value}))
            yield batch

    def plan(self, rows: list[Row]) -> Counts:
        counts = Counts()
        for batch in self._diff_batches(rows, build=False):
            touched = self.related_changes([(row, obj) for row, obj, _values, changed in batch if changed == set()])
            for _row, obj, _values, changed in batch:
                if changed is None:
                    counts.created += 1
                elif changed or obj.pk in touched:
                    counts.updated += 1
                else:
                    counts.unchanged += 1
        return counts

    def write(self, rows: list[Row]) -> Counts:
        counts, done = Counts(), 0
        stamp = self.provenance()
        auto_now = [f.attname for f in self.model._meta.concrete_fields if getattr(f, "auto_now", False)]
        for batch in self._diff_batches(rows):
            new, changed_objects, befores, fields, now = [], [], {}, set(), timezone.now()
            for _row, obj, values, changed in batch:
                if changed is None:
                    for name, value in stamp.items():
                        setattr(obj, name, value)
                    new.append(obj)
                elif changed:
                    befores[obj.pk] = snapshot(obj)
                    for name in changed:
                        setattr(obj, name, values[name])
                    for name, value in {**stamp, **dict.fromkeys(auto_now, now)}.items():
                        setattr(obj, name, value)
                    fields.update(changed, stamp, auto_now)
                    changed_objects.append(obj)
            self.model._base_manager.bulk_create(new, batch_size=self.batch_size)
            if changed_objects:
                self.model._base_manager.bulk_update(changed_objects, sorted(fields), batch_size=self.batch_size)
            created = {obj.pk for obj in new}
            related = self.after_write([(row, obj) for row, obj, _values, _changed in batch], created) - created
            record_bulk(
                self.model,
                [(AuditAction.CREATE, str(obj.pk), str(obj), None, snapshot(obj)) for obj in new]
                + [(AuditAction.UPDATE, str(obj.pk), str(obj), befores[obj.pk], snapshot(obj)) for obj in changed_objects],
            )
            updated = len(changed_objects) + len(related - set(befores))
            counts.created += len(new)
            counts.updated += updated
            counts.unchanged += len(batch) - len(new) - updated
            done += len(batch)
            self.progress("写入", done, len(rows))
        if counts.created or counts.updated:
            rows_written.send(sender=self.model)
        return counts


def can_import(user) -> bool:
    """Imports rewrite many records at once: officers (and superusers) only, whatever the kind."""
    return is_bureau_officer(user)


# --- discovery -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def importers() -> dict[str, type[Importer]]:
    """Every app's IMPORTERS (in <app>/importers.py) merged in INSTALLED_APPS order."""
    declared = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.importers")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.importers":
                raise
            continue
        declared.append((config.name, getattr(module, "IMPORTERS", {})))
    return merge_importers(declared)


def merge_importers(declared: Iterable[tuple[str, Mapping[str, type[Importer]]]]) -> dict[str, type[Importer]]:
    """Merge (app name, IMPORTERS) pairs; a kind declared twice is a start-up error."""
    merged: dict[str, type[Importer]] = {}
    owner: dict[str, str] = {}
    for app_name, declared_here in declared:
        for kind, importer in declared_here.items():
            if kind in merged:
                raise ImproperlyConfigured(f"Import kind {kind!r} is declared by both {owner[kind]} and {app_name}")
            merged[kind], owner[kind] = importer, app_name
    return merged


def importer_for(kind: str) -> type[Importer]:
    known = importers()
    if kind not in known:
        raise KeyError(f"未知的导入类型「{kind}」，可选：{'、'.join(known)}")
    return known[kind]


def template_workbook(importer: type[Importer]) -> bytes:
    """An empty import template: the headers, and a second sheet explaining each column."""
    explanation = []
    for spec in importer.fields:
        allowed = "、".join(getattr(spec.parse, "labels", ()))
        explanation.append([spec.header, "是" if spec.required else "否", spec.help or allowed, "、".join(spec.synonyms)])
    return workbook_bytes(
        [
            (importer.title or "导入", [spec.header for spec in importer.fields], []),
            ("填写说明", ["列名", "必填", "允许的取值 / 格式", "也接受的列名"], explanation),
        ]
    )
