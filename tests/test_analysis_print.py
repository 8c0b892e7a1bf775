"""The quarter's 分析研判 as a clerk prints it (issue 21, point 13): rendered with LibreOffice, no order id,
"+11" or "2026年10月" broken across lines; the file named by the quarter (2026年第四季度), not 2026-Q4."""

from __future__ import annotations

import re
from datetime import datetime

from docx import Document
from pdf_read import read, to_pdf

from hotline.load import load
from hotline.reports import analysis
from hotline.reports.documents import report_docx
from hotline.reports.hot_topics import unit_words

TOPICS = {
    "供暖": "小区暖气不热",
    "道路": "村口道路破损",
    "噪音": "工地夜间噪音",
    "医保": "医保报销材料",
    "停车": "停车难",
}


def order(oid: str, title: str, received: str) -> str:
    return f"""
id: {oid}
title: {title}
category: 投诉
received_at: {received}
content: 诉求人反映{title}。
events:
  - {{at: {received}, type: 派单, unit: zhujian, role: 主办, by: 县热线办}}
"""


def test_the_quarterly_analysis_prints_ids_changes_and_months_whole(records, tmp_path):
    n = 0
    for t, (word, title) in enumerate(TOPICS.items()):
        for month, count in (("2026-08", 2), ("2026-10", 4 + t), ("2026-11", 5 + t), ("2026-12", 3)):
            for i in range(count):
                n += 1
                day = f"{month}-{1 + i * 2:02d}"
                oid = f"JC{day.replace('-', '')}{n:05d}"
                records.order(oid, order(oid, f"{title}（{word}）", f"{day} 09:00"))
    repo = load(records.root)
    report = analysis.compose(
        repo.orders,
        repo.units,
        repo.rules,
        "2026-Q4",
        datetime(2026, 12, 31, 18),
        "热线办",
        unit_words(repo.units.values()),
    )
    assert report.file_name == "泽州县12345政务服务热线分析研判-2026年第四季度.docx"
    docx = tmp_path / report.file_name
    report_docx.write(report, docx)
    cells = [c.text for t in Document(str(docx)).tables for r in t.rows for c in r.cells]
    ids = {i for c in cells for i in re.findall(r"JC\d{13}", c)}
    changes = {c for c in cells if re.fullmatch(r"[+-]\d+", c)}
    months = [c for c in cells if re.fullmatch(r"\d{4}年\d{1,2}月", c)]
    assert len(ids) >= 10 and any(len(c) >= 3 for c in changes) and len(months) >= 6
    (pdf,) = to_pdf([docx], tmp_path)
    pages = read(pdf)
    words = [w.text for p in pages for w in p.words]
    broken = [w for w in words if re.match(r"JC\d", w) and not re.fullmatch(r"JC\d{13}、?", w)]
    assert not broken and ids <= {w.rstrip("、") for w in words}, broken
    assert changes <= set(words), changes - set(words)  # "+11" one word, never "+1" over "1"
    lines = [re.sub(r"\s+", "", ln.text) for p in pages for ln in p.lines]
    for m in set(months):  # each month label on one line of its cell, as often as the document has it
        assert sum(ln == m for ln in lines) == months.count(m), (m, [ln for ln in lines if "年" in ln][:12])
