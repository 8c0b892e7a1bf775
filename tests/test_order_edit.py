"""``hotline order new`` / ``hotline order add``: refused edits change nothing, accepted ones only append."""

from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner

from hotline.cli import main
from hotline.load import run_check
from hotline.times import parse_time

PATH = "orders/2026/11/JC2026112000123.yaml"
# deliberately unusual layout: comments everywhere, quoted strings, a block scalar, extra spaces
ORDER = """\
# yaml-language-server: $schema=../../../schemas/order.schema.json
# 手工录入的工单（测试）
id: JC2026112000123   # 市平台编号
title: "金村镇某小区供暖温度不达标"
category: 投诉
received_at: 2026-11-20 09:40
citizen: {name: 张**, phone: '138****1234'}
content: |
  诉求人反映小区自11月15日供暖以来室内温度长期低于18摄氏度。

  多次联系物业未果。
tags: [供暖,  物业]
events:
  # 县热线办派单
  - {at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}
  - {at: 2026-11-20 11:30, type: 接收, unit: jincun, by: 王丽, office: 社会事务办}   # 当天接收
"""
NOW = "2026-11-28 12:00"


def run(records, *args):
    return CliRunner().invoke(main, [*args, "--root", str(records.root), "--as-of", NOW])


@pytest.fixture
def order(records):
    records.write(PATH, ORDER)
    return records.root / PATH


@pytest.mark.parametrize(
    "args, reason",
    [
        (["联系", "unit=jincun", "by=王丽", "--at", "2026-11-20 11:00"], "早于上一条事件"),
        (["答复", "unit=zhujian", "by=李强", "text=已处理", "--at", "2026-11-21 10:00"], "zhujian 没有被派单"),
        (["联系", "unit=nosuch", "by=王丽", "--at", "2026-11-21 10:00"], "单位 nosuch 不存在"),
        (["联系", "unit=jincun", "by=王丽", "recieved=1", "--at", "2026-11-21 10:00"], "没有字段 recieved"),
        (["联系", "unit=jincun", "--at", "2026-11-21 10:00"], "缺少必填字段 by"),
        (["联系", "unit=jincun", "by=王丽", "--at", "2026-11-29 10:00"], "晚于当前时间"),
        (
            [
                "退回申请",
                "unit=jincun",
                "by=王丽",
                "reason=不属于本单位职责",
                "basis=权责清单",
                "--at",
                "2026-11-26 10:00",
            ],
            "退回申请应在派单后 2 个工作日内",
        ),
        (
            [
                "延期申请",
                "unit=jincun",
                "by=王丽",
                "days=11",
                "reason=需勘查",
                "basis=多部门",
                "--at",
                "2026-11-23 10:00",
            ],
            "超过本类事项时限 10 个工作日",
        ),
        (["重办", "unit=jincun", "by=县热线办", "--at", "2026-11-23 10:00"], "重办须在首次回访为“不满意”之后"),
        (["审核", "unit=jincun", "--at", "2026-11-23 10:00"], "事件类型“审核”不存在"),
    ],
)
def test_refused_event_leaves_the_file_byte_for_byte_unchanged(records, order, args, reason):
    before = order.read_bytes()
    res = run(records, "order", "add", "JC2026112000123", *args)
    assert res.exit_code == 1
    assert "未写入任何内容" in res.output and reason in res.output
    assert order.read_bytes() == before


def test_accepted_event_changes_nothing_but_the_appended_line(records, order):
    res = run(
        records,
        "order",
        "add",
        "JC2026112000123",
        "联系",
        "unit=jincun",
        "by=王丽",
        "note=已电话联系诉求人，电话13812345678",
        "--at",
        "2026-11-20 14:10",
    )
    assert res.exit_code == 0, res.output
    new = "  - {at: 2026-11-20 14:10, type: 联系, unit: jincun, by: 王丽, note: 已电话联系诉求人，电话138****5678}\n"
    assert order.read_bytes() == (ORDER + new).encode("utf-8")
    # a value that needs quoting is quoted, and the file still passes the check
    res = run(
        records,
        "order",
        "add",
        "JC2026112000123",
        "答复",
        "unit=jincun",
        "by=王丽",
        "text=已协调: 室温恢复至20℃, 诉求人认可",
        "--at",
        "2026-11-24 16:00",
    )
    assert res.exit_code == 0, res.output
    assert (
        order.read_text(encoding="utf-8")
        == ORDER
        + new
        + "  - {at: 2026-11-24 16:00, type: 答复, unit: jincun, by: 王丽, text: '已协调: 室温恢复至20℃, 诉求人认可'}\n"
    )
    assert run_check(records.root, parse_time(NOW), extra=False) == []


