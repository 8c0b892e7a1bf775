"""``hotline intake check|apply``: issue forms (议题表单) → checked events → pull requests."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from hotline.cli.common import as_of_option, echo_json, fail, host_options, resolve_as_of, root_option
from hotline.git.changes import GitError
from hotline.host.client import HostError, open_host
from hotline.host.intake_form import build_request
from hotline.host.intake_run import process_issue
from hotline.load import load_context


@click.group("intake")
def command() -> None:
    """处理工单登记表单（接收、联系、答复、退回申请、延期申请）提交的议题。"""


@command.command("check")
@root_option
@as_of_option
@click.option("--body-file", type=click.File("r", encoding="utf-8"), required=True, help="议题正文（- 为标准输入）")
@click.option("--author", required=True, help="提交议题的账号")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check_command(root, as_of, body_file, author, fmt):
    """只检查表单内容，不做任何修改。"""
    outcome = build_request(body_file.read(), author, load_context(root), resolve_as_of(as_of))
    if fmt == "json":
        echo_json(
            {
                "ok": not outcome.errors,
                "errors": outcome.errors,
                "event": outcome.request.event if outcome.request else None,
                "order": outcome.request.order_id if outcome.request else None,
            }
        )
    elif outcome.errors or outcome.request is None:  # a request exactly when there are no errors
        for e in outcome.errors:
            click.echo(f"- {e}")
    else:
        click.echo(f"检查通过：{outcome.request.summary()}")
    raise SystemExit(1 if outcome.errors else 0)


@command.command("apply")
@root_option
@as_of_option
@click.option(
    "--event",
    "event_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="工作流事件文件（$GITHUB_EVENT_PATH）",
)
@host_options("GITHUB_TOKEN")
@click.option("--base", default="origin/main", show_default=True, help="拉取请求的目标分支（远程跟踪分支）")
def apply_command(root, as_of, event_file, flavour, api_url, repo_name, token_env, base):
    """检查表单，通过的追加事件并生成拉取请求，不通过的在议题下用中文说明原因。"""
    event = json.loads(event_file.read_text(encoding="utf-8"))
    token = os.environ.get(token_env)
    if not token:
        fail(
            f"环境变量 {token_env} 中没有访问令牌：请把机器人账号的令牌存为仓库机密 HOTLINE_TOKEN"
            "（用工作流自带的令牌推送的分支不会触发检查，拉取请求将无法合并）",
            1,
        )
    try:
        with open_host(flavour, api_url, repo_name, token) as host:
            result = process_issue(Path(root), event, host, base=base, as_of=resolve_as_of(as_of), push_token=token)
    except (HostError, GitError) as e:
        fail(f"处理失败：{e}", 1)
        return
    click.echo(result.message)
