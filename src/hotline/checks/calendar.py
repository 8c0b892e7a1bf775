"""The calendar itself (日历): once per run, not per order.

- ``calendar-conflict``: a year file ``scoring/holidays/YYYY.yaml`` and ``chinese-calendar`` both know a day
  and disagree; the dates are named, with the file's line where it states them. The file wins (``workdays``).
- ``calendar-next-year``: as of ``as_of``, the year whose holidays should be there now is known to neither
  (``WorkCalendar.missing_year``: from 1 December the next year; always the current one), with what to do.
"""

from __future__ import annotations

from datetime import date

from hotline.checks.checked import Checked
from hotline.findings import Finding
from hotline.records import paths
from hotline.records.holiday_notice import import_hint
from hotline.records.models import HolidayYear as YearFile
from hotline.workdays import Disagreement, WorkCalendar

SHOWN = 12  # dates named in one finding; the rest are counted


def _said(d: Disagreement, names: dict[date, str]) -> str:
    mine = "上班" if d.file_workday else "休息"
    name = names.get(d.day)
    return f"{d.day}（文件：{name + ' ' if name else ''}{mine}；软件包：{'休息' if d.file_workday else '上班'}）"


def conflicts(calendar: WorkCalendar) -> list[Finding]:
    out = []
    for year, year_file in sorted(calendar.overrides.items()):
        found = calendar.disagreements(year)
        if not found:
            continue
        items = year_file.holidays + year_file.workdays if isinstance(year_file, YearFile) else []
        names = {i.date: i.name for i in items if i.name}
        lines = {i.date: i.line for i in items}
        line = next((lines[d.day] for d in found if lines.get(d.day)), 1)
        shown = "、".join(_said(d, names) for d in found[:SHOWN])
        more = f"等 {len(found)} 天" if len(found) > SHOWN else f"共 {len(found)} 天"
        path = (year_file.path if isinstance(year_file, YearFile) else "") or f"{paths.HOLIDAYS}/{year}.yaml"
        out.append(
            Finding(
                path,
                line,
                "calendar-conflict",
                f"{path} 与 {calendar.package.name} 在 {shown} {more}说法不同：办理期限以本文件为准；"
                "请核对国务院办公厅通知，改正有误的一方",
            )
        )
    return out


def next_year(calendar: WorkCalendar, today: date) -> list[Finding]:
    year = calendar.missing_year(today)
    if year is None:
        return []
    path = f"{paths.HOLIDAYS}/{year}.yaml"
    when = "今年" if year == today.year else "明年"
    return [
        Finding(
            path,
            0,
            "calendar-next-year",
            f"{when}（{year} 年）的节假日安排还没有：{calendar.package.name} 和 {paths.HOLIDAYS}/ 都没有 {year} 年的数据，"
            f"涉及 {year} 年的办理期限只按周末推算。{import_hint(year)}",
        )
    ]


def calendar_check(checked: Checked) -> list[Finding]:
    """Year files against the package (``calendar-conflict``) and the year due next (``calendar-next-year``)."""
    calendar = checked.ctx.calendar
    return conflicts(calendar) + next_year(calendar, checked.now.date())
