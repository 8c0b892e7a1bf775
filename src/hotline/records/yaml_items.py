"""The items of one top-level list in a record's text, without a YAML parse (列表项扫描).

The history reader looks at every version of every order file in the repository's history; parsing each
version as YAML would take minutes on a large repository. Records keep their append-only lists
(``events:`` of an order, ``changes:`` of a unit) as one item per line, ``- {at: …, type: …}``, so a
line scan finds them: each item's text (comments dropped, runs of blanks folded, the leading ``- `` cut)
and its line. Block-style items (``- at: …`` on several lines) are read too. Anything the scan cannot be
sure of — a flow list ``events: [...]``, tabs, odd indentation — falls back to the real YAML reader
(``yamlsource``), whose items are written as canonical JSON text instead.

``key_of`` turns an item's text into a 64-bit BLAKE2b key (two versions hold "the same event" when the
keys are equal); ``fields`` pulls the few scalars the history checks need (``at``, ``type``, ``unit``,
``effective``) out of an item's text.
"""

from __future__ import annotations

import json
import re
from hashlib import blake2b

from hotline.records.yaml_reader import parse_text

Item = tuple[str, int]  # (normalized text, 1-based line)


def key_of(text: str) -> int:
    """A signed 64-bit BLAKE2b key (fits an ``array('q')``)."""
    return int.from_bytes(blake2b(text.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def _strip_comment(line: str) -> str:
    if "#" not in line:
        return line
    quote = None
    prev = " "
    for i, ch in enumerate(line):
        if quote:
            if ch == quote and not (quote == '"' and prev == "\\"):
                quote = None
        elif ch in "\"'" and prev in " \t{[,:-":
            quote = ch
        elif ch == "#" and prev in " \t":
            return line[:i]
        prev = ch
    return line


def _fold(line: str) -> str:
    return " ".join(_strip_comment(line).split())


def items(text: str, key: str) -> list[Item] | None:
    """The items of the top-level list ``key`` (empty when absent); None when the layout needs real YAML."""
    head = key + ":"
    if text.startswith(head):
        pos = 0
    else:
        pos = text.find("\n" + head)
        if pos < 0:
            return []
        pos += 1
    eol = text.find("\n", pos)
    if eol < 0:
        eol = len(text)
    rest = _fold(text[pos + len(head) : eol])
    if rest:
        return [] if rest == "[]" else None
    line_no = text.count("\n", 0, pos) + 2
    rest_text = text[eol + 1 :]
    if "#" not in rest_text and "\t" not in rest_text and "\r" not in rest_text:
        rows = rest_text.split("\n")
        if rows[-1] == "":
            rows.pop()
        if rows and all(r[:5] == "  - {" and r[-1:] == "}" for r in rows):  # the canonical layout, quickly
            return [(" ".join(r[4:].split()), line_no + i) for i, r in enumerate(rows)]
    out: list[Item] = []
    indent = -1
    current: list[str] | None = None
    start = 0
    for ln in rest_text.split("\n"):
        if "\t" in ln or "\r" in ln:
            ln = ln.replace("\r", "")
            if "\t" in ln[: len(ln) - len(ln.lstrip())]:
                return None
        stripped = ln.lstrip(" ")
        if not stripped or stripped[0] == "#":
            line_no += 1
            continue
        lead = len(ln) - len(stripped)
        is_item = stripped[0] == "-" and (len(stripped) == 1 or stripped[1] == " ")
        if lead == 0 and not is_item:
            break  # the next top-level key
        if indent < 0:
            if not is_item:
                return None
            indent = lead
        if is_item and lead == indent:
            if current is not None:
                out.append(("\n".join(current), start))
            first = _fold(stripped[1:])
            current = [first] if first else []
            start = line_no
        elif lead > indent and current is not None:
            folded = _fold(ln)
            if folded:
                current.append(folded)
        else:
            return None
        line_no += 1
    if current is not None:
        out.append(("\n".join(current), start))
    return out


def tail_items(tail: str, indent: int, line: int) -> list[Item] | None:
    """Items appended after a known version: ``tail`` must be whole items at ``indent`` (else None)."""
    pad = " " * indent
    if (
        tail.count("\n") == 1
        and tail[-2:] == "}\n"
        and tail.startswith(pad + "- {")
        and "#" not in tail
        and "\t" not in tail
        and "\r" not in tail
    ):
        return [(" ".join(tail[indent + 2 :].split()), line)]  # one flow-style item, the usual append
    out: list[Item] = []
    current: list[str] | None = None
    start = 0
    for ln in tail.split("\n"):
        if ln.startswith(pad + "- "):
            if ln[indent + 2 : indent + 3] == " " or "#" in ln or "\t" in ln or "\r" in ln:
                return None
            if current is not None:
                out.append(("\n".join(current), start))
            body = ln[indent + 2 :]
            current = [" ".join(body.split())]
            start = line
        elif not ln.strip():
            if ln and current is None:
                return None
        elif current is not None and ln.startswith(pad + "  ") and "#" not in ln and "\t" not in ln:
            current.append(" ".join(ln.split()))
        else:
            return None
        line += 1
    if current is not None:
        out.append(("\n".join(current), start))
    return out


def items_or_yaml(text: str, key: str) -> list[Item]:
    """``items``, falling back to a YAML parse; an unreadable file has no items."""
    found = items(text, key)
    if found is not None:
        return found
    doc = parse_text("", text)
    data = doc.data.get(key) if isinstance(doc.data, dict) else None
    if not isinstance(data, list):
        return []
    return [
        (json.dumps(v, ensure_ascii=False, sort_keys=True, default=str), doc.line_of((key, i)))
        for i, v in enumerate(data)
    ]


_FIELD = re.compile(r"""(?:^|[{,\s])(at|type|unit|effective):[ \t]*("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^,}\n]*)""")
_JSON_FIELD = re.compile(r'"(at|type|unit|effective)": ("(?:[^"\\]|\\.)*")')


_QUICK = ("at", "type", "unit")


def at_type_unit(text: str) -> tuple[str | None, str | None, str | None]:
    """(``at`` or ``effective``, ``type``, ``unit``) of an item; fast for the canonical ``{at: …, type: …, unit: …``."""
    if text.startswith("{at: ") and "\n" not in text and "'" not in text and '"' not in text:
        a = text.find(", ", 5)
        if a > 5 and text.startswith("type: ", a + 2):
            b = text.find(", ", a + 8)
            if b < 0:
                b = len(text) - 1
            typ = text[a + 8 : b]
            unit = None
            if text.startswith("unit: ", b + 2):
                e = text.find(", ", b + 8)
                unit = text[b + 8 : e if e >= 0 else len(text) - 1]
            elif ", unit: " in text:
                unit = fields(text).get("unit")
            return text[5:a], typ, unit
    f = fields(text)
    return f.get("at") or f.get("effective"), f.get("type"), f.get("unit")


def fields(text: str) -> dict[str, str]:
    """``at``, ``type``, ``unit`` and ``effective`` of an item, as written (quotes removed)."""
    if text.startswith("{at: ") and "\n" not in text:  # the canonical flow layout: {at: …, type: …, unit: …
        out = {}
        for part in text[1:-1].split(", ", 3)[:3]:
            k, sep, v = part.partition(": ")
            if not sep or k not in _QUICK or not v or v[0] in "\"'[{":
                break
            out[k] = v
        else:
            if "unit" in out or ", unit: " not in text:
                return out
    out = {}
    if text.startswith('{"') or text.startswith('{"'):
        for k, v in _JSON_FIELD.findall(text):
            out.setdefault(k, json.loads(v))
        return out
    for k, v in _FIELD.findall(text):
        v = v.strip()
        if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
            v = json.loads(v) if v[0] == '"' else v[1:-1].replace("''", "'")
        out.setdefault(k, v)
    return out


def same_item(a: str, b: str) -> bool:
    """Whether two item texts mean the same mapping (a reformatted event is not a changed one)."""
    import yaml

    def value(t: str) -> object:
        if t.startswith('{"'):
            try:
                return json.loads(t)
            except ValueError:
                pass
        try:
            v = yaml.safe_load(t)
        except yaml.YAMLError:
            return None
        return json.loads(json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)) if v is not None else None

    va, vb = value(a), value(b)
    return va is not None and va == vb


def item_indent(text: str, line: int) -> int:
    """Indentation of the list item starting on ``line`` (1-based)."""
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return -1
    end = text.find("\n", start)
    row = text[start : end if end >= 0 else len(text)]
    return len(row) - len(row.lstrip(" ")) if row.lstrip(" ").startswith("-") else -1
