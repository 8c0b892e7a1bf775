"""Print quality (README 内部网站; print quality): the demo repository's monthly report and its busiest register,
rendered with LibreOffice headless to PDF and read back as a clerk would see them printed."""

from __future__ import annotations

import itertools
import re

import openpyxl
import pytest
from docx import Document
from pdf_read import read, to_pdf

from hotline.load import load
from hotline.reports.documents import register_xlsx, report_docx
from hotline.reports.publication import compute
from hotline.reports.register import COLUMNS
from hotline.times import parse_time

AS_OF = parse_time("2026-11-27 18:00")
PERCENT = re.compile(r"\d+\.\d\d%")
TEXT_BLOCK_PT = 156 / 25.4 * 72


@pytest.fixture(scope="module")
def printed(demo, tmp_path_factory):
    """November's report and the register of the unit with the most dispatches, as .docx/.xlsx and as PDF."""
    work = tmp_path_factory.mktemp("print")
    model = compute(load(demo.root), AS_OF)
    report = model.reports["2026-11"]
    reg = max((r for (_, m), r in model.registers.items() if m == "2026-11"), key=lambda r: len(r.rows))
    docx, xlsx = work / "report.docx", work / "register.xlsx"
    report_docx.write(report, docx)
    register_xlsx.write(reg, xlsx)
    report_pdf, register_pdf = to_pdf([docx, xlsx], work)
    return model, report, reg, docx, xlsx, read(report_pdf), read(register_pdf)


def test_report_fits_in_about_ten_pages_with_body_at_28_characters(printed):
    model, _report, _, _, _, pages, _ = printed
    assert len(model.handling_units) == 44
    assert 6 <= len(pages) <= 12, len(pages)
    first = pages[0]
    assert not first.landscape
    # the body paragraphs: 28 characters of 16 pt on the 156 mm line (a character grid spread them to 13):
    # measured as the advance of the CJK characters in runs of at least four of them (natural: the narrowest)
    start = next(i for i, ln in enumerate(first.lines) if ln.text.replace(" ", "").startswith("2026年11月，"))
    body = [ln for ln in first.lines[start : start + 12] if ln.x1 - ln.x0 > 300]
    assert len(body) >= 6
    pitches = [
        (w.x1 - w.x0) / len(w.text)
        for ln in body
        for w in p_words(first, ln)
        if len(w.text) >= 4 and all(ord(ch) > 0x2E7F for ch in w.text)
    ]
    per_line = sorted(TEXT_BLOCK_PT / pt for pt in pitches)
    # the natural advance (an unstretched line: justification only widens) gives 28 a line; none is spread
    assert len(per_line) >= 5 and 27.5 <= per_line[-1] <= 29.0 and per_line[0] >= 24, per_line
    # lines are justified: most fill the text block (the others end a paragraph)
    filled = [ln for ln in body if ln.x1 - ln.x0 > TEXT_BLOCK_PT * 0.97]
    assert len(filled) >= len(body) * 0.6, [(ln.text, ln.x1 - ln.x0) for ln in body]


def p_words(page, line):
    return [w for w in page.words if line.x0 - 0.5 <= w.x0 and w.x1 <= line.x1 + 0.5 and abs(w.ymid - line.ymid) < 1]


def test_report_tables_keep_unit_names_and_percentages_whole(printed):
    _model, _report, _, docx, _, pages, _ = printed
    doc = Document(str(docx))
    unit_tables = [t for t in doc.tables if t.rows[0].cells[0].text == "单位" and len(t.rows) > 40]
    names = [r.cells[0].text for r in unit_tables[0].rows[1:]]
    assert len(names) >= 40  # the units with dispatches that month
    rows_text = ["".join(w.text for w in row) for p in pages for row in p.rows()]
    broken = [n for n in names if not any(n in t for t in rows_text)]
    assert not broken, f"unit names wrapped inside their cell: {broken}"
    # every percentage of the document appears whole in the PDF
    in_doc = sum(len(PERCENT.findall(c.text)) for t in doc.tables for r in t.rows for c in r.cells)
    in_doc += sum(len(PERCENT.findall(p.text)) for p in doc.paragraphs)
    in_pdf = sum(len(PERCENT.findall(w.text)) for p in pages for w in p.words)
    assert in_doc >= len(names) * 5 and in_pdf == in_doc
    # the per-unit figures: two narrower tables on the portrait pages (the unit repeated), every rate in one
    # of them; no landscape section (whose page break left page 2 nearly blank)
    assert [t.rows[0].cells[0].text for t in unit_tables[:2]] == ["单位", "单位"]
    heads = [c.text for t in unit_tables[:2] for c in t.rows[0].cells[1:]]
    assert {"及时接收率", "按时办结率", "逾期率", "回访满意率", "投诉举报率"} <= set(heads)
    assert not any(p.landscape for p in pages)


def test_report_has_no_blank_page_and_sums_up_the_problems_per_unit(printed):
    """Issue 21, point 12: the report listed all overdue dispatches (7 of 16 pages) and page 2 was nearly
    blank before a landscape section. Now 存在问题 gives each unit's count and worst cases; every page but
    the last is filled down to the foot of the text block."""
    model, _report, _, docx, _, pages, _ = printed
    ms = model.stats["2026-11"]
    units_late = {s.unit for s in ms.overdue}
    per_unit = [sum(s.unit == u for s in ms.overdue) for u in units_late]
    assert len(ms.overdue) > len(units_late) and max(per_unit) > 2  # more late dispatches than units
    doc = Document(str(docx))
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:2] == ["单位", "逾期件次"])
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert len(rows) == len(units_late)
    assert sum(int(r[1]) for r in rows) == len(ms.overdue)
    assert [int(r[1]) for r in rows] == sorted((int(r[1]) for r in rows), reverse=True)
    ids = re.findall(r"[A-Z]{2}\d{13}", "".join(c.text for r in table.rows for c in r.cells))
    assert len(ids) == sum(min(n, 2) for n in per_unit) < len(ms.overdue)  # the two worst of each unit
    block_top, block_bottom = 37 / 25.4 * 72, (297 - 35) / 25.4 * 72  # the text block, in points from the top
    for i, p in enumerate(pages[:-1]):
        text = [w for w in p.words if w.y1 < block_bottom + 2]
        assert max(w.y1 for w in text) > block_top + (block_bottom - block_top) * 0.8, f"page {i + 1} is half empty"
    assert len(pages) <= 10


