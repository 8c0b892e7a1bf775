"""The one pipeline's cache (issue 13): every command answers from it, every input that matters
invalidates it, and an answer from the cache is the answer without it.

A demo repository (real Git history, every kind of event) is read warm, then one input is changed —
a record, a unit, the rules, the holidays, the program version — and each command's output with the
cache is compared with ``--no-cache``. The files' times are set in the past first: the cache does not
trust an entry whose file changed within two seconds of it being written (``util.filecache``), and a
test run is faster than that.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

import hotline.records.context
from hotline.cli import main
from hotline.demo.repo import build
from hotline.demo.simulate import DemoConfig
from hotline.lifecycle.derive import derive
from hotline.load import load
from hotline.util import cache

CONFIG = DemoConfig(months=2, orders_per_month=60, seed=7, end=date(2026, 11, 27))
AS_OF = "2026-11-27 18:00"
COMMANDS = {
    "status": ["status", "--format", "json"],
    "status table": ["status"],
    "overdue": ["overdue", "list", "--format", "json"],
    "score": ["score", "--period", "2026-11", "--format", "json"],
    "check": ["check", "--format", "json", "--no-history"],
}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "repo"
    build(root, CONFIG)
    return root


@pytest.fixture
def demo(template, tmp_path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(template, root, symlinks=True)
    _age(root, 600)
    return root


def _age(root: Path, seconds: float, only: Path | None = None) -> None:
    """Give the files (or one file) a modification time ``seconds`` ago."""
    when = time.time() - seconds
    targets = [only] if only else [p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts]
    for p in targets:
        os.utime(p, (when, when))


def _run(root: Path, args: list[str], no_cache: bool = False) -> str:
    extra = ["--no-cache"] if no_cache else []
    result = CliRunner().invoke(main, [*args, "--root", str(root), "--as-of", AS_OF, *extra])
    assert result.exit_code in (0, 1), result.output
    return result.output


def _outputs(root: Path, no_cache: bool = False) -> dict[str, str]:
    return {name: _run(root, args, no_cache) for name, args in COMMANDS.items()}


def _entries(root: Path) -> dict[str, int]:
    """The cache's entry files and their modification times."""
    folder = cache.repo_dir(root)
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} if folder.is_dir() else {}


def _open_dispatch(root: Path) -> dict:
    rows = json.loads(_run(root, ["status", "--format", "json", "--open"], no_cache=True))
    return next(r for r in rows if r["status"] == "办理中")


def _change_record(root: Path) -> Path:
    row = _open_dispatch(root)
    path = next(root.glob(f"orders/*/*/{row['id']}.yaml"))
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text + f"  - {{at: 2026-11-27 17:59, type: 答复, unit: {row['unit']}, by: 王丽, text: 已办理}}\n",
        encoding="utf-8",
    )
    return path


def _change_unit(root: Path) -> Path:
    row = _open_dispatch(root)
    path = root / "units" / f"{row['unit']}.yaml"
    path.write_text(
        re.sub(r"(?m)^name: (.*)$", r"name: \1（更名）", path.read_text(encoding="utf-8"), count=1), encoding="utf-8"
    )
    return path


def _change_rules(root: Path) -> Path:
    path = root / "scoring" / "rules.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r"limits: \{咨询: \d+, 建议: \d+, 求助: \d+", "limits: {咨询: 4, 建议: 5, 求助: 9", text),
        encoding="utf-8",
    )
    return path


def _change_holidays(root: Path) -> Path:
    path = root / "scoring" / "holidays" / "2026.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    days = [
        date(2026, 11, 2) + timedelta(days=i)
        for i in range(0, 24)
        if (date(2026, 11, 2) + timedelta(days=i)).weekday() < 5
    ]
    path.write_text(
        "source: 测试用的假日安排\nholidays: [" + ", ".join(d.isoformat() for d in days[::3]) + "]\n", encoding="utf-8"
    )
    return path


