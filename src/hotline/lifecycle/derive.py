"""The lifecycle of a work order's dispatches (工单办理流程), derived from its events.

``derive(order, rules, calendar, as_of)`` replays the events in file order and returns, for each dispatch
(派单), its deadline (with approved extensions and the redo deadline), its status as of ``as_of``, whether
it was accepted in time (及时接收), replied on time (按时办结) or is overdue (逾期), and the findings for
events that break the rules. Pure: no clock, no disk.

Rules applied (all numbers come from ``scoring/rules.yaml``):
- deadline: the N-th working day after the dispatch date, N by category (§二(三)3);
- timely receipt: accepted the day of dispatch; if dispatched on a rest day or after the cut-off, by the
  end of the next working day ("当天工单当天处理");
- return: requested within the window after dispatch (§二(二)5); approved ends the dispatch;
- extension: before the deadline, never for an emergency order, in all at most the category's limit,
  approved days at most the requested days (§二(三)3(4));
- redo: once, after a first callback of 不满意, with its own deadline from the redo (§二(二)4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from hotline.workdays import WorkCalendar, end_of
from hotline.findings import Finding
from hotline.records.models import REPLY_TYPES, Order
from hotline.records.rules import Rules
from hotline.times import format_date, format_time


@dataclass
class DispatchState:
    """One dispatch of an order to a unit, and what became of it (派单办理情况)."""

    order_id: str
    unit: str
    role: str
    dispatched_at: datetime
    line: int
    category: str
    base_due: date
    due: date  # base deadline plus approved extensions
    provisional: bool = False
    accept_by: date | None = None
    accepted_at: datetime | None = None
    office: str | None = None
    contacted_at: datetime | None = None
    reply_at: datetime | None = None  # first reply (答复 or 履责说明)
    reply_type: str | None = None
    replies_without_contact: list[int] = field(default_factory=list)  # lines of such replies
    redo_at: datetime | None = None
    redo_due: date | None = None
    redo_reply_at: datetime | None = None
    return_requested_at: datetime | None = None
    return_approved: bool | None = None
    return_reviewed_at: datetime | None = None
    extension_requests: int = 0
    extension_days: int = 0
    extension_refused: int = 0
    pending_extension: int | None = None  # requested days awaiting review
    supervisions: int = 0
    callback_after_reply: str | None = None  # result of the callback that follows this unit's last reply
    # derived as of ``as_of``
    status: str = "待接收"
    timely_receipt: bool | None = None
    replied_on_time: bool | None = None
    overdue: bool = False
    due_soon: bool = False
    late_phases: list[str] = field(default_factory=list)

    @property
    def returned(self) -> bool:
        return self.return_approved is True

    @property
    def in_redo(self) -> bool:
        return self.redo_at is not None and self.redo_reply_at is None

    @property
    def current_due(self) -> date:
        return self.redo_due if self.redo_at is not None and self.redo_due else self.due

    @property
    def completed(self) -> bool:
        return self.reply_at is not None and (self.redo_at is None or self.redo_reply_at is not None)

    def row(self) -> dict:
        return {
            "id": self.order_id,
            "unit": self.unit,
            "role": self.role,
            "dispatched_at": format_time(self.dispatched_at),
            "due": format_date(self.current_due),
            "status": self.status,
            "overdue": self.overdue,
            "due_soon": self.due_soon,
            "provisional": self.provisional,
        }


@dataclass
class OrderState:
    order: Order
    dispatches: list[DispatchState]
    callbacks: list[tuple[datetime, str]]
    findings: list[Finding]

    @property
    def final_callback(self) -> str | None:
        return self.callbacks[-1][1] if self.callbacks else None


def derive(order: Order, rules: Rules, calendar: WorkCalendar, as_of: datetime | None = None) -> OrderState:
    """Replay ``order``'s events (those at or before ``as_of``, all when None) into dispatch states."""
    d = rules.deadlines
    limit = d.limits[order.category]
    path = order.path
    findings: list[Finding] = []
    dispatches: list[DispatchState] = []
    current: dict[str, DispatchState] = {}
    callbacks: list[tuple[datetime, str]] = []
    redone: set[str] = set()
    previous_at = order.received_at
    previous_line = order.line

    def find(code: str, line: int, msg: str) -> None:
        findings.append(Finding(path, line, code, msg))

    for ev in order.events:
        if as_of is not None and ev.at > as_of:
            break
        line = ev.line
        if ev.at < previous_at:
            what = "收件时间" if previous_line == order.line else f"上一条事件（第 {previous_line} 行）"
            find("event-order", line, f"{ev.type}时间 {format_time(ev.at)} 早于{what} {format_time(previous_at)}：事件应按时间顺序追加")
        previous_at, previous_line = max(previous_at, ev.at), line

        if ev.type == "派单":
            if ev.unit in current and not current[ev.unit].returned:
                find("event-order", line, f"{ev.unit} 已有未结束的派单，不能重复派单")
                continue
            due = calendar.due(ev.at, limit)
            accept_by = _accept_by(ev.at, rules, calendar)
            state = DispatchState(
                order.id, ev.unit, ev.role, ev.at, line, order.category, due.day, due.day,
                provisional=due.provisional or accept_by.provisional, accept_by=accept_by.day,
            )
            dispatches.append(state)
            current[ev.unit] = state
            continue

        if ev.type == "并单":  # the office's merge of a repeated demand: no dispatch of its own
            continue

        if ev.type == "回访":
            if not any(s.reply_at for s in dispatches):
                find("event-order", line, "回访之前还没有任何单位答复")
            callbacks.append((ev.at, ev.result))
            for s in dispatches:
                last_reply = s.redo_reply_at or s.reply_at
                if last_reply and last_reply <= ev.at:
                    s.callback_after_reply = ev.result
            continue

        s = current.get(ev.unit)
        if s is None:
            find("no-dispatch", line, f"{ev.type}事件的单位 {ev.unit} 没有被派单：请先记录对该单位的派单")
            continue
        if s.returned:
            find("event-order", line, f"{ev.unit} 的退回申请已获同意，该单位不应再有{ev.type}事件")
            continue
        if ev.at < s.dispatched_at:
            find("event-order", line, f"{ev.type}时间早于对 {ev.unit} 的派单时间 {format_time(s.dispatched_at)}")

        if ev.type == "接收":
            if s.accepted_at is None:
                s.accepted_at, s.office = ev.at, ev.office or s.office
        elif ev.type == "联系":
            s.contacted_at = s.contacted_at or ev.at
        elif ev.type == "转办":
            s.office = ev.office
        elif ev.type in REPLY_TYPES:
            if s.contacted_at is None:
                s.replies_without_contact.append(line)
            s.callback_after_reply = None
            if s.in_redo:
                s.redo_reply_at = ev.at
            elif s.reply_at is None:
                s.reply_at, s.reply_type = ev.at, ev.type
        elif ev.type == "重办":
            first = callbacks[0][1] if callbacks else None
            if s.redo_at is not None or ev.unit in redone:
                find("redo-invalid", line, f"{ev.unit} 已重办过一次：重办次数为 1 次（§二(二)4）")
                continue
            if first != "不满意":
                why = "还没有回访结果" if first is None else f"首次回访结果为“{first}”"
                find("redo-invalid", line, f"重办须在首次回访为“不满意”之后，{why}（§二(二)4）")
                continue
            if s.reply_at is None:
                find("redo-invalid", line, f"{ev.unit} 尚未答复，不能重办")
                continue
            redone.add(ev.unit)
            redo_due = calendar.due(ev.at, d.redo_days)
            s.redo_at, s.redo_due, s.callback_after_reply = ev.at, redo_due.day, None
            s.provisional = s.provisional or redo_due.provisional
        elif ev.type == "退回申请":
            window = calendar.add_workdays(s.dispatched_at.date(), d.return_window_days)
            s.provisional = s.provisional or window.provisional
            if ev.at >= end_of(window.day):
                find("return-late", line, f"退回申请应在派单后 {d.return_window_days} 个工作日内（{format_date(window.day)} 前）提出，实际为 {format_time(ev.at)}（§二(二)5）")
            if s.reply_at is not None:
                find("event-order", line, f"{ev.unit} 已经答复，不能再申请退回")
            s.return_requested_at = ev.at
        elif ev.type == "退回审核":
            if s.return_requested_at is None or s.return_reviewed_at is not None and s.return_reviewed_at >= s.return_requested_at:
                find("event-order", line, f"退回审核之前没有 {ev.unit} 待审核的退回申请")
                continue
            s.return_reviewed_at, s.return_approved = ev.at, ev.approved
        elif ev.type == "延期申请":
            problems = []
            if order.emergency:
                problems.append("突发类事项不得延期（§二(三)3(4)）")
            if ev.at >= end_of(s.due):
                problems.append(f"应在期限 {format_date(s.due)} 届满前提出")
            if s.extension_days + ev.days > limit:
                problems.append(f"延期合计 {s.extension_days + ev.days} 个工作日，超过本类事项时限 {limit} 个工作日")
            s.extension_requests += 1
            if problems:
                find("extension-invalid", line, "延期申请不合规：" + "；".join(problems))
                s.pending_extension = None
            else:
                s.pending_extension = ev.days
        elif ev.type == "延期审核":
            if s.pending_extension is None:
                if s.extension_requests == 0:
                    find("event-order", line, f"延期审核之前没有 {ev.unit} 的延期申请")
                continue  # an invalid request was already reported; its approval changes nothing
            requested, s.pending_extension = s.pending_extension, None
            if not ev.approved:
                s.extension_refused += 1
                continue
            days = ev.days if ev.days is not None else requested
            if days > requested:
                find("extension-invalid", line, f"批准延期 {days} 个工作日，超过申请的 {requested} 个工作日")
                continue
            new_due = calendar.add_workdays(s.due, days)
            s.due, s.extension_days = new_due.day, s.extension_days + days
            s.provisional = s.provisional or new_due.provisional
        elif ev.type == "督办":
            s.supervisions += 1

    when = as_of if as_of is not None else max([order.received_at] + [e.at for e in order.events])
    for s in dispatches:
        _settle(s, when)
        _mark_due_soon(s, when, calendar, d.due_soon_days)
    return OrderState(order, dispatches, callbacks, findings)