def columns(page, top: float, bottom: float) -> list[list]:
    """The words between ``top`` and ``bottom`` grouped into the table's columns (words whose x-ranges overlap
    are one column), left to right; each column's words top to bottom."""
    words = sorted((w for w in page.words if top <= w.y0 and w.y1 <= bottom), key=lambda w: w.x0)
    cols: list[list] = []
    for w in words:
        if cols and w.x0 < max(x.x1 for x in cols[-1]) - 0.5:
            cols[-1].append(w)
        else:
            cols.append([w])
    return [sorted(c, key=lambda w: (w.ymid, w.x0)) for c in cols]


def table_band(page) -> tuple[float, float, float]:
    """(top of the header row, where the header row ends and the body begins, end of the body) on a printed
    register page. The header's lines (one to three in a cell) and the first row's lines each form one run
    down the page; between them is the widest gap (the cells' padding and border)."""
    head = next(w for w in page.words if w.text == "序号")
    first = min((w for w in page.words if re.fullmatch(r"[A-Z]{2}\d{13}", w.text)), key=lambda w: w.y0)
    footer = min(w.y0 for w in page.words if w.text in ("第", "合计"))  # the page's foot, or the totals row
    top = head.y0 - 20
    spans = sorted((w.y0, w.y1) for w in page.words if top <= w.y0 and w.y1 <= first.y1)
    runs = [list(spans[0])]
    for y0, y1 in spans[1:]:
        if y0 <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], y1)
        else:
            runs.append([y0, y1])
    gaps = [(b[0] - a[1], (a[1] + b[0]) / 2) for a, b in itertools.pairwise(runs)]
    return top, max(gaps)[1], footer


def test_register_prints_one_page_wide_with_the_ids_on_every_page(printed):
    _, _, reg, _, xlsx, _, pages = printed
    assert len(reg.rows) >= 40
    assert len(pages) <= len(reg.rows) // 8 + 1
    ids = {r.order_id for r in reg.rows}
    seen = set()
    for p in pages:
        assert p.landscape and round(p.width) == 842  # A4 landscape
        top, body, _ = table_band(p)
        # all 15 columns on every page, in order (a header may wrap onto two or three lines in its cell)
        assert ["".join(w.text for w in c) for c in columns(p, top, body)] == list(COLUMNS)
        seen |= {w.text for w in p.words} & ids
    assert seen == ids
    ws = openpyxl.load_workbook(xlsx).active
    # fit to page switched on: one page wide (an absent fitToWidth is 1, ECMA-376's default), as many tall as needed
    setup = ws.page_setup
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth or 1) == 1 and setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$3" and ws.print_title_cols == "$A:$B"


def test_register_prints_at_nine_points_or_more(printed):
    """Issue 21, point 11: 15 columns fitted to A4 landscape shrank the type to 5–6 pt. The size is measured as
    the advance of CJK characters (a CJK glyph is one em wide) in every word of three or more of them."""
    _, _, reg, _, _, _, pages = printed
    sizes = [
        (w.x1 - w.x0) / len(w.text)
        for p in pages
        for w in p.words
        if len(w.text) >= 3 and all(ord(ch) > 0x2E7F for ch in w.text)
    ]
    assert len(sizes) > 100
    assert min(sizes) >= 9.0, sorted(sizes)[:5]
    # the title names the month once; no 暂定 for a month whose dispatches are all settled
    title = "".join(w.text for w in sorted(pages[0].rows()[0], key=lambda w: w.x0))
    assert title == f"{reg.unit.name}12345政务服务热线情况2026年11月登记表" + ("" if reg.final else "（暂定）"), title


def test_register_summaries_stay_inside_their_rows(printed):
    """Each row's 诉求内容摘要 is printed whole and in row order, no line over another."""
    _, _, reg, _, _, _, pages = printed
    summaries = {r.order_id: r.summary for r in reg.rows}
    for p in pages:
        top, body, footer = table_band(p)
        col = next(c for c in columns(p, top, footer) if "诉求内容摘要" in "".join(w.text for w in c))
        words = [w for w in col if w.y0 >= body]
        lines: list[list] = []
        for w in words:
            if lines and abs(lines[-1][0].ymid - w.ymid) < 1.0:
                lines[-1].append(w)
            else:
                lines.append([w])
        for a, b in itertools.pairwise(lines):
            assert min(w.y0 for w in b) >= max(w.y1 for w in a) - 0.5, (a[0].text, b[0].text)
        # the column read top to bottom is the page's summaries in row order, nothing clipped or hidden
        ids = [w.text for w in sorted((w for w in p.words if w.text in summaries), key=lambda w: w.ymid)]
        assert ids
        printed_text = "".join(w.text for ln in lines for w in sorted(ln, key=lambda w: w.x0))
        assert printed_text == "".join(summaries[i] for i in ids).replace(" ", "")
