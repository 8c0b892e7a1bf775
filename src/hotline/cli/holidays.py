"""``hotline holidays import``: the State Council's notice → ``scoring/holidays/YYYY.yaml`` (``entry.holidays``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from hotline.cli.common import fail, root_option, simple_table
from hotline.entry.holidays import Imported, NoticeRefused, import_notice
from hotline.records.holiday_notice import WEEKDAYS


def _read(path: Path) -> str:
    """The pasted text: UTF-8 (with or without BOM), or GB18030 as Notepad on Chinese Windows saves it."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    fail(f"{path}：无法识别文件编码，请另存为 UTF-8 文本", 1)


def _day(d: date) -> str:
    return f"{d.isoformat()}（{WEEKDAYS[d.weekday()]}）"


def _table(done: Imported) -> str:
    rows = []
    for it in done.notice.items:
        off = it.days_off
        span = _day(off[0]) + (f" 至 {_day(off[-1])}" if len(off) > 1 else "")
        rows.append([it.name, span, str(len(off)), "、".join(_day(d) for d in it.workdays) or "—"])
    return simple_table(rows, ["节日", "放假", "天数", "调休上班"])


@click.group("holidays")
def command() -> None:
    """节假日安排：把国务院办公厅的年度通知导入 scoring/holidays/。"""


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="通知所安排的年份，如 2027")
@root_option
@click.option("--force", is_flag=True, help="替换内容不同的已有年份文件")
def import_command(file: Path, year: int, root: Path, force: bool) -> None:
    """读取《国务院办公厅关于YYYY年部分节假日安排的通知》全文（粘贴到文本文件中），写入
    scoring/holidays/YYYY.yaml 并列出写入的内容。通知中的日期与其星期、天数不符，调休上班日不在周末，
    或日期不在该年内时，不写入任何文件，并指出有问题的条目。"""
    try:
        done = import_notice(root, _read(file), year, force=force)
    except NoticeRefused as e:
        lines = [str(e)] + [p.at(str(file)) for p in e.problems]
        fail("\n".join(lines), 1)
    rel = done.path.relative_to(root).as_posix() if done.path.is_relative_to(root) else str(done.path)
    if not done.written:
        click.echo(f"{rel} 已是这份通知的内容，未改动")
    else:
        click.echo(f"已{'替换' if done.replaced else '写入'} {rel}：{done.notice.source}")
    click.echo(_table(done))
    total = sum(len(it.days_off) for it in done.notice.items)
    click.echo(f"共放假 {total} 天（含周末），调休上班 {sum(len(it.workdays) for it in done.notice.items)} 天")
    if done.disagreements:
        days = "、".join(f"{d.day}（通知：{'上班' if d.file_workday else '休息'}）" for d in done.disagreements)
        click.echo(f"注意：{done.package} 对以下日期的说法不同，办理期限以本文件为准：{days}", err=True)
    click.echo("请核对后提交此文件（git add、git commit），并运行 hotline check。")
