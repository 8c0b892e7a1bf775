"""``hotline repeats``: suggested repeated demands (重复诉求) of a period; ``--merge`` records the
office's 并单 event that merges one into an earlier order."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

import click

from hotline.cli.common import (
    EventTime,
    as_of_option,
    echo_json,
    fail,
    order_hint,
    require_rules,
    resolve_as_of,
    root_option,
)
from hotline.entry.order_edit import Refused, add_event
from hotline.git import commands as gitcmd
from hotline.git import identity
from hotline.load import load, load_context
from hotline.office.repeats import suggest
from hotline.records.paths import find_order
from hotline.reports.hot_topics import Vocabulary, unit_words
from hotline.scoring.period import Period, parse_period
from hotline.workdays import end_of


def _period(ctx: click.Context, param: click.Parameter, value: str | None) -> Period | None:
    if value is None:
        return None
    try:
        return parse_period(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


@click.command("repeats")
@root_option
@click.option("--period", callback=_period, help="考核期，如 2026-11：列出其中收到的工单涉及的重复诉求")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--merge", "merge_id", metavar="工单编号", help="把这件工单并入 --into 所指的工单（记录一条并单事件）")
@click.option("--into", "into_id", metavar="工单编号", help="并入的（较早的）工单")
@click.option("--by", default="县热线办", show_default=True, help="并单人")
@click.option("--at", type=EventTime(), help='并单时间 "YYYY-MM-DD HH:MM"（默认现在）')
@click.option("--commit", "do_commit", is_flag=True, help="并单后提交")
@as_of_option
def command(root, period, fmt, merge_id, into_id, by, at, do_commit, as_of):
    """提示重复诉求（同一诉求人、同一地点、同一事项），或用 --merge … --into … 并单。"""
    if merge_id or into_id:
        _merge(root, merge_id, into_id, by, at, do_commit, as_of)
        return
    if period is None:
        raise click.UsageError("请给出 --period（如 2026-11），或用 --merge 工单编号 --into 工单编号 并单")
    repo = load(root)
    require_rules(repo.context)
    start, end = datetime.combine(period.start, time(0, 0)), end_of(period.end)
    names = unit_words(repo.units.values())
    groups = suggest(repo.orders, repo.rules.office, start, end, names, vocabulary=Vocabulary.of(repo.rules.reports))
    if fmt == "json":
        echo_json([g.as_dict() for g in groups])
        return
    for g in groups:
        click.echo(f"{'、'.join(g.ids)}：{g.why}")
    click.echo(
        f"{period.title}共 {len(groups)} 组疑似重复诉求；确认后用 hotline repeats --merge 较晚的工单 --into 较早的工单 并单",
        err=True,
    )


def _merge(
    root: Path,
    merge_id: str | None,
    into_id: str | None,
    by: str,
    at: datetime | None,
    do_commit: bool,
    as_of: datetime | None,
) -> None:
    if not (merge_id and into_id):
        raise click.UsageError("并单需要同时给出 --merge 和 --into")
    path = find_order(root, merge_id)
    if path is None:
        fail(f"找不到工单 {merge_id}：orders/ 下没有 {merge_id}.yaml" + order_hint(root, merge_id), 1)
    if do_commit:
        try:
            identity.require(root)
        except gitcmd.GitError as e:
            fail(f"未写入任何内容：{e}", 1)
    now = resolve_as_of(as_of)  # the merge rule (into an earlier order, not merged itself…): checks.merges
    try:
        add_event(load_context(root), root / path, "并单", {"into": into_id, "by": by}, at or now, now)
    except Refused as e:
        fail("未写入任何内容：" + "；".join(e.problems), 1)
    message = f"{merge_id}: 并单 → {into_id}"
    click.echo(f"已并单：{merge_id} 并入 {into_id}")
    if do_commit:
        try:
            sha = identity.commit(root, [path], message)
        except gitcmd.GitError as e:
            fail(f"已写入文件，但提交失败：{e}", 1)
        click.echo(f"已提交 {sha[:9]}：{message}")
