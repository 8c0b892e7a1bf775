"""Working days and deadlines: 调休, rest-day receipts, holidays, years without data."""

from __future__ import annotations

import json
from datetime import date, timedelta

import chinese_calendar
import pytest
from click.testing import CliRunner

from hotline.cli import main
from hotline.load import load_context
from hotline.records.models import HolidayYear
from hotline.times import parse_time
from hotline.workdays import ChineseCalendar, Deadline, Disagreement, WorkCalendar


@pytest.mark.parametrize(
    "received,days,due",
    [
        # ordinary week: the receipt day is not counted
        ("2026-11-18 09:00", 3, "2026-11-23"),
        # received on a Saturday: Monday is the first working day (find_workday would give Tuesday)
        ("2026-11-21 10:00", 3, "2026-11-25"),
        # National Day 2026: Oct 1–7 off, Sat Oct 10 is a make-up working day and is the deadline
        ("2026-09-30 16:00", 3, "2026-10-10"),
        # received inside the holiday
        ("2026-10-03 08:00", 3, "2026-10-10"),
        # received on the make-up Saturday itself
        ("2026-10-10 11:00", 3, "2026-10-14"),
        # make-up Sunday (Sep 20) counts as a working day
        ("2026-09-17 15:00", 3, "2026-09-21"),
        # New Year: Jan 1–2 off, Sun Jan 4 is a make-up working day
        ("2025-12-31 10:00", 3, "2026-01-06"),
        # Spring Festival 2026: Feb 15–23 off, Sat Feb 14 and Sat Feb 28 are working days
        ("2026-02-13 10:00", 10, "2026-03-05"),
        # a 投诉 (10 days) across Labour Day (May 1–5 off, Sat May 9 working)
        ("2026-04-29 10:00", 10, "2026-05-15"),
    ],
)
def test_due_dates(received, days, due):
    d = WorkCalendar().due(parse_time(received), days)
    assert d.day.isoformat() == due
    assert d.provisional is False


def test_spring_festival_detail():
    cal = WorkCalendar()
    assert cal.is_workday(date(2026, 2, 14)) and cal.is_workday(date(2026, 2, 28))
    assert not cal.is_workday(date(2026, 2, 16)) and not cal.is_workday(date(2026, 2, 23))


def test_year_without_data_is_provisional_weekends_only():
    # 2026-12-30 + 10 working days crosses into 2027, which chinese-calendar 1.11 does not know (and, whatever
    # release is installed, this calendar's package does not): Jan 1 2027 (a Friday) is counted as a working
    # day, and the result is marked provisional
    package = ChineseCalendar(last_year=2026)
    d = WorkCalendar(package=package).due(parse_time("2026-12-30 10:00"), 10)
    assert (d.day, d.provisional) == (date(2027, 1, 13), True)
    # a deadline that stays inside a known year is not provisional even if computed late in the year
    assert WorkCalendar(package=package).due(parse_time("2026-12-21 10:00"), 3).provisional is False


def test_override_file_supplies_the_missing_year():
    y2027 = HolidayYear(
        source="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        holidays=[date(2027, 1, 1)],
        workdays=[date(2027, 1, 9)],
    )
    cal = WorkCalendar({2027: y2027})
    d = cal.due(parse_time("2026-12-30 10:00"), 10)
    # Jan 1 is off; Sat Jan 9 is a make-up working day: Dec 31, Jan 4,5,6,7,8,9,11,12,13
    assert (d.day, d.provisional) == (date(2027, 1, 13), False)
    assert not cal.is_workday(date(2027, 1, 1)) and cal.is_workday(date(2027, 1, 9))


