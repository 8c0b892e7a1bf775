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
