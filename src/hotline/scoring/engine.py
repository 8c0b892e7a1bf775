"""The assessment (考核计分): every item of every assessed unit, the base score, bonus, total, veto,
grade and rank, for a period and a profile (读法) of the notice; and both profiles side by side.

Base = items 1–16 (each rounded); bonus = bonus events, capped; total = base + bonus. Grade: the first
band whose ``min`` the total reaches, or ``vetoes.grade`` when the unit has a veto. Rank: by total,
highest first, ties sharing a rank; units with a veto come after all others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from hotline.records.rules import (
    PROFILES,
    AssessmentRules,
    ChangeReportItem,
    DeductionItem,
    RateItem,
    SetupItem,
    is_profile,
)
from hotline.scoring.deductions import bonus, deduction_item, special_supervisions, vetoes
from hotline.scoring.inputs import Collected, ScoringInputs, collect
from hotline.scoring.numbers import ZERO, rounded
from hotline.scoring.period import Period, parse_period
from hotline.scoring.rates import counted_dispatches, rate_item
from hotline.scoring.rectification import applies, rectification_cases
from hotline.scoring.results import Assessment, UnitScore
from hotline.scoring.setup import change_report_item, setup_item, unit_at_end
from hotline.scoring.usable import unusable
from hotline.workdays import end_of


def grade_of(total: Decimal, veto: bool, a: AssessmentRules) -> str:
    if veto:
        return a.vetoes.grade
    for band in a.grades:
        if total >= band.min:
            return band.name
    return a.grades[-1].name


def _rank(units: list[UnitScore]) -> list[UnitScore]:
    units.sort(key=lambda u: (u.veto, -u.total, u.unit))
    for i, u in enumerate(units):
        prev = units[i - 1] if i else None
        u.rank = prev.rank if prev is not None and (prev.veto, prev.total) == (u.veto, u.total) else i + 1
    return units


def score_collected(collected: Collected, profile: str | None = None) -> Assessment:
    """Score the units of a collection under ``profile`` (default: ``assessment.default_profile``)."""
    a = collected.inputs.assessment
    profile = profile or a.default_profile
    if not is_profile(profile):
        raise ValueError(f"读法“{profile}”不存在，应为 {'、'.join(PROFILES)} 之一")
    scores = []
    start = datetime.combine(collected.period.start, time(0, 0))
    special = special_supervisions(
        collected.inputs.with_special_supervision(), start, min(end_of(collected.period.end), collected.as_of)
    )
    for unit in collected.assessed_units:
        if collected.only is not None and unit.id not in collected.only:
            continue
        dispatches = collected.dispatches.get(unit.id, [])
        events = collected.events.get(unit.id, [])
        counted = counted_dispatches(dispatches, a)
        items = {}
        dated, dated_note, common_note = (
            unit_at_end(collected, unit) if any(isinstance(i, SetupItem) for i in a.items) else (unit, None, None)
        )
        for item in a.items:
            if isinstance(item, SetupItem):
                items[item.number] = setup_item(item, dated, events, dated_note, common_note)
            elif isinstance(item, ChangeReportItem):
                items[item.number] = change_report_item(item, unit, collected, events)
            elif isinstance(item, RateItem):
                items[item.number] = rate_item(item, profile, counted, a)
            elif isinstance(item, DeductionItem):
                items[item.number] = deduction_item(item, events, dispatches, a, special.get(unit.id, []))
        for it in items.values():
            it.points = rounded(it.points, a.rounding)
        base = sum((it.points for it in items.values()), ZERO)
        extra, claimed, bonus_evidence = bonus(events, a)
        veto_evidence = vetoes(events)
        total = base + extra
        scores.append(
            UnitScore(
                unit=unit.id,
                name=unit.short_name or unit.name,
                dispatched=len(counted),
                items=items,
                base=base,
                bonus=extra,
                bonus_claimed=claimed,
                bonus_evidence=bonus_evidence,
                total=total,
                grade=grade_of(total, bool(veto_evidence), a),
                veto=bool(veto_evidence),
                veto_evidence=veto_evidence,
                full_name=unit.name,
                unsettled=sum(bool(c.state.unsettled) for c in counted),
            )
        )
    period_events = [ev for events in collected.events.values() for ev in events]
    result = Assessment(
        collected.period, profile, collected.as_of, _rank(scores), unusable(period_events, a, collected.inputs.units)
    )
    if applies(collected.period, a):
        result.rectification_applies = True
        result.rectification = rectification_cases(
            result.units, collected.period, collected.inputs.events, collected.inputs.calendar, a, collected.as_of
        )
    return result


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else parse_period(period)


def score_units(
    inputs: ScoringInputs,
    period: Period | str,
    profile: str | None = None,
    *,
    as_of: datetime,
    units: Iterable[str] | None = None,
) -> Assessment:
    """The assessment of ``period`` as of ``as_of``: every assessed unit, or only ``units`` (ranked among
    themselves; score all and filter to rank one unit among all)."""
    return score_collected(collect(inputs, _period(period), as_of, units), profile)


@dataclass
class ProfileComparison:
    """Both readings of the notice for the same period (两种读法对比)."""

    assessments: dict[str, Assessment]

    def rows(self) -> list[dict]:
        """Per unit (in the default profile's order): each profile's total, grade and rank, the rate items,
        and the difference of each other profile's total from the first."""
        profiles = list(self.assessments)
        first = self.assessments[profiles[0]]
        out = []
        for u in first.units:
            row: dict = {"unit": u.unit, "name": u.name, "dispatched": u.dispatched}
            for p in profiles:
                s = self.assessments[p].unit(u.unit)
                row[p] = {
                    "total": s.total,
                    "base": s.base,
                    "grade": s.grade,
                    "rank": s.rank,
                    "items": {no: it.points for no, it in s.items.items() if it.kind == "rate"},
                }
            for p in profiles[1:]:
                row[f"{p}_minus_{profiles[0]}"] = row[p]["total"] - row[profiles[0]]["total"]
            out.append(row)
        return out


def compare_profiles(
    inputs: ScoringInputs, period: Period | str, *, as_of: datetime, units: Iterable[str] | None = None
) -> ProfileComparison:
    """Score ``period`` under every profile, the default first, deriving each order once."""
    collected = collect(inputs, _period(period), as_of, units)
    default = inputs.assessment.default_profile
    order = [default] + [p for p in PROFILES if p != default]
    return ProfileComparison({p: score_collected(collected, p) for p in order})
