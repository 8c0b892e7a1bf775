"""``hotline spot-check draw`` / ``record``: the office's random spot checks (随机抽查, §三(三))."""

from __future__ import annotations

from pathlib import Path

import click

from hotline.cli.common import as_of_option, echo_json, fail, require_rules, resolve_as_of, root_option, unit_id
from hotline.load import load
from hotline.office.spot_check import checklist_events, draw
from hotline.records.spot_checklist import checklist_path, read_checklist, render_checklist
from hotline.records.writer import flow_mapping
from hotline.scoring.period import Period, parse_period
from hotline.util.atomic import write_text


def _period(ctx: click.Context, param: click.Parameter, value: str) -> Period:
    try:
        return parse_period(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


@click.group("spot-check")
def command() -> None:
    """随机抽查（§三(三)）：抽取已答复的工单生成抽查清单，填写后生成考核第 12、13 项的考核事件。"""


@command.command("draw")
@root_option
@click.option("--period", required=True, callback=_period, help="考核期，如 2026-11")
@click.option(
    "--per-unit",
    type=click.IntRange(1, 100),
    default=None,
    help="每个单位抽取的件数（默认见 rules.yaml 的 spot_checks.per_unit）",
)
@click.option("--seed", type=int, required=True, help="随机种子：相同的考核期、件数和种子抽到相同的工单")
@click.option("--unit", "units", multiple=True, help="只抽这些单位（编号或名称，可重复）")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--force", is_flag=True, help="覆盖已有的抽查清单")
@as_of_option
def draw_command(root, period, per_unit, seed, units, fmt, force, as_of):
    """抽取样本，写入 scoring/spotchecks/<考核期>.yaml 供填写。"""
    repo = load(root)
    require_rules(repo.context)
    per_unit = per_unit or repo.rules.spot_checks.per_unit
    only = [unit_id(repo.units, u) for u in units]
    drawn = draw(repo.orders, repo.units, repo.rules, repo.calendar, period, per_unit, seed, resolve_as_of(as_of), only)
    rel = checklist_path(period.label)
    target = Path(root) / rel
    if target.exists() and not force:
        fail(f"{rel.as_posix()} 已存在（可能已填写）：如需重新抽取，请加 --force", 1)
    cmd = f"hotline spot-check draw --period {period.label} --per-unit {per_unit} --seed {seed}"
    write_text(target, render_checklist(period.label, seed, per_unit, drawn, cmd))
    if fmt == "json":
        echo_json(drawn)
        return
    names = {u.id: u.short_name or u.name for u in repo.units.values()}
    for d in drawn:
        click.echo(f"{names.get(d['unit'], d['unit'])}\t{d['id']}")
    click.echo(
        f"已抽取 {len(drawn)} 件，写入 {rel.as_posix()}：请逐件填写后运行 hotline spot-check record --period {period.label}",
        err=True,
    )


@command.command("record")
@root_option
@click.option("--period", required=True, callback=_period, help="考核期，如 2026-11")
def record_command(root, period):
    """把填写好的抽查清单转为考核事件（scoring/events/<年>/spotcheck-<考核期>.yaml），计入所抽查的考核期。"""
    ctx = load(root).context
    rules = require_rules(ctx)
    rel = checklist_path(period.label).as_posix()
    if not (Path(root) / rel).exists():
        fail(f"找不到抽查清单 {rel}：请先运行 hotline spot-check draw --period {period.label}", 1)
    lst, findings = read_checklist(Path(root), rel)
    errors = [f for f in findings if f.severity == "error"]
    if lst is None or errors:
        fail("抽查清单有错误，未生成考核事件：\n" + "\n".join(f"{f.path}:{f.line}: {f.message}" for f in errors), 1)
    try:
        events, unchecked = checklist_events(lst, rules, ctx.units)
    except ValueError as e:
        fail(str(e), 1)
    out = Path("scoring") / "events" / f"{period.end:%Y}" / f"spotcheck-{period.label}.yaml"
    header = f"# 由 hotline spot-check record --period {period.label} 根据 {rel} 生成；请勿手工修改，改清单后重新生成\n"
    body = (
        "".join(f"- {flow_mapping(e, ('date', 'unit', 'item', 'count', 'note', 'evidence'))}\n" for e in events)
        or "[]\n"
    )
    write_text(Path(root) / out, header + body)
    total = sum(e["count"] for e in events)
    click.echo(
        f"已写入 {out.as_posix()}：{len(events)} 条考核事件，共 {total} 次"
        + (f"；另有 {unchecked} 件尚未填写" if unchecked else "")
    )
