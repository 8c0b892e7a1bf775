"""Repeated demands (重复诉求): orders that look like the same citizen asking the same thing again.

Two orders are suggested as repeats when, within ``office.repeat_window_days`` days of each other, they
have the same citizen — masked name and the last four digits of the phone, both present — and the same
place (the address without house numbers, ``hot_topics.place_of``; or one address contains the other)
and the same subject: at least ``office.repeat_min_shared_keywords`` keywords in common (jieba and the
keyword vocabulary of ``reports`` in ``rules.yaml``, as in the monthly report's hot topics). Suggestions are grouped (connected orders form one group, oldest
first). The office confirms a merge with a 并单 event on the later order (``into`` the earlier one);
merged orders are left out of the suggestions and count once in the rates. Pure.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline.checks.merges import merges_of
from hotline.records.models import Order
from hotline.records.rules import OfficeRules
from hotline.reports.hot_topics import Vocabulary, keywords_of_each, place_of


@dataclass
class RepeatGroup:
    ids: list[str]  # oldest first
    why: str

    def as_dict(self) -> dict:
        return {"ids": self.ids, "why": self.why}


def merged_into(order: Order) -> str | None:
    """The order this one was merged into (its first 并单 event, as ``lifecycle.derive`` counts it), or None."""
    merges = merges_of(order)
    return merges[0][0] if merges else None


def _citizen(order: Order) -> tuple[str, str] | None:
    c = order.citizen
    if c is None or not c.name or not c.phone:
        return None
    digits = re.sub(r"\D", "", c.phone)
    return (c.name, digits[-4:]) if len(digits) >= 4 else None


def _same_place(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    pa, pb = place_of(a) or a, place_of(b) or b
    return pa == pb or pa in pb or pb in pa


def _root(parent: dict[str, str], x: str) -> str:
    """Union-find: the representative of ``x``'s group (halving the path on the way)."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def suggest(
    orders: Sequence[Order],
    rules: OfficeRules,
    start: datetime | None = None,
    end: datetime | None = None,
    extra_words: tuple[str, ...] = (),
    *,
    vocabulary: Vocabulary,
) -> list[RepeatGroup]:
    """Groups of suggested repeats with at least one order received in [start, end)."""
    window = timedelta(days=rules.repeat_window_days)
    by_citizen: dict[tuple[str, str], list[Order]] = defaultdict(list)
    for o in orders:
        key = _citizen(o)
        if key is not None and merged_into(o) is None:
            by_citizen[key].append(o)
    groups = []
    words = keywords_of_each((o for os_ in by_citizen.values() if len(os_) >= 2 for o in os_), vocabulary, extra_words)
    for (name, tail), os_ in sorted(by_citizen.items()):
        if len(os_) < 2:
            continue
        os_.sort(key=lambda o: (o.received_at, o.id))
        parent = {o.id: o.id for o in os_}
        shared: dict[str, set[str]] = defaultdict(set)

        for i, a in enumerate(os_):
            for b in os_[i + 1 :]:
                if b.received_at - a.received_at > window:
                    break
                common = words[a.id] & words[b.id]
                if len(common) >= rules.repeat_min_shared_keywords and _same_place(a.address, b.address):
                    parent[_root(parent, b.id)] = _root(parent, a.id)
                    shared[a.id] |= common
                    shared[b.id] |= common
        members: dict[str, list[Order]] = defaultdict(list)
        for o in os_:
            members[_root(parent, o.id)].append(o)
        for group in members.values():
            if len(group) < 2:
                continue
            if start is not None and not any(
                start <= o.received_at and (end is None or o.received_at < end) for o in group
            ):
                continue
            words_in_common = sorted(set.intersection(*(shared[o.id] for o in group)) or shared[group[0].id])
            span = (group[-1].received_at - group[0].received_at).days
            why = (
                f"同一诉求人 {name}（电话尾号 {tail}），同一地点“{place_of(group[0].address) or group[0].address}”，"
                f"共同关键词：{'、'.join(words_in_common[:5])}；{len(group)} 件相隔 {span} 天"
            )
            groups.append(RepeatGroup([o.id for o in group], why))
    return sorted(groups, key=lambda g: g.ids)
