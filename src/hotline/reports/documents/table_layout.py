"""Column widths for the report's tables, sized from their content (表格列宽).

A column whose longest cell is short (a unit's name, a count, a percentage, an order id, a time) gets the
width of that cell, so it never wraps; a column of running text (a title, example orders, a note) shares
what is left and wraps. A table whose short columns do not fit the portrait text block goes into a
landscape section; one that does not fit there either is shrunk in proportion (and may wrap).

Widths are estimated from the characters: a CJK or full-width character is one em of the table's font,
digits and Latin letters a little over half an em (the widths of the usual 仿宋/宋体 and of the fonts a
machine substitutes for them), plus the cell's padding and a safety margin.
"""

from __future__ import annotations

from dataclasses import dataclass

CELL_PADDING_PT = 10.8  # Word's default cell margins: 0.19 cm left and right
SAFETY = 1.08
FREE_TEXT_EM = 16  # a column whose longest cell is longer than this is running text and may wrap
FREE_TEXT_MIN_EM = 10


# Advances (ems) of the narrow characters in the widest of the fonts met: DejaVu Sans, LibreOffice's stand-in
# for the Latin of 仿宋/宋体 (an estimate too narrow makes a column of ids or "+11" break inside them).
NARROW_EM = {"%": 0.95, "+": 0.84, "-": 0.36, ".": 0.32, ":": 0.34, " ": 0.32, "*": 0.5}
DIGIT_EM = 0.64
LETTER_EM = 0.7


AUTOSPACE_EM = 0.25  # Word and LibreOffice put a little space between CJK and Latin or digits ("2026 年 10 月")


def em_width(text: str) -> float:
    """Width of ``text`` in ems (its longest line when it has several)."""
    if "\n" in text:
        return max(em_width(line) for line in text.split("\n"))
    w = 0.0
    for i, ch in enumerate(text):
        if ord(ch) > 0x2E7F:
            w += 1.0
        elif ch in NARROW_EM:
            w += NARROW_EM[ch]
        elif ch.isdigit():
            w += DIGIT_EM
        else:
            w += LETTER_EM
        if i and _autospaced(text[i - 1], ch):
            w += AUTOSPACE_EM
    return w


def _autospaced(a: str, b: str) -> bool:
    """A CJK character next to a Latin letter or digit (in either order)."""
    return (_wide(a) and b.isascii() and b.isalnum()) or (_wide(b) and a.isascii() and a.isalnum())


def _wide(ch: str) -> bool:
    return ord(ch) > 0x2E7F


def header_em(head: str) -> float:
    """The narrowest width a header takes on at most two lines, broken only between two CJK characters: never
    inside or next to a run of digits or letters ("2026年10月" stays whole, "及时接收率" → 及时接 / 收率)."""
    best = em_width(head)
    if len(head) <= 2:
        return best
    for i in range(1, len(head)):
        if _wide(head[i - 1]) and _wide(head[i]):
            best = min(best, max(em_width(head[:i]), em_width(head[i:])))
    return best


@dataclass(frozen=True)
class Layout:
    widths_pt: list[float]
    landscape: bool


def _natural(headers: list[str], rows: list[list[str]], size_pt: float) -> tuple[list[float], list[bool]]:
    """Each column's width for its longest cell (the header in up to two lines), and whether it is running text."""
    widths, free = [], []
    for c, head in enumerate(headers):
        longest = max((em_width(r[c]) for r in rows if c < len(r)), default=0.0)
        head_em = header_em(head)
        is_free = longest > FREE_TEXT_EM
        em = max(head_em, FREE_TEXT_MIN_EM if is_free else longest)
        widths.append(em * size_pt * SAFETY + CELL_PADDING_PT)
        free.append(is_free)
    return widths, free


def layout(
    headers: list[str], rows: list[list[str]], size_pt: float, portrait_pt: float, landscape_pt: float
) -> Layout:
    """Widths (points) of the columns and the orientation of the page the table sits on."""
    widths, free = _natural(headers, rows, size_pt)
    need = sum(widths)
    landscape = need > portrait_pt
    avail = landscape_pt if landscape else portrait_pt
    if need > avail:
        return Layout([w * avail / need for w in widths], landscape)
    spare = avail - need
    if any(free):
        # running text takes what is left, up to its own full length
        full = [
            em_width(max((r[c] for r in rows if c < len(r)), key=em_width, default="")) * size_pt * SAFETY
            + CELL_PADDING_PT
            if f
            else 0.0
            for c, f in enumerate(free)
        ]
        want = sum(max(fw - w, 0.0) for fw, w, f in zip(full, widths, free) if f)
        share = min(1.0, spare / want) if want else 0.0
        widths = [w + max(fw - w, 0.0) * share if f else w for w, fw, f in zip(widths, full, free)]
    return Layout(widths, landscape)
