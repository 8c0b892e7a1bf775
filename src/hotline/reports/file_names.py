"""The monthly documents' file names (文件名), decided once: the site's downloads, the month-end's published
folder and the archive use the same names — ``登记表/金村镇-2026-11（暂定）.xlsx``,
``泽州县12345政务服务热线月报-2026-11（暂定）.docx`` — with ``（暂定）`` while the month is not final."""

from __future__ import annotations

import re

PROVISIONAL = "（暂定）"
REGISTERS_DIR = "登记表"
REPORTS_DIR = "月报"


def safe_file_name(name: str, fallback: str) -> str:
    """A unit's name as one file name (a unit file is untrusted): letters (Chinese too), digits and a few marks
    (-_.·()（）) only — no folders, no hidden files, no controls, nothing a link or a shell reads specially."""
    cleaned = re.sub(r"[^\w\-.·()（）]+", "_", name).strip(" ._")[:60]
    return cleaned or fallback


def marked(name: str, final: bool) -> str:
    """``x.docx`` → ``x（暂定）.docx`` while the month is not final."""
    if final:
        return name
    stem, dot, ext = name.rpartition(".")
    return f"{stem}{PROVISIONAL}{dot}{ext}"


def register_file(unit_name: str, unit_id: str, month: str, final: bool = True) -> str:
    """``金村镇-2026-11.xlsx`` (``金村镇-2026-11（暂定）.xlsx`` while the month is not final)."""
    return marked(f"{safe_file_name(unit_name, unit_id)}-{month}.xlsx", final)


def document_file(stem: str, final: bool = True) -> str:
    """A report's ``.docx`` (``file_stem`` of ``monthly_report.Report``), marked while not final."""
    return marked(f"{safe_file_name(stem, 'report')}.docx", final)
