"""``hotline schema``: JSON Schemas of the record formats, for editors (``schemas/``)."""

from __future__ import annotations

import functools

import click

from hotline.cli.common import root_option
from hotline.records.schemas import write_schemas


@click.command("schema")
@functools.partial(root_option, records=False)  # writes schemas/ into any folder it is given
@click.option("--check", "check_only", is_flag=True, help="只检查 schemas/ 是否最新，不写文件")
def command(root, check_only):
    """生成记录格式的 JSON Schema（供编辑器自动补全和校验）。"""
    stale = write_schemas(root / "schemas", dry_run=check_only)
    for name in stale:
        click.echo(("需要更新：" if check_only else "已写入：") + f"schemas/{name}")
    if check_only and stale:
        raise SystemExit(1)
