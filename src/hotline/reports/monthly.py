"""Monthly figures (月度统计): counts and the five rates by county and unit, lists, trends, the current picture.

Pure: takes order states derived as of one ``as_of`` (``Repository.states``), the rules and the units, and
returns plain values for the site and the documents. Definitions (shown on the site's 说明 page):

- A dispatch (派单) belongs to the month of its dispatch time; an order to the month it was received.
- The five rates (五率) of a set of dispatches share one denominator, "转办总件数": dispatches whose role is
  in ``assessment.denominator.roles``, without approved returns when ``exclude_returned`` (rules.yaml).
  及时接收率 = accepted in time; 按时办结率 = completed on time; 逾期率 = overdue (late reply or past due
  without one); 回访满意率 = the order's final callback (after a redo, the redo's) is in ``assessment.satisfied``;
  投诉举报率 = category in the categories of assessment item 8. The same measures as ``hotline.scoring``
  (items 7–11), so the monthly report and the assessment agree.
- Each rate counts only the dispatches whose outcome for it is settled (``lifecycle.settlement``); a month
  with unsettled dispatches is 暂定 (``MonthStats.unsettled``).
- Rates are exact fractions, shown as percentages rounded half up to two places.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from hotline.lifecycle.state import DispatchState, OrderState
from hotline.records.models import Unit
from hotline.records.rules import Rules
from hotline.scoring.measures import Policy, meets, percent, settled

RATE_NAMES = {
    "timely": "及时接收率",
    "on_time": "按时办结率",
    "overdue": "逾期率",
    "satisfied": "回访满意率",
    "complaints": "投诉举报率",
}
RATE_MEASURES = {  # each rate's measure in ``scoring.measures``
    "timely": "timely_receipt",
    "on_time": "on_time",
    "overdue": "overdue",
    "satisfied": "satisfied",
    "complaints": "complaints",
}
CATEGORIES = ("咨询", "建议", "求助", "投诉", "举报")


def month_of(t: datetime | date) -> str:
    return f"{t.year:04d}-{t.month:02d}"


def previous_month(month: str, back: int = 1) -> str:
    y, m = int(month[:4]), int(month[5:7]) - back
    while m < 1:
        y, m = y - 1, m + 12
    return f"{y:04d}-{m:02d}"


def month_label(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:7])}月"


def fmt_percent(p: Decimal | None) -> str:
    return "—" if p is None else f"{p}%"


@dataclass
class Rates:
    """The five rates' numerators, each over the dispatches of 转办总件数 whose outcome for it is settled."""

    total: int = 0  # 转办总件数
    timely: int = 0
    on_time: int = 0
    overdue: int = 0
    satisfied: int = 0
    complaints: int = 0
    settled: Counter = field(default_factory=Counter)  # rate key → dispatches settled for it (its denominator)
    unsettled: int = 0  # dispatches not settled for every rate: the figures are 暂定 while > 0

    def add(self, s: DispatchState, final_callback: str | None, policy: Policy) -> None:
        """Count one dispatch; ``final_callback`` is its order's last callback (after a redo, the redo's)."""
        if not policy.counts(s):
            return
        self.total += 1
        self.unsettled += bool(s.unsettled)
        for key, measure in RATE_MEASURES.items():
            if settled(measure, s):
                self.settled[key] += 1
                setattr(self, key, getattr(self, key) + meets(measure, s, final_callback, policy))

    def rate(self, key: str) -> Decimal | None:
        return percent(getattr(self, key), self.settled[key])

    def as_dict(self) -> dict:
        return {k: self.rate(k) for k in RATE_NAMES}


@dataclass
class UnitMonth:
    """One unit's month (单位月度情况)."""

    unit: str
    dispatches: list[DispatchState] = field(default_factory=list)
    rates: Rates = field(default_factory=Rates)
    lead: int = 0
    assist: int = 0
    redo: int = 0
    return_requests: int = 0
    returns_approved: int = 0
    extension_requests: int = 0
    extension_days: int = 0
    overdue: int = 0
    pending: int = 0


@dataclass
class MonthStats:
    month: str
    received: int
    by_category: Counter
    previous: int | None  # orders received the month before (None: no data that month)
    last_year: int | None
    county: Rates
    units: dict[str, UnitMonth]
    redo: list[DispatchState]
    returns: list[DispatchState]
    extensions: list[DispatchState]
    overdue: list[DispatchState]
    provisional: bool  # some date this month rests on a year without holiday data
    repeated_delay_units: list[tuple[str, int]]  # units with several overdue dispatches
    through: date | None = None  # the month is not over: figures up to this day, compared with the same days
    final: bool = True  # every dispatch of the month settled: its documents are no longer 暂定 (file names too)

    @property
    def unsettled(self) -> int:
        """Dispatches whose outcome is not known yet: the month's rates are 暂定 while > 0."""
        return self.county.unsettled


def _index(
    states: list[OrderState],
) -> tuple[dict[str, list[OrderState]], dict[str, list[tuple[DispatchState, str | None]]]]:
    orders: dict[str, list[OrderState]] = defaultdict(list)
    dispatches: dict[str, list[tuple[DispatchState, str | None]]] = defaultdict(list)
    for st in states:
        orders[month_of(st.order.received_at)].append(st)
        final = st.final_callback
        for s in st.dispatches:
            dispatches[month_of(s.dispatched_at)].append((s, final))
    return orders, dispatches


