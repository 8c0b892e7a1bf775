"""An order's timeline (工单时间线): each event with its declared time and the commit that recorded it.

``timeline(hist, ctx, path)`` matches the events of the order file as it is on disk with the history:
the commit that first recorded each one, its author and committer time (the time the record entered the
repository), and whether it was recorded late or dated after its commit. Events not committed yet have no
commit. ``recorded_order`` gives the order with each event's time replaced by its recorded time, for an
assessment that measures on recorded times (``history.measure_on: recorded`` in ``scoring/rules.yaml``);
``unit_change_commits`` gives the commit time of each unit change (assessment item 5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from hotline.history.audit import Timeliness
from hotline.history.store import CommitInfo, History, Removal
from hotline.records.context import Context
from hotline.records.models import Order, Unit
from hotline.records.yaml_items import fields, items_or_yaml, key_of
from hotline.times import format_time


@dataclass
class Entry:
    index: int  # 1-based
    line: int
    type: str | None
    unit: str | None
    at: str | None
    commit: CommitInfo | None
    late: bool = False
    future: bool = False
    rewritten: bool = False  # this event replaced an earlier version of itself
    original: str | None = None  # the earlier version's text, when rewritten
    unknown: bool = False  # recorded before the visible (shallow) history

    def as_dict(self) -> dict:
        c = self.commit
        return {
            "index": self.index,
            "type": self.type,
            "unit": self.unit,
            "at": self.at,
            "commit": c.sha if c else None,
            "author": c.author if c else None,
            "account": c.account if c else None,
            "committed_at": format_time(c.committed_at) if c else None,
            "late": self.late,
            "future": self.future,
            "rewritten": self.rewritten,
            "line": self.line,
        }


def timeline(
    hist: History, ctx: Context, path: str, text: str | None = None, timely: Timeliness | None = None
) -> list[Entry]:
    """The events of ``path`` (relative to the records root) as on disk (or as in ``text``), with their history
    (``timely``: ``Timeliness.of(hist, ctx)``, made once by a caller asking for many orders)."""
    if text is None:
        text = (Path(ctx.root) / path).read_text(encoding="utf-8", errors="replace")
    timely = timely or Timeliness.of(hist, ctx)
    replaced = {key_of(r.new_text): r.old_text for r in rewrites_of(hist, path) if r.new_text}
    out = []
    for n, (item, line) in enumerate(items_or_yaml(text, "events"), 1):
        f = fields(item)
        key = key_of(item)
        origin = hist.origin_of(path, item)
        e = Entry(n, line, f.get("type"), f.get("unit"), f.get("at"), None)
        if origin is not None:
            if origin.commit < 0:
                e.unknown = True
            else:
                e.commit = hist.commits[origin.commit]
                e.late, e.future = timely.judge(e.at, origin.commit)
            e.rewritten = key in replaced
            e.original = replaced.get(key)
        out.append(e)
    return out


def unit_change_commits(
    hist: History, root: Path, units: Mapping[str, Unit]
) -> dict[tuple[str, date, str], datetime | None]:
    """When each unit's ``changes`` entry (assessment item 5) was first committed: (unit, effective, note) →
    commit time, None for an entry not committed yet or recorded before a shallow clone's history."""
    out: dict[tuple[str, date, str], datetime | None] = {}
    for unit in units.values():
        if not unit.changes:
            continue
        try:
            text = (Path(root) / unit.path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found = items_or_yaml(text, "changes")
        for change, (item, _) in zip(unit.changes, found) if len(found) == len(unit.changes) else ():
            origin = hist.origin_of(unit.path, item)
            c = hist.commit(origin.commit) if origin is not None else None
            out[(unit.id, change.effective, change.note)] = c.committed_at if c else None
    return out


def rewrites_of(hist: History, path: str) -> list[Removal]:
    return hist.rewrites_by_path.get(path, [])


def recorded_order(order: Order, hist: History, ctx: Context) -> Order:
    """A copy of ``order`` whose events carry their recorded (commit) time where it is later than declared
    (events declared before ``history.audit_from`` keep their declared time)."""
    entries = timeline(hist, ctx, order.path)
    copy = order.model_copy(deep=True)
    if len(entries) != len(copy.events):
        return copy
    timely = Timeliness.of(hist, ctx)
    for ev, entry, orig in zip(copy.events, entries, order.events):
        ev.locate(orig.path, orig.line)
        if entry.commit is not None and not timely.exempt(entry.at):
            recorded = entry.commit.committed_at.replace(second=0)
            if recorded > ev.at:
                ev.at = recorded
    copy.locate(order.path, order.line)
    return copy


def measured_orders(hist: History | None, ctx: Context, orders: list[Order]) -> list[Order]:
    """The orders as the assessment measures them (``history.measure_on``): as declared, or — with
    ``recorded`` — each event at the time it entered the repository where that is later."""
    if hist is None or ctx.rules is None or ctx.rules.history.measure_on != "recorded":
        return orders
    return [recorded_order(o, hist, ctx) for o in orders]
