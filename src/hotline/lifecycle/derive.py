"""The lifecycle of a work order's dispatches (工单办理流程), derived from its events.

``derive(order, rules, calendar, as_of)`` replays the events in file order, one small handler per event
type (``HANDLERS``), and returns for each dispatch (派单) its deadline (with approved extensions and the
redo deadline), its status as of ``as_of`` (``status.settle``), and the findings for events that break
the rules. Pure: no clock, no disk.

Rules applied (all numbers come from ``scoring/rules.yaml``):
- deadline: the N-th working day after the dispatch date, N by category (§二(三)3);
- timely receipt: accepted the day of dispatch; if dispatched on a rest day or after the cut-off, by the
  end of the next working day ("当天工单当天处理");
- return: requested within the window after dispatch (§二(二)5); approved ends the dispatch;
- extension: before the deadline, never for an emergency order, in all at most the category's limit,
  approved days at most the requested days (§二(三)3(4));
- redo: once, after a first callback of 不满意, with its own deadline from the redo (§二(二)4);
- review: one 审核 per 延期申请 or 退回申请; a second is refused (decided 2026-12-07).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hotline.findings import Finding
from hotline.lifecycle.settlement import unsettled
from hotline.lifecycle.state import DispatchState, OrderState
from hotline.lifecycle.status import settle
from hotline.records.models import (
    REPLY_TYPES,
    Accept,
    Callback,
    Contact,
    Dispatch,
    DutyStatement,
    ExtensionRequest,
    ExtensionReview,
    Handover,
    Merge,
    Order,
    Redo,
    Reply,
    ReturnRequest,
    ReturnReview,
    Supervision,
)
from hotline.records.rules import AssessmentRules, Rules
from hotline.times import format_date, format_time
from hotline.workdays import Deadline, WorkCalendar, end_of

__all__ = ["DispatchState", "OrderState", "derive", "settle_at", "settled_from"]

# rules.yaml's default for assessment.callback_wait_days, for rules without an assessment part
_DEFAULT_CALLBACK_WAIT: int = AssessmentRules.model_fields["callback_wait_days"].default


@dataclass
class Replay:
    """The state of one replay: what handlers read and change."""

    order: Order
    rules: Rules
    calendar: WorkCalendar
    findings: list[Finding] = field(default_factory=list)
    dispatches: list[DispatchState] = field(default_factory=list)
    current: dict[str, DispatchState] = field(default_factory=dict)
    callbacks: list[tuple[datetime, str]] = field(default_factory=list)
    redone: set[str] = field(default_factory=set)
    merged_into: str | None = None
    merged_at: datetime | None = None
    extension_reviewed: dict[str, int] = field(default_factory=dict)  # unit → line of the review of its last request

    @property
    def limit(self) -> int:
        return self.rules.deadlines.limits[self.order.category]

    def find(self, code: str, line: int, msg: str) -> None:
        self.findings.append(Finding(self.order.path, line, code, msg))


# each handler takes its own event type (``Any`` here: a table of handlers, one per type)
OrderHandler = Callable[[Replay, Any], None]
DispatchHandler = Callable[[Replay, DispatchState, Any], None]


def derive(order: Order, rules: Rules, calendar: WorkCalendar, as_of: datetime | None = None) -> OrderState:
    """Replay ``order``'s events (those at or before ``as_of``, all when None) into dispatch states."""
    r = Replay(order, rules, calendar)
    previous_at, previous_line = order.received_at, order.line
    for ev in order.events:
        if as_of is not None and ev.at > as_of:
            break
        if ev.at < previous_at:
            what = "收件时间" if previous_line == order.line else f"上一条事件（第 {previous_line} 行）"
            r.find(
                "event-order",
                ev.line,
                f"{ev.type}时间 {format_time(ev.at)} 早于{what} {format_time(previous_at)}：事件应按时间顺序追加",
            )
        previous_at, previous_line = max(previous_at, ev.at), ev.line
        if ev.type in ORDER_HANDLERS:
            ORDER_HANDLERS[ev.type](r, ev)
            continue
        s = _dispatch_of(r, ev)
        if s is not None:
            HANDLERS[ev.type](r, s, ev)
    when = as_of if as_of is not None else max([order.received_at] + [e.at for e in order.events])
    for s in r.dispatches:
        s.merged_into, s.merged_at = r.merged_into, r.merged_at
        settle_at(s, when, rules, calendar)
    return OrderState(order, r.dispatches, r.callbacks, r.findings, r.merged_into)


def settle_at(s: DispatchState, when: datetime, rules: Rules, calendar: WorkCalendar) -> None:
    """Every field of ``s`` that depends on the moment: its status (``status.settle``) and what is not yet settled."""
    settle(s, when, calendar, rules.deadlines.due_soon_days)
    s.unsettled = unsettled(s, when, calendar, _callback_wait(rules))


