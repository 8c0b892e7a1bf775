"""Git history for the site (时间线与入库时间): each order's events with the commit that recorded them, and
the commit time of each unit change (assessment item 5).

A thin adapter over the history reader (``hotline.history.read``) and its timeline (``hotline.timeline``):
their values become the site model's ``EventHistory`` (recorded time, commit, author, late and rewritten
flags) and the scoring engine's ``change_commits``. Outside a Git repository (or in one without commits)
both are None and the site says that no history was read.
"""

from __future__ import annotations

from pathlib import Path

from hotline.history import store as history
from hotline.load import Repository
from hotline.history.timeline import measured_orders, timeline, unit_change_commits
from hotline.site.model import EventHistory


def read_history(root: Path, repo: Repository):
    """(order id → per-event history, change key → commit time, the orders as the assessment measures
    them), or (None, None, None) without Git history."""
    try:
        hist = history.read(root)
    except history.gitcmd.GitError:
        return None, None, None
    if hist is None or not hist.head:
        return None, None, None
    events: dict[str, list[EventHistory | None]] = {}
    for order in repo.orders:
        entries = timeline(hist, repo.context, order.path)
        if len(entries) != len(order.events):  # the file was changed on disk after it was loaded
            continue
        events[order.id] = [
            EventHistory(e.commit.committed_at, e.commit.sha, e.commit.author, e.late or e.future, e.rewritten) if e.commit else None
            for e in entries
        ]
    return events, unit_change_commits(hist, root, repo.units), measured_orders(hist, repo.context, repo.orders)
