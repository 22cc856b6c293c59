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

import io
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

BODY_FONT, TITLE_FONT, HEITI, KAITI, SONGTI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
# Alternates a word processor may use when the standard's font is not installed.
ALTERNATES = {
    BODY_FONT: "FangSong", TITLE_FONT: "Noto Serif CJK SC", HEITI: "SimHei", KAITI: "KaiTi", SONGTI: "SimSun",
}
RED = RGBColor(0xE6, 0x00, 0x12)
TEXT_WIDTH_MM = 156
LINE = Pt(29)
TABLE_SIZE = Pt(12)  # 小四 in tables, so that a task table fits the 156 mm text width


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


def _spacing(paragraph_format, exact: Pt = LINE, indent_chars: int = 0, size: Pt = Pt(16)) -> None:
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = exact
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)
    paragraph_format.first_line_indent = Pt(size.pt * indent_chars) if indent_chars else None


def display_width(text: str) -> float:
    """Width in CJK characters: a full-width character counts 1, a half-width one ½."""
    return sum(1 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def fitted_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], total_mm: float = TEXT_WIDTH_MM) -> list[float]:
    """Column widths (mm) from the content: each column asks for its longest cell (capped, so one long text
    column wraps instead of squeezing the others), the total is scaled to the text width."""
    char_mm = TABLE_SIZE.pt * 0.3528  # one full-width character of the table font, in mm
    wanted = []
    for index, header in enumerate(headers):
        longest = max([display_width(header)] + [display_width(str(row[index])) for row in rows] or [1])
        wanted.append(min(max(longest, 2), 18) * char_mm + 2.5)
    scale = total_mm / sum(wanted)
    return [w * scale for w in wanted]


def _is_number(value) -> bool:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
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
        rows = [["" if v is None else str(v) for v in row] for row in rows]
        widths = fitted_widths(headers, rows)
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        raw = [list(headers)] + rows
        for values in raw[1:]:
            table.add_row()
        for r, values in enumerate(raw):
            for c, value in enumerate(values):
                cell = table.rows[r].cells[c]
                cell.width = Mm(widths[c])
                paragraph = cell.paragraphs[0]
                _spacing(paragraph.paragraph_format, Pt(18))
                numeric = r > 0 and _is_number(value)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric else (
                    WD_ALIGN_PARAGRAPH.CENTER if r == 0 else WD_ALIGN_PARAGRAPH.LEFT)
                _fonts(paragraph.add_run(value), HEITI if r == 0 else BODY_FONT, TABLE_SIZE)
                if numeric or r == 0 and display_width(value) <= 6:
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
