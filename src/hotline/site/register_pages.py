"""The register tables section (登记表): units × months, and each unit's register of the month."""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup

from hotline.reports.monthly import month_label
from hotline.reports.publication import Publication
from hotline.reports.register import COLUMNS, Register, short_date
from hotline.site import slots
from hotline.site.page_parts import (
    meta,
    order_link,
    register_path,
    unit_path,
    xlsx_path,
)
from hotline.site.render import Page, a, admonition, md_text, span, table


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
    return Page(src, "登记表", body, meta(model, hide=["toc"]))


def _short(t: datetime | None) -> str:
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
        meta(model, reg.provisional, hide=["navigation", "toc"], search={"exclude": True}),
        slots={"table": table(list(COLUMNS), rows, numeric=(0,), text=(6, 14))},
    )
