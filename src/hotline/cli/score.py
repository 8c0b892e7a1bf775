"""``hotline score``: the assessment of a period (考核得分) as a ranked table, JSON or CSV, and
``--explain UNIT``: one unit's items with formula, inputs and evidence."""

from __future__ import annotations

import csv
import gc
import io
import sys
from datetime import datetime
from pathlib import Path
from typing import cast

import click

from hotline.cli.common import (
    as_of_option,
    echo_json,
    fail,
    hold,
    load_records,
    no_cache_option,
    require_rules,
    resolve_as_of,
    root_option,
    uncached,
    unit_id,
)
from hotline.findings import Finding, count, text_line
from hotline.records.rules import PROFILES, AssessmentRules, RateItem
from hotline.reports.sources import read_unit_versions, scoring_history
from hotline.scoring import (
    Assessment,
    ScoringInputs,
    UnitScore,
    compare_profiles,
    parse_period,
    score_units,
    shown,
)
from hotline.scoring.period import Period
from hotline.scoring.results import Evidence, ItemScore


def _period(ctx: click.Context, param: click.Parameter, value: str) -> Period:
    try:
        return parse_period(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


def _warn(findings: list[Finding], repo_findings: list[Finding]) -> None:
    errors = count(repo_findings)["error"]
    if errors:
        click.echo(
            f"注意：记录中有 {errors} 个错误，有问题的记录未计入考核，结果可能不完整；请运行 hotline check 查看",
            err=True,
        )
    for f in findings:
        click.echo(text_line(f), err=True)


def _groups(result: Assessment) -> list[tuple[str, list[int]]]:
    """Table columns: each rate item on its own, runs of other items as one subtotal column."""
    items = result.units[0].items if result.units else {}
    out: list[tuple[str, list[int]]] = []
    run: list[int] = []
    for no, it in items.items():
        if it.kind == "rate":
            if run:
                out.append((f"第{run[0]}–{run[-1]}项", run))
                run = []
            out.append((it.name, [no]))
        else:
            run.append(no)
    if run:
        out.append((f"第{run[0]}–{run[-1]}项", run))
    return out


def _grade(u: UnitScore) -> str:
    grade = f"{u.grade}（否决）" if u.veto else u.grade
    return f"{grade}（暂定）" if u.unsettled else grade


def _day(e: Evidence | None) -> str:
    return e.date.isoformat() if e is not None and e.date is not None else ""


WIDTH = 100  # the table and its text fit a terminal this wide; --wide shows every item's column


def wrap(text: str, width: int = WIDTH) -> str:
    """``text`` broken into lines of at most ``width`` terminal columns (a Chinese character takes two)."""
    from wcwidth import wcwidth

    lines, line, used = [], "", 0
    for ch in text:
        w = max(wcwidth(ch), 0)
        if used + w > width:
            lines.append(line)
            line, used = "", 0
        line, used = line + ch, used + w
    return "\n".join([*lines, line])


def _table(result: Assessment, rules: AssessmentRules, wide: bool = False) -> str:
    from tabulate import tabulate  # only the table needs it (not JSON or CSV)

    profile_name = rules.profiles[result.profile].name
    groups = _groups(result) if wide else []
    headers = ["名次", "单位", "转办件数"] + [g for g, _ in groups] + ["基础分", "加分", "总分", "等次"]
    rows = []
    for u in result.units:
        cells = [shown(sum((u.items[n].points for n in nos), start=u.items[nos[0]].points * 0)) for _, nos in groups]
        rows.append([u.rank, u.name, u.dispatched, *cells, shown(u.base), shown(u.bonus), shown(u.total), _grade(u)])
    p = result.period
    lines = [
        f"{p.title}热线工作考核得分",
        f"考核期 {p.start.isoformat()} 至 {p.end.isoformat()}；读法：{profile_name}；截至 {result.as_of:%Y-%m-%d %H:%M}",
        "",
        tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True),
        "",
    ]
    tables = {3}  # the tables' lines are as wide as their columns; the text around them is wrapped
    if not wide:
        lines.append("各项得分：hotline score --wide（全部列）或 --explain 单位（逐项公式和依据）")
    if not result.final:
        lines.append(
            f"暂定：本期尚有 {result.unsettled} 件派单的办理结果未确定，比率项按结果已确定的派单计算，"
            "得分、等次和名次在全部确定后才是最终结果；整改只按最终等次。"
        )
    lines += _note_lines(result)
    contradictions = [it for it in (result.units[0].items.values() if result.units else []) if it.contradiction]
    for it in contradictions:
        lines.append(f"第{it.no}项（{it.name}）：通知自相矛盾——{it.contradiction}")
    if contradictions:
        lines.append("两种读法的差别见 hotline score --explain 单位编号 --period " + p.label)
    if result.rectification_applies:
        r = rules.rectification
        lines += ["", f"整改情况（{'、'.join(r.grades)}等次须在接到通报后 {r.days} 个工作日内报送书面整改报告）："]
        if result.rectification:
            rect = [
                [c.name, c.grade, c.status, _day(c.notice), c.due.isoformat() if c.due else "", _day(c.report)]
                for c in result.rectification
            ]
            tables.add(len(lines))
            lines.append(
                tabulate(rect, headers=["单位", "等次", "状态", "通报日期", "报送期限", "报送日期"], tablefmt="simple")
            )
        else:
            lines.append("无")
    return "\n".join(line if i in tables or wide else wrap(line) for i, line in enumerate(lines))


