"""Staff edits (工单录入): a new order file, or one event appended to an order, checked before writing.

``add_event`` refuses an event the lifecycle would reject (wrong order of events, a unit never
dispatched, a late return request, an extension the rules do not allow, a second redo or review…), a 并单
the merge rule forbids (``checks.merges``: into a later, missing or merged order), a unit that does not exist, a time in the future or a field the record format does not know — and then nothing is
written. An accepted event is appended with ruamel.yaml's round-trip editor, which keeps comments, key
order, quoting and layout of everything else; the result is checked to differ from the original by the
new event line alone (a file whose layout the editor would disturb is refused rather than rewritten),
then written atomically. Free text is masked on the way in (``pii``): a whole mobile or ID-card number
is never stored.

Edits of one repository are serialised by a lock file (``edit_lock``, the ``filelock`` package): the order
is read, checked and written while the lock is held, so three ``hotline order add`` at once each see
the others' events — none is lost, and each is checked against what is really in the file.
"""

from __future__ import annotations

import difflib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout
from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from hotline.checks.merges import by_order_id, merge_problems
from hotline.checks.orders import order_location, personal_data
from hotline.checks.reply_confirmation import unconfirmed_reply
from hotline.lifecycle.derive import derive
from hotline.load import Context, load_order, scan_orders
from hotline.records import hidden, paths
from hotline.records import privacy as pii
from hotline.records.models import EVENT_TYPES, Merge, Order, unit_of
from hotline.records.unit_names import resolve_unit, unknown_unit_message
from hotline.records.validate import errors_to_findings, to_model
from hotline.records.writer import EVENT_KEY_ORDER, render_order
from hotline.records.yaml_items import items
from hotline.records.yaml_reader import Document, parse_text
from hotline.times import format_time, parse_time
from hotline.util import cache
from hotline.util.atomic import write_text

TEXT_FIELDS = ("note", "text", "reason", "basis", "office")
BOOL_WORDS = {
    "true": True,
    "false": False,
    "是": True,
    "否": False,
    "同意": True,
    "不同意": False,
    "yes": True,
    "no": False,
}


