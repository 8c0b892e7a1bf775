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
from hotline.times import parse_time

AS_OF = parse_time("2026-11-27 18:00")
PERCENT = re.compile(r"\d+\.\d\d%")
TEXT_BLOCK_PT = 156 / 25.4 * 72


@pytest.fixture(scope="module")
def printed(demo, tmp_path_factory):
    """November's report and the register of the unit with the most dispatches, as .docx/.xlsx and as PDF."""
    work = tmp_path_factory.mktemp("print")
    model = compute(load(demo.root), AS_OF, [], [], None, {})
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
    unit_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "单位")
    names = [r.cells[0].text for r in unit_table.rows[1:]]
    assert len(names) >= 40  # the units with dispatches that month
    rows_text = ["".join(w.text for w in row) for p in pages for row in p.rows()]
    broken = [n for n in names if not any(n in t for t in rows_text)]
    assert not broken, f"unit names wrapped inside their cell: {broken}"
    # every percentage of the document appears whole in the PDF
    in_doc = sum(len(PERCENT.findall(c.text)) for t in doc.tables for r in t.rows for c in r.cells)
    in_doc += sum(len(PERCENT.findall(p.text)) for p in doc.paragraphs)
    in_pdf = sum(len(PERCENT.findall(w.text)) for p in pages for w in p.words)
    assert in_doc >= len(names) * 5 and in_pdf == in_doc
    # the per-unit table sits on landscape pages, its header repeated; the body pages are portrait
    table_pages = [p for p in pages if any("".join(w.text for w in row).startswith("单位转办") for row in p.rows())]
    assert len(table_pages) >= 2 and all(p.landscape for p in table_pages)
    assert not pages[0].landscape and not pages[-1].landscape
    # the columns are sized from their content: the name column is narrower than the rate columns together
    head = next(row for row in table_pages[0].rows() if "".join(w.text for w in row).startswith("单位转办"))
    assert head[-1].x1 - head[0].x0 < table_pages[0].width


def test_register_prints_one_page_wide_with_the_ids_on_every_page(printed):
    _, _, reg, _, xlsx, _, pages = printed
    assert len(reg.rows) >= 40
    assert len(pages) <= len(reg.rows) // 10 + 1
    ids = {r.order_id for r in reg.rows}
    seen = set()
    for p in pages:
        assert p.landscape and round(p.width) == 842  # A4 landscape
        row_texts = ["".join(w.text for w in row) for row in p.rows()]
        header = next(t for t in row_texts if t.startswith("序号工单编号"))
        assert header.endswith("是否重办备注"), header  # all 15 columns on every page
        seen |= {w.text for w in p.words} & ids
    assert seen == ids
    ws = openpyxl.load_workbook(xlsx).active
    # fit to page switched on: one page wide (an absent fitToWidth is 1, ECMA-376's default), as many tall as needed
    setup = ws.page_setup
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth or 1) == 1 and setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$3" and ws.print_title_cols == "$A:$B"


def test_register_summaries_stay_inside_their_rows(printed):
    """Each row's 诉求内容摘要 is printed whole and in row order, no line over another."""
    _, _, reg, _, _, _, pages = printed
    summaries = {r.order_id: r.summary for r in reg.rows}
    for p in pages:
        head = next(w for w in p.words if w.text == "诉求内容摘要")
        nxt = min((w for w in p.words if abs(w.ymid - head.ymid) < 3 and w.x0 > head.x1), key=lambda w: w.x0)
        prev = max((w for w in p.words if abs(w.ymid - head.ymid) < 3 and w.x1 < head.x0), key=lambda w: w.x1)
        footer = min(w.y0 for w in p.words if w.text == "第")
        words = sorted(
            (w for w in p.words if w.x0 > prev.x1 and w.x1 < nxt.x0 and head.y1 < w.y0 and w.y1 < footer),
            key=lambda b: (b.ymid, b.x0),
        )
        col: list[list] = []
        for w in words:
            if col and abs(col[-1][0].ymid - w.ymid) < 1.0:
                col[-1].append(w)
            else:
                col.append([w])
        for a, b in itertools.pairwise(col):
            assert min(w.y0 for w in b) >= max(w.y1 for w in a) - 0.5, (a[0].text, b[0].text)
        # the column read top to bottom is the page's summaries in row order, nothing clipped or hidden
        ids = [w.text for w in sorted((w for w in p.words if w.text in summaries), key=lambda w: w.ymid)]
        assert ids
        printed_text = "".join(w.text for ln in col for w in ln)
        assert printed_text == "".join(summaries[i] for i in ids).replace(" ", "")
