"""``hotline import FILE.xlsx|FILE.csv``: orders from the city platform's export (re-import creates nothing new)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hotline.cli.common import as_of_option, fail, resolve_as_of, root_option
from hotline.entry.city_import import ImportFailed, import_file, load_mapping
from hotline.git import commands as gitcmd
from hotline.git import identity
from hotline.load import load_context


@click.command("import")
@root_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="列名映射文件（YAML），默认适用于市平台导出的常见列名",
)
@click.option("--commit", "do_commit", is_flag=True, help="把新建的工单作为一次提交")
@as_of_option
def command(root, file, mapping, do_commit, as_of):
    """从市平台导出的 .xlsx 或 .csv 文件新建工单：诉求人信息脱敏后保存，已有的工单跳过。"""
    ctx = load_context(root)
    try:
        report = import_file(ctx, file, load_mapping(mapping), resolve_as_of(as_of))
    except ImportFailed as e:
        fail(str(e), 1)
    for rno, _oid, path in report.created:
        click.echo(f"第 {rno} 行：新建 {path}")
    click.echo(
        f"新建 {len(report.created)} 件；已存在而跳过 {len(report.existing)} 件；无法导入 {len(report.failed)} 行"
    )
    if report.existing:
        click.echo("已存在：" + "、".join(f"第 {r} 行 {oid}" for r, oid in report.existing))
    for rno, reason in report.failed:
        click.echo(f"{file.name} 第 {rno} 行：{reason}", err=True)
    if do_commit and report.created:
        try:
            sha = identity.commit(
                root, [p for _, _, p in report.created], f"导入 {file.name}：新建工单 {len(report.created)} 件"
            )
        except gitcmd.GitError as e:
            fail(f"已写入文件，但提交失败：{e}", 1)
        click.echo(f"已提交 {sha[:9]}")
    sys.exit(1 if report.failed else 0)
