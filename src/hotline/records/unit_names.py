"""Naming a unit or an order as staff type it (单位名称与编号): ids, full Chinese names, short names,
and the nearest known id when what was typed is unknown (``difflib``).

``resolve_unit`` turns ``jincun``, ``金村镇`` or a short name into the unit id; ``unit_hint`` and
``nearest`` say "是否想写 …？" for a typo. Pure: the caller passes the units it has loaded.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from hotline.records.models import Unit


def resolve_unit(units: Mapping[str, Unit], text: str) -> str | None:
    """The id of the unit ``text`` names: its id (any case), full name or short name; None if none does."""
    t = (text or "").strip()
    if not t:
        return None
    if t in units:
        return t
    if t.lower() in units:
        return t.lower()
    for u in units.values():
        if t in (u.name, u.short_name):
            return u.id
    return None


def nearest(word: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates closest to ``word`` (best first)."""
    return difflib.get_close_matches(word, sorted(set(candidates)), n=n, cutoff=cutoff)


def unit_hint(units: Mapping[str, Unit], text: str) -> str:
    """ "：是否想写 jincun（金村镇）？" for the nearest units by id or name; "" when nothing is close."""
    t = (text or "").strip()
    by_name = {u.name: u.id for u in units.values()} | {u.short_name: u.id for u in units.values() if u.short_name}
    ids = nearest(t.lower(), units) + [by_name[m] for m in nearest(t, by_name, cutoff=0.5)]
    seen: list[str] = []
    for i in ids:
        if i not in seen:
            seen.append(i)
    if not seen:
        return ""
    return "：是否想写 " + " 或 ".join(f"{i}（{units[i].name}）" for i in seen[:3]) + "？"


def unknown_unit_message(units: Mapping[str, Unit], text: str) -> str:
    return f"单位 {text} 不存在：units/ 下没有 {text}.yaml" + unit_hint(units, text)
