"""Item 8 of issue 14: a friendlier command line, used as a liaison and the office would use it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from gitrepo import commit_all

from hotline.cli import main

ORDER = """
id: JC1
title: 供暖温度不达标
category: 咨询
received_at: 2026-11-16 09:00
content: 小区供暖温度低。
events:
  - {at: 2026-11-16 10:00, type: 派单, unit: jincun, role: 主办, by: 县热线办}
  - {at: 2026-11-16 10:00, type: 派单, unit: gaodu, role: 会办, by: 县热线办}
  - {at: 2026-11-16 11:00, type: 接收, unit: jincun, by: 王丽}
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_click_messages_are_chinese(records):
    r = run("order", "new", "--root", records.root, "--category", "意见")
    assert r.exit_code == 2
    assert "取值无效" in r.output and "“意见”无效，应为以下之一" in r.output and "用法：" in r.output
    assert "Invalid value" not in r.output and "Usage" not in r.output and "Error" not in r.output
    r = run("status", "--root", records.root, "--bogus")
    assert "没有选项 “--bogus”" in r.output and "No such option" not in r.output
    r = run("stauts")
    assert r.exit_code == 2 and "没有命令 “stauts”：是否想写 status？" in r.output
    r = run("score", "--root", records.root)
    assert "缺少选项" in r.output and "Missing" not in r.output
    assert "显示本帮助并退出" in run("status", "--help").output
    assert "[选项]" in run("--help").output and "命令 [参数]" in run("--help").output


def test_unit_named_in_chinese_and_typos_get_suggestions(records):
    records.order("JC1", ORDER)
    commit_all(records.root, "工单 JC1")
    base = ["status", "--root", records.root, "--as-of", "2026-11-17 12:00", "--format", "json"]
    by_name = json.loads(run(*base, "--unit", "金村镇").output)
    assert [(r["id"], r["unit"]) for r in by_name] == [("JC1", "jincun")]
    r = run(*base, "--unit", "jinchun")
    assert r.exit_code == 2 and "是否想写 jincun（金村镇）" in r.output
    # order add: a Chinese name in unit=…, and a typo in the order id
    r = run(
        "order",
        "add",
        "JC1",
        "联系",
        "unit=高都镇",
        "by=张强",
        "--at",
        "2026-11-16 12:00",
        "--as-of",
        "2026-11-17 12:00",
        "--root",
        records.root,
    )
    assert r.exit_code == 0, r.output
    assert "unit: gaodu" in next(records.root.glob("orders/*/*/JC1.yaml")).read_text(encoding="utf-8")
    r = run(
        "order",
        "add",
        "JC1",
        "联系",
        "unit=jinchun",
        "by=王丽",
        "--at",
        "2026-11-16 12:00",
        "--as-of",
        "2026-11-17 12:00",
        "--root",
        records.root,
    )
    assert r.exit_code == 1 and "是否想写 jincun（金村镇）" in r.output
    r = run("log", "JC11", "--root", records.root)
    assert r.exit_code == 1 and "是否想写 JC1" in r.output
    # check: an unknown unit in a file gets the nearest id, a Chinese name is called a name
    records.order("JC3", ORDER.replace("JC1", "JC3").replace("unit: gaodu", "unit: gaodou"))
    records.order("JC4", ORDER.replace("JC1", "JC4").replace("unit: gaodu", "unit: 高都镇"))
    out = run("check", "--root", records.root, "--no-history", "--as-of", "2026-11-17 12:00").output
    assert "单位 gaodou 不存在：units/ 下没有 gaodou.yaml：是否想写 gaodu（高都镇）？" in out
    assert "是单位名称：这里应写单位编号" in out


