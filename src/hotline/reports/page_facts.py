"""What the site's pages choose to show (页面取舍), decided here from a ``Publication`` so that the pages only
lay it out: the month the home page is about and the one it compares with, the months still 暂定, the order ids a
report links, the stale knowledge entries and each unit's share of the current work.
"""

from __future__ import annotations

from hotline.lifecycle.state import DispatchState, OrderState
from hotline.records.knowledge import Entry
from hotline.reports.monthly import MonthStats
from hotline.reports.publication import Publication


def home_month(model: Publication) -> tuple[str, MonthStats | None, MonthStats | None]:
    """The month the home page shows — this month, or the latest with data when this month has none yet — its
    figures (None: no orders at all) and those of the month before it (None: none)."""
    if model.this_month in model.stats:
        month = model.this_month
    else:
        month = model.months[-1] if model.months else model.this_month
    ms = model.stats.get(month)
    i = model.months.index(month) if ms else 0
    prev = model.stats.get(model.months[i - 1]) if i > 0 else None
    return month, ms, prev


def not_final(model: Publication, months: list[str]) -> set[str]:
    """Those of ``months`` whose figures are not final: the month is not over or some dispatch is unsettled."""
    return {m for m in months if not model.stats[m].final or model.stats[m].unsettled}


def linked_order_ids(model: Publication) -> set[str]:
    """The order ids the monthly reports' tables link to the order view: overdue dispatches, hot-topic examples."""
    ids = {s.order_id for m in model.stats.values() for s in m.overdue}
    ids |= {i for h in model.hot.values() for k in h.keywords for i in k.examples}
    ids |= {i for h in model.hot.values() for p in h.places for i in p.examples}
    return ids


def stale_entries(model: Publication, entries: list[Entry] | None = None) -> list[Entry]:
    """The knowledge entries (of ``entries``, every one when None) past their ``valid_until`` as of the build."""
    today = model.as_of.date()
    return [e for e in (model.entries if entries is None else entries) if e.stale(today)]


def entries_by_unit(model: Publication) -> dict[str, list[Entry]]:
    """The knowledge entries by unit — handling units in their order, then any other by id — each unit's by
    category and title."""
    by_unit: dict[str, list[Entry]] = {}
    for e in model.entries:
        by_unit.setdefault(e.meta.unit, []).append(e)
    order = {u: i for i, u in enumerate(model.handling_units)}
    return {
        uid: sorted(by_unit[uid], key=lambda e: (e.meta.category, e.meta.title))
        for uid in sorted(by_unit, key=lambda u: (order.get(u, 999), u))
    }


def unit_entries(model: Publication, uid: str) -> list[Entry]:
    return [e for e in model.entries if e.meta.unit == uid]


def unit_open(model: Publication, uid: str) -> list[tuple[OrderState, DispatchState]]:
    """The unit's dispatches still in progress."""
    return [(st, s) for st, s in model.current.in_progress if s.unit == uid]


def unit_months(model: Publication, uid: str) -> list[str]:
    """The months in which the unit had dispatches, oldest first."""
    return [m for m in model.months if uid in model.stats[m].units]
