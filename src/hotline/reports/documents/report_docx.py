"""The monthly report as a ``.docx`` (月报 Word 文件), in the proportions of GB/T 9704-2012.

A4; top margin 37 mm, left 28 mm, text block 156 × 225 mm (so right 26 mm, bottom 35 mm); body 3号
(16 pt) 仿宋_GB2312, justified, on a fixed 28.95 pt line (22 lines a page) with 28 characters a line (each
character a quarter point narrower: no document grid, which LibreOffice and WPS render by spreading the
text); the title in 2号 (22 pt) 方正小标宋简体; first-level headings 黑体, second-level 楷体_GB2312; page
numbers 4号 宋体 "— 1 —" at the foot, odd pages right and even pages left. The bulletin head: the red
title, the issue line, the compiling office and date, a red rule. A machine without these fonts
substitutes its own.

Tables are 5号 with columns sized from their content (``table_layout``): names, counts, percentages,
ids and times never wrap; running text takes the rest. A table too wide for the portrait text block is split
into two narrower ones (the first column repeated) when they fit it; else it sits in a landscape section (the
same text block turned), together with its heading.
"""

from __future__ import annotations

import io
from copy import deepcopy
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from hotline.records.privacy import mask_text
from hotline.reports.documents import table_layout
from hotline.reports.monthly_report import Report, Subheading, Table
from hotline.util.atomic import write_bytes

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_NO_FONT = "宋体"
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NO_PT = 14  # 4号
TABLE_PT = 10.5  # 5号
LINE_PT = 28.95  # 225 mm / 22 lines
BODY_SPACING_TWIPS = -6  # character spacing of body text, in twentieths of a point
RED = RGBColor(0xC0, 0x00, 0x00)


def _font(run: Run, name: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if size == BODY_PT:  # 28 characters of 16 pt in 156 mm: each a quarter point narrower
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(BODY_SPACING_TWIPS))
        rpr.append(spacing)


def _para(
    doc: DocxDocument,
    text: str = "",
    font: str = BODY_FONT,
    size: float = BODY_PT,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    bold: bool = False,
    color: RGBColor | None = None,
    exact: bool = True,
) -> Paragraph:
    p = doc.add_paragraph()
    pf = p.paragraph_format
    if exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(LINE_PT)
    pf.space_before = pf.space_after = Pt(0)
    if indent:
        pf.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    elif indent:
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY  # 两端对齐
    if text:
        _font(p.add_run(mask_text(text)), font, size, bold, color)
    return p


def _bottom_rule(paragraph: Paragraph, color: str = "C00000", size_eighths: int = 12) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", str(size_eighths)), ("w:space", "1"), ("w:color", color)):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


def _page_number(paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH) -> None:
    paragraph.alignment = align
    _font(paragraph.add_run("— "), PAGE_NO_FONT, PAGE_NO_PT)
    run = paragraph.add_run()
    _font(run, PAGE_NO_FONT, PAGE_NO_PT)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
    _font(paragraph.add_run(" —"), PAGE_NO_FONT, PAGE_NO_PT)


def _no_grid(section: Section) -> None:
    """No document grid: LibreOffice and WPS spread characters over a character grid and snap table rows to a
    line grid. The 22 lines come from the exact line height, the 28 characters from the run's spacing."""
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)


def _page(section: Section, landscape: bool) -> None:
    """A4 with the GB/T 9704 text block (156 × 225 mm), turned a quarter for a landscape section."""
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
        section.footer_distance = Mm(12)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28) - Mm(7)
    _no_grid(section)


def _rpr(doc: DocxDocument, font: str, size: float) -> Any:
    """A run-properties element with ``font`` and ``size``, to copy into many runs (table cells)."""
    p = doc.add_paragraph()
    run = p.add_run("x")
    _font(run, font, size)
    rpr = deepcopy(run._r.rPr)
    p._p.getparent().remove(p._p)
    return rpr


def _width(el: Any, pt: float) -> None:
    el.set(qn("w:w"), str(round(pt * 20)))
    el.set(qn("w:type"), "dxa")


