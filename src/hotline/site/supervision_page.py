"""The supervision page (督办): what is overdue, due soon, in redo, and the requests awaiting review."""

from __future__ import annotations

from collections import Counter

from hotline.reports.publication import Publication
from hotline.site.page_parts import (
    SUPERVISION_PAGE,
    dispatch_table,
    now_meta,
    unit_path,
)
from hotline.site.render import Page, a, cards, table


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
        lines.append(dispatch_table(src, model, pairs, extra) if pairs else "无。\n")
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
    return Page(src, "督办", "\n".join(lines), now_meta(model, prov, hide=["navigation"]))
