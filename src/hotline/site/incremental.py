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
  marker holds that build's stamp, and it holds exactly the files that build left there, byte for byte (their
  digests are kept with the state): a file added, changed or replaced by a link since then — say in a restored
  CI cache — means a full build.
Otherwise MkDocs builds everything, into an output folder emptied first, dot files too (MkDocs' own cleaning keeps
them): nothing the build did not write is ever published. The search index of a dirty build holds only the
rendered pages; ``merge_search`` puts back the entries of the others from the last index.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import stat
from collections.abc import Iterator
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
    site: dict[str, str] = msgspec.field(default_factory=dict)  # every entry of the output → digest ("" a folder)


@dataclass
class Plan:
    key: str
    out: str
    dirty: bool = False
    changed: int = 0
    stamp: str = field(default_factory=lambda: secrets.token_hex(12))
    files: dict[str, tuple[str, int]] = field(default_factory=dict)


def _digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def output_files(out: Path) -> dict[str, str] | None:
    """Every entry of the output folder → its content digest ("" for a folder); None when it holds anything but
    folders and regular files (a link, a pipe) — or cannot be read."""
    found: dict[str, str] = {}
    try:
        for dirpath, dirnames, filenames in os.walk(out):
            for name in dirnames + filenames:
                p = Path(dirpath) / name
                st = p.lstat()
                rel = p.relative_to(out).as_posix()
                if stat.S_ISDIR(st.st_mode):
                    found[rel] = ""
                elif stat.S_ISREG(st.st_mode):
                    found[rel] = _digest(p)
                else:
                    return None
    except OSError:
        return None
    return found


def empty(out: Path) -> None:
    """Remove everything in the output folder (dot files too), never following a link out of it."""
    for p in out.iterdir() if out.is_dir() else ():
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        else:
            p.unlink()


def _docs_files(docs: Path) -> Iterator[tuple[Path, str]]:
    for dirpath, dirnames, filenames in os.walk(docs):
        dirnames.sort()
        for name in sorted(filenames):
            p = Path(dirpath) / name
            yield p, p.relative_to(docs).as_posix()


def plan(root: Path, docs: Path, out: Path, key: str, marker: str) -> Plan:
    """Decide between a dirty and a full MkDocs build; give unchanged docs files their old times back; for a full
    build, empty the output folder."""
    old = cache.load(root, STATE, State)
    same_key = old is not None and old.key == key
    p = Plan(key, str(out))
    for path, rel in _docs_files(docs):
        digest = _digest(path)
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
        and output_files(out) == old.site
    )
    if p.dirty:  # until this build succeeds, the folder is no longer the one the saved state describes
        (out / marker).write_text("由 hotline site build 生成；再次构建会清空本目录。\n", encoding="utf-8")
    else:
        empty(out)
    return p


def _stamp(marker: Path) -> str | None:
    try:
        lines = marker.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return lines[1].strip() if len(lines) > 1 else None


def save(root: Path, out: Path, p: Plan) -> None:
    """Keep the state of this build: its key, its docs files and every entry of its output folder."""
    cache.save(root, STATE, State(p.key, p.out, p.stamp, p.files, output_files(out) or {}))


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
