"""Issue-form intake (议题表单登记): a submitted form → a checked event, or Chinese reasons why not.

Staff without Git skills fill in a form (``.github/ISSUE_TEMPLATE/``); both hosts render the submission
as ``### <label>`` sections (``_No response_`` for an empty field). The body is untrusted input: anyone
who can edit the issue can put anything in it. It is only ever parsed here, as text, and passed on as
argument values — never through a shell, never into a workflow expression.

``parse_body`` → fields by key; ``build_request`` → an ``IntakeRequest`` (the event to append) or a
list of Chinese errors. The request is checked as ``hotline order add`` would be: the event's fields,
the order's existence, the submitter's right to record it (``permissions``), the lifecycle with the
event appended (no new findings), personal data and hidden characters.

The errors are posted on the issue by the bot, so they quote nothing of the issue (no link, no @mention,
no bidi control, nothing anyone wrote re-posted under the bot's name): only fixed field names, unit names
from the unit list, event types, and what the lifecycle says about the parsed event (times, days, unit ids).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from hotline.host.permissions import Rights
from hotline.lifecycle.derive import derive
from hotline.load import Context, load_order
from hotline.records import hidden, paths
from hotline.records import privacy as pii
from hotline.records.models import EVENT_TYPES, AnyEvent
from hotline.records.unit_names import resolve_unit, unit_hint
from hotline.times import format_time
from hotline.workdays import WorkCalendar

MAX_BODY = 64 * 1024
FORM_TYPES = ("接收", "联系", "答复", "退回申请", "延期申请")
NO_RESPONSE = "_No response_"
HEADING = re.compile(r"^###[ \t]+(.+?)[ \t]*$", re.M)
FENCE = re.compile(r"\A```[^\n]*\n(.*?)\n?```\Z", re.S)
CHECKBOX = re.compile(r"^- \[([ xX])\] (.*)$")

# form label → field key; the forms in .github/ISSUE_TEMPLATE use exactly these labels (tested)
LABELS = {
    "登记类型": "type",
    "工单编号": "order_id",
    "承办单位": "unit",
    "时间": "at",
    "经办人": "by",
    "承办科室": "office",
    "联系情况": "note",
    "备注": "note",
    "答复内容": "text",
    "退回理由": "reason",
    "延期理由": "reason",
    "依据": "basis",
    "延期天数": "days",
    "确认": "confirm",
}
FIELD_NAMES = {
    "type": "登记类型",
    "order_id": "工单编号",
    "unit": "承办单位",
    "at": "时间",
    "by": "经办人",
    "office": "承办科室",
    "note": "备注",
    "text": "答复内容",
    "reason": "理由",
    "basis": "依据",
    "days": "延期天数",
    "confirm": "确认",
}
EVENT_FIELDS = ("at", "type", "unit", "by", "office", "text", "reason", "basis", "days", "note")
FIELD_HINTS = {  # what a field should hold, for a refusal that may not quote what was written
    "at": "应写成 YYYY-MM-DD HH:MM（北京时间），如 2026-11-20 14:30",
    "by": "应为经办人员的姓名（如 王丽、县热线办），不能是电话号码、编号或其他数字",
    "days": "应为整数（工作日数）",
}


class FormError(ValueError):
    pass


def is_form(body: str | None) -> bool:
    if not body:
        return False
    return re.search(r"^###[ \t]+登记类型[ \t]*$", body, re.M) is not None


def sections(body: str) -> dict[str, str]:
    """``### label`` sections of a rendered form; raises ``FormError`` on a repeated label."""
    if len(body) > MAX_BODY:
        raise FormError("议题内容过长（超过 64 KB）")
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    heads = list(HEADING.finditer(body))
    out: dict[str, str] = {}
    for i, m in enumerate(heads):
        label = m.group(1).strip()
        end = heads[i + 1].start() if i + 1 < len(heads) else len(body)
        value = body[m.end() : end].strip("\n").strip()
        if label in out:
            named = f"“### {label}”" if label in LABELS else "同一个以 ### 开头的小标题"
            raise FormError(f"表单中出现了两次{named}：填写的内容里请不要使用以 ### 开头的行")
        out[label] = value
    return out


