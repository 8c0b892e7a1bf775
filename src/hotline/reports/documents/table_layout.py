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
HEADER_LINES = 2  # a header may take two lines


def em_width(text: str) -> float:
    """Width of ``text`` in ems."""
    w = 0.0
    for ch in text:
        if ord(ch) > 0x2E7F:
            w += 1.0
        elif ch == "%":
            w += 0.9
        elif ch.isdigit() or ch in ".:-+ ":
            w += 0.6
        else:
            w += 0.65
    return w


@dataclass(frozen=True)
class Layout:
    widths_pt: list[float]
    landscape: bool


def _natural(headers: list[str], rows: list[list[str]], size_pt: float) -> tuple[list[float], list[bool]]:
    """Each column's width for its longest cell (the header in up to two lines), and whether it is running text."""
    widths, free = [], []
    for c, head in enumerate(headers):
        longest = max((em_width(r[c]) for r in rows if c < len(r)), default=0.0)
        head_em = em_width(head) / HEADER_LINES if len(head) > 2 else em_width(head)
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
