"""The monthly documents as files: the register table (.xlsx) and the monthly report (.docx), opened back."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date, datetime

import openpyxl
from docx import Document
from docx.shared import Mm, Pt

from hotline.load import load
from hotline.reports.documents import register_xlsx, report_docx
from hotline.reports.publication import compute
from hotline.reports.register import COLUMNS
from hotline.times import parse_time

AS_OF = parse_time("2026-12-10 12:00")

A = """
id: JC2026111600001
title: 金村镇幸福小区供暖温度不达标
category: 投诉
received_at: 2026-11-16 09:00
citizen: {name: 张**, phone: 138****1234}
content: 诉求人反映供暖以来室内温度低于18摄氏度。
events:
  - {at: 2026-11-16 09:30, type: 派单, unit: jincun, role: 主办, by: 县热线办}
  - {at: 2026-11-16 10:00, type: 接收, unit: jincun, by: 王丽, office: 社会事务办}
  - {at: 2026-11-16 11:00, type: 联系, unit: jincun, by: 王丽}
  - {at: 2026-11-20 16:00, type: 答复, unit: jincun, by: 王丽, text: 室温已恢复。}
  - {at: 2026-11-21 10:00, type: 回访, result: 满意, by: 县热线办}
"""
B = """
id: JC2026111700002
title: 金村镇道路破损
category: 求助
received_at: 2026-11-17 18:00
content: 诉求人反映村口道路破损。
events:
  - {at: 2026-11-17 18:10, type: 派单, unit: jincun, role: 主办, by: 县热线办}
  - {at: 2026-11-19 09:00, type: 接收, unit: jincun, by: 王丽}
  - {at: 2026-11-19 10:00, type: 联系, unit: jincun, by: 王丽}
  - {at: 2026-12-01 10:00, type: 答复, unit: jincun, by: 王丽, text: 已修补。}
"""
C = """
id: JC2026112000003
title: 咨询医保缴费
category: 咨询
received_at: 2026-11-20 09:00
content: 诉求人咨询医保缴费。
events:
  - {at: 2026-11-20 09:10, type: 派单, unit: yibao, role: 主办, by: 县热线办}
  - {at: 2026-11-20 09:10, type: 派单, unit: jincun, role: 会办, by: 县热线办}
  - {at: 2026-11-20 09:30, type: 接收, unit: yibao, by: 赵敏}
  - {at: 2026-11-20 10:00, type: 接收, unit: jincun, by: 王丽}
