"""``hotline log ORDER_ID``: an order's timeline — declared time, commit, author and recorded time of each event.

The table names units and authors as people know them (金村镇, 王丽); ``--format json`` keeps the ids and accounts."""

from __future__ import annotations

import click

from hotline.cli.common import echo, echo_json, fail, order_hint, root_option
from hotline.git.commands import GitError
from hotline.history import reader as history
from hotline.history.timeline import rewrites_of, timeline
from hotline.load import load_context
from hotline.records import paths
from hotline.times import format_time

HEADERS = ["序号", "事件", "单位", "事件时间", "提交", "作者", "入库时间", "说明"]


@click.command("log")
@root_option
@click.argument("order_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(root, order_id, fmt):
    """显示一件工单的时间线：每个事件的事件时间、提交、作者和入库时间。"""
    if not paths.is_order_id(order_id):
        fail(f"工单编号只能由字母、数字和 - 组成，不是“{order_id[:40]}”", 1)
    path = paths.find_order(root, order_id)
    if path is None:
        fail(f"找不到工单 {order_id}：orders/ 下没有 {order_id}.yaml" + order_hint(root, order_id), 1)
    try:
        hist = history.read(root)
    except GitError as err:
        fail(f"无法读取 Git 历史：{err}", 1)
    if hist is None:
        fail(f"{root} 不在 Git 仓库中：没有提交记录可以对照", 1)
    ctx = load_context(root)
    entries = timeline(hist, ctx, path)
    names = {u.id: u.name for u in ctx.units.values()}
    if fmt == "json":
        echo_json([e.as_dict() for e in entries])
        return
    from tabulate import tabulate  # only the table needs it

    rows = []
    for e in entries:
        notes = []
        if e.late:
            notes.append("补录过晚")
        if e.future:
            notes.append("事件时间晚于提交")
        if e.rewritten:
            notes.append("改写过")
        if e.unknown:
            notes.append("浅克隆之前入库")
        c = e.commit
        rows.append(
            [
                e.index,
                e.type or "",
                names.get(e.unit, e.unit) if e.unit else "",
                e.at or "",
                c.short if c else ("" if e.unknown else "未提交"),
                (c.author or c.account) if c else "",
                format_time(c.committed_at) if c else "",
                "、".join(notes),
            ]
        )
    echo(f"工单 {order_id}（{path}）")
    echo(tabulate(rows, headers=HEADERS, tablefmt="simple"))
    for r in rewrites_of(hist, path):
        c = hist.commits[r.commit]
        change = f"改为“{r.new_text}”" if r.new_text else "删除"
        echo(
            f"改写：{format_time(c.committed_at)} {c.author or c.account}（提交 {c.short}）把第 {r.index + 1} 条事件“{r.old_text}”{change}"
        )
    if hist.shallow:
        echo("注意：这是浅克隆，较早的提交不在本地，部分事件无法核对入库时间")
