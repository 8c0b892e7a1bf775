"""``hotline order new`` / ``hotline order add``: staff record orders and events from a terminal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import get_args

import click

from hotline.cli.common import EventTime, as_of_option, echo, fail, order_hint, resolve_as_of, root_option
from hotline.entry.order_edit import Refused, add_event, edit_lock, new_order
from hotline.git import commands as gitcmd
from hotline.git import identity
from hotline.load import load_context
from hotline.records.models import Category
from hotline.records.paths import find_order, is_order_id
from hotline.records.unit_names import resolve_unit

CATEGORIES = list(get_args(Category))


@click.group("order")
def command() -> None:
    """录入工单和事件（写入前按办理流程核对；--commit 同时提交）。"""


def _refused(e: Refused) -> None:
    click.echo("未写入任何内容：", err=True)
    for p in e.problems:
        echo(f"  - {p}", err=True)
    sys.exit(1)


def _can_commit(root: Path) -> None:
    """Stop before writing when the commit asked for (--commit) would have no identity (``git.identity``)."""
    try:
        identity.require(root)
    except gitcmd.GitError as e:
        fail(f"未写入任何内容：{e}", 1)


def _commit(root: Path, paths: list[str], message: str) -> None:
    try:
        sha = identity.commit(root, paths, message)
    except gitcmd.GitError as e:
        fail(f"已写入文件，但提交失败：{e}", 1)
    click.echo(f"已提交 {sha[:9]}：{message}")


@command.command("new")
@root_option
@click.option("--id", "order_id", required=True, help="市平台工单编号")
@click.option("--title", required=True, help="标题")
@click.option("--category", type=click.Choice(CATEGORIES), required=True, help="诉求类别")
@click.option("--received", type=EventTime(), required=True, help='县热线收到的时间 "YYYY-MM-DD HH:MM"')
@click.option("--content", required=True, help="诉求内容")
@click.option("--name", "citizen_name", help="诉求人姓名（只保存脱敏形式，如 张**）")
@click.option("--phone", "citizen_phone", help="联系电话（只保存脱敏形式，如 138****1234）")
@click.option("--address", help="地址")
@click.option("--tag", "tags", multiple=True, help="标签（可重复）")
@click.option("--emergency", is_flag=True, help="突发类事项（不得延期）")
@click.option("--dispatch", "lead", help="同时派单给此单位（主办；编号或名称）")
@click.option("--co", "co_units", multiple=True, help="会办单位（编号或名称；可重复，需同时给出 --dispatch）")
@click.option("--at", type=EventTime(), help='派单时间 "YYYY-MM-DD HH:MM"（默认现在）')
@click.option("--by", default="县热线办", show_default=True, help="派单人")
@click.option("--commit", "do_commit", is_flag=True, help="写入后提交（一次提交）")
@as_of_option
def new(
    root,
    order_id,
    title,
    category,
    received,
    content,
    citizen_name,
    citizen_phone,
    address,
    tags,
    emergency,
    lead,
    co_units,
    at,
    by,
    do_commit,
    as_of,
):
    """新建一件工单（可同时派单）。"""
    if co_units and not lead:
        raise click.UsageError("给出 --co 时必须同时给出 --dispatch（主办单位）")
    if do_commit:
        _can_commit(root)
    ctx = load_context(root)
    # a unit's name is accepted where its id is; an unknown one is refused below, with the nearest ids
    lead = resolve_unit(ctx.units, lead) or lead if lead else None
    co_units = tuple(resolve_unit(ctx.units, u) or u for u in co_units)
    fields = {
        "id": order_id,
        "title": title,
        "category": category,
        "emergency": emergency,
        "received_at": received,
        "citizen_name": citizen_name,
        "citizen_phone": citizen_phone,
        "address": address,
        "content": content,
        "tags": list(tags),
    }
    dispatches = ([(lead, "主办")] if lead else []) + [(u, "会办") for u in co_units]
    try:
        result = new_order(ctx, fields, dispatches, at, by, resolve_as_of(as_of))
    except Refused as e:
        _refused(e)
    click.echo(f"已新建 {result.path}")
    if do_commit:
        units = "、".join(u for u, _ in dispatches)
        _commit(root, [result.path], f"{order_id}: 新建工单" + (f"，派单 {units}" if units else ""))


@command.command("add")
@root_option
@click.argument("order_id")
@click.argument("event_type", metavar="TYPE")
@click.argument("pairs", nargs=-1, metavar="[字段=值]...")
@click.option("--at", type=EventTime(), help='事件时间 "YYYY-MM-DD HH:MM"（默认现在）')
@click.option("--commit", "do_commit", is_flag=True, help="写入后提交，提交说明如 “JC2026112000123: 接收 jincun”")
@as_of_option
def add(root, order_id, event_type, pairs, at, do_commit, as_of):
    """向工单追加一个事件，例如：hotline order add JC2026112000123 接收 unit=jincun by=王丽 office=社会事务办

    事件时间用 --at 或 at=… 给出，默认为现在。"""
    fields = {}
    for p in pairs:
        if "=" not in p:
            raise click.UsageError(f"“{p}”应写成 字段=值，如 unit=jincun")
        k, v = p.split("=", 1)
        fields[k.strip()] = v.strip()
    if "at" in fields:  # at=… is accepted as well as --at
        if at is not None:
            raise click.UsageError("事件时间请只给一次：--at 或 at=…")
        value = fields.pop("at")
        try:
            at = EventTime().convert(value, None, None)
        except click.BadParameter as e:
            raise click.UsageError(f"at={value}：{e.message}") from None
    if not is_order_id(order_id):
        fail(f"工单编号只能由字母、数字和 - 组成，不是“{order_id[:40]}”", 1)
    path = find_order(root, order_id)
    if path is None:
        fail(f"找不到工单 {order_id}：orders/ 下没有 {order_id}.yaml" + order_hint(root, order_id), 1)
    if do_commit:
        _can_commit(root)
    now = resolve_as_of(as_of)
    ctx = load_context(root)
    with edit_lock(root):  # append and commit as one step: another add waits (add_event re-checks under it)
        try:
            result = add_event(ctx, root / path, event_type, fields, at or now, now)
        except Refused as e:
            _refused(e)
        for w in result.warnings:
            click.echo(f"注意：{w}", err=True)
        unit = result.event.get("unit")
        click.echo(f"已追加到 {path}：{event_type}" + (f" {unit}" if unit else ""))
        if do_commit:
            _commit(root, [path], f"{order_id}: {event_type}" + (f" {unit}" if unit else ""))
