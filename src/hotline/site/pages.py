"""The site's sections (网站栏目), one module each, named here for the builder (``site.build``).

Each section lays out what ``reports.publication`` computed, and what ``reports.page_facts`` chose to show, as
``Page`` values (Markdown and front matter); the paths, links and parts they share are in ``site.page_parts``.
The hotline office's own pages and the analysis are in ``site.office_pages``, the assessment's in
``site.assessment``.
"""

from __future__ import annotations

from hotline.site.archive_page import archive_page
from hotline.site.home_page import home
from hotline.site.knowledge_pages import knowledge_index, knowledge_page
from hotline.site.orders_page import orders_page
from hotline.site.page_parts import ORDERS_PAGE, SUPERVISION_PAGE, docx_path, xlsx_path
from hotline.site.register_pages import register_page, registers_index
from hotline.site.report_pages import report_page, reports_index
from hotline.site.supervision_page import supervision
from hotline.site.unit_pages import unit_page, units_index

__all__ = [
    "ORDERS_PAGE",
    "SUPERVISION_PAGE",
    "archive_page",
    "docx_path",
    "home",
    "knowledge_index",
    "knowledge_page",
    "orders_page",
    "register_page",
    "registers_index",
    "report_page",
    "reports_index",
    "supervision",
    "unit_page",
    "units_index",
    "xlsx_path",
]
