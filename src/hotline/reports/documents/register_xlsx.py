"""The register table as an ``.xlsx`` workbook (登记表 Excel 文件), for WPS and Excel.

Layout (REPORTS.md): title row with unit and month, a row with the unit's leader and handlers, the
column headers, one row per dispatch, a totals row. Column widths, frozen header, wrapped text, A4
landscape printing one page wide (``fitToPage`` really switched on) with the header rows and the id
columns (序号, 工单编号) repeated on every page, and row heights set from the wrapped text so that a long
诉求内容摘要 never runs into the next row. Times are real date-times shown as ``2026-11-20 10:05``.

Write-only mode writes the sheet's properties when the first row is appended and each row's height when
that row is appended: both are set before.
"""

from __future__ import annotations

import io
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from hotline.records.privacy import mask_text
from hotline.reports.register import COLUMNS, Register
from hotline.util.atomic import write_bytes

WIDTHS = (6, 18, 17, 9, 9, 16, 40, 14, 12, 17, 17, 10, 10, 8, 28)
TIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
FONT = "宋体"
CENTERED = (1, 4, 5, 12, 13, 14)  # columns shown centred (1-based)
TIMES = (3, 10, 11)
DATES = (9,)
BODY_PT = 10
LINE_PT = 13.5  # one line of 10 pt 宋体, as Excel, WPS and LibreOffice lay it out
ROW_PAD_PT = 4

_thin = Side(style="thin", color="808080")
_border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_wrap = Alignment(wrap_text=True, vertical="center")
_center = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _styles(wb: Workbook) -> None:
    """Named styles, registered once per workbook: cells refer to them instead of carrying their own."""
    body = Font(name=FONT, size=10)
    for name, kw in {
        "hl-title": dict(font=Font(name="黑体", size=16, bold=True), alignment=_center),
        "hl-sub": dict(font=Font(name=FONT, size=11), alignment=Alignment(vertical="center")),
        "hl-head": dict(
            font=Font(name=FONT, size=10, bold=True),
            alignment=_center,
            border=_border,
            fill=PatternFill("solid", fgColor="DDEBF7"),
        ),
        "hl-text": dict(font=body, alignment=_wrap, border=_border),
        "hl-center": dict(font=body, alignment=_center, border=_border),
        "hl-time": dict(font=body, alignment=_wrap, border=_border, number_format=TIME_FORMAT),
        "hl-date": dict(font=body, alignment=_wrap, border=_border, number_format=DATE_FORMAT),
        "hl-total": dict(font=Font(name=FONT, size=10, bold=True), alignment=_wrap, border=_border),
    }.items():
        wb.add_named_style(NamedStyle(name, **kw))


def _column_styles() -> list[str]:
    out = []
    for c in range(1, len(COLUMNS) + 1):
        out.append(
            "hl-time" if c in TIMES else "hl-date" if c in DATES else "hl-center" if c in CENTERED else "hl-text"
        )
    return out


def text_width(text: str) -> float:
    """Width in column-width units (the width of a digit): a CJK or full-width character takes about two."""
    return sum(2.0 if ord(ch) > 0x2E7F else 1.1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    """Lines a wrapped cell of ``width`` units needs for ``text`` (greedy, character by character, as CJK wraps)."""
    usable = max(width - 1.5, 2.0)  # cell padding
    lines, used = 1, 0.0
    for ch in text:
        w = text_width(ch)
        if ch == "\n" or used + w > usable:
            lines, used = lines + 1, (0.0 if ch == "\n" else w)
        else:
            used += w
    return lines


def row_height(values: list, widths=WIDTHS) -> float:
    """Points: enough lines for the longest wrapped text in the row."""
    n = max((lines_needed(v, w) for v, w in zip(values, widths) if isinstance(v, str) and v), default=1)
    return n * LINE_PT + ROW_PAD_PT


def _print_setup(ws) -> None:
    """A4 landscape, one page wide, rows 1–3 and columns A–B repeated on every page (set before any row)."""
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:3"
    ws.print_title_cols = "A:B"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def workbook(reg: Register) -> Workbook:
    """The register as a workbook, written in openpyxl's streaming (write-only) mode: fast for long tables."""
    wb = Workbook(write_only=True)
    _styles(wb)
    ws = wb.create_sheet(f"{int(reg.month[5:7])}月登记表")
    n = len(COLUMNS)
    last = get_column_letter(n)
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "C4"
    _print_setup(ws)

    protos: dict[str, WriteOnlyCell] = {}

    def cell(value, style: str) -> WriteOnlyCell:
        """A cell in a named style; the style's index array is copied from a prototype (much faster)."""
        proto = protos.get(style)
        if proto is None:
            proto = protos[style] = WriteOnlyCell(ws)
            proto.style = style
        if isinstance(value, str):
            value = mask_text(value)
        c = WriteOnlyCell(ws, value)
        if isinstance(value, str):
            c.data_type = "s"  # text is text: "=HYPERLINK(…)" in a unit's field never becomes a formula
        c._style = copy(proto._style)
        return c

    ws.row_dimensions[1].height = 30
    ws.append([cell(f"{reg.title}（{reg.period}{'，暂定' if reg.unsettled else ''}）", "hl-title")])
    sub = f"单位：{reg.unit.name}    分管领导：{reg.leader}    承办人员：{reg.handlers}"
    ws.append([cell(f"{sub}    {reg.provisional_note}" if reg.unsettled else sub, "hl-sub")])
    ws.row_dimensions[3].height = 30
    ws.append([cell(h, "hl-head") for h in COLUMNS])
    styles = _column_styles()
    for i, row in enumerate(reg.rows, start=4):
        values = row.cells()
        ws.row_dimensions[i].height = row_height(values)
        ws.append([cell(v, st) for v, st in zip(values, styles)])
    total_row = len(reg.rows) + 4
    ws.row_dimensions[total_row].height = row_height([None, reg.totals_text()], (WIDTHS[0], sum(WIDTHS[1:])))
    ws.append(
        [cell("合计", "hl-total"), cell(reg.totals_text(), "hl-total")] + [cell(None, "hl-total") for _ in range(n - 2)]
    )
    for rng in (f"A1:{last}1", f"A2:{last}2", f"B{total_row}:{last}{total_row}"):
        ws.merged_cells.add(CellRange(rng))

    wb.properties.title = reg.title
    wb.properties.creator = "泽州县12345政务服务热线"
    return wb


def to_bytes(reg: Register) -> bytes:
    buf = io.BytesIO()
    workbook(reg).save(buf)
    return buf.getvalue()


def write(reg: Register, path: Path) -> None:
    write_bytes(path, to_bytes(reg))