CHANGES = {"record": _change_record, "unit": _change_unit, "rules": _change_rules, "holidays": _change_holidays}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_changed_input_reaches_every_command_and_the_cache_equals_no_cache(demo, change):
    before = _outputs(demo)  # fills the cache
    entries = _entries(demo)
    assert {"check.msgpack", "orders.msgpack"} <= set(entries)
    assert _outputs(demo) == before  # warm: every answer from the cache ...
    assert _entries(demo) == entries  # ... and nothing had to be read again (no entry rewritten)
    assert _outputs(demo, no_cache=True) == before

    changed = CHANGES[change](demo)
    _age(demo, 300, changed)  # in the past, but not the time it had
    after = _outputs(demo)
    assert after == _outputs(demo, no_cache=True)
    assert after != before  # the change shows (so a stale answer could not pass)
    assert _outputs(demo) == after  # and, warm again, stays


def test_a_new_program_version_reads_everything_again(demo, monkeypatch):
    before = _outputs(demo)
    entries = _entries(demo)
    monkeypatch.setattr(hotline.records.context, "__version__", "99.0.0")
    assert _outputs(demo) == before == _outputs(demo, no_cache=True)
    after = _entries(demo)
    assert after["orders.msgpack"] != entries["orders.msgpack"] and after["check.msgpack"] != entries["check.msgpack"]


@pytest.mark.parametrize(
    "moment", ["2026-10-01 08:00", "2026-10-20 12:00", "2026-11-10 09:30", AS_OF, "2027-03-01 09:00"]
)
def test_cached_replays_settled_at_any_moment_equal_a_fresh_derive(demo, moment):
    """Facts kept without ``as_of``, settled per run — and orders with events after the moment replayed again."""
    load(demo)  # fills the cache
    repo = load(demo)
    assert repo._facts is not None and len(repo._facts) == len(list((demo / "orders").rglob("*.yaml")))
    when = datetime.strptime(moment, "%Y-%m-%d %H:%M")
    fresh = [derive(o, repo.rules, repo.calendar, when) for o in load(demo, use_cache=False).orders]
    cached = repo.states(when)
    assert len(cached) == len(fresh)
    for a, b in zip(cached, fresh):
        assert a.order == b.order and a.order.path == b.order.path
        assert a.dispatches == b.dispatches and a.callbacks == b.callbacks and a.merged == b.merged
        assert a.findings == b.findings


def test_released_facts_leave_the_states_orders_and_digests_as_they_were(demo):
    """The site build lets the cached replays go once its states are settled (memory): the states already
    made still reach their orders, ``digests`` is unchanged, and a later ``states`` (derived afresh) is equal."""
    load(demo)
    repo = load(demo)
    when = datetime(2026, 11, 20, 12)
    states, digests = repo.states(when), repo.digests()
    repo.release_facts()
    assert repo._facts is None and repo.digests() == digests and len(digests) == len(states)
    assert [s.order for s in states] == load(demo, use_cache=False).orders
    again = repo.states(when)
    assert [(s.order, s.dispatches, s.callbacks, s.findings, s.merged) for s in again] == [
        (s.order, s.dispatches, s.callbacks, s.findings, s.merged) for s in states
    ]


