"""Data files for the order lookup (工单查询数据): a compact index and one detail file per month.

``assets/data/orders-index.json``: ``{"units": {id: name}, "orders": [[id, title, month, [units], status,
flags]]}`` — flags ``o`` overdue, ``s`` due soon, ``p`` provisional. ``assets/data/orders/YYYY-MM.json``:
id → the order (citizen masked) with its dispatches and its timeline: each event's declared time and,
when the Git history was read, its recorded time, commit, author and late/rewritten flags. The browser
loads the index once and a month's file when an order of that month is opened.
"""

from __future__ import annotations

import json

from hotline.history.recorded import EventHistory
from hotline.lifecycle.state import DispatchState, OrderState
from hotline.lifecycle.status import order_status
from hotline.records import privacy as pii
from hotline.records.models import AnyEvent
from hotline.reports import form_links
from hotline.reports.monthly import month_of
from hotline.reports.publication import Publication
from hotline.reports.register import remarks

TEXT_FIELDS = ("text", "note", "reason", "basis")


def _flags(st: OrderState) -> str:
    f = ""
    if any(s.overdue for s in st.dispatches):
        f += "o"
    if any(s.due_soon for s in st.dispatches):
        f += "s"
    if any(s.provisional for s in st.dispatches):
        f += "p"
    return f


def _dumps(obj: object) -> str:
    return pii.mask_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))


def index(model: Publication) -> str:
    rows = []
    for st in sorted(model.states, key=lambda s: s.order.id):
        o = st.order
        units = list(dict.fromkeys(s.unit for s in st.dispatches))
        rows.append([o.id, pii.mask_text(o.title), month_of(o.received_at), units, order_status(st), _flags(st)])
    return _dumps(
        {
            "as_of": f"{model.as_of:%Y-%m-%d %H:%M}",
            "units": {u: model.unit_name(u) for u in model.units},
            # full names where the short one differs: a query may use either (金村镇, 县人社局 or 县人力资源和…)
            "names": {u: v.name for u, v in model.units.items() if v.name != model.unit_name(u)},
            "orders": rows,
        }
    )


def _event(ev: AnyEvent, h: EventHistory | None) -> dict:
    d: dict[str, object] = {"at": f"{ev.at:%Y-%m-%d %H:%M}", "type": ev.type}
    f = ev.__dict__  # the event's own fields: asking pydantic for a field this kind lacks takes its slow path
    unit = f.get("unit")
    if unit:
        d["unit"] = unit
    d["by"] = pii.mask_text(ev.by)
    parts = []
    if f.get("role"):
        parts.append(f["role"])
    if f.get("office"):
        parts.append(f"科室：{f['office']}")
    if f.get("result"):
        parts.append(f"结果：{f['result']}")
    if f.get("kind"):
        parts.append(f"方式：{f['kind']}")
    if f.get("days"):
        parts.append(f"{f['days']} 个工作日")
    if f.get("approved") is not None:
        parts.append("同意" if f["approved"] else "不同意")
    for name in TEXT_FIELDS:
        v = f.get(name)
        if v:
            parts.append(v)
    if f.get("into"):
        parts.append(f"并入工单 {f['into']}")
    if f.get("level"):
        parts.append(f"{f['level']}级")
    if parts:
        d["text"] = pii.mask_text("；".join(parts))
    if ev.attachments:  # file names; the site holds only those that pass the attachment checks
        d["attachments"] = list(ev.attachments)
    if h is not None:
        if h.recorded_at:
            d["recorded"] = f"{h.recorded_at:%Y-%m-%d %H:%M}"
        d["commit"] = h.commit[:10]
        d["author"] = h.author
        if h.late:
            d["late"] = True
        if h.rewritten:
            d["rewritten"] = True
            if h.original:
                d["original"] = pii.mask_text(" ".join(h.original.split()))
    return d


def _forms(s: DispatchState, model: Publication) -> dict:
    """The pre-filled issue forms for the dispatch's likely next events (一键登记), when a host is configured."""
    unit = model.units[s.unit].name if s.unit in model.units else s.unit
    found = form_links.links(model.host, s, unit)
    return {"forms": [[ev, url] for ev, url in found]} if found else {}


def order_detail(st: OrderState, model: Publication) -> dict:
    o = st.order
    hist = (model.history or {}).get(o.id)
    c = o.citizen
    citizen = " ".join(
        p
        for p in ((pii.mask_name(c.name) if c and c.name else ""), (pii.mask_text(c.phone) if c and c.phone else ""))
        if p
    )
    return {
        "title": pii.mask_text(o.title),
        "category": o.category,
        "emergency": o.emergency,
        "received": f"{o.received_at:%Y-%m-%d %H:%M}",
        "citizen": citizen,
        "address": pii.mask_text(o.address or ""),
        "content": pii.mask_text(o.content.strip()),
        "tags": [pii.mask_text(t) for t in o.tags],
        "provisional": any(s.provisional for s in st.dispatches),
        "dispatches": [
            {
                "unit": s.unit,
                "role": s.role,
                "dispatched": f"{s.dispatched_at:%Y-%m-%d %H:%M}",
                "due": str(s.current_due),
                "accepted": f"{s.accepted_at:%Y-%m-%d %H:%M}" if s.accepted_at else "",
                "replied": f"{s.reply_at:%Y-%m-%d %H:%M}" if s.reply_at else "",
                "status": s.status,
                "merged_into": s.merged_into,
                "overdue": s.overdue,
                "due_soon": s.due_soon,
                "was_late": s.was_late,
                "provisional": s.provisional,
                "remarks": remarks(s),
                **_forms(s, model),
            }
            for s in st.dispatches
        ],
        "history": hist is not None,
        **(
            {}
            if hist is not None
            else {
                "history_note": "未读取 Git 历史（记录目录不是 Git 仓库，或构建时未读取历史）：只显示事件声明的时间。"
            }
        ),
        "events": [
            _event(ev, hist[i] if hist is not None and i < len(hist) else None) for i, ev in enumerate(o.events)
        ],
    }


def shard(model: Publication, month: str) -> str:
    """JSON text of the orders received in ``month``: the text of ``{id: order_detail, …}``, made and masked order by
    order (no number can run from one order's text into the next: their ids, quotes and braces stand between), so
    that the month's orders are never all in memory at once as objects, text and masked text."""
    parts = [
        _dumps(st.order.id) + ":" + _dumps(order_detail(st, model))
        for st in sorted(model.states, key=lambda s: s.order.id)
        if month_of(st.order.received_at) == month
    ]
    return "{" + ",".join(parts) + "}"
