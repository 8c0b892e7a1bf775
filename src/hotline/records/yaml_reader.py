"""Reading one YAML record file into plain Python values with line numbers (读取 YAML 记录).

libyaml (PyYAML's C parser) composes the node tree; we construct the values ourselves so that we can
keep every value's line, refuse duplicate keys (PyYAML silently keeps the last one) and refuse anchors
and aliases (an alias bomb is refused before anything is expanded). Timestamps stay strings: the record
models parse them, so an impossible date such as 2026-02-30 is an ``invalid-value`` with its line rather
than a crash. Bad input becomes findings, never exceptions.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import yaml

try:  # libyaml is ten times faster; fall back to the pure-Python loader where it is missing
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _SafeLoader

from hotline.findings import Finding
from hotline.util.digest import bytes_digest

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 20  # nesting levels of a record (an order needs 4)

Path = tuple  # a path into the document: keys and list indexes


@dataclass(slots=True)
class Document:
    """A parsed file: its data, the line of every path in it, and the findings on the way."""

    path: str
    data: object = None
    lines: dict[Path, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    text: str = ""
    digest: str = ""  # of the bytes read (``util.digest.bytes_digest``), when read from a file

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def line_of(self, loc: Path) -> int:
        """The line of the deepest known prefix of ``loc`` (1-based; 0 if nothing is known)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 0)


# an anchor or alias starts a node: after a line start, space, '[', '{' or ','; masked values such as
# 138****1234 and 张** never match, so only files that may hold one pay for the event scan
_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[{,])[&*][^\s\[\]{},]", re.M)
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_FLOAT = "tag:yaml.org,2002:float"
_constructor = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"


class _Loader(_SafeLoader):
    """The safe loader, with PyYAML's resolver short-cut for the scalars no implicit type can start like (most
    of a record: Chinese text, ids, names): those are strings without trying each type's pattern. The same tags
    as ``yaml.SafeLoader`` gives, a quarter of the time composing a record."""

    def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and not self.yaml_path_resolvers:
            if not implicit[0]:
                return _STR  # quoted or block text
            if value and value[0] not in self.yaml_implicit_resolvers and None not in self.yaml_implicit_resolvers:  # type: ignore[index]
                return _STR
        return str(super().resolve(kind, value, implicit))


def _scalar(node: yaml.ScalarNode) -> object:
    tag = node.tag
    if tag == _INT:
        return _constructor.construct_yaml_int(node)
    if tag == _BOOL:
        return _constructor.construct_yaml_bool(node)
    if tag == _NULL:
        return None
    if tag == _FLOAT:
        return _constructor.construct_yaml_float(node)
    return node.value  # str, and timestamps kept as written


