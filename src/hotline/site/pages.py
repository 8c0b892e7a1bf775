"""The generated pages (生成的页面): one function per page kind, from the site model to ``Page`` values.

Pages grow with units × months, never with orders: orders are found through the lookup page and its
data files (``site.data``). Every page that shows a date resting on a year without holiday data carries
``provisional: true`` in its front matter, and the theme override prints the 临时日历 banner; the pages about now
(home, 督办) carry ``calendar_due`` too while a year's holidays are due and missing (from 1 December, the next
year's), and the banner then says so and how to import the State Council's notice.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from markupsafe import Markup, escape

from hotline.lifecycle.state import DispatchState, OrderState
from hotline.lifecycle.status import flag_word
from hotline.records import paths
from hotline.records import privacy as pii
from hotline.records.knowledge import Entry
from hotline.records.units import is_office
from hotline.reports import form_links
from hotline.reports.file_names import register_file
from hotline.reports.monthly import CATEGORIES, RATE_NAMES, fmt_percent, month_label
from hotline.reports.monthly_report import Paragraph, Report, Subheading, Table
from hotline.reports.publication import Publication
from hotline.reports.register import COLUMNS, Register, short_date
from hotline.site import charts, safe_markdown, slots
from hotline.site.render import Page, a, admonition, cards, chart, md_text, span, table, tag

ORDERS_PAGE = paths.SITE_ORDERS_PAGE
SUPERVISION_PAGE = "supervision.md"


def _meta(model: Publication, provisional: bool = False, **extra) -> dict:
    meta: dict[str, Any] = {}  # the time the data stand at is put into every built page after MkDocs (``slots``)
    if provisional:
        meta["provisional"] = True
        meta["provisional_years"] = "、".join(str(y) for y in model.provisional_years) or "见说明"
    meta.update(extra)
    return meta


def _now_meta(model: Publication, provisional: bool, **extra) -> dict:
    """The meta of a page about now (home, 督办): the banner also shows while a year's holidays are due."""
    meta = _meta(model, provisional, **extra)
    if model.calendar_due is not None:
        meta["calendar_due"] = model.calendar_due
    return meta


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


def _fmt(t) -> str:
    return f"{t:%Y-%m-%d %H:%M}" if t else "—"


# --- home (首页) ----------------------------------------------------------------------------------


def _delta(now, before, unit: str = "", what: str = "上月") -> str:
    if before is None:
        return f"{what}无数据"
    d = now - before
    if d == 0:
        return f"{what} {before}{unit}，持平"
    return f"{what} {before}{unit}，{'+' if d > 0 else ''}{d}{unit}"


def _rate_delta(now, before) -> str:
    if before is None:
        return "上月无数据"
    d = now - before if now is not None else None
    return f"上月 {before}%" + (f"，{'+' if d > 0 else ''}{d} 个百分点" if d is not None else "")


def home(model: Publication) -> Page:
    src = "index.md"
    cur = model.current
    month = (
        model.this_month
        if model.this_month in model.stats
        else (model.months[-1] if model.months else model.this_month)
    )
    ms = model.stats.get(month)
    prev = (
        model.stats.get(model.months[model.months.index(month) - 1]) if ms and model.months.index(month) > 0 else None
    )
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
    stale = [e for e in model.entries if e.stale(model.as_of.date())]
    if stale:
        lines.append(
            f"\n知识库有 {len(stale)} 条已过有效期的条目，请相关单位更新：{a(src, 'knowledge/index.md', '查看知识库')}。\n"
        )
    return Page(
        src,
        "首页",
        "\n".join(lines),
        _now_meta(model, cur.provisional or bool(ms and ms.provisional), hide=["navigation", "toc"]),
    )


# --- monthly reports (月报) ------------------------------------------------------------------------


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
    return Page(src, "月报", body, _meta(model))


def _blocks(blocks) -> list[str]:
    out = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(f"<p>{escape(b.text)}</p>\n")
        elif isinstance(b, Subheading):
            out.append(f"### {md_text(b.text)}\n")
        elif isinstance(b, Table):
            out.append(table(b.headers, b.rows))
    return out


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
        lines.extend(_blocks(section.blocks[:1]))
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
            lines.append(_rates_chart(model, upto, "五率趋势"))
        lines.extend(_blocks(section.blocks[1:]))
    return Page(
        src, f"{month_label(month)}月报", _link_orders(src, "\n".join(lines), model), _meta(model, r.provisional)
    )


