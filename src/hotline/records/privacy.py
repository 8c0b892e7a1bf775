"""Citizens' identity (诉求人信息保护): finding unmasked numbers and masking them.

A leak that leads to retaliation is a veto item (否决项 2), so the repository holds masked identity only:
张**, 138****1234. ``find`` reports, in any text, mobile numbers in every common writing (``+86``/``0086``
prefixes, spaces, dashes, dots, full-width digits), landline numbers with an area code, and 18-digit ID
numbers (also with spaces, or letters written before them). ``mask_text`` is the one masking function of
every output path (site, registers, documents, issues, comments, commit messages, ``log``, findings);
``mask_*`` are used on the way in (import, staff commands) so a whole number is never stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# full-width digits and punctuation, read as their ASCII forms (one character for one: positions stay)
_WIDE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "＋": "+",
        "－": "-",
        "．": ".",
        "　": " ",
        "（": "(",
        "）": ")",
        "Ｘ": "X",
        "ｘ": "x",
    }
)
_SEP = r"[ .\-]?"
# 11-digit mainland mobile numbers: 13812345678, +86 138-1234-5678, 0086 138.1234.5678, (+86)138 1234 5678
MOBILE = re.compile(r"(?<![0-9])(?:\(?(?:\+|00)?86\)?" + _SEP + r")?1[3-9][0-9](?:" + _SEP + r"[0-9]{4}){2}(?![0-9])")
# landlines with an area code: 0356-2123456, (0356)2123456, 010 61234567
LANDLINE = re.compile(r"(?<![0-9])(?:\(0[1-9][0-9]{1,2}\)|0[1-9][0-9]{1,2})[ \-]?[2-9][0-9]{6,7}(?![0-9])")
# 18-character resident ID: 6-digit area, birth date 19xx/20xx MMDD, 3 digits, check digit or X; spaces allowed
ID_NUMBER = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}[ \-]?(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[ \-]?[0-9]{3}[0-9Xx](?![0-9A-Za-z])"
)
CITIZEN_NAME = re.compile(r"^[^\s*0-9]\*{1,3}$")


def _digits(s: str) -> str:
    return re.sub(r"[^0-9Xx]", "", s.translate(_WIDE))


def mask_phone(phone: str) -> str:
    digits = re.sub(r"[^0-9]", "", phone.translate(_WIDE))
    if len(digits) > 11 and digits.startswith(("0086", "86")):
        digits = digits[-11:]
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "*" * len(digits)


def mask_id_number(number: str) -> str:
    number = _digits(number)
    return number[:6] + "********" + number[-4:] if len(number) == 18 else "*" * len(number)


def mask_name(name: str) -> str:
    name = name.strip()
    if not name or CITIZEN_NAME.match(name):
        return name
    return name[0] + "**"


_KINDS = (("id", ID_NUMBER, mask_id_number), ("phone", MOBILE, mask_phone), ("phone", LANDLINE, mask_phone))
# what every match of the three patterns contains (3 digits, an optional separator, 4 digits), in the text as
# written: most texts (names, dates, reasons) have none; in a long one (a page, a month's data) the patterns
# need only be tried near each candidate — a match is at most 20 characters long
_CANDIDATE = re.compile(r"[0-9０-９]{3}[ .\-－．　]?[0-9０-９]{4}")
_REACH = 32  # characters tried on each side of a candidate (> the longest match)


def _windows(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` around its candidates, merged where they overlap."""
    out: list[tuple[int, int]] = []
    for m in _CANDIDATE.finditer(text):
        a, b = max(0, m.start() - _REACH), min(len(text), m.end() + _REACH)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _spans(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, masked) of every unmasked number, not overlapping, in order."""
    out: list[tuple[int, int, str, str]] = []
    if not _CANDIDATE.search(text):  # most texts
        return out
    for a, b in _windows(text):
        # one character more on each side: the patterns look at the characters around a number
        lo, hi = max(0, a - 1), min(len(text), b + 1)
        plain = text[lo:hi].translate(_WIDE)
        found: list[tuple[int, int, str, str]] = []
        for kind, rx, masker in _KINDS:
            for m in rx.finditer(plain, a - lo, b - lo + (hi > b)):
                if not any(s < m.end() and m.start() < e for s, e, _, _ in found):
                    found.append((m.start(), m.end(), kind, masker(m.group())))
        out += sorted((s + lo, e + lo, kind, masked) for s, e, kind, masked in found)
    return out


def find(text: str) -> Iterator[tuple[str, int, str, str]]:
    """(kind, line, number, masked form) for every unmasked number in ``text``; kind is ``phone`` or ``id``."""
    for start, end, kind, masked in _spans(text):
        yield kind, text.count("\n", 0, start) + 1, text[start:end], masked


def mask_text(text: str) -> str:
    """Replace every full number in free text with its masked form (the one masking function)."""
    if not text:
        return text
    spans = _spans(text)
    if not spans:
        return text
    out, pos = [], 0
    for start, end, _, masked in spans:
        out += [text[pos:start], masked]
        pos = end
    return "".join(out + [text[pos:]])
