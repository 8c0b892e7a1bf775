"""The valid part of an order whose only problems are some invalid events (部分有效的工单).

So that one run of ``hotline check`` shows every problem of a file that still parses: when an order
fails its schema only inside ``events``, the order without those events is validated again and its
lifecycle checked. Findings that would only repeat the schema problem are left out: every finding on
the events of a unit whose 派单 was dropped ("未派单"), order-of-events findings on the events of a unit
with another dropped event, and redo findings when a 回访 was dropped. When another dropped event names no unit, or the order fails outside its events,
no lifecycle findings are given.
"""

from __future__ import annotations

from dataclasses import dataclass

from hotline.findings import Finding
from hotline.records.models import Order
from hotline.records.yaml_reader import Document


@dataclass
class Partial:
    order: Order
    skip_lines: frozenset[int]  # lines of events of units whose 派单 was dropped
    skip_codes: frozenset[str] = frozenset()
    # lines of events of units with another dropped event: findings that depend on the order of events
    sequence_lines: frozenset[int] = frozenset()

    def keep(self, findings: list[Finding]) -> list[Finding]:
        return [
            f
            for f in findings
            if f.line not in self.skip_lines
            and f.code not in self.skip_codes
            and not (f.line in self.sequence_lines and f.code in SEQUENCE_CODES)
        ]


SEQUENCE_CODES = frozenset({"event-order", "redo-invalid", "extension-invalid"})


def partial_order(doc: Document, errors: list[Finding]) -> Partial | None:
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("events"), list) or not errors:
        return None
    events = data["events"]
    event_lines = {doc.line_of(("events", i)): i for i in range(len(events))}
    field_lines = {doc.line_of(("events", i, k)): i for i, e in enumerate(events) if isinstance(e, dict) for k in e}
    bad: set[int] = set()
    for f in errors:
        i = event_lines.get(f.line, field_lines.get(f.line))
        if i is None:
            return None  # a problem outside the events: no lifecycle to speak of
        bad.add(i)
    units: set[str] = set()
    touched: set[str] = set()
    skip_codes: set[str] = set()
    for i in bad:
        ev = events[i] if isinstance(events[i], dict) else {}
        unit = ev.get("unit")
        if isinstance(unit, str):
            (units if ev.get("type") == "派单" else touched).add(unit)
        elif ev.get("type") in ("回访", "并单"):
            skip_codes.add("redo-invalid")  # a redo is judged by the callbacks before it
        else:
            return None
    keep = [i for i in range(len(events)) if i not in bad]
    try:
        order = Order.model_validate({**data, "events": [events[i] for i in keep]})
    except Exception:  # pydantic.ValidationError: the rest does not stand on its own
        return None
    order.locate(doc.path, doc.line_of(("id",)))
    for ev, i in zip(order.events, keep):
        ev.locate(doc.path, doc.line_of(("events", i)))

    def lines_of(names: set[str]) -> frozenset[int]:
        return frozenset(
            doc.line_of(("events", i)) for i, e in enumerate(events) if isinstance(e, dict) and e.get("unit") in names
        )

    return Partial(order, lines_of(units), frozenset(skip_codes), lines_of(touched))
