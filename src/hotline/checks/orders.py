"""Checks of order files (工单检查): identity, privacy, calendar and references between files.

Per file, when it is read (``load.load_order``): ``id-mismatch`` (file name and folder against ``id`` and
``received_at``), ``pii-phone``, ``pii-id-number``, ``pii-name-text`` and ``hidden-character`` (on the raw text,
so nothing hides in a comment); with the lifecycle (``suite.ORDER_CHECKS``): ``provisional-calendar``.
Across files (``suite.CHECKS``, over each file's ``OrderRefs``): ``duplicate-id``, ``unknown-unit``,
``merge-invalid`` (``checks.merges``) and ``event-in-future``. Each returns findings; none raises.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection

from hotline.checks.checked import Checked, OrderRefs
from hotline.checks.merges import merges_across, merges_of
from hotline.findings import Finding
from hotline.lifecycle.state import OrderState
from hotline.records import hidden, paths
from hotline.records import privacy as pii
from hotline.records.context import Context
from hotline.records.models import Order, unit_of
from hotline.records.unit_names import unit_hint
from hotline.records.yaml_reader import Document
from hotline.times import format_time


def order_location(order: Order) -> list[Finding]:
    """``orders/YYYY/MM/<id>.yaml``: the file name is the id, the folder the month of receipt."""
    out = []
    parts = order.path.split("/")
    name = parts[-1].rsplit(".", 1)[0]
    if name != order.id:
        out.append(
            Finding(
                order.path,
                order.line,
                "id-mismatch",
                f"文件名 {name} 与工单编号 id: {order.id} 不一致：文件应命名为 {order.id}.yaml",
            )
        )
    want = paths.month_folder(order.received_at)
    if "/".join(parts[:-1]) != want:
        out.append(
            Finding(
                order.path,
                order.line,
                "id-mismatch",
                f"工单收件时间为 {order.received_at:%Y-%m}，文件应放在 {want}/ 目录下",
            )
        )
    return out


def personal_data(
    path: str, text: str, order_id: str | None = None, keep: Collection[str] = (), doc: Document | None = None
) -> list[Finding]:
    """What an order file's text may not hold: unmasked numbers (``pii-phone``, ``pii-id-number``) and names
    (``pii-name-text``, a warning: a name in free text cannot be told exactly), and hidden characters
    (``hidden-character``) — in the text as written, so nothing hides in a comment, and, with ``doc``, in the
    values a YAML escape may have written (``"\\u200b"``). ``keep``: the hotline's own numbers (digits)."""
    out = hidden.findings(path, text, doc)
    seen: set[tuple[str, int]] = set()
    for at, value in [(0, text), *(hidden.values(doc) if doc is not None else ())]:
        for kind, line, number, masked in pii.find(value, keep):
            code = "pii-phone" if kind == "phone" else "pii-id-number"
            line = at or line
            if number == order_id or (code, line) in seen:
                continue  # the platform's order number itself, not a person's
            seen.add((code, line))
            what = "手机号码" if kind == "phone" else "身份证号码"
            if kind == "phone" and masked.startswith("0"):
                what = "电话号码"
            msg = f"第 {line} 行有未脱敏的{what}：只能记录脱敏形式（如 {masked}）"
            out.append(Finding(path, line, code, msg))
    for line, masked in pii.find_names(text):
        msg = f"第 {line} 行“姓名/本人叫/联系人”后面像是诉求人的全名：只能记录脱敏形式（如 {masked}）"
        out.append(Finding(path, line, "pii-name-text", msg))
    return out


def provisional_dates(order: Order, state: OrderState, ctx: Context) -> list[Finding]:
    """Deadlines that reach a year without holiday data (``provisional-calendar``, a warning)."""
    calendar = ctx.calendar
    out = []
    for s in state.dispatches:
        if s.provisional:
            years = sorted(
                {y for y in range(s.dispatched_at.year, s.current_due.year + 1) if calendar.is_provisional_year(y)}
            )
            ys = "、".join(str(y) for y in years) or str(s.current_due.year)
            out.append(
                Finding(
                    state.order.path,
                    s.line,
                    "provisional-calendar",
                    f"{s.unit} 的办理期限 {s.current_due} 涉及没有节假日数据的年份（{ys}），只按周末推算，仅供参考："
                    f"请用 hotline holidays import 导入国务院办公厅通知，生成 scoring/holidays/"
                    f"{years[0] if years else s.current_due.year}.yaml",
                )
            )
    return out


def refs_of(order: Order) -> OrderRefs:
    units = tuple((u, e.line) for e in order.events if (u := unit_of(e)))
    latest = max(((f"{e.at:%Y-%m-%d %H:%M}", e.line) for e in order.events), default=None)
    return OrderRefs(order.path, order.id, order.line, units, latest, format_time(order.received_at), merges_of(order))


def duplicate_ids(checked: Checked) -> list[Finding]:
    """The same ``id`` in two files (``duplicate-id``)."""
    refs = checked.refs
    twice = {oid for oid, n in Counter(r.order_id for r in refs).items() if n > 1 and oid}
    by_id: dict[str, list[OrderRefs]] = defaultdict(list)
    for r in refs:
        if r.order_id in twice:
            by_id[r.order_id].append(r)
    out = []
    for oid, rs in by_id.items():
        if len(rs) > 1:
            rs = sorted(rs, key=lambda r: r.path)
            for r in rs:
                others = "、".join(o.path for o in rs if o is not r)
                out.append(
                    Finding(r.path, r.id_line, "duplicate-id", f"工单编号 {oid} 重复：{others} 也使用了这个编号")
                )
    return out


def events_in_future(checked: Checked) -> list[Finding]:
    """An event declared after "now" cannot have happened yet (``event-in-future``: a typo in the year or month,
    usually)."""
    now = f"{checked.now:%Y-%m-%d %H:%M}"
    return [
        Finding(r.path, r.latest[1], "event-in-future", f"事件时间 {r.latest[0]} 晚于当前时间 {now}：请核对日期")
        for r in checked.refs
        if r.latest and r.latest[0] > now
    ]


def unknown_units(checked: Checked) -> list[Finding]:
    """Events naming a unit ``units/`` does not have (``unknown-unit``, with "是否想写 …？")."""
    known = checked.ctx.units
    out = []
    for r in checked.refs:
        reported: set[str] = set()
        for unit, line in r.units:
            if unit not in known and unit not in reported:
                reported.add(unit)
                hint = unit_hint(known, unit)
                out.append(
                    Finding(r.path, line, "unknown-unit", f"单位 {unit} 不存在：units/ 下没有 {unit}.yaml{hint}")
                )
    return out


def merges(checked: Checked) -> list[Finding]:
    """Each order's 并单 against the merge rule (``merge-invalid``, ``checks.merges``)."""
    return merges_across((r.path, r) for r in checked.refs)
