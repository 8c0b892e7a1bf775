"""The day ``chinese-calendar`` ships 2027, no test changes: the calendar-dependent tests, run again with a release
that knows 2027 (``calendar_release.simulated_release``: the installed package plus a 2027), still pass.

A test that needs an unknown year says so (``package_through_2026``, ``ChineseCalendar(last_year=2026)``);
one that silently relied on the installed release not knowing 2027 fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from calendar_release import simulated_release

TESTS = Path(__file__).resolve().parent
# every test file that mentions 2027, and those that run with as_of in December 2026 (when 2027 is due)
CALENDAR_DEPENDENT = sorted(
    {p.name for p in TESTS.glob("test_*.py") if "2027" in p.read_text(encoding="utf-8")} - {Path(__file__).name}
    | {"test_provisional.py"}
)


def test_the_calendar_dependent_tests_pass_when_chinese_calendar_knows_2027(tmp_path):
    version = simulated_release(tmp_path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(tmp_path), os.environ.get("PYTHONPATH")) if p)}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import datetime, chinese_calendar as c; from hotline.workdays import PACKAGE as p; "
            "print(c.__version__, c.is_workday(datetime.date(2027, 1, 1)), p.knows(2027))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.split() == [version, "False", "True"]  # that release is the one the tests import
    assert {"test_calendar.py", "test_check.py", "test_site.py", "test_pipeline_cache.py"} <= set(CALENDAR_DEPENDENT)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not workflows", "-k", "not browser"]
        + [str(TESTS / name) for name in CALENDAR_DEPENDENT],
        env=env,
        cwd=TESTS.parent,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout
