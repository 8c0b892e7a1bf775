"""并单 (merging a repeated demand) as ``hotline check`` findings: an order cannot be merged into itself,
nor merged twice (``merge-invalid``). Whether ``into`` names an existing order is shown by
``hotline repeats --merge``, which refuses an unknown one."""

from __future__ import annotations

from hotline.findings import Finding
from hotline.records.models import Merge, Order


def merge_findings(order: Order, state=None, ctx=None) -> list[Finding]:
    out = []
    merged = None
    for ev in order.events:
        if not isinstance(ev, Merge):  # 并单
            continue
        if ev.into == order.id:
            out.append(Finding(order.path, ev.line, "merge-invalid", "工单不能并入它自己：into 应为较早的那件工单"))
        elif merged is not None and ev.into != merged:
            out.append(Finding(order.path, ev.line, "merge-invalid", f"工单已并入 {merged}，不能再并入 {ev.into}"))
        merged = merged or ev.into
    return out
