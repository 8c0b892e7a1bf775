"""``hotline overdue list|sync``: due-soon and overdue dispatches, and their issues on the Git host."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from typing import TYPE_CHECKING

import click

from hotline.cli.common import (
    as_of_option,
    echo,
    echo_json,
    fail,
    host_options,
    load_records,
    no_cache_option,
    require_rules,
    resolve_as_of,
    root_option,
    unit_id,
)
from hotline.host.reminders import reminders
from hotline.load import load

if TYPE_CHECKING:  # the host modules load only when the command talks to the host
    from hotline.host.chat_message import Message
    from hotline.host.chat_notify import Outcome
    from hotline.host.chat_send import ChatSender
    from hotline.records.rules import ChatChannel, Rules

HEADERS = ["工单编号", "承办单位", "主办/会办", "办理期限", "提醒", "状态", "维护人"]


@click.group("overdue")
def command() -> None:
    """即将到期和逾期的工单：列出，或同步为代码托管平台上的议题（issue）。"""


@command.command("list")
@root_option
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--unit", "unit_filter", default=None, help="只看某个单位（编号、全称、简称或名称的开头，如 金村）")
@no_cache_option
def list_command(root, as_of, fmt, unit_filter, no_cache):
    """列出即将到期（期限前 due_soon_days 个工作日起，见 scoring/rules.yaml）和逾期未答复的派单。"""
    repo = load_records(root, no_cache)
    require_rules(repo.context)
    unit_filter = unit_id(repo.units, unit_filter)
    when = resolve_as_of(as_of)
    items = [r for r in reminders(repo, when) if unit_filter is None or r.unit == unit_filter]
    if fmt == "json":
        echo_json(
            [
                {
                    "id": r.order_id,
                    "unit": r.unit,
                    "role": r.role,
                    "due": r.due,
                    "state": r.state,
                    "status": r.status,
                    "provisional": r.provisional,
                    "maintainers": list(r.maintainers),
                }
                for r in items
            ]
        )
        return
    from tabulate import tabulate  # only the table needs it

    rows = [
        [
            r.order_id,
            r.unit_name,
            r.role,
            r.due + ("*" if r.provisional else ""),
            r.state_label,
            r.status,
            "、".join(r.maintainers),
        ]
        for r in items
    ]
    click.echo(tabulate(rows, headers=HEADERS, tablefmt="simple"))
    soon = sum(r.state == "due_soon" for r in items)
    click.echo(f"\n截至 {when:%Y-%m-%d %H:%M}：即将到期 {soon} 个，逾期 {len(items) - soon} 个")


@command.command("sync")
@root_option
@as_of_option
@host_options("GITHUB_TOKEN")
@click.option("--dry-run", is_flag=True, help="只显示要做的改动，不修改议题")
@click.option("--force", is_flag=True, help="休息日也同步（默认只在工作日同步）")
@click.option(
    "--pause",
    type=click.FloatRange(0, 60),
    default=None,
    help="每次修改之间的间隔秒数（GitHub 默认 1 秒，Gitea 默认 0）",
)
def sync_command(root, as_of, flavour, api_url, repo_name, token_env, dry_run, force, pause):
    """为每个即将到期或逾期的派单维护一个议题：新建、更新、答复后关闭。重复运行不会重复修改。"""
    from hotline.host.client import HostError, open_host  # httpx: only when talking to the host
    from hotline.host.reminder_sync import sync

    repo = load(root)
    require_rules(repo.context)
    when = resolve_as_of(as_of)
    if not force and not repo.calendar.is_workday(when.date()):
        click.echo(f"{when:%Y-%m-%d} 是休息日，不同步（需要时加 --force）", err=True)
        return
    token = os.environ.get(token_env)
    if not token:
        fail(f"环境变量 {token_env} 中没有访问令牌：请在工作流中设置，或用 --token-env 指定", 1)
    if pause is None:
        pause = 1.0 if flavour == "github" else 0.0
    try:
        with open_host(flavour, api_url, repo_name, token, mutation_pause=pause) as host:
            result = sync(host, repo, when, dry_run=dry_run, progress=lambda s: click.echo(s))
    except HostError as e:
        fail(f"同步失败：{e}", 1)
        return
    if dry_run:
        for name in result.labels_created:
            click.echo(f"将新建标签：{name}")
        for action in result.plan.actions:
            click.echo("将" + action.describe())
        click.echo(f"（演练，未修改）{result.summary()}", err=True)
        return
    for name in result.labels_created:
        click.echo(f"已新建标签：{name}")
    if result.error:
        click.echo(f"同步中断：{result.error}", err=True)
        click.echo(f"已完成 {len(result.done)} 项；再次运行会从中断处继续", err=True)
        sys.exit(1)
    for text in result.refused:
        click.echo(f"平台拒绝：{text}", err=True)
    click.echo(
        f"同步完成：{result.summary()}" + (f"；{len(result.refused)} 项被平台拒绝，见上" if result.refused else ""),
        err=True,
    )
    if result.refused:
        sys.exit(1)


@command.command("notify")
@root_option
@as_of_option
@host_options("GITHUB_TOKEN", required=False)
@click.option("--dry-run", is_flag=True, help="只显示要发送的消息（手机号脱敏），不发送，不读写发送记录")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--force", is_flag=True, help="休息日也发送（默认只在工作日发送）")
@click.option("--test", "trial", metavar="渠道名称", help="向 rules.yaml 中 chat 下这个名称的群发送一条测试消息")
def notify_command(root, as_of, flavour, api_url, repo_name, token_env, dry_run, fmt, force, trial):
    """把即将到期和逾期的派单发到企业微信、钉钉或飞书群（scoring/rules.yaml 的 chat）：每个群每天一份清单，
    同一天内容未变时不重复发送（发送记录保存在代码托管平台的一个议题中）。"""
    repo = load(root)
    rules = require_rules(repo.context)
    when = resolve_as_of(as_of)
    if not rules.chat:
        echo("scoring/rules.yaml 中没有配置群消息提醒（chat），不发送", err=True)
        return
    if trial is not None:
        _trial(rules, trial, when)
        return
    if not force and not repo.calendar.is_workday(when.date()):
        echo(f"{when:%Y-%m-%d} 是休息日，不发送（需要时加 --force）", err=True)
        return
    from hotline.host.chat_notify import plan

    planned = plan(rules, repo, when)
    if dry_run:
        found = [{"channel": m.channel, "kind": m.kind, "text": m.text} for _, msgs in planned for m in msgs]
        if fmt == "json":
            echo_json(found)
        else:
            for item in found:
                echo(f"===== {item['channel']}（{item['kind']}）=====\n{item['text']}\n")
            echo(f"（演练，未发送）共 {len(found)} 条消息", err=True)
        return
    _deliver(planned, when, (flavour, api_url, repo_name, token_env), fmt)


def _notice(text: str) -> None:
    """A notice: in a workflow also an annotation (``::notice::``), so a skipped group shows on the run's page."""
    echo(text, err=True)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        echo("::notice title=群消息提醒::" + text.replace("\n", " "))


