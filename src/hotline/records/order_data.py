"""A validated work order as plain data (工单的缓存形式), and back, for the pipeline's cache.

``to_data(order)`` turns an ``Order`` that passed its schema into ``OrderData`` (a ``msgspec`` struct:
strings, numbers, dates — MessagePack in ``util.cache``, never pickle); ``to_order(data)`` rebuilds the
same ``Order`` (fields, fields set, file and line of the order and of each event) without validating it
again: the cache holds only what validation produced, in a folder outside the records (``util.cache``),
decoded against these declared types. Rebuilding a county-year of orders this way takes a fraction of
a second; validating them again takes seconds.
"""

from __future__ import annotations

from datetime import datetime
from operator import attrgetter
from sys import intern
from typing import Any

import msgspec
from pydantic import BaseModel

from hotline.records.models import EVENT_TYPES, Citizen, Order

__all__ = ["EventData", "OrderData", "to_data", "to_order"]


class EventData(msgspec.Struct, array_like=True, omit_defaults=True):
    """Any event: the union of every event type's fields (``test_order_data`` checks it covers them)."""

    type: str
    line: int
    fields_set: int  # bit i: the i-th field of the event's model was given in the file
    at: datetime
    by: str
    unit: str | None = None
    note: str | None = None
    attachments: list[str] = []
    role: str | None = None
    office: str | None = None
    text: str | None = None
    result: str | None = None
    reason: str | None = None
    basis: str | None = None
    approved: bool | None = None
    days: int | None = None
    kind: str | None = None
    level: str | None = None
    into: str | None = None


class OrderData(msgspec.Struct, array_like=True):
    path: str
    line: int
    fields_set: int
    id: str
    title: str
    category: str
    emergency: bool
    received_at: datetime
    citizen: tuple[str | None, str | None, int] | None  # name, phone, fields set
    address: str | None
    content: str
    tags: list[str]
    sample: bool
    events: list[EventData]


_NAMES: dict[type, tuple[str, ...]] = {cls: tuple(cls.model_fields) for cls in (Order, Citizen, *EVENT_TYPES.values())}
_GET = {cls: attrgetter(*names) for cls, names in _NAMES.items()}
_SETS: dict[tuple[type, int], set[str]] = {}
# short values that repeat across tens of thousands of events: one string object each (``sys.intern``), not one
# per event — a county-year's orders take ~40 MB less
_SHARED = {cls: tuple(n for n in names if n in ("type", "unit", "by", "office", "kind", "role", "result", "level"))
           for cls, names in _NAMES.items()}  # fmt: skip


def _mask(obj: BaseModel) -> int:
    names, given = _NAMES[type(obj)], obj.model_fields_set
    return sum(1 << i for i, n in enumerate(names) if n in given)


def _unmask(cls: type, mask: int) -> set[str]:
    """The names of the fields given, as pydantic keeps them per instance (``model_fields_set``): one set object
    shared by every model of the kind with the same fields (a set each was ~0.5 KB × 200,000 events). Nothing
    assigns a field of a model read from the cache; ``history.timeline.recorded_order`` assigns on deep copies,
    which pydantic gives their own set (tests/test_pipeline_cache.py checks both)."""
    key = (cls, mask)
    shared = _SETS.get(key)
    if shared is None:
        shared = _SETS[key] = {n for i, n in enumerate(_NAMES[cls]) if mask >> i & 1}
    return shared


def to_data(order: Order) -> OrderData:
    events = [
        EventData(
            type=ev.type,
            line=ev.line,
            fields_set=_mask(ev),
            **{n: getattr(ev, n) for n in _NAMES[type(ev)] if n != "type"},
        )
        for ev in order.events
    ]
    c = order.citizen
    return OrderData(
        order.path,
        order.line,
        _mask(order),
        order.id,
        order.title,
        order.category,
        order.emergency,
        order.received_at,
        None if c is None else (c.name, c.phone, _mask(c)),
        order.address,
        order.content,
        list(order.tags),
        order.sample,
        events,
    )


_new = object.__new__
_set = object.__setattr__


def _build(cls: type, values: dict, fields_set: set[str]) -> Any:
    """A model from values it was validated with (pydantic's own ``model_construct``, minus its per-field work).

    The values are set one by one, always in the same order for a kind, rather than as a whole ``__dict__``:
    Python then keeps the field names once for every model of the kind (a key-sharing dictionary, PEP 412)
    and each model only its values — ~170 bytes less an event, ~35 MB for a county-year's events."""
    obj: Any = _new(cls)
    for name, value in values.items():
        _set(obj, name, value)
    _set(obj, "__pydantic_fields_set__", fields_set)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


def to_order(d: OrderData) -> Order:
    events = []
    path = d.path
    for e in d.events:
        cls = EVENT_TYPES[e.type]
        values = dict(zip(_NAMES[cls], _GET[cls](e)))
        for n in _SHARED[cls]:
            v = values[n]
            if v.__class__ is str:
                values[n] = intern(v)
        values["path"], values["line"] = path, e.line  # ``Record.locate`` keeps them in the instance dict too
        events.append(_build(cls, values, _unmask(cls, e.fields_set)))
    citizen = None
    if d.citizen is not None:
        name, phone, mask = d.citizen
        citizen = _build(Citizen, {"name": name, "phone": phone}, _unmask(Citizen, mask))
    values = {
        "id": d.id,
        "title": d.title,
        "category": d.category,
        "emergency": d.emergency,
        "received_at": d.received_at,
        "citizen": citizen,
        "address": d.address,
        "content": d.content,
        "tags": d.tags,
        "sample": d.sample,
        "events": events,
        "path": path,
        "line": d.line,
    }
    return _build(Order, values, _unmask(Order, d.fields_set))