def _note_lines(result: Assessment) -> list[str]:
    """One line per note and the items it is on (``第1、2、3、4、6项：25 个单位按…计``); a note naming each unit's own
    commit is summed up by its common note (the commits: ``--explain``)."""
    items: dict[tuple[str, int], list[int]] = {}
    for no in result.units[0].items if result.units else []:
        said = [u.items[no].common_note or u.items[no].note for u in result.units]
        for note in sorted({n for n in said if n}):
            items.setdefault((note, said.count(note)), []).append(no)
    return [f"第{'、'.join(map(str, nos))}项：{who} 个单位{note}" for (note, who), nos in items.items()]


def _csv(result: Assessment) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    numbers = list(result.units[0].items) if result.units else []
    w.writerow(
        ["名次", "单位编号", "单位", "转办件数"]
        + [f"第{n}项" for n in numbers]
        + ["基础分", "加分", "总分", "等次", "否决"]
    )
    for u in result.units:
        w.writerow(
            [u.rank, u.unit, u.name, u.dispatched]
            + [shown(u.items[n].points) for n in numbers]
            + [shown(u.base), shown(u.bonus), shown(u.total), u.grade, "是" if u.veto else "否"]
        )
    return "\ufeff" + buf.getvalue()  # with a BOM, so that Excel opens the Chinese text as UTF-8


def _item_lines(it: ItemScore, other: ItemScore | None, other_name: str, numerators: dict[int, str]) -> list[str]:
    line = f"第{it.no}项 {it.name}  {shown(it.points)}/{shown(it.max)}  {it.formula}"
    if it.note:
        line += f"（{it.note}）"
    out = [line]
    if it.kind == "rate":
        i = it.inputs
        out.append(f"    数据：{numerators[it.no]} {i['numerator']}，已确定件数 {i['denominator']}")
        out.append(f"    印发公式：{it.printed}")
        if it.contradiction:
            out.append(f"    矛盾：{it.contradiction}")
        if other is not None and other.points != it.points:
            diff = other.points - it.points
            out.append(
                f"    {other_name}：{other.formula}，得 {shown(other.points)}（相差 {'+' if diff > 0 else ''}{shown(diff)}）"
            )
    if it.kind == "deduction":
        i = it.inputs
        out.append(
            f"    数据：发现 {i['occurrences']} 次（考核事件 {i['from_events']}，工单 {i['from_orders']}），"
            f"每次扣 {i['per']} 分，最多扣 {i['cap']} 分，实扣 {i['deducted']} 分"
        )
    if it.kind == "change_report":
        # scoring.setup.change_report_item puts the rows of the period's changes under "changes"
        for ch in cast(list[dict], it.inputs["changes"]):
            committed = ch["committed_at"] or ("无 Git 历史" if not it.inputs["verified"] else "尚未提交")
            out.append(
                f"    数据：{ch['effective']} 生效（{ch['note']}），应于 {ch['deadline']} 前上报，提交时间 {committed}"
            )
    for e in it.evidence:
        where = (
            e.ref
            if e.kind == "order" and e.ref == e.path
            else (f"{e.ref}（{e.path}:{e.line}）" if e.kind == "order" else e.ref)
        )
        times = f" ×{e.count}" if e.count != 1 else ""
        day = f" {e.date.isoformat()}" if e.date and e.kind == "event" else ""
        out.append(f"    依据：{where}{day}{times} {e.reason}")
    return out


