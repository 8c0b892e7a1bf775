"""The one status model (办理状态): every page, register, report, command and reminder asks here.

For a dispatch as of one moment:
- ``status``: 待接收, 办理中, 已答复, 重办中, 已退回, 已办结 or 已并单 — 已并单: the order was
  merged into an earlier one (并单) while the dispatch was open; the merge ended it, as an approved return does
  (``status_text`` adds the order it went into);
- ``overdue`` — overdue now (逾期未办结): still open and past its current deadline;
- ``due_soon`` — due soon now (即将到期): still open, not overdue, from ``due_soon_days`` working days
  before its current deadline;
- ``was_late`` — some phase (the reply, the redo reply) finished after its deadline or is past it: what
  the assessment's 按时办结率 and 逾期率 count;
- ``timely_receipt`` and ``replied_on_time``: None while not yet known.
``reminder`` gives the reminder kind (the Git host's due-soon/overdue issues) from the same two flags;
``workdays_late`` and ``workdays_left`` say how late or how near (the group reminders show them).
"""

from __future__ import annotations

from datetime import datetime

from hotline.lifecycle.state import DispatchState, OrderState
from hotline.workdays import WorkCalendar, end_of

PENDING, IN_PROGRESS, REPLIED, IN_REDO, RETURNED, CLOSED = "待接收", "办理中", "已答复", "重办中", "已退回", "已办结"
MERGED = "已并单"
NOT_DISPATCHED = "待派单"
OVERDUE, DUE_SOON = "overdue", "due_soon"  # reminder kinds
FLAG_WORDS = {OVERDUE: "逾期", DUE_SOON: "即将到期"}


def settle(s: DispatchState, as_of: datetime, calendar: WorkCalendar, due_soon_days: int) -> None:
    """Set the status fields of ``s`` as of ``as_of``."""
    if s.returned or s.ended_by_merge:  # ended: nothing owed, nothing late
        s.status = RETURNED if s.returned else MERGED
        s.overdue = s.due_soon = s.was_late = False
        s.late_phases = []
        return
    if s.accepted_at is not None:
        s.timely_receipt = s.accepted_at < end_of(s.accept_by) if s.accept_by else True
    elif s.accept_by is not None and as_of >= end_of(s.accept_by):
        s.timely_receipt = False
    s.late_phases = _late_phases(s, as_of)
    s.was_late = bool(s.late_phases)
    if s.was_late:
        s.replied_on_time = False
    elif s.completed:
        s.replied_on_time = True
    s.status = _status_word(s)
    still_open, due = s.open, s.current_due
    s.overdue = still_open and as_of >= end_of(due)
    if still_open and not s.overdue:
        start = calendar.previous_workday(due, due_soon_days) if due_soon_days else due
        s.due_soon = as_of.date() >= start
    else:
        s.due_soon = False


def _late_phases(s: DispatchState, as_of: datetime) -> list[str]:
    late = []
    if (s.reply_at or as_of) >= end_of(s.due):
        late.append("答复")
    if s.redo_at is not None and s.redo_due is not None and (s.redo_reply_at or as_of) >= end_of(s.redo_due):
        late.append("重办")
    return late


def _status_word(s: DispatchState) -> str:
    if s.in_redo:
        return IN_REDO
    if s.reply_at is not None:
        return CLOSED if s.callback_after_reply else REPLIED
    return IN_PROGRESS if s.accepted_at is not None else PENDING


def reminder(s: DispatchState) -> str | None:
    """OVERDUE, DUE_SOON or None: the reminder a dispatch has now."""
    return OVERDUE if s.overdue else DUE_SOON if s.due_soon else None


def status_text(s: DispatchState) -> str:
    """The status as shown beside a dispatch: the word, and for 已并单 the order it went into."""
    return f"{s.status}（并入 {s.merged_into}）" if s.status == MERGED and s.merged_into else s.status


def workdays_late(s: DispatchState, as_of: datetime, calendar: WorkCalendar) -> int:
    """How late an overdue dispatch is (逾期工作日数): the first working day after its deadline counts 1;
    0 when it is not overdue (or only a rest day has passed since)."""
    return calendar.workdays_between(s.current_due, as_of.date()) if s.overdue else 0


def workdays_left(s: DispatchState, as_of: datetime, calendar: WorkCalendar) -> int:
    """Working days left before a due-soon dispatch's deadline (剩余工作日数): 0 when it falls due today."""
    return calendar.workdays_between(as_of.date(), s.current_due) if s.due_soon else 0


def flag_word(s: DispatchState) -> str:
    """逾期, 即将到期 or empty: the word shown beside a dispatch's status."""
    kind = reminder(s)
    return FLAG_WORDS[kind] if kind else ""


def lead_dispatch(st: OrderState) -> DispatchState | None:
    """The order's lead dispatch (主办, not returned), else its latest."""
    return next((s for s in st.dispatches if s.role == "主办" and not s.returned), None) or (
        st.dispatches[-1] if st.dispatches else None
    )


def order_status(st: OrderState) -> str:
    lead = lead_dispatch(st)
    return lead.status if lead else NOT_DISPATCHED


def on_time_word(s: DispatchState) -> str:
    """按时办结 column of the register: 是, 否, 办理中, 已退回 or 已并单."""
    if s.returned or s.ended_by_merge:
        return s.status
    if s.was_late:
        return "否"
    return "是" if s.replied_on_time else IN_PROGRESS
