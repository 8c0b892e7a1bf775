"""What became of each dispatch of a work order (派单办理情况): the values ``derive`` fills in.

``DispatchState`` holds the facts replayed from the events (deadlines, acceptance, replies, returns,
extensions, redo) and the status as of one moment, set by ``status.settle``. ``OrderState`` is an order
with its dispatches, callbacks and lifecycle findings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from hotline.findings import Finding
from hotline.records.models import Order
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
    callback_after_reply: str | None = None  # result of the callback that follows this unit's last reply
    merged_into: str | None = None  # 并单: the order was merged into this earlier one (not counted again)
    merged_at: datetime | None = None
    # set by ``status.settle`` as of one moment
    status: str = "待接收"
    timely_receipt: bool | None = None
    replied_on_time: bool | None = None
    overdue: bool = False  # overdue now (逾期未办结): still open and past the current deadline
    due_soon: bool = False  # due soon now (即将到期): still open, not overdue, deadline within due_soon_days
    was_late: bool = False  # some phase finished late or is past its deadline (逾期, as the assessment counts)
    late_phases: list[str] = field(default_factory=list)
    unsettled: tuple[str, ...] = ()  # rate measures whose outcome is not known yet (lifecycle.settlement)

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

    @property
    def merged(self) -> bool:
        """The order was merged into an earlier one (并单): counted once, as that order."""
        return self.merged_into is not None

    @property
    def ended_by_merge(self) -> bool:
        """Still open when its order was merged into an earlier one: the merge ended it (已并单)."""
        return self.merged_into is not None and not self.returned and not self.completed

    @property
    def open(self) -> bool:
        """Still owed by the unit: not returned, not (finally) replied and not ended by a merge (并单)."""
        return not self.returned and not self.completed and self.merged_into is None

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
            "was_late": self.was_late,
            "provisional": self.provisional,
            "merged_into": self.merged_into,
        }


class OrderState:
    """An order (工单) with its dispatches replayed, its callbacks (回访: time and result) and its lifecycle findings.

    ``order`` is the order itself or, for a state rebuilt from the cache (``lifecycle.cached``), a function that
    returns it: the order is then decoded only when asked for."""

    def __init__(
        self,
        order: Order | Callable[[], Order],
        dispatches: list[DispatchState],
        callbacks: list[tuple[datetime, str]],
        findings: list[Finding],
        merged_into: str | None = None,  # 并单: merged into this earlier order as a repeated demand
    ) -> None:
        self._order = order
        self.dispatches = dispatches
        self.callbacks = callbacks
        self.findings = findings
        self.merged_into = merged_into

    @property
    def order(self) -> Order:
        return self._order if isinstance(self._order, Order) else self._order()

    def _fields(self) -> tuple[object, ...]:
        return (self.order, self.dispatches, self.callbacks, self.findings, self.merged_into)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OrderState) and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        return f"OrderState({self.order.id!r}, {self.dispatches!r}, {self.callbacks!r}, {self.findings!r})"

    @property
    def merged(self) -> bool:
        return self.merged_into is not None

    @property
    def final_callback(self) -> str | None:
        return self.callbacks[-1][1] if self.callbacks else None