def test_reply_without_accept_or_contact_warns(records):
    records.order("JC1", ORDER)
    commit_all(records.root, "工单 JC1")
    r = run(
        "order",
        "add",
        "JC1",
        "答复",
        "unit=gaodu",
        "by=张强",
        "text=已处理。",
        "--at",
        "2026-11-17 09:00",
        "--as-of",
        "2026-11-17 12:00",
        "--root",
        records.root,
    )
    assert r.exit_code == 0, r.output
    assert "注意：gaodu 的答复之前没有接收" in r.output and "注意：gaodu 的答复之前没有联系诉求人" in r.output
    out = run("check", "--root", records.root, "--no-history", "--as-of", "2026-11-17 12:00", "--format", "json").output
    codes = sorted((f["code"], f["line"]) for f in json.loads(out)["findings"])
    assert codes == [("reply-without-accept", 10), ("reply-without-contact", 10)]


def test_check_reports_every_problem_of_a_file_in_one_run(records):
    records.order(
        "JC1",
        """
    id: JC1
    title: 供暖温度不达标
    category: 咨询
    category: 投诉
    received_at: 2026-11-16 09:00
    content: 小区供暖温度低。
    events:
      - {at: 2026-11-16 10:00, type: 派单, unit: jincun, role: 主办, by: 县热线办}
      - {at: 2026-11-16 11:00, type: 接收, unit: jincun, by: 王丽, offfice: 社会事务办}
      - {at: 2026-11-16 12:00, type: 联系, unit: zhujian, by: 李明}
      - {at: 2026-11-30 12:00, type: 退回申请, unit: jincun, by: 王丽, reason: 不属于本单位, basis: 三定方案}
      - {at: 2026-11-30 13:00, type: 回访, result: 很满意, by: 县热线办}
    """,
    )
    out = run("check", "--root", records.root, "--no-history", "--as-of", "2026-12-01 12:00", "--format", "json").output
    found = sorted((f["line"], f["code"]) for f in json.loads(out)["findings"])
    assert (4, "duplicate-key") in found
    assert (9, "unknown-field") in found  # offfice
    assert (12, "invalid-value") in found  # 很满意
    assert (10, "no-dispatch") in found  # zhujian never dispatched
    assert (11, "return-late") in found  # 10 working days after the dispatch


def test_status_open_and_overdue(records):
    records.order("JC1", ORDER)
    records.order(
        "JC2",
        ORDER.replace("JC1", "JC2")
        + """  - {at: 2026-11-16 12:00, type: 联系, unit: jincun, by: 王丽}
  - {at: 2026-11-17 12:00, type: 答复, unit: jincun, by: 王丽, text: 已处理。}
""",
    )
    commit_all(records.root, "两件工单")
    base = ["status", "--root", records.root, "--as-of", "2026-11-20 12:00", "--format", "json"]
    every = json.loads(run(*base).output)
    assert len(every) == 4
    open_rows = json.loads(run(*base, "--open").output)
    assert sorted((r["id"], r["unit"]) for r in open_rows) == [("JC1", "gaodu"), ("JC1", "jincun"), ("JC2", "gaodu")]
    overdue = json.loads(run(*base, "--overdue", "--unit", "高都镇").output)
    assert sorted((r["id"], r["unit"], r["overdue"]) for r in overdue) == [
        ("JC1", "gaodu", True),
        ("JC2", "gaodu", True),
    ]


@pytest.mark.parametrize(
    "rows, headers",
    [
        ([], ["工单编号", "状态"]),
        ([["JC2026110200001", "金村镇", "2026-11-02 09:00", "逾期"], ["JC2", "县公安局", "2026-11-03 10:00", ""]],
         ["工单编号", "承办单位", "派单时间", "逾期"]),
        ([["a", "", "é"], ["bb", "", "中文"]], ["x", "编号", "é"]),
        ([["a", "b"]], ["x"]),  # a row of another length
        ([[" a", "b"]], ["x", "y"]),  # spaces around a cell
        ([[1, "b"]], ["x", "y"]),  # not text
        ([[["a"], "b"]], ["x", "y"]),  # unhashable
        ([["a\tb", "c"]], ["x", "y"]),  # not printable
    ],
)  # fmt: skip
def test_simple_table_is_tabulate_s_simple_table(rows, headers):
    from tabulate import tabulate

    from hotline.cli.common import simple_table

    assert simple_table(rows, headers) == tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