def _callback_wait(rules: Rules) -> int:
    return rules.assessment.callback_wait_days if rules.assessment else _DEFAULT_CALLBACK_WAIT


def settled_from(s: DispatchState, rules: Rules, calendar: WorkCalendar) -> datetime:
    """A moment from which ``settle_at`` sets the same values in ``s`` whatever the moment (given its events): the
    latest moment any of them can change at — the end of the acceptance window (``timely_receipt``), of the
    deadline and of the redo deadline (the late phases, ``overdue``; ``due_soon`` ends with the deadline), and of
    the wait for the callback after the reply, or after the deadline when there is none (``settlement.unsettled``)."""
    base = (s.redo_reply_at or s.reply_at).date() if s.completed else s.current_due  # type: ignore[union-attr]
    days = [s.due, s.current_due, calendar.add_workdays(base, _callback_wait(rules)).day]
    days += [d for d in (s.accept_by, s.redo_due) if d is not None]
    return end_of(max(days))


def _dispatch_of(r: Replay, ev: Any) -> DispatchState | None:
    """The open dispatch an event of a unit (``ev``: any type but 回访 and 并单) belongs to, or None (with a finding)."""
    s = r.current.get(ev.unit)
    if s is None:
        r.find("no-dispatch", ev.line, f"{ev.type}事件的单位 {ev.unit} 没有被派单：请先记录对该单位的派单")
        return None
    if s.returned:
        r.find("event-order", ev.line, f"{ev.unit} 的退回申请已获同意，该单位不应再有{ev.type}事件")
        return None
    if ev.at < s.dispatched_at:
        r.find("event-order", ev.line, f"{ev.type}时间早于对 {ev.unit} 的派单时间 {format_time(s.dispatched_at)}")
    return s


def _dispatch(r: Replay, ev: Dispatch) -> None:
    if ev.unit in r.current and not r.current[ev.unit].returned:
        r.find("event-order", ev.line, f"{ev.unit} 已有未结束的派单，不能重复派单")
        return
    r.extension_reviewed.pop(ev.unit, None)
    due = r.calendar.due(ev.at, r.limit)
    accept_by = _accept_by(ev.at, r.rules, r.calendar)
    state = DispatchState(
        r.order.id,
        ev.unit,
        ev.role,
        ev.at,
        ev.line,
        r.order.category,
        due.day,
        due.day,
        provisional=due.provisional or accept_by.provisional,
        accept_by=accept_by.day,
    )
    r.dispatches.append(state)
    r.current[ev.unit] = state


def _callback(r: Replay, ev: Callback) -> None:
    if not any(s.reply_at for s in r.dispatches):
        r.find("event-order", ev.line, "回访之前还没有任何单位答复")
    r.callbacks.append((ev.at, ev.result))
    for s in r.dispatches:
        last_reply = s.redo_reply_at or s.reply_at
        if last_reply and last_reply <= ev.at:
            s.callback_after_reply = ev.result


def _accept(r: Replay, s: DispatchState, ev: Accept) -> None:
    if s.accepted_at is None:
        s.accepted_at, s.office = ev.at, ev.office or s.office


def _contact(r: Replay, s: DispatchState, ev: Contact) -> None:
    s.contacted_at = s.contacted_at or ev.at


def _hand_over(r: Replay, s: DispatchState, ev: Handover) -> None:
    s.office = ev.office


def _reply(r: Replay, s: DispatchState, ev: Reply | DutyStatement) -> None:
    if s.contacted_at is None:
        s.replies_without_contact.append(ev.line)
    s.callback_after_reply = None
    if s.in_redo:
        s.redo_reply_at = ev.at
    elif s.reply_at is None:
        s.reply_at = ev.at


def _redo(r: Replay, s: DispatchState, ev: Redo) -> None:
    first = r.callbacks[0][1] if r.callbacks else None
    if s.redo_at is not None or ev.unit in r.redone:
        r.find("redo-invalid", ev.line, f"{ev.unit} 已重办过一次：重办次数为 1 次（§二(二)4）")
    elif first != "不满意":
        why = "还没有回访结果" if first is None else f"首次回访结果为“{first}”"
        r.find("redo-invalid", ev.line, f"重办须在首次回访为“不满意”之后，{why}（§二(二)4）")
    elif s.reply_at is None:
        r.find("redo-invalid", ev.line, f"{ev.unit} 尚未答复，不能重办")
    else:
        r.redone.add(ev.unit)
        redo_due = r.calendar.due(ev.at, r.rules.deadlines.redo_days)
        s.redo_at, s.redo_due, s.callback_after_reply = ev.at, redo_due.day, None
        s.provisional = s.provisional or redo_due.provisional


