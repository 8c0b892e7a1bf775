"""并单 (merging a repeated demand): the one rule, used by ``hotline repeats --merge`` and ``hotline order add``
before they write (``entry.order_edit``) and by ``hotline check`` for merges written by hand (``merge-invalid``).

Merges go one way (decided 2026-12-07; README 重复诉求与并单): a later order merges into an earlier one — earlier by
``received_at``, then by id for two received the same minute — never into itself, a later, a missing or an
already-merged order, and an order another was merged into is not merged on (no chains; with the one way, no
cycles either). An order is merged once: its first 并单 event is its merge, a second one is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from hotline.findings import Finding
from hotline.lifecycle.state import OrderState
from hotline.records.context import Context
from hotline.records.models import Merge, Order


class MergeRefs(Protocol):
    """What the merge rule needs of one order (``checks.orders.OrderRefs`` has it)."""

    @property
    def order_id(self) -> str | None: ...
    @property
    def received(self) -> str: ...  # "YYYY-MM-DD HH:MM"
    @property
    def merges(self) -> tuple[tuple[str, int], ...]: ...  # (into, line) of each 并单 event, in file order


def merges_of(order: Order) -> tuple[tuple[str, int], ...]:
    return tuple((ev.into, ev.line) for ev in order.events if isinstance(ev, Merge))


def _target(refs: MergeRefs) -> str | None:
    return refs.merges[0][0] if refs.merges else None


def merge_problems(order_id: str, into: str, orders: Mapping[str, MergeRefs], recorded: bool = False) -> list[str]:
    """Why merging ``order_id`` into ``into`` is not allowed, given every order (by id) with its merges (empty:
    allowed). ``recorded``: the merge asked about is already among them, as the first 并单 of ``order_id``
    (``check``); otherwise it is about to be written (the commands)."""
    if into == order_id:
        return ["工单不能并入它自己：into 应为较早的那件工单"]
    this = orders.get(order_id)
    if not recorded and this is not None and this.merges:
        return [f"{order_id} 已并入 {this.merges[0][0]}：一件工单只能并单一次"]
    target = orders.get(into)
    if target is None:
        return [f"找不到工单 {into}：orders/ 下没有 {into}.yaml，无法并入"]
    out = []
    if this is not None and (target.received, target.order_id) > (this.received, this.order_id):
        out.append(
            f"{into} 的收件时间（{target.received}）晚于 {order_id}（{this.received}）：只能把较晚的工单并入较早的工单，"
            f"应把 {into} 并入 {order_id}"
        )
    further = _target(target)
    if further == order_id:
        out.append(f"{into} 已并入 {order_id}：两件工单不能互相并入")
    elif further is not None:
        out.append(f"{into} 已并入 {further}：不能并入已并单的工单，请直接并入 {further}")
    earlier = [o.order_id for o in orders.values() if o.order_id and _target(o) == order_id and o.order_id != into]
    if earlier:
        out.append(f"已有工单 {'、'.join(sorted(earlier))} 并入 {order_id}：被并入的工单不能再并入其他工单")
    return out


def merge_findings(order: Order, state: OrderState, ctx: Context) -> list[Finding]:
    """Within one file: a second 并单 of the same order (``merge-invalid``)."""
    merges = merges_of(order)
    if len(merges) < 2:
        return []
    first = merges[0][0]
    return [
        Finding(
            order.path,
            line,
            "merge-invalid",
            f"工单已并入 {first}，不能再并入 {into}" if into != first else f"工单已并入 {first}，不必重复并单",
        )
        for into, line in merges[1:]
    ]


def by_order_id(refs: Iterable[MergeRefs]) -> dict[str, MergeRefs]:
    return {r.order_id: r for r in refs if r.order_id}


def merges_across(refs: Iterable[tuple[str, MergeRefs]]) -> list[Finding]:
    """Across files: each order's merge (its first 并单) against the rule (``merge-invalid``); ``refs``: (file, refs)
    of every order file."""
    refs = list(refs)
    by_id = by_order_id(r for _, r in refs)
    out = []
    for path, r in refs:
        if not r.merges or not r.order_id:
            continue
        into, line = r.merges[0]
        for why in merge_problems(r.order_id, into, by_id, recorded=True):
            out.append(Finding(path, line, "merge-invalid", why))
    return out