def _link_orders(src: str, text: str, model: Publication) -> str:
    """Order ids in report tables become links to the order view."""
    ids = {s.order_id for m in model.stats.values() for s in m.overdue}
    ids |= {i for h in model.hot.values() for k in h.keywords for i in k.examples}
    ids |= {i for h in model.hot.values() for p in h.places for i in p.examples}
    if not ids:
        return text
    import re

    rx = re.compile(r"(?<=<td>)([A-Za-z0-9-]+)(?=[ <；])")

    def sub(m: re.Match) -> str:
        return str(order_link(src, m.group(1))) if m.group(1) in ids else m.group(0)

    return rx.sub(sub, text)


# --- register tables (登记表) ----------------------------------------------------------------------


def registers_index(model: Publication) -> Page:
    src = "registers/index.md"
    months = list(reversed(model.months))
    rows = []
    for uid in model.handling_units:
        row = [a(src, unit_path(uid), model.unit_name(uid))]
        for m in months:
            reg = model.registers.get((uid, m))
            row.append(
                a(src, register_path(uid, m), f"{len(reg.rows)} 件")
                if reg
                else Markup('<span class="hl-muted">—</span>')
            )
        rows.append(row)
    body = (
        "# 登记表\n\n《12345政务服务热线情况X月登记表》：各承办单位每月派至本单位的全部工单（主办、会办），"
        "每表都可下载 Excel 文件，供归档和报送。\n\n" + table(["单位", *(month_label(m) for m in months)], rows)
    )
    return Page(src, "登记表", body, _meta(model, hide=["toc"]))


def _short(t) -> str:
    """A time in a register: without the year (the title names the month)."""
    return f"{t:%m-%d %H:%M}" if t else "—"


def register_page(model: Publication, reg: Register) -> Page:
    src = register_path(reg.unit.id, reg.month)
    rows = []
    for r in reg.rows:
        cls = {"否": "hl-bad", "办理中": "", "已退回": "hl-muted"}.get(r.on_time, "hl-ok")
        rows.append(
            [
                r.no,
                order_link(src, r.order_id),
                _short(r.dispatched_at),
                r.category,
                r.role,
                Markup("<br>").join(r.citizen.split("\n")),
                r.summary,
                r.office or "—",
                short_date(r.due) + ("*" if r.provisional else ""),
                _short(r.accepted_at),
                _short(r.replied_at),
                span(r.on_time, cls),
                r.callback or "—",
                r.redo,
                r.remarks,
            ]
        )
    body = (
        f"# {md_text(reg.heading)}\n\n"
        f"分管领导：{md_text(reg.leader)} · 承办人员：{md_text(reg.handlers)} · "
        f"{a(src, xlsx_path(reg), '下载 Excel 文件（.xlsx）')} · {a(src, unit_path(reg.unit.id), '单位页面')}\n\n"
        + (admonition("warning", "暂定", reg.provisional_note) + "\n" if reg.provisional_note else "")
        + f"**合计**：{reg.totals_text()}。\n\n"
        + slots.marker("table")
    )
    if reg.provisional:
        body += "\n\\* 期限为临时推算（所在年份尚无法定节假日数据）。\n"
    return Page(
        src,
        f"{reg.unit.short_name or reg.unit.name} {month_label(reg.month)}登记表",
        body,
        _meta(model, reg.provisional, hide=["navigation", "toc"], search={"exclude": True}),
        slots={"table": table(list(COLUMNS), rows, numeric=(0,), text=(6, 14))},
    )


# --- units (单位) ----------------------------------------------------------------------------------

SETUP_ITEMS = [
    (1, "热线工作办理机构", lambda h: bool(h.office)),
    (2, "分管领导和具体承办人员", lambda h: bool(h.leader and h.handlers)),
    (3, "办理工作网络", lambda h: bool(h.network)),
    (4, "设施设备和接入网络", lambda h: h.equipment is True),
    (6, "限时办结制度", lambda h: bool(h.time_limit_rule)),
]


def missing_items(unit) -> list[tuple[int, str]]:
    return [(no, name) for no, name, ok in SETUP_ITEMS if not ok(unit.hotline)]