def test_dispatches_kept_settled_equal_a_fresh_derive_before_at_and_after_they_settle(demo):
    """A dispatch is kept settled as of the moment its status stops changing (``derive.settled_from``) and reused
    as it is from then on: a minute before that moment it is settled afresh, at and after it the kept one is the
    fresh one — for moments where the demo's dispatches settle (every kind of event)."""
    load(demo)
    repo = load(demo)
    assert repo._facts is not None
    fresh_orders = load(demo, use_cache=False).orders
    kept = sorted({d.settled_from for f in repo._facts for d in f.dispatches if d.settled_from is not None})
    assert len(kept) > 20 and all(d.settled_from is not None for f in repo._facts for d in f.dispatches)
    for moment in kept[:: len(kept) // 12] + [kept[-1]]:
        for when in (moment - timedelta(minutes=1), moment, moment + timedelta(days=400)):
            cached = repo.states(when)
            fresh = [derive(o, repo.rules, repo.calendar, when) for o in fresh_orders]
            assert [a.dispatches for a in cached] == [b.dispatches for b in fresh], when
    after = kept[-1] + timedelta(days=1)
    late = next(s for st in repo.states(after) for s in st.dispatches if s.late_phases)
    expected = list(late.late_phases)
    late.late_phases.append("改动")  # the caller's own list: the kept one is left alone
    key = (late.order_id, late.unit, late.dispatched_at)
    again = next(s for st in repo.states(after) for s in st.dispatches if (s.order_id, s.unit, s.dispatched_at) == key)
    assert again.late_phases == expected


_AS_PROGRAM = """
import atexit, sys
atexit.register(lambda: print("freed at the end", file=sys.stderr))
from hotline.cli import run
sys.argv[0] = "hotline"
run()
"""


def _program(args: list[str]):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", _AS_PROGRAM, *args], capture_output=True, text=True)


def test_run_as_the_program_the_reading_commands_leave_at_once_with_their_output_and_exit_code(demo):
    """``hotline.cli.run`` (the ``hotline`` script, ``python -m hotline``): after ``status``, ``overdue list`` and
    ``score`` it leaves with ``os._exit`` — no ``atexit`` handler runs, nothing is freed — with the output (through
    a pipe, flushed) and the exit code of the same command run here; any other command ends as usual."""
    for name in ("status table", "overdue", "score"):
        args = [*COMMANDS[name], "--root", str(demo), "--as-of", AS_OF]
        here = CliRunner().invoke(main, args)
        there = _program(args)
        assert (there.returncode, there.stdout) == (here.exit_code, here.stdout)
        assert there.stdout.strip() not in ("", "[]") and len(there.stdout) > 300  # something was listed
        assert "freed at the end" not in there.stderr
    wrong = _program(["status", "--unit", "不存在的单位", "--root", str(demo), "--as-of", AS_OF])
    assert wrong.returncode == 2 and "不存在的单位" in wrong.stderr and "freed at the end" not in wrong.stderr
    checked = _program(COMMANDS["check"] + ["--root", str(demo), "--as-of", AS_OF])
    assert (
        checked.returncode in (0, 1)
        and "findings" in json.loads(checked.stdout)
        and "freed at the end" in checked.stderr
    )


def test_orders_rebuilt_from_the_cache_equal_the_validated_ones(demo):
    load(demo)
    cached, fresh = load(demo).orders, load(demo, use_cache=False).orders
    assert cached == fresh
    for a, b in zip(cached, fresh):
        assert (a.path, a.line, a.model_fields_set) == (b.path, b.line, b.model_fields_set)
        assert [(e.path, e.line, type(e), e.model_fields_set) for e in a.events] == [
            (e.path, e.line, type(e), e.model_fields_set) for e in b.events
        ]
        assert a.model_dump_json() == b.model_dump_json()


def test_cached_orders_share_their_field_sets_and_recorded_copies_leave_them_alone(demo):
    """Orders from the cache share one ``model_fields_set`` per kind and fields given (memory); the only
    assignment to such a model's fields — ``recorded_order``'s, on a deep copy — must not reach the shared set."""
    from hotline.history import reader as history
    from hotline.history.timeline import recorded_order

    load(demo)
    repo = load(demo)
    orders = repo.orders
    accepts = [e for o in orders for e in o.events if e.type == "接收"]
    assert len({id(e.model_fields_set) for e in accepts}) < len(accepts)  # shared, not one set each
    before = [sorted(e.model_fields_set) for o in orders for e in o.events]
    hist = history.read(demo)
    for o in orders:
        copy = recorded_order(o, hist, repo.context)
        for e in copy.events:
            e.note = "改动副本"  # a field most events were not given
    assert [sorted(e.model_fields_set) for o in orders for e in o.events] == before


def test_one_process_gives_the_same_check_as_forked_workers(demo, monkeypatch):
    import hotline.load as pipeline

    monkeypatch.setattr(pipeline, "PARALLEL_MIN", 1)  # fork even for a small repository
    forked = pipeline.run_check(demo, datetime(2026, 11, 27, 18), use_cache=False, jobs=2)
    monkeypatch.setenv("HOTLINE_NO_FORK", "1")
    single = pipeline.run_check(demo, datetime(2026, 11, 27, 18), use_cache=False, jobs=2)
    assert forked == single and forked
    assert pipeline.load(demo, use_cache=False, jobs=2).findings == pipeline.load(demo, jobs=2).findings


def _git(root: Path, *args: str) -> None:
    import subprocess

    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "测试",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "测试",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_unit_versions_from_the_kept_log_equal_a_fresh_log(demo):
    from hotline.history.unit_versions import read_versions

    def both():
        cached = read_versions(demo)
        with cache.disabled():
            fresh = read_versions(demo)
        assert cached == fresh
        return cached

    first = both()
    path = _change_unit(demo)
    _git(demo, "commit", "-qam", "单位更名")
    second = both()  # the kept log plus the new commit
    assert second != first
    path.write_text(path.read_text(encoding="utf-8").replace("（更名）", "（再更名）"), encoding="utf-8")
    _git(demo, "commit", "-q", "--amend", "-am", "单位更名（改写）")
    assert both() != second  # the kept head is no longer on the main line: logged afresh


def _commit_order(root: Path, rel: str, text: str, when: str) -> None:
    """Write an order file and commit it dated ``when`` (the committer date: when the record entered the repository)."""
    import subprocess

    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    _git(root, "add", rel)
    dated = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    dated |= {"GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    dated |= {"GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", "-C", str(root), "commit", "-q", "-m", rel], check=True, capture_output=True, env=dated)


def _order_text(oid: str, received: str, events: list[str]) -> str:
    return f"id: {oid}\ntitle: 测试\ncategory: 咨询\nreceived_at: {received}\ncontent: 测试\nevents:\n" + "".join(
        f"  - {{{e}}}\n" for e in events
    )


def _dispatched(root: Path, period: str, unit: str, no_cache: bool = False) -> tuple[int, list[str], str]:
    out = _run(root, ["score", "--period", period, "--format", "json"], no_cache)
    u = next(u for u in json.loads(out)["units"] if u["unit"] == unit)
    return u["dispatched"], [e["ref"] for e in u["evidence"].get("16", [])], out


@pytest.mark.parametrize("measure_on", ["declared", "recorded"])
def test_a_period_scored_from_the_orders_it_may_read_equals_no_cache(demo, measure_on):
    """``score --period`` decodes only the orders whose span meets the period (from the cached facts); the
    assessment is the one over every order: an order received before the period but dispatched in it, a
    special supervision in November of an order dispatched in October, and — measured on recorded times — an
    order declared dispatched in September but committed in October."""
    from hotline.reports.sources import period_orders
    from hotline.scoring import parse_period

    rules = demo / "scoring" / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("measure_on: declared", f"measure_on: {measure_on}"))
    unit = "wenlv"
    before = {p: _dispatched(demo, p, unit)[:2] for p in ("2026-10", "2026-11")}
    send = f"type: 派单, unit: {unit}, role: 主办, by: 县热线办"
    _commit_order(
        demo,
        "orders/2026/09/JC2026093000901.yaml",
        _order_text("JC2026093000901", "2026-09-30 16:00", [f"at: 2026-10-08 09:00, {send}"]),
        "2026-10-08T09:05:00+08:00",
    )
    b = _order_text("JC2026100900902", "2026-10-09 09:00", [f"at: 2026-10-09 09:30, {send}"])
    _commit_order(demo, "orders/2026/10/JC2026100900902.yaml", b, "2026-10-09T09:35:00+08:00")
    special = f"at: 2026-11-10 09:00, type: 督办, unit: {unit}, kind: 专项, level: 市, by: 县热线办, note: 专项督办"
    _commit_order(demo, "orders/2026/10/JC2026100900902.yaml", b + f"  - {{{special}}}\n", "2026-11-10T09:05:00+08:00")
    late = _order_text("JC2026092900903", "2026-09-29 09:00", [f"at: 2026-09-29 10:00, {send}"])
    _commit_order(demo, "orders/2026/09/JC2026092900903.yaml", late, "2026-10-09T10:00:00+08:00")
    _age(demo, 600)

    october, october_refs, out = _dispatched(demo, "2026-10", unit)
    assert october == before["2026-10"][0] + (3 if measure_on == "recorded" else 2)
    november, november_refs, out_nov = _dispatched(demo, "2026-11", unit)
    assert november == before["2026-11"][0] and "JC2026100900902" in november_refs
    assert "JC2026100900902" not in before["2026-11"][1] + october_refs
    for period, warm in (("2026-10", out), ("2026-11", out_nov)):
        assert _run(demo, ["score", "--period", period, "--format", "json"]) == warm  # warm: from the cache
        assert _dispatched(demo, period, unit, no_cache=True)[2] == warm
    repo = load(demo)
    assert repo._facts is not None
    chosen = period_orders(repo, parse_period("2026-10"))
    assert 0 < len(chosen) < len(repo._facts)  # the selection reads fewer orders than there are
