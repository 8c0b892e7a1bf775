"""``hotline import-uploads``: exports uploaded to ``imports/`` → pull requests (``host.import_run``)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from hotline.cli.common import as_of_option, fail, host_options, resolve_as_of, root_option
from hotline.git.changes import GitError
from hotline.host.client import HostError, open_host
from hotline.host.import_run import import_one, refusal, uploaded

STATUS = {
    "opened": "已生成拉取请求 #{pull}",
    "updated": "已更新拉取请求 #{pull}",
    "unchanged": "拉取请求 #{pull} 没有变化",
    "nothing-new": "没有新工单，不生成拉取请求",
    "failed": "无法导入",
}


@click.command("import-uploads")
@root_option
@as_of_option
@click.option(
    "--before",
    default="",
    help="推送前的提交（$GITHUB_EVENT.before）：只导入此后新增或改动的文件；不给则导入 imports/ 下全部文件",
)
@click.option("--pusher", required=True, help="上传文件的账号（须是热线管理机构的维护人；导入提交的作者）")
@host_options("HOTLINE_TOKEN")
@click.option("--base", default="origin/main", show_default=True, help="拉取请求的目标分支（远程跟踪分支）")
@click.option(
    "--summary",
    "summary_file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="HOTLINE_SUMMARY",
    help="另把导入报告追加到此文件（工作流的 $GITHUB_STEP_SUMMARY）",
)
def command(root, as_of, before, pusher, flavour, api_url, repo_name, token_env, base, summary_file):
    """导入上传到 imports/ 的市平台导出文件（.xlsx/.csv）：每个文件的新工单生成一个拉取请求，正文按行号列出无法导入的原因；
    同一文件再次上传不会重复新建。"""
    token = os.environ.get(token_env)
    if not token:
        fail(
            f"环境变量 {token_env} 中没有访问令牌：请把机器人账号的令牌存为仓库机密 HOTLINE_TOKEN"
            "（用工作流自带的令牌推送的分支不会触发检查）",
            1,
        )
    root = Path(root)
    why = refusal(root, pusher)
    if why:
        fail(f"不导入：{why}", 1)
    try:
        files = uploaded(root, before)
        if not files:
            click.echo("imports/ 下没有新上传的 .xlsx 或 .csv 文件")
        results = []
        with open_host(flavour, api_url, repo_name, token) as host:
            for rel in files:
                results.append(
                    import_one(root, rel, host, base=base, as_of=resolve_as_of(as_of), pusher=pusher, push_token=token)
                )
    except (HostError, GitError) as e:
        fail(f"导入失败：{e}", 1)
        return
    for r in results:
        click.echo(f"{r.path}：{STATUS[r.status].format(pull=r.pull)}")
        if summary_file is not None:
            with open(summary_file, "a", encoding="utf-8") as out:
                out.write(f"### {STATUS[r.status].format(pull=r.pull)}\n\n{r.message}\n")
    # a file that could not be imported at all, or none of whose rows could, has no pull request to say so: fail the run
    unreported = [
        r
        for r in results
        if r.status == "failed"
        or (r.status == "nothing-new" and r.report and r.report.failed and not r.report.existing)
    ]
    for r in unreported:
        click.echo(r.message, err=True)
    if unreported:
        raise SystemExit(1)
