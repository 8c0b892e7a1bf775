"""Citizens' identity (诉求人信息保护): finding unmasked numbers and names, and masking them.

A leak that leads to retaliation is a veto item (否决项 2), so the repository holds masked identity only:
张**, 138****1234. ``find`` reports, in any text, mobile numbers (with or without ``+86``/``0086``), landline
numbers with an area code, and resident ID numbers (18 characters, and the old 15 digits) however they are
written: digits of any script or width and Chinese numerals (``numerals``), and between any two digits a
separator run of up to three spaces, dashes, dots, slashes, brackets or line breaks (a line break takes
its indentation), with invisible characters anywhere. What is *not* a person's number is left alone: a
number starts and ends where a run of digits does (an order id, an amount, an article number or a date
is not a phone because some digits of it would be), an area code is written in one piece (so dates are
not landlines), a 15-digit ID starts with a province code and has a birth date, a dot before one or two
last digits is a decimal point (130000000.00 元: an amount of eleven digits has decimals; one without is
no less a phone number, 13812345678 元 included), and the hotline's own
numbers (12345, ``office.public_numbers`` of the rules) are kept by the checks. The patterns are tried
only around runs of eleven digits or more (``_windows``): most texts have none.

``find_names`` reports a caller's name written after 姓名/本人叫/联系人 and not masked (张**, 张某,
张先生 are masked). A name in free text cannot be cut exactly: it is the Chinese characters after the
word, up to punctuation, a digit or a word that usually follows a name (电话, 反映 …), at most three.

``mask_text`` is the one masking function of every output path (site, registers, documents, issues,
comments, commit messages, ``log``, findings, imports); ``mask_*`` are used on the way in (import, staff
commands) so a whole number is never stored.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterator
from importlib import resources

from hotline.records.numerals import FULL_WIDTH, digits_of, is_hidden, normalise, stand_ins, tables

CITIZEN_NAME = re.compile(r"^[^\s*0-9]\*{1,3}$")
# the province codes an ID number starts with (GB/T 2260): a 15-digit number that starts otherwise is not an ID
PROVINCES = frozenset(str(p) for r in ((11, 16), (21, 24), (31, 38), (41, 47), (50, 55), (61, 66)) for p in range(*r))
HOTLINE = "12345"  # the hotline's own number: never a person's (too short to be one anyway)


def _d(values: str) -> str:
    """One digit among ``values`` ("0", "3-9", "012") in the normalised alphabet (a Chinese numeral too)."""
    if "-" in values:
        values = "".join(str(v) for v in range(int(values[0]), int(values[2]) + 1))
    return "[" + values + "".join(FULL_WIDTH[int(v)] for v in values) + "]"


def _patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """The numbers, over the normalised alphabet (``numerals.normalise``): kind and pattern, in the order
    they are looked for (a later match that overlaps an earlier one is not a second number)."""
    gap = "(?:[-.１ ]|\n[ ]*+){0,3}"  # a separator run (one 一 or 幺 may be a dash)
    any_d = "[0-9０-９]"

    def run(*parts: str) -> str:
        return gap.join(parts)

    def digits(n: int) -> str:
        return f"(?:{gap}{any_d}){{{n}}}"

    start, end = "(?<![0-9])", "(?![0-9])"
    month = f"(?:{run(_d('0'), _d('1-9'))}|{run(_d('1'), _d('012'))})"
    day = f"(?:{run(_d('0'), _d('1-9'))}|{run(_d('12'), any_d)}|{run(_d('3'), _d('01'))})"
    year = f"(?:{run(_d('1'), _d('9'))}|{run(_d('2'), _d('0'))}){digits(2)}"
    id18 = f"{start}{_d('1-9')}{digits(5)}{gap}{year}{gap}{month}{gap}{day}{digits(3)}{gap}(?:{any_d}|X)(?![0-9aX])"
    id15 = f"{start}{_d('1-6')}{digits(7)}{gap}{month}{gap}{day}{digits(3)}{end}"
    prefix = f"(?:(?:\\+{gap}|{run(_d('0'), _d('0'))}{gap})?{run(_d('8'), _d('6'))}{gap})?"
    mobile = f"{start}{prefix}{_d('1')}{gap}{_d('3-9')}{digits(9)}{end}"
    # an area code is written in one piece: 010 and 02x with eight digits after it, 0xxx with seven or eight
    local = f"{_d('2-9')}{digits(6)}"
    area3 = f"{_d('0')}(?:{_d('1')}{_d('0')}|{_d('2')}{any_d}){gap}{local}{digits(1)}"
    area4 = f"{_d('0')}{_d('3-9')}{any_d}{any_d}{gap}{local}(?:{gap}{any_d})?"
    landline = f"{start}(?:{area3}|{area4}){end}"
    return tuple(
        (kind, re.compile(rx)) for kind, rx in (("id", id18), ("id15", id15), ("phone", mobile), ("phone", landline))
    )


PATTERNS = _patterns()
# a decimal point: a dot between digits with one or two more after it, and then no digit, nor a dot (or a dash
# between dots) before one — 130000000.00 元, 1.35 9 (a drawing's coordinates); not 138.1234.5678
DECIMAL = re.compile(r"(?<=[0-9０-９])\.(?=[0-9０-９]{1,2}(?![0-9０-９X]|[-１]?\.[-１]?[0-9０-９X]))")


def _reach(plain: str, i: int, step: int) -> int:
    """From the edge ``i`` of a run of digits, outwards (``step`` -1 or 1): past the separators, one more
    character (a + before, an ID's check letter after), past invisible characters and one more (what the
    patterns look at around a number). Returns the far end, as a slice bound."""
    t = tables()
    n = len(plain)
    for skip in (t.gaps, t.dropped):
        while 0 <= i < n and plain[i] in skip:
            i += step
        if 0 <= i < n:
            i += step
    return max(i, -1) + 1 if step < 0 else min(i, n)


def _windows(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` that may hold a number: each run of eleven digits or more with separators
    (of any length: more than a number allows) and what surrounds it (``_reach``); merged where they meet."""
    t = tables()
    plain = stand_ins(text)
    out: list[tuple[int, int]] = []
    pos = 0
    while m := t.scan.search(plain, pos):
        run = t.run.match(plain, m.start())
        assert run is not None  # the scan matched there
        pos = run.end()
        a, b = _reach(plain, m.start() - 1, -1), _reach(plain, pos, 1)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _digits(norm: str) -> str:
    """The digits of a normalised span, as ASCII (an ID's check letter as X)."""
    return "".join(str(FULL_WIDTH.index(c)) if c in FULL_WIDTH else c for c in norm if c.isdigit() or c == "X")