def _accept_by(dispatched_at: datetime, rules: Rules, calendar: WorkCalendar):
    day = dispatched_at.date()
    if calendar.is_workday(day) and dispatched_at.time() <= rules.deadlines.receipt_cutoff:
        return calendar.add_workdays(day, 0)
    return calendar.next_workday(day)


def _settle(s: DispatchState, as_of: datetime) -> None:
    """Status and timeliness of a dispatch as of ``as_of``."""
    if s.returned:
        s.status = "已退回"
        return
    if s.accepted_at is not None:
        s.timely_receipt = s.accepted_at < end_of(s.accept_by)
    elif as_of >= end_of(s.accept_by):
        s.timely_receipt = False

    late = []
    if s.reply_at is not None:
        if s.reply_at >= end_of(s.due):
            late.append("答复")
    elif as_of >= end_of(s.due):
        late.append("答复")
    if s.redo_at is not None and s.redo_due is not None:
        if s.redo_reply_at is not None:
            if s.redo_reply_at >= end_of(s.redo_due):
                late.append("重办")
        elif as_of >= end_of(s.redo_due):
            late.append("重办")
    s.late_phases = late
    s.overdue = bool(late)
    if s.overdue:
        s.replied_on_time = False
    elif s.completed:
        s.replied_on_time = True

    if s.in_redo:
        s.status = "重办中"
    elif s.reply_at is not None:
        s.status = "已办结" if s.callback_after_reply else "已答复"
    elif s.accepted_at is not None:
        s.status = "办理中"
    else:
        s.status = "待接收"


def _mark_due_soon(s: DispatchState, as_of: datetime, calendar: WorkCalendar, days: int) -> None:
    """Due soon (即将到期): pending, from ``days`` working days before the current deadline until it."""
    if s.returned or s.completed or s.overdue:
        return
    start = calendar.previous_workday(s.current_due, days) if days else s.current_due
    s.due_soon = as_of.date() >= start and as_of < end_of(s.current_due)