"""


def model_of(records):
    records.order("JC2026111600001", A)
    records.order("JC2026111700002", B)
    records.order("JC2026112000003", C)
    records.write("reports/2026-11.md", "加强供暖季督办。\n")
    repo = load(records.root)
    return repo, compute(repo, AS_OF, advice={"2026-11": "加强供暖季督办。\n"})


def test_register_xlsx_rows_match_the_records(records):
    _repo, model = model_of(records)
    reg = model.registers[("jincun", "2026-11")]
    wb = openpyxl.load_workbook(io.BytesIO(register_xlsx.to_bytes(reg)))
    ws = wb.active
    assert ws["A1"].value == "金村镇12345政务服务热线情况2026年11月登记表"  # the month named once
    assert "分管领导：未明确" in ws["A2"].value
    assert [c.value for c in ws[3]] == list(COLUMNS)
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4, max_row=ws.max_row - 1)]
    assert [r[1] for r in rows] == ["JC2026111600001", "JC2026111700002", "JC2026112000003"]
    first, late, assist = rows
    assert first[2] == datetime(2026, 11, 16, 9, 30) and first[3] == "投诉" and first[4] == "主办"
    assert first[5] == "张**\n138****1234" and first[7] == "社会事务办"
    assert first[8] == datetime(2026, 11, 30)  # 10 working days after 11-16
    assert first[9] == datetime(2026, 11, 16, 10, 0) and first[10] == datetime(2026, 11, 20, 16, 0)
    assert first[11:14] == ["是", "满意", "否"]
    # dispatched after 17:30: may be accepted next working day (11-18) — accepted 11-19, too late
    assert late[8] == datetime(2026, 11, 26) and late[11] == "否" and "未及时接收" in late[14]
    assert assist[4] == "会办" and assist[8] == datetime(2026, 11, 25) and assist[11] == "否" and assist[10] is None
    totals = [c.value for c in ws[ws.max_row]]
    assert (
        totals[0] == "合计" and "工单 3 件" in totals[1] and "按时办结 1 件" in totals[1] and "逾期 2 件" in totals[1]
    )
    assert ws.freeze_panes == "C4"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.print_title_rows == "$1:$3"
    assert ws.column_dimensions["G"].width == 22
    assert ws.cell(4, 7).alignment.wrap_text
    assert ws.cell(4, 3).number_format == "mm-dd hh:mm"  # real date-times, shown without the year


def _text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_report_docx_layout_and_figures(records):
    _repo, model = model_of(records)
    data = report_docx.to_bytes(model.reports["2026-11"])
    doc = Document(io.BytesIO(data))
    sec = doc.sections[0]

    def mm(length) -> float:
        return round(length / Mm(1), 1)  # Word stores twips: compare to a tenth of a millimetre

    assert (mm(sec.page_width), mm(sec.page_height)) == (210, 297)
    assert mm(sec.top_margin) == 37 and mm(sec.left_margin) == 28
    assert mm(sec.page_width - sec.left_margin - sec.right_margin) == 156
    assert mm(sec.page_height - sec.top_margin - sec.bottom_margin) == 225
    paras = [p for p in doc.paragraphs if p.text]
    assert paras[0].text == "泽州县12345政务服务热线月报"
    assert paras[0].runs[0].font.color.rgb is not None
    assert paras[1].text == "2026年第11期"
    assert paras[2].text.startswith("县政府办公室政务服务热线管理机构\t2026年12月10日")
    title = next(p for p in paras if p.text == "泽州县12345政务服务热线月报\n（2026年11月）")
    assert title.runs[0].font.size == Pt(22) and title.runs[0].font.name == "方正小标宋简体"
    h1 = next(p for p in paras if p.text == "一、总体情况")
    assert h1.runs[0].font.name == "黑体"
    body = next(p for p in paras if p.text.startswith("2026年11月，全县"))
    assert body.runs[0].font.name == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.line_spacing == Pt(28.95)
    assert "共受理工单 3 件" in body.text and "咨询 1 件，建议 0 件，求助 1 件，投诉 1 件，举报 0 件" in body.text
    h2 = next(p for p in paras if p.text == "（一）各单位办理情况")
    assert h2.runs[0].font.name == "楷体_GB2312"
    text = _text(doc)
    # per-unit table: jincun has 3 dispatches: 1 on time, 1 replied late, 1 past due; 2 of 3 accepted in time.
    # Too wide for the portrait page, it is printed as two tables, the unit's name in both
    assert "金村镇 | 3 | 66.67% | 33.33% | 66.67%\n" in text and "金村镇 | 33.33% | 33.33% | 0 | 0 | 0" in text
    assert "县医保局 | 1 | 100.00% | 0.00% | 100.00%\n" in text and "县医保局 | 0.00% | 0.00% | 0 | 0 | 0" in text
    assert "五、下步工作建议" in text and "加强供暖季督办。" in text
    # 存在问题, per unit: late dispatches, still open, the worst cases (12-10: B replied 5 days late, C is 15 late)
    assert "金村镇 | 2 | 1 | JC2026112000003 逾期 15 天；JC2026111700002 逾期 5 天" in text
    footer = sec.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "—" in sec.footer.paragraphs[0].text
    assert doc.settings.odd_and_even_pages_header_footer


def test_report_without_advice_has_four_sections(records):
    records.order("JC2026111600001", A)
    repo = load(records.root)
    model = compute(repo, AS_OF)
    titles = [s.title for s in model.reports["2026-11"].sections]
    assert titles == ["一、总体情况", "二、办理情况", "三、热点问题分析", "四、存在问题"]
    assert model.reports["2026-11"].compiled_on == date(2026, 12, 10)


HOSTILE = """
id: JC2026112100004
title: '=HYPERLINK("http://e.x/","看")'
category: 咨询
received_at: 2026-11-21 09:00
content: "+cmd|' /C calc'!A0 -2+3 诉求人咨询事项。"
events:
  - {at: 2026-11-21 09:10, type: 派单, unit: jincun, role: 主办, by: 县热线办}
  - {at: 2026-11-21 09:30, type: 接收, unit: jincun, by: 王丽, office: "@SUM(A1:A9)"}
