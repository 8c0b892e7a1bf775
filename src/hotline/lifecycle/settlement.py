"""When a dispatch's outcome is known (结果已确定), measure by measure: the settlement rule of the rates.

A rate item counts a dispatch only once its outcome for that item is known (README 计分口径, 结果已确定与暂定):
- ``timely_receipt`` (item 7): accepted, or its acceptance window closed;
- ``on_time`` and ``overdue`` (items 9, 10): answered (redo included), or its current deadline passed;
- ``satisfied`` (item 11): its final callback recorded, or ``callback_wait_days`` working days passed
  after the (final) reply — after the current deadline when there is no reply — without one (it then
  counts as not satisfied);
- ``complaints`` (item 8): known at dispatch.
An approved return is settled (it leaves 转办总件数), and so is a dispatch of an order merged into an earlier
one (并单: it counts once, as that order). A period whose dispatches are not all settled is
暂定 (provisional). Pure: reads the dispatch's status as set by ``status.settle`` as of the same moment.
"""

from __future__ import annotations

from datetime import datetime

from hotline.lifecycle.state import DispatchState
from hotline.workdays import WorkCalendar, end_of

RATE_MEASURES = ("timely_receipt", "complaints", "on_time", "overdue", "satisfied")


def _callback_settled(s: DispatchState, as_of: datetime, calendar: WorkCalendar, wait_days: int) -> bool:
    if s.callback_after_reply is not None and s.completed:
        return True
    if s.completed:
        base = (s.redo_reply_at or s.reply_at).date()  # type: ignore[union-attr]
    elif as_of >= end_of(s.current_due):
        base = s.current_due
    else:
        return False
    return as_of >= end_of(calendar.add_workdays(base, wait_days).day)


def unsettled(s: DispatchState, as_of: datetime, calendar: WorkCalendar, callback_wait_days: int) -> tuple[str, ...]:
    """The rate measures whose outcome for ``s`` is not known as of ``as_of`` (empty: settled)."""
    if s.returned or s.merged:
        return ()
    out = []
    if s.timely_receipt is None:
        out.append("timely_receipt")
    if s.replied_on_time is None:
        out += ["on_time", "overdue"]
    if not _callback_settled(s, as_of, calendar, callback_wait_days):
        out.append("satisfied")
    return tuple(m for m in RATE_MEASURES if m in out)
