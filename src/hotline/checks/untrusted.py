"""Checks on what units write that the tools must never act on (不可信内容): markup and symbolic links.

``markup``: a unit's file (name, short name, staff, notes) or a knowledge-base entry (front matter, and
raw HTML or a ``javascript:``-style link in the body) carries web markup. The site escapes and sanitises
it anyway; the check makes the pull request fail so that it never lands.
``symlink``: a symbolic link anywhere under ``orders/``, ``units/``, ``scoring/`` or ``site_src/``. No
tool follows one (``util.nofollow``); the check names each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from hotline.checks.checked import Checked
from hotline.findings import Finding
from hotline.records.context import Context
from hotline.records.knowledge import FOLDER, split_front_matter
from hotline.util import nofollow

TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")
SCHEME = re.compile(r"\b(?:javascript|vbscript|data|file)\s*:", re.I)
MD_LINK = re.compile(r"\]\s*\(")
# Markdown links and reference definitions whose target has a scheme: only http(s) and mailto are allowed
BODY_LINK = re.compile(
    r"\]\(\s*<?\s*([A-Za-z][A-Za-z0-9+.-]*)\s*:|^\s*\[[^\]]+\]:\s*<?\s*([A-Za-z][A-Za-z0-9+.-]*)\s*:", re.M
)
ALLOWED_SCHEMES = {"http", "https", "mailto"}
CODE = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`", re.S)


def markup_in(text: str) -> str | None:
    """What markup a plain text field holds (None when it holds none)."""
    if TAG.search(text):
        return "网页标记（<…>）"
    if SCHEME.search(text):
        return "脚本链接（javascript: 等）"
    if MD_LINK.search(text):
        return "Markdown 链接（[…](…)）"
    return None


def _strings(value: object, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, path + (k,))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _strings(v, path + (i,))


def _line_of(text: str, needle: str) -> int:
    pos = text.find(needle[:40])
    return text.count("\n", 0, pos) + 1 if pos >= 0 else 0


def _field(path: tuple) -> str:
    return ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in path)


def unit_markup(root: Path, ctx: Context) -> list[Finding]:
    out = []
    for unit in ctx.units.values():
        try:
            text = nofollow.read_bytes(root / unit.path).decode("utf-8", "replace")
        except OSError:
            text = ""
        for path, value in _strings(unit.model_dump(mode="json", exclude={"maintainers"})):
            what = markup_in(value)
            if what:
                out.append(
                    Finding(
                        unit.path,
                        _line_of(text, value),
                        "markup",
                        f"{_field(path)} 含有{what}：单位填写的内容只能是文字，请删除",
                    )
                )
    return out


def knowledge_markup(root: Path) -> list[Finding]:
    out = []
    for p in nofollow.files(root / FOLDER, (".md",)):
        rel = p.relative_to(root).as_posix()
        try:
            text = nofollow.read_bytes(p).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the knowledge check reports an unreadable entry
        fm, body, body_line = split_front_matter(text)
        if fm is not None:
            for i, line in enumerate(fm.split("\n")):
                what = markup_in(line)
                if what:
                    out.append(Finding(rel, i + 2, "markup", f"元数据含有{what}：标题、类别等只能是文字，请删除"))
        plain = CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), body)  # code is shown as code
        for m in TAG.finditer(plain):
            lineno = body_line + plain.count("\n", 0, m.start())
            out.append(
                Finding(
                    rel, lineno, "markup", "正文含有 HTML 标记：知识库正文只能用 Markdown，网页标记不会显示，请删除"
                )
            )
        for m in BODY_LINK.finditer(plain):
            scheme = (m.group(1) or m.group(2)).lower()
            if scheme not in ALLOWED_SCHEMES:
                lineno = body_line + plain.count("\n", 0, m.start())
                out.append(
                    Finding(
                        rel,
                        lineno,
                        "markup",
                        f"链接使用了不允许的协议 {scheme}:：只能链接 http、https、mailto 或站内相对地址",
                    )
                )
    return out


def symlinks(root: Path) -> list[Finding]:
    return [
        Finding(
            rel,
            0,
            "symlink",
            f"{rel} 是符号链接：记录目录（orders/、units/、scoring/、site_src/）中不允许符号链接，"
            "工具不会读取它，请改为普通文件",
        )
        for rel in nofollow.links(root)
    ]


def untrusted_check(checked: Checked) -> list[Finding]:
    """Symbolic links anywhere, and markup in what units write (unit files, the knowledge base)."""
    root, ctx = checked.root, checked.ctx
    return symlinks(root) + unit_markup(root, ctx) + knowledge_markup(root)
