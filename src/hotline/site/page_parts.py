"""What the site's pages share (页面公用部分): their paths and links, their front matter, and the parts several
sections show (a table of dispatches, the five-rate chart, a table of knowledge entries, a report's blocks).

Pages grow with units × months, never with orders: orders are found through the lookup page and its data files
(``site.data``). Every page that shows a date resting on a year without holiday data carries ``provisional: true``
in its front matter (``meta``), and the theme override prints the 临时日历 banner; the pages about now (home, 督办)
carry ``calendar_due`` too while a year's holidays are due and missing (from 1 December, the next year's), and the
banner then says so and how to import the State Council's notice (``now_meta``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape

from hotline.lifecycle.state import DispatchState, OrderState
from hotline.lifecycle.status import flag_word
from hotline.records import paths
from hotline.records import privacy as pii
from hotline.records.knowledge import Entry
from hotline.reports import form_links, page_facts
from hotline.reports.file_names import register_file
from hotline.reports.monthly import RATE_NAMES
from hotline.reports.monthly_report import Block, Paragraph, Report, Subheading, Table
from hotline.reports.publication import Publication
from hotline.reports.register import Register
from hotline.site import charts
from hotline.site.render import a, chart, md_text, table, tag

ORDERS_PAGE = paths.SITE_ORDERS_PAGE


SUPERVISION_PAGE = "supervision.md"


def meta(model: Publication, provisional: bool = False, **extra: object) -> dict:
    front: dict[str, Any] = {}  # the time the data stand at is put into every built page after MkDocs (``slots``)
    if provisional:
        front["provisional"] = True
        front["provisional_years"] = "、".join(str(y) for y in model.provisional_years) or "见说明"
    front.update(extra)
    return front


def now_meta(model: Publication, provisional: bool, **extra: object) -> dict:
    """The meta of a page about now (home, 督办): the banner also shows while a year's holidays are due."""
    front = meta(model, provisional, **extra)
    if model.calendar_due is not None:
        front["calendar_due"] = model.calendar_due
    return front


def report_path(month: str) -> str:
    return f"reports/{month}.md"


def docx_path(report: Report) -> str:
    return f"reports/{report.file_name}"


def register_path(unit: str, month: str) -> str:
    return f"registers/{month}/{unit}.md"


def xlsx_path(reg: Register) -> str:
    """The same name as in the month-end's folder: registers/2026-11/金村镇-2026-11（暂定）.xlsx."""
    return f"registers/{reg.month}/{register_file(reg.unit.name, reg.unit.id, reg.month, reg.final)}"


def unit_path(unit: str) -> str:
    return f"units/{unit}.md"


def knowledge_path(e: Entry) -> str:
    return f"knowledge/{e.meta.unit}/{e.slug}.md"


def order_link(src: str, order_id: str) -> Markup:
    return a(src, ORDERS_PAGE, order_id, f"?id={order_id}")


def fmt_time(t: datetime | None) -> str:
    return f"{t:%Y-%m-%d %H:%M}" if t else "—"


def report_blocks(blocks: Iterable[Block]) -> list[str]:
    out = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(f"<p>{escape(b.text)}</p>\n")
        elif isinstance(b, Subheading):
            out.append(f"### {md_text(b.text)}\n")
        elif isinstance(b, Table):
            out.append(table(b.headers, b.rows))
    return out


def dispatch_table(
    src: str, model: Publication, pairs: list[tuple[OrderState, DispatchState]], extra: str | None = None
) -> str:
    rows = []
    for st, s in pairs:
        flag = tag(flag_word(s), "hl-bad" if s.overdue else "hl-warn") if flag_word(s) else ""
        row = [
            order_link(src, s.order_id),
            pii.mask_text(st.order.title),
            a(src, unit_path(s.unit), model.unit_name(s.unit)),
            s.role,
            fmt_time(s.dispatched_at),
            f"{s.current_due}" + ("*" if s.provisional else ""),
            Markup("{} {}").format(s.status, flag),
        ]
        if extra == "return":
            row.append(fmt_time(s.return_requested_at))
        elif extra == "extension":
            row.append(f"{s.pending_extension} 个工作日")
        if model.host is not None:
            row.append(record_links(s, model))
        rows.append(row)
    headers = ["工单编号", "标题", "承办单位", "主办/会办", "派单时间", "办理期限", "状态"]
    if extra == "return":
        headers.append("申请时间")
    elif extra == "extension":
        headers.append("申请延期")
    if model.host is not None:
        headers.append("登记")
    return table(headers, rows)


def record_links(s: DispatchState, model: Publication) -> Markup:
    """Links to the host's issue forms for the dispatch's likely next events, pre-filled (一键登记)."""
    found = form_links.links(model.host, s, model.units[s.unit].name if s.unit in model.units else s.unit)
    if not found:
        return Markup("—")
    return Markup('<span class="hl-record">{}</span>').format(
        Markup(" ").join(
            Markup('<a class="md-button{}" href="{}" target="_blank" rel="noopener">登记{}</a>').format(
                " md-button--primary" if i == 0 else "", url, ev
            )
            for i, (ev, url) in enumerate(found)
        )
    )


def entries_table(src: str, model: Publication, entries: list[Entry]) -> str:
    today = model.as_of.date()
    rows = []
    for e in entries:
        status = [tag("已过期", "hl-bad")] if e.stale(today) else []
        if e.meta.sample:
            status.append(tag("示例"))
        rows.append(
            [
                a(src, knowledge_path(e), e.meta.title),
                e.meta.category,
                "、".join(e.meta.keywords) or "—",
                str(e.meta.updated),
                str(e.meta.valid_until) if e.meta.valid_until else "长期",
                Markup(" ").join(status) if status else Markup('<span class="hl-ok">有效</span>'),
            ]
        )
    return table(["条目", "类别", "关键词", "更新日期", "有效期至", "状态"], rows)


def rates_chart(model: Publication, months: list[str], label: str) -> str:
    """The county's five rates month by month, over the settled dispatches; a month not final drawn as 暂定."""
    rates = {name: [model.stats[m].county.rate(k) for m in months] for k, name in RATE_NAMES.items()}
    return chart(charts.rates(months, rates, page_facts.not_final(model, months)), label=label)
