"""What publishing reads besides the records (发布的其他来源): hand-written advice and the Git history.

- ``read_advice``: the optional hand-written 下步工作建议 of a month, ``reports/YYYY-MM.md``;
- ``read_history``: a thin adapter over the history reader (``hotline.history``): each order's events with
  the commit that recorded them (``EventHistory``), the commit times of unit changes (assessment item 5)
  and the orders as the assessment measures them. Outside a Git repository all three are None.
- ``scoring_history``: only what the assessment reads of it (``hotline score``), for the orders a period's
  assessment may read (``period_orders``); ``read_unit_versions``: the unit files as they stood (items 1–4, 6).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Mapping
from datetime import datetime, time
from pathlib import Path

from hotline.history import reader as history
from hotline.history.recorded import EventHistory, recorded_events
from hotline.history.store import History
from hotline.history.timeline import measured_orders, unit_change_commits
from hotline.history.unit_versions import keep_log, read_versions
from hotline.load import Repository
from hotline.records.models import Order
from hotline.records.units import UnitVersions
from hotline.scoring import ChangeKey, Period
from hotline.util import nofollow
from hotline.util.parallel import Mapper
from hotline.workdays import end_of

ChangeCommits = Mapping[ChangeKey, datetime | None]

ADVICE_DIR = "reports"  # optional hand-written 下步工作建议: reports/YYYY-MM.md in the records folder


def read_advice(root: Path) -> dict[str, str]:
    folder = root / ADVICE_DIR
    if not folder.is_dir():
        return {}
    return {
        p.stem: nofollow.read_bytes(p).decode("utf-8") for p in sorted(folder.glob("????-??.md")) if not p.is_symlink()
    }


def walk_history(root: Path) -> None:
    """Bring the history cache and the kept log of the unit files up to HEAD (the walk ``read_history`` would do,
    the log ``read_unit_versions`` reads), keeping no answer: run in a forked process while the records are read
    (``util.parallel.in_background``); a failure shows again in ``read_history`` or ``read_unit_versions``. The
    unit files' log is a second ``git log`` of the whole history: it runs in a thread beside the walk."""

    def unit_log() -> None:
        with contextlib.suppress(history.gitcmd.GitError):
            keep_log(root)

    units = threading.Thread(target=unit_log)
    units.start()
    try:
        with contextlib.suppress(history.gitcmd.GitError):
            history.read(root)
    finally:
        units.join()


def _read(root: Path) -> History | None:
    """The records' Git history, or None outside a Git repository (or one without commits)."""
    try:
        hist = history.read(root)
    except history.gitcmd.GitError:
        return None
    return hist if hist is not None and hist.head else None


def read_history(
    root: Path, repo: Repository, mapper: Mapper | None = None
) -> tuple[dict[str, list[EventHistory | None]] | None, ChangeCommits | None, list[Order] | None]:
    """(order id → per-event history, change key → commit time, the orders as the assessment measures
    them), or (None, None, None) without Git history. ``mapper``: see ``recorded_events``."""
    hist = _read(root)
    if hist is None:
        return None, None, None
    events = recorded_events(hist, repo.context, repo.orders, repo.digests(), mapper)
    return events, unit_change_commits(hist, root, repo.units), measured_orders(hist, repo.context, repo.orders)


def scoring_history(
    root: Path, repo: Repository, period: Period | None = None
) -> tuple[ChangeCommits | None, list[Order]]:
    """What the assessment reads of the history: the commit time of each unit change (item 5; None outside a
    Git repository) and the orders as the assessment measures them (``history.measure_on``; as they are outside
    Git) — with ``period``, only those its assessment may read (``period_orders``)."""
    orders = repo.orders if period is None else period_orders(repo, period)
    hist = _read(root)
    if hist is None:
        return None, orders
    return unit_change_commits(hist, root, repo.units), measured_orders(hist, repo.context, orders)


def period_orders(repo: Repository, period: Period) -> list[Order]:
    """The orders an assessment of ``period`` may read (a superset; ``scoring.inputs.collect`` and the special
    supervisions select exactly): those whose span (receipt and events, earliest to latest) meets the period:
    every order with a dispatch or a supervision in it. Measured on recorded times an event can only move later:
    there, every order whose receipt or earliest event is before the period's end."""
    end = end_of(period.end)
    recorded = repo.rules.history.measure_on == "recorded"
    return repo.orders_during(None if recorded else datetime.combine(period.start, time(0, 0)), end)


def read_unit_versions(root: Path) -> UnitVersions | None:
    """Every version of each unit file (items 1–4 and 6 as they stood at the period's end); None outside Git."""
    try:
        return read_versions(root)
    except history.gitcmd.GitError:
        return None
