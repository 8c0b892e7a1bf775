"""The register table as an ``.xlsx`` workbook (登记表 Excel 文件), for WPS and Excel.

Layout (README 内部网站, 登记表): title row with unit and month, a row with the unit's leader and handlers, the
column headers, one row per dispatch, a totals row. Column widths, frozen header, wrapped text, A4
landscape printing one page wide (``fitToPage`` really switched on, as tall as needed) with the header
rows and the id columns (序号, 工单编号) repeated on every page, and row heights set from the wrapped text so
that a long 诉求内容摘要 never runs into the next row. Times are real date-times shown as ``2026-11-20 10:05``.

Written with XlsxWriter (several times faster than openpyxl, which stays for reading workbooks). Every
text is written with ``write_string``: a unit's ``=HYPERLINK(…)``, ``+cmd`` or ``@SUM`` stays text, never a
formula. The same register gives the same bytes: XlsxWriter fixes the archive's timestamps, and the
document's creation time is the latest time the register records (not the clock).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from hotline.records.privacy import mask_text
from hotline.reports.register import COLUMNS, Register
from hotline.times import BEIJING
from hotline.util.atomic import write_bytes

# Column widths (Excel's units, the width of a digit of the default font), set so that the 15 columns print
# one page wide on A4 landscape at ≥ 9 pt: LibreOffice lays a unit out as ~7 pt, and the 799 pt between the
# margins then take 122.5 units at a scale of about 0.92 (the 10 pt body prints at about 9.2 pt). Short headers wrap onto
# two lines, times go without the year (the title names the month), the summary is cut to three lines
# (``register.SUMMARY_CHARS``), the citizen's name and phone take a line each.
WIDTHS = (3.5, 14, 9.5, 3.5, 3.5, 10.5, 22, 7, 5.5, 9.5, 9.5, 5.5, 4, 4, 11)
CJK_UNITS = 1.45  # a 10 pt CJK character, in column units (as LibreOffice, WPS and Excel lay it out)
LATIN_UNITS = 0.95  # a digit or letter (DejaVu Sans, LibreOffice's stand-in for 宋体's Latin, is the widest)
CELL_PAD_UNITS = 1.0
TIME_FORMAT = "mm-dd hh:mm"
DATE_FORMAT = "mm-dd"
FONT = "宋体"
CENTERED = (1, 4, 5, 12, 13, 14)  # columns shown centred (1-based)
TIMES = (3, 10, 11)
DATES = (9,)
BODY_PT = 10
LINE_PT = 13.5  # one line of 10 pt 宋体, as Excel, WPS and LibreOffice lay it out
ROW_PAD_PT = 4
PIXEL_PT = 0.75
CREATOR = "泽州县12345政务服务热线"
DIGIT_PX = 7  # Excel's width unit: the width of a digit of the default font, in pixels
# No formula, URL or number is ever guessed from a string (write_string is used anyway: two locks).
OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

_masked = lru_cache(maxsize=16384)(mask_text)  # the same short texts (是, 满意, offices…) recur in every row
_EPOCH, _DAY = datetime(1899, 12, 30), timedelta(days=1)  # Excel's serial date-times (1900 system, after March 1900)
_WIDE = re.compile("[\u2e80-\U0010ffff]")  # CJK and full-width characters: about two digits wide
_BORDER = {"border": 1, "border_color": "#808080"}
_BODY = {"font_name": FONT, "font_size": BODY_PT, "valign": "vcenter", "text_wrap": True, **_BORDER}
_TITLE_FONT = {"font_name": "黑体", "font_size": 16, "bold": True}
STYLES: dict[str, dict] = {
    "title": {**_TITLE_FONT, "align": "center", "valign": "vcenter", "text_wrap": True},
    "sub": {"font_name": FONT, "font_size": BODY_PT, "valign": "vcenter", "text_wrap": True},
    "head": {**_BODY, "bold": True, "align": "center", "pattern": 1, "bg_color": "#DDEBF7"},
    "text": _BODY,
    "center": {**_BODY, "align": "center"},
    "time": {**_BODY, "num_format": TIME_FORMAT},
    "date": {**_BODY, "num_format": DATE_FORMAT},
    "total": {**_BODY, "bold": True},
}


def _column_styles() -> list[str]:
    out = []
    for c in range(1, len(COLUMNS) + 1):
        out.append("time" if c in TIMES else "date" if c in DATES else "center" if c in CENTERED else "text")
    return out


def text_width(text: str) -> float:
    """Width in column-width units of 10 pt text: a CJK or full-width character ``CJK_UNITS``, others less."""
    wide = len(_WIDE.findall(text))
    return wide * CJK_UNITS + (len(text) - wide) * LATIN_UNITS


@lru_cache(maxsize=4096)
def lines_needed(text: str, width: float) -> int:
    """Lines a wrapped cell of ``width`` units needs for ``text`` (greedy, character by character, as CJK wraps)."""
    usable = max(width - CELL_PAD_UNITS, CJK_UNITS)
    if "\n" not in text and text_width(text) <= usable:
        return 1
    lines, used = 1, 0.0
    for ch in text:
        w = CJK_UNITS if ch > "\u2e7f" else LATIN_UNITS
        if ch == "\n" or used + w > usable:
            lines, used = lines + 1, (0.0 if ch == "\n" else w)
        else:
            used += w
    return lines


def _may_wrap(text: str, width: float) -> bool:
    """False for a text that surely fits on one line: no line break and short enough even if all CJK."""
    return CJK_UNITS * len(text) > width - CELL_PAD_UNITS or "\n" in text


def row_height(values: list, widths: Sequence[float] = WIDTHS) -> float:
    """Points: enough lines for the longest wrapped text in the row, rounded up to whole pixels (0.75 pt, as
    the file stores a height: rounding to the nearest would take up to a third of a point off the padding)."""
    n = max((lines_needed(v, w) for v, w in zip(values, widths) if isinstance(v, str) and _may_wrap(v, w)), default=1)
    return math.ceil((n * LINE_PT + ROW_PAD_PT) / PIXEL_PT) * PIXEL_PT


def created(reg: Register) -> datetime:
    """The document's creation time (UTC, as the file stores it): the latest time the register records, so
    that the same register always gives the same file; the first day of its month if it records none."""
    times = [t for r in reg.rows for t in (r.dispatched_at, r.accepted_at, r.replied_at) if t is not None]
    latest = max(times, default=datetime.fromisoformat(f"{reg.month}-01"))
    return latest.replace(tzinfo=BEIJING).astimezone(UTC)


def _print_setup(ws: Worksheet) -> None:
    """A4 landscape, one page wide and as many tall as needed, rows 1–3 and columns A–B on every page."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, 2)
    ws.repeat_columns(0, 1)
    ws.center_horizontally()
    ws.set_margins(left=0.3, right=0.3, top=0.6, bottom=0.6)
    ws.set_header("", {"margin": 0.5})
    ws.set_footer("&C第 &P 页，共 &N 页", {"margin": 0.5})


