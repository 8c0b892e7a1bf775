"""The home page (首页): this month's figures against last month's, the trend charts, stale knowledge entries."""

from __future__ import annotations

from decimal import Decimal

from hotline.reports import page_facts
from hotline.reports.monthly import CATEGORIES, MonthStats, fmt_percent, month_label
from hotline.reports.publication import Publication
from hotline.site import charts
from hotline.site.page_parts import (
    ORDERS_PAGE,
    SUPERVISION_PAGE,
    now_meta,
    rates_chart,
    report_path,
)
from hotline.site.render import Page, a, cards, chart


def _delta(now: int, before: int | None, unit: str = "", what: str = "上月") -> str:
    if before is None:
        return f"{what}无数据"
    d = now - before
    if d == 0:
        return f"{what} {before}{unit}，持平"
    return f"{what} {before}{unit}，{'+' if d > 0 else ''}{d}{unit}"


def _rate_delta(now: Decimal | None, before: Decimal | None) -> str:
    if before is None:
        return "上月无数据"
    d = now - before if now is not None else None
    return f"上月 {before}%" + (f"，{'+' if d > 0 else ''}{d} 个百分点" if d is not None else "")


def home(model: Publication) -> Page:
    src = "index.md"
    cur = model.current
    month, ms, prev = page_facts.home_month(model)
    lines = ["# 泽州县12345政务服务热线\n", f"数据截至 **{model.as_of:%Y-%m-%d %H:%M}**。"]
    if month != model.this_month:
        lines.append(f"本月（{month_label(model.this_month)}）尚无工单，以下为最近有数据的 {month_label(month)}。")
    lines.append("")
    if ms:
        # a month not over: received compared with the same days of last month; rates 暂定 while unsettled
        c, pc = ms.county, (prev.county if prev and not ms.unsettled else None)
        same = f"上月同期（1—{ms.through.day}日）" if ms.through else "上月"
        note = f"暂定：{ms.unsettled} 件结果未确定" if ms.unsettled else ""
        lines.append(
            cards(
                [
                    (f"{month_label(month)}受理", str(ms.received), _delta(ms.received, ms.previous, " 件", same), ""),
                    ("办理中", str(len(cur.in_progress)), "全部未办结的派单", ""),
                    (
                        "即将到期",
                        str(len(cur.due_soon)),
                        f"期限前 {model.rules.deadlines.due_soon_days} 个工作日起",
                        "hl-warn" if cur.due_soon else "",
                    ),
                    ("逾期未办结", str(len(cur.overdue)), "已过办理期限", "hl-bad" if cur.overdue else ""),
                    (
                        "按时办结率" + ("（暂定）" if note else ""),
                        fmt_percent(c.rate("on_time")),
                        note or _rate_delta(c.rate("on_time"), pc.rate("on_time") if pc else None),
                        "",
                    ),
                    (
                        "回访满意率" + ("（暂定）" if note else ""),
                        fmt_percent(c.rate("satisfied")),
                        note or _rate_delta(c.rate("satisfied"), pc.rate("satisfied") if pc else None),
                        "",
                    ),
                ]
            )
        )
        lines.append(
            f"\n{a(src, report_path(month), month_label(month) + '月报')} · {a(src, f'assessment/{month}.md', month_label(month) + '考核')} · "
            f"{a(src, SUPERVISION_PAGE, '督办清单')} · {a(src, ORDERS_PAGE, '工单查询')}\n"
        )
        lines += _home_charts(model, month, ms)
    else:
        lines.append("目前还没有工单记录。")
    stale = page_facts.stale_entries(model)
    if stale:
        lines.append(
            f"\n知识库有 {len(stale)} 条已过有效期的条目，请相关单位更新：{a(src, 'knowledge/index.md', '查看知识库')}。\n"
        )
    return Page(
        src,
        "首页",
        "\n".join(lines),
        now_meta(model, cur.provisional or bool(ms and ms.provisional), hide=["navigation", "toc"]),
    )


def _home_charts(model: Publication, month: str, ms: MonthStats) -> list[str]:
    """The home page's trend charts (last 12 months) and the month's categories."""
    out: list[str] = []
    months = model.months[-12:]
    out.append("## 受理量与办理质量趋势\n")
    out.append(
        chart(
            charts.bar(
                months,
                {k: [model.stats[m].by_category.get(k, 0) for m in months] for k in CATEGORIES},
                stack=True,
                y_name="件",
            ),
            label="各月受理量",
        )
    )
    out.append(rates_chart(model, months, "各月五率"))
    out.append(f"## {month_label(month)}诉求类别\n")
    out.append(chart(charts.pie({k: ms.by_category.get(k, 0) for k in CATEGORIES}, "诉求类别"), label="诉求类别"))
    return out
