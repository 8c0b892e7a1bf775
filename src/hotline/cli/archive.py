"""``hotline archive YYYY-MM``: seal a month (月度归档) — tag and zip with a SHA-256 manifest."""

from __future__ import annotations

import click

from hotline.cli.common import as_of_option, fail, resolve_as_of, root_option
from hotline.git.refs import GitError
from hotline.reports.archive import ArchiveError, seal


@click.command("archive")
@click.argument("month")
@root_option
@as_of_option
def command(month, root, as_of):
    """封存某月的记录：打标签 archive/YYYY-MM，并生成当月工单、登记表、月报和清单的压缩包。"""
    try:
        sealed = seal(root, month, resolve_as_of(as_of))
    except (ArchiveError, GitError) as e:
        fail(f"无法归档 {month}：{e}")
        return
    click.echo(
        f"已{'封存' if sealed.new_tag else '重新生成归档文件（标签已存在于同一提交）'}：{sealed.tag} → 提交 {sealed.commit[:10]}"
    )
    click.echo(
        f"归档文件：{sealed.zip_path}（工单 {sealed.orders} 件，共 {len(sealed.files)} 个文件，清单 MANIFEST.json / MANIFEST.sha256）"
    )
    if sealed.new_tag:
        click.echo("请推送标签：git push origin " + sealed.tag)
