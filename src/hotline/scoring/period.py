"""Assessment periods (考核期): a month ``2026-11``, a quarter ``2026-Q4``, a year ``2026``, or a date
range ``2026-01-01..2026-06-30`` (both ends included).

A dispatch (派单) belongs to the period its dispatch date falls in (``assessment.period_basis:
dispatched``); an assessment event (考核事件) by its ``date``; a unit change by its ``effective`` date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from hotline.times import parse_date

PeriodKind = Literal["month", "quarter", "year", "range"]
_QUARTER_NAMES = ("一", "二", "三", "四")


@dataclass(frozen=True, slots=True)
class Period:
    label: str  # as written on the command line and in ``period:`` of rectification events
    kind: PeriodKind
    start: date
    end: date  # inclusive

    def __contains__(self, d: date) -> bool:
        return self.start <= d <= self.end

    @property
    def title(self) -> str:
        """The period as staff say it: 2026年11月, 2026年第四季度, 2026年度, 2026-01-01至2026-06-30."""
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{self.start.year}年第{_QUARTER_NAMES[(self.start.month - 1) // 3]}季度"
        if self.kind == "year":
            return f"{self.start.year}年度"
        return f"{self.start.isoformat()}至{self.end.isoformat()}"


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def parse_period(text: str) -> Period:
    """Read a period as written; a ``ValueError`` with a Chinese message when it is not one."""
    s = str(text).strip()
    try:
        if m := re.fullmatch(r"(\d{4})", s):
            y = int(m.group(1))
            return Period(s, "year", date(y, 1, 1), date(y, 12, 31))
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", s):
            y, q = int(m.group(1)), int(m.group(2))
            return Period(f"{y}-Q{q}", "quarter", date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
        if m := re.fullmatch(r"(\d{4})-(\d{2})", s):
            y, mo = int(m.group(1)), int(m.group(2))
            if not 1 <= mo <= 12:
                raise ValueError(f"考核期“{s}”的月份不存在")
            return Period(s, "month", date(y, mo, 1), _month_end(y, mo))
        if m := re.fullmatch(r"(\S+)\.\.(\S+)", s):
            start, end = parse_date(m.group(1)), parse_date(m.group(2))
            if end < start:
                raise ValueError(f"考核期“{s}”的结束日期早于开始日期")
            return Period(s, "range", start, end)
    except ValueError as e:
        if "考核期" in str(e):
            raise
        raise ValueError(f"考核期“{s}”无效：{e}") from None
    raise ValueError(f"考核期“{s}”格式不对：应写成 2026-11（月）、2026-Q4（季度）、2026（年）或 2026-01-01..2026-06-30")