def _value(label: str, raw: str) -> str:
    if raw == NO_RESPONSE:
        return ""
    fenced = FENCE.match(raw)
    if fenced:  # a textarea with ``render:`` comes back in a code fence
        raw = fenced.group(1)
    lines = raw.split("\n")
    boxes = [CHECKBOX.match(line) for line in lines]
    if lines and all(boxes):
        checked = [m.group(2).strip() for m in boxes if m is not None and m.group(1) != " "]
        if label == "确认":
            return "yes" if len(checked) == len(lines) else ""
        return ", ".join(checked)  # an old Gitea renders a dropdown as a checkbox list
    return raw.strip()


def parse_body(body: str) -> dict[str, str]:
    """Field key → value (empty string for an empty field). Unknown sections are ignored."""
    fields: dict[str, str] = {}
    for label, raw in sections(body).items():
        key = LABELS.get(label)
        if key is None:
            continue
        if fields.get(key):
            raise FormError(f"表单中“{FIELD_NAMES.get(key, key)}”出现了两次")
        fields[key] = _value(label, raw)
    return fields


@dataclass
class IntakeRequest:
    """One event to append to one order, from one issue (登记请求)."""

    order_id: str
    order_path: str
    event: dict  # keys as in the record format (records/models.py), values as strings/ints
    unit_name: str

    @property
    def type(self) -> str:
        return self.event["type"]

    def summary(self) -> str:
        return f"{self.order_id}：{self.type} {self.event['unit']}"


@dataclass
class Outcome:
    request: IntakeRequest | None = None  # set exactly when there are no errors
    errors: list[str] = field(default_factory=list)


def _unknown_unit(value: str, ctx: Context) -> str:
    """The units the value may mean are named (from the unit list); the value itself is not quoted."""
    hint = unit_hint(ctx.units, value, quote=False)
    return f"所填的承办单位不存在：请填写单位名称（如 金村镇）或编号（如 jincun）{hint}"


def find_order(root: Path, order_id: str) -> Path | None:
    if len(order_id) > 64:
        return None
    rel = paths.find_order(root, order_id)
    return Path(root) / rel if rel else None


def build_request(body: str, author: str, ctx: Context, as_of: datetime) -> Outcome:
    """Parse and check a submitted form. Nothing is written."""
    try:
        f = parse_body(body)
    except FormError as e:
        return Outcome(errors=[str(e)])
    errors: list[str] = []
    etype = f.get("type", "")
    if etype not in FORM_TYPES:
        return Outcome(errors=[f"登记类型无效，应为 {'、'.join(FORM_TYPES)} 之一：请使用对应的表单"])
    if f.get("confirm") != "yes":
        errors.append("请勾选“确认”：内容不含诉求人的完整手机号码和身份证号码")
    for key in ("order_id", "unit", "at", "by"):
        if not f.get(key):
            errors.append(f"缺少“{FIELD_NAMES[key]}”")
    if errors:
        return Outcome(errors=errors)

    unit = resolve_unit(ctx.units, f["unit"])
    if unit is None:
        errors.append(_unknown_unit(f["unit"], ctx))
    event: dict = {"at": f["at"], "type": etype, "unit": unit or f["unit"], "by": f["by"]}
    for key in ("office", "text", "reason", "basis", "note"):
        if f.get(key):
            event[key] = f[key]
    reported: set[str] = set()
    if etype == "延期申请":
        days = f.get("days", "").strip()
        if not days.isdigit():
            reported.add("days")
            errors.append("延期天数应为整数（工作日数，如 5）")
        else:
            event["days"] = int(days)
    model = EVENT_TYPES[etype]
    parsed = None
    try:
        parsed = model.model_validate(event)
    except ValidationError as e:
        for err in e.errors(include_url=False):
            key = str(err["loc"][0]) if err["loc"] else ""
            if key in reported:
                continue
            name = FIELD_NAMES.get(key, key)
            if err["type"] == "missing":
                errors.append(f"缺少“{name}”")
            else:  # the validators' messages may quote the value: a fixed hint instead
                errors.append(f"“{name}”的内容无效" + (f"：{FIELD_HINTS[key]}" if key in FIELD_HINTS else ""))
    errors += _text_errors(event, ctx)

    path = find_order(ctx.root, f["order_id"])
    if path is None:
        errors.append("找不到所填的工单编号：请核对（orders/ 下没有这个编号的工单）")
    if unit is not None:
        rights = Rights.of(author, ctx.units, ctx.rules)
        if not rights.office and unit not in rights.units:
            errors.append(
                f"提交本议题的账号不是{ctx.units[unit].name}的维护人，不能为该单位登记：请由本单位维护人提交，或请热线管理机构在单位文件中登记您的账号"
            )
        elif not rights.office and etype not in rights.unit_events:
            errors.append(f"{etype}由热线管理机构登记，承办单位不能提交")
    if errors or parsed is None or path is None or unit is None:  # no unit is an error above
        return Outcome(errors=errors)

    if parsed.at > as_of:
        return Outcome(errors=[f"所填时间晚于当前时间 {format_time(as_of)}：请核对日期"])
    lifecycle = _lifecycle_errors(ctx, path, parsed)
    if lifecycle:
        return Outcome(errors=lifecycle)
    rel = path.relative_to(ctx.root).as_posix()
    return Outcome(
        IntakeRequest(f["order_id"], rel, {k: v for k, v in event.items() if k in EVENT_FIELDS}, ctx.units[unit].name)
    )