def _explain(result: Assessment, other: Assessment, rules: AssessmentRules, unit_id: str) -> str:
    profiles = rules.profiles
    u = result.unit(unit_id)
    o = other.unit(unit_id)
    p = result.period
    lines = [
        f"{u.name}（{u.unit}）{p.title}考核得分明细（读法：{profiles[result.profile].name}，截至 {result.as_of:%Y-%m-%d %H:%M}）",
        f"转办总件数：{u.dispatched}（各比率项只计其中结果已确定的派单：已确定件数）",
    ]
    numerators = {i.number: i.numerator for i in rules.items if isinstance(i, RateItem)}
    for no, it in u.items.items():
        lines += _item_lines(it, o.items[no], f"按另一读法（{profiles[other.profile].name}）", numerators)
    lines.append(f"基础分：{shown(u.base)}")
    bonus_line = f"加分：{shown(u.bonus)}"
    if u.bonus_claimed > u.bonus:
        bonus_line += f"（合计 {shown(u.bonus_claimed)}，以上限计）"
    lines.append(bonus_line)
    lines += [f"    依据：{e.ref} {e.date.isoformat() if e.date else ''} {e.reason}" for e in u.bonus_evidence]
    lines.append(f"总分：{shown(u.total)}  等次：{_grade(u)}  名次：{u.rank}")
    lines += [f"    否决依据：{e.ref} {e.date.isoformat() if e.date else ''} {e.reason}" for e in u.veto_evidence]
    if o.total != u.total or o.grade != u.grade:
        lines.append(f"按另一读法（{profiles[other.profile].name}）：总分 {shown(o.total)}，等次 {_grade(o)}")
    return "\n".join(lines)


def _explain_json(result: Assessment, unit_id: str) -> dict:
    u = result.unit(unit_id)
    d = u.as_dict()
    d["detail"] = {
        str(no): it.as_dict()
        | {"evidence": [e.as_dict() for e in it.evidence], "printed": it.printed, "contradiction": it.contradiction}
        for no, it in u.items.items()
    }
    return {
        "period": result.period.label,
        "profile": result.profile,
        "as_of": f"{result.as_of:%Y-%m-%d %H:%M}",
        "unit": d,
    }


@click.command("score")
@root_option
@click.option(
    "--period", required=True, callback=_period, help="考核期：2026-11、2026-Q4、2026 或 2026-01-01..2026-06-30"
)
@click.option(
    "--profile",
    type=click.Choice(list(PROFILES)),
    default=None,
    help="读法（缺省为 scoring/rules.yaml 的 default_profile）",
)
@click.option("--unit", "unit_filter", default=None, help="只看某个单位（编号或名称）")
@click.option("--explain", "explain_unit", default=None, metavar="单位编号", help="逐项列出该单位的公式、数据和依据")
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--wide", is_flag=True, help="表格列出各项得分（较宽）；缺省只列总分和等次，宽度不超过 100 列")
@no_cache_option
def command(root, period, profile, unit_filter, explain_unit, as_of, fmt, wide, no_cache):
    """按泽政办发〔2020〕29号 §三 计算各承办单位的考核得分、加分、否决和等次。"""
    with uncached(no_cache):
        _score(root, period, profile, unit_filter, explain_unit, as_of, fmt, wide)


def _score(
    root: Path,
    period: Period,
    profile: str | None,
    unit_filter: str | None,
    explain_unit: str | None,
    as_of: datetime | None,
    fmt: str,
    wide: bool = False,
) -> None:
    repo = load_records(root)
    gc.freeze()  # the loaded records live until exit: keep the cyclic GC from re-scanning them while scoring
    require_rules(repo.context)
    rules = repo.rules
    if rules.assessment is None:
        fail("scoring/rules.yaml 中没有 assessment（考核细则）部分，无法计算考核得分", 1)
    a = rules.assessment
    when = resolve_as_of(as_of)
    unit_filter, explain_unit = unit_id(repo.units, unit_filter), unit_id(repo.units, explain_unit, "--explain")
    for wanted in (unit_filter, explain_unit):
        if wanted is None:
            continue
        unit = repo.units[wanted]  # unit_id only returns ids of repo.units
        if unit.type not in a.unit_types:
            fail(f"单位 {wanted}（{unit.name}）不在考核范围（assessment.unit_types：{'、'.join(a.unit_types)}）", 2)
    commits, orders = scoring_history(root, repo, period)
    inputs = ScoringInputs.from_repository(repo, commits, orders)
    inputs.unit_versions = read_unit_versions(root)
    hold(inputs, orders)
    profile = profile or a.default_profile
    if explain_unit:
        both = compare_profiles(inputs, period, as_of=when)  # every unit, so that the rank is the real one
        result = both.assessments[profile]
        other = next(x for p, x in both.assessments.items() if p != profile)
        _warn(result.findings, repo.findings)
        if fmt == "json":
            echo_json(_explain_json(result, explain_unit))
        else:
            click.echo(_explain(result, other, a, explain_unit))
        return
    result = score_units(inputs, period, profile, as_of=when)
    hold(result)
    _warn(result.findings, repo.findings)
    if unit_filter:  # ranked among all units, shown alone
        result.units = [u for u in result.units if u.unit == unit_filter]
        result.rectification = [c for c in result.rectification if c.unit == unit_filter]
    if fmt == "json":
        echo_json(result.as_dict())
    elif fmt == "csv":
        sys.stdout.write(_csv(result))
    else:
        click.echo(_table(result, a, wide))
