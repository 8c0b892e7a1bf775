"""Items 1–6 (组织建设): what a unit has in place, from its unit file; item 5 from Git history.

Items 1–4 and 6 earn their maximum when every field the rules name under the unit's ``hotline`` is filled
in (a non-empty text or list, ``true``, a leader with a name), else 0; formulas and evidence name each field as
people say it (热线工作办理机构, ``models.setup_field_name``), the evidence with its key for whoever edits the file. Item 5 (变动情况及时上报): each
change of the unit whose ``effective`` date falls in the period must have been committed within
``history.unit_change_report_days`` working days after it; one late change loses the item. An
assessment event for one of these items in the period (an inspection finding) also loses it.
"""

from __future__ import annotations

from hotline.records.models import ScoringEvent, Unit, setup_field_name
from hotline.records.rules import AssessmentRules, ChangeReportItem, SetupItem
from hotline.scoring.inputs import Collected, beijing, change_key
from hotline.scoring.numbers import ZERO, shown
from hotline.scoring.results import Evidence, ItemScore
from hotline.times import format_date, format_time
from hotline.workdays import end_of


def event_evidence(ev: ScoringEvent, reason: str | None = None) -> Evidence:
    return Evidence("event", f"{ev.path}:{ev.line}", ev.path, ev.line, reason or ev.note, ev.count, ev.date)


def _filled(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (str, list)):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


def missing_items(unit: Unit, a: AssessmentRules | None) -> list[tuple[int, str]]:
    """Items 1–4 and 6 the unit's file does not fill in as it is now: (number, what is missing as people say it,
    ``分管领导和具体承办人员``); none without assessment rules."""
    setup = unit.hotline
    return [
        (item.number, "和".join(setup_field_name(f) for f in item.requires))
        for item in (a.items if a is not None else [])
        if isinstance(item, SetupItem) and any(not _filled(getattr(setup, f)) for f in item.requires)
    ]


def _item_events(item_no: int, events: list[ScoringEvent]) -> list[Evidence]:
    return [event_evidence(ev) for ev in events if ev.item == item_no]


def unit_at_end(collected: Collected, unit: Unit) -> tuple[Unit, str | None, str | None]:
    """The unit file as it stood at the end of the period (or at ``as_of``, if earlier), from Git history;
    the file as it is now when there is no history. The note says which version counted; the common note says
    the same of every unit alike (without the unit's own commit), for a summary of all units."""
    versions = collected.inputs.unit_versions
    if versions is None:
        return unit, None, None
    when = min(end_of(collected.period.end), collected.as_of)
    # a period not over yet: "as the data stand" (the time itself is beside every figure: 截至 …, 数据截至 …), so the
    # text does not change with every build and a page whose figures did not change is not rendered again
    at = f" {format_date(collected.period.end)} 24:00 时" if when == end_of(collected.period.end) else "数据截至时"
    v = versions.at(unit.id, when)
    if v is None or v.unit is None:
        empty = Unit(id=unit.id, name=unit.name, type=unit.type)
        empty.locate(unit.path, unit.line)
        return empty, f"{at.strip()}单位文件尚未入库", None
    dated = v.unit
    dated.locate(unit.path, unit.line)
    dated.hotline.locate(unit.path, unit.hotline.line)
    return dated, f"按{at}的单位文件（提交 {v.sha[:9]}）计", f"按{at}的单位文件计（各单位所用的提交见 --explain）"


def setup_item(
    item: SetupItem, unit: Unit, events: list[ScoringEvent], note: str | None = None, common_note: str | None = None
) -> ItemScore:
    setup = unit.hotline
    path = unit.path
    line = setup.line or unit.line
    missing = [f for f in item.requires if not _filled(getattr(setup, f))]
    evidence = [
        Evidence(
            "unit",
            f"{path}:{line}",
            path,
            line,
            f"单位文件写明未配备{setup_field_name(f)}（hotline.{f}: false）"
            if getattr(setup, f) is False
            else f"单位文件未填写{setup_field_name(f)}（hotline.{f}）",
        )
        for f in missing
    ] + _item_events(item.number, events)
    points = ZERO if evidence else item.max
    fields = "、".join(setup_field_name(f) for f in item.requires)
    if missing:
        formula = f"单位文件未写明{'、'.join(setup_field_name(f) for f in missing)} → 0"
    elif evidence:
        formula = f"单位文件已写明{fields}，但期内检查发现不符 → 0"
    else:
        formula = f"单位文件已写明{fields} → {shown(item.max)}"
    return ItemScore.of(
        item,
        points=points,
        formula=formula,
        inputs={"requires": list(item.requires), "missing": missing},
        evidence=evidence,
        note=note,
        common_note=common_note,
    )


def change_report_item(
    item: ChangeReportItem, unit: Unit, collected: Collected, events: list[ScoringEvent]
) -> ItemScore:
    inputs, period, as_of = collected.inputs, collected.period, collected.as_of
    days = inputs.rules.history.unit_change_report_days
    changes = [c for c in unit.changes if c.effective in period and c.effective <= as_of.date()]
    commits = inputs.change_commits
    evidence = _item_events(item.number, events)
    rows: list[dict] = []
    note = None
    verified = commits is not None
    for c in changes:
        deadline = inputs.calendar.add_workdays(c.effective, days).day
        row: dict[str, str | None] = {
            "effective": format_date(c.effective),
            "deadline": format_date(deadline),
            "note": c.note,
        }
        ref = f"{c.path or unit.path}:{c.line or unit.line}"
        if commits is None:
            row["committed_at"] = None
            rows.append(row)
            continue
        committed = commits.get(change_key(unit.id, c))
        committed = beijing(committed) if committed is not None else None
        row["committed_at"] = format_time(committed) if committed else None
        late = None
        if committed is None and as_of >= end_of(deadline):
            late = f"{format_date(c.effective)} 的变动截至 {format_time(as_of)} 尚未提交（应在 {format_date(deadline)} 前上报）"
        elif committed is not None and committed >= end_of(deadline):
            late = f"{format_date(c.effective)} 的变动于 {format_time(committed)} 才提交，超过上报期限 {format_date(deadline)}"
        if late:
            evidence.append(Evidence("change", ref, c.path or unit.path, c.line or unit.line, late, 1, c.effective))
        rows.append(row)
    if evidence:
        points = ZERO
        formula = f"有变动未在 {days} 个工作日内上报 → 0"
    elif not changes:
        points, note = item.max, "期内无变动"
        formula = f"期内无变动 → {shown(item.max)}"
    elif not verified:
        points = item.max if item.unverifiable == "full" else ZERO
        note = "无法核对（无 Git 历史）"
        formula = f"期内有 {len(changes)} 条变动，无 Git 历史可核对提交时间 → {shown(points)}"
    else:
        points = item.max
        formula = f"期内 {len(changes)} 条变动均在 {days} 个工作日内上报 → {shown(item.max)}"
    return ItemScore.of(
        item,
        points=points,
        formula=formula,
        inputs={"days": days, "changes": rows, "verified": verified},
        evidence=evidence,
        note=note,
    )
