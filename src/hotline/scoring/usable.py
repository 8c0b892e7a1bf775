"""Which assessment events the assessment can use (可计入的考核事件): the one rule, for the assessment and the check.

An event for a rate item (7–11: those come from the orders), a bonus kind missing from the rules, or a unit
outside ``assessment.unit_types`` would silently change nothing; ``unusable`` says so at the event's line
(``scoring-event-ignored``), in the assessment's findings and in ``hotline check`` (``checks.assessment_events``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hotline.findings import Finding
from hotline.records.models import RECTIFICATION_ITEMS, VETO, ScoringEvent, Unit
from hotline.records.rules import AssessmentRules, RateItem


def why_unusable(ev: ScoringEvent, a: AssessmentRules, units: Mapping[str, Unit]) -> str | None:
    """Why the assessment cannot use ``ev`` (None: it can)."""
    if ev.item in RECTIFICATION_ITEMS:
        return None
    unit = units.get(ev.unit)
    if unit is not None and unit.type not in a.unit_types:
        return f"单位 {ev.unit} 不在考核范围（assessment.unit_types）"
    if isinstance(ev.item, int) and isinstance(a.item(ev.item), RateItem):
        return f"第 {ev.item} 项由工单数据计算，不能用考核事件扣分"
    if isinstance(ev.item, str) and ev.item != VETO and a.bonus_points(ev.item) is None:
        return f"scoring/rules.yaml 的加分项中没有“{ev.item}”"
    return None


def unusable(events: Iterable[ScoringEvent], a: AssessmentRules, units: Mapping[str, Unit]) -> list[Finding]:
    out = []
    for ev in events:
        why = why_unusable(ev, a, units)
        if why:
            out.append(Finding(ev.path, ev.line, "scoring-event-ignored", f"该考核事件未计入考核：{why}"))
    return out
