"""Random spot checks (随机抽查, §三(三) "随机抽查与平台数据统计相结合").

``draw``: a reproducible sample of replied dispatches per assessed unit and period — the same period,
seed and size always give the same orders (``random.Random`` seeded with the text
``"<seed>:<period>:<unit>"``, over the unit's replied order ids sorted). ``checklist_events``: the
filled checklist as assessment events — for each answer 否 (false) the item named in
``spot_checks.item_of`` (12 reply standard, 13 contact and result), one occurrence per order and item,
one event per unit and item with the orders in its note. The events belong to the period checked: they are
dated on its last day, whenever the checklist was filled in (decided 2026-12-07; README 随机抽查); the day of the
check (``checked_on``) is in their note. Pure: records in, values out.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, time

from hotline.lifecycle.derive import derive
from hotline.records.models import Order, SpotCheckList, Unit
from hotline.records.rules import Rules
from hotline.records.spot_checklist import QUESTIONS, checklist_path
from hotline.records.unit_names import resolve_unit, unknown_unit_message
from hotline.scoring.period import Period, parse_period
from hotline.workdays import WorkCalendar, end_of

QUESTION_NAMES = {"reply_standard": "答复不符合工单规范", "contacted": "未联系诉求人", "result_told": "未告知处理结果"}


def replied(
    orders: Sequence[Order], rules: Rules, calendar: WorkCalendar, period: Period, as_of: datetime
) -> dict[str, list[str]]:
    """Order ids per unit with a dispatch in ``period`` that was replied by ``as_of`` (sorted, distinct)."""
    start, end = datetime.combine(period.start, time(0, 0)), end_of(period.end)
    out: dict[str, set[str]] = defaultdict(set)
    for order in orders:
        if order.received_at >= end:
            continue
        for s in derive(order, rules, calendar, as_of).dispatches:
            if start <= s.dispatched_at < end and s.reply_at is not None and not s.returned:
                out[s.unit].add(order.id)
    return {u: sorted(ids) for u, ids in out.items()}


def draw(
    orders: Sequence[Order],
    units: Mapping[str, Unit],
    rules: Rules,
    calendar: WorkCalendar,
    period: Period,
    per_unit: int,
    seed: int,
    as_of: datetime,
    only: Sequence[str] = (),
) -> list[dict]:
    """``[{"unit", "id"}]``: up to ``per_unit`` replied orders of each assessed unit, by unit then id."""
    types = set(rules.assessment.unit_types) if rules.assessment else None
    pool = replied(orders, rules, calendar, period, as_of)
    out = []
    for uid in sorted(units):
        if (types is not None and units[uid].type not in types) or (only and uid not in only):
            continue
        ids = pool.get(uid, [])
        picked = random.Random(f"{seed}:{period.label}:{uid}").sample(ids, min(per_unit, len(ids)))
        out += [{"unit": uid, "name": units[uid].name, "id": oid} for oid in sorted(picked)]
    return out


def checklist_events(lst: SpotCheckList, rules: Rules, units: Mapping[str, Unit]) -> tuple[list[dict], int]:
    """(assessment events for the answers 否, number of entries not yet checked). Raises ``ValueError`` (Chinese)
    without ``checked_on`` or for a unit no name or id resolves."""
    if lst.checked_on is None:
        raise ValueError(f"抽查清单 {checklist_path(lst.period).as_posix()} 尚未填写 checked_on（抽查日期）")
    period = parse_period(lst.period)
    failures: dict[tuple[str, int], list[str]] = defaultdict(list)
    unchecked = 0
    for entry in lst.checks:
        answers = {q: getattr(entry, q) for q in QUESTIONS}
        if all(v is None for v in answers.values()):
            unchecked += 1
            continue
        per_item: dict[int, list[str]] = defaultdict(list)
        for q, v in answers.items():
            if v is False:
                per_item[rules.spot_checks.item_of[q]].append(QUESTION_NAMES[q])
        unit = resolve_unit(units, entry.unit)
        if unit is None:
            raise ValueError(
                f"{checklist_path(lst.period).as_posix()}:{entry.line}: {unknown_unit_message(units, entry.unit)}"
            )
        for item, what in per_item.items():
            failures[(unit, item)].append(f"{entry.id}（{'、'.join(what)}）")
    source = checklist_path(lst.period).as_posix()
    events = []
    for (unit, item), ids in sorted(failures.items()):
        events.append(
            {
                "date": period.end,
                "unit": unit,
                "item": item,
                "count": len(ids),
                "note": f"{period.title}随机抽查（{lst.checked_on:%Y-%m-%d} 抽查）：" + "；".join(ids),
                "evidence": source,
            }
        )
    return events, unchecked