def _spans(text: str, keep: Collection[str] = (), whole: bool = False) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, masked) of every unmasked number, not overlapping, in order. The patterns are tried
    on the runs of digits only; ``whole``: on the whole text (the same answer, slower: the rule itself)."""
    found: list[tuple[int, int, str, str]] = []
    for a, b in [(0, len(text))] if whole else _windows(text):
        norm, where = normalise(text, a, b)
        if "." in norm:
            norm = DECIMAL.sub("#", norm)  # an amount's decimals are not digits of a number
        spans: list[tuple[int, int, str]] = []
        for kind, rx in PATTERNS:
            for m in rx.finditer(norm):
                if any(s < m.end() and m.start() < e for s, e, _ in spans):
                    continue
                number = _digits(m.group())
                if (kind == "id15" and number[:2] not in PROVINCES) or number in keep:
                    continue
                spans.append((m.start(), m.end(), kind))
                start, end = where[m.start()], where[m.end() - 1] + 1
                if kind == "phone":
                    found.append((start, end, kind, mask_phone(number)))
                else:
                    found.append((start, end, "id", mask_id_number(number)))
    return sorted(found)


def public_numbers(numbers: Collection[str]) -> frozenset[str]:
    """The hotline's own numbers (as written in the rules) in the form ``find`` compares: digits only."""
    return frozenset(digits_of(n) for n in numbers) | {HOTLINE}


def mask_phone(phone: str) -> str:
    digits = digits_of(phone).replace("X", "")
    if len(digits) > 11 and digits.startswith(("0086", "86")):
        digits = digits[4:] if digits.startswith("0086") else digits[2:]
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "*" * len(digits)


