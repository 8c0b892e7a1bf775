"""Rendering only the pages that changed (增量渲染): when MkDocs may skip a page, and the search index.

After the docs folder is generated, ``plan`` compares every file with the last build's (kept by
``util.cache``, outside the records: path → digest and modification time). An unchanged file gets its
old modification time back, so that MkDocs' dirty build (``mkdocs build --dirty``: a page is rendered
when its Markdown is newer than its HTML) renders only the changed pages. A dirty build is used only
when it gives the same site as a full one:
- the build key is the same (``site.reuse.build_key``: rules, holidays, units, program, templates,
  ``site_src/``, ``mkdocs.yml``) — so the navigation, theme and every page's surroundings are the same;
- the set of docs files is the same (no page added or removed: the same navigation and link targets);
- the output folder is the one that build wrote (restored with it on a runner), untouched since: its
  marker holds that build's stamp.
Otherwise MkDocs builds everything. The search index of a dirty build holds only the rendered pages;
``merge_search`` puts back the entries of the others from the last index.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from hotline.util import cache

STATE = "site-state"
SEARCH = Path("search") / "search_index.json"


class State(msgspec.Struct):
    key: str
    out: str
    stamp: str
    files: dict[str, tuple[str, int]]  # docs file → (content digest, modification time in ns)


@dataclass
class Plan:
    key: str
    out: str
    dirty: bool = False
    changed: int = 0
    stamp: str = field(default_factory=lambda: secrets.token_hex(12))
    files: dict[str, tuple[str, int]] = field(default_factory=dict)


def _docs_files(docs: Path):
    for dirpath, dirnames, filenames in os.walk(docs):
        dirnames.sort()
        for name in sorted(filenames):
            p = Path(dirpath) / name
            yield p, p.relative_to(docs).as_posix()


def plan(root: Path, docs: Path, out: Path, key: str, marker: str) -> Plan:
    """Decide between a dirty and a full MkDocs build; give unchanged docs files their old times back."""
    old = cache.load(root, STATE, State)
    same_key = old is not None and old.key == key
    p = Plan(key, str(out))
    for path, rel in _docs_files(docs):
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        before = old.files.get(rel) if same_key and old is not None else None
        if before is not None and before[0] == digest:
            os.utime(path, ns=(before[1], before[1]))
            p.files[rel] = before
        else:
            p.files[rel] = (digest, path.stat().st_mtime_ns)
            p.changed += 1
    p.dirty = bool(
        same_key
        and old is not None
        and set(old.files) == set(p.files)
        and _stamp(out / marker) == old.stamp
        and (out / SEARCH).is_file()
    )
    if p.dirty:  # until this build succeeds, the folder is no longer the one the saved state describes
        (out / marker).write_text("由 hotline site build 生成；再次构建会清空本目录。\n", encoding="utf-8")
    return p


def _stamp(marker: Path) -> str | None:
    try:
        lines = marker.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return lines[1].strip() if len(lines) > 1 else None


def save(root: Path, p: Plan) -> None:
    cache.save(root, STATE, State(p.key, p.out, p.stamp, p.files))


def read_search(out: Path) -> dict | None:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads((out / SEARCH).read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("docs"), list):
            return data
    return None


def _page(location: str) -> str:
    return location.split("#", 1)[0]


def merge_search(out: Path, before: dict) -> None:
    """The index of a dirty build (the rendered pages only) plus the last index's entries of the others."""
    after = read_search(out)
    if after is None:
        return
    rendered = {_page(e.get("location", "")) for e in after["docs"]}
    kept = [e for e in before["docs"] if _page(e.get("location", "")) not in rendered]
    after["docs"] = kept + after["docs"]
    (out / SEARCH).write_text(
        json.dumps(after, separators=(",", ":"), ensure_ascii=False, default=str), encoding="utf-8"
    )
