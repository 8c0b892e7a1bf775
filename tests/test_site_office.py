"""The site shows the v1.1 pages (issue 14): 热线办时效, 待转派 and 疑似重复诉求 on the supervision page,
stale knowledge-base entries on the index and on the unit page — built from a real Git repository."""

from __future__ import annotations

import html
import json
import re

import docx as python_docx
from click.testing import CliRunner
from gitrepo import commit_all

from hotline.cli import main

RETURNED = """
id: R1
title: 道路积水
category: 投诉
received_at: 2026-11-20 16:00
content: 道路积水严重。
events:
  - {at: 2026-11-23 09:00, type: 派单, unit: jincun, role: 主办, by: 县热线办}
  - {at: 2026-11-23 15:00, type: 退回申请, unit: jincun, by: 王丽, reason: 不属于本镇, basis: 属地划分}
  - {at: 2026-11-24 10:00, type: 退回审核, unit: jincun, approved: true, by: 县热线办, attachments: [职责界定.pdf, 脚本.html]}
"""

REPEAT = """
id: {oid}
title: 幸福小区供暖温度不达标
category: 投诉
received_at: 2026-11-{day} 09:00
citizen: {{name: 张**, phone: 138****1234}}
address: 金村镇幸福小区3号楼
content: 幸福小区供暖温度长期低于18度，暖气不热。
events:
  - {{at: 2026-11-{day} 10:00, type: 派单, unit: jincun, role: 主办, by: 县热线办}}
"""

STALE = """
---
title: 便民服务中心办公时间
unit: jincun
category: 便民服务
keywords: [办公时间]
source: 金村镇公告
updated: 2025-01-06
valid_until: 2025-12-31
---
工作日上午8:30至12:00对外办公。
"""


def text(out, url):
    page = (out / url / "index.html").read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", " ", page[page.index("<article") :]))


def test_site_shows_the_office_pages(records, tmp_path):
    records.order("R1", RETURNED)
    records.order("P1", REPEAT.format(oid="P1", day="02"))
    records.order(
        "P2",
        REPEAT.format(oid="P2", day="12")
        + "  - {at: 2026-11-13 09:00, type: 督办, unit: jincun, kind: 批示, by: 县热线办, note: 县长批示：限期解决供暖问题}\n"
        "  - {at: 2026-11-16 09:00, type: 督办, unit: jincun, kind: 专项, level: 市, by: 县热线办, note: 市热线专项督办单}\n",
    )
    records.write("site_src/knowledge/jincun/hours.md", STALE)
    records.write("attachments/R1/职责界定.pdf", b"%PDF-1.4\n")
    records.write("attachments/R1/脚本.html", b"<script>alert(1)</script>")
    commit_all(records.root, "记录")
    out = tmp_path / "site"
    r = CliRunner().invoke(
        main, ["site", "build", "--root", str(records.root), "--out", str(out), "--as-of", "2026-11-30 12:00"]
    )
    assert r.exit_code == 0, r.output + str(r.exception)
    assert (out / "attachments" / "R1" / "职责界定.pdf").read_bytes() == b"%PDF-1.4\n"
    assert not (out / "attachments" / "R1" / "脚本.html").exists()  # refused by the checks: never published
    shard = json.loads((out / "assets" / "data" / "orders" / "2026-11.json").read_text(encoding="utf-8"))
    assert shard["R1"]["events"][-1]["attachments"] == ["职责界定.pdf", "脚本.html"]
    office = text(out, "office")
    assert "热线办时效" in office and "2026年11月" in office
    row = office[office.index("2026年11月", office.index("月份")) :]
    # 派单: R1 received Friday 16:00, dispatched Monday (late); return reviewed in time; no extension; never re-dispatched
    assert row.split()[1:5] == ["2/3", "1/1", "—", "0/1"]
    assert "66.7%" in row
    assert "R1" in office and "尚未办理" in office  # the re-dispatch that never came
    sup = text(out, "supervision")
    waiting = sup[sup.index("待转派（") : sup.index("疑似重复诉求（")]
    assert "待转派（1）" in waiting and "R1" in waiting and "已超期" in waiting
    repeats = sup[sup.index("疑似重复诉求（") :]
    assert "疑似重复诉求（1）" in repeats and "P1" in repeats and "P2" in repeats and "电话尾号 1234" in repeats
    kb = text(out, "knowledge")
    assert "已过有效期的条目（1）" in kb and "便民服务中心办公时间" in kb
    assert "知识库条目已过期" in text(out, "units/jincun")

    quarter = text(out, "analysis/2026-Q4")
    assert "2026年第四季度" in quarter and "供暖" in quarter
    assert "县长批示：限期解决供暖问题" in quarter and "市级专项督办" in quarter
    assert "2026年第四季度" in text(out, "analysis")
    docx = out / "analysis" / "泽州县12345政务服务热线分析研判-2026年第四季度.docx"
    paragraphs = [p.text for p in python_docx.Document(str(docx)).paragraphs]
    assert "泽州县12345政务服务热线分析研判\n（2026年第四季度）" in paragraphs  # the period on its own line
    cells = [c.text for t in python_docx.Document(str(docx)).tables for row in t.rows for c in row.cells]
    assert "市热线专项督办单" in cells and "P2" in cells


def test_analysis_command_writes_the_quarter(records, tmp_path):
    records.order("P1", REPEAT.format(oid="P1", day="02"))
    commit_all(records.root, "记录")
    target = tmp_path / "q.docx"
    r = CliRunner().invoke(
        main,
        [
            "analysis",
            "--root",
            str(records.root),
            "--period",
            "2026-Q4",
            "--out",
            str(target),
            "--as-of",
            "2026-11-30 12:00",
        ],
    )
    assert r.exit_code == 0, r.output
    assert any("本季度共受理工单 1 件" in p.text for p in python_docx.Document(str(target)).paragraphs)
    bad = CliRunner().invoke(
        main, ["analysis", "--root", str(records.root), "--period", "2026-11", "--as-of", "2026-11-30 12:00"]
    )
    assert bad.exit_code == 2 and "按季度编制" in bad.output
