"""Items 12–16 (扣分项), the bonus (奖励加分) and vetoes (否决项), from the assessment events.

Items 12–16: ``per`` point(s) off for each occurrence — an event's ``count`` — at most the item's cap
("扣完为止"). Item 13 also counts, in the orders, every reply (答复 or 履责说明) of a dispatch of the
period with no earlier 联系 by that unit (首问负责), whatever the dispatch's role. Bonus: points per event
of a bonus kind, in all at most ``bonus.cap``. Veto: any 否决 event in the period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from hotline.records.models import VETO, Order, ScoringEvent
from hotline.records.rules import AssessmentRules, DeductionItem
from hotline.scoring.inputs import Counted
from hotline.scoring.numbers import ZERO, rounded, shown
from hotline.scoring.results import Evidence, ItemScore
from hotline.scoring.setup import event_evidence


def _plain(value: Decimal) -> str:
    return shown(value).rstrip("0").rstrip(".")


def special_supervisions(orders: Iterable[Order], start: datetime, end: datetime) -> dict[str, list[Evidence]]:
    """督办 events of kind 专项 (省/市 special supervision, item 16) declared in [start, end), by unit."""
    out: dict[str, list[Evidence]] = {}
    for order in orders:
        for ev in order.events:
            if ev.type == "督办" and ev.kind == "专项" and start <= ev.at < end:
                out.setdefault(ev.unit, []).append(
                    Evidence(
                        "order",
                        order.id,
                        order.path,
                        ev.line,
                        f"{ev.level}级12345热线专项督办" + (f"：{ev.note}" if ev.note else ""),
                    )
                )
    return out


def deduction_item(
    item: DeductionItem,
    events: list[ScoringEvent],
    dispatches: list[Counted],
    a: AssessmentRules,
    special: Sequence[Evidence] = (),
) -> ItemScore:
    evidence = [event_evidence(ev) for ev in events if ev.item == item.number]
    from_events = sum(ev.count for ev in events if ev.item == item.number)
    from_orders = 0
    if item.also == "reply_without_contact":
        for c in dispatches:
            for line in c.state.replies_without_contact:
                from_orders += 1
                evidence.append(
                    Evidence("order", c.state.order_id, c.path, line, "答复前本单位没有联系诉求人（首问负责）")
                )
    if item.also == "special_supervision":
        from_orders += len(special)
        evidence += list(special)
    occurrences = from_events + from_orders
    claimed = item.per * occurrences
    deducted = min(claimed, item.limit)
    points = rounded(item.max - deducted, a.rounding)
    formula = f"{_plain(item.max)} − {_plain(item.per)} × {occurrences}"
    if claimed > item.limit:
        formula += f"（扣分以 {_plain(item.limit)} 分为限）"
    formula += f" = {shown(points)}"
    inputs = {
        "occurrences": occurrences,
        "from_events": from_events,
        "from_orders": from_orders,
        "per": _plain(item.per),
        "cap": _plain(item.limit),
        "deducted": _plain(deducted),
    }
    return ItemScore.of(item, points=points, formula=formula, inputs=inputs, evidence=evidence)


def bonus(events: list[ScoringEvent], a: AssessmentRules) -> tuple[Decimal, Decimal, list[Evidence]]:
    """(bonus after the cap, bonus claimed, evidence); events of a kind the rules lack are skipped."""
    claimed = ZERO
    evidence: list[Evidence] = []
    for ev in events:
        if not isinstance(ev.item, str):
            continue
        points = a.bonus_points(ev.item)
        if points is None:
            continue
        claimed += points * ev.count
        evidence.append(event_evidence(ev, f"{ev.item}（+{_plain(points * ev.count)}）：{ev.note}"))
    return rounded(min(claimed, a.bonus.cap), a.rounding), rounded(claimed, a.rounding), evidence


def vetoes(events: list[ScoringEvent]) -> list[Evidence]:
    return [event_evidence(ev, f"否决：{ev.note}") for ev in events if ev.item == VETO]
