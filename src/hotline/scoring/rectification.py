"""Rectification (整改, §三(四)): units graded 一般 or 较差 in an annual assessment owe a written report
within ``rectification.days`` working days of being notified (接到通报后 10 个工作日内).

Both steps are assessment events naming the assessment period: ``item: 整改通知`` (the date the unit was
notified) and ``item: 整改报告`` (the date its report arrived). A unit owes a report when its computed
grade is final (no unsettled dispatch, ``lifecycle.settlement``) and one of ``rectification.grades``, or
when a notice was recorded for it. Status:
待通报 (no notice yet), 未报送 (notified, within the time), 逾期未报送, 已按时报送, 逾期报送.
The notice day is not counted; a report on the due date is on time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from hotline.records.models import ScoringEvent
from hotline.records.rules import AssessmentRules
from hotline.scoring.period import Period
from hotline.scoring.results import RectificationCase, UnitScore
from hotline.scoring.setup import event_evidence
from hotline.workdays import WorkCalendar, end_of

NOTICE, REPORT = "整改通知", "整改报告"


def applies(period: Period, a: AssessmentRules) -> bool:
    return a.rectification.period == "any" or period.kind == a.rectification.period


def rectification_cases(
    units: Sequence[UnitScore],
    period: Period,
    events: Sequence[ScoringEvent],
    calendar: WorkCalendar,
    a: AssessmentRules,
    as_of: datetime,
) -> list[RectificationCase]:
    first: dict[tuple[str, str], ScoringEvent] = {}
    for ev in sorted(events, key=lambda e: e.date):
        if ev.item in (NOTICE, REPORT) and ev.period == period.label and ev.date <= as_of.date():
            first.setdefault((ev.unit, ev.item), ev)
    owing = set(a.rectification.grades)
    cases = []
    for u in units:
        notice, report = first.get((u.unit, NOTICE)), first.get((u.unit, REPORT))
        if (u.grade not in owing or u.unsettled) and notice is None:
            continue  # a provisional (暂定) grade owes nothing yet
        case = RectificationCase(u.unit, u.name, u.grade, "待通报", outstanding=report is None)
        if report is not None:
            case.report = event_evidence(report, f"{REPORT}：{report.note}")
        if notice is None:
            if report is not None:
                case.status = "已报送"
            cases.append(case)
            continue
        case.notice = event_evidence(notice, f"{NOTICE}：{notice.note}")
        case.due = calendar.add_workdays(notice.date, a.rectification.days).day
        if report is not None:
            case.late = report.date > case.due
            case.status = "逾期报送" if case.late else "已按时报送"
        else:
            case.late = as_of >= end_of(case.due)
            case.status = "逾期未报送" if case.late else "未报送"
        cases.append(case)
    return cases
