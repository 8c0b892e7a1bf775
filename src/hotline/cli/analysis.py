"""``hotline analysis --period 2026-Q4``: the quarter's 分析研判 as a ``.docx`` (the monthly report's style)."""

from __future__ import annotations

from pathlib import Path

import click

from hotline.cli.common import as_of_option, fail, require_rules, resolve_as_of, root_option
from hotline.load import load
from hotline.records.units import office_units
from hotline.reports.analysis import compose
from hotline.reports.documents import report_docx
from hotline.reports.hot_topics import unit_words


@click.command("analysis")
@root_option
@click.option("--period", required=True, help="季度，如 2026-Q4")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="输出的 .docx 文件（默认：分析研判-季度.docx）",
)
@as_of_option
def command(root, period, out, as_of):
    """编制一个季度的分析研判（热点问题、变化趋势、批示督办清单），输出 Word 文件。"""
    repo = load(root)
    require_rules(repo.context)
    names = unit_words(repo.units.values())
    try:
        report = compose(
            repo.orders,
            repo.units,
            repo.rules,
            period,
            resolve_as_of(as_of),
            (office_units(repo.units)[0].name if office_units(repo.units) else "县政府办公室政务服务热线管理机构"),
            names,
        )
    except ValueError as e:
        fail(str(e), 2)
    target = out or Path(f"{report.file_stem}.docx")
    report_docx.write(report, target)
    click.echo(f"已写入 {target}")
