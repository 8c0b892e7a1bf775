"""``hotline status``: one row per dispatch, as of a given time."""

from __future__ import annotations

import click

from hotline.cli.common import (
    as_of_option,
    echo_json,
    hold,
    load_records,
    no_cache_option,
    require_rules,
    resolve_as_of,
    root_option,
    simple_table,
    unit_id,
)
from hotline.lifecycle.status import flag_word, status_text
from hotline.times import format_date, format_time

HEADERS = ["工单编号", "承办单位", "主办/会办", "派单时间", "办理期限", "状态", "逾期"]


@click.command("status")
@root_option
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--unit", "unit_filter", default=None, help="只看某个单位（编号或名称，如 jincun 或 金村镇）")
@click.option("--open", "only_open", is_flag=True, help="只看未办结的派单（待接收、办理中、重办中；不含已并单的）")
@click.option("--overdue", "only_overdue", is_flag=True, help="只看逾期的派单")
@no_cache_option
def command(root, as_of, fmt, unit_filter, only_open, only_overdue, no_cache):
    """列出每个派单的办理状态、期限和是否逾期。"""
    repo = load_records(root, no_cache)
    require_rules(repo.context)
    unit_filter = unit_id(repo.units, unit_filter)
    when = resolve_as_of(as_of)
    rows: list = []
    states = repo.states(when)
    hold(states, rows)
    for state in states:
        for s in state.dispatches:
            if unit_filter and s.unit != unit_filter:
                continue
            if only_open and not s.open:
                continue
            if only_overdue and not s.overdue:
                continue
            rows.append(s)
    if fmt == "json":
        echo_json([s.row() for s in rows])
        return
    names = {u.id: u.name for u in repo.units.values()}
    table = [
        [
            s.order_id,
            names.get(s.unit, s.unit),
            s.role,
            format_time(s.dispatched_at),
            format_date(s.current_due) + ("*" if s.provisional else ""),
            status_text(s),
            flag_word(s),
        ]
        for s in rows
    ]
    hold(table)
    click.echo(simple_table(table, HEADERS))
    click.echo(
        f"\n截至 {when:%Y-%m-%d %H:%M}，共 {len(rows)} 个派单，逾期未办结 {sum(s.overdue for s in rows)} 个，即将到期 {sum(s.due_soon for s in rows)} 个"
        + ("；* 为临时推算的期限" if any(s.provisional for s in rows) else "")
    )
