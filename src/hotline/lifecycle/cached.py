"""The lifecycle as kept in the check cache (缓存的办理过程): what does not depend on the moment, settled later.

``facts_of`` turns an order and its dispatches replayed over every event (``derive`` with ``as_of=None``) into
``OrderFacts``: plain data (``msgspec``: MessagePack in ``util.filecache``, never pickle) that ``load`` keeps
per order file. Each dispatch is kept settled as of ``derive.settled_from``, the moment from which its status no
longer changes; ``state_as_of`` gives it back as of any moment (the kept one when it is still the same, settled
afresh otherwise), and ``order_state`` builds an order's state whose order is decoded only when asked for.
The format is the cache's: a change to these structs or to ``DispatchState`` bumps ``util.filecache.FORMAT``.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

import msgspec

from hotline.findings import Finding
from hotline.lifecycle.derive import settle_at, settled_from
from hotline.lifecycle.state import DispatchState, OrderState
from hotline.records.models import Order
from hotline.records.order_data import OrderData, to_data, to_order
from hotline.records.rules import Rules
from hotline.workdays import WorkCalendar

__all__ = ["DispatchData", "OrderFacts", "decode_order", "facts_of", "order_state", "state_as_of"]

# what ``derive.settle_at`` sets, at its defaults (the values before it); the other fields are replayed
SETTLED_DEFAULTS: dict[str, Any] = {
    "status": "待接收",
    "timely_receipt": None,
    "replied_on_time": None,
    "overdue": False,
    "due_soon": False,
    "was_late": False,
    "late_phases": None,  # a fresh list each time (``_unsettled``)
    "unsettled": (),
}
_FIELDS = tuple(f.name for f in dataclasses.fields(DispatchState))
_HINTS = typing.get_type_hints(DispatchState)
# a dispatch replayed over every event and settled as of ``settled_from`` (None: settled afresh each time): the
# fields of ``DispatchState``, then that moment, as one array (no field names)
DispatchData = msgspec.defstruct(
    "DispatchData", [(n, _HINTS[n]) for n in _FIELDS] + [("settled_from", datetime | None)], array_like=True
)
_fields = attrgetter(*_FIELDS)
_SETTLED_AT = [(i, SETTLED_DEFAULTS[n]) for i, n in enumerate(_FIELDS) if n in SETTLED_DEFAULTS]
_LATE_PHASES = _FIELDS.index("late_phases")
LATER = timedelta(days=1000)  # ``dispatch_data`` checks that the status settled is still the same this much later


class OrderFacts(msgspec.Struct, array_like=True):
    """What does not depend on ``as_of`` of a readable order: the order and its dispatches replayed over
    every event (``derive`` with ``as_of=None``); ``state_as_of`` settles them as of the moment asked."""

    order: bytes  # ``OrderData`` as MessagePack, decoded only when the order itself is asked for (skipped unread)
    dispatches: list[DispatchData]  # type: ignore[valid-type]
    callbacks: list[tuple[datetime, str]]
    findings: list[Finding]  # the lifecycle's own
    merged_into: str | None
    last_at: datetime  # the latest event (or the receipt): a moment before it needs a fresh replay
    first_at: datetime  # the earliest event (or the receipt): with ``last_at``, the span ``orders_during`` selects by
    path: str
    digest: str  # of the file's content: what the order was read from


_ENCODER = msgspec.msgpack.Encoder()
_ORDER_DECODER = msgspec.msgpack.Decoder(OrderData)


def decode_order(facts: OrderFacts) -> Order:
    """The order ``facts`` were made from (decoded anew each time: the caller keeps it)."""
    return to_order(_ORDER_DECODER.decode(facts.order))


def _unsettled(values: list[Any]) -> DispatchState:
    """A dispatch with ``values`` (its fields in order), those ``settle_at`` sets back at their defaults."""
    for i, default in _SETTLED_AT:
        values[i] = default
    values[_LATE_PHASES] = []
    return DispatchState(*values)


def dispatch_data(s: DispatchState, rules: Rules, calendar: WorkCalendar) -> DispatchData:  # type: ignore[valid-type]
    """``s`` as cached: settled as of ``derive.settled_from``, from when its status no longer changes — which it
    checks once more on the spot (the same ``LATER``; otherwise nothing is kept settled)."""
    since = settled_from(s, rules, calendar)
    at, later = _unsettled(list(_fields(s))), _unsettled(list(_fields(s)))
    settle_at(at, since, rules, calendar)
    settle_at(later, since + LATER, rules, calendar)
    return DispatchData(*_fields(at), since if at == later else None)  # (a dataclass: compared field by field)


def state_as_of(d: Any, as_of: datetime, rules: Rules, calendar: WorkCalendar) -> DispatchState:
    """The cached dispatch ``d`` (a ``DispatchData``) as of ``as_of``: as settled when that is still the same,
    else settled afresh."""
    values = list(msgspec.structs.astuple(d))  # the fields in order (as ``DispatchState`` declares them), then
    since = values.pop()  # ``settled_from``
    if since is not None and as_of >= since:
        values[_LATE_PHASES] = list(values[_LATE_PHASES])  # the caller's own list, as from ``settle``
        return DispatchState(*values)
    s = _unsettled(values)
    settle_at(s, as_of, rules, calendar)
    return s


def order_state(
    facts: OrderFacts, order: Callable[[], Order], as_of: datetime, rules: Rules, calendar: WorkCalendar
) -> OrderState:
    """The state of the order ``facts`` were made from as of ``as_of`` (at or after its last event), whose order is
    ``order()``, asked for only when used."""
    dispatches = [state_as_of(d, as_of, rules, calendar) for d in facts.dispatches]
    return OrderState(order, dispatches, list(facts.callbacks), list(facts.findings), facts.merged_into)


def facts_of(
    order: Order, state: OrderState | None, digest: str, rules: Rules | None, calendar: WorkCalendar
) -> OrderFacts:
    """(``state`` is None without rules: nothing is replayed, and ``state_as_of`` needs rules anyway.)"""
    first, last = _span(order)
    data = _ENCODER.encode(to_data(order))
    if state is None or rules is None:
        return OrderFacts(data, [], [], [], None, last, first, order.path, digest)
    dispatches = [dispatch_data(s, rules, calendar) for s in state.dispatches]
    return OrderFacts(
        data, dispatches, state.callbacks, state.findings, state.merged_into, last, first, order.path, digest
    )


def _span(order: Order) -> tuple[datetime, datetime]:
    """The earliest and the latest of the receipt and the events' times."""
    times = [order.received_at] + [e.at for e in order.events]
    return min(times), max(times)
