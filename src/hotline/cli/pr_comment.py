"""``hotline pr-comment``: keep one comment with a file's text on a pull request (Gitea shows no annotations)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from hotline.cli.common import host_options
from hotline.host.client import HostError, open_host

MARKER = "<!-- hotline:{key} -->"


@click.command("pr-comment")
@click.option("--number", type=click.IntRange(1), required=True, help="拉取请求（或议题）的编号")
@click.option(
    "--body-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="评论内容（Markdown，如 hotline check --summary 写出的文件）",
)
@click.option("--key", default="check", show_default=True, help="评论的隐藏标记：同一标记只保留一条评论，之后更新它")
@click.option("--update-only", is_flag=True, help="只更新已有的评论，没有时不新建（如检查通过时）")
@host_options("HOTLINE_TOKEN")
def command(number, body_file, key, update_only, flavour, api_url, repo_name, token_env):
    """在拉取请求下发表（或更新，不重复）一条评论。评论失败只给出警告，不影响检查结论。"""
    body = body_file.read_text(encoding="utf-8")
    try:
        with open_host(flavour, api_url, repo_name, os.environ.get(token_env) or None, max_wait=60) as host:
            done = host.upsert_comment(number, MARKER.format(key=key), body, create=not update_only)
    except HostError as e:
        click.echo(f"::warning::无法在 #{number} 下发表检查结果（{e}）；检查结果见任务摘要和运行日志")
        return
    click.echo(
        {
            "created": f"已在 #{number} 下发表检查结果",
            "updated": f"已更新 #{number} 下的检查结果",
            "unchanged": f"#{number} 下的检查结果没有变化",
            "absent": "检查通过，无需发表评论",
        }[done]
    )
