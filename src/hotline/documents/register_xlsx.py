"""The register table as an ``.xlsx`` workbook (登记表 Excel 文件), for WPS and Excel.

Layout (REPORTS.md): title row with unit and month, a row with the unit's leader and handlers, the
column headers, one row per dispatch, a totals row. Column widths, frozen header, wrapped text, A4
landscape printing with the header rows repeated on every page. Times are real date-times shown as
``2026-11-20 10:05``.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..atomic import write_bytes
from ..register import COLUMNS, Register

WIDTHS = (6, 18, 17, 9, 9, 16, 40, 14, 12, 17, 17, 10, 10, 8, 28)
TIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
FONT = "宋体"

_thin = Side(style="thin", color="808080")
_border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_wrap = Alignment(wrap_text=True, vertical="center")
_center = Alignment(horizontal="center", vertical="center", wrap_text=True)


def workbook(reg: Register) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{int(reg.month[5:7])}月登记表"
    n = len(COLUMNS)
    last = get_column_letter(n)

    ws.append([f"{reg.title}（{reg.period}）"])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = _center
    ws.row_dimensions[1].height = 30

    ws.append([f"单位：{reg.unit.name}    分管领导：{reg.leader}    承办人员：{reg.handlers}"])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].font = Font(name=FONT, size=11)
    ws["A2"].alignment = Alignment(vertical="center")

    ws.append(list(COLUMNS))
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[3]:
        cell.font = Font(name=FONT, size=10, bold=True)
        cell.alignment = _center
        cell.border = _border
        cell.fill = header_fill
    ws.row_dimensions[3].height = 30

    body_font = Font(name=FONT, size=10)
    for row in reg.rows:
        ws.append(row.cells())
        r = ws.max_row
        for c, cell in enumerate(ws[r], start=1):
            cell.font = body_font
            cell.border = _border
            cell.alignment = _center if c in (1, 4, 5, 12, 13, 14) else _wrap
        for c in (3, 10, 11):
            ws.cell(r, c).number_format = TIME_FORMAT
        ws.cell(r, 9).number_format = DATE_FORMAT

    ws.append(["合计", reg.totals_text()])
    r = ws.max_row
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=n)
    for cell in ws[r]:
        cell.font = Font(name=FONT, size=10, bold=True)
        cell.border = _border
        cell.alignment = _wrap

    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "C4"
    ws.print_title_rows = "1:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    wb.properties.title = reg.title
    wb.properties.creator = "泽州县12345政务服务热线"
    return wb


def to_bytes(reg: Register) -> bytes:
    buf = io.BytesIO()
    workbook(reg).save(buf)
    return buf.getvalue()


def write(reg: Register, path: Path) -> None:
    write_bytes(path, to_bytes(reg))
