"""What an assessment produces (考核结果): per unit, every item's points with its formula, inputs and
evidence, the base score, bonus, total, veto and grade — plain values the CLI and the site render.

``as_dict`` gives the JSON shape of ``hotline score --format json``; points there are numbers with at
most two decimals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from hotline.findings import Finding
from hotline.records.rules import AnyItem, ItemKind, ProfileName
from hotline.scoring.period import Period
from hotline.times import format_date, format_time

EvidenceKind = Literal["order", "event", "unit", "change"]


def _num(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(slots=True)  # not frozen: a year's scoring builds ~10⁵ of these, and frozen init is 5× slower
class Evidence:
    """证据: one dispatch of an order, one assessment event, or one entry of a unit file behind a figure."""

    kind: EvidenceKind
    ref: str  # the order id, or ``path:line`` of the event or unit entry
    path: str
    line: int
    reason: str  # 中文: why it counts
    count: int = 1
    date: date | None = None

    def as_dict(self) -> dict:
        d: dict = {"kind": self.kind, "ref": self.ref, "path": self.path, "line": self.line, "reason": self.reason}
        if self.count != 1:
            d["count"] = self.count
        if self.date is not None:
            d["date"] = format_date(self.date)
        return d


@dataclass(slots=True)
class ItemScore:
    """One assessment item (考核项目) of one unit. ``evidence`` lists what cost the unit points; for the
    rate items it is built on first use (a year's scoring would otherwise build ~10⁵ entries nobody reads)."""

    no: int
    name: str
    kind: ItemKind
    max: Decimal
    points: Decimal
    formula: str  # the formula in force, with this unit's figures
    printed: str  # the notice's own words
    inputs: dict[str, object] = field(default_factory=dict)
    _evidence: list[Evidence] | Callable[[], list[Evidence]] = field(default_factory=list)
    note: str | None = None  # 无转办工单, 无法核对（无 Git 历史）…
    contradiction: str | None = None
    common_note: str | None = None  # the note as it reads for every unit alike (without the unit's own commit)

    @classmethod
    def of(
        cls,
        item: AnyItem,
        *,
        points: Decimal,
        formula: str,
        inputs: dict[str, object],
        evidence: list[Evidence] | Callable[[], list[Evidence]],
        note: str | None = None,
        contradiction: str | None = None,
        common_note: str | None = None,
    ) -> ItemScore:
        """The score of the rules' ``item`` (its number, name, kind, maximum and the notice's words) for one unit."""
        return cls(
            no=item.number,
            name=item.name,
            kind=item.kind,
            max=item.max,
            points=points,
            formula=formula,
            printed=item.printed,
            inputs=inputs,
            _evidence=evidence,
            note=note,
            contradiction=contradiction,
            common_note=common_note,
        )

    @property
    def evidence(self) -> list[Evidence]:
        if callable(self._evidence):
            self._evidence = self._evidence()
        return self._evidence

    def as_dict(self) -> dict:
        return {
            "no": self.no,
            "name": self.name,
            "max": _num(self.max),
            "points": _num(self.points),
            "formula": self.formula,
            "inputs": self.inputs,
            "note": self.note,
        }


@dataclass(slots=True)
class UnitScore:
    """One unit's assessment for a period (单位考核得分)."""

    unit: str
    name: str
    dispatched: int  # 转办总件数
    items: dict[int, ItemScore]
    base: Decimal  # 基础分: items 1–16, out of ``assessment.base_max``
    bonus: Decimal  # 加分, capped
    bonus_claimed: Decimal  # 加分 before the cap
    bonus_evidence: list[Evidence]
    total: Decimal
    grade: str
    veto: bool
    veto_evidence: list[Evidence]
    rank: int = 0
    full_name: str = ""  # the unit file's ``name``; ``name`` is the short name (简称) when it has one
    unsettled: int = 0  # dispatches of 转办总件数 whose outcome is not known yet: the score is 暂定 while > 0

    def evidence(self) -> dict[str, list[dict]]:
        out = {str(no): [e.as_dict() for e in it.evidence] for no, it in self.items.items() if it.evidence}
        if self.bonus_evidence:
            out["bonus"] = [e.as_dict() for e in self.bonus_evidence]
        if self.veto_evidence:
            out["veto"] = [e.as_dict() for e in self.veto_evidence]
        return out

    def as_dict(self) -> dict:
        return {
            "unit": self.unit,
            "name": self.name,
            "full_name": self.full_name or self.name,
            "rank": self.rank,
            "dispatched": self.dispatched,
            "unsettled": self.unsettled,
            "items": {str(no): _num(it.points) for no, it in self.items.items()},
            "base": _num(self.base),
            "bonus": _num(self.bonus),
            "total": _num(self.total),
            "grade": self.grade,
            "veto": self.veto,
            "notes": {str(no): it.note for no, it in self.items.items() if it.note},
            "evidence": self.evidence(),
        }


@dataclass(slots=True)
class RectificationCase:
    """整改: one unit that owes (or owed) a written rectification report for an assessment."""

    unit: str
    name: str
    grade: str  # the grade computed for the period
    status: str  # 待通报 | 未报送 | 已按时报送 | 逾期报送 | 逾期未报送
    notice: Evidence | None = None
    due: date | None = None
    report: Evidence | None = None
    outstanding: bool = False  # no report yet
    late: bool = False  # report after the due date, or none and the due date has passed

    def as_dict(self) -> dict:
        return {
            "unit": self.unit,
            "name": self.name,
            "grade": self.grade,
            "status": self.status,
            "notice_date": format_date(self.notice.date) if self.notice else None,
            "due": format_date(self.due) if self.due else None,
            "report_date": format_date(self.report.date) if self.report else None,
            "outstanding": self.outstanding,
            "late": self.late,
            "evidence": [e.as_dict() for e in (self.notice, self.report) if e is not None],
        }


@dataclass(slots=True)
class Assessment:
    """All assessed units of one period under one profile (读法), ranked."""

    period: Period
    profile: ProfileName
    as_of: datetime
    units: list[UnitScore]
    findings: list[Finding] = field(default_factory=list)
    rectification: list[RectificationCase] = field(default_factory=list)
    rectification_applies: bool = False  # the period is one for which rectification is owed

    def unit(self, unit_id: str) -> UnitScore:
        for u in self.units:
            if u.unit == unit_id:
                return u
        raise KeyError(unit_id)

    @property
    def unsettled(self) -> int:
        """Dispatches of the period whose outcome is not known yet (0: the assessment is final)."""
        return sum(u.unsettled for u in self.units)

    @property
    def final(self) -> bool:
        """Every dispatch of the period settled: the scores, ranks and grades are final, not 暂定."""
        return self.unsettled == 0

    def as_dict(self) -> dict:
        out = {
            "period": self.period.label,
            "profile": self.profile,
            "as_of": format_time(self.as_of),
            "final": self.final,
            "unsettled": self.unsettled,
            "units": [u.as_dict() for u in self.units],
        }
        if self.rectification_applies:
            out["rectification"] = [c.as_dict() for c in self.rectification]
        return out
