"""Writing records as staff write them (记录文本): work orders and events in the canonical layout.

One layout for every file the program creates (``hotline order new``, ``hotline import``, ``hotline
demo``): top-level keys in the order of the README's example (记录格式), the content as a literal block, tags as a flow list,
and one event per line as a flow mapping ``- {at: …, type: …}``, keys in a fixed order. Scalars are
written plain when YAML reads them back as the same text, double-quoted otherwise.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import yaml

from hotline.records.privacy import mask_text
from hotline.times import format_date, format_time

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader

EVENT_KEY_ORDER = (
    "at",
    "type",
    "unit",
    "role",
    "result",
    "kind",
    "level",
    "into",
    "by",
    "office",
    "days",
    "approved",
    "reason",
    "basis",
    "text",
    "note",
    "attachments",
)
ORDER_KEY_ORDER = (
    "id",
    "title",
    "category",
    "emergency",
    "received_at",
    "sample",
    "citizen",
    "address",
    "content",
    "tags",
    "events",
)

# Text that a YAML 1.1 reader would turn into something other than a string, or that needs quoting
_SPECIAL = re.compile(
    r"""^(?:[-?:,\[\]{}#&*!|>'"%@`]|\s)|[\s:]$|:\s|\s\#|[,\[\]{}?]|^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE
    |yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N)$|^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$
    |^0[xob]|^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$|^\d{4}-\d\d?-\d\d?(?:[Tt\s]+\d\d?:\d\d:\d\d.*)?$|^[-+]?\d[\d_]*(?::[0-5]?\d)+(?:\.[\d_]*)?$
    |[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|^=$|^<<$""",
    re.VERBOSE,
)
_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")  # not printable, or a line break, to YAML
_TIME_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$")


def scalar(value: object) -> str:
    """One value as YAML text that reads back as the same value (flow-context safe)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, date):
        return format_date(value)
    text = str(value)
    if _TIME_LIKE.match(text):
        return text  # times are strings to the YAML reader (no seconds) and to the record models
    if text == "" or _SPECIAL.search(text) or (text[0] in _IMPLICIT_FIRST and not _reads_back(text)):
        return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))
    return text


_IMPLICIT_FIRST = frozenset(
    k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k
)  # only these can resolve to non-strings


def _reads_back(text: str) -> bool:
    """The YAML reader's own verdict on a plain scalar (the net under the pattern above)."""
    try:
        return yaml.load("{k: " + text + "}", Loader=_Loader) == {"k": text}
    except yaml.YAMLError:
        return False


def flow_mapping(data: Mapping[str, object], key_order: Iterable[str] = EVENT_KEY_ORDER) -> str:
    keys = [k for k in key_order if k in data and data[k] is not None]
    keys += [k for k in data if k not in keys and data[k] is not None]
    return "{" + ", ".join(f"{k}: {scalar(data[k])}" for k in keys) + "}"


def event_line(event: Mapping[str, object], indent: str = "  ") -> str:
    """``  - {at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}``"""
    return f"{indent}- {flow_mapping(event)}"


def _block(text: str) -> str:
    lines = [ln.rstrip() for ln in str(text).strip("\n").splitlines()] or [""]
    indicator = "|2" if lines[0][:1] == " " else "|"
    return indicator + "\n" + "\n".join(("  " + ln) if ln else "" for ln in lines)


def comment_text(text: str) -> str:
    """One line of a YAML comment: every line break and control character (a file name may hold them) is a
    space, so nothing after it can become YAML; identities are masked."""
    return mask_text(
        "".join(" " if unicodedata.category(ch)[0] == "C" or ch in "\u2028\u2029" else ch for ch in str(text))
    )


def render_order(order: Mapping[str, Any], comments: Iterable[str] = (), schema: bool = True) -> str:
    """The text of ``orders/YYYY/MM/<id>.yaml`` for ``order`` (plain values, as in the YAML)."""
    out: list[str] = []
    if schema:
        out.append("# yaml-language-server: $schema=../../../schemas/order.schema.json")
    out += [f"# {comment_text(c)}" for c in comments]
    for key in list(ORDER_KEY_ORDER) + [k for k in order if k not in ORDER_KEY_ORDER]:
        if key not in order:
            continue
        value = order[key]
        if (key == "emergency" and not value) or (key == "sample" and not value):
            continue
        if value is None or (value == [] and key != "events") or value == {}:
            continue
        if key == "citizen":
            out.append(f"citizen: {flow_mapping(value, ('name', 'phone'))}")
        elif key == "content":
            out.append("content: " + _block(str(value)))
        elif key == "tags":
            out.append("tags: [" + ", ".join(scalar(t) for t in value) + "]")
        elif key == "events":
            if not value:
                out.append("events: []")
            else:
                out.append("events:")
                out += [event_line(e) for e in value]
        else:
            out.append(f"{key}: {scalar(value)}")
    return "\n".join(out) + "\n"