def mask_id_number(number: str) -> str:
    number = digits_of(number)
    if len(number) in (15, 18):
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    return "*" * len(number)


def mask_name(name: str) -> str:
    name = _hidden_gone(name).strip()
    if not name or CITIZEN_NAME.match(name):
        return name
    return name[0] + "**"


def find(text: str, keep: Collection[str] = ()) -> Iterator[tuple[str, int, str, str]]:
    """(kind, line, number, masked form) for every unmasked number in ``text``; kind is ``phone`` or ``id``.
    ``keep``: numbers (digits only, ``public_numbers``) that are not a person's."""
    for start, end, kind, masked in _spans(text, keep):
        yield kind, text.count("\n", 0, start) + 1, text[start:end], masked


# --- names ------------------------------------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# 姓名 / 本人叫 / 联系人, then perhaps 是/为/叫/：/spaces, then Chinese characters
NAME = re.compile(rf"(?:姓名|本人叫|联系人)(?:[是为叫：:\s]|&nbsp;){{0,3}}(?P<name>[{_CJK}]{{2,}})")
# a masked or polite form after the surname (张**, 张某, 张先生): the name is not written in full
_POLITE = re.compile(r"某|先生|女士|小姐|师傅|老师|同志|大爷|大妈|大娘|阿姨|老人|姓")
# words that usually follow a name: the name ends before them
_AFTER = re.compile(r"电话|手机|联系|身份|反映|来电|称|说|表示|要求|住|家住|的|在|是|于|向|从|因|对|和|与|及|等")


@functools.cache
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(single, compound) surnames (``data/surnames.txt``)."""
    text = resources.files("hotline").joinpath("data/surnames.txt").read_text(encoding="utf-8")
    words = {w for line in text.splitlines() if not line.startswith("#") for w in line.split()}
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) > 1)


def _name_span(m: re.Match) -> tuple[int, int] | None:
    """Where the caller's name written in full after a keyword is: a surname and one or two characters,
    up to a word that usually follows a name (None: masked, polite, or not a surname)."""
    single, compound = surnames()
    name = m.group("name")
    surname = name[:2] if name[:2] in compound else name[:1] if name[0] in single else ""
    if not surname:
        return None
    given = name[len(surname) :]
    if cut := _AFTER.search(given, 1):
        given = given[: cut.start()]
    given = given[:2]
    if not given or _POLITE.match(given):
        return None
    start = m.start("name")
    return start, start + len(surname) + len(given)


def find_names(text: str) -> Iterator[tuple[int, str]]:
    """(line, masked form) of every caller's name written in full after 姓名/本人叫/联系人."""
    if "姓名" in text or "本人叫" in text or "联系人" in text:
        for m in NAME.finditer(text):
            if span := _name_span(m):
                yield text.count("\n", 0, span[0]) + 1, text[span[0]] + "**"


def _hidden_gone(text: str) -> str:
    """``text`` without the characters that show nothing (``numerals``: format, bidi, control, fillers)."""
    hidden = tables().hidden
    if not hidden.search(text):
        return text
    return hidden.sub(lambda m: "" if m.group() <= "\uffff" or is_hidden(m.group()) else m.group(), text)


def mask_text(text: str) -> str:
    """Every full number, and every full name after 姓名/本人叫/联系人, replaced with its masked form;
    format, bidi and control characters left out (the one masking function of every output)."""
    if not text:
        return text
    text = _hidden_gone(text)
    spans = [(s, e, masked) for s, e, _, masked in _spans(text)] if len(text) >= 11 else []
    if "姓名" in text or "本人叫" in text or "联系人" in text:
        for m in NAME.finditer(text):
            span = _name_span(m)
            if span and not any(s < span[1] and span[0] < e for s, e, _ in spans):
                spans.append((span[0], span[1], text[span[0]] + "**"))
        spans.sort()
    if not spans:
        return text
    out, pos = [], 0
    for start, end, masked in spans:
        out += [text[pos:start], masked]
        pos = end
    return "".join(out + [text[pos:]])
