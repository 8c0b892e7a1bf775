"""The periodic 分析研判 (§二(三)7 "定期梳理、分析和研判群众反映的政情民意"): a quarter's hot topics,
their trend month by month, and the supervision that went to the county government (批示督办) or came
from the province or city (专项督办), composed as a ``Report`` so that the monthly report's page and
``.docx`` writer (GB/T 9704 style) render it. Pure: orders, units, rules and ``as_of`` in, a report out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, time

from hotline.records.models import Order, Unit
from hotline.records.rules import Rules
from hotline.reports.hot_topics import Vocabulary, keywords_of_each
from hotline.reports.monthly import CATEGORIES, month_label
from hotline.reports.monthly_report import Block, Paragraph, Report, Section, Table
from hotline.scoring.period import Period, parse_period
from hotline.workdays import end_of

TITLE = "泽州县12345政务服务热线分析研判"


def _months(p: Period) -> list[str]:
    out, y, m = [], p.start.year, p.start.month
    while (y, m) <= (p.end.year, p.end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def previous_quarter(p: Period) -> Period:
    q = (p.start.month - 1) // 3 + 1
    return parse_period(f"{p.start.year - 1}-Q4" if q == 1 else f"{p.start.year}-Q{q - 1}")


def _in(orders: Sequence[Order], p: Period, as_of: datetime) -> list[Order]:
    start, end = datetime.combine(p.start, time(0, 0)), min(end_of(p.end), as_of)
    return [o for o in orders if start <= o.received_at < end]


def _supervision_rows(
    orders: Sequence[Order], p: Period, as_of: datetime, units: Mapping[str, Unit]
) -> list[list[str]]:
    start, end = datetime.combine(p.start, time(0, 0)), min(end_of(p.end), as_of)
    rows = []
    for o in orders:
        for ev in o.events:
            if ev.type == "督办" and ev.kind in ("批示", "专项") and start <= ev.at < end:
                kind = f"{ev.level}级专项督办" if ev.kind == "专项" else "批示督办"
                name = units[ev.unit].name if ev.unit in units else ev.unit
                rows.append([f"{ev.at:%Y-%m-%d}", o.id, o.title, name, kind, ev.note or "—"])
    return sorted(rows)


def compose(
    orders: Sequence[Order],
    units: Mapping[str, Unit],
    rules: Rules,
    quarter: str,
    as_of: datetime,
    office: str,
    extra_words: tuple[str, ...] = (),
) -> Report:
    p = parse_period(quarter)
    if p.kind != "quarter":
        raise ValueError(f"分析研判按季度编制：考核期应写成 2026-Q4 这样的季度，不是“{quarter}”")
    prev = previous_quarter(p)
    now, before = _in(orders, p, as_of), _in(orders, prev, as_of)
    months = _months(p)
    overview = _overview(now, before, months)
    vocabulary = Vocabulary.of(rules.reports)
    kw = keywords_of_each([*now, *before], vocabulary, extra_words)
    words: dict[str, list[Order]] = defaultdict(list)
    for o in now:
        for w in kw[o.id]:
            words[w].append(o)
    prev_count = Counter(w for o in before for w in kw[o.id])
    ranked = sorted(words, key=lambda w: (-len(words[w]), w))  # 反映最多的
    top = vocabulary.choose(ranked, rules.office.analysis_hot_topics, str)
    hot_rows = [
        [
            w,
            str(len(words[w])),
            str(prev_count[w]),
            f"{len(words[w]) - prev_count[w]:+d}",
            "\n".join(o.id for o in words[w][: rules.reports.examples]),  # an id a line: never broken
        ]
        for w in top
    ]
    trend_rows = [[w] + [str(sum(1 for o in words[w] if f"{o.received_at:%Y-%m}" == m)) for m in months] for w in top]
    sup = _supervision_rows(orders, p, as_of, units)
    sections = [
        Section("一、总体情况", overview),
        Section(
            "二、热点问题",
            [
                Paragraph(f"按工单标题和内容的关键词统计，本季度反映最多的 {len(top)} 个问题如下。"),
                Table(["关键词", "本季度件数", "上季度件数", "增减", "示例工单"], hot_rows, "热点问题"),
            ]
            if top
            else [Paragraph("本季度没有可统计的关键词。")],
        ),
        Section(
            "三、变化趋势",
            [Table(["关键词"] + [month_label(m) for m in months], trend_rows, "热点问题逐月件数")]
            if top
            else [Paragraph("无。")],
        ),
        Section(
            "四、批示督办和专项督办",
            [
                Paragraph(f"本季度批示督办、省市专项督办共 {len(sup)} 件。"),
                Table(["日期", "工单编号", "标题", "承办单位", "类别", "说明"], sup, "督办清单"),
            ]
            if sup
            else [Paragraph("本季度没有批示督办或省市专项督办。")],
        ),
    ]
    return Report(
        p.label,
        TITLE,
        f"{p.start.year}年第{(p.start.month - 1) // 3 + 1}期",
        office,
        as_of.date(),
        sections,
        False,
        period_title=p.title,
    )


def _overview(now: list[Order], before: list[Order], months: list[str]) -> list[Block]:
    """一、总体情况: the quarter's orders by category and by month, against the quarter before."""
    by_month = Counter(f"{o.received_at:%Y-%m}" for o in now)
    cats: Counter[str] = Counter(o.category for o in now)
    overview: list[Block] = [
        Paragraph(
            f"本季度共受理工单 {len(now)} 件（上季度 {len(before)} 件），其中"
            + "、".join(f"{c} {cats[c]} 件" for c in CATEGORIES if cats[c])
            + "。"
            if now
            else "本季度尚无工单。"
        )
    ]
    overview.append(Table(["月份", "受理件数"], [[month_label(m), str(by_month[m])] for m in months], "各月受理情况"))
    return overview