def units_index(model: Publication) -> Page:
    src = "units/index.md"
    rows = []
    for uid in model.handling_units:
        u = model.units[uid]
        h = u.hotline
        miss = missing_items(u)
        rows.append(
            [
                a(src, unit_path(uid), u.name),
                u.type,
                h.office or "—",
                f"{h.leader.name}（{h.leader.title}）"
                if h.leader and h.leader.title
                else (h.leader.name if h.leader else "—"),
                "、".join(x.name for x in h.handlers) or "—",
                Markup("、").join(tag(f"{no} {name}", "hl-bad") for no, name in miss)
                if miss
                else Markup('<span class="hl-ok">齐全</span>'),
                f"{len(u.changes)} 次" if u.changes else "—",
            ]
        )
    complete = sum(1 for uid in model.handling_units if not missing_items(model.units[uid]))
    body = (
        f"# 承办单位\n\n共 {len(model.handling_units)} 个承办单位，其中热线组织信息齐全的 {complete} 个。"
        "“缺少的项目”对应考核内容第 1–4、6 项：未填写的项目在考核中不得分，请各单位在 `units/单位编号.yaml` 中补充后提交。"
        f"第 5 项（变动情况 {model.rules.history.unit_change_report_days} 个工作日内上报）按单位文件的提交时间核对。\n\n"
        + table(["单位", "类型", "办理机构", "分管领导", "承办人员", "缺少的项目", "变动记录"], rows)
    )
    office = next((u for u in model.units.values() if is_office(u)), None)
    if office:
        h = office.hotline
        body += (
            f"\n## 热线管理机构\n\n{md_text(office.name)}：{md_text(h.office or '')}，分管 {md_text(h.leader.name if h.leader else '—')}，"
            f"具体负责 {md_text('、'.join(x.name for x in h.handlers) or '—')}。\n"
        )
    return Page(src, "承办单位", body, _meta(model, hide=["toc"]))


def unit_page(model: Publication, uid: str) -> Page:
    src = unit_path(uid)
    u = model.units[uid]
    h = u.hotline
    facts = [
        ["单位类型", u.type],
        ["热线工作办理机构（第 1 项）", h.office or tag("未明确", "hl-bad")],
        [
            "分管领导（第 2 项）",
            (f"{h.leader.name}（{h.leader.title or ''}）" if h.leader else tag("未明确", "hl-bad")),
        ],
        [
            "具体承办人员（第 2 项）",
            "、".join(pii.mask_text(f"{x.name} {x.phone or ''}".strip()) for x in h.handlers)
            or tag("未明确", "hl-bad"),
        ],
        ["办理工作网络（第 3 项）", h.network or tag("未建立", "hl-bad")],
        ["设施设备和接入网络（第 4 项）", "已配备" if h.equipment else tag("未配备或未填写", "hl-bad")],
        ["限时办结制度（第 6 项）", h.time_limit_rule or tag("未制定", "hl-bad")],
        ["变动记录（第 5 项）", "；".join(f"{c.effective} {c.note}" for c in u.changes) or "—"],
    ]
    lines = [f"# {md_text(u.name)}\n", table(["项目", "情况"], facts)]
    open_ = [(st, s) for st, s in model.current.in_progress if s.unit == uid]
    lines.append(f"## 未办结的工单（{len(open_)} 件）\n")
    lines.append(_dispatch_table(src, model, open_) if open_ else "没有未办结的工单。\n")
    months = [m for m in model.months if uid in model.stats[m].units]
    lines.append("## 各月办理情况\n")
    if months:
        rows = []
        for m in reversed(months):
            um = model.stats[m].units[uid]
            rows.append(
                [
                    a(src, register_path(uid, m), month_label(m)),
                    len(um.dispatches),
                    *(fmt_percent(um.rates.rate(k)) for k in RATE_NAMES),
                    um.redo,
                    um.overdue,
                ]
            )
        lines.append(table(["月份（登记表）", "派单", *RATE_NAMES.values(), "重办", "逾期"], rows, numeric=(1, 7, 8)))
        last = months[-12:]
        lines.append(
            chart(
                charts.rates(
                    last,
                    {name: [model.stats[m].units[uid].rates.rate(k) for m in last] for k, name in RATE_NAMES.items()},
                    _not_final(model, last),
                ),
                label="本单位五率趋势",
            )
        )
    else:
        lines.append("尚无派至本单位的工单。\n")
    entries = [e for e in model.entries if e.meta.unit == uid]
    lines.append(f"## 知识库（{len(entries)} 条）\n")
    stale_here = sum(e.stale(model.as_of.date()) for e in entries)
    if stale_here:
        lines.append(
            admonition("warning", "知识库条目已过期", f"本单位有 {stale_here} 条知识库条目已过有效期，请核实后更新。")
        )
    if entries:
        lines.append(_entries_table(src, model, entries))
    else:
        lines.append("本单位尚未录入知识库条目（通知 §二(一)2：承办单位负责录入本单位的热线知识库信息）。\n")
    prov = any(s.provisional for _, s in open_)
    return Page(src, u.name, "\n".join(lines), _meta(model, prov))