def test_override_file_is_read_from_the_repository(records):
    records.write(
        "scoring/holidays/2027.yaml",
        """
        source: 国务院办公厅关于2027年部分节假日安排的通知（测试用）
        holidays: [2027-01-01]
        workdays: []
        """,
    )
    runner = CliRunner()
    out = runner.invoke(
        main,
        [
            "deadline",
            "--root",
            str(records.root),
            "--received",
            "2026-12-30 10:00",
            "--category",
            "投诉",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == {"due": "2027-01-14", "provisional": False}
    ctx = load_context(records.root)
    assert ctx.findings == []


def test_deadline_command_without_override_is_provisional(records, package_through_2026):
    runner = CliRunner()
    out = runner.invoke(
        main,
        ["deadline", "--root", str(records.root), "--received", "2026-12-30 10:00", "--days", "10", "--format", "json"],
    )
    assert json.loads(out.stdout) == {"due": "2027-01-13", "provisional": True}
    text = runner.invoke(
        main, ["deadline", "--root", str(records.root), "--received", "2026-09-30 10:00", "--category", "咨询"]
    )
    assert text.stdout.strip() == "2026-10-10"
    assert runner.invoke(main, ["deadline", "--received", "2026-09-30 10:00"]).exit_code == 2


def test_limits_come_from_rules(records):
    rules = records.root / "scoring/rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("咨询: 3,", "咨询: 5,"), encoding="utf-8")
    out = CliRunner().invoke(
        main, ["deadline", "--root", str(records.root), "--received", "2026-11-18 09:00", "--category", "咨询"]
    )
    assert out.stdout.strip() == "2026-11-25"


def test_bad_override_file_is_reported_with_line(records):
    records.write(
        "scoring/holidays/2027.yaml",
        """
        source: 测试
        holidays: [2027-01-01, 2027-02-30]
        """,
    )
    ctx = load_context(records.root)
    assert [(f.code, f.line) for f in ctx.findings] == [("invalid-value", 2)]
    assert "2027-02-30" in ctx.findings[0].message


# --- what the package knows, injected; next year's holidays; file and package disagreeing --------------


def test_the_package_is_whatever_the_calendar_is_given():
    """A test (or a computation) says which years the package knows: the same answers whichever release."""
    from calendar_release import PackageWith2027

    through_2026 = ChineseCalendar(last_year=2026)
    assert through_2026.knows(2026) and not through_2026.knows(2027)
    assert WorkCalendar(package=through_2026).is_provisional_year(2027)
    knowing = WorkCalendar(package=PackageWith2027())
    assert not knowing.is_provisional_year(2027)
    # Jan 1 2027 (Fri) is off in that release: Dec 31, Jan 4–8, Jan 11–14
    assert knowing.due(parse_time("2026-12-30 10:00"), 10) == Deadline(date(2027, 1, 14), False)
    # a year file still wins over the package
    empty = HolidayYear(source="测试", holidays=[], workdays=[])
    assert WorkCalendar({2027: empty}, package=PackageWith2027()).is_workday(date(2027, 1, 1))


@pytest.mark.parametrize(
    "today,due",
    [
        ("2026-11-30", None),  # November: 2027 is not due yet
        ("2026-12-01", 2027),  # from 1 December, the next year is
        ("2026-12-31", 2027),
        ("2027-01-04", 2027),  # and in January the year itself, still unknown
        ("2026-06-01", None),
    ],
)
def test_the_year_due_depends_on_the_day_asked(today, due):
    cal = WorkCalendar(package=ChineseCalendar(last_year=2026))
    assert cal.missing_year(date.fromisoformat(today)) == due
    y2027 = HolidayYear(source="测试", holidays=[date(2027, 1, 1)], workdays=[])
    assert (
        WorkCalendar({2027: y2027}, package=ChineseCalendar(last_year=2026)).missing_year(date.fromisoformat(today))
        is None
    )


def _year_file(records, year: int, text: str) -> None:
    notice = records.root / f"{year}.txt"
    notice.write_text(text, encoding="utf-8")
    out = CliRunner().invoke(
        main, ["holidays", "import", str(notice), "--year", str(year), "--root", str(records.root)]
    )
    assert out.exit_code == 0, out.output
    notice.unlink()


def test_a_year_file_that_disagrees_with_the_package_is_reported_naming_the_dates_and_wins(records):
    from test_holiday_notice import NOTICE_2026

    _year_file(records, 2026, NOTICE_2026)
    path = records.root / "scoring/holidays/2026.yaml"
    text = path.read_text(encoding="utf-8")
    line = text.splitlines().index("  - {date: 2026-10-07, name: 国庆节}") + 1
    path.write_text(text.replace("2026-10-07, name: 国庆节", "2026-10-08, name: 国庆节"), encoding="utf-8")
    args = ["check", "--root", str(records.root), "--as-of", "2026-10-09 12:00", "--no-history"]
    out = CliRunner().invoke(main, args)
    assert out.stdout.splitlines() == [
        f"scoring/holidays/2026.yaml:{line}: 警告 calendar-conflict scoring/holidays/2026.yaml 与 "
        f"chinese-calendar {chinese_calendar.__version__} 在 2026-10-07（文件：上班；软件包：休息）、"
        "2026-10-08（文件：国庆节 休息；软件包：上班） 共 2 天说法不同：办理期限以本文件为准；请核对国务院办公厅通知，改正有误的一方"
    ]
    due = CliRunner().invoke(
        main, ["deadline", "--root", str(records.root), "--received", "2026-10-06 10:00", "--days", "1"]
    )
    assert due.stdout.strip() == "2026-10-07"  # the file's answer (the package would say 2026-10-08)
    path.write_text(text, encoding="utf-8")
    assert CliRunner().invoke(main, args).stdout == ""  # as the notice says: they agree


def test_days_of_the_december_before_are_compared_too():
    y2023 = HolidayYear(source="测试", holidays=[date(2022, 12, 30), date(2022, 12, 31)], workdays=[])
    cal = WorkCalendar({2023: y2023})
    # 2022-12-30 (Fri) is a working day in the package; 2022-12-31 (Sat) is off in both
    assert cal.disagreements(2023)[0] == Disagreement(date(2022, 12, 30), False)
    assert not cal.is_workday(date(2022, 12, 30)) and cal.is_workday(date(2022, 12, 29))


def test_a_date_outside_the_files_year_and_the_december_before_is_reported_with_its_line(records):
    records.write(
        "scoring/holidays/2027.yaml",
        """
        source: 测试
        holidays:
          - {date: 2026-12-31, name: 元旦}
          - 2027-01-01
          - 2026-11-30
        """,
    )
    ctx = load_context(records.root)
    assert [(f.code, f.line) for f in ctx.findings] == [("id-mismatch", 5)]
    assert "2026-11-30 不属于 2027 年" in ctx.findings[0].message


def test_the_package_answers_as_chinese_calendar_itself_for_every_day_it_knows():
    package = ChineseCalendar()
    d = date(2004, 1, 1)
    while package.knows(d.year):
        assert package.is_workday(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)
    assert d == date(max(chinese_calendar.holidays).year + 1, 1, 1)  # every year up to the last it has
