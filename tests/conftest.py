"""Shared test fixtures: a records repository in a temporary folder, with inline records.

The real ``scoring/rules.yaml`` and ``units/`` of this repository are copied in, so tests run against
the rules and units in force; each test writes the orders it needs inline.
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# commands that the code under test starts as ``python -m hotline`` find this checkout's package too
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH")) if p)
# no Git configuration of the machine's reaches a test (a county's runner has no identity): every test that
# commits sets its own, and the tools fall back to the records' configured bot identity
os.environ["GIT_CONFIG_GLOBAL"] = os.devnull
os.environ["GIT_CONFIG_NOSYSTEM"] = "1"
# every test starts on a person's machine, whether the suite itself runs in a workflow or not: the tools commit as
# the bot only in a workflow (``git.identity.in_ci``); a test of a workflow's command says so (the ``in_ci`` fixture,
# or ``env=IN_CI`` for a command a module-scoped fixture runs)
for _variable in ("GITHUB_ACTIONS", "GITEA_ACTIONS", "CI"):
    os.environ.pop(_variable, None)
IN_CI = {"GITHUB_ACTIONS": "true"}


@pytest.fixture
def in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test runs a workflow's command: as on a runner, where the tools may commit as the records' bot."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")


@pytest.fixture
def clerk(monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """A member of staff with their own Git identity (what ``--commit`` needs outside a workflow)."""
    name, email = "王丽", "wangli@zezhou.gov.cn"
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", name)
        monkeypatch.setenv(f"GIT_{role}_EMAIL", email)
    return name, email


@pytest.fixture(autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test keeps the tools' cache (util.cache) in a folder of its own, never in the user's."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("HOTLINE_CACHE_DIR", str(folder))
    return folder


@dataclass
class Records:
    root: Path

    def write(self, rel: str, text: str | bytes) -> Path:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return p

    def order(self, order_id: str, body: str, month: str | None = None) -> Path:
        """Write ``orders/YYYY/MM/<id>.yaml``; the month defaults to the one in ``received_at``."""
        body = textwrap.dedent(body).lstrip("\n")
        if month is None:
            import re

            m = re.search(r"received_at:\s*(\d{4})-(\d{2})", body)
            month = f"{m.group(1)}/{m.group(2)}" if m else "2026/11"
        return self.write(f"orders/{month}/{order_id}.yaml", body)


@pytest.fixture
def records(tmp_path: Path) -> Records:
    root = tmp_path / "records"
    (root / "scoring").mkdir(parents=True)
    # the rules in force, but with the whole history audited: this repository's cut-over date
    # (history.audit_from) lies after the dates the tests use
    rules = (REPO / "scoring" / "rules.yaml").read_text(encoding="utf-8")
    (root / "scoring" / "rules.yaml").write_text(
        re.sub(r"(?m)^(\s*audit_from:)[^#\n]*", r"\1 ", rules), encoding="utf-8"
    )
    shutil.copytree(REPO / "units", root / "units")
    return Records(root)


@dataclass
class Demo:
    root: Path
    summary: object  # hotline.demo.repo.Summary: the planted problems (late records, the rewritten order)


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Demo:
    """The demo repository (``hotline demo``): 44 units, October and November 2026 up to the 27th, as a
    county office meets it. Built once per test session."""
    from datetime import date

    from hotline.demo.repo import build
    from hotline.demo.simulate import DemoConfig

    root = tmp_path_factory.mktemp("demo") / "records"
    summary = build(root, DemoConfig(months=2, orders_per_month=800, seed=1, end=date(2026, 11, 27)))
    return Demo(root, summary)


@pytest.fixture
def package_through_2026(monkeypatch: pytest.MonkeyPatch):
    """``chinese-calendar`` as a test that needs an unknown year sees it: the installed release, but knowing no
    year after 2026 (as 1.11.0), so that the test means the same the day a release knows 2027. In-process only:
    every calendar made during the test (``workdays.PACKAGE``) asks this one."""
    from hotline import workdays

    package = workdays.ChineseCalendar(last_year=2026)
    monkeypatch.setattr(workdays, "PACKAGE", package)
    return package
