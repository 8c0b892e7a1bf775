"""The hotline office's own timeliness (热线办自身的时效): measured, not scored; ``hotline check`` warns
(``dispatch-late``, ``review-late``, ``return-not-redispatched``) and the site shows the figures.

Tasks of the office in an order, each with the day it is due by:
- 派单: the first dispatch, on the day of receipt — by the end of the next working day when the order was
  received on a rest day or after ``deadlines.receipt_cutoff`` (the same rule as the units' receipt);
- 退回审核 / 延期审核: the review of a unit's return or extension request, within ``office.review_days``
  working days of the request;
- 转派: after an approved return, a new dispatch within ``office.review_days`` working days of the
  approval; until it comes the order is 待转派.
Pure: the order, the rules, the calendar and (for what is still open) an explicit ``as_of``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from hotline.findings import Finding
from hotline.lifecycle.state import OrderState
from hotline.records.context import Context
from hotline.records.models import Order, unit_of
from hotline.records.rules import Rules
from hotline.times import format_date, format_time
from hotline.workdays import WorkCalendar, end_of

KINDS = ("派单", "退回审核", "延期审核", "转派")


@dataclass
class Task:
    """One thing the office had to do for an order, and when it did it."""

    kind: str  # one of KINDS
    order_id: str
    path: str
    unit: str | None
    since: datetime  # receipt, request or approval
    due: date  # to be done by the end of this day
    line: int  # the line that started it (the order's id line for 派单)
    done_at: datetime | None = None
    done_line: int = 0

    @property
    def late(self) -> bool:
        return self.done_at is not None and self.done_at >= end_of(self.due)

    def late_as_of(self, as_of: datetime) -> bool:
        return self.late or (self.done_at is None and as_of >= end_of(self.due))


def _dispatch_by(received: datetime, rules: Rules, calendar: WorkCalendar) -> date:
    day = received.date()
    if calendar.is_workday(day) and received.time() <= rules.deadlines.receipt_cutoff:
        return day
    return calendar.next_workday(day).day


def tasks(order: Order, rules: Rules, calendar: WorkCalendar) -> list[Task]:
    """The office's tasks in ``order``, in the order they arose."""
    days = rules.office.review_days
    out: list[Task] = []
    first = Task(
        "派单",
        order.id,
        order.path,
        None,
        order.received_at,
        _dispatch_by(order.received_at, rules, calendar),
        order.line,
    )
    out.append(first)
    pending: dict[tuple[str, str | None], Task] = {}
    redispatch: list[Task] = []
    for ev in order.events:
        unit = unit_of(ev)
        if ev.type == "派单":
            if first.done_at is None:
                first.done_at, first.done_line, first.unit = ev.at, ev.line, unit
            for t in redispatch:
                if t.done_at is None and ev.at >= t.since:
                    t.done_at, t.done_line = ev.at, ev.line
        elif ev.type in ("退回申请", "延期申请"):
            kind = "退回审核" if ev.type == "退回申请" else "延期审核"
            t = Task(kind, order.id, order.path, unit, ev.at, calendar.add_workdays(ev.at.date(), days).day, ev.line)
            pending[(kind, unit)] = t
            out.append(t)
        elif ev.type in ("退回审核", "延期审核"):
            request = pending.pop((ev.type, unit), None)
            if request is not None:
                request.done_at, request.done_line = ev.at, ev.line
            if ev.type == "退回审核" and ev.approved:
                r = Task(
                    "转派", order.id, order.path, unit, ev.at, calendar.add_workdays(ev.at.date(), days).day, ev.line
                )
                redispatch.append(r)
                out.append(r)
    return out


_WHAT = {"派单": "收件后派单", "退回审核": "审核退回申请", "延期审核": "审核延期申请", "转派": "同意退回后重新派单"}


def office_findings(order: Order, state: OrderState, ctx: Context) -> list[Finding]:
    """``dispatch-late``, ``review-late`` and ``return-not-redispatched`` for one order (warnings)."""
    if ctx.rules is None:
        return []
    return task_findings(tasks(order, ctx.rules, ctx.calendar))


def task_findings(ts: Iterable[Task]) -> list[Finding]:
    out = []
    for t in ts:
        who = f"（{t.unit}）" if t.unit else ""
        if t.late:
            code = "review-late" if t.kind in ("退回审核", "延期审核") else "dispatch-late"
            out.append(
                Finding(
                    t.path,
                    t.done_line,
                    code,
                    f"热线办{_WHAT[t.kind]}{who}应在 {format_date(t.due)} 前完成，实际为 {format_time(t.done_at)}",
                )
            )
        elif t.done_at is None and t.kind == "转派":
            out.append(
                Finding(
                    t.path,
                    t.line,
                    "return-not-redispatched",
                    f"{t.unit} 的退回已于 {format_time(t.since)} 同意，尚未重新派单（待转派，应在 {format_date(t.due)} 前转派）",
                )
            )
    return out


@dataclass
class Figures:
    """A month's figures of one kind of task (派单、退回审核、延期审核、转派)."""

    month: str
    kind: str
    total: int = 0
    on_time: int = 0
    late: int = 0
    open_late: int = 0  # not done, past due as of as_of
    open: int = 0  # not done, not yet due

    @property
    def rate(self) -> float | None:
        done = self.on_time + self.late + self.open_late
        return self.on_time / done if done else None


def figures(orders: Iterable[Order], rules: Rules, calendar: WorkCalendar, as_of: datetime) -> list[Figures]:
    """Per month (of the task's start) and kind: how many tasks, on time, late, still open."""
    table: dict[tuple[str, str], Figures] = {}
    for order in orders:
        if order.received_at > as_of:
            continue
        for t in tasks(order, rules, calendar):
            if t.since > as_of:
                continue
            if t.done_at is not None and t.done_at > as_of:
                t.done_at = None
            month = f"{t.since:%Y-%m}"
            f = table.setdefault((month, t.kind), Figures(month, t.kind))
            f.total += 1
            if t.done_at is None:
                if as_of >= end_of(t.due):
                    f.open_late += 1
                else:
                    f.open += 1
            elif t.late:
                f.late += 1
            else:
                f.on_time += 1
    return [table[k] for k in sorted(table, key=lambda k: (k[0], KINDS.index(k[1])))]


def awaiting_redispatch(orders: Iterable[Order], rules: Rules, calendar: WorkCalendar, as_of: datetime) -> list[Task]:
    """待转派: approved returns with no new dispatch yet, as of ``as_of`` (oldest first)."""
    out = []
    for order in orders:
        for t in tasks(order, rules, calendar):
            if t.kind == "转派" and t.since <= as_of and (t.done_at is None or t.done_at > as_of):
                t.done_at = None
                out.append(t)
    return sorted(out, key=lambda t: (t.since, t.order_id))


def by_month(fs: Iterable[Figures]) -> dict[str, dict[str, Figures]]:
    out: dict[str, dict[str, Figures]] = defaultdict(dict)
    for f in fs:
        out[f.month][f.kind] = f
    return dict(out)