def _table(doc: DocxDocument, t: Table, widths_pt: list[float]) -> None:
    """A table with content-sized fixed columns and a repeated header row; rows never split across pages.
    Cells are filled at the XML level (fast for long lists)."""
    table = doc.add_table(rows=len(t.rows) + 1, cols=len(t.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    tbl_w = tbl_pr.find(qn("w:tblW"))
    _width(tbl_w, sum(widths_pt))
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_pt):
        col.set(qn("w:w"), str(round(w * 20)))
    head_rpr, body_rpr = _rpr(doc, H1_FONT, TABLE_PT), _rpr(doc, BODY_FONT, TABLE_PT)
    rows = table._tbl.tr_lst
    for tr, values, rpr in zip(rows, [t.headers, *t.rows], [head_rpr] + [body_rpr] * len(t.rows)):
        tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for tc, v, w in zip(tr.tc_lst, values, widths_pt):
            _width(tc.get_or_add_tcPr().get_or_add_tcW(), w)
            r = tc.p_lst[0].add_r()
            r.text = mask_text(v)
            r.insert(0, deepcopy(rpr))
    for tc in rows[0].tc_lst:
        tc.p_lst[0].get_or_add_pPr().jc_val = WD_ALIGN_PARAGRAPH.CENTER
    # repeat the header row on every page
    hdr = OxmlElement("w:tblHeader")
    hdr.set(qn("w:val"), "true")
    rows[0].get_or_add_trPr().append(hdr)
    _para(doc, exact=False)  # a blank line after the table


LEAD_IN_CHARS = 60  # a subheading or a short paragraph before a landscape table goes with it
PORTRAIT_PT = 156 / 25.4 * 72
LANDSCAPE_PT = 225 / 25.4 * 72


def _items(report: Report) -> list[tuple[str, str | Table, bool, list[float] | None]]:
    """The report's blocks in order as (kind, content, landscape, table widths): a table too wide for the
    portrait text block sits in a landscape section together with its short lead-in (heading, caption)."""
    items: list[tuple[str, str | Table, bool, list[float] | None]] = []
    for section in report.sections:
        items.append(("h1", section.title, False, None))
        for block in section.blocks:
            if isinstance(block, Table):
                lay = table_layout.layout(block.headers, block.rows, TABLE_PT, PORTRAIT_PT, LANDSCAPE_PT)
                halves = _split(block) if lay.landscape else None
                if halves:  # two portrait tables rather than a landscape page (and the near-blank page before it)
                    items.extend(("table", half, False, widths) for half, widths in halves)
                    continue
                items.append(("table", block, lay.landscape, lay.widths_pt))
                if lay.landscape:
                    i = len(items) - 2
                    while (
                        i >= 0
                        and items[i][0] != "table"
                        and not items[i][2]
                        and len(_text_of(items[i])) <= LEAD_IN_CHARS
                    ):
                        items[i] = (items[i][0], items[i][1], True, None)
                        i -= 1
            elif isinstance(block, Subheading):
                items.append(("h2", block.text, False, None))
            else:
                items.append(("p", block.text, False, None))
    return items


def _split(t: Table) -> list[tuple[Table, list[float]]] | None:
    """A table too wide for the portrait text block as two narrower ones, each with the first column (the unit)
    again, when both fit it: the split nearest the middle. None when no split fits."""
    n = len(t.headers)
    for k in sorted(range(2, n), key=lambda k: abs(2 * k - n - 1)):
        halves = []
        for cols in ([0, *range(1, k)], [0, *range(k, n)]):
            part = Table([t.headers[c] for c in cols], [[r[c] for c in cols] for r in t.rows], t.caption)
            lay = table_layout.layout(part.headers, part.rows, TABLE_PT, PORTRAIT_PT, LANDSCAPE_PT)
            if lay.landscape:
                break
            halves.append((part, lay.widths_pt))
        else:
            return halves
    return None


def _text_of(item: tuple[object, ...]) -> str:
    return item[1] if isinstance(item[1], str) else ""


def _head(doc: DocxDocument, report: Report) -> None:
    """The bulletin head: red title, issue line, office and date over a red rule, the report's title."""
    head = _para(doc, report.title, TITLE_FONT, 26, WD_ALIGN_PARAGRAPH.CENTER, color=RED, exact=False)
    head.paragraph_format.space_before = Pt(12)
    head.paragraph_format.space_after = Pt(12)
    _para(doc, report.issue, H2_FONT, BODY_PT, WD_ALIGN_PARAGRAPH.CENTER)
    line = _para(doc)
    line.paragraph_format.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT)
    _font(
        line.add_run(
            f"{report.office}\t{report.compiled_on.year}年{report.compiled_on.month}月{report.compiled_on.day}日"
        ),
        BODY_FONT,
        BODY_PT,
    )
    _bottom_rule(line)
    _para(doc)
    when = report.period_title or f"{report.month[:4]}年{int(report.month[5:7])}月"
    title = _para(doc, report.title, TITLE_FONT, TITLE_PT, WD_ALIGN_PARAGRAPH.CENTER)
    title.runs[0].add_break()  # the period on a line of its own: the whole does not fit one line of 2号
    _font(title.add_run(f"（{when}{'，暂定' if report.tentative else ''}）"), TITLE_FONT, TITLE_PT)
    _para(doc)
    if report.unsettled:
        _para(doc, report.provisional_note, H2_FONT, BODY_PT, indent=True)
    if report.provisional:
        _para(
            doc,
            "注：本期部分办理期限涉及尚无法定节假日数据的年份，仅按周末推算，仅供参考。",
            H2_FONT,
            BODY_PT,
            indent=True,
        )


def document(report: Report) -> DocxDocument:
    doc = Document()
    sec = doc.sections[0]
    _page(sec, landscape=False)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(sec.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(sec.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)

    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    doc.core_properties.title = f"{report.title}（{report.issue}）"
    doc.core_properties.author = report.office
    _head(doc, report)

    landscape = False
    for kind, content, wide, widths in _items(report):
        if wide != landscape:
            landscape = wide
            _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape)
        if isinstance(content, Table):  # kind "table"
            assert widths is not None  # _items gives every table its column widths
            _table(doc, content, widths)
        elif kind in ("h1", "h2"):  # a heading stays with what follows it (never alone at a page's foot)
            _para(
                doc, content, H1_FONT if kind == "h1" else H2_FONT, BODY_PT, indent=True
            ).paragraph_format.keep_with_next = True
        else:
            _para(doc, content, indent=True)
    return doc


def to_bytes(report: Report) -> bytes:
    buf = io.BytesIO()
    document(report).save(buf)
    return buf.getvalue()


def write(report: Report, path: Path) -> None:
    write_bytes(path, to_bytes(report))
