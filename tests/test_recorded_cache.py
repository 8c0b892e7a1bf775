"""The kept timelines (``history.recorded``, issue 13): each order's entry into the repository is kept by a
content key, and what the site is given from the cache always equals a fresh reading of the history — after a
commit that adds an event, after one that rewrites a recorded event, and after a change of the late-record
tolerance in the rules — while the orders nothing touched are taken from the cache."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from hotline.demo.repo import build
from hotline.demo.simulate import DemoConfig
from hotline.history import reader as history
from hotline.history import recorded
from hotline.load import load
from hotline.util import cache, parallel

CONFIG = DemoConfig(months=1, orders_per_month=40, seed=5, end=date(2026, 11, 27))
GIT = ["-c", "user.name=县热线办", "-c", "user.email=rexian@example.invalid"]


@pytest.fixture
def demo(tmp_path) -> Path:
    root = tmp_path / "repo"
    build(root, CONFIG)
    return root


def _events(root: Path) -> dict:
    repo = load(root)
    return recorded.recorded_events(history.read(root), repo.context, repo.orders, repo.digests())


def _fresh(root: Path) -> dict:
    with cache.disabled():
        return _events(root)


def _commit(root: Path, message: str) -> None:
    subprocess.run(["git", *GIT, "-C", str(root), "commit", "-qam", message], check=True)


def _timeline_calls(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = recorded.timeline

    def counting(hist, ctx, path, *rest):
        calls.append(path)
        return real(hist, ctx, path, *rest)

    monkeypatch.setattr(recorded, "timeline", counting)
    return calls


def test_kept_timelines_equal_a_fresh_reading_after_every_change(demo, monkeypatch):
    assert _events(demo) == _fresh(demo)
    calls = _timeline_calls(monkeypatch)
    kept = _events(demo)
    assert calls == [], "nothing changed: every order from the cache"
    assert kept == _fresh(demo)

    order = sorted(demo.glob("orders/*/*/*.yaml"))[3]
    rel = order.relative_to(demo).as_posix()
    text = order.read_text(encoding="utf-8")
    order.write_text(text + "  - {at: 2026-11-27 17:00, type: 督办, unit: jincun, by: 县热线办, kind: 电话}\n", "utf-8")
    _commit(demo, "督办")
    calls.clear()
    kept = _events(demo)
    assert calls == [rel], "only the order the commit touched is read again"
    assert kept == _fresh(demo)

    # rewrite its first recorded event: the cached answer must now say "rewritten", as a fresh one does
    first = re.search(r"(?m)^  - \{at: (\d{4}-\d\d-\d\d \d\d:\d\d)", order.read_text(encoding="utf-8"))
    assert first is not None
    order.write_text(order.read_text(encoding="utf-8").replace(first.group(1), "2020-01-01 08:00", 1), "utf-8")
    _commit(demo, "改写")
    after = _events(demo)
    assert after == _fresh(demo)
    oid = order.stem
    assert after[oid][0] is not None and after[oid][0].rewritten

    rules = demo / "scoring" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    changed = re.sub(r"late_record_tolerance_days: \d+", "late_record_tolerance_days: 0", text)
    assert changed != text
    rules.write_text(changed, encoding="utf-8")
    assert _events(demo) == _fresh(demo)


def test_timelines_shared_out_over_forked_workers_equal_those_of_one_process(demo):
    repo = load(demo)
    hist = history.read(demo)
    with cache.disabled():
        alone = recorded.recorded_events(hist, repo.context, repo.orders, repo.digests())
        shared = recorded.recorded_events(hist, repo.context, repo.orders, repo.digests(), parallel.fork_map)
    assert shared == alone and len(alone) == len(repo.orders)
    assert any(e is not None and e.commit for events in alone.values() for e in events)
