"""``hotline deadline``: the due date for a receipt time and a category or a number of working days."""

from __future__ import annotations

from typing import get_args

import click

from hotline.cli.common import EventTime, echo_json, fail, root_option
from hotline.load import load_context
from hotline.records.models import Category

CATEGORIES = list(get_args(Category))


@click.command("deadline")
@root_option
@click.option("--received", type=EventTime(), required=True, help='收到时间 "YYYY-MM-DD HH:MM"')
@click.option("--category", type=click.Choice(CATEGORIES), help="诉求类别（时限取自 scoring/rules.yaml）")
@click.option("--days", type=click.IntRange(0, 365), help="工作日数")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(root, received, category, days, fmt):
    """计算办理期限：收到之日不计，自次日起第 N 个工作日结束时届满。"""
    if (category is None) == (days is None):
        raise click.UsageError("请指定 --category 或 --days 其中之一")
    ctx = load_context(root)
    if category is not None:
        if ctx.rules is None:
            fail("无法读取 scoring/rules.yaml，不能按类别确定时限；可改用 --days", 1)
        days = ctx.rules.deadlines.limits[category]
    due = ctx.calendar.due(received, days)
    if fmt == "json":
        echo_json({"due": due.day.isoformat(), "provisional": due.provisional})
        return
    note = "（临时推算：该年份没有节假日数据，只按周末计算）" if due.provisional else ""
    click.echo(f"{due.day.isoformat()}{note}")
