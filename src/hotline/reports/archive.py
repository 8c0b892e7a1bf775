"""Sealing a month (月度归档): the ``archive/YYYY-MM`` tag and the month's zip with a SHA-256 manifest.

``seal`` refuses while records are uncommitted (the zip must be exactly what the tagged commit holds),
writes ``archives/YYYY-MM.zip`` atomically — that month's order files, every unit's register table
(.xlsx), the monthly report (.docx), ``MANIFEST.json`` and ``MANIFEST.sha256`` (``sha256sum -c`` format)
— and then tags HEAD. Sealing again at the same commit rewrites the zip; at a later commit it is refused.
``list_archives`` gives the sealed months for the site.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hotline import __version__
from hotline.checks.attachments import publishable
from hotline.git import refs as gitrefs
from hotline.load import Repository, load
from hotline.records import paths
from hotline.reports.file_names import REGISTERS_DIR, REPORTS_DIR, document_file, register_file
from hotline.util.atomic import write_bytes

ARCHIVE_DIR = "archives"
RECORD_PATHS = ["orders", "units", "scoring"]
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

if TYPE_CHECKING:  # (publication imports this module's callers; ``list_archives`` imports it when run)
    from hotline.reports.publication import Archive


class ArchiveError(Exception):
    """Why a month cannot be sealed (Chinese, says what to do)."""


@dataclass
class Sealed:
    month: str
    tag: str
    commit: str
    zip_path: Path
    files: dict[str, str]  # name in the zip → SHA-256
    orders: int
    new_tag: bool


def zip_name(month: str) -> str:
    return f"{ARCHIVE_DIR}/{month}.zip"


def list_archives(root: Path) -> list[Archive]:
    from hotline.reports.publication import Archive

    out = []
    for t in gitrefs.tags(root):
        month = t.name[len(gitrefs.TAG_PREFIX) :]
        if not MONTH.match(month):
            continue
        z = root / zip_name(month)
        out.append(
            Archive(
                month,
                t.name,
                t.commit,
                t.tagged_at,
                zip_name(month) if z.is_file() else None,
                z.stat().st_size if z.is_file() else 0,
            )
        )
    return sorted(out, key=lambda a: a.month)


def _zip(files: dict[str, bytes], stamp: datetime) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[name])
    return buf.getvalue()


def month_documents(root: Path, month: str, as_of: datetime, repo: Repository | None = None) -> dict[str, bytes]:
    """The month's documents as of ``as_of``: ``登记表/<unit>-<month>.xlsx`` per unit and ``月报/<stem>.docx``."""
    from hotline.records.knowledge import load_entries
    from hotline.reports.documents import register_xlsx, report_docx
    from hotline.reports.publication import compute
    from hotline.reports.sources import read_advice, read_history

    repo = repo or load(root)
    if repo.context.rules is None:
        raise ArchiveError("无法读取 scoring/rules.yaml：请先运行 hotline check 查看原因")
    entries, _ = load_entries(root, set(repo.units))
    history, change_commits, scoring_orders = read_history(root, repo)
    model = compute(
        repo,
        as_of,
        entries=entries,
        history=history,
        advice=read_advice(root),
        change_commits=change_commits,
        scoring_orders=scoring_orders,
    )
    files: dict[str, bytes] = {}
    for (_uid, m), reg in sorted(model.registers.items()):
        if m == month:
            files[f"{REGISTERS_DIR}/{register_file(reg.unit.name, reg.unit.id, month)}"] = register_xlsx.to_bytes(reg)
    if month in model.reports:
        report = model.reports[month]
        files[f"{REPORTS_DIR}/{document_file(report.file_stem)}"] = report_docx.to_bytes(report)
    return files


def seal(
    root: Path | str,
    month: str,
    as_of: datetime,
    extra: dict[str, bytes] | None = None,
    manifest_extra: dict | None = None,
) -> Sealed:
    """Seal ``month`` at HEAD; ``extra`` files (e.g. the 未办结 list) and ``manifest_extra`` keys go into the zip."""
    root = Path(root).resolve()
    if not MONTH.match(month):
        raise ArchiveError(f"月份“{month}”格式不对，应写成 YYYY-MM，如 2026-11")
    if not gitrefs.is_repository(root):
        raise ArchiveError(f"{root} 不是 Git 仓库：归档要在封存时的提交上打标签")
    folder = root / paths.month_folder_of(month)
    order_files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not order_files:
        raise ArchiveError(f"{month} 没有工单（{paths.month_folder_of(month)}/ 下没有文件），无需归档")
    changed = gitrefs.dirty(root, RECORD_PATHS)
    if changed:
        raise ArchiveError(
            f"有 {len(changed)} 个记录文件尚未提交（如 {changed[0]}）：请先提交，归档内容必须与所封存的提交一致"
        )
    commit, committed_at = gitrefs.head(root)
    tag = gitrefs.TAG_PREFIX + month
    existing = next((t for t in gitrefs.tags(root) if t.name == tag), None)
    if existing and existing.commit != commit:
        raise ArchiveError(
            f"{month} 已于 {existing.tagged_at:%Y-%m-%d %H:%M} 归档（提交 {existing.commit[:10]}），之后记录又有提交；"
            f"如确需重新归档，请先删除标签：git tag -d {tag}"
        )

    repo = load(root)
    if repo.context.rules is None:
        raise ArchiveError("无法读取 scoring/rules.yaml：请先运行 hotline check 查看原因")
    files: dict[str, bytes] = {}
    for p in order_files:
        files[f"工单/{p.name}"] = p.read_bytes()
    for order in repo.orders:  # 领导批示、佐证 of the month's orders
        if f"{order.received_at:%Y-%m}" == month:
            for name, path in publishable(root, order, repo.rules.attachments):
                files[f"附件/{order.id}/{name}"] = path.read_bytes()
    files.update(month_documents(root, month, as_of, repo))
    files.update(extra or {})
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    manifest = {
        "month": month,
        "tag": tag,
        "commit": commit,
        "committed_at": f"{committed_at:%Y-%m-%d %H:%M}",
        "as_of": f"{as_of:%Y-%m-%d %H:%M}",
        "generator": f"hotline {__version__}",
        "orders": len(order_files),
        **(manifest_extra or {}),
        "files": [{"name": n, "sha256": digests[n], "size": len(files[n])} for n in sorted(files)],
    }
    files["MANIFEST.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    files["MANIFEST.sha256"] = "".join(f"{digests[n]}  {n}\n" for n in sorted(digests)).encode("utf-8")
    zpath = root / zip_name(month)
    write_bytes(zpath, _zip(files, committed_at))
    if existing is None:
        gitrefs.create_tag(
            root, tag, commit, f"封存 {int(month[:4])}年{int(month[5:])}月 热线记录：工单 {len(order_files)} 件"
        )
    return Sealed(month, tag, commit, zpath, digests, len(order_files), existing is None)
