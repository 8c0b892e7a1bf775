"""Site pages for the hotline office's own work: its timeliness (热线办时效), and on the supervision page
the approved returns awaiting a new dispatch (待转派) and the suggested repeated demands (疑似重复诉求)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from hotline.checks.office_timeliness import KINDS, Task, awaiting_redispatch, by_month, figures, tasks
from hotline.load import Repository
from hotline.office.repeats import suggest
from hotline.records.models import Order
from hotline.records.rules import Rules
from hotline.reports.analysis import compose as compose_analysis
from hotline.reports.documents import report_docx
from hotline.reports.hot_topics import Vocabulary, unit_words
from hotline.reports.monthly import month_label
from hotline.reports.publication import Publication as SiteModel
from hotline.site.page_parts import order_link
from hotline.site.page_parts import report_blocks as blocks
from hotline.site.render import Page, a, table
from hotline.times import format_date, format_time
from hotline.workdays import WorkCalendar, end_of

OFFICE_PAGE = "office.md"
_NOTES = {
    "派单": "收件当天派单；休息日或 {cutoff} 以后收到的，下一个工作日内派单",
    "退回审核": "退回申请提出后 {days} 个工作日内审核",
    "延期审核": "延期申请提出后 {days} 个工作日内审核",
    "转派": "同意退回后 {days} 个工作日内重新派单",
}


def _order(src: str, oid: str) -> str:
    return order_link(src, oid)


def office_page(model: SiteModel, repo: Repository) -> Page:
    rules, calendar = repo.rules, repo.calendar
    src = OFFICE_PAGE
    orders = [st.order for st in model.states]
    fs = figures(orders, rules, calendar, model.as_of)
    months = by_month(fs)
    notes = {
        k: v.format(cutoff=f"{rules.deadlines.receipt_cutoff:%H:%M}", days=rules.office.review_days)
        for k, v in _NOTES.items()
    }
    lines = [
        "# 热线办时效\n",
        f"县热线管理机构自身工作的及时性（只统计，不计入考核），截至 {model.as_of:%Y-%m-%d %H:%M}。时限见 "
        "`scoring/rules.yaml` 的 `office.review_days` 和 `deadlines.receipt_cutoff`：\n",
    ]
    lines += [f"- **{k}**：{notes[k]}" for k in KINDS]
    lines.append("")
    headers = ["月份"] + [f"{k}（按时/应办）" for k in KINDS] + [f"{k}及时率" for k in KINDS]
    rows = []
    for m in sorted(months, reverse=True):
        row = [month_label(m)]
        cells, rates = [], []
        for k in KINDS:
            f = months[m].get(k)
            done = (f.on_time + f.late + f.open_late) if f else 0
            cells.append(f"{f.on_time}/{done}" + (f"（另 {f.open} 件未到期）" if f and f.open else "") if f else "—")
            rates.append(f"{f.rate:.1%}" if f and f.rate is not None else "—")
        rows.append(row + cells + rates)
    lines.append(table(headers, rows) if rows else "尚无数据。\n")
    late = [t for o in orders for t in _late_tasks(o, rules, calendar, model.as_of)]
    lines.append(f"## 不及时的事项（{len(late)}）\n")
    lines.append(
        table(
            ["工单", "事项", "单位", "起算", "应在此日前", "完成时间"],
            [
                [
                    _order(src, t.order_id),
                    t.kind,
                    model.unit_name(t.unit) if t.unit else "—",
                    format_time(t.since),
                    format_date(t.due),
                    format_time(t.done_at) if t.done_at else "尚未办理",
                ]
                for t in late[-200:]
            ],
        )
        if late
        else "无。\n"
    )
    return Page(src, "热线办时效", "\n".join(lines), {"hide": ["navigation"]})


def _late_tasks(order: Order, rules: Rules, calendar: WorkCalendar, as_of: datetime) -> Iterator[Task]:
    for t in tasks(order, rules, calendar):
        if t.done_at is not None and t.done_at > as_of:
            t.done_at = None
        if t.since <= as_of and t.late_as_of(as_of):
            yield t


def supervision_sections(model: SiteModel, repo: Repository) -> str:
    """待转派 and 疑似重复诉求 (this month and the last), appended to the supervision page."""
    src = "supervision.md"
    rules = repo.rules
    orders = [st.order for st in model.states]
    waiting = awaiting_redispatch(orders, rules, repo.calendar, model.as_of)  # 转派 tasks: each names its unit
    lines = [
        f"## 待转派（{len(waiting)}）\n",
        f"同意退回后尚未重新派单的工单：请在 {rules.office.review_days} 个工作日内职责界定后再次转派（§二(二)5）。\n",
    ]
    lines.append(
        table(
            ["工单", "退回单位", "同意退回", "应在此日前转派", "状态"],
            [
                [
                    _order(src, t.order_id),
                    model.unit_name(t.unit or ""),
                    format_time(t.since),
                    format_date(t.due),
                    "已超期" if model.as_of >= end_of(t.due) else "未到期",
                ]
                for t in waiting
            ],
        )
        if waiting
        else "无。\n"
    )
    months = model.months[-2:]
    start = datetime.strptime(months[0] + "-01", "%Y-%m-%d") if months else model.as_of
    names = unit_words(model.units.values())
    groups = suggest(
        orders, rules.office, start, end_of(model.as_of.date()), names, vocabulary=Vocabulary.of(rules.reports)
    )
    lines.append(f"## 疑似重复诉求（{len(groups)}）\n")
    lines.append(
        f"近两个月同一诉求人（脱敏姓名和电话尾号）在 {rules.office.repeat_window_days} 天内就同一地点、同一事项再次反映的工单。"
        "确认后由热线办并单（`hotline repeats --merge 较晚的工单 --into 较早的工单`），并单后的工单在考核中只计一次。\n"
    )
    lines.append(
        table(["工单", "依据"], [["、".join(_order(src, i) for i in g.ids), g.why] for g in groups])
        if groups
        else "无。\n"
    )
    lines.append(f"\n另见 {a(src, OFFICE_PAGE, '热线办时效')}。\n")
    return "\n".join(lines)


ANALYSIS_INDEX = "analysis/index.md"


def quarters_of(months: list[str]) -> list[str]:
    """The quarters with data, newest first (``2026-Q4``)."""
    return sorted({f"{m[:4]}-Q{(int(m[5:7]) - 1) // 3 + 1}" for m in months}, reverse=True)


def analysis_pages(model: SiteModel, repo: Repository) -> list[tuple[Page, str, bytes]]:
    """(page, .docx path, .docx bytes) per quarter, and the index page (with no document)."""
    names = unit_words(model.units.values())
    orders = [st.order for st in model.states]
    out = []
    index_rows = []
    for q in quarters_of(model.months):
        report = compose_analysis(orders, model.units, repo.rules, q, model.as_of, model.office, names)
        src, docx = f"analysis/{q}.md", f"analysis/{report.file_name}"
        lines = [
            f"# {report.title}（{report.period_title}）\n",
            f"{report.issue} · {report.office} · {a(src, docx, '下载 Word 文件（.docx）')}\n",
        ]
        for section in report.sections:
            lines.append(f"## {section.title}\n")
            lines.extend(blocks(section.blocks))
        out.append(
            (
                Page(src, f"{report.period_title}分析研判", "\n".join(lines), {"hide": ["navigation"]}),
                docx,
                report_docx.to_bytes(report),
            )
        )
        index_rows.append([a(ANALYSIS_INDEX, src, report.period_title or q), a(ANALYSIS_INDEX, docx, ".docx")])
    body = (
        "# 分析研判\n\n每季度的热点问题、变化趋势和批示督办、省市专项督办清单（§二(三)7），"
        "供向县人民政府、县委宣传部、县行政审批服务管理局报送。\n\n"
        + (table(["季度", "Word 文件"], index_rows) if index_rows else "尚无数据。\n")
    )
    out.append((Page(ANALYSIS_INDEX, "分析研判", body, {"hide": ["navigation"]}), "", b""))
    return out
