"""The knowledge base (热线知识库): ``site_src/knowledge/<unit>/<slug>.md``, Markdown with front matter.

Each unit keeps its own entries (notice §二(一)2: 录入本单位的热线知识库信息). Front matter keys (``EntryMeta`` below; README 知识库):
``title``, ``unit``, ``category``, ``keywords``, ``source``, ``updated``, optional ``valid_until`` and
``sample``. An entry past ``valid_until`` is *stale* (已过期) and flagged wherever it appears. Problems in
the front matter are findings with file and line; the entry is still shown when it can be read. Besides
its entries a unit's folder holds pictures only (``file_problem``): nothing else is published.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import Field

from hotline.findings import Finding
from hotline.records import hidden
from hotline.records.attachments import content_matches
from hotline.records.models import Day, Record, Text, UnitId
from hotline.records.validate import to_model
from hotline.records.yaml_reader import decode, parse_text
from hotline.util import nofollow

FOLDER = Path("site_src") / "knowledge"
PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".webp")  # what a knowledge folder publishes besides its entries


class EntryMeta(Record):
    """知识库条目的元数据."""

    title: Text
    unit: UnitId
    category: Text
    keywords: list[str] = []
    source: Text
    updated: Day
    valid_until: Day | None = None
    sample: bool = Field(False, description="示例条目（非正式发布内容）")


@dataclass
class Entry:
    meta: EntryMeta
    path: str  # relative to the records root
    slug: str
    body: str  # Markdown after the front matter
    body_line: int  # line of the body's first line in the file

    def stale(self, today: date) -> bool:
        return self.meta.valid_until is not None and self.meta.valid_until < today


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML or None, body, line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return None, text, 1


def load_entries(root: Path | str, known_units: set[str]) -> tuple[list[Entry], list[Finding]]:
    root = Path(root)
    folder = root / FOLDER
    entries: list[Entry] = []
    findings: list[Finding] = []
    if not folder.is_dir():
        return entries, findings
    for p in nofollow.files(folder, (".md",)):
        rel = p.relative_to(root).as_posix()
        parts = p.relative_to(folder).parts
        if p.name == "index.md" and len(parts) == 1:
            continue
        text, errs = decode(rel, nofollow.read_bytes(p))
        findings += errs
        if text is None:
            continue
        findings += hidden.findings(rel, text)
        fm, body, body_line = split_front_matter(text)
        if fm is None:
            findings.append(
                Finding(
                    rel,
                    1,
                    "missing-field",
                    "知识库条目缺少开头的元数据（以 --- 开始和结束的 title、unit、category 等）",
                )
            )
            continue
        doc = parse_text(rel, "\n" + fm)  # the front matter starts on line 2 of the file
        findings += doc.findings
        if not doc.ok or doc.data is None:
            continue
        meta, errs = to_model(doc, EntryMeta)
        findings += errs
        if meta is None:
            continue
        if len(parts) != 2 or parts[0] != meta.unit:
            findings.append(
                Finding(
                    rel,
                    doc.line_of(("unit",)),
                    "id-mismatch",
                    f"条目的单位 unit: {meta.unit} 与所在目录不符：应放在 site_src/knowledge/{meta.unit}/ 下",
                )
            )
        if meta.unit not in known_units:
            findings.append(
                Finding(
                    rel,
                    doc.line_of(("unit",)),
                    "unknown-unit",
                    f"单位 {meta.unit} 不存在：units/ 下没有 {meta.unit}.yaml",
                )
            )
        entries.append(Entry(meta, rel, p.stem, body, body_line))
    entries.sort(key=lambda e: (e.meta.unit, e.meta.category, e.meta.title))
    return entries, findings


def file_problem(root: Path, p: Path, max_bytes: int | None = None) -> str | None:
    """Why a file under ``site_src/knowledge/`` may not be there (None: an entry or a picture to publish).

    A unit's folder holds Markdown entries and pictures only, checked as attachments are — by suffix *and*
    by the first bytes, so a page or a script named ``.png`` is refused too: anything else (``.html``,
    ``.svg``, ``.js`` …) would be served from the site's own address."""
    parts = p.relative_to(Path(root) / FOLDER).parts
    name = parts[-1]
    suffix = os.path.splitext(name)[1].lower()
    if len(parts) == 1:
        return None if name == "index.md" else "知识库目录下只能有各单位的子目录 site_src/knowledge/<单位编号>/"
    if len(parts) > 2:
        return f"知识库的条目和图片应直接放在 site_src/knowledge/{parts[0]}/ 下，不能再分子目录"
    if name.startswith("."):
        return None if name == ".gitkeep" else "文件名不能以“.”开头"
    if suffix == ".md":
        return None
    if suffix not in PICTURES:
        kinds = "、".join(PICTURES)
        return f"知识库只能发布 Markdown 条目（.md）和图片（{kinds}）：{suffix or '没有扩展名'}的文件不会发布，请删除"
    if max_bytes is not None and p.stat().st_size > max_bytes:
        return f"图片超过上限 {max_bytes / 1048576:.1f} MiB"
    if not content_matches(p, suffix):
        return f"文件内容不是 {suffix} 图片（文件头不符）：请放原图"
    return None


def pictures(root: Path, unit: str) -> list[Path]:
    """The pictures of a unit's folder that may be published (``file_problem``: none), never through a link."""
    folder = Path(root) / FOLDER / unit
    return [
        p
        for p in nofollow.files(folder)
        if p.parent == folder and p.suffix.lower() in PICTURES and file_problem(root, p) is None
    ]


def file_findings(root: Path, max_bytes: int | None = None) -> list[Finding]:
    """``knowledge-file``: every file under the knowledge folder that is not an entry or a picture."""
    root = Path(root)
    out = []
    for p in nofollow.files(root / FOLDER, hidden=True):
        why = file_problem(root, p, max_bytes)
        if why:
            out.append(Finding(p.relative_to(root).as_posix(), 0, "knowledge-file", why))
    return out
