"""Characters that show nothing (不可见字符) may not stand in record text at all: format characters (Cf:
zero-width space, soft hyphen, word joiner, the bidi controls such as U+202E that show a name backwards),
control characters and the invisible fillers. They make what a page shows differ from what the record
holds — a different ``by``, a number nobody sees as one.

``findings`` reports the first such character of each line (``hidden-character``, an error naming file and
line), in the text as written and, where a YAML escape (``"\\u202e"``, ``"\\_"``) writes one the text does
not show, in the values read. ``characters`` is the rule itself, for any text (form fields, commands).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from hotline.findings import Finding
from hotline.records.numerals import is_hidden, tables
from hotline.records.yaml_reader import Document

CODE = "hidden-character"


def characters(text: str) -> Iterator[tuple[int, str]]:
    """(line, character) of the first hidden character on each line that has one."""
    last = 0
    for m in tables().hidden.finditer(text):
        c = m.group()
        if c > "\uffff" and not is_hidden(c):
            continue  # the pattern lets every character beyond the BMP through: most are visible
        line = text.count("\n", 0, m.start()) + 1
        if line != last:
            last = line
            yield line, c


def describe(c: str) -> str:
    """``U+202E（RIGHT-TO-LEFT OVERRIDE）``: how a message names the character (never the character itself)."""
    name = unicodedata.name(c, "")
    return f"U+{ord(c):04X}" + (f"（{name}）" if name else "")


def message(line: int, c: str) -> str:
    return (
        f"第 {line} 行有看不见的字符 {describe(c)}：记录中不允许格式字符、双向控制字符和控制字符"
        "（它们使显示的文字与保存的内容不同），请删除"
    )


def _strings(value: object, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k, loc)
            yield from _strings(v, (*loc, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, (*loc, i))


def values(doc: Document) -> Iterator[tuple[int, str]]:
    """(line, text) of every string the document's values hold, when an escape may have written a character
    the text as written does not show (a backslash in a double-quoted scalar); nothing otherwise."""
    if doc.data is None or "\\" not in doc.text:
        return
    for loc, value in _strings(doc.data):
        yield doc.line_of(loc), value


def findings(path: str, text: str, doc: Document | None = None) -> list[Finding]:
    found: dict[int, str] = dict(characters(text))
    for line, value in values(doc) if doc is not None else ():
        for _, c in characters(value):
            found.setdefault(line, c)
            break
    return [Finding(path, line, CODE, message(line, c)) for line, c in sorted(found.items())]
