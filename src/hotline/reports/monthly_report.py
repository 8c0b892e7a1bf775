"""The monthly report (《泽州县12345政务服务热线月报》) as content: sections of paragraphs and tables.

Pure: from a month's figures (``stats``), its hot topics (``hotspots``), the ranking and the optional
hand-written advice to a ``Report`` value. The ``.docx`` writer and the site page both lay out the same
value, so the figures in both are the same by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from hotline.lifecycle.state import DispatchState
from hotline.records import privacy as pii
from hotline.records.models import Unit
from hotline.reports.file_names import document_file
from hotline.reports.hot_topics import HotTopics
from hotline.reports.monthly import (
    CATEGORIES,
    RATE_NAMES,
    MonthStats,
    fmt_percent,
    month_label,
)

TITLE = "泽州县12345政务服务热线月报"
NUMERALS = "一二三四五六七八九十"


@dataclass
class Paragraph:
    text: str


@dataclass
class Subheading:
    text: str


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""


Block = Paragraph | Subheading | Table


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class RankEntry:
    unit: str
    score: str
    note: str = ""


@dataclass
class Report:
    month: str
    title: str
    issue: str
    office: str
    compiled_on: date
    sections: list[Section]
    provisional: bool
    period_title: str | None = None  # e.g. 2026年第四季度 (分析研判); None: the month
    unsettled: int = 0  # dispatches whose outcome is not known yet: the report is 暂定 while > 0
    final: bool = True  # the period is final (``MonthStats.final``): else 暂定, by title and file name

    @property
    def provisional_note(self) -> str:
        """The 暂定 line of the title block, or empty when the month is final."""
        if not self.unsettled:
            return ""
        return (
            f"暂定：本月尚有 {self.unsettled} 件次派单的办理结果未确定，各项比率按结果已确定的派单计算，"
            "排名和得分为暂定结果，全部确定后更新。"
        )

    @property
    def file_stem(self) -> str:
        """泽州县12345政务服务热线月报-2026-11; a quarter by its name: …分析研判-2026年第四季度."""
        return f"{self.title}-{self.period_title or self.month}"

    @property
    def file_name(self) -> str:
        """The ``.docx`` file's name, the same on the site and in the month-end's folder (``file_names``)."""
        return document_file(self.file_stem, self.final)

    @property
    def tentative(self) -> bool:
        """暂定: results not all known yet."""
        return bool(self.unsettled) or not self.final


def unit_name(units: dict[str, Unit], uid: str) -> str:
    u = units.get(uid)
    return (u.short_name or u.name) if u else uid


def _change(now: int, before: int | None, what: str) -> str:
    if before is None:
        return f"{what}无数据"
    d = now - before
    if before == 0:
        return f"{what}没有工单"
    pct = f"{abs(d) * 100 / before:.1f}%"
    if d > 0:
        return f"较{what}（{before} 件）增加 {d} 件，增长 {pct}"
    if d < 0:
        return f"较{what}（{before} 件）减少 {-d} 件，下降 {pct}"
    return f"与{what}持平（{before} 件）"


def compose(
    ms: MonthStats,
    hot: HotTopics,
    ranking: list[RankEntry],
    ranking_basis: str,
    units: dict[str, Unit],
    titles: dict[str, str],
    office: str,
    compiled_on: date,
    advice: str | None = None,
    late_records: list[tuple[str, str, str]] | None = None,
) -> Report:
    """``titles``: order id → title (for example orders); ``late_records``: (order id, unit, text)."""
    label = month_label(ms.month)
    sections: list[Section] = []

    # 一、总体情况
    cats = "，".join(f"{k} {ms.by_category.get(k, 0)} 件" for k in CATEGORIES)
    # a month not over is compared with the same days of the earlier months (month_to_date)
    days = "同期" if ms.through else ""  # with "截至N日" before: the same days of last month
    so_far = f"截至{ms.through.month}月{ms.through.day}日" if ms.through else ""
    overall = Section(
        "总体情况",
        [
            Paragraph(
                f"{label}，{so_far}全县12345政务服务热线共受理工单 {ms.received} 件，{_change(ms.received, ms.previous, '上月' + days)}；"
                f"{_change(ms.received, ms.last_year, '去年同期')}。其中{cats}。"
                f"本月共向承办单位派单 {sum(len(u.dispatches) for u in ms.units.values())} 件次，涉及 {len(ms.units)} 个单位。"
            )
        ],
    )
    sections.append(overall)

    sections.append(Section("办理情况", _handling_blocks(ms, ranking, ranking_basis, units)))

    sections.append(Section("热点问题分析", _hot_blocks(hot, titles)))
    sections.append(Section("存在问题", _problem_blocks(ms, units, late_records, compiled_on)))

    # 五、下步工作建议 (hand-written, optional)
    if advice and advice.strip():
        paras: list[Block] = [
            Paragraph("".join(line.strip() for line in p.splitlines()))
            for p in advice.strip().split("\n\n")
            if p.strip()
        ]
        sections.append(Section("下步工作建议", paras))

    for i, s in enumerate(sections):
        s.title = f"{NUMERALS[i]}、{s.title}"
    return Report(
        ms.month,
        TITLE,
        f"{int(ms.month[:4])}年第{int(ms.month[5:7])}期",
        office,
        compiled_on,
        sections,
        ms.provisional,
        unsettled=ms.unsettled,
        final=ms.final,
    )


def _hot_blocks(hot: HotTopics, titles: dict[str, str]) -> list[Block]:
    """三、热点问题分析: rising keywords and places where orders cluster."""
    blocks: list[Block] = []
    if hot.keywords:
        blocks.append(Subheading("（一）上升的关键词"))
        blocks.append(Paragraph("本月反映较上月明显上升的关键词如下（按涉及工单数的增加排列）。"))
        blocks.append(
            Table(
                ["关键词", "本月工单", "上月工单", "增加", "示例工单"],
                [
                    [
                        k.word,
                        str(k.count),
                        str(k.previous),
                        f"+{k.change}",
                        "；".join(f"{i} {pii.mask_text(titles.get(i, ''))}" for i in k.examples),
                    ]
                    for k in hot.keywords
                ],
            )
        )
    else:
        blocks.append(Paragraph("本月没有较上月明显上升的关键词。"))
    if hot.places:
        blocks.append(Subheading("（二）诉求集中的地点" if hot.keywords else "（一）诉求集中的地点"))
        blocks.append(
            Table(
                ["地点", "本月工单", "上月工单", "主要类别", "示例工单"],
                [
                    [
                        pii.mask_text(p.place),
                        str(p.count),
                        str(p.previous),
                        "、".join(f"{k}{v}" for k, v in p.categories.most_common(3)),
                        "；".join(p.examples),
                    ]
                    for p in hot.places
                ],
            )
        )
    return blocks


WORST_CASES = 2  # per unit, the dispatches longest overdue named in 存在问题


def days_late(s: DispatchState, today: date) -> int:
    """Calendar days the dispatch's reply (or redo reply) came after its deadline, or is overdue by ``today``."""
    first = (s.reply_at.date() if s.reply_at else today) - s.due
    days = first.days
    if s.redo_at is not None and s.redo_due is not None:
        days = max(days, ((s.redo_reply_at.date() if s.redo_reply_at else today) - s.redo_due).days)
    return max(days, 0)