def _text_errors(event: dict, ctx: Context) -> list[str]:
    """Unmasked numbers and hidden characters in the event's texts (named by field, never quoted)."""
    errors = []
    for key, value in event.items():
        if not isinstance(value, str):
            continue
        name = FIELD_NAMES.get(key, key)
        for _line, c in hidden.characters(value):
            errors.append(
                f"“{name}”中有看不见的字符 {hidden.describe(c)}：不能填写格式字符、双向控制字符或控制字符，请删除"
            )
            break
        for kind, _line, _number, _masked in pii.find(value, ctx.public):
            what = "手机号码" if kind == "phone" else "身份证号码"
            example = "138****1234" if kind == "phone" else "140525********1234"
            errors.append(f"“{name}”中有未脱敏的{what}：只能写脱敏形式（如 {example}）；请同时修改本议题，删除完整号码")
    return errors


def _lifecycle_errors(ctx: Context, path: Path, event: AnyEvent) -> list[str]:
    of, _ = load_order(str(path), path.relative_to(ctx.root).as_posix(), ctx.public)
    if of.order is None or ctx.rules is None:
        return [f"工单文件 {of.path} 目前有错误，无法追加事件：请联系热线管理机构"]
    order = of.order
    calendar: WorkCalendar = ctx.calendar
    before = {(f.code, f.message) for f in derive(order, ctx.rules, calendar).findings}
    event.locate(order.path, 10**9)
    trial = order.model_copy(update={"events": [*order.events, event]})
    after = derive(trial, ctx.rules, calendar).findings
    return [f.message for f in after if f.line == 10**9 and (f.code, f.message) not in before]


def order_add_argv(req: IntakeRequest) -> list[str]:
    """``hotline order add ORDER_ID TYPE field=value… --commit`` (the staff command's documented form)."""
    fields = [f"{k}={v}" for k, v in req.event.items() if k != "type"]
    return ["order", "add", req.order_id, req.type, *fields, "--commit"]


def error_comment(errors: list[str]) -> str:
    items = "\n".join(f"- {e}" for e in errors)
    return (
        "<!-- hotline:intake -->\n"
        "**登记未完成**，请修改后再提交：\n\n"
        f"{items}\n\n"
        "修改方法：点击本议题右上角的“…”→“编辑”，改正后保存，系统会自动重新检查。"
    )
