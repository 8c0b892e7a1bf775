"""Replies before acceptance or contact (答复前未接收、未联系): warnings for ``hotline check`` and
``hotline order add``.

A unit replies (答复 or 履责说明) after it accepted the order (接收, 台账登记, §二(二)1) and contacted the
citizen (联系, 首问负责, §二(三)4). A reply with no earlier 接收 of that unit is ``reply-without-accept``;
with no earlier 联系, ``reply-without-contact`` (it also counts against assessment item 13). Warnings,
not errors: the reply happened and must stay on record.
"""

from __future__ import annotations

from collections.abc import Sequence

from hotline.findings import Finding
from hotline.lifecycle.state import OrderState
from hotline.records.context import Context
from hotline.records.models import REPLY_TYPES, Event, Order, unit_of


def _problems(events: Sequence[Event]) -> list[tuple[int, str, str]]:
    """(index, code, message) of every reply not preceded by its unit's 接收 or 联系."""
    accepted: set[str | None] = set()
    contacted: set[str | None] = set()
    out = []
    for i, ev in enumerate(events):
        unit = unit_of(ev)
        if ev.type == "派单":
            continue
        if ev.type == "接收":
            accepted.add(unit)
        elif ev.type == "联系":
            contacted.add(unit)
        elif ev.type in REPLY_TYPES:
            if unit not in accepted:
                out.append((i, "reply-without-accept", f"{unit} 的{ev.type}之前没有接收（台账登记）事件：请补记接收"))
            if unit not in contacted:
                out.append(
                    (i, "reply-without-contact", f"{unit} 的{ev.type}之前没有联系诉求人（首问负责）：计入考核第 13 项")
                )
    return out


def unconfirmed_reply(events: Sequence[Event]) -> list[str]:
    """Messages for the last event when it is such a reply (``hotline order add`` says so after writing)."""
    last = len(events) - 1
    return [msg for i, _, msg in _problems(events) if i == last]


def reply_findings(order: Order, state: OrderState, ctx: Context) -> list[Finding]:
    return [Finding(order.path, order.events[i].line, code, msg) for i, code, msg in _problems(order.events)]
