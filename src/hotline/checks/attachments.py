"""Attachments (附件: 领导批示, 佐证) under ``attachments/<order id>/``, referenced by events.

Per order: every name an event lists under ``attachments`` must be a file in the order's folder
(``attachment-missing``). Over the folder: every file must have an allowed suffix and content (PDF or
image, by its first bytes, not only its name), stay within ``attachments.max_bytes``, have a plain name
and be a regular file, not a symbolic link (``attachment-invalid``). Units are untrusted authors: nothing
here is opened as anything but bytes.
"""

from __future__ import annotations

import os
from pathlib import Path

from hotline.checks.checked import Checked
from hotline.findings import Finding
from hotline.lifecycle.state import OrderState
from hotline.records.attachments import FOLDER, MAGIC, content_matches, listing
from hotline.records.context import Context
from hotline.records.models import Order
from hotline.records.rules import AttachmentRules


def referenced(order: Order) -> list[tuple[str, int]]:
    """(file name, line) of every attachment the order's events name."""
    return [(name, ev.line) for ev in order.events for name in ev.attachments]


def attachment_findings(order: Order, state: OrderState, ctx: Context) -> list[Finding]:
    """Attachments an event names that are missing from ``attachments/<id>/`` (``attachment-missing``)."""
    if not any(ev.attachments for ev in order.events):
        return []
    folder = Path(ctx.root) / FOLDER / order.id
    out = []
    for name, line in referenced(order):
        p = folder / name
        if name.startswith(".") or not p.is_file() or p.is_symlink():
            out.append(
                Finding(order.path, line, "attachment-missing", f"附件 {name} 不存在：应放在 {FOLDER}/{order.id}/ 下")
            )
    return out


def file_problem(p: Path, rel: str, rules: AttachmentRules) -> str | None:
    parts = rel.split("/")
    if len(parts) != 3:
        return f"附件应放在 {FOLDER}/<工单编号>/<文件名>，不能直接放在 {FOLDER}/ 下或再分子目录"
    name = parts[-1]
    if p.is_symlink():
        return "附件不能是符号链接"
    if name.startswith("."):
        return "附件文件名不能以“.”开头"
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in rules.suffixes:
        return f"附件类型 {suffix or '（无扩展名）'} 不允许，只能是 {'、'.join(rules.suffixes)}"
    size = p.stat().st_size
    if size > rules.max_bytes:
        return f"附件 {size / 1048576:.1f} MiB，超过上限 {rules.max_bytes / 1048576:.1f} MiB"
    if suffix in MAGIC and not content_matches(p, suffix):
        return f"附件内容不是 {suffix} 文件（文件头不符），请上传原件"
    return None


def folder_check(checked: Checked) -> list[Finding]:
    """Every file under ``attachments/``: kind, size, name (an extra check of ``hotline check``)."""
    root, ctx = checked.root, checked.ctx
    if ctx.rules is None:
        return []
    out = []
    for rel, _ in listing(Path(root)):
        why = file_problem(Path(root) / rel, rel, ctx.rules.attachments)
        if why:
            out.append(Finding(rel, 0, "attachment-invalid", why))
    return out


def publishable(root: Path, order: Order, rules: AttachmentRules) -> list[tuple[str, Path]]:
    """(file name, path on disk) of the order's referenced attachments that pass every check: only these
    are copied to the site and into the month's archive."""
    out = []
    for name, _ in referenced(order):
        rel = f"{FOLDER}/{order.id}/{name}"
        p = Path(root) / rel
        ok = not name.startswith(".") and p.is_file() and not p.is_symlink() and file_problem(p, rel, rules) is None
        if ok and (name, p) not in out:
            out.append((name, p))
    return out
