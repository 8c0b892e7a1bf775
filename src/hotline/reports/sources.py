"""What publishing reads besides the records (发布的其他来源): hand-written advice and the Git history.

- ``read_advice``: the optional hand-written 下步工作建议 of a month, ``reports/YYYY-MM.md``;
- ``read_history``: a thin adapter over the history reader (``hotline.history``): each order's events with
  the commit that recorded them (``EventHistory``), the commit times of unit changes (assessment item 5)
  and the orders as the assessment measures them. Outside a Git repository all three are None.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from hotline.history import reader as history
from hotline.history.recorded import recorded_events
from hotline.history.timeline import measured_orders, unit_change_commits
from hotline.load import Repository
from hotline.util import nofollow

ADVICE_DIR = "reports"  # optional hand-written 下步工作建议: reports/YYYY-MM.md in the records folder


def read_advice(root: Path) -> dict[str, str]:
    folder = root / ADVICE_DIR
    if not folder.is_dir():
        return {}
    return {
        p.stem: nofollow.read_bytes(p).decode("utf-8") for p in sorted(folder.glob("????-??.md")) if not p.is_symlink()
    }


def walk_history(root: Path) -> None:
    """Bring the history cache up to HEAD (the walk ``read_history`` would do), keeping no answer: run in a forked
    process while the records are read (``util.parallel.in_background``); a failure shows again in ``read_history``."""
    with contextlib.suppress(history.gitcmd.GitError):
        history.read(root)


def read_history(root: Path, repo: Repository):
    """(order id → per-event history, change key → commit time, the orders as the assessment measures
    them), or (None, None, None) without Git history."""
    try:
        hist = history.read(root)
    except history.gitcmd.GitError:
        return None, None, None
    if hist is None or not hist.head:
        return None, None, None
    events = recorded_events(hist, repo.context, repo.orders, repo.digests())
    return events, unit_change_commits(hist, root, repo.units), measured_orders(hist, repo.context, repo.orders)