def _deliver(
    planned: list[tuple[ChatChannel, list[Message]]],
    when: datetime,
    host: tuple[str | None, str | None, str | None, str],
    fmt: str,
) -> None:
    from hotline.host.chat_memory import HostMemory
    from hotline.host.chat_notify import Memory, deliver
    from hotline.host.client import HostError, open_host

    flavour, api_url, repo_name, token_env = host
    opened = []

    def open_store() -> HostMemory:
        token = os.environ.get(token_env)
        if not (flavour and api_url and repo_name and token):
            fail(
                "发送群消息需要代码托管平台（--host、--api-url、--repo 和令牌，工作流中自动提供）："
                "发送记录保存在平台的议题中，避免重复发送",
                1,
            )
        opened.append(open_host(flavour, api_url, repo_name, token))
        return HostMemory(opened[-1])

    def show(outcome: Outcome) -> None:
        if outcome.error:
            _error(outcome.describe())
        elif outcome.skipped:
            _notice(outcome.describe())
        else:
            echo(outcome.describe(), err=fmt == "json")  # stdout holds only the JSON

    try:
        outcomes = deliver(planned, os.environ, Memory(open_store), when, _sender, progress=show)
    except HostError as e:
        fail(f"无法读写发送记录（代码托管平台）：{e}。为免重复发送，本次停止；请稍后重新运行", 1)
    finally:
        for h in opened:
            h.close()
    if fmt == "json":
        echo_json([_outcome_json(o) for o in outcomes])
    failed = [o for o in outcomes if o.error]
    if failed:
        fail(f"群消息提醒：{len(failed)} 个群发送失败（{'、'.join(o.channel.name for o in failed)}），见上", 1)


def _error(text: str) -> None:
    echo(text, err=True)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        echo("::error title=群消息提醒::" + text.replace("\n", " "))


def _sender(channel: ChatChannel, url: str, secret: str | None) -> ChatSender:
    from hotline.host.chat_send import ChatSender

    return ChatSender(channel.kind, url, secret)


def _outcome_json(o: Outcome) -> dict:
    return {
        "channel": o.channel.name,
        "kind": o.channel.kind,
        "planned": o.planned,
        "sent": o.sent,
        "already": o.already,
        "skipped": o.skipped,
        "error": o.error,
    }


def _trial(rules: Rules, name: str, when: datetime) -> None:
    from hotline.host.chat_message import trial_message
    from hotline.host.chat_notify import missing_variable
    from hotline.host.chat_send import ChatError

    channel = next((c for c in rules.chat if c.name == name), None)
    if channel is None:
        fail(f"scoring/rules.yaml 的 chat 中没有名为“{name}”的群；已配置：{'、'.join(c.name for c in rules.chat)}", 2)
    why = missing_variable(channel, os.environ)
    if why:
        fail(f"{channel.name}：{why}", 1)
    secret = os.environ.get(channel.secret_env, "").strip() if channel.secret_env else None
    try:
        with _sender(channel, os.environ[channel.webhook_env].strip(), secret) as sender:
            sender.send(trial_message(channel, when.date()))
    except ChatError as e:
        fail(f"{channel.name}：测试消息发送失败：{e}", 1)
    echo(f"{channel.name}：测试消息已发送，请到群里查看")
