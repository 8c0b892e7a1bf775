"""``hotline score``: the ranked Chinese table, JSON in the issue's shape, CSV, and ``--explain``."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from hotline.cli import main

AS_OF = ["--as-of", "2026-12-02 12:00"]


def setup_records(records):
    """金村镇 (full setup): two 咨询, one on time and 满意, one replied late (due 11-05, replied 11-06).
    Consistent: 7 = 10, 8 = 15, 9 = 20 × 1/2 = 10, 10 = 10 × (1 − 1/2) = 5, 11 = 15 × 1/2 = 7.50,
    1–6 = 12, 12–16 = 18 → 77.50 一般. Literal: 8 = 15 × 0/2 = 0, 9 = 10 × 1/2 = 5, 10 = 15 × 1/2 = 7.50 → 10 + 0 + 5 + 7.50 + 7.50 + 30 = 60.00.
    县公安局 has a veto; the other 42 units have no orders and empty unit files: 90 优秀."""
    records.write(
        "units/jincun.yaml",
        """
        id: jincun
        name: 金村镇
        type: 乡镇
        hotline:
          office: 党政办公室
          leader: {name: 李某}
          handlers: [{name: 王丽}]
          network: 镇村两级网络
          equipment: true
          time_limit_rule: 限时办结制度
    """,
    )
    for oid, reply, callback in (("A1", "2026-11-03 10:00", "满意"), ("A2", "2026-11-06 10:00", None)):
        records.order(
            oid,
            f"""
            id: {oid}
            title: 测试
            category: 咨询
            received_at: 2026-11-02 08:30
            content: 测试
            events:
              - {{at: 2026-11-02 09:00, type: 派单, unit: jincun, role: 主办, by: 县热线办}}
              - {{at: 2026-11-02 09:30, type: 接收, unit: jincun, by: 王丽}}
              - {{at: 2026-11-02 09:40, type: 联系, unit: jincun, by: 王丽}}
              - {{at: {reply}, type: 答复, unit: jincun, by: 王丽, text: 已答复}}
        """
            + (f"      - {{at: 2026-11-09 10:00, type: 回访, result: {callback}, by: 县热线办}}\n" if callback else ""),
        )
    records.write("scoring/events/2026/a.yaml", "- {date: 2026-11-20, unit: gongan, item: 否决, note: 弄虚作假}\n")


def run(records, *args):
    return CliRunner().invoke(main, ["score", "--root", str(records.root), *args])


def test_json_shape(records):
    setup_records(records)
    r = run(records, "--period", "2026-11", "--format", "json", *AS_OF)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert (data["period"], data["profile"]) == ("2026-11", "consistent")
    assert len(data["units"]) == 44
    j = next(u for u in data["units"] if u["unit"] == "jincun")
    assert {"unit", "name", "dispatched", "items", "base", "bonus", "total", "grade", "veto", "evidence"} <= set(j)
    assert list(j["items"]) == [str(n) for n in range(1, 17)]
    assert [j["items"][str(n)] for n in range(7, 12)] == [10, 15, 10, 5, 7.5]
    assert (j["name"], j["dispatched"], j["base"], j["bonus"], j["total"], j["grade"], j["veto"]) == (
        "金村镇",
        2,
        77.5,
        0,
        77.5,
        "一般",
        False,
    )
    assert [e["ref"] for e in j["evidence"]["9"]] == ["A2"]
    assert j["evidence"]["9"][0]["path"] == "orders/2026/11/A2.yaml"
    assert data["units"][-1]["unit"] == "gongan" and data["units"][-1]["grade"] == "较差"
    assert "rectification" not in data


def test_literal_profile_and_unit_filter(records):
    setup_records(records)
    r = run(records, "--period", "2026-11", "--profile", "literal", "--unit", "jincun", "--format", "json", *AS_OF)
    data = json.loads(r.stdout)
    [j] = data["units"]
    assert data["profile"] == "literal"
    assert [j["items"][str(n)] for n in (8, 9, 10)] == [0, 5, 7.5] and j["total"] == 60
    assert j["rank"] == 43  # ranked among all 44 units, above the vetoed one


def test_table_is_chinese_and_ranked(records):
    setup_records(records)
    r = run(records, "--period", "2026-11", *AS_OF)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].startswith("2026年11月热线工作考核得分（2026-11-01至2026-11-30，读法：按满分一致计算（默认）")
    header = lines[2].split()
    assert header[:3] == ["名次", "单位", "转办件数"] and header[-4:] == ["基础分", "加分", "总分", "等次"]
    assert "按时办结率" in header
    rows = [ln.split() for ln in lines[4:48]]
    assert rows[0][0] == "1" and rows[-2][1] == "金村镇" and rows[-2][0] == "43"
    assert rows[-1][1] == "县公安局" and rows[-1][-1] == "较差（否决）"
    assert "第7、8、9、10、11项：43 个单位无转办工单" in r.stdout  # one line for the items a note is on
    assert "第9项（按时办结率）：通知自相矛盾" in r.stdout


def test_csv_opens_as_a_spreadsheet(records):
    setup_records(records)
    r = CliRunner().invoke(
        main, ["score", "--root", str(records.root), "--period", "2026-11", "--format", "csv", *AS_OF]
    )
    assert r.stdout.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(r.stdout.lstrip("\ufeff"))))
    assert len(rows) == 44
    j = next(x for x in rows if x["单位编号"] == "jincun")
    assert (j["第11项"], j["总分"], j["等次"], j["否决"]) == ("7.50", "77.50", "一般", "否")


def test_explain_lists_every_item_with_formula_and_evidence(records):
    setup_records(records)
    r = run(records, "--explain", "jincun", "--period", "2026-11", *AS_OF)
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.splitlines()[0].startswith("金村镇（jincun）2026年11月考核得分明细（读法：按满分一致计算（默认）")
    for n in range(1, 17):
        assert f"第{n}项 " in out
    assert "第9项 按时办结率  10.00/20.00  20 × 1 ÷ 2 = 10.00" in out
    assert "    数据：按时办结事项件数 1，转办总件数 2" in out
    assert "    数据：发现 0 次（考核事件 0，工单 0），每次扣 0.1 分，最多扣 3 分，实扣 0 分" in out
    assert "依据：A2（orders/2026/11/A2.yaml:7） 逾期（答复，期限 2026-11-05）" in out
    assert "按另一读法（按印发公式计算）：10 × 1 ÷ 2 = 5.00，得 5.00（相差 -5.00）" in out
    assert "总分：77.50  等次：一般  名次：43" in out
    assert "按另一读法（按印发公式计算）：总分 60.00，等次 一般" in out


def test_explain_json(records):
    setup_records(records)
    r = run(records, "--explain", "jincun", "--period", "2026-11", "--format", "json", *AS_OF)
    d = json.loads(r.stdout)["unit"]["detail"]
    assert d["10"]["formula"] == "10 × (1 − 1 ÷ 2) = 5.00"
    assert d["10"]["inputs"] == {"numerator": 1, "denominator": 2, "multiplier": "10", "sense": "bad", "unsettled": 0}
    assert d["10"]["printed"] == "逾期工单数 ÷ 转办总件数 × 15"


def test_annual_table_shows_rectification(records):
    setup_records(records)
    records.write(
        "scoring/events/2026/r.yaml", "- {date: 2026-12-01, unit: gongan, item: 整改通知, period: 2026, note: 较差}\n"
    )
    r = run(records, "--period", "2026", *AS_OF)
    assert "整改情况（一般、较差等次须在接到通报后 10 个工作日内报送书面整改报告）" in r.stdout
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("县公安局") and "未报送" in ln)
    assert "2026-12-01" in line and "2026-12-15" in line  # 10 working days after Tuesday 12-01
    data = json.loads(run(records, "--period", "2026", "--format", "json", *AS_OF).stdout)
    cases = {c["unit"]: c for c in data["rectification"]}
    assert cases["gongan"]["status"] == "未报送" and cases["jincun"]["status"] == "待通报"


def test_bad_input_is_a_clear_message(records):
    r = run(records, "--period", "2026-13", *AS_OF)
    assert r.exit_code == 2 and "月份不存在" in r.output
    r = run(records, "--period", "2026-11", "--unit", "nosuch", *AS_OF)
    assert r.exit_code == 2 and "单位 nosuch 不存在" in r.output
    r = run(records, "--period", "2026-11", "--explain", "rexian", *AS_OF)
    assert r.exit_code == 2 and "不在考核范围" in r.output


def test_ignored_events_and_broken_records_are_reported(records):
    records.write("scoring/events/2026/b.yaml", "- {date: 2026-11-02, unit: jincun, item: 7, note: 比率项}\n")
    records.order("BAD1", "id: BAD1\ntitle: 坏\ncategory: 咨讯\nreceived_at: 2026-11-02 08:30\ncontent: x\n")
    r = run(records, "--period", "2026-11", *AS_OF)
    assert r.exit_code == 0
    assert "scoring/events/2026/b.yaml:1: 警告 scoring-event-ignored" in r.stderr
    assert "记录中有 1 个错误" in r.stderr
