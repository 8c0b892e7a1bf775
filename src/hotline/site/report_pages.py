"""The monthly reports section (月报): the list of reports and each month's report, with its charts and links to
the orders its tables name."""

from __future__ import annotations

import re

from hotline.reports import page_facts
from hotline.reports.monthly import CATEGORIES, fmt_percent, month_label
from hotline.reports.publication import Publication
from hotline.site import charts
from hotline.site.page_parts import (
    docx_path,
    meta,
    order_link,
    rates_chart,
    report_blocks,
    report_path,
)
from hotline.site.render import Page, a, admonition, chart, md_text, table


def reports_index(model: Publication) -> Page:
    src = "reports/index.md"
    rows = []
    for m in reversed(model.months):
        r, ms = model.reports[m], model.stats[m]
        rows.append(
            [
                a(src, report_path(m), f"{r.title}（{r.issue}）"),
                ms.received,
                fmt_percent(ms.county.rate("on_time")),
                fmt_percent(ms.county.rate("satisfied")),
                a(src, docx_path(r), "Word 文件"),
            ]
        )
    body = "# 月报\n\n《泽州县12345政务服务热线月报》每月一期，由热线管理机构汇总编制，通过 OA 下发各承办单位。每期也提供 Word 文件。\n\n"
    body += (
        table(["月报", "受理工单", "按时办结率", "回访满意率", "下载"], rows, numeric=(1,))
        if rows
        else "还没有月报。\n"
    )
    return Page(src, "月报", body, meta(model))


def report_page(model: Publication, month: str) -> Page:
    src = report_path(month)
    r, ms = model.reports[month], model.stats[month]
    upto = [m for m in model.months if m <= month][-12:]
    lines = [
        f"# {r.title}\n",
        f"**{r.issue}** · {md_text(r.office)} · {r.compiled_on.year}年{r.compiled_on.month}月{r.compiled_on.day}日编 · "
        f"{a(src, docx_path(r), '下载 Word 文件（.docx）')}\n",
    ]
    if r.unsettled:
        lines.append(admonition("warning", "暂定", r.provisional_note))
    for i, section in enumerate(r.sections):
        lines.append(f"## {section.title}\n")
        lines.extend(report_blocks(section.blocks[:1]))
        if i == 0:
            lines.append(
                chart(charts.pie({k: ms.by_category.get(k, 0) for k in CATEGORIES}, "诉求类别"), label="诉求类别")
            )
            lines.append(
                chart(
                    charts.bar(upto, {"受理工单": [model.stats[m].received for m in upto]}, y_name="件"),
                    label="受理量趋势",
                )
            )
        if i == 1:
            names = [model.unit_name(u) for u in ms.units]
            lines.append(
                chart(
                    charts.bar(
                        names,
                        {"主办": [u.lead for u in ms.units.values()], "会办": [u.assist for u in ms.units.values()]},
                        horizontal=True,
                        stack=True,
                        y_name="件次",
                    ),
                    tall=False,
                    label="各单位转办件数",
                )
            )
            lines.append(rates_chart(model, upto, "五率趋势"))
        lines.extend(report_blocks(section.blocks[1:]))
    return Page(
        src, f"{month_label(month)}月报", _link_orders(src, "\n".join(lines), model), meta(model, r.provisional)
    )


def _link_orders(src: str, text: str, model: Publication) -> str:
    """Order ids in report tables become links to the order view."""
    ids = page_facts.linked_order_ids(model)
    if not ids:
        return text
    rx = re.compile(r"(?<=<td>)([A-Za-z0-9-]+)(?=[ <；])")

    def sub(m: re.Match) -> str:
        return str(order_link(src, m.group(1))) if m.group(1) in ids else m.group(0)

    return rx.sub(sub, text)
