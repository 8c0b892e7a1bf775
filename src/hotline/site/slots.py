"""What is put into the built pages after MkDocs (构建后写入): large tables, and the time the data stand at.

MkDocs and Python-Markdown read every tag of a page's raw HTML (MkDocs to collect anchors, Python-Markdown
to set the block aside), in pure Python: for a county-year the 528 register pages hold three quarters of all
tags, and reading them was most of a full build. A register page's Markdown therefore holds an empty marker
where its table goes; the table itself (the same escaped and masked HTML) is written under ``.slots/`` in
the docs folder, which MkDocs leaves out, and after MkDocs ``finish`` puts each table into the built page —
replacing the table an earlier build put there when a dirty build did not render the page again.

Likewise the announcement bar's 数据截至 time (both in ``finish``): written into every built page after MkDocs, so a
page whose content did not change need not be rendered again only because the build's time did.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from hotline.records.privacy import mask_text
from hotline.site.render import url_of
from hotline.util.atomic import write_bytes

FOLDER = ".slots"  # under the docs folder: MkDocs skips dot folders
_OPEN, _CLOSE = "<!--hl-slot-->", "<!--/hl-slot-->"


def marker(name: str) -> str:
    """The raw HTML a page's Markdown holds where the table ``name`` goes."""
    return f'<div class="hl-slot" data-slot="{name}"></div>\n'


def write(docs: Path, page_src: str, name: str, html: str) -> None:
    """Keep the table ``name`` of the page built from ``page_src`` for ``finish``."""
    path = docs / FOLDER / f"{page_src}.{name}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(mask_text(html), encoding="utf-8")


def finish(docs: Path, out: Path, as_of: datetime) -> None:
    """One pass over the built pages: the time the data stand at into every page's announcement bar, and every
    kept table into its page."""
    tables = _tables(docs)
    stamp = f'<span class="hl-as-of"> · 数据截至 {as_of:%Y-%m-%d %H:%M}</span>'
    for path in out.rglob("*.html"):
        if path.is_symlink():
            continue
        text = path.read_text(encoding="utf-8")
        new = _AS_OF.sub(stamp, text, count=1)
        for name, html in tables.pop(path.relative_to(out).as_posix(), {}).items():
            new = _put(new, name, html, path)
        if new != text:
            write_bytes(path, new.encode("utf-8"), durable=False)  # a reader never sees half a page
    if tables:
        raise SlotError(f"{out / next(iter(tables))}：页面没有生成，放不进它的表格")


def _tables(docs: Path) -> dict[str, dict[str, str]]:
    """Built page (relative to the site) → table name → the kept table."""
    folder = docs / FOLDER
    by_page: dict[str, dict[str, str]] = {}
    for path in sorted(folder.rglob("*.html")) if folder.is_dir() else ():
        page_src, _, rest = path.relative_to(folder).as_posix().partition(".md.")
        built = f"{url_of(page_src + '.md')}index.html"
        by_page.setdefault(built, {})[rest[: -len(".html")]] = path.read_text(encoding="utf-8")
    return by_page


def _put(text: str, name: str, html: str, built: Path) -> str:
    """``text`` with the table ``name`` (or the one an earlier build put there) replaced by ``html``."""
    tag = f'<div class="hl-slot" data-slot="{name}">'
    at = text.find(tag)
    if at < 0:
        raise SlotError(f"{built}：找不到表格位置 {name}（页面模板是否改动过？）")
    start = at + len(tag)
    end = text.index(_CLOSE, start) + len(_CLOSE) if text.startswith(_OPEN, start) else start
    if not text.startswith("</div>", end):
        raise SlotError(f"{built}：表格位置 {name} 的内容不完整")
    return text[:start] + _OPEN + html + _CLOSE + text[end:]


_AS_OF = re.compile(r'<span class="hl-as-of">[^<]*</span>')


class SlotError(Exception):
    """A built page without the place for its table (Chinese message)."""
