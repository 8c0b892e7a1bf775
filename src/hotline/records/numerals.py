"""How digits, separators and invisible characters can be written (数字的各种写法): the character tables
behind ``privacy`` (identity numbers) and the hidden-character rule of record text.

A number can be written with any character that stands for one digit: ASCII and full-width digits, every
Unicode decimal digit (Arabic-Indic ١, Devanagari १, mathematical bold 𝟏 …), the forms NFKC reads as one
digit (superscript ¹, circled ①, ⑴, ⒈), and the Chinese numerals 〇零一二三四五六七八九幺两 (○ too, as in
二○二六). Between its digits it may have *separators* — spaces of every width, line breaks, dashes (every
Pd, the minus sign, ー, 一 written as a dash, ~), dots (. ． 。 · ・ • …), slashes, vertical bars and
brackets — and characters that show nothing (*dropped*): format characters (Cf: zero-width space, soft
hyphen, word joiner, bidi controls …), control characters, combining marks over digits (the keycap of 1️⃣,
variation selectors) and the invisible fillers.

``normalise`` reads a stretch of text as a short alphabet, one character for each character kept
(positions map back): digits ``0``–``9``, a Chinese numeral as the full-width digit ``０``–``９`` (``１`` for
一 and 幺, which may also be a dash), ``.`` for a dot (it may be a decimal point), ``-`` for another
separator, a space for a space, ``\\n`` for a line break, ``+``, ``X`` for an ID's check letter, ``a`` for another letter and ``#`` for anything else; dropped
characters are left out. ``Tables.scan`` finds, in the text as written, the stretches that may hold a
number: eleven digits (every number has that many) with only separators and invisible characters, of any
number, between them. The
tables come from Python's ``unicodedata``, built once on first use (about 15 ms) for the Basic
Multilingual Plane; a character beyond it is looked up when it is met.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

CHINESE_DIGITS = {"〇": 0, "○": 0, "◯": 0, "零": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3}
CHINESE_DIGITS |= {"四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SPACES = "\t\x0b\x0c\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
# every dash punctuation (Pd; a test keeps the list complete), the minus sign, tildes, the katakana long mark
DASHES = "-\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d"
DASHES += "\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\u2212~～ー"
DOTS = ".．。｡·・･‧•∙⋅․‥…"
SLASHES = "/／⁄∕\\＼|｜"
BRACKETS = "()（）[]［］{}｛｝【】〔〕〖〗〈〉《》⦅⦆｟｠"
CHECK_LETTERS = "XxＸｘ×"  # the check character of an ID
PLUS = "+＋﹢"
# combining marks that may stand over a digit (diacritics, the keycap ⃣, variation selectors) and fillers
# that show nothing though they are not format characters
MARKS = "".join(
    chr(c) for a, b in ((0x300, 0x36F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF)) for c in range(a, b + 1)
)
MARKS += "".join(chr(c) for c in range(0xFE00, 0xFE10)) + "".join(chr(c) for c in range(0xFE20, 0xFE30))
FILLERS = "\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0"
FULL_WIDTH = "０１２３４５６７８９"


@dataclass(frozen=True)
class Tables:
    values: dict[str, int]  # character → digit, for every digit character of the BMP and the Chinese numerals
    true_digits: frozenset[str]  # digit characters but the Chinese numerals: a number never continues into one
    hidden: re.Pattern  # a character record text may not hold: format (Cf), control (Cc but tab, line breaks), filler
    scan: re.Pattern  # eleven digits with nothing but separators and invisible characters between them
    run: re.Pattern  # as many digits as follow so
    normal: dict[str, str]  # character → its normalised form ("" when dropped), for every character that is not "#"
    dropped: frozenset[str]  # characters that show nothing (of the BMP)
    gaps: frozenset[str]  # characters that may stand between two digits of a number: separators, dropped, \n


def char_class(chars: Iterable[str]) -> str:
    """A character class body for ``chars`` (ranges merged, everything escaped)."""
    points = sorted({ord(c) for c in chars})
    out: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        lo, hi = chr(points[i]), chr(points[j])
        out.append(re.escape(lo) if i == j else f"{re.escape(lo)}-{re.escape(hi)}")
        i = j + 1
    return "".join(out)


def _bmp() -> str:
    """Every character of the Basic Multilingual Plane, in order (surrogates included), built in C."""
    data = bytearray(0x20000)
    data[0::2] = b"".join(bytes([h]) * 256 for h in range(256))
    data[1::2] = bytes(range(256)) * 256
    return data.decode("utf-16-be", "surrogatepass")


@functools.cache
def tables() -> Tables:
    bmp = _bmp()
    values = {c: v for c in filter(str.isdigit, bmp) if (v := unicodedata.digit(c, None)) is not None}
    true_digits = frozenset(values)
    values |= CHINESE_DIGITS
    hidden = [c for c in _not_printable(bmp) if _is_hidden(c)] + list(FILLERS)
    dropped = hidden + list(MARKS)
    seps = SPACES + DASHES + DOTS + SLASHES + BRACKETS
    digit_class = char_class(values)
    gap = f"[{char_class(set(dropped) | set(seps) | {chr(10)})}]*+"  # any number of them: more than a number allows
    normal: dict[str, str] = dict.fromkeys(dropped, "")
    normal |= dict.fromkeys(seps, "-")
    normal |= dict.fromkeys(SPACES, " ") | {"\n": "\n", ".": ".", "．": "."}  # a dot may be a decimal point
    normal |= dict.fromkeys("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "a")
    normal |= {chr(c): "a" for c in range(0xFF21, 0xFF3B)} | {chr(c): "a" for c in range(0xFF41, 0xFF5B)}
    normal |= dict.fromkeys(CHECK_LETTERS, "X") | dict.fromkeys(PLUS, "+")
    normal |= {c: str(values[c]) for c in true_digits} | {c: FULL_WIDTH[v] for c, v in CHINESE_DIGITS.items()}
    return Tables(
        values,
        true_digits,
        re.compile(f"[{char_class(hidden)}\U00010000-\U0010ffff]"),
        # a first digit not right after another (the look-behind after it: the search skips to digits fast)
        re.compile(f"[{digit_class}](?<![{digit_class}][{digit_class}])(?:{gap}[{digit_class}]){{10}}"),
        re.compile(f"[{digit_class}](?:{gap}[{digit_class}])*+"),
        normal,
        frozenset(dropped),
        frozenset(dropped) | set(seps) | {"\n"},
    )


def _not_printable(chars: str) -> Iterator[str]:
    return itertools.filterfalse(str.isprintable, chars)


def _is_hidden(c: str) -> bool:
    cat = unicodedata.category(c)
    return cat == "Cf" or (cat == "Cc" and c not in "\t\n\r")


@functools.cache
def _astral(c: str) -> str:
    """The normalised form of a character beyond the BMP ("#" when it is none of the kinds above)."""
    v = unicodedata.digit(c, None)
    if v is not None:
        return str(v)
    cat = unicodedata.category(c)
    return "" if cat in ("Cf", "Mn", "Me") else "#"


def is_hidden(c: str) -> bool:
    """Whether record text may not hold ``c`` (format, bidi or control character, or an invisible filler)."""
    return _is_hidden(c) or c in FILLERS


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def stand_ins(text: str) -> str:
    """``text`` with each character beyond the BMP that is a digit or shows nothing replaced by one of the
    BMP that is read the same way (``0``, a zero-width space): ``Tables.scan`` then finds every run, and every
    position stays where it was."""
    if not _ASTRAL.search(text):
        return text
    return _ASTRAL.sub(lambda m: {"": "\u200b", "#": m.group()}.get(n := _astral(m.group()), n[:1]), text)


class _Translation(dict):
    """``Tables.normal`` for ``str.translate``: code point → its one-character form, "#" for any other of the BMP."""

    def __missing__(self, point: int) -> str:
        self[point] = "#"
        return "#"


@functools.cache
def _translation() -> _Translation:
    return _Translation({ord(c): n for c, n in tables().normal.items() if n})


def normalise(text: str, start: int = 0, end: int | None = None) -> tuple[str, Sequence[int]]:
    """``text[start:end]`` in the short alphabet, and for each of its characters the position it came from."""
    end = len(text) if end is None else end
    piece = text[start:end]
    if tables().dropped.isdisjoint(piece) and not _ASTRAL.search(piece):  # one character for each: at once
        return piece.translate(_translation()), range(start, end)
    normal = tables().normal
    out: list[str] = []
    where: list[int] = []
    for i in range(start, end):
        c = text[i]
        n = normal.get(c)
        if n is None:
            n = _astral(c) if c > "\uffff" else "#"
        if n:
            out.append(n)
            where.append(i)
    return "".join(out), where


def has_digit(text: str) -> bool:
    """Whether ``text`` holds a digit of any script or width (a Chinese numeral is not one: 张三 is a name)."""
    if not tables().true_digits.isdisjoint(text):
        return True
    return _ASTRAL.search(text) is not None and any(_astral(c).isdigit() for c in text if c > "\uffff")


def digits_of(text: str) -> str:
    """The digits a span of text is written with, as ASCII (an ID's check letter as ``X``)."""
    norm, _ = normalise(text)
    return "".join(str(FULL_WIDTH.index(c)) if c in FULL_WIDTH else c for c in norm if c.isdigit() or c == "X")
