"""``hotline demo``: a real, deterministic Git repository that passes the check apart from its planted problems."""

from __future__ import annotations

import subprocess
from collections import Counter
from datetime import date

from click.testing import CliRunner

from hotline.checks.suite import history_check
from hotline.cli import main
from hotline.demo.repo import build
from hotline.demo.simulate import DemoConfig
from hotline.history import reader as history
from hotline.load import load, run_check
from hotline.times import parse_time

# October 2026 up to the 23rd: the National Day holiday (1–7 October) and the 调休 Saturday (10 October)
CONFIG = DemoConfig(months=1, orders_per_month=150, seed=3, end=date(2026, 10, 23))
SNAPSHOT = parse_time("2026-10-23 18:00")


def git(root, *args):
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def test_demo_repository(tmp_path):
    s = build(tmp_path / "a", CONFIG)
    root = tmp_path / "a"
    assert s.orders > 100 and s.commits > s.orders * 3
    assert int(git(root, "rev-list", "--count", "HEAD")) == s.commits
    assert git(root, "status", "--porcelain") == ""

    # deterministic for a seed
    build(tmp_path / "b", CONFIG)
    assert git(root, "rev-parse", "HEAD") == git(tmp_path / "b", "rev-parse", "HEAD")

    # the records pass the check; the history findings are exactly the planted ones
    findings = run_check(root, SNAPSHOT, use_cache=False)
    codes = Counter((f.code, f.path.split("/")[-1].split(".")[0]) for f in findings)
    planted_late = {(("late-record", oid)) for oid in s.late_records}
    assert {k for k in codes if k[0] == "late-record"} - {("late-record", s.rewritten)} == planted_late
    assert ("history-rewritten", s.rewritten) in codes
    assert ("unit-change-late", s.late_unit_change) in codes
    # replies without an earlier contact are planted too (assessment item 13): a warning each
    assert {c for c, _ in codes} == {"late-record", "history-rewritten", "unit-change-late", "reply-without-contact"}
    assert [f for f in findings if f.severity == "error"] == [f for f in findings if f.code == "history-rewritten"]
    assert {f.code for f in run_check(root, SNAPSHOT, use_cache=False, skip=[history_check])} == {
        "reply-without-contact"
    }

    # commits by staff accounts on working days and hours; the hotline office dispatches, units accept
    repo = load(root)
    cal = repo.calendar
    h = history.read(root)
    for c in h.commits[1:]:
        t = c.committed_at
        assert cal.is_workday(t.date()) and 8 <= t.hour < 19, (c.sha, t)
    office = {a for u in repo.units.values() if u.type == "热线管理机构" for a in u.maintainers}
    for path, _, _, item in h.rows("orders/"):
        o = h.origin(item)
        author = h.commits[o.commit].account
        if o.type in ("派单", "回访", "退回审核", "延期审核", "重办", "督办"):
            assert author in office, (path, o)
        elif o.unit and not repo.units[o.unit].changes:  # (a unit with a staff change had other accounts before)
            assert author in repo.units[o.unit].maintainers, (path, o)

    # realistic variety: the lifecycle paths all occur, and holidays leave no staff events
    states = repo.states(SNAPSHOT)
    ds = [d for st in states for d in st.dispatches]
    assert {d.status for d in ds} >= {"待接收", "办理中", "已答复", "已办结"}
    assert any(d.was_late for d in ds) and any(d.role == "会办" for d in ds) and any(d.redo_at for d in ds)
    events = [e for o in repo.orders for e in o.events]
    assert not [e for e in events if date(2026, 10, 1) <= e.at.date() <= date(2026, 10, 7)]
    assert any(date(2026, 10, 1) <= o.received_at.date() <= date(2026, 10, 7) for o in repo.orders)
    assert all(o.sample for o in repo.orders)
    assert all(
        u.hotline.office and u.hotline.leader and u.hotline.handlers and u.maintainers for u in repo.units.values()
    )


def test_demo_command_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "f").write_text("x")
    res = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "x"), "--months", "1", "--orders-per-month", "5"])
    assert res.exit_code == 1 and "不是空的" in res.output


def test_daily_commits_give_the_same_records_in_one_commit_a_day(tmp_path):
    """``--daily-commits`` (benchmarks at 100,000 orders): the same files in the end, at most one commit a day."""
    build(tmp_path / "each", CONFIG)
    s = build(tmp_path / "daily", DemoConfig(**{**CONFIG.__dict__, "daily": True}))
    assert git(tmp_path / "each", "rev-parse", "HEAD^{tree}") == git(tmp_path / "daily", "rev-parse", "HEAD^{tree}")
    days = git(tmp_path / "daily", "log", "--format=%cd", "--date=format:%Y-%m-%d").split()
    assert len(days) == len(set(days)) == s.commits


def test_demo_shows_repeats_a_knowledge_base_and_titles_that_match_their_category(demo):
    """Issue 21, point 18: ``repeats`` found nothing in the demo, the knowledge base was empty, and some titles
    contradicted the category (a 咨询… filed as 投诉, a reported problem as 建议)."""
    from hotline.load import load
    from hotline.office.repeats import suggest
    from hotline.records.knowledge import load_entries
    from hotline.reports.hot_topics import Vocabulary, unit_words

    repo = load(demo.root)
    groups = suggest(
        repo.orders,
        repo.rules.office,
        extra_words=unit_words(repo.units.values()),
        vocabulary=Vocabulary.of(repo.rules.reports),
    )
    assert len(groups) >= 3, groups
    entries, findings = load_entries(demo.root, set(repo.units))
    assert not findings and len(entries) >= 10 and len({e.meta.unit for e in entries}) >= 10
    assert sum(e.stale(demo.summary.snapshot.date()) for e in entries) == 1  # one for the site to flag 已过期
    for o in repo.orders:
        for word, category in (("咨询", "咨询"), ("建议", "建议"), ("举报", "举报"), ("申请", "求助")):
            if o.title.startswith(word):
                assert o.category == category, (o.id, o.title, o.category)
                break
        else:
            assert o.category not in ("咨询", "建议"), (o.id, o.title, o.category)