# --- supervision (督办) ----------------------------------------------------------------------------


def _dispatch_table(
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
            _fmt(s.dispatched_at),
            f"{s.current_due}" + ("*" if s.provisional else ""),
            Markup("{} {}").format(s.status, flag),
        ]
        if extra == "return":
            row.append(_fmt(s.return_requested_at))
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


def supervision(model: Publication) -> Page:
    src = SUPERVISION_PAGE
    c = model.current
    sections = [
        (
            "逾期未办结",
            c.overdue,
            None,
            "已过办理期限仍未办结：电话督办；集中、难以解决的，报县政府批示督办（§二(三)5）。",
        ),
        ("即将到期", c.due_soon, None, f"期限前 {model.rules.deadlines.due_soon_days} 个工作日起提醒（系统督办）。"),
        (
            "重办中",
            c.redo,
            None,
            f"首次回访不满意、发回重办的工单，重办期限 {model.rules.deadlines.redo_days} 个工作日。",
        ),
        (
            "待审核的退回申请",
            c.pending_returns,
            "return",
            "请热线管理机构审核：同意的进行职责界定后再次转派，不同意的说明理由（§二(二)5）。",
        ),
        (
            "待审核的延期申请",
            c.pending_extensions,
            "extension",
            "延期不得超过规定办理期限，突发类事项不得延期（§二(三)3(4)）。",
        ),
    ]
    lines = [
        "# 督办\n",
        f"截至 {model.as_of:%Y-%m-%d %H:%M}。",
        cards(
            [
                (t, str(len(p)), "", "hl-bad" if t == "逾期未办结" and p else ("hl-warn" if p else ""))
                for t, p, _, _ in sections
            ]
        ),
    ]
    for title, pairs, extra, note in sections:
        lines.append(f"## {title}（{len(pairs)}）\n")
        lines.append(note + "\n")
        lines.append(_dispatch_table(src, model, pairs, extra) if pairs else "无。\n")
    if c.overdue:
        per_unit = Counter(s.unit for _, s in c.overdue)
        lines.append("## 各单位逾期未办结件数\n")
        lines.append(
            table(
                ["单位", "逾期未办结"],
                [[a(src, unit_path(u), model.unit_name(u)), n] for u, n in per_unit.most_common()],
                numeric=(1,),
            )
        )
    prov = any(s.provisional for _, pairs, _, _ in sections for _, s in pairs)
    return Page(src, "督办", "\n".join(lines), _now_meta(model, prov, hide=["navigation"]))


# --- orders lookup (工单查询) -----------------------------------------------------------------------


def orders_page(model: Publication) -> Page:
    body = (
        "# 工单查询\n\n"
        "按工单编号、标题中的文字或单位名称查找工单（可输入多个词，用空格分开），点击编号查看办理情况和时间线："
        "事件声明的时间、入库（提交）时间、提交编号和提交人，以及补录过晚、已被改写的标记。\n\n"
        '<div id="hl-orders" data-base="../assets/data/">\n'
        '<input type="search" placeholder="工单编号、标题文字或单位，如：供暖 金村镇" aria-label="查找工单" disabled>\n'
        '<p class="hl-count">正在读取工单索引……</p>\n'
        '<div class="hl-results"></div>\n'
        "</div>\n"
        '<div id="hl-order"></div>\n'
        '<script src="../assets/orders.js"></script>\n'
    )
    return Page(ORDERS_PAGE, "工单查询", body, _meta(model, hide=["toc"], search={"exclude": True}))


# --- knowledge base (知识库) ------------------------------------------------------------------------


def _entries_table(src: str, model: Publication, entries: list[Entry]) -> str:
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


