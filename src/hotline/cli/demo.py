"""``hotline demo``: a living example repository — units, rules and months of orders with their Git history."""

from __future__ import annotations

import time
from pathlib import Path

import click

from hotline.cli.common import fail
from hotline.demo.repo import build
from hotline.demo.simulate import DemoConfig
from hotline.git.commands import GitError


@click.command("demo")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="新建演示仓库的目录（须不存在或为空）",
)
@click.option(
    "--months", type=click.IntRange(1, 240), default=3, show_default=True, help="覆盖的月数（截至 --end 所在月）"
)
@click.option(
    "--orders-per-month", type=click.IntRange(1, 1_000_000), default=800, show_default=True, help="每月工单数"
)
@click.option("--seed", type=int, default=1, show_default=True, help="随机种子：相同的种子生成相同的仓库")
@click.option(
    "--end",
    type=click.DateTime(["%Y-%m-%d"]),
    default="2026-11-27",
    show_default=True,
    help="数据截止日（当天 18:00 之后的事件尚未发生）",
)
@click.option("--daily-commits", is_flag=True, help="每天一次提交（十万件规模的性能测试用；缺省每条事件一次提交）")
def command(out, months, orders_per_month, seed, end, daily_commits):
    """生成演示记录仓库：真实的 Git 历史，由各单位工作人员逐条提交。"""
    cfg = DemoConfig(months=months, orders_per_month=orders_per_month, seed=seed, end=end.date(), daily=daily_commits)
    started = time.perf_counter()
    try:
        s = build(out, cfg)
    except (FileExistsError, FileNotFoundError, GitError) as e:
        fail(str(e))
    took = time.perf_counter() - started
    click.echo(
        f"已生成演示仓库 {out}：{s.period[0]} 至 {s.period[1]}，工单 {s.orders} 件，事件 {s.events} 条，提交 {s.commits} 个（用时 {took:.1f} 秒）"
    )
    click.echo(f"数据截至 {s.snapshot:%Y-%m-%d %H:%M}。有意设置的问题（hotline check 会指出）：")
    click.echo(f"  补录过晚（late-record）的工单：{'、'.join(s.late_records) or '无'}")
    click.echo(f"  改写已入库事件（history-rewritten）的工单：{s.rewritten or '无'}")
    click.echo(f"  人员变动上报过晚（unit-change-late）的单位：{s.late_unit_change or '无'}")
