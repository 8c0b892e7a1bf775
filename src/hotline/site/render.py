"""Building blocks of generated pages (页面片段): front matter, HTML tables, cards, charts and links.

Data-bearing content is written as raw HTML inside the Markdown (Python-Markdown passes it through
untouched, which is faster than Markdown tables and leaves no room for a citizen's text to be read as
Markdown); every piece of record text is escaped here. Links between generated pages are relative and
assume ``use_directory_urls: true`` (``mkdocs.yml``; the builder checks it).
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote

import yaml
from markupsafe import Markup, escape

from hotline.records.privacy import mask_text
from hotline.site import charts


@dataclass
class Page:
    path: str  # relative to the docs folder, e.g. "reports/2026-11.md"
    title: str
    body: str
    meta: dict = field(default_factory=dict)
    slots: dict[str, str] = field(default_factory=dict)  # name → table put in after MkDocs (``site.slots``)

    def text(self) -> str:
        meta = {"title": str(escape(self.title)), **self.meta}  # the theme prints the title as it is
        text = (
            "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + self.body.rstrip() + "\n"
        )
        return mask_text(text)  # whatever the check would reject never reaches the site


def url_of(src: str) -> str:
    """The site URL (relative to the site root) of a docs file, with directory URLs."""
    if not src.endswith(".md"):
        return src
    stem = src[:-3]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def href(from_src: str, to_src: str, query: str = "") -> str:
    """Relative link from the page built from ``from_src`` to the file or page ``to_src`` (a file's name, which
    may carry a unit's name, percent-encoded)."""
    rel = _relative(from_src, to_src)
    return (rel if to_src.endswith(".md") else quote(rel, safe="/")) + query


@lru_cache(maxsize=1 << 16)
def _relative(from_src: str, to_src: str) -> str:
    """(Pages link to few targets many times: ``relpath`` is worked out once per pair.)"""
    base = url_of(from_src).rstrip("/") or "."
    if not from_src.endswith(".md"):
        base = posixpath.dirname(from_src) or "."
    target = url_of(to_src)
    rel = posixpath.relpath(target.rstrip("/") or ".", base)
    if target.endswith("/") or target == "":
        rel = "./" if rel == "." else rel + "/"
    return rel


def a(from_src: str, to_src: str, text: str, query: str = "") -> Markup:
    # ``escape`` leaves Markup as it is and escapes the rest: ``Markup(…).format`` does the same, slower
    return Markup(f'<a href="{escape(href(from_src, to_src, query))}">{escape(text)}</a>')


MD_SPECIAL = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~:"}


def md_text(value: object) -> Markup:
    """Record text for a Markdown context (a heading, a paragraph): HTML-escaped, and every character
    Markdown could read as syntax written as an entity, so a unit's ``[x](javascript:…)`` stays text."""
    return Markup(str(escape(str(value))).translate(MD_SPECIAL))


def cell(value: object) -> Markup:
    if value is None:
        return Markup("—")
    if isinstance(value, Markup):
        return value
    return escape(str(value))


LONG_ROWS = 20  # a longer table scrolls in a box no taller than the window: its sideways scroll bar in view
TEXT_CHARS = 14  # a column whose longest cell is longer is running text: it wraps; the others never do
_TAGS = re.compile(r"<[^>]*>")


def _text_columns(headers: list[str], rows: list[list]) -> tuple[int, ...]:
    """The columns of running text: a cell longer than ``TEXT_CHARS`` characters (as shown, without markup)."""
    longest = [0] * len(headers)
    for row in rows:
        for i, v in enumerate(row[: len(headers)]):
            n = len(_TAGS.sub("", str(v))) if v is not None else 0
            longest[i] = max(longest[i], n)
    return tuple(i for i, n in enumerate(longest) if n > TEXT_CHARS)


def table(
    headers: list[str],
    rows: list[list],
    cls: str = "hl-table",
    numeric: tuple[int, ...] = (),
    text: tuple[int, ...] | None = None,
) -> str:
    """An HTML table on one line per row (no blank lines: the Markdown parser keeps it as one block), in a box
    that scrolls sideways by itself when the table is wider than the page (on a phone, say). Ids, dates,
    names and figures keep their cell on one line; only the columns of running text (``text``, by default
    those with a cell longer than ``TEXT_CHARS``) wrap, never narrower than a few words."""
    if text is None:
        text = _text_columns(headers, rows)
    cls += " hl-wide"
    out = [
        '<div class="hl-scroll hl-long">' if len(rows) > LONG_ROWS else '<div class="hl-scroll">',
        f'<table class="{cls}">',
        "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers) + "</tr></thead>",
        "<tbody>",
    ]
    for row in rows:
        tds = []
        for i, v in enumerate(row):
            style = ' style="text-align:right"' if i in numeric else ""
            wrap = ' class="hl-text"' if text and i in text else ""
            tds.append(f"<td{style}{wrap}>{cell(v)}</td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    out.append("</div>")
    return "\n".join(out) + "\n"


def span(text: str, cls: str) -> Markup:
    return Markup(f'<span class="{escape(cls)}">{escape(text)}</span>')


def tag(text: str, cls: str = "") -> Markup:
    return Markup('<span class="hl-tag {}">{}</span>').format(cls, text)


def cards(items: list[tuple[str, str, str, str]]) -> str:
    """(label, value, note, class) → a row of figure cards."""
    parts = ['<div class="hl-cards">']
    for label, value, note, cls in items:
        parts.append(
            Markup(
                '<div class="hl-card {}"><div class="hl-label">{}</div><div class="hl-value">{}</div><div class="hl-delta">{}</div></div>'
            ).format(cls, label, value, note)
        )
    parts.append("</div>")
    return "\n".join(parts) + "\n"


def chart(option: dict, tall: bool = False, label: str = "") -> str:
    """A chart; one with a bar for each unit is as high as its units need (``charts.height``)."""
    data = json.dumps(option, ensure_ascii=False, separators=(",", ":"), default=str)
    cls = "hl-chart hl-tall" if tall else "hl-chart"
    px = charts.height(option)
    style = Markup(' style="height:{}px"').format(px) if px else ""
    return (
        Markup('<div class="{}"{} role="img" aria-label="{}" data-chart="{}"></div>').format(cls, style, label, data)
        + "\n"
    )


def admonition(kind: str, title: str, text: str) -> str:
    return f'!!! {kind} "{title}"\n\n    {text}\n'
