"""Word documents in the official format of GB/T 9704-2012 (党政机关公文格式), for the reports a bureau sends.

- A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm (so right 26 mm, bottom 35 mm); 22 lines of 28 characters:
  body in 3号 (16 pt) 仿宋_GB2312, exact line spacing 29 pt, first line indented two characters.
- Title 2号 (22 pt) 小标宋, centred; first-level headings 3号 黑体 (一、), second-level 3号 楷体_GB2312 ((一)).
- Page numbers 4号 (14 pt) 宋体 as "— 1 —", odd pages right and even pages left, one character in.
- The 红头 variant adds the issuing office's mark in red 小标宋, the document number, and the red rule.
- Tables take column widths from their content and never wrap numbers.

Fonts are named as the standard names them and declared with alternates (FangSong, SimHei, KaiTi,
Noto CJK), so a machine without the GB2312 fonts still sets the text in a CJK face.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from decimal import Decimal
from typing import Iterable, Sequence

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from kechuang.core import formatting
from kechuang.core.formatting import Figure

BODY_FONT, TITLE_FONT, HEITI, KAITI, SONGTI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
# Alternates a word processor may use when the standard's font is not installed.
ALTERNATES = {
    BODY_FONT: "FangSong", TITLE_FONT: "Noto Serif CJK SC", HEITI: "SimHei", KAITI: "KaiTi", SONGTI: "SimSun",
}
RED = RGBColor(0xE6, 0x00, 0x12)
TEXT_WIDTH_MM = 156
LINE = Pt(29)
TABLE_SIZE = Pt(12)  # 小四 in tables, so that a task table fits the 156 mm text width
SMALL_TABLE_SIZE = Pt(10.5)  # 五号, for a table with too many figures for 小四
# A run of text a line may not break inside: Latin letters and digits; CJK text breaks between any two characters.
_WORD = re.compile(r"[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+")
HEADER_CHARS = 2  # a header over a column of figures wraps after this many characters
CELL_PAD_MM = 4.5  # the cell's left and right margins (1.9 mm each in Word and LibreOffice) and a little air


def _fonts(run_or_style, east_asian: str, size: Pt, bold: bool = False, color: RGBColor | None = None) -> None:
    font = run_or_style.font
    font.name = "Times New Roman"
    font.size = size
    font.bold = bold
    font.color.rgb = color or RGBColor(0, 0, 0)
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), "Times New Roman")
    fonts.set(qn("w:hAnsi"), "Times New Roman")
    # A theme font (Word's default headings name one) wins over the named font: drop it.
    for theme in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _spacing(paragraph_format, exact: Pt = LINE, indent_chars: int = 0, size: Pt = Pt(16)) -> None:
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = exact
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)
    paragraph_format.first_line_indent = Pt(size.pt * indent_chars) if indent_chars else None


def display_width(text: str) -> float:
    """Width in CJK characters: a full-width character counts 1, a half-width one ½."""
    return sum(1 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def _unbreakable(value) -> bool:
    """A cell that must stay on one line: a number, a figure with its unit, a date, a short code."""
    if isinstance(value, (int, float, Decimal, Figure, dt.date)) and not isinstance(value, bool):
        return True
    text = str(value)
    if _is_number(text):
        return True
    return bool(text) and not any(ch.isspace() for ch in text) and (text.isascii() and len(text) <= 16 or display_width(text) <= 6)


def fitted_widths(headers: Sequence[str], rows: Sequence[Sequence], total_mm: float = TEXT_WIDTH_MM,
                  size: Pt = TABLE_SIZE) -> list[float]:
    """Column widths (mm) from the content. A column of numbers, dates or codes is as wide as its widest
    cell (and a short header), and never narrower; the text columns share the rest in proportion to
    their longest cell (capped, so one long column wraps instead of squeezing the others). When the
    table is narrower than the text width, the text columns take the slack."""
    char_mm = size.pt * 0.3528  # one full-width character of the table font, in mm
    fixed, wanted, minimums = [], [], []
    for index, header in enumerate(headers):
        cells = [row[index] for row in rows if index < len(row)]
        texts = [_text(v) for v in cells if v not in (None, "")]
        longest = max([display_width(t) for t in texts] or [1])
        if texts and all(_unbreakable(v) for v in cells if v not in (None, "")):
            fixed.append(True)
            wanted.append(max(longest, min(display_width(header), HEADER_CHARS), 2) * char_mm + CELL_PAD_MM)
        else:
            fixed.append(False)
            wanted.append(min(max(longest, display_width(header) / 2, 2), 18) * char_mm + CELL_PAD_MM)
        # A text column is never narrower than its longest word ("2022-Q3" in a list of periods).
        minimums.append(max([3] + [display_width(w) for t in texts for w in _WORD.findall(t)]) * char_mm + CELL_PAD_MM)
    flexible = [w for w, f in zip(wanted, fixed) if not f]
    room = total_mm - sum(w for w, f in zip(wanted, fixed) if f)
    if not flexible:
        scale = total_mm / sum(wanted)
        return [w * scale for w in wanted]
    least = [m for m, f in zip(minimums, fixed) if not f]
    if sum(flexible) <= room:  # room to spare: the text columns widen
        given = [w * room / sum(flexible) for w in flexible]
    elif sum(least) <= room:
        given = _fewest_lines(least, flexible, room, char_mm)
    else:
        given = least
    shares = iter(given)
    widths = [w if f else next(shares) for w, f in zip(wanted, fixed)]
    scale = total_mm / sum(widths)  # below 1 only when the figures and longest words overflow the page
    return [w * scale for w in widths] if scale < 1 else widths


def _fewest_lines(least: list[float], wanted: list[float], room: float, char_mm: float) -> list[float]:
    """Widths for the text columns that make the tallest cell as short as the room allows: each step
    gives half a character to the column whose longest cell takes the most lines."""
    widths = list(least)
    step = char_mm / 2

    def lines(i):
        return math.ceil((wanted[i] - CELL_PAD_MM) / max(widths[i] - CELL_PAD_MM, step) - 1e-9)

    while sum(widths) + step <= room:
        growing = [i for i in range(len(widths)) if widths[i] < wanted[i]]
        if not growing:
            break
        tallest = max(growing, key=lambda i: (lines(i), wanted[i]))
        widths[tallest] += step
    spare = room - sum(widths)
    return [w + spare * w / sum(widths) for w in widths]


def table_size(headers: Sequence[str], rows: Sequence[Sequence]) -> Pt:
    """小四 for a table whose numbers and dates fit the text width beside room for its text, else 五号."""
    char_mm = TABLE_SIZE.pt * 0.3528
    needed = 0.0
    for index, header in enumerate(headers):
        cells = [row[index] for row in rows if index < len(row) and row[index] not in (None, "")]
        longest = max([display_width(_text(v)) for v in cells] or [1])
        breakable = not cells or not all(_unbreakable(v) for v in cells)
        needed += min(longest, 12 if breakable else longest) * char_mm + CELL_PAD_MM
    return TABLE_SIZE if needed <= TEXT_WIDTH_MM else SMALL_TABLE_SIZE


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (float, Decimal)) and not isinstance(value, bool):
        return formatting.number(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return str(value)


def _is_number(value) -> bool:
    if isinstance(value, (int, float, Decimal, Figure)) and not isinstance(value, bool):
        return True
    text = str(value).replace(",", "").replace("%", "").strip()
    try:
        float(text)
        return bool(text)
    except ValueError:
        return False


def _no_wrap(cell) -> None:
    properties = cell._tc.get_or_add_tcPr()
    properties.append(OxmlElement("w:noWrap"))


def _fixed_layout(table, widths_mm: Sequence[float]) -> None:
    """Fixed layout with the grid in the fitted widths: Word and LibreOffice otherwise re-balance the
    columns to equal widths."""
    properties = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.append(layout)
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)


def _page_number_field(paragraph) -> None:
    def add(text=None, field=None):
        run = paragraph.add_run(text or "")
        _fonts(run, SONGTI, Pt(14))
        if field is not None:
            for kind, instruction in (("begin", None), (None, field), ("end", None)):
                if kind:
                    element = OxmlElement("w:fldChar")
                    element.set(qn("w:fldCharType"), kind)
                else:
                    element = OxmlElement("w:instrText")
                    element.set(qn("xml:space"), "preserve")
                    element.text = instruction
                run._r.append(element)

    add("— ")
    add(field=" PAGE ")
    add(" —")


class OfficialDocument:
    def __init__(self, title: str, *, issuer_mark: str = "", document_number: str = ""):
        self.document = Document()
        self._page_setup()
        self._styles()
        if issuer_mark:
            self._red_head(issuer_mark, document_number)
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _spacing(paragraph.paragraph_format, Pt(35))
        paragraph.paragraph_format.space_after = LINE
        _fonts(paragraph.add_run(title), TITLE_FONT, Pt(22))
        self._declare_alternates()

    def _page_setup(self) -> None:
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28) - Mm(7)  # the number sits 7 mm below the text block
        self.document.settings.odd_and_even_pages_header_footer = True
        for footer, alignment, indent in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
        ):
            paragraph = footer.paragraphs[0]
            paragraph.alignment = alignment
            setattr(paragraph.paragraph_format, f"{indent}_indent", Pt(14))
            _page_number_field(paragraph)

    def _styles(self) -> None:
        styles = self.document.styles
        normal = styles["Normal"]
        _fonts(normal, BODY_FONT, Pt(16))
        _spacing(normal.paragraph_format)
        for name, face in (("Heading 1", HEITI), ("Heading 2", KAITI)):
            style = styles[name]
            _fonts(style, face, Pt(16))
            _spacing(style.paragraph_format, indent_chars=2)
            style.paragraph_format.keep_with_next = True

    def _red_head(self, issuer_mark: str, document_number: str) -> None:
        mark = self.document.add_paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _spacing(mark.paragraph_format, Pt(60))
        _fonts(mark.add_run(issuer_mark), TITLE_FONT, Pt(36), color=RED)
        number = self.document.add_paragraph()
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        number.paragraph_format.space_before = LINE
        _fonts(number.add_run(document_number), BODY_FONT, Pt(16))
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("val", "single"), ("sz", "12"), ("space", "4"), ("color", "E60012")):
            bottom.set(qn(f"w:{key}"), value)
        borders.append(bottom)
        number._p.get_or_add_pPr().append(borders)
        spacer = self.document.add_paragraph()
        _spacing(spacer.paragraph_format)

    def _declare_alternates(self) -> None:
        """Name each font's alternate in the document's font table (w:altName)."""
        font_table = next(rel.target_part for rel in self.document.part.rels.values() if rel.reltype.endswith("/fontTable"))
        root = etree.fromstring(font_table.blob)
        for name, alternate in ALTERNATES.items():
            font = etree.SubElement(root, qn("w:font"))
            font.set(qn("w:name"), name)
            alt = etree.SubElement(font, qn("w:altName"))
            alt.set(qn("w:val"), alternate)
            charset = etree.SubElement(font, qn("w:charset"))
            charset.set(qn("w:val"), "86")
        font_table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def heading(self, text: str, level: int = 1) -> None:
        self.document.add_heading(text, level=level)

    def paragraph(self, text: str, indent: bool = True) -> None:
        paragraph = self.document.add_paragraph(text)
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(32)

    def note(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(32)
        _fonts(paragraph.add_run(text), KAITI, Pt(14))

    def picture(self, image: io.BytesIO, width_mm: float = 150) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        paragraph.add_run().add_picture(image, width=Mm(width_mm))

    def table(self, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
        """A table whose columns fit their content: figures (numbers, `Figure`s, dates, codes) right- or
        left-aligned on one line, text columns sharing the rest; the header row repeats on every page."""
        rows = [list(row) for row in rows]
        size = table_size(headers, rows)
        widths = fitted_widths(headers, rows, size=size)
        table = self.document.add_table(rows=1 + len(rows), cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _fixed_layout(table, widths)
        for r, values in enumerate([list(headers)] + rows):
            for c, value in enumerate(values):
                cell = table.rows[r].cells[c]
                cell.width = Mm(widths[c])
                paragraph = cell.paragraphs[0]
                _spacing(paragraph.paragraph_format, Pt(size.pt * 1.5))
                text = str(value) if r == 0 else _text(value)
                numeric = r > 0 and value not in (None, "") and _is_number(value)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric else (
                    WD_ALIGN_PARAGRAPH.CENTER if r == 0 else WD_ALIGN_PARAGRAPH.LEFT)
                _fonts(paragraph.add_run(text), HEITI if r == 0 else BODY_FONT, size)
                if r > 0 and _unbreakable(value):
                    _no_wrap(cell)
        header_row = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        header_row.append(repeat)
        spacer = self.document.add_paragraph()
        _spacing(spacer.paragraph_format, Pt(12))

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