def decode(path: str, raw: bytes) -> tuple[str | None, list[Finding]]:
    """Bytes to text, or a ``not-utf8`` finding that says which encoding it looks like."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            hint = "内容看起来是 GBK/GB18030 编码，请用编辑器“另存为 UTF-8”后再提交"
        except UnicodeDecodeError:
            hint = "请以 UTF-8 编码保存"
        return None, [Finding(path, line, "not-utf8", f"文件不是 UTF-8 编码（第 {line} 行附近）：{hint}")]


def _alias_findings(path: str, text: str) -> list[Finding]:
    """Anchors and aliases, found from the event stream (cheap: nothing is expanded)."""
    out: list[Finding] = []
    for ev in yaml.parse(text, Loader=_Loader):
        anchor = getattr(ev, "anchor", None)
        if isinstance(ev, yaml.AliasEvent) or anchor is not None:
            line = ev.start_mark.line + 1
            kind = "别名 *" if isinstance(ev, yaml.AliasEvent) else "锚点 &"
            out.append(Finding(path, line, "yaml-alias", f"记录中不允许使用 YAML {kind}{anchor}：请直接写出内容"))
            break
    return out


def parse_text(path: str, text: str) -> Document:
    read = _common_shape(text)
    if read is not None:
        return Document(path, read[0], read[1], text=text)
    return composed(path, text)


def composed(path: str, text: str) -> Document:
    """``parse_text`` through libyaml's node tree, whatever the file's shape."""
    doc = Document(path, text=text)
    try:
        if _MAYBE_ALIAS.search(text):
            doc.findings += _alias_findings(path, text)
            if doc.findings:
                return doc
        node = yaml.compose(text, Loader=_Loader)
    except RecursionError:
        doc.findings.append(
            Finding(path, 0, "yaml-syntax", f"YAML 嵌套层数过多（超过 {MAX_DEPTH} 层）：记录不需要这么深的结构")
        )
        return doc
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        problem = e.problem or str(e)
        doc.findings.append(Finding(path, line, "yaml-syntax", f"YAML 语法错误：{problem}（第 {line} 行）"))
        return doc
    except yaml.YAMLError as e:
        doc.findings.append(Finding(path, 0, "yaml-syntax", f"YAML 语法错误：{e}"))
        return doc
    if node is None:
        doc.findings.append(Finding(path, 1, "invalid-value", "文件为空"))
        return doc
    try:
        doc.data = _build(node, (), doc)
    except _TooDeep as e:
        doc.lines.clear()
        doc.findings.append(
            Finding(path, e.line, "yaml-syntax", f"YAML 嵌套层数过多（超过 {MAX_DEPTH} 层）：记录不需要这么深的结构")
        )
    return doc


# --- the records' common shape, read line by line ------------------------------------------------------------
# libyaml composes a node object for every value: for a county-year of orders that was half of reading them. Nearly
# every record has one shape (``records.writer`` writes it): top-level ``key: value`` lines, a ``|`` text block,
# one-line flow mappings and flow sequences, block sequences of those. That shape is read here with a few string
# operations a line and gives what libyaml and ``_build`` give: the same values (plain scalars typed by PyYAML's own
# resolver, ``_scalar``) and the same lines. Anything else (quotes, a comment after a value, anchors, tags, text
# over several lines, a duplicate key, a character YAML treats specially) is ``_Odd``, and libyaml reads the file:
# the short cut never decides what a file means. tests/test_yaml_reader.py holds both readings (``composed``) to the same result.

# what may stand anywhere in such a file: no tab, carriage return, control character, BOM or YAML line break (NEL,
# U+2028, U+2029); and the text ends with a line break
_UNUSUAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?= |$)")
_INDICATOR = frozenset("-?:,[]{}#&*!|>'\"%@`")  # a plain scalar starting with one of these is not read here
# a flow value read here: no indicator first, no comment, bracket or brace, and only a time's colon (09:28)
_FLOW_ODD = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`]| #|[\[\]{}]|:(?![0-9])")
_resolver = _Loader("")


class _Odd(Exception):
    """Outside the common shape: libyaml reads the file."""


def _common_shape(text: str) -> tuple[dict, dict[Path, int]] | None:
    """(data, line of every path) of a record in the common shape; None for any other file."""
    if not text.endswith("\n") or _UNUSUAL.search(text):
        return None
    try:
        return _top(text.split("\n"))
    except _Odd:
        return None


def _top(lines: list[str]) -> tuple[dict, dict[Path, int]]:
    data: dict = {}
    where: dict[Path, int] = {}
    i, n = 0, len(lines) - 1  # the last is the empty rest after the final line break
    while i < n:
        line = lines[i]
        if not line or line[0] == "#" or not line.strip(" "):
            i += 1
            continue
        m = _TOP_KEY.match(line)
        if m is None:
            raise _Odd
        key = m.group(1)
        if key in data:
            raise _Odd
        no = i + 1
        where.setdefault((), no)
        rest = line[m.end() :].strip(" ")
        i += 1
        if rest == "|":
            data[key], i = _literal(lines, i, n)
        elif not rest:
            data[key], i = _block_sequence(lines, i, n, (key,), where)
        else:
            data[key] = _inline(rest, (key,), no, where)
        where[(key,)] = no
    if not data:
        raise _Odd  # nothing but comments: libyaml says what is wrong
    return data, where


def _literal(lines: list[str], i: int, n: int) -> tuple[str, int]:
    """The ``|`` block after a top-level key (clipped: one final line break)."""
    body: list[str] = []
    indent = 0
    while i < n:
        line = lines[i]
        content = line.lstrip(" ")
        if not content:  # an empty line, or spaces only
            if not indent or len(line) > indent:
                raise _Odd  # before the first line, or more spaces than the block's indentation
            body.append("")
            i += 1
            continue
        at = len(line) - len(content)
        if not indent:
            if at == 0:
                break  # an empty block
            indent = at
        elif at < indent:
            break
        body.append(line[indent:])
        i += 1
    while body and not body[-1]:
        body.pop()
    return ("\n".join(body) + "\n" if body else ""), i


def _block_sequence(lines: list[str], i: int, n: int, loc: Path, where: dict[Path, int]) -> tuple[list | None, int]:
    """The ``- item`` lines after a top-level ``key:`` (None when none follows: the value is null)."""
    j = i
    while j < n and (not lines[j] or lines[j][0] == "#" or not lines[j].strip(" ")):
        j += 1
    if j >= n or (lines[j][0] != " " and not lines[j].startswith("- ")):
        return None, i
    first = lines[j]
    dash = first.lstrip(" ")
    if not dash.startswith("- "):
        raise _Odd
    prefix = first[: len(first) - len(dash)] + "- "
    items: list = []
    while j < n:
        line = lines[j]
        if not line or line[0] == "#" or not line.strip(" "):
            j += 1
            continue
        if not line.startswith(prefix):
            if line[0] != " ":
                break
            raise _Odd
        rest = line[len(prefix) :].strip(" ")
        if not rest:
            raise _Odd
        k = len(items)
        items.append(_inline(rest, loc + (k,), j + 1, where))
        where[loc + (k,)] = j + 1
        j += 1
    return items, j


def _inline(rest: str, loc: Path, no: int, where: dict[Path, int]) -> object:
    """A value written on its key's (or item's) line: a flow mapping, a flow sequence or a plain scalar."""
    if rest[0] == "{":
        if rest[-1] != "}":
            raise _Odd
        return _flow_mapping(rest[1:-1], loc, no, where)
    if rest[0] == "[":
        if rest[-1] != "]":
            raise _Odd
        return _flow_sequence(rest[1:-1], loc, no, where)
    if rest[0] in _INDICATOR or ": " in rest or rest[-1] == ":" or " #" in rest:
        raise _Odd
    return _plain(rest)


def _flow_mapping(inner: str, loc: Path, no: int, where: dict[Path, int]) -> dict:
    out: dict = {}
    if not inner.strip(" "):
        return out
    for piece in inner.split(","):
        key, colon, value = piece.strip(" ").partition(":")
        value = value.strip(" ")
        if not colon or not value or not (key.isidentifier() and key.isascii()) or key in out:
            raise _Odd
        out[key] = _flow_plain(value)
        where[loc + (key,)] = no
    return out


def _flow_sequence(inner: str, loc: Path, no: int, where: dict[Path, int]) -> list:
    out: list = []
    if not inner.strip(" "):
        return out
    for piece in inner.split(","):
        where[loc + (len(out),)] = no
        out.append(_flow_plain(piece.strip(" ")))
    return out


def _flow_plain(value: str) -> object:
    if not value or _FLOW_ODD.search(value):
        raise _Odd
    return _plain(value)


def _plain(value: str) -> object:
    """A plain scalar, typed as libyaml and ``_scalar`` type it."""
    if value[0] not in _resolver.yaml_implicit_resolvers:
        return value
    tag = _resolver.resolve(yaml.ScalarNode, value, (True, False))
    return value if tag == _STR else _scalar(yaml.ScalarNode(tag, value))


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _build(node: yaml.Node, loc: Path, doc: Document) -> object:
    if len(loc) > MAX_DEPTH:
        raise _TooDeep(node.start_mark.line + 1)
    doc.lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, loc + (i,), doc) for i, child in enumerate(node.value)]
    out: dict = {}
    for knode, vnode in node.value:
        if not isinstance(knode, yaml.ScalarNode):
            doc.findings.append(Finding(doc.path, knode.start_mark.line + 1, "invalid-value", "键必须是简单的文字"))
            continue
        key = knode.value
        kline = knode.start_mark.line + 1
        if key in out:
            first = doc.lines.get(loc + (key,), 0)
            doc.findings.append(
                Finding(
                    doc.path,
                    kline,
                    "duplicate-key",
                    f"键 {key} 重复出现（第 {first} 行已有）：YAML 只会保留后一个，前一个的内容会丢失",
                )
            )
            continue
        out[key] = _build(vnode, loc + (key,), doc)
        doc.lines[loc + (key,)] = kline
    return out


def read(path_on_disk: str, rel_path: str) -> Document:
    """Read and parse one file; every problem becomes a finding on the returned document."""
    try:  # never through a symbolic link (hotline check reports the link itself)
        fd = os.open(path_on_disk, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as e:
        return Document(rel_path, findings=[Finding(rel_path, 0, "yaml-syntax", f"无法读取文件：{e.strerror}")])
    if len(raw) > MAX_BYTES:
        return Document(
            rel_path,
            findings=[
                Finding(
                    rel_path, 0, "file-too-large", "文件超过 1 MiB：一件工单不应有这么大，请检查是否误粘贴了附件内容"
                )
            ],
        )
    text, findings = decode(rel_path, raw)
    if text is None:
        return Document(rel_path, findings=findings, digest=bytes_digest(raw))
    doc = parse_text(rel_path, text)
    doc.digest = bytes_digest(raw)
    return doc
