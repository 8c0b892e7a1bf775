"""Mainland-China working days and deadline arithmetic (工作日与办理期限).

Sources, in order: a year file ``scoring/holidays/YYYY.yaml`` (the State Council's notice, imported with
``hotline holidays import`` or typed in by the hotline office), then the ``chinese-calendar`` package, then —
for a year neither knows — weekends only, and every date computed that way is *provisional*. A year file may
also name the last days of the year before (元旦 sometimes starts in December): those days follow the file
whatever else knows that year.

Counting follows "自收到事项之日起 N 个工作日内" (民法典 第201条): the day of receipt is not counted; the
deadline is the end of the N-th working day after the receipt date, whether or not the receipt date is
itself a working day. (``chinese_calendar.find_workday`` is one day late from a rest day; we do not use it.)

The package is reached through ``HolidayPackage`` (``PACKAGE`` unless a calendar is given another), so that
what a computation or a test needs does not depend on which release of ``chinese-calendar`` is installed:
``ChineseCalendar(last_year=2026)`` is the installed package as if it knew no year after 2026.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import Protocol

import chinese_calendar

# From this day of a year (month, day) the next year's holidays are due: the State Council publishes them in
# November, and a deadline set in December can already end in January (``WorkCalendar.missing_year``).
NEXT_YEAR_DUE_FROM = (12, 1)


class HolidayYear(Protocol):
    """A year file (``records.models.HolidayYear``): the days off and the make-up working days it states."""

    @property
    def holiday_dates(self) -> list[date]: ...

    @property
    def workday_dates(self) -> list[date]: ...


class HolidayPackage(Protocol):
    """What the calendar asks of the ``chinese-calendar`` package (or of a stand-in for it)."""

    @property
    def name(self) -> str: ...  # as a message names it: "chinese-calendar 1.11.0"

    def knows(self, year: int) -> bool: ...

    def is_workday(self, d: date) -> bool: ...  # only asked for a year it knows


@dataclass(frozen=True)
class ChineseCalendar:
    """The installed ``chinese-calendar``; with ``last_year``, as if it knew no year after that one."""

    last_year: int | None = None

    @property
    def name(self) -> str:
        return f"chinese-calendar {chinese_calendar.__version__}"

    def knows(self, year: int) -> bool:
        return (self.last_year is None or year <= self.last_year) and _package_knows(year)

    def is_workday(self, d: date) -> bool:
        # chinese_calendar.is_workday's own rule on its exported tables, without the range check it repeats over
        # every table entry on each call (40 µs; a year is compared day by day in ``disagreements``)
        return d in chinese_calendar.workdays or (d.weekday() < 5 and d not in chinese_calendar.holidays)


PACKAGE: HolidayPackage = ChineseCalendar()  # what every calendar asks unless it is given another


def package_signature(package: HolidayPackage, years: range = range(2000, 2101)) -> str:
    """The package's name and the years it knows: part of what cached results depend on."""
    known = [y for y in years if package.knows(y)]
    return f"{package.name}:{known[0]}-{known[-1]}" if known else f"{package.name}:-"


@dataclass(frozen=True)
class Deadline:
    """A computed date and whether it rests on a year without holiday data."""

    day: date
    provisional: bool


@dataclass(frozen=True)
class Disagreement:
    """A day a year file and the package answer differently (the file's answer is used)."""

    day: date
    file_workday: bool  # the file says: a working day (True) or a day off


def _default_package() -> HolidayPackage:
    return PACKAGE


@dataclass
class WorkCalendar:
    overrides: Mapping[int, HolidayYear] = field(default_factory=dict)
    package: HolidayPackage = field(default_factory=_default_package)

    def __post_init__(self) -> None:
        self._stated: dict[int, dict[date, bool]] = {}  # file year → each day it states: a working day?
        for year in sorted(self.overrides):
            y = self.overrides[year]
            days = dict.fromkeys(y.holiday_dates, False) | dict.fromkeys(y.workday_dates, True)
            self._stated[year] = days
        self._days: dict[date, bool] = {}  # every stated day, of its own year or (元旦) of the year before
        for days in self._stated.values():
            self._days.update(days)
        self._package_years: dict[int, bool] = {}
        self.is_workday = lru_cache(maxsize=None)(self._is_workday)
        self.add_workdays = lru_cache(maxsize=None)(self._add_workdays)
        self.previous_workday = lru_cache(maxsize=None)(self._previous_workday)

    # -- which years are known --------------------------------------------------------------------
    def package_knows(self, year: int) -> bool:
        if year not in self._package_years:
            self._package_years[year] = self.package.knows(year)
        return self._package_years[year]

    def is_provisional_year(self, year: int) -> bool:
        """Neither a year file nor the package knows the year: its working days are weekdays."""
        return year not in self._stated and not self.package_knows(year)

    def missing_year(self, today: date) -> int | None:
        """The year whose holidays should be imported now: today's year when nothing knows it, or — from
        ``NEXT_YEAR_DUE_FROM`` (1 December) — the next year when nothing knows that one; None otherwise."""
        if self.is_provisional_year(today.year):
            return today.year
        if (today.month, today.day) >= NEXT_YEAR_DUE_FROM and self.is_provisional_year(today.year + 1):
            return today.year + 1
        return None

    def disagreements(self, year: int) -> list[Disagreement]:
        """The days where the year file of ``year`` and the package disagree: every day of ``year`` when the
        package knows it too, and the days of the year before that the file states (元旦) when the package
        knows that year and it has no file of its own."""
        stated = self._stated.get(year)
        if stated is None:
            return []
        out = []
        if self.package_knows(year):
            for d in _days_of(year):
                mine = stated.get(d, d.weekday() < 5)
                if mine != self.package.is_workday(d):
                    out.append(Disagreement(d, mine))
        if year - 1 not in self._stated and self.package_knows(year - 1):
            for d, mine in sorted(stated.items()):
                if d.year == year - 1 and mine != self.package.is_workday(d):
                    out.insert(0, Disagreement(d, mine))
        return out

    # -- the arithmetic ---------------------------------------------------------------------------
    def _is_workday(self, d: date) -> bool:
        stated = self._days.get(d)
        if stated is not None:
            return stated
        if d.year not in self._stated and self.package_knows(d.year):
            return self.package.is_workday(d)
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


def _days_of(year: int) -> Iterator[date]:
    d = date(year, 1, 1)
    while d.year == year:
        yield d
        d += timedelta(days=1)


@cache
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
        return True
    except NotImplementedError:
        return False