"""


def test_register_xlsx_text_is_never_a_formula(records):
    """A unit's text that looks like a formula (=, +, -, @) is written as a string cell, and every cell of the
    sheet is a string, a number (序号, the date-times) or empty: nothing is left for a spreadsheet to guess."""
    records.order("JC2026111600001", A)
    records.order("JC2026112100004", HOSTILE)
    model = compute(load(records.root), AS_OF)
    data = register_xlsx.to_bytes(model.registers[("jincun", "2026-11")])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    hostile = ws[5]
    assert hostile[1].value == "JC2026112100004"
    summary = hostile[6].value
    assert summary.startswith('=HYPERLINK("http://e.x/","看")：+cmd|')
    assert hostile[7].value == "@SUM(A1:A9)"
    assert hostile[6].data_type == "s" and hostile[7].data_type == "s"
    dates = {*register_xlsx.TIMES, *register_xlsx.DATES}  # 1-based columns
    for row in ws.iter_rows():
        for c in row:
            body = 4 <= c.row < ws.max_row
            kind = "n" if body and c.column == 1 else "d" if body and c.column in dates else "s"
            assert c.value is None or c.data_type == kind, c.coordinate


def test_register_xlsx_styles_print_setup_and_row_heights(records):
    """What the module docstring promises beyond the values: fonts, fill and borders, merged title rows, print
    titles, one page wide, and each row as tall as its wrapped text."""
    long = "诉求人反映" + "小区供暖温度长期不达标，" * 6
    records.order("JC2026111600001", A)
    records.order("JC2026112000003", C.replace("诉求人咨询医保缴费。", long))
    model = compute(load(records.root), AS_OF)
    reg = model.registers[("jincun", "2026-11")]
    ws = openpyxl.load_workbook(io.BytesIO(register_xlsx.to_bytes(reg))).active
    title, head, body, total = ws["A1"], ws["G3"], ws["G4"], ws.cell(ws.max_row, 2)
    assert (title.font.name, title.font.sz, title.font.b) == ("黑体", 16, True)
    assert title.alignment.horizontal == "center" and title.alignment.wrap_text
    assert (head.font.name, head.font.sz, head.font.b) == ("宋体", 10, True)
    assert head.fill.fill_type == "solid" and head.fill.fgColor.rgb.endswith("DDEBF7")
    assert (body.font.name, body.font.sz, body.font.b) == ("宋体", 10, False)
    for c in (head, body, ws["K5"], ws.cell(ws.max_row, 1), total):  # K5: an empty reply time
        assert c.border.left.style == c.border.bottom.style == "thin", c.coordinate
    assert ws["A4"].alignment.horizontal == "center" and body.alignment.wrap_text
    assert ws["I4"].number_format == "mm-dd" and ws["J4"].number_format == "mm-dd hh:mm"
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:O1", "A2:O2", f"B{ws.max_row}:O{ws.max_row}"}
    assert ws.print_title_rows == "$1:$3" and ws.print_title_cols == "$A:$B"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert [ws.column_dimensions[c].width for c in "ABG"] == [3.5, 14, 22]
    # the long summary (row 5, column G) wraps over several lines: its row is that many lines tall
    assert ws["B5"].value == "JC2026112000003" and ws["K5"].value is None
    lines = register_xlsx.lines_needed(ws["G5"].value, 22)
    assert lines >= 3 and ws.row_dimensions[5].height >= lines * register_xlsx.LINE_PT
    assert ws.row_dimensions[4].height >= register_xlsx.lines_needed(ws["G4"].value, 22) * register_xlsx.LINE_PT


def test_register_xlsx_is_the_same_file_every_time(records):
    """No clock in the file: fixed archive times, and the document's creation time is the latest time the
    register records (B replied 12-01 10:00 Beijing time), so the site can reuse it by content."""
    _repo, model = model_of(records)
    reg = model.registers[("jincun", "2026-11")]
    data = register_xlsx.to_bytes(reg)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert ">2026-12-01T02:00:00Z</dcterms:created>" in core and "泽州县12345政务服务热线" in core
    time.sleep(1.05)  # a writer that stamps the clock (to the second) would now differ
    assert register_xlsx.to_bytes(reg) == data
