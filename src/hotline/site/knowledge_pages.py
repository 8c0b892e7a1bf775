"""The knowledge base section (知识库): entries by unit, the stale ones, and each entry's page."""

from __future__ import annotations

from hotline.records.knowledge import Entry
from hotline.reports import page_facts
from hotline.reports.publication import Publication
from hotline.site import safe_markdown
from hotline.site.page_parts import (
    entries_table,
    knowledge_path,
    meta,
    unit_path,
)
from hotline.site.render import Page, a, admonition, md_text, table


def knowledge_index(model: Publication) -> Page:
    src = "knowledge/index.md"
    stale_entries = page_facts.stale_entries(model)
    lines = [
        "# 知识库\n",
        f"各承办单位录入的热线知识库条目，共 {len(model.entries)} 条，其中已过有效期 {len(stale_entries)} 条（标“已过期”，请相关单位及时更新）。"
        "条目文件在 `site_src/knowledge/单位编号/`，可用右上角搜索按关键词查找。\n",
    ]
    by_unit = page_facts.entries_by_unit(model)
    for uid, entries in by_unit.items():
        lines.append(f"## {md_text(model.units[uid].name if uid in model.units else uid)}\n")
        lines.append(entries_table(src, model, entries))
    if stale_entries:
        lines.append(f"## 已过有效期的条目（{len(stale_entries)}）\n")
        lines.append("请相关单位核实后更新 `valid_until` 或内容。\n")
        lines.append(entries_table(src, model, stale_entries))
    missing = [u for u in model.handling_units if u not in by_unit]
    if missing:
        lines.append("## 尚未录入条目的单位\n")
        lines.append(md_text("、".join(model.unit_name(u) for u in missing) + "。") + "\n")
    return Page(src, "知识库", "\n".join(lines), meta(model))


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
    front = meta(model)
    front["keywords"] = m.keywords
    return Page(src, m.title, body, front)
