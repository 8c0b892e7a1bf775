"""``hotline month-end``: publish last month's documents, seal it when final or at the latest on the
configured working day, record corrections of sealed months (月末处理; ``reports.month_end``)."""

from __future__ import annotations

import os

import click

from hotline.cli.common import as_of_option, fail, resolve_as_of, root_option
from hotline.git.changes import current_branch, push_refs
from hotline.git.commands import GitError
from hotline.reports.archive import ArchiveError
from hotline.reports.month_end import MonthEndError, run


@click.command("month-end")
@root_option
@click.option("--month", metavar="YYYY-MM", help="处理的月份（默认：--as-of 所在月份的上一个月）")
@as_of_option
@click.option(
    "--push",
    "remote",
    metavar="远程仓库",
    default=None,
    help="把提交和封存标签推送到此远程仓库（如 origin；全部成功或全部不推送）",
)
@click.option(
    "--token-env", default="HOTLINE_TOKEN", show_default=True, help="推送用的令牌所在的环境变量（机器人账号）"
)
def command(root, month, as_of, remote, token_env):
    """月末处理：上月的月报和登记表在本月第一个工作日发布（结果未全部确定时为“暂定”）；全部确定后、最迟在规则规定的
    第 N 个工作日封存（标签、归档文件，列出未办结）；已封存的月份不再改写，此后的修改记为更正。每天运行，没有要做的就不做。"""
    try:
        out = run(root, resolve_as_of(as_of), month)
    except (MonthEndError, ArchiveError, GitError) as e:
        fail(f"月末处理失败：{e}", 1)
        return
    click.echo(out.plan.note)
    if out.calendar_note:
        click.echo(out.calendar_note)
    if out.sealed is not None:
        click.echo(f"已封存：{out.sealed.tag} → 提交 {out.sealed.commit[:10]}，归档文件 {out.sealed.zip_path.name}")
    for m in out.corrections:
        click.echo(f"已记录 {m} 封存后的更正")
    if out.commit is None:
        click.echo("没有变化，未提交")
        return
    click.echo(f"已提交 {out.commit[:10]}")
    if remote is None:
        return
    refspecs = [f"HEAD:refs/heads/{current_branch(root)}"] + ([f"refs/tags/{out.sealed.tag}"] if out.sealed else [])
    try:
        push_refs(root, refspecs, remote, token=os.environ.get(token_env) or None)
    except GitError as e:
        fail(f"推送失败（下次运行会重新处理）：{e}", 1)
    click.echo(f"已推送到 {remote}：" + "、".join(r.split(":")[-1] for r in refspecs))
