"""The assessment pages (考核): ranking per period, each unit's item-by-item breakdown with evidence, and
the rules page that sets the notice's printed formulas beside the ones in force.

Every figure comes from ``hotline.scoring`` (both profiles, scored once per period by
``compare_profiles``); this module only lays them out. Periods are the months with data and their years.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

from hotline.records.rules import AssessmentRules, RateItem
from hotline.reports.publication import PeriodScores, Publication
from hotline.scoring import (
    Assessment,
    UnitScore,
    formula_text,
    shown,
)
from hotline.scoring.results import Evidence
from hotline.site import charts, slots
from hotline.site.render import Page, a, admonition, chart, md_text, table, tag

INDEX = "assessment/index.md"
RULES = "assessment/rules.md"
PROFILE_NAMES = {"consistent": "按满分一致的公式（现行）", "literal": "按通知印发的公式"}
SHORT_NAMES = {"consistent": "现行", "literal": "按原文"}  # in a column header: 按原文总分, 按原文等次


def period_path(label: str) -> str:
    return f"assessment/{label}.md"


def unit_path(label: str, unit: str) -> str:
    return f"assessment/{label}/{unit}.md"


def _pts(value: Decimal) -> str:
    return shown(value)


def _grade(u: UnitScore) -> Markup:
    cls = {"优秀": "hl-ok", "一般": "hl-warn", "较差": "hl-bad"}.get(u.grade, "")
    grade = Markup('<span class="{}">{}</span>').format(cls, u.grade)
    return grade + (Markup(" ") + tag(f"暂定·{u.unsettled} 件未确定", "hl-warn") if u.unsettled else "")


def provisional_note(d: Assessment) -> str:
    """The 暂定 banner of an assessment whose dispatches are not all settled (empty when final)."""
    if d.final:
        return ""
    return admonition(
        "warning",
        "暂定",
        f"本期尚有 {d.unsettled} 件派单的办理结果未确定（接收、办结或回访），"
        "比率项按结果已确定的派单计算；得分、等次和名次为暂定结果，全部确定后才是最终结果，整改只按最终等次。",
    )


def index_page(model: Publication, scored: list[PeriodScores]) -> Page:
    src = INDEX
    lines = [
        "# 考核\n",
        "按《泽州县12345政务服务热线实施意见（试行）》§三 的 16 项内容、加分项和否决项，对各承办单位按月和按年计算。"
        "通知第 9、10 项的印发公式与满分不一致，第 8、10 项的公式奖励了坏的结果："
        f"本站两种读法都算，现行读法见 {a(src, RULES, '考核规则')}。等次分数线由本系统约定（通知未规定），可在 `scoring/rules.yaml` 中调整。\n",
    ]
    months = [p for p in scored if len(p.label) == 7]
    if months:
        latest = months[0]
        lines.append(f"## 最近一期：{latest.title}\n")
        lines.append(_ranking_table(src, latest, limit=None))
    rows = []
    for p in scored:
        grades: dict[str, int] = {}
        for u in p.default.units:
            grades[u.grade] = grades.get(u.grade, 0) + 1
        rows.append(
            [
                a(src, period_path(p.label), p.title),
                len(p.default.units),
                "，".join(f"{g} {n}" for g, n in grades.items()),
                sum(u.veto for u in p.default.units),
            ]
        )
    lines.append("## 各考核期\n")
    lines.append(table(["考核期", "参评单位", "等次分布（现行读法）", "否决"], rows, numeric=(1, 3)))
    return Page(src, "考核", "\n".join(lines), {"hide": ["toc"]})


def _ranking_table(src: str, p: PeriodScores, limit: int | None = None) -> str:
    profiles = p.profiles
    other = profiles[1:]
    rows = []
    for u in p.default.units[:limit]:
        row = [
            u.rank,
            a(src, unit_path(p.label, u.unit), u.name),
            u.dispatched,
            _pts(u.base),
            _pts(u.bonus),
            Markup("<strong>{}</strong>").format(_pts(u.total)),
            _grade(u),
            tag("否决", "hl-bad") if u.veto else "",
        ]
        for q in other:
            s = p.comparison.assessments[q].unit(u.unit)
            diff = s.total - u.total
            row += [_pts(s.total), f"{'+' if diff > 0 else ''}{_pts(diff)}", s.grade]
        rows.append(row)
    headers = ["名次", "单位", "转办件数", "基础分", "加分", "总分", "等次", "否决"]
    for q in other:
        short = SHORT_NAMES.get(q, q)
        headers += [f"{short}总分", f"{short}总分与现行之差", f"{short}等次"]  # each figure named once
    return table(headers, rows, numeric=(0, 2, 3, 4, 5))


def period_page(model: Publication, p: PeriodScores) -> Page:
    src = period_path(p.label)
    d = p.default
    lines = [
        f"# {p.title}考核\n",
        # a final period's scores no longer change with time: no time stamp, so its page need not be rendered again
        ("本期各派单的办理结果均已确定。" if d.final else f"截至 {model.as_of:%Y-%m-%d %H:%M}。")
        + f"现行读法：{PROFILE_NAMES.get(p.profiles[0], p.profiles[0])}；"
        f"另列按通知印发公式计算的结果及差值（{a(src, RULES, '为什么有两种读法')}）。点击单位查看逐项得分和依据。\n",
    ]
    lines.append(provisional_note(d))
    names = [u.name for u in d.units]
    lines.append(
        chart(
            charts.bar(
                names,
                {
                    PROFILE_NAMES.get(q, q): [p.comparison.assessments[q].unit(u.unit).total for u in d.units]
                    for q in p.profiles
                },
                horizontal=True,
            ),
            label="各单位总分",
        )
    )
    lines.append(_ranking_table(src, p))
    if d.rectification_applies and d.rectification:
        lines.append("## 整改\n")
        r = model.rules.assessment.rectification if model.rules.assessment else None
        if r is not None:
            lines.append(
                f"考核结果为{'或'.join(r.grades)}的单位，接到通报后 {r.days} 个工作日内报送书面整改报告（§三(四)）。\n"
            )
        lines.append(
            table(
                ["单位", "等次", "状态", "通报日期", "报送期限", "报送日期"],
                [
                    [
                        c.name,
                        c.grade,
                        tag(c.status, "hl-bad" if c.late else ("hl-warn" if c.outstanding else "")),
                        c.notice.date if c.notice and c.notice.date else "—",
                        c.due or "—",
                        c.report.date if c.report and c.report.date else "—",
                    ]
                    for c in d.rectification
                ],
            )
        )
    meta: dict[str, Any] = {"hide": ["navigation", "toc"]}
    months = [m for m in model.months if m.startswith(p.label)]
    if any(model.stats[m].provisional for m in months):
        meta["provisional"] = True
        meta["provisional_years"] = "、".join(str(y) for y in model.provisional_years)
    return Page(src, f"{p.title}考核", "\n".join(lines), meta)


def _evidence(src: str, it_evidence: Iterable[Evidence]) -> Markup:
    parts = []
    for e in it_evidence:
        if e.kind == "order":
            parts.append(Markup(f"{a(src, 'orders/index.md', e.ref, f'?id={e.ref}')}（{escape(e.reason)}）"))
        else:
            where = f"{e.path}:{e.line}" if e.line else e.path
            parts.append(
                Markup("<code>{}</code> {}").format(where, e.reason)
                + (Markup("（{} 次）").format(e.count) if e.count != 1 else "")
            )
    return Markup("<br>").join(parts)


def unit_page(model: Publication, p: PeriodScores, unit: str) -> Page:
    src = unit_path(p.label, unit)
    profiles = p.profiles
    scores = {q: p.comparison.assessments[q].unit(unit) for q in profiles}
    u = scores[profiles[0]]
    lines = [
        f"# {md_text(u.name)} · {p.title}考核\n",
        f"转办总件数 {u.dispatched} 件；基础分 {_pts(u.base)}，加分 {_pts(u.bonus)}"
        + (f"（申报 {_pts(u.bonus_claimed)}，超过上限）" if u.bonus_claimed != u.bonus else "")
        + f"，总分 **{_pts(u.total)}**，等次 **{u.grade}**，名次 {u.rank}。"
        + ("**存在否决项，等次为较差。**" if u.veto else "")
        + f" {a(src, period_path(p.label), '返回排名')}\n",
    ]
    if u.unsettled:
        lines.append(
            admonition(
                "warning",
                "暂定",
                f"本单位本期尚有 {u.unsettled} 件派单的办理结果未确定：比率项按结果已确定的派单计算，得分和等次为暂定。",
            )
        )
    rows = []
    for no, it in u.items.items():
        others = [scores[q].items[no] for q in profiles[1:]]
        rows.append(
            [
                no,
                it.name,
                _pts(it.max),
                Markup("<strong>{}</strong>").format(_pts(it.points)),
                *(_pts(o.points) for o in others),
                it.formula,
                it.note or "",
                _evidence(src, it.evidence[:50])
                + (Markup("<br>…共 {} 条").format(len(it.evidence)) if len(it.evidence) > 50 else ""),
            ]
        )
    headers = [
        "项",
        "内容",
        "满分",
        "得分",
        *(f"得分（{PROFILE_NAMES.get(q, q)}）" for q in profiles[1:]),
        "计算",
        "说明",
        "依据",
    ]
    lines.append(slots.marker("items"))  # the table goes in after MkDocs (``site.slots``): 600-odd pages of it
    if u.bonus_evidence:
        lines.append("## 加分\n")
        lines.append(f"<p>{_evidence(src, u.bonus_evidence)}</p>\n")
    if u.veto_evidence:
        lines.append("## 否决项\n")
        lines.append(f"<p>{_evidence(src, u.veto_evidence)}</p>\n")
    return Page(
        src,
        f"{u.name} {p.title}考核",
        "\n".join(lines),
        {"hide": ["navigation", "toc"], "search": {"exclude": True}},
        slots={"items": table(headers, rows, numeric=(0, 2, 3))},
    )


def rules_page(model: Publication, rules_assessment: AssessmentRules | None, scored: list[PeriodScores]) -> Page:
    src = RULES
    a_ = rules_assessment
    assert a_ is not None  # (the site is built only with assessment rules)
    lines = [
        "# 考核规则\n",
        "通知 §三(二) 的印发原文、本系统现行的计算方法，以及两者的差别对各单位的影响。所有分值和公式都在 `scoring/rules.yaml` 中。\n",
        "## 通知原文与现行公式\n",
    ]
    rows = []
    for item in a_.items:
        if isinstance(item, RateItem):
            formulas = {q: formula_text(item, q) for q in item.formulas}
            rows.append(
                [
                    item.number,
                    item.name,
                    _pts(item.max),
                    item.printed,
                    formulas.get("consistent", "—"),
                    formulas.get("literal", "—"),
                    tag(item.contradiction, "hl-warn") if item.contradiction else "",
                ]
            )
        else:
            rows.append([item.number, item.name, _pts(item.max), item.printed, "同原文", "同原文", ""])
    lines.append(
        table(
            ["项", "内容", "满分", "通知原文", "现行公式（consistent）", "按原文公式（literal）", "矛盾之处"],
            rows,
            numeric=(0, 2),
        )
    )
    lines.append(
        "\n说明：通知第 9 项满分 20 分而公式乘以 10，第 10 项满分 10 分而公式乘以 15；第 8 项（投诉举报率）和第 10 项（逾期率）"
        "按印发公式是比率越高得分越高。现行公式对好的比率（及时接收、按时办结、回访满意）按 满分×比率，对坏的比率（投诉举报、逾期）按"
        " 满分×(1−比率) 计算；按原文公式的结果仍然列出，供对照。各项计算到小数点后两位，四舍五入。\n"
    )
    lines.append("## 加分与否决\n")
    lines.append(table(["加分项", "每次", "通知原文"], [[b.name, _pts(b.points), b.printed] for b in a_.bonus.items]))
    lines.append(
        f"\n加分合计不超过 {_pts(a_.bonus.cap)} 分。有下列情形之一的，等次为{a_.vetoes.grade}："
        + "；".join(a_.vetoes.kinds)
        + "。\n"
    )
    lines.append("## 等次（本系统约定）\n")
    lines.append(table(["等次", "总分不低于"], [[g.name, _pts(g.min)] for g in a_.grades]))
    years = [p for p in scored if len(p.label) == 4]
    if years:
        lines.append(f"## 两种读法对各单位的影响（{years[0].title}）\n")
        lines.append(_readings_table(src, years[0]))
    return Page(src, "考核规则", "\n".join(lines), {"hide": ["navigation"]})


COMPARED = [
    "单位",
    "转办件数",
    "现行总分",
    "现行等次",
    "现行名次",
    "按原文总分",
    "按原文等次",
    "按原文名次",
    "总分之差",
]


def _readings_table(src: str, p: PeriodScores) -> str:
    """Each unit under both readings of the notice (each figure named once: 现行等次, 按原文等次, …)."""
    rows = []
    for r in p.comparison.rows():
        qs = p.profiles
        first, second = r[qs[0]], r[qs[1]] if len(qs) > 1 else None
        if second is None:
            continue
        diff = r[f"{qs[1]}_minus_{qs[0]}"]
        rows.append(
            [
                a(src, unit_path(p.label, r["unit"]), r["name"]),
                r["dispatched"],
                _pts(first["total"]),
                first["grade"],
                first["rank"],
                _pts(second["total"]),
                second["grade"],
                second["rank"],
                f"{'+' if diff > 0 else ''}{_pts(diff)}",
            ]
        )
    return table(COMPARED, rows, numeric=(1, 2, 4, 5, 7, 8))
