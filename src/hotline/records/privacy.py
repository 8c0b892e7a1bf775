"""Citizens' identity (诉求人信息保护): finding unmasked numbers and masking them.

A leak that leads to retaliation is a veto item (否决项 2), so the repository holds masked identity only:
张**, 138****1234. ``find`` reports full mobile numbers and ID-card numbers anywhere in a text; ``mask_*``
are used on the way in (import, staff commands) so a whole number is never stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# 11-digit mainland mobile numbers, also written 138 1234 5678 or 138-1234-5678
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])")
# 18-character resident ID: 6-digit area, birth date 19xx/20xx MMDD, 3 digits, check digit or X
ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9A-Za-z])"
)


def find(text: str) -> Iterator[tuple[str, int, str, str]]:
    """(kind, line, number, masked form) for every unmasked number in ``text``; kind is ``phone`` or ``id``."""
    for kind, rx, masker in (("phone", MOBILE, mask_phone), ("id", ID_NUMBER, mask_id_number)):
        for m in rx.finditer(text):
            yield kind, text.count("\n", 0, m.start()) + 1, m.group(), masker(m.group())


def mask_phone(phone: str) -> str:
    digits = re.sub(r"[^0-9]", "", phone)
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "*" * len(digits)


def mask_id_number(number: str) -> str:
    return number[:6] + "********" + number[-4:] if len(number) == 18 else "*" * len(number)


def mask_name(name: str) -> str:
    name = name.strip()
    if not name or "*" in name:
        return name
    return name[0] + "**"


def mask_text(text: str) -> str:
    """Replace every full number in free text with its masked form."""
    text = MOBILE.sub(lambda m: mask_phone(m.group()), text)
    return ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
