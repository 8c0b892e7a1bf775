"""``hotline lock-update``: the lock files ``scripts/lock.sh`` rewrote → one pull request (``host.lock_update``)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from hotline.cli.common import fail, host_options, root_option
from hotline.git.changes import GitError
from hotline.host.client import HostError, open_host
from hotline.host.lock_update import BRANCH, propose


@click.command("lock-update")
@root_option
@host_options("HOTLINE_TOKEN")
@click.option("--base", default="origin/main", show_default=True, help="拉取请求的目标分支（远程跟踪分支）")
def command(root, flavour, api_url, repo_name, token_env, base):
    """把 scripts/lock.sh 更新后的锁定文件（requirements/lock.txt、runtime.txt）推送到分支 hotline/lock-update，
    并开（或更新）一个拉取请求，正文列出每个软件包的原版本和新版本；锁定文件没有变化时什么也不做。"""
    token = os.environ.get(token_env)
    if not token:
        fail(
            f"环境变量 {token_env} 中没有访问令牌：请把机器人账号的令牌存为仓库机密 HOTLINE_TOKEN"
            "（用工作流自带的令牌推送的分支不会触发检查）",
            1,
        )
    try:
        with open_host(flavour, api_url, repo_name, token, max_wait=60) as host:
            done = propose(Path(root), host, base=base, push_token=token)
    except (GitError, HostError) as e:
        fail(f"无法提出依赖更新：{e}", 1)
    listed = "、".join(f"{c.name} {c.old or '新增'}→{c.new or '移除'}" for c in done.changes[:20])
    more = f" 等 {len(done.changes)} 个" if len(done.changes) > 20 else ""
    click.echo(
        {
            "unchanged": "锁定文件没有变化，不需要拉取请求",
            "opened": f"已在分支 {BRANCH} 上生成拉取请求 #{done.pull}：{listed}{more}",
            "updated": f"已更新拉取请求 #{done.pull}：{listed}{more}",
            "same": f"拉取请求 #{done.pull} 已是这些改动：{listed}{more}",
        }[done.status]
    )
