"""Item 1 of issue 14: the office draws a reproducible spot-check sample, fills in the checklist and
turns it into assessment events for items 12 and 13 — on a real Git repository, through the CLI."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from gitrepo import commit_all

from hotline.cli import main


def replied_order(oid: str, unit: str, day: int) -> str:
    return f"""
id: {oid}
title: 路灯不亮
category: 求助
received_at: 2026-11-{day:02d} 09:00
content: 村口路灯不亮。
events:
  - {{at: 2026-11-{day:02d} 10:00, type: 派单, unit: {unit}, role: 主办, by: 县热线办}}
  - {{at: 2026-11-{day:02d} 11:00, type: 接收, unit: {unit}, by: 王丽}}
  - {{at: 2026-11-{day:02d} 12:00, type: 联系, unit: {unit}, by: 王丽}}
  - {{at: 2026-11-{day + 1:02d} 12:00, type: 答复, unit: {unit}, by: 王丽, text: 已修复。}}
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def make_repo(records):
    for n in range(6):
        records.order(f"JC{n}", replied_order(f"JC{n}", "jincun", 2 + n))
    for n in range(3):
        records.order(f"GD{n}", replied_order(f"GD{n}", "gaodu", 10 + n))
    records.order("GDX", replied_order("GDX", "gaodu", 16).split("  - {at: 2026-11-17")[0])  # not replied
    commit_all(records.root, "十一月工单")


def test_draw_is_reproducible_and_writes_a_checklist(records):
    make_repo(records)
    base = [
        "spot-check",
        "draw",
        "--root",
        records.root,
        "--period",
        "2026-11",
        "--per-unit",
        2,
        "--as-of",
        "2026-11-30 12:00",
        "--format",
        "json",
    ]
    first = run(*base, "--seed", 7)
    assert first.exit_code == 0, first.output
    sample = json.loads(first.stdout)
    assert [d["unit"] for d in sample] == ["gaodu", "gaodu", "jincun", "jincun"]
    assert all(d["id"] != "GDX" for d in sample)  # only replied orders are drawn
    again = run(*base, "--seed", 7)
    assert again.exit_code == 1 and "已存在" in again.output  # a filled checklist is never overwritten silently
    assert json.loads(run(*base, "--seed", 7, "--force").stdout) == sample
    seeds = {tuple(d["id"] for d in json.loads(run(*base, "--seed", s, "--force").stdout)) for s in range(8)}
    assert len(seeds) > 1  # the seed does change the sample
    text = (records.root / "scoring/spotchecks/2026-11.yaml").read_text(encoding="utf-8")
    assert "seed: 7" in text and text.count("reply_standard: ,") == 4
    assert text.count("unit: 金村镇,") == 2 and "jincun" not in text  # the units by name (issue 21, point 8)
    commit_all(records.root, "抽查清单")
    assert run("check", "--root", records.root, "--as-of", "2026-11-30 12:00").exit_code == 0


def test_filled_checklist_becomes_items_12_and_13(records):
    make_repo(records)
    run(
        "spot-check",
        "draw",
        "--root",
        records.root,
        "--period",
        "2026-11",
        "--per-unit",
        2,
        "--seed",
        3,
        "--as-of",
        "2026-11-30 12:00",
    )
    path = records.root / "scoring/spotchecks/2026-11.yaml"
    text = path.read_text(encoding="utf-8")
    ids = re.findall(r"unit: (\w+), id: (\w+)", text)
    lines = text.splitlines()
    filled = []
    for line in lines:
        m = re.search(r"unit: (\w+), id: (\w+)", line)
        if m and m.group(1) == "金村镇":  # both of 金村镇's orders: reply not to standard; the first not told
            told = "否" if m.group(2) == ids[2][1] else "是"  # 是/否 as a clerk writes them (issue 21, point 8)
            line = (
                line.replace("reply_standard: ,", "reply_standard: 否,")
                .replace("contacted: ,", "contacted: 是,")
                .replace("result_told: ,", f"result_told: {told},")
            )
        elif m and m.group(2) == ids[0][1]:  # 高都镇's first: all fine; its second left unchecked
            line = line.replace(": ,", ": true,")
        # checked in December: the deductions still belong to November (issue 21, point 6)
        filled.append(line.replace("checked_on:", "checked_on: 2026-12-05") if line == "checked_on:" else line)
    path.write_text("\n".join(filled) + "\n", encoding="utf-8")
    r = run("spot-check", "record", "--root", records.root, "--period", "2026-11")
    assert r.exit_code == 0, r.output
    assert "2 条考核事件，共 3 次" in r.output and "另有 1 件尚未填写" in r.output
    events = (records.root / "scoring/events/2026/spotcheck-2026-11.yaml").read_text(encoding="utf-8")
    assert "item: 12, count: 2" in events and "item: 13, count: 1" in events
    assert events.count("date: 2026-11-30, unit: jincun") == 2 and "2026-12-05 抽查" in events
    commit_all(records.root, "抽查结果", when="2026-12-05 17:00:00 +0800")
    check = run("check", "--root", records.root, "--as-of", "2026-12-06 12:00")
    assert check.exit_code == 0, check.output
    december = json.loads(
        run(
            "score", "--root", records.root, "--period", "2026-12", "--explain", "金村镇",
            "--as-of", "2026-12-06 12:00", "--format", "json",
        ).stdout
    )  # fmt: skip
    assert (december["unit"]["items"]["12"], december["unit"]["items"]["13"]) == (3, 3)
    score = json.loads(
        run(
            "score",
            "--root",
            records.root,
            "--period",
            "2026-11",
            "--explain",
            "金村镇",
            "--as-of",
            "2026-12-06 12:00",
            "--format",
            "json",
        ).stdout
    )
    items = score["unit"]["items"]
    assert (items["12"], items["13"]) == (2.8, 2.9)


def test_record_refuses_without_a_date(records):
    make_repo(records)
    run("spot-check", "draw", "--root", records.root, "--period", "2026-11", "--seed", 1, "--as-of", "2026-11-30 12:00")
    r = run("spot-check", "record", "--root", records.root, "--period", "2026-11")
    assert r.exit_code == 1 and "checked_on" in r.output
    assert not (records.root / "scoring/events").exists()