class Refused(Exception):
    """The edit was refused; ``problems`` say why (Chinese), nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


@dataclass
class Result:
    path: str
    text: str
    event: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # accepted, but worth saying (答复 before 接收/联系)


def event_from_fields(event_type: str, pairs: dict[str, str], at: datetime) -> dict:
    """An event mapping from ``key=value`` pairs as typed on the command line."""
    if event_type not in EVENT_TYPES:
        raise Refused([f"事件类型“{event_type}”不存在，应为 {'、'.join(EVENT_TYPES)} 之一"])
    known = set(EVENT_TYPES[event_type].model_fields)
    ev: dict[str, object] = {"at": format_time(at), "type": event_type}
    problems = []
    for k, v in pairs.items():
        if k in ("at", "type"):
            problems.append(f"{k} 不能作为字段给出：时间用 --at 或 at=…，类型是第二个参数")
            continue
        if hide := next(hidden.characters(v), None):
            problems.append(
                f"{k} 中有看不见的字符 {hidden.describe(hide[1])}：不能录入格式字符、双向控制字符或控制字符"
            )
            continue
        if k not in known:
            problems.append(
                f"{event_type}事件没有字段 {k}（可用字段：{'、'.join(f for f in known if f not in ('at', 'type'))}）"
            )
            continue
        if k == "approved":
            if v.lower() not in BOOL_WORDS:
                problems.append(f"approved 应为 true 或 false（是/否），不是“{v}”")
                continue
            ev[k] = BOOL_WORDS[v.lower()]
        elif k == "days":
            if not v.isdigit():
                problems.append(f"days 应为整数，不是“{v}”")
                continue
            ev[k] = int(v)
        else:
            ev[k] = pii.mask_text(v) if k in TEXT_FIELDS else v
    if problems:
        raise Refused(problems)
    return {k: ev[k] for k in list(EVENT_KEY_ORDER) + list(ev) if k in ev}


def _model_problems(data: dict, model: type[BaseModel], where: str) -> list[str]:
    try:
        model.model_validate(data)
    except ValidationError as e:
        doc = Document(where, data=data)
        return [f.message for f in errors_to_findings(doc, e)]
    return []


def check_event(order: Order, ev: dict, ctx: Context, now: datetime, line: int) -> list[str]:
    """Why the lifecycle, the units or the clock refuse ``ev`` appended to ``order`` (empty: accepted)."""
    problems = _model_problems(ev, EVENT_TYPES[ev["type"]], order.path)
    if problems:
        return problems
    model = EVENT_TYPES[ev["type"]].model_validate(ev)
    model.locate(order.path, line)
    unit = unit_of(model)
    if unit and unit not in ctx.units:
        return [unknown_unit_message(ctx.units, unit)]
    if model.at > now:
        return [f"事件时间 {format_time(model.at)} 晚于当前时间 {format_time(now)}：不能记录尚未发生的事"]
    if ctx.rules is None:
        return ["无法读取 scoring/rules.yaml，不能核对办理流程"]
    before = derive(order, ctx.rules, ctx.calendar)
    after_order = order.model_copy()
    after_order.events = [*order.events, model]  # model_copy keeps the order's path and line
    after = derive(after_order, ctx.rules, ctx.calendar)
    known = {(f.code, f.line, f.message) for f in before.findings}
    problems = [f.message for f in after.findings if (f.code, f.line, f.message) not in known]
    if isinstance(model, Merge):  # 并单: the merge rule, against every order as it is now
        problems += merge_problems(order.id, model.into, by_order_id(scan_orders(ctx).refs))
    return problems


def _yaml(item_indent: int = 2) -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=item_indent + 2, offset=item_indent)
    return y


def _round_trip(text: str, ev: dict) -> str:
    found = items(text, "events")
    indent = 2
    if found:
        row = text.splitlines()[found[0][1] - 1]
        indent = len(row) - len(row.lstrip(" "))
    y = _yaml(indent)
    data = y.load(text)
    item = CommentedMap()
    for k, v in ev.items():
        item[k] = v
    item.fa.set_flow_style()
    events = data.get("events")
    if events is None:
        events = CommentedSeq()
        data["events"] = events
    events.fa.set_block_style()
    events.append(item)
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()


_EMPTY_EVENTS = re.compile(r"^events:[ \t]*\[\][ \t]*")


def append_text(text: str, ev: dict) -> str:
    """``text`` with ``ev`` appended to its ``events``; every other byte stays as it was.

    ruamel.yaml's round-trip editor decides where the new item goes and how it is written; its output
    is then compared with the original line by line and only the new item's line is carried over, so
    whatever else the editor would normalise (spacing inside flow lists, say) is left untouched.
    """
    dumped = _round_trip(text if text.endswith("\n") else text + "\n", ev)
    a, b = text.splitlines(keepends=True), dumped.splitlines(keepends=True)
    if a and not a[-1].endswith("\n"):
        a[-1] += "\n"
    head = f"- {{at: {ev['at']}, type: {ev['type']}"
    have = Counter(a)
    added = {
        line for line in b if line.lstrip().startswith(head) and b.count(line) > have[line]
    }  # an identical event too
    j = next((n for n in range(len(b) - 1, -1, -1) if b[n] in added), None)
    if j is None:
        raise ValueError("new event not found in the editor's output")
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()  # never empty: b holds b[j]
    tag, i1, i2, _, _ = next((op for op in ops if op[3] <= j < op[4]), ops[-1])
    if tag == "insert" or tag == "equal":
        pos = i1
    else:
        pos = i2
        opened = [i for i in range(i1, i2) if _EMPTY_EVENTS.match(a[i])]
        if opened:  # ``events: []`` becomes a block list
            i = opened[0]
            a[i] = (
                _EMPTY_EVENTS.sub("events:", a[i]).rstrip(" \t\n") + "\n"
                if "#" not in a[i]
                else _EMPTY_EVENTS.sub("events:   ", a[i])
            )
            pos = i + 1
    if not any(line.startswith("events:") for line in a):
        a.append("events:\n")
        pos = len(a)
    return "".join(a[:pos] + [b[j]] + a[pos:])


def _only_added(old: str, new: str) -> bool:
    """Whether ``new`` is ``old`` plus inserted lines (and at most ``events: []`` opened into a block)."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    for tag, i1, i2, j1, _j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("equal", "insert"):
            continue
        if (
            tag == "replace"
            and i2 - i1 == 1
            and a[i1].split("#")[0].strip() in ("events: []", "events:")
            and b[j1].startswith("events:")
        ):
            continue
        return False
    return True


LOCK_WAIT = 60.0  # seconds another edit may hold the repository


def edit_lock(root: Path | str) -> FileLock:
    """The repository's edit lock (re-entrant in one process); kept beside the cache, outside the records."""
    path = cache.repo_dir(root) / "edit.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(path, timeout=LOCK_WAIT, is_singleton=True)


def add_event(ctx: Context, path: Path, event_type: str, pairs: dict[str, str], at: datetime, now: datetime) -> Result:
    """Append one event to the order file ``path``; refuse (and write nothing) when it is not allowed.

    The file is read, checked and written under the repository's edit lock."""
    try:
        with edit_lock(ctx.root):
            return _add_event(ctx, path, event_type, pairs, at, now)
    except Timeout:
        raise Refused([f"另一个录入正在修改本仓库，等待 {LOCK_WAIT:.0f} 秒仍未结束：请稍后重试"]) from None


