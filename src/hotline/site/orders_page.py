"""The order lookup page (工单查询): a search box over the data files ``site.data`` writes (the page itself holds no
order)."""

from __future__ import annotations

from hotline.reports.publication import Publication
from hotline.site.page_parts import (
    ORDERS_PAGE,
    meta,
)
from hotline.site.render import Page


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
    return Page(ORDERS_PAGE, "工单查询", body, meta(model, hide=["toc"], search={"exclude": True}))
