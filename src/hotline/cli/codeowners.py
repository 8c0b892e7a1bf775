"""``hotline codeowners``: write .github/CODEOWNERS and .gitea/CODEOWNERS from the unit files."""

from __future__ import annotations

import click

from hotline.cli.common import root_option
from hotline.load import load_context
from hotline.records.codeowners import write


@click.command("codeowners")
@root_option
@click.option("--check", "check_only", is_flag=True, help="只检查是否最新，不写文件")
def command(root, check_only):
    """根据各单位文件的维护人（maintainers）生成 GitHub 和 Gitea 的 CODEOWNERS。"""
    ctx = load_context(root)
    changed = write(root, ctx.units, dry_run=check_only)
    for rel in changed:
        click.echo(("需要更新：" if check_only else "已写入：") + rel)
    if not changed:
        click.echo("CODEOWNERS 已是最新", err=True)
    if check_only and changed:
        raise SystemExit(1)
