"""The archive page (归档): each sealed month's tag, commit and zip file."""

from __future__ import annotations

from markupsafe import Markup

from hotline.reports.monthly import month_label
from hotline.reports.publication import Publication
from hotline.site.page_parts import (
    fmt_time,
    meta,
)
from hotline.site.render import Page, a, table


def archive_page(model: Publication, zip_links: dict[str, str]) -> Page:
    src = "archive.md"
    rows = []
    for ar in sorted(model.archives, key=lambda x: x.month, reverse=True):
        link = (
            a(src, zip_links[ar.month], f"{ar.month}.zip（{ar.zip_size / 1024:.0f} KB）")
            if ar.month in zip_links
            else Markup('<span class="hl-warn">归档文件未找到</span>')
        )
        rows.append([month_label(ar.month), ar.tag, ar.commit[:10], fmt_time(ar.sealed_at), link])
    body = (
        "# 归档\n\n每月的记录在月结后封存：在封存时的提交上打标签 `archive/YYYY-MM`，并生成当月工单、各单位登记表、月报和"
        "清单（每个文件的 SHA-256）的压缩包。命令：`hotline archive YYYY-MM`。\n\n"
    )
    body += table(["月份", "标签", "提交", "封存时间", "压缩包"], rows) if rows else "还没有归档的月份。\n"
    return Page(src, "归档", body, meta(model))
