"""Item 2 of issue 14: repeated demands suggested, merged by the office with a 并单 event, counted once."""

from __future__ import annotations

import json

from click.testing import CliRunner
from gitrepo import commit_all, git

from hotline.cli import main


def order(
    oid: str,
    day: int,
    name: str = "张**",
    phone: str = "138****1234",
    address: str = "金村镇幸福小区3号楼",
    title: str = "幸福小区供暖温度不达标",
    content: str = "小区供暖温度长期低于18度，暖气不热。",
) -> str:
    return f"""
id: {oid}
title: {title}
category: 投诉
received_at: 2026-11-{day:02d} 09:00
citizen: {{name: {name}, phone: {phone}}}
address: {address}
content: {content}
events:
  - {{at: 2026-11-{day:02d} 10:00, type: 派单, unit: jincun, role: 主办, by: 县热线办}}
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def monthly_total(root, unit: str) -> int:
    """转办总件数 of ``unit`` in the monthly figures (reports.monthly), November 2026."""
    from hotline.load import load
    from hotline.reports.monthly import monthly
    from hotline.times import parse_time

    repo = load(root)
    stats = monthly(
        repo.states(parse_time("2026-11-30 12:00")), repo.rules, repo.units, repo.rules.reports.repeated_delay_min
    )
    return stats["2026-11"].units[unit].rates.total


def test_suggest_merge_and_count_once(records, clerk):
    records.order("A1", order("A1", 2))
    records.order(
        "A2", order("A2", 9, address="金村镇幸福小区5号楼", title="供暖不热", content="幸福小区暖气不热，供暖温度低。")
    )
    records.order("A3", order("A3", 20, phone="139****1234", name="张**", content="幸福小区供暖温度低，暖气不热。"))
    records.order("B1", order("B1", 10, name="李**", phone="137****5678"))  # another citizen
    records.order(
        "C1", order("C1", 12, title="小区门口路灯不亮", content="路灯坏了，晚上出行不便。")
    )  # another subject
    records.order("D1", order("D1", 14, address="高都镇某村"))  # another place
    commit_all(records.root, "十一月工单")
    base = ["repeats", "--root", records.root, "--period", "2026-11", "--as-of", "2026-11-30 12:00"]
    groups = json.loads(run(*base, "--format", "json").stdout)
    assert [g["ids"] for g in groups] == [["A1", "A2", "A3"]]
    assert "张**（电话尾号 1234）" in groups[0]["why"] and "供暖" in groups[0]["why"]
    before = json.loads(
        run(
            "score",
            "--root",
            records.root,
            "--period",
            "2026-11",
            "--unit",
            "jincun",
            "--as-of",
            "2026-11-30 12:00",
            "--format",
            "json",
        ).stdout
    )
    counted_before = monthly_total(records.root, "jincun")
    r = run(
        "repeats",
        "--root",
        records.root,
        "--merge",
        "A2",
        "--into",
        "A1",
        "--at",
        "2026-11-10 09:00",
        "--as-of",
        "2026-11-30 12:00",
        "--commit",
    )
    assert r.exit_code == 0, r.output
    assert "A2: 并单 → A1" in git(records.root, "log", "-1", "--format=%s")
    assert "type: 并单, into: A1, by: 县热线办" in (records.root / "orders/2026/11/A2.yaml").read_text(encoding="utf-8")
    after_groups = json.loads(run(*base, "--format", "json").stdout)
    assert [g["ids"] for g in after_groups] == [["A1", "A3"]]
    after = json.loads(
        run(
            "score",
            "--root",
            records.root,
            "--period",
            "2026-11",
            "--unit",
            "jincun",
            "--as-of",
            "2026-11-30 12:00",
            "--format",
            "json",
        ).stdout
    )
    assert after["units"][0]["dispatched"] == before["units"][0]["dispatched"] - 1
    assert monthly_total(records.root, "jincun") == counted_before - 1  # the monthly figures count it once too
    assert run("check", "--root", records.root, "--as-of", "2026-11-30 12:00").exit_code == 0
    records.order("A4", order("A4", 21) + "  - {at: 2026-11-21 11:00, type: 并单, into: A4, by: 县热线办}\n")
    out = json.loads(run("check", "--root", records.root, "--as-of", "2026-11-30 12:00", "--format", "json").stdout)
    assert [(f["code"], f["line"]) for f in out["findings"] if f["code"] == "merge-invalid"] == [("merge-invalid", 10)]
    bad = run("repeats", "--root", records.root, "--merge", "A3", "--into", "A9", "--as-of", "2026-11-30 12:00")
    assert bad.exit_code == 1 and "找不到工单 A9" in bad.output