def _return_request(r: Replay, s: DispatchState, ev: ReturnRequest) -> None:
    days = r.rules.deadlines.return_window_days
    window = r.calendar.add_workdays(s.dispatched_at.date(), days)
    s.provisional = s.provisional or window.provisional
    if ev.at >= end_of(window.day):
        r.find(
            "return-late",
            ev.line,
            f"退回申请应在派单后 {days} 个工作日内（{format_date(window.day)} 前）提出，实际为 {format_time(ev.at)}（§二(二)5）",
        )
    if s.reply_at is not None:
        r.find("event-order", ev.line, f"{ev.unit} 已经答复，不能再申请退回")
    s.return_requested_at = ev.at


def _return_review(r: Replay, s: DispatchState, ev: ReturnReview) -> None:
    if s.return_requested_at is None:
        r.find("event-order", ev.line, f"退回审核之前没有 {ev.unit} 待审核的退回申请")
        return
    if s.return_reviewed_at is not None and s.return_reviewed_at >= s.return_requested_at:
        r.find("event-order", ev.line, f"{ev.unit} 的退回申请已经审核过：每个退回申请只审核一次")
        return
    s.return_reviewed_at, s.return_approved = ev.at, ev.approved


def _extension_request(r: Replay, s: DispatchState, ev: ExtensionRequest) -> None:
    problems = []
    if r.order.emergency:
        problems.append("突发类事项不得延期（§二(三)3(4)）")
    if ev.at >= end_of(s.due):
        problems.append(f"应在期限 {format_date(s.due)} 届满前提出")
    if s.extension_days + ev.days > r.limit:
        problems.append(f"延期合计 {s.extension_days + ev.days} 个工作日，超过本类事项时限 {r.limit} 个工作日")
    s.extension_requests += 1
    r.extension_reviewed.pop(ev.unit, None)
    if problems:
        r.find("extension-invalid", ev.line, "延期申请不合规：" + "；".join(problems))
        s.pending_extension = None
    else:
        s.pending_extension = ev.days


def _extension_review(r: Replay, s: DispatchState, ev: ExtensionReview) -> None:
    if ev.unit in r.extension_reviewed:
        line = r.extension_reviewed[ev.unit]
        r.find("extension-invalid", ev.line, f"{ev.unit} 的延期申请已经审核过（第 {line} 行）：每个延期申请只审核一次")
        return
    if s.extension_requests:
        r.extension_reviewed[ev.unit] = ev.line
    if s.pending_extension is None:
        if s.extension_requests == 0:
            r.find("event-order", ev.line, f"延期审核之前没有 {ev.unit} 的延期申请")
        return  # an invalid request was already reported; its approval changes nothing
    requested, s.pending_extension = s.pending_extension, None
    if not ev.approved:
        s.extension_refused += 1
        return
    days = ev.days if ev.days is not None else requested
    if days > requested:
        r.find("extension-invalid", ev.line, f"批准延期 {days} 个工作日，超过申请的 {requested} 个工作日")
        return
    new_due = r.calendar.add_workdays(s.due, days)
    s.due, s.extension_days = new_due.day, s.extension_days + days
    s.provisional = s.provisional or new_due.provisional


def _supervise(r: Replay, s: DispatchState, ev: Supervision) -> None:
    """A supervision (督办) changes nothing in the dispatch: the assessment counts it from the events (item 16)."""


def _accept_by(dispatched_at: datetime, rules: Rules, calendar: WorkCalendar) -> Deadline:
    day = dispatched_at.date()
    if calendar.is_workday(day) and dispatched_at.time() <= rules.deadlines.receipt_cutoff:
        return calendar.add_workdays(day, 0)
    return calendar.next_workday(day)


def _merge(r: Replay, ev: Merge) -> None:
    """并单: the office merged this repeated demand into an earlier order: it counts once, as that order, and its
    open dispatches end (``status``: 已并单). Only the first counts (a second is ``merge-invalid``, ``checks.merges``)."""
    if r.merged_into is None:
        r.merged_into, r.merged_at = ev.into, ev.at


ORDER_HANDLERS: dict[str, OrderHandler] = {"派单": _dispatch, "回访": _callback, "并单": _merge}
HANDLERS: dict[str, DispatchHandler] = {
    "接收": _accept,
    "联系": _contact,
    "转办": _hand_over,
    **dict.fromkeys(REPLY_TYPES, _reply),
    "重办": _redo,
    "退回申请": _return_request,
    "退回审核": _return_review,
    "延期申请": _extension_request,
    "延期审核": _extension_review,
    "督办": _supervise,
}
