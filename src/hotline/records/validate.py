"""From a parsed document to a record model, with schema problems as findings (字段校验).

pydantic reports errors at a location such as ``('events', 3, '派单', 'unit')``; we map each to the file
line of that value and say in Chinese what is wrong: ``unknown-field`` (with a guess at the intended
key), ``missing-field`` or ``invalid-value``.
"""

from __future__ import annotations

import difflib
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from hotline.findings import Finding
from hotline.records.models import EVENT_TYPES, Record
from hotline.records.privacy import mask_text
from hotline.records.rules import ITEM_KINDS
from hotline.records.yaml_reader import Document

M = TypeVar("M", bound=BaseModel)

_KNOWN_KEYS: set[str] = set()


def _known_keys() -> set[str]:
    """Every key any record format knows: the pool for "did you mean …?" suggestions."""
    if not _KNOWN_KEYS:
        from hotline.records import models, rules

        for module in (models, rules):
            for obj in vars(module).values():
                if isinstance(obj, type) and issubclass(obj, BaseModel):
                    _KNOWN_KEYS.update(obj.model_fields)
    return _KNOWN_KEYS


_TYPE_MESSAGES = {
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "string_type": "应为文字",
    "list_type": "应为列表（- 开头的若干行，或 [a, b]）",
    "dict_type": "应为“键: 值”的映射",
    "model_type": "应为“键: 值”的映射",
    "model_attributes_type": "应为“键: 值”的映射",
    "string_too_short": "不能为空",
    "too_short": "不能为空",
}


def _clean_loc(loc: tuple) -> tuple:
    """Drop the discriminator tags pydantic inserts (``'派单'``, ``'rate'``) and union member names."""
    out = []
    for i, part in enumerate(loc):
        if isinstance(part, str) and i and isinstance(loc[i - 1], int) and (part in EVENT_TYPES or part in ITEM_KINDS):
            continue
        out.append(part)
    return tuple(out)


def _field_name(loc: tuple) -> str:
    parts = []
    for p in loc:
        if isinstance(p, int):
            parts.append(f"[{p + 1}]")
        else:
            parts.append(("." if parts else "") + str(p))
    return "".join(parts) or "（顶层）"


def _message(err: ErrorDetails, loc: tuple) -> tuple[str, str]:
    kind = err["type"]
    field = _field_name(loc)
    value = err.get("input")
    if isinstance(value, str):  # quoted in one line, never more than a glance, never an identity
        value = mask_text(value).replace("\r", " ").replace("\n", " ")[:80]  # masked before it is cut
    if kind == "extra_forbidden":
        key = str(loc[-1])
        guess = difflib.get_close_matches(key, sorted(_known_keys()), n=1, cutoff=0.6)
        hint = f"，是否想写 {guess[0]}？" if guess else "：记录格式不认识这个键，请删除或改正"
        return "unknown-field", f"未知字段 {key}{hint}"
    if kind == "missing":
        return "missing-field", f"缺少必填字段 {field}"
    if kind == "union_tag_invalid" and err["ctx"].get("discriminator") != "'type'":
        allowed = "、".join(t.strip(" '") for t in str(err["ctx"].get("expected_tags", "")).split(","))
        return (
            "invalid-value",
            f"{field}：{err['ctx'].get('discriminator', '').strip(chr(39))}“{err['ctx'].get('tag')}”不存在，应为 {allowed} 之一",
        )
    if kind == "union_tag_invalid":
        allowed = "、".join(EVENT_TYPES)
        return "invalid-value", f"{field}：事件类型“{err['ctx'].get('tag')}”不存在，应为 {allowed} 之一"
    if kind == "union_tag_not_found":
        return "missing-field", f"{field}：事件缺少 type（事件类型）"
    if kind == "literal_error":
        return (
            "invalid-value",
            f"{field} 的取值“{value}”无效，应为 {err['ctx'].get('expected', '').replace(' or ', '、')}",
        )
    if kind == "value_error" and loc[-2:] == ("citizen", "name"):
        return "pii-name", f"{field}：{err['ctx']['error']}"
    if kind == "value_error":
        return "invalid-value", f"{field}：{err['ctx']['error']}"
    if (
        kind == "string_pattern_mismatch"
        and str(loc[-1] if loc else "") == "unit"
        and any("\u4e00" <= ch <= "\u9fff" for ch in str(value))
    ):
        return "invalid-value", f"{field} 的取值“{value}”是单位名称：这里应写单位编号（units/ 下的文件名，如 jincun）"
    if kind == "string_pattern_mismatch":
        return "invalid-value", f"{field} 的取值“{value}”格式不符：只能用字母、数字和 -"
    if kind in ("greater_than_equal", "greater_than"):
        return "invalid-value", f"{field} 的取值 {value} 太小，应不小于 {err['ctx'].get('ge', err['ctx'].get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return "invalid-value", f"{field} 的取值 {value} 太大，应不大于 {err['ctx'].get('le', err['ctx'].get('lt'))}"
    if kind in _TYPE_MESSAGES:
        shown = "" if isinstance(value, (dict, list)) else f"“{value}”"
        return "invalid-value", f"{field} 的取值{shown}无效：{_TYPE_MESSAGES[kind]}"
    return "invalid-value", f"{field} 的取值无效：{err['msg']}"


def to_model(doc: Document, model: type[M]) -> tuple[M | None, list[Finding]]:
    """Validate ``doc.data`` as ``model``; on failure, one finding per distinct bad value."""
    if not isinstance(doc.data, dict):
        return None, [Finding(doc.path, doc.line_of(()) or 1, "invalid-value", "文件内容应为“键: 值”的映射")]
    try:
        obj = model.model_validate(doc.data)
    except ValidationError as e:
        return None, errors_to_findings(doc, e)
    if isinstance(obj, Record):
        obj.locate(doc.path, doc.line_of(()))
    return obj, []


def errors_to_findings(doc: Document, e: ValidationError, prefix: tuple = ()) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for err in e.errors(include_url=False):
        loc = prefix + _clean_loc(tuple(err["loc"]))
        # union members add names to the location; keep the longest prefix the document has
        known = loc
        while known and known not in doc.lines and err["type"] not in ("missing", "extra_forbidden"):
            known = known[:-1]
        if err["type"] not in ("missing", "extra_forbidden"):
            loc = known
        key = (loc, err["type"] if err["type"] in ("missing", "extra_forbidden") else "value")
        if key in seen or (loc, "value") in seen:
            continue
        seen.add(key)
        code, msg = _message(err, loc)
        findings.append(Finding(doc.path, doc.line_of(loc), code, msg))
    return findings
