"""The units section (承办单位): every handling unit with what its file still lacks (assessment items 1–4 and 6,
``scoring.setup.missing_items``), and each unit's page: its setup, open dispatches, months and knowledge entries."""

from __future__ import annotations

from markupsafe import Markup

from hotline.records import privacy as pii
from hotline.records.units import is_office
from hotline.reports import page_facts
from hotline.reports.monthly import RATE_NAMES, fmt_percent, month_label
from hotline.reports.publication import Publication
from hotline.scoring.setup import missing_items
from hotline.site import charts
from hotline.site.page_parts import (
    dispatch_table,
    entries_table,
    meta,
    register_path,
    unit_path,
)
from hotline.site.render import Page, a, admonition, chart, md_text, table, tag


def units_index(model: Publication) -> Page:
    src = "units/index.md"
    rows = []
    for uid in model.handling_units:
        u = model.units[uid]
        h = u.hotline
        miss = missing_items(u, model.rules.assessment)
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
    complete = sum(1 for uid in model.handling_units if not missing_items(model.units[uid], model.rules.assessment))
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
    return Page(src, "承办单位", body, meta(model, hide=["toc"]))


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
    open_ = page_facts.unit_open(model, uid)
    lines.append(f"## 未办结的工单（{len(open_)} 件）\n")
    lines.append(dispatch_table(src, model, open_) if open_ else "没有未办结的工单。\n")
    months = page_facts.unit_months(model, uid)
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
                    page_facts.not_final(model, last),
                ),
                label="本单位五率趋势",
            )
        )
    else:
        lines.append("尚无派至本单位的工单。\n")
    entries = page_facts.unit_entries(model, uid)
    lines.append(f"## 知识库（{len(entries)} 条）\n")
    stale_here = len(page_facts.stale_entries(model, entries))
    if stale_here:
        lines.append(
            admonition("warning", "知识库条目已过期", f"本单位有 {stale_here} 条知识库条目已过有效期，请核实后更新。")
        )
    if entries:
        lines.append(entries_table(src, model, entries))
    else:
        lines.append("本单位尚未录入知识库条目（通知 §二(一)2：承办单位负责录入本单位的热线知识库信息）。\n")
    prov = any(s.provisional for _, s in open_)
    return Page(src, u.name, "\n".join(lines), meta(model, prov))
