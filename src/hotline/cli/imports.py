"""``hotline import FILE.xlsx|FILE.csv``: orders from the city platform's export (re-import creates nothing new).

Without ``--commit`` the import is a dry run: every row is checked and nothing is written. With ``--commit`` the
new orders are written and committed as the person running it (``git.identity``); order files of the export left
uncommitted by an earlier run are committed with them, and said so.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hotline.cli.common import as_of_option, fail, resolve_as_of, root_option
from hotline.entry.city_import import ImportFailed, Report, import_file, load_mapping
from hotline.git import commands as gitcmd
from hotline.git import identity
from hotline.load import load_context
from hotline.records import paths as record_paths


def _existing_file(path: Path | None, what: str) -> None:
    if path is not None and not path.is_file():
        fail(f"找不到{what} {path}" + ("：这是一个目录" if path.is_dir() else "：请核对文件名和所在的目录"), 1)


def _summary(report: Report, file: Path, dry_run: bool) -> None:
    verb = "可新建" if dry_run else "新建"
    for rno, _oid, path in report.created:
        click.echo(f"第 {rno} 行：{verb} {path}")
    click.echo(
        ("演练（未写入任何文件）：" if dry_run else "")
        + f"{verb} {len(report.created)} 件；已存在而跳过 {len(report.existing)} 件；无法导入 {len(report.failed)} 行"
        + (f"；跳过合计行 {len(report.totals)} 行" if report.totals else "")
    )
    if report.existing:
        click.echo("已存在：" + "、".join(f"第 {r} 行 {oid}" for r, oid in report.existing))
    for rno, reason in report.failed:
        click.echo(f"{file.name} 第 {rno} 行：{reason}", err=True)
    if dry_run and report.created:
        click.echo("确认无误后加 --commit 运行：写入这些工单并提交", err=True)


@click.command("import")
@root_option
@click.argument("file", metavar="文件", type=click.Path(path_type=Path))
@click.option("--mapping", type=click.Path(path_type=Path), help="列名映射文件（YAML），默认适用于市平台导出的常见列名")
@click.option(
    "--commit", "do_commit", is_flag=True, help="写入新建的工单并作为一次提交（不加则只检查，不写入任何文件）"
)
@as_of_option
def command(root, file, mapping, do_commit, as_of):
    """从市平台导出的 .xlsx 或 .csv 文件新建工单：诉求人信息脱敏后保存，已有的工单跳过。

    不加 --commit 时只检查每一行、列出将新建的工单，不写入任何文件。"""
    _existing_file(file, "要导入的文件")
    _existing_file(mapping, "映射文件")
    if do_commit:
        try:
            identity.require(root)
        except gitcmd.GitError as e:
            fail(f"未写入任何内容：{e}", 1)
    ctx = load_context(root)
    try:
        report = import_file(ctx, file, load_mapping(mapping), resolve_as_of(as_of), write=do_commit)
    except ImportFailed as e:
        fail(str(e), 1)
    _summary(report, file, dry_run=not do_commit)
    if do_commit:
        _commit(root, file, report)
    sys.exit(1 if report.failed else 0)


def _commit(root: Path, file: Path, report: Report) -> None:
    created = [p for _, _, p in report.created]
    try:
        existing = [p for _, oid in report.existing if (p := record_paths.find_order(root, oid))]
        left = gitcmd.untracked(root, existing)
        if left:
            click.echo(f"另有 {len(left)} 件工单的文件已在目录中但尚未提交（可能是之前的导入留下的）：一并提交")
        if not created + left:
            return
        sha = identity.commit(root, created + left, f"导入 {file.name}：新建工单 {len(created) + len(left)} 件")
    except gitcmd.GitError as e:
        fail(f"已写入文件，但提交失败：{e}", 1)
    click.echo(f"已提交 {sha[:9]}")
