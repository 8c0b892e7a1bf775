"""Times and dates as staff write them: Beijing local time ``YYYY-MM-DD HH:MM`` (北京时间).

Seconds and an explicit ``+08:00`` are optional; any other offset is converted to Beijing time. Values
are naive ``datetime`` objects in Beijing time throughout the system.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))
_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\s*(Z|[+-]\d{2}:?\d{2}))?$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_time(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("时间应写成 YYYY-MM-DD HH:MM（北京时间）")
    m = _TIME.match(value.strip())
    if not m:
        raise ValueError(f"时间“{value}”格式不对，应写成 YYYY-MM-DD HH:MM（北京时间）")
    y, mo, d, h, mi, s, tz = m.groups()
    try:
        dt = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
    except ValueError:
        raise ValueError(f"时间“{value}”不存在（日期或时刻超出范围）") from None
    if tz and tz not in ("+08:00", "+0800"):
        offset = UTC if tz == "Z" else _offset(tz)
        dt = dt.replace(tzinfo=offset).astimezone(BEIJING).replace(tzinfo=None)
    return dt


def _offset(tz: str) -> timezone:
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DATE.match(value.strip()):
        raise ValueError(f"日期“{value}”格式不对，应写成 YYYY-MM-DD")
    y, mo, d = (int(p) for p in value.strip().split("-"))
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError(f"日期“{value}”不存在") from None


def format_time(dt: datetime | None) -> str:
    if not dt:
        return ""
    return dt.isoformat(" ", "minutes")[:16] if dt.year >= 1000 else dt.strftime("%Y-%m-%d %H:%M")


def format_date(d: date | None) -> str:
    return d.isoformat() if d else ""


def now_beijing() -> datetime:
    """The only place that reads the clock; computation takes ``as_of`` explicitly."""
    return datetime.now(BEIJING).replace(tzinfo=None, second=0, microsecond=0)
