"""Naming a unit or an order as staff type it (单位名称与编号): the one resolver of unit names, used by every
option and field that takes a unit (``--unit``, ``--dispatch``, ``unit=`` of ``order add``, the spot-check
checklist, the import's 承办单位 column, the intake form).

A unit is named by its id (any case), its full name, its short name, the name as an official document writes it
(``泽州县金村镇人民政府``, ``泽州县医疗保障局``: the province, city and county before it and ``人民政府`` after
it are left out), or an unambiguous beginning of any of these (``金村`` → 金村镇, at least ``MIN_PREFIX``
characters). ``unit_hint`` says "是否想写 …？" with the nearest names for a typo, or lists the units an ambiguous
beginning could mean. Pure: the caller passes the units it has loaded.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from hotline.records.models import Unit

MIN_PREFIX = 2  # a beginning of one character ("金", "县") names too little to be taken as a unit
# the places before a unit's own name in an official title: 山西省晋城市泽州县… (a 县直 unit keeps its 县)
_PLACES = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}省)?(?:[\u4e00-\u9fff]{2,3}市)?[\u4e00-\u9fff]{2,3}(?=县)")
_GOVERNMENT = re.compile(r"(?:人民政府|政府)$")


def _spellings(units: Mapping[str, Unit]) -> dict[str, str]:
    """Every way a unit is written (its id, name and short name) → its id."""
    out: dict[str, str] = {}
    for u in units.values():
        for s in (u.id, u.name, u.short_name):
            if s:
                out.setdefault(s, u.id)
    return out


def _forms(text: str) -> list[str]:
    """``text`` and what is left of it without the places before the unit and ``人民政府`` after it."""
    t = " ".join(text.split())
    out = [t, t.lower()]
    for head in (_PLACES.sub("", t), _PLACES.sub("", t)[1:] if _PLACES.match(t) else None):
        if head:
            out += [head, _GOVERNMENT.sub("", head)]
    return [f for f in dict.fromkeys(out) if f]


def matches(units: Mapping[str, Unit], text: str) -> list[str]:
    """The ids ``text`` may name: the one it names exactly, else every unit one of its forms begins."""
    spelled = _spellings(units)
    forms = _forms((text or "").strip())
    for f in forms:
        if f in spelled:
            return [spelled[f]]
    found: list[str] = []
    for f in forms:
        if len(f) >= MIN_PREFIX:
            found += [uid for s, uid in spelled.items() if s.startswith(f) or s.lower().startswith(f)]
    return list(dict.fromkeys(found))


def resolve_unit(units: Mapping[str, Unit], text: str) -> str | None:
    """The id of the unit ``text`` names (see the module's docstring); None if it names none, or several."""
    found = matches(units, text)
    return found[0] if len(found) == 1 else None


def nearest(word: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates closest to ``word`` (best first)."""
    return difflib.get_close_matches(word, sorted(set(candidates)), n=n, cutoff=cutoff)


def _named(units: Mapping[str, Unit], ids: Iterable[str]) -> str:
    return " 或 ".join(f"{i}（{units[i].name}）" for i in ids)


def unit_hint(units: Mapping[str, Unit], text: str, quote: bool = True) -> str:
    """ "：是否想写 jincun（金村镇）？" for the nearest units by id or name, "：“…”可指 …，请写得更完整" for an
    ambiguous beginning (``quote`` False: without the text, for a reply that may quote nothing of what was
    written); "" when nothing is close."""
    t = (text or "").strip()
    several = matches(units, t)
    if len(several) > 1:
        shown = "、".join(f"{units[i].name}（{i}）" for i in several[:5]) + (" 等" if len(several) > 5 else "")
        return f"：{f'“{t}”' if quote else '所填的'}可指 {shown}，请写得更完整"
    by_name = {u.name: u.id for u in units.values()} | {u.short_name: u.id for u in units.values() if u.short_name}
    ids = nearest(t.lower(), units) + [by_name[m] for f in _forms(t) for m in nearest(f, by_name, cutoff=0.5)]
    seen = list(dict.fromkeys(ids))
    if not seen:
        return ""
    return "：是否想写 " + _named(units, seen[:3]) + "？"


def unknown_unit_message(units: Mapping[str, Unit], text: str) -> str:
    """Why ``text`` names no unit (Chinese), with the nearest names or the units it could mean."""
    if len(matches(units, text)) > 1:
        return f"单位 {text} 不明确" + unit_hint(units, text)
    return f"单位 {text} 不存在：units/ 下没有这个编号或名称" + unit_hint(units, text)