def _cell(ws: Worksheet, row: int, col: int, value: object, fmt: Format) -> None:
    """One cell by the type of its value; text is always a string cell (masked: no full number leaks)."""
    if isinstance(value, str) and value:
        ws.write_string(row, col, _masked(value), fmt)
    elif isinstance(value, datetime):
        ws.write_number(row, col, (value - _EPOCH) / _DAY, fmt)  # a real date-time: what write_datetime stores
    elif isinstance(value, date):
        ws.write_number(row, col, (value - _EPOCH.date()) / _DAY, fmt)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(row, col, value, fmt)
    elif value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, _masked(str(value)), fmt)


def _merged_text(ws: Worksheet, row: int, first: int, last: int, text: str, fmt: Format) -> None:
    """A merged range holding text: merged empty, then the text written as a string into its first cell."""
    ws.merge_range(row, first, row, last, "", fmt)
    ws.write_string(row, first, _masked(text), fmt)


def _sheet(wb: Workbook, reg: Register) -> None:
    fmt = {name: wb.add_format(props) for name, props in STYLES.items()}
    ws = wb.add_worksheet(f"{int(reg.month[5:7])}月登记表")
    last = len(COLUMNS) - 1
    for i, w in enumerate(WIDTHS):
        ws.set_column_pixels(i, i, w * DIGIT_PX)  # stored as exactly ``w`` character widths
    ws.freeze_panes(3, 2)
    _print_setup(ws)
    ws.set_row(0, 30)
    _merged_text(ws, 0, 0, last, reg.heading, fmt["title"])
    sub = f"单位：{reg.unit.name}    分管领导：{reg.leader}    承办人员：{reg.handlers}"
    note = reg.provisional_note
    sub = f"{sub}    {note}" if note else sub
    ws.set_row(1, row_height([sub], (sum(WIDTHS),)))
    _merged_text(ws, 1, 0, last, sub, fmt["sub"])
    ws.set_row(2, row_height(list(COLUMNS)))
    for c, h in enumerate(COLUMNS):
        ws.write_string(2, c, h, fmt["head"])
    styles = [fmt[s] for s in _column_styles()]
    for i, row in enumerate(reg.rows, start=3):
        values = row.cells()
        ws.set_row(i, row_height(values))
        for c, (v, f) in enumerate(zip(values, styles)):
            _cell(ws, i, c, v, f)
    total = len(reg.rows) + 3
    ws.set_row(total, row_height([None, reg.totals_text()], (WIDTHS[0], sum(WIDTHS[1:]))))
    ws.write_string(total, 0, "合计", fmt["total"])
    _merged_text(ws, total, 1, last, reg.totals_text(), fmt["total"])


def to_bytes(reg: Register) -> bytes:
    buf = io.BytesIO()
    wb = Workbook(buf, OPTIONS)
    wb.set_properties({"title": reg.title, "author": CREATOR, "created": created(reg)})
    _sheet(wb, reg)
    wb.close()
    return buf.getvalue()


def write(reg: Register, path: Path) -> None:
    write_bytes(path, to_bytes(reg))