def monthly(
    states: list[OrderState], rules: Rules, units: dict[str, Unit], repeated_delay_min: int = 2
) -> dict[str, MonthStats]:
    """Every month with data → its figures (all as of the time the states were derived)."""
    policy = Policy.of(rules)
    orders, dispatches = _index(states)
    out: dict[str, MonthStats] = {}
    for month in sorted(set(orders) | set(dispatches)):
        sts = orders.get(month, [])
        pairs = sorted(dispatches.get(month, []), key=lambda p: (p[0].dispatched_at, p[0].order_id, p[0].unit))
        ds = [s for s, _ in pairs]
        county = Rates()
        per_unit: dict[str, UnitMonth] = {}
        for s, final in pairs:
            county.add(s, final, policy)
            um = per_unit.setdefault(s.unit, UnitMonth(s.unit))
            um.dispatches.append(s)
            um.rates.add(s, final, policy)
            um.lead += s.role == "主办"
            um.assist += s.role == "会办"
            um.redo += s.redo_at is not None
            um.return_requests += s.return_requested_at is not None
            um.returns_approved += s.returned
            um.extension_requests += s.extension_requests
            um.extension_days += s.extension_days
            um.overdue += s.was_late
            um.pending += not s.completed and not s.returned
        prev, ly = previous_month(month), previous_month(month, 12)
        repeated = sorted(
            ((u, m.overdue) for u, m in per_unit.items() if m.overdue >= repeated_delay_min),
            key=lambda x: (-x[1], x[0]),
        )
        out[month] = MonthStats(
            month=month,
            received=len(sts),
            by_category=Counter(st.order.category for st in sts),
            previous=len(orders[prev]) if prev in orders else None,
            last_year=len(orders[ly]) if ly in orders else None,
            county=county,
            units=dict(sorted(per_unit.items(), key=lambda kv: _unit_order(units, kv[0]))),
            redo=[s for s in ds if s.redo_at is not None],
            returns=[s for s in ds if s.return_requested_at is not None],
            extensions=[s for s in ds if s.extension_requests],
            overdue=[s for s in ds if s.was_late],
            provisional=any(s.provisional for s in ds),
            repeated_delay_units=repeated,
            final=not any(s.unsettled for s in ds),
        )
    return out


def month_to_date(stats: dict[str, MonthStats], states: list[OrderState], as_of: datetime) -> None:
    """While ``as_of``'s month is not over, compare it like with like: its orders received so far against
    those the month before and a year before received up to the same day and time of the month (或不比)."""
    ms = stats.get(month_of(as_of))
    nxt = date(as_of.year + as_of.month // 12, as_of.month % 12 + 1, 1)
    if ms is None or as_of >= datetime.combine(nxt, datetime.min.time()):
        return
    cut = (as_of.day, as_of.time())
    counts: Counter = Counter()
    months = set()
    for st in states:
        r = st.order.received_at
        months.add(month_of(r))
        counts[month_of(r)] += (r.day, r.time()) <= cut
    prev, ly = previous_month(ms.month), previous_month(ms.month, 12)
    ms.previous = counts[prev] if prev in months else None
    ms.last_year = counts[ly] if ly in months else None
    ms.through = as_of.date()


def _unit_order(units: dict[str, Unit], uid: str) -> tuple:
    u = units.get(uid)
    kind = {"乡镇": 0, "县直单位": 1, "热线管理机构": 2}.get(u.type if u else "", 3)
    return (kind, uid)


def unit_sort_key(units: dict[str, Unit]) -> Callable[[str], tuple]:
    return lambda uid: _unit_order(units, uid)


# --- the current picture (当前情况) -------------------------------------------------------------


@dataclass
class Current:
    """What is open as of ``as_of`` (督办): one list per kind, each of (order state, dispatch)."""

    as_of: datetime
    in_progress: list[tuple[OrderState, DispatchState]]
    due_soon: list[tuple[OrderState, DispatchState]]
    overdue: list[tuple[OrderState, DispatchState]]  # still open and past the deadline
    redo: list[tuple[OrderState, DispatchState]]
    pending_returns: list[tuple[OrderState, DispatchState]]
    pending_extensions: list[tuple[OrderState, DispatchState]]

    @property
    def provisional(self) -> bool:
        return any(s.provisional for lst in (self.in_progress, self.due_soon, self.overdue) for _, s in lst)


def current(states: list[OrderState], as_of: datetime) -> Current:
    c = Current(as_of, [], [], [], [], [], [])
    for st in states:
        for s in st.dispatches:
            pair = (st, s)
            if s.returned:
                continue
            if s.return_requested_at is not None and (
                s.return_reviewed_at is None or s.return_reviewed_at < s.return_requested_at
            ):
                c.pending_returns.append(pair)
            if s.pending_extension is not None:
                c.pending_extensions.append(pair)
            if s.completed:
                continue
            c.in_progress.append(pair)
            if s.in_redo:
                c.redo.append(pair)
            if s.overdue:
                c.overdue.append(pair)
            elif s.due_soon:
                c.due_soon.append(pair)
    for lst in (c.in_progress, c.due_soon, c.overdue, c.redo, c.pending_returns, c.pending_extensions):
        lst.sort(key=lambda p: (p[1].current_due, p[1].order_id, p[1].unit))
    return c
