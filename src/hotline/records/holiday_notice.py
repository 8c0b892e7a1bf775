"""The State Council's holiday notice as text (国务院办公厅关于YYYY年部分节假日安排的通知) → the year's days.

``parse_notice(text, year)`` reads the notice as published and pasted into a text file: full-width or
half-width punctuation, 周 or 星期, with or without the lunar dates in brackets, an item on one line or
broken over several, or the whole notice on one line. Each item (``一、元旦：…``) gives its days off
(``1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天``) and its make-up working days
(``1月26日（周日）、2月8日（周六）上班``).

The text is checked against itself, and every problem is reported with its line and item: a stated weekday
that is not that date's weekday, a 共N天 that is not the span, a make-up working day that is not on a
weekend (or falls in a holiday), a date outside the year (元旦 alone may start in the December before, as in
the notices for 2019 and 2023), a holiday missing or named twice. A pure function: text in, data out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from hotline.records.models import HOLIDAY_NAMES

NUMERALS = "一二三四五六七八九十"
WEEKDAYS = "一二三四五六日"  # date.weekday() 0..6; 星期天 is 星期日
_WIDE = str.maketrans(
    "（）：，。；０１２３４５６７８９［］",
    "():,.;0123456789[]",
)
_SPACE = re.compile(r"[\s\u3000\u00a0\u200b\u200c\u200d\ufeff]")
_ITEM = re.compile(rf"([{NUMERALS}]{{1,3}})、([^:,.;()、]{{1,12}}(?:[、和及][^:,.;()、]{{1,12}})*):")
_DATE = r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日"
_NOTE = r"(?:\(([^()]*)\))?"
_OFF = re.compile(rf"^{_DATE}{_NOTE}(?:至{_DATE}{_NOTE})?放假(.*)$")
_ON_ONE = re.compile(rf"{_DATE}{_NOTE}")
_STARTS_WITH_DATE = re.compile(rf"^{_DATE}")
_WEEKDAY = re.compile(r"^(?:周|星期)([一二三四五六日天])$")
_COUNT = re.compile(rf"(?:^(?:调休|公休)?|共)(\d+|[{NUMERALS}]+)天")
_TITLE_YEAR = re.compile(r"关于(\d{4})年部分节假日安排")
_INTRO_YEAR = re.compile(r"现将(\d{4})年")
_NUMBER = re.compile(r"(国办发(?:明电)?)[〔\[(【](\d{4})[〕\])】](\d+)号")
_ISSUED = re.compile(r"国务院办公厅(\d{4})年(\d{1,2})月(\d{1,2})日")


def import_hint(year: int) -> str:
    """What the office does once the notice for ``year`` is out (the check, the site and month-end say it)."""
    return (
        f"国务院办公厅关于{year}年部分节假日安排的通知发布后，把通知全文存为文本文件，"
        f"运行 hotline holidays import 通知.txt --year {year}，核对后提交 scoring/holidays/{year}.yaml"
    )


@dataclass(frozen=True)
class NoticeItem:
    """One numbered item of the notice: a holiday (or two taken together) and its days."""

    number: int
    names: tuple[str, ...]  # ("国庆节", "中秋节")
    line: int  # of the text file, where the item starts
    days_off: tuple[date, ...]  # every day of the span, weekends included
    workdays: tuple[date, ...]  # the make-up working days

    @property
    def name(self) -> str:
        return "、".join(self.names)


@dataclass(frozen=True)
class Notice:
    year: int
    items: tuple[NoticeItem, ...]
    number: str | None = None  # 国办发明电〔2025〕7号
    issued: date | None = None

    @property
    def title(self) -> str:
        return f"国务院办公厅关于{self.year}年部分节假日安排的通知"

    @property
    def source(self) -> str:
        issued = f"{self.issued.year}年{self.issued.month}月{self.issued.day}日" if self.issued else None
        said = "，".join(p for p in (self.number, issued) if p)
        return self.title + (f"（{said}）" if said else "")


@dataclass(frozen=True)
class Problem:
    line: int
    item: str  # "第二项（春节）", or "" for the notice as a whole
    message: str

    def at(self, path: str) -> str:
        """``path:line: 第二项（春节）：message``, as the command prints it."""
        where = f"{path}:{self.line}: " if self.line else f"{path}: "
        return where + (f"{self.item}：" if self.item else "") + self.message


class _Text:
    """The text without spaces or line breaks, half-width, each character remembering its line."""

    def __init__(self, raw: str) -> None:
        chars, lines = [], []
        line = 1
        for ch in raw:
            if ch == "\n":
                line += 1
            if _SPACE.match(ch):
                continue
            chars.append(ch.translate(_WIDE))
            lines.append(line)
        self.s = "".join(chars)
        self.lines = lines

    def line_at(self, i: int) -> int:
        return self.lines[min(i, len(self.lines) - 1)] if self.lines else 1


def _numeral(s: str) -> int:
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + NUMERALS.index(s[1]) + 1
    if len(s) >= 2 and s[1] == "十":
        return (NUMERALS.index(s[0]) + 1) * 10 + (NUMERALS.index(s[2]) + 1 if len(s) > 2 else 0)
    return NUMERALS.index(s) + 1 if len(s) == 1 else -1


def _md(d: date) -> str:
    return f"{d.month}月{d.day}日"


class _Item:
    """Reads one item's sentences into days, collecting problems."""

    def __init__(self, notice_year: int, number: int, names: tuple[str, ...], line: int) -> None:
        self.year, self.number, self.names, self.line = notice_year, number, names, line
        self.label = f"第{_chinese(number)}项（{'、'.join(names)}）"
        self.off: list[date] = []
        self.on: list[date] = []
        self.off_sentences = 0
        self.problems: list[Problem] = []

    def problem(self, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(line or self.line, self.label, message))

    def _date(self, y: str | None, m: str | None, d: str, default: tuple[int, int] | None, line: int) -> date | None:
        """A date of the text; ``default``: (year, month) when the text leaves them out (至3日)."""
        year = int(y) if y else (default[0] if default else self.year)
        if m is None and default is None:
            self.problem(f"日期“{d}日”缺少月份", line)
            return None
        month = int(m) if m else default[1]  # type: ignore[index]
        try:
            day = date(year, month, int(d))
        except ValueError:
            self.problem(f"日期“{year}年{month}月{d}日”不存在", line)
            return None
        in_december_before = "元旦" in self.names and (year, month) == (self.year - 1, 12)
        if year != self.year and not in_december_before:
            self.problem(f"日期 {year}年{_md(day)} 不在 {self.year} 年内（只有元旦可以从上一年 12 月开始）", line)
            return None
        return day

    def _weekday(self, day: date, note: str | None, line: int) -> None:
        for part in re.split(r"[、,，/]", note or ""):
            m = _WEEKDAY.match(part)
            if m:
                said = WEEKDAYS.index("日" if m.group(1) == "天" else m.group(1))
                if said != day.weekday():
                    self.problem(f"{_md(day)} 标注为“{part}”，实为星期{WEEKDAYS[day.weekday()]}", line)

    def days_off(self, m: re.Match, line: int) -> None:
        self.off_sentences += 1
        start = self._date(m.group(1), m.group(2), m.group(3), None, line)
        if start is None:
            return
        self._weekday(start, m.group(4), line)
        end = start
        if m.group(7):
            end_ = self._date(m.group(5), m.group(6), m.group(7), (start.year, start.month), line)
            if end_ is None:
                return
            end = end_
            self._weekday(end, m.group(8), line)
        if end < start:
            self.problem(f"放假结束日 {_md(end)} 早于开始日 {_md(start)}", line)
            return
        span = (end - start).days + 1
        count = _COUNT.search(m.group(9))
        if count and _numeral(count.group(1)) != span:
            self.problem(f"{_md(start)}至{_md(end)} 共 {span} 天，通知写的是“共{count.group(1)}天”", line)
        self.off += [start + timedelta(days=i) for i in range(span)]

    def make_up(self, listed: str, line: int) -> None:
        pos, default = 0, None
        for m in _ON_ONE.finditer(listed):
            if listed[pos : m.start()] not in ("", "、", ","):
                break
            pos = m.end()
            day = self._date(m.group(1), m.group(2), m.group(3), default, line)
            if day is None:
                continue
            default = (day.year, day.month)
            self._weekday(day, m.group(4), line)
            if day.weekday() < 5:
                self.problem(f"调休上班日 {_md(day)} 是星期{WEEKDAYS[day.weekday()]}，不是周末", line)
            self.on.append(day)
        if pos != len(listed):
            self.problem(f"无法识别上班日期“{listed}”", line)

    def read(self, sentence: str, line: int) -> None:
        if m := _OFF.match(sentence):
            self.days_off(m, line)
        elif sentence.endswith("上班") and _STARTS_WITH_DATE.match(sentence):
            self.make_up(sentence[: -len("上班")], line)
        elif _STARTS_WITH_DATE.fullmatch(sentence) is None:
            self.problem(f"无法识别“{sentence}”：应为“…放假…”或“…上班”", line)

    def finish(self) -> NoticeItem:
        if self.off_sentences == 0:
            self.problem("没有找到放假日期（“…放假”）")
        for day in self.on:
            if day in self.off:
                self.problem(f"{_md(day)} 既是放假日又是上班日")
        return NoticeItem(self.number, self.names, self.line, tuple(self.off), tuple(self.on))


