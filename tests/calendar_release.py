"""A release of ``chinese-calendar`` that knows 2027, for tests: the installed package copied into a folder, with
2027 added to its data the way the package's own generated ``constants.py`` holds a year.

The 2027 days below are made up in the shape of a real year (元旦 Jan 1–3, 春节 8 days from 除夕 with a make-up
Saturday, …); they are not the State Council's notice. What matters is that the package knows 2027 and that its
days differ from "weekends only" (Jan 1 2027 is a Friday): every test that needs an unknown year must say so
(``conftest.package_through_2026`` or ``workdays.ChineseCalendar(last_year=2026)``), or it fails with this release.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path


def _span(first: str, last: str) -> list[date]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


DAYS_OFF_2027 = {
    "new_years_day": _span("2027-01-01", "2027-01-03"),
    "spring_festival": _span("2027-02-05", "2027-02-12"),
    "tomb_sweeping_day": _span("2027-04-03", "2027-04-05"),
    "labour_day": _span("2027-05-01", "2027-05-05"),
    "dragon_boat_festival": [date(2027, 6, 9)],
    "mid_autumn_festival": [date(2027, 9, 15)],
    "national_day": _span("2027-10-01", "2027-10-07"),
}
WORKDAYS_2027 = {
    "spring_festival": [date(2027, 2, 20)],
    "labour_day": [date(2027, 4, 25), date(2027, 5, 8)],
    "national_day": [date(2027, 9, 26), date(2027, 10, 9)],
}


def _entries(name: str, days: dict[str, list[date]]) -> str:
    lines = [f"{name}.update({{"]
    for holiday, ds in days.items():
        lines += [
            f"    datetime.date(year={d.year}, month={d.month}, day={d.day}): Holiday.{holiday}.value," for d in ds
        ]
    return "\n".join(lines + ["})", ""])


assert all(d.weekday() >= 5 for ds in WORKDAYS_2027.values() for d in ds)  # make-up days are weekend days


def simulated_release(folder: Path) -> str:
    """Write the release into ``folder`` (``folder/chinese_calendar``; put ``folder`` first on ``PYTHONPATH``) and
    return its version. A release that already knows 2027 is copied as it is (the simulation is then the real one)."""
    import chinese_calendar

    installed = Path(chinese_calendar.__file__).parent
    target = folder / "chinese_calendar"
    shutil.copytree(installed, target, ignore=shutil.ignore_patterns("__pycache__"))
    if max(chinese_calendar.holidays).year >= 2027:
        return chinese_calendar.__version__
    constants = target / "constants.py"
    extra = "\n# simulated: 2027 (made-up days, see tests/calendar_release.py)\n"
    extra += _entries("holidays", DAYS_OFF_2027) + _entries("workdays", WORKDAYS_2027)
    constants.write_text(constants.read_text(encoding="utf-8") + extra, encoding="utf-8")
    init = target / "__init__.py"
    version = f"{chinese_calendar.__version__}+simulated2027"
    text, n = re.subn(r'(?m)^__version__ = "[^"]*"', f'__version__ = "{version}"', init.read_text(encoding="utf-8"))
    assert n == 1, "chinese_calendar/__init__.py no longer sets __version__ in one line: update this simulation"
    init.write_text(text, encoding="utf-8")
    return version


class PackageWith2027:
    """In-process stand-in for a release that knows 2027 (``workdays.HolidayPackage``): the installed package for
    the years it knows, and the days above for 2027."""

    name = "chinese-calendar（模拟，含 2027 年）"

    def __init__(self) -> None:
        from hotline.workdays import ChineseCalendar

        self.installed = ChineseCalendar()
        self.off = {d for ds in DAYS_OFF_2027.values() for d in ds}
        self.on = {d for ds in WORKDAYS_2027.values() for d in ds}

    def knows(self, year: int) -> bool:
        return year == 2027 or self.installed.knows(year)

    def is_workday(self, d: date) -> bool:
        if d.year != 2027:
            return self.installed.is_workday(d)
        return d in self.on or (d.weekday() < 5 and d not in self.off)
