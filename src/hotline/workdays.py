"""Mainland-China working days and deadline arithmetic (工作日与办理期限).

Sources, in order: a year file ``scoring/holidays/YYYY.yaml`` (the State Council's notice, typed in by
the hotline office), then the ``chinese-calendar`` package, then — for a year neither knows — weekends
only, and every date computed that way is *provisional*.

Counting follows "自收到事项之日起 N 个工作日内" (民法典 第201条): the day of receipt is not counted; the
deadline is the end of the N-th working day after the receipt date, whether or not the receipt date is
itself a working day. (``chinese_calendar.find_workday`` is one day late from a rest day; we do not use it.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import Protocol

import chinese_calendar


class HolidayYear(Protocol):
    """A year's statutory holidays on weekdays and make-up workdays on weekends (``records.models.HolidayYear``)."""

    holidays: list[date]
    workdays: list[date]


@dataclass(frozen=True)
class Deadline:
    """A computed date and whether it rests on a year without holiday data."""

    day: date
    provisional: bool


@dataclass
class WorkCalendar:
    overrides: Mapping[int, HolidayYear] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._known: dict[int, tuple[frozenset[date], frozenset[date]] | None] = {}
        self._provisional: set[int] = set()
        self.is_workday = lru_cache(maxsize=None)(self._is_workday)
        self.add_workdays = lru_cache(maxsize=None)(self._add_workdays)
        self.previous_workday = lru_cache(maxsize=None)(self._previous_workday)

    # -- which years are known --------------------------------------------------------------------
    def _year(self, year: int) -> tuple[frozenset[date], frozenset[date]] | None:
        """(holidays on weekdays, workdays on weekends) for a year, or None when it is unknown."""
        if year not in self._known:
            if year in self.overrides:
                y = self.overrides[year]
                self._known[year] = (frozenset(y.holidays), frozenset(y.workdays))
            elif _package_knows(year):
                self._known[year] = None  # answered by chinese_calendar itself
            else:
                self._known[year] = (frozenset(), frozenset())
                self._provisional.add(year)
        return self._known[year]

    def is_provisional_year(self, year: int) -> bool:
        self._year(year)
        return year in self._provisional

    # -- the arithmetic ---------------------------------------------------------------------------
    def _is_workday(self, d: date) -> bool:
        known = self._year(d.year)
        if known is None:
            return chinese_calendar.is_workday(d)
        holidays, workdays = known
        if d in workdays:
            return True
        if d in holidays:
            return False
        return d.weekday() < 5

    def _add_workdays(self, start: date, n: int) -> Deadline:
        """The n-th working day strictly after ``start`` (n=0: ``start`` itself)."""
        d = start
        provisional = self.is_provisional_year(start.year) if n == 0 else False
        k = 0
        while k < n:
            d += timedelta(days=1)
            if self.is_provisional_year(d.year):
                provisional = True
            if self.is_workday(d):
                k += 1
        return Deadline(d, provisional)

    def next_workday(self, start: date) -> Deadline:
        return self.add_workdays(start, 1)

    def _previous_workday(self, start: date, n: int = 1) -> date:
        d, k = start, 0
        while k < n:
            d -= timedelta(days=1)
            if self.is_workday(d):
                k += 1
        return d

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end ≤ start)."""
        n, d = 0, start
        while d < end:
            d += timedelta(days=1)
            if self.is_workday(d):
                n += 1
        return n

    def due(self, received: datetime, days: int) -> Deadline:
        """Deadline for something received at ``received`` with a limit of ``days`` working days."""
        return self.add_workdays(received.date(), days)


@lru_cache(maxsize=8192)  # called for every dispatch of every order; a year has a few hundred distinct days
def end_of(d: date) -> datetime:
    """24:00 of a day, as the first instant of the next (comparisons use ``<``)."""
    return datetime.combine(d + timedelta(days=1), time(0, 0))


@cache
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
        return True
    except NotImplementedError:
        return False