def _chinese(n: int) -> str:
    if n <= 10:
        return "一二三四五六七八九十"[n - 1] if n >= 1 else str(n)
    return "十" + NUMERALS[n - 11] if n < 20 else str(n)


def _sentences(text: _Text, start: int, end: int) -> list[tuple[str, int]]:
    out, i = [], start
    for part in re.split(r"([.;])", text.s[start:end]):
        if part not in (".", ";") and part:
            out.append((part, text.line_at(i)))
        i += len(part)
    return out


def _heading(text: _Text, year: int, first: int) -> tuple[list[Problem], str | None, date | None]:
    problems = []
    for pattern in (_TITLE_YEAR, _INTRO_YEAR):
        m = pattern.search(text.s, 0, first)
        if m and int(m.group(1)) != year:
            problems.append(Problem(text.line_at(m.start()), "", f"这是 {m.group(1)} 年的通知，不是 {year} 年的"))
    num = _NUMBER.search(text.s, 0, first)
    number = f"{num.group(1)}〔{num.group(2)}〕{num.group(3)}号" if num else None
    issued = None
    if m := _ISSUED.search(text.s):
        try:
            issued = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            issued = None
    return problems, number, issued


def parse_notice(text: str, year: int) -> tuple[Notice | None, list[Problem]]:
    """The notice for ``year`` in ``text``, or None and every problem found (each with its line and item)."""
    t = _Text(text)
    marks = list(_ITEM.finditer(t.s))
    if not marks:
        return None, [Problem(0, "", "没有找到通知的条目（如“一、元旦：1月1日放假…”）：请粘贴通知全文")]
    problems, number, issued = _heading(t, year, marks[0].start())
    if problems:  # another year's notice: its every date would be wrong too
        return None, problems
    items: list[NoticeItem] = []
    for k, m in enumerate(marks):
        names = tuple(n for n in re.split(r"[、和及]", m.group(2)) if n)
        item = _Item(year, _numeral(m.group(1)), names, t.line_at(m.start()))
        if item.number != k + 1:
            item.problem(f"编号应为“{_chinese(k + 1)}”：前面的条目是否缺失或粘贴不全？")
        unknown = [n for n in names if n not in HOLIDAY_NAMES]
        if unknown:
            item.problem(f"“{'、'.join(unknown)}”不是法定节日的名称（应为 {'、'.join(HOLIDAY_NAMES)}）")
        last = k == len(marks) - 1
        for sentence, line in _sentences(t, m.end(), marks[k + 1].start() if not last else len(t.s)):
            if _STARTS_WITH_DATE.match(sentence) is None:
                if last:
                    break  # the notice's closing paragraph, its signature, the page around it
                continue  # 鼓励……休息: advice, not a day off
            item.read(sentence, line)
        items.append(item.finish())
        problems += item.problems
    problems += _across_items(items, t.line_at(len(t.s)))
    if problems:
        return None, problems
    return Notice(year, tuple(items), number, issued), []


def _across_items(items: list[NoticeItem], last_line: int) -> list[Problem]:
    problems = []
    named = [n for it in items for n in it.names]
    missing = [n for n in HOLIDAY_NAMES if n not in named]
    if missing:
        problems.append(Problem(last_line, "", f"通知中没有找到 {'、'.join(missing)} 的安排：是否粘贴不全？"))
    for n in sorted({n for n in named if named.count(n) > 1}):
        problems.append(Problem(0, "", f"{n} 出现在不止一项中"))
    seen: dict[date, NoticeItem] = {}
    for it in items:
        for d in it.days_off + it.workdays:
            other = seen.setdefault(d, it)
            if other is not it:
                label = f"第{_chinese(it.number)}项（{it.name}）"
                problems.append(
                    Problem(it.line, label, f"{_md(d)} 已出现在第{_chinese(other.number)}项（{other.name}）中")
                )
    return problems