def _problem_blocks(
    ms: MonthStats,
    units: dict[str, Unit],
    late_records: list[tuple[str, str, str]] | None,
    today: date,
) -> list[Block]:
    """四、存在问题, per unit: how many dispatches were late, how many are still open, the worst cases; entries
    recorded late. Each dispatch is in the units' registers (登记表): the report does not list them all."""
    problems: list[Block] = []
    if ms.overdue:
        by_unit: dict[str, list[DispatchState]] = {}
        for s in ms.overdue:
            by_unit.setdefault(s.unit, []).append(s)
        order = sorted(by_unit, key=lambda u: (-len(by_unit[u]), -max(days_late(s, today) for s in by_unit[u]), u))
        again = len(ms.repeated_delay_units)  # reports.repeated_delay_min or more
        problems.append(
            Paragraph(
                f"本月派单中逾期 {len(ms.overdue)} 件次，涉及 {len(by_unit)} 个单位"
                + (f"，其中 {again} 个单位多次逾期" if again else "")
                + "。按单位汇总如下，逐件情况见各单位登记表。"
            )
        )
        rows = []
        for u in order:
            worst = sorted(by_unit[u], key=lambda s: (-days_late(s, today), s.order_id))[:WORST_CASES]
            rows.append(
                [
                    unit_name(units, u),
                    str(len(by_unit[u])),
                    str(sum(s.open for s in by_unit[u])),
                    "；".join(f"{s.order_id} 逾期 {days_late(s, today)} 天" for s in worst),
                ]
            )
        problems.append(Table(["单位", "逾期件次", "仍未办结", "逾期最久的工单"], rows, "各单位逾期情况"))
    else:
        problems.append(Paragraph("本月派单没有逾期。"))
    if late_records:
        per_unit: dict[str, int] = {}
        for _, u, _ in late_records:
            per_unit[u] = per_unit.get(u, 0) + 1
        problems.append(
            Paragraph(
                f"登记晚于规定或登记后被改动的事件涉及 {len(late_records)} 件工单："
                + "、".join(
                    f"{unit_name(units, u)} {n} 件" for u, n in sorted(per_unit.items(), key=lambda kv: (-kv[1], kv[0]))
                )
                + "（见各单位登记表备注）。"
            )
        )
    return problems


def _handling_blocks(
    ms: MonthStats, ranking: list[RankEntry], ranking_basis: str, units: dict[str, Unit]
) -> list[Block]:
    """二、办理情况: the county's rates, each unit's figures and the ranking."""
    c = ms.county
    rates = "，".join(f"{name} {fmt_percent(c.rate(k))}" for k, name in RATE_NAMES.items())
    return [
        Paragraph(
            f"本月纳入统计的转办工单 {c.total} 件次（主办、会办均计，同意退回的不计）。全县{rates}。"
            f"重办 {len(ms.redo)} 件次，申请退回 {len(ms.returns)} 件次（同意 {sum(s.returned for s in ms.returns)} 件次），"
            f"申请延期 {len(ms.extensions)} 件次，逾期 {len(ms.overdue)} 件次。"
        ),
        Subheading("（一）各单位办理情况"),
        Table(
            ["单位", "转办件数", *RATE_NAMES.values(), "重办", "退回", "延期"],
            [
                [
                    unit_name(units, uid),
                    str(um.rates.total),
                    *(fmt_percent(um.rates.rate(k)) for k in RATE_NAMES),
                    str(um.redo),
                    str(um.returns_approved),
                    str(um.extension_requests),
                ]
                for uid, um in ms.units.items()
            ],
        ),
        Subheading("（二）单位排名"),
        Paragraph(ranking_basis),
        Table(
            ["名次", "单位", "得分", "说明"],
            [[str(i), unit_name(units, r.unit), r.score, r.note] for i, r in enumerate(ranking, 1)],
        ),
    ]