def test_time_may_be_given_as_a_field(records, order):
    res = run(records, "order", "add", "JC2026112000123", "联系", "unit=jincun", "by=王丽", "at=2026-11-20 14:10")
    assert res.exit_code == 0, res.output
    assert order.read_text(encoding="utf-8").endswith(
        "  - {at: 2026-11-20 14:10, type: 联系, unit: jincun, by: 王丽}\n"
    )
    twice = run(
        records,
        "order",
        "add",
        "JC2026112000123",
        "联系",
        "unit=jincun",
        "by=王丽",
        "at=2026-11-20 14:10",
        "--at",
        "2026-11-20 14:10",
    )
    assert twice.exit_code == 2 and "只给一次" in twice.output


def test_empty_event_list_is_opened_into_a_block(records):
    text = ORDER.split("events:")[0] + "events: []   # 尚未派单\n"
    p = records.write(PATH, text)
    res = run(
        records,
        "order",
        "add",
        "JC2026112000123",
        "派单",
        "unit=jincun",
        "role=主办",
        "by=县热线办",
        "--at",
        "2026-11-20 10:05",
    )
    assert res.exit_code == 0, res.output
    assert (
        p.read_text(encoding="utf-8")
        == ORDER.split("events:")[0]
        + "events:   # 尚未派单\n  - {at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}\n"
    )


def test_commit_makes_one_structured_commit(records, order, monkeypatch):
    env = {
        "GIT_AUTHOR_NAME": "王丽",
        "GIT_AUTHOR_EMAIL": "wangli@zezhou.gov.cn",
        "GIT_COMMITTER_NAME": "王丽",
        "GIT_COMMITTER_EMAIL": "wangli@zezhou.gov.cn",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)

    def git(*a):
        return subprocess.run(["git", *a], cwd=records.root, check=True, capture_output=True, text=True).stdout

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "init")
    records.write("notes.txt", "staged but not part of the event commit\n")
    git("add", "notes.txt")
    res = run(
        records,
        "order",
        "add",
        "JC2026112000123",
        "联系",
        "unit=jincun",
        "by=王丽",
        "--at",
        "2026-11-20 14:10",
        "--commit",
    )
    assert res.exit_code == 0, res.output
    assert git("log", "-1", "--format=%s|%an").strip() == "JC2026112000123: 联系 jincun|王丽"
    assert git("show", "--name-only", "--format=", "HEAD").split() == [PATH]
    assert "A  notes.txt" in git("status", "--porcelain")


def test_new_order_masks_identity_and_passes_the_check(records):
    res = run(
        records,
        "order",
        "new",
        "--id",
        "JC2026112100007",
        "--title",
        "反映路灯不亮",
        "--category",
        "求助",
        "--received",
        "2026-11-21 08:50",
        "--content",
        "诉求人（电话13987654321）反映村口路灯不亮。",
        "--name",
        "李建国",
        "--phone",
        "139 8765 4321",
        "--address",
        "金村镇东沟村",
        "--tag",
        "路灯",
        "--dispatch",
        "jincun",
        "--co",
        "gongdian",
        "--at",
        "2026-11-21 09:10",
    )
    assert res.exit_code == 0, res.output
    text = (records.root / "orders/2026/11/JC2026112100007.yaml").read_text(encoding="utf-8")
    assert "13987654321" not in text and "李建国" not in text and "8765" not in text
    assert "citizen: {name: 李**, phone: 139****4321}" in text
    assert "诉求人（电话139****4321）反映村口路灯不亮。" in text
    assert text.endswith(
        "events:\n  - {at: 2026-11-21 09:10, type: 派单, unit: jincun, role: 主办, by: 县热线办}\n"
        "  - {at: 2026-11-21 09:10, type: 派单, unit: gongdian, role: 会办, by: 县热线办}\n"
    )
    assert run_check(records.root, parse_time(NOW), extra=False) == []
    again = run(
        records,
        "order",
        "new",
        "--id",
        "JC2026112100007",
        "--title",
        "x",
        "--category",
        "求助",
        "--received",
        "2026-11-21 08:50",
        "--content",
        "x",
    )
    assert again.exit_code == 1 and "已经存在" in again.output


def test_new_order_refuses_an_unknown_unit_and_writes_nothing(records):
    res = run(
        records,
        "order",
        "new",
        "--id",
        "JC2026112100008",
        "--title",
        "t",
        "--category",
        "咨询",
        "--received",
        "2026-11-21 08:50",
        "--content",
        "c",
        "--dispatch",
        "nosuch",
    )
    assert res.exit_code == 1 and "单位 nosuch 不存在" in res.output
    assert not (records.root / "orders").exists()


def test_an_event_identical_to_an_earlier_one_is_appended_not_a_crash(records, order):
    # two phone supervisions worded alike at the same minute: the second line equals the first
    args = [
        "order",
        "add",
        "JC2026112000123",
        "督办",
        "unit=jincun",
        "by=县热线办",
        "kind=电话",
        "--at",
        "2026-11-20 15:00",
    ]
    assert run(records, *args).exit_code == 0
    res = run(records, *args)
    assert res.exit_code == 0, res.output
    line = "  - {at: 2026-11-20 15:00, type: 督办, unit: jincun, kind: 电话, by: 县热线办}\n"
    assert order.read_text(encoding="utf-8") == ORDER + line + line