def _add_event(ctx: Context, path: Path, event_type: str, pairs: dict[str, str], at: datetime, now: datetime) -> Result:
    root = Path(ctx.root)
    of, doc = load_order(str(path), Path(path).relative_to(root).as_posix(), ctx.public)
    errors = [f for f in of.findings if f.severity == "error"]
    if of.order is None or errors:
        raise Refused(
            [
                f"工单文件 {of.path} 本身有错误，请先修正："
                + "；".join(f"第 {f.line} 行 {f.message}" for f in errors[:5])
            ]
        )
    if pairs.get("unit"):  # a unit's name (full, short or a beginning) is accepted where its id is
        unit = resolve_unit(ctx.units, pairs["unit"])
        if unit is None:
            raise Refused([unknown_unit_message(ctx.units, pairs["unit"])])
        pairs = dict(pairs, unit=unit)
    ev = event_from_fields(event_type, pairs, at)
    old = doc.text
    new_line = (max((e.line for e in of.order.events), default=doc.line_of(("events",))) or old.count("\n")) + 1
    problems = check_event(of.order, ev, ctx, now, new_line)
    if problems:
        raise Refused(problems)
    new = append_text(old, ev)
    check = parse_text(of.path, new)
    order_after, errs = to_model(check, Order) if check.ok else (None, check.findings)
    if order_after is None or errs or len(order_after.events) != len(of.order.events) + 1 or not _only_added(old, new):
        raise Refused([f"无法在不改动其他内容的情况下向 {of.path} 追加事件（文件的排版较特殊）：请手工编辑"])
    write_text(path, new)
    return Result(of.path, new, ev, unconfirmed_reply(order_after.events))


def new_order(
    ctx: Context,
    fields: dict,
    dispatches: list[tuple[str, str]],
    at: datetime | None,
    by: str,
    now: datetime,
    comment: str | None = None,
    write: bool = True,
) -> Result:
    """Create ``orders/YYYY/MM/<id>.yaml`` from ``fields`` (masked on the way in), with optional 派单 events;
    ``write=False`` checks it the same way and writes nothing."""
    root = Path(ctx.root)
    oid = str(fields.get("id", ""))
    if oid and paths.find_order(root, oid):
        raise Refused([f"工单 {oid} 已经存在：不能重复新建"])
    data = masked_order(fields)
    events = []
    for unit, role in dispatches:
        events.append({"at": format_time(at or now), "type": "派单", "unit": unit, "role": role, "by": by})
    data["events"] = events
    try:
        received = parse_time(data["received_at"]) if data.get("received_at") else None
    except ValueError as e:
        raise Refused([str(e)]) from None
    rel = paths.order_path(oid, received) if received and oid else f"{paths.ORDERS}/{oid or '未命名'}.yaml"
    text = render_order(data, [comment] if comment else [])
    doc = parse_text(rel, text)
    order, errs = to_model(doc, Order)
    problems = [f.message for f in errs]
    if order is not None:
        for i, ev in enumerate(order.events):
            ev.locate(rel, doc.line_of(("events", i)))
        problems += [
            f.message
            for f in order_location(order) + personal_data(rel, text, oid, ctx.public)
            if f.severity == "error"
        ]
        for u, _ in dispatches:
            if u not in ctx.units:
                problems.append(unknown_unit_message(ctx.units, u))
        if ctx.rules is not None:
            problems += [f.message for f in derive(order, ctx.rules, ctx.calendar).findings]
        if order.received_at > now or any(e.at > now for e in order.events):
            problems.append("时间晚于当前时间：不能记录尚未发生的事")
    if problems:
        raise Refused(problems)
    if write:
        write_text(root / rel, text)
    return Result(rel, text)


def masked_order(fields: dict) -> dict:
    """The order's fields with the citizen's identity masked (张**, 138****1234) and numbers in text masked."""
    data = dict(fields)
    name, phone = data.pop("citizen_name", None), data.pop("citizen_phone", None)
    citizen = {}
    if name:
        citizen["name"] = pii.mask_name(str(name))
    if phone:
        citizen["phone"] = pii.mask_phone(str(phone))
    if citizen:
        data["citizen"] = citizen
    for k in ("title", "content", "address"):
        if data.get(k):
            data[k] = pii.mask_text(str(data[k]))
    if data.get("tags"):
        data["tags"] = [pii.mask_text(str(t)) for t in data["tags"]]
    return data