def knowledge_index(model: Publication) -> Page:
    src = "knowledge/index.md"
    today = model.as_of.date()
    stale = sum(e.stale(today) for e in model.entries)
    lines = [
        "# 知识库\n",
        f"各承办单位录入的热线知识库条目，共 {len(model.entries)} 条，其中已过有效期 {stale} 条（标“已过期”，请相关单位及时更新）。"
        "条目文件在 `site_src/knowledge/单位编号/`，可用右上角搜索按关键词查找。\n",
    ]
    by_unit: dict[str, list[Entry]] = {}
    for e in model.entries:
        by_unit.setdefault(e.meta.unit, []).append(e)
    for uid in sorted(by_unit, key=lambda u: (model.handling_units.index(u) if u in model.handling_units else 999, u)):
        lines.append(f"## {md_text(model.units[uid].name if uid in model.units else uid)}\n")
        lines.append(_entries_table(src, model, sorted(by_unit[uid], key=lambda e: (e.meta.category, e.meta.title))))
    stale_entries = [e for e in model.entries if e.stale(today)]
    if stale_entries:
        lines.append(f"## 已过有效期的条目（{len(stale_entries)}）\n")
        lines.append("请相关单位核实后更新 `valid_until` 或内容。\n")
        lines.append(_entries_table(src, model, stale_entries))
    missing = [u for u in model.handling_units if u not in by_unit]
    if missing:
        lines.append("## 尚未录入条目的单位\n")
        lines.append(md_text("、".join(model.unit_name(u) for u in missing) + "。") + "\n")
    return Page(src, "知识库", "\n".join(lines), _meta(model))


def knowledge_page(model: Publication, e: Entry) -> Page:
    src = knowledge_path(e)
    m = e.meta
    today = model.as_of.date()
    head = []
    if e.stale(today):
        head.append(
            admonition(
                "danger",
                "已过期",
                f"本条目的有效期至 {m.valid_until}，已过期，内容可能已不适用：请{md_text(model.unit_name(m.unit))}核实后更新。",
            )
        )
    if m.sample:
        head.append(admonition("note", "示例条目", "本条目为示例内容，用于演示知识库的格式，并非正式发布的政策解答。"))
    info = table(
        ["项目", "内容"],
        [
            ["单位", a(src, unit_path(m.unit), model.units[m.unit].name if m.unit in model.units else m.unit)],
            ["类别", m.category],
            ["关键词", "、".join(m.keywords) or "—"],
            ["依据", m.source],
            ["更新日期", str(m.updated)],
            ["有效期至", str(m.valid_until) if m.valid_until else "长期有效"],
        ],
    )
    body = f"# {md_text(m.title)}\n\n" + "\n".join(head) + "\n" + info + "\n" + safe_markdown.block(e.body.strip())
    meta = _meta(model)
    meta["keywords"] = m.keywords
    return Page(src, m.title, body, meta)


# --- archive (归档) --------------------------------------------------------------------------------


def archive_page(model: Publication, zip_links: dict[str, str]) -> Page:
    src = "archive.md"
    rows = []
    for ar in sorted(model.archives, key=lambda x: x.month, reverse=True):
        link = (
            a(src, zip_links[ar.month], f"{ar.month}.zip（{ar.zip_size / 1024:.0f} KB）")
            if ar.month in zip_links
            else Markup('<span class="hl-warn">归档文件未找到</span>')
        )
        rows.append([month_label(ar.month), ar.tag, ar.commit[:10], _fmt(ar.sealed_at), link])
    body = (
        "# 归档\n\n每月的记录在月结后封存：在封存时的提交上打标签 `archive/YYYY-MM`，并生成当月工单、各单位登记表、月报和"
        "清单（每个文件的 SHA-256）的压缩包。命令：`hotline archive YYYY-MM`。\n\n"
    )
    body += table(["月份", "标签", "提交", "封存时间", "压缩包"], rows) if rows else "还没有归档的月份。\n"
    return Page(src, "归档", body, _meta(model))


def _home_charts(model: Publication, month: str, ms) -> list[str]:
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
    out.append(_rates_chart(model, months, "各月五率"))
    out.append(f"## {month_label(month)}诉求类别\n")
    out.append(chart(charts.pie({k: ms.by_category.get(k, 0) for k in CATEGORIES}, "诉求类别"), label="诉求类别"))
    return out


def _rates_chart(model: Publication, months: list[str], label: str) -> str:
    """The county's five rates month by month, over the settled dispatches; a month not final drawn as 暂定."""
    rates = {name: [model.stats[m].county.rate(k) for m in months] for k, name in RATE_NAMES.items()}
    return chart(charts.rates(months, rates, _not_final(model, months)), label=label)


def _not_final(model: Publication, months: list[str]) -> set[str]:
    return {m for m in months if not model.stats[m].final or model.stats[m].unsettled}
