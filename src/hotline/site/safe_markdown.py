"""Knowledge-base Markdown as safe HTML (知识库正文): rendered here, sanitised, then embedded in the page.

Units write the knowledge base and are untrusted authors, so an entry's body is rendered by
Python-Markdown with raw HTML turned off (an HTML tag in the text is shown as text) and the result is
then cleaned by ``nh3`` (ammonia) against an allow-list: ordinary text tags only, no attributes but
``href``/``src``/``alt``/``title``, and links only ``http``, ``https``, ``mailto`` or relative. The HTML is
embedded as one raw block, so MkDocs neither re-reads it as Markdown nor rejects the build over a
unit's broken link.
"""

from __future__ import annotations

import markdown
import nh3

TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "div",
    "span",
    "del",
    "sup",
    "sub",
}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}
SCHEMES = {"http", "https", "mailto"}


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")  # raw HTML blocks: kept as text (and escaped)
    md.inlinePatterns.deregister("html")  # inline tags: likewise
    return md


def to_html(text: str) -> str:
    """The body of a knowledge-base entry as sanitised HTML."""
    html = _markdown().convert(text)
    return nh3.clean(
        html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel="noopener noreferrer", strip_comments=True
    )


def block(text: str) -> str:
    """The entry as a raw HTML block for a generated Markdown page (no blank line inside, so one block)."""
    html = to_html(text).replace("\r", "")
    lines = [ln for ln in html.split("\n") if ln.strip()]
    return '<div class="hl-knowledge">\n' + "\n".join(lines) + "\n</div>\n"
