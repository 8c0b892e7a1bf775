"""``hotline overdue notify``: one digest per group per working day to the loopback 企业微信, 钉钉 and 飞书, the record
of what was sent on the (loopback) Git host, and the rules that configure it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fake_chat import FakeChat
from fake_githost import TOKEN, FakeHost
from test_chat import ORDER_A, ORDER_B, ORDER_C, setup_records

from hotline.cli import main
from hotline.host.chat_memory import LABEL, MARKER, SentLog, parse
from hotline.load import load

CHAT = """
site_url: https://rexian.zezhou.example/hotline
chat:
  - name: 乡镇工作群
    kind: wecom
    webhook_env: HOTLINE_CHAT_1
    units: [jincun]
  - name: 县直单位群
    kind: dingtalk
    webhook_env: HOTLINE_CHAT_2
    secret_env: HOTLINE_CHAT_2_SECRET
    units: [县住建局]
    keyword: 热线
  - name: 热线办督办群
    kind: feishu
    webhook_env: HOTLINE_CHAT_3
    secret_env: HOTLINE_CHAT_3_SECRET
    units: all
    send: [overdue]
    min_days_late: 2
  - name: 备用群
    kind: wecom
    webhook_env: HOTLINE_CHAT_4
    units: all
"""
WHEN = "2026-11-18 09:00"  # a Wednesday


@pytest.fixture(params=["github", "gitea"])
def host(request):
    h = FakeHost(flavour=request.param).start()
    yield h
    h.stop()


@pytest.fixture
def chat():
    server = FakeChat().start()
    yield server
    server.stop()


def configure(records, chat, extra: str = CHAT):
    setup_records(records, ORDER_A, ORDER_B, ORDER_C)
    rules = records.root / "scoring" / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return {
        "HOTLINE_TOKEN": TOKEN,
        "HOTLINE_CHAT_1": chat.add_robot("wecom", "wecom-key"),
        "HOTLINE_CHAT_2": chat.add_robot("dingtalk", "ding-token", secret="SECding", keyword="热线"),
        "HOTLINE_CHAT_2_SECRET": "SECding",
        "HOTLINE_CHAT_3": chat.add_robot("feishu", "lark-token", secret="lark-secret"),
        "HOTLINE_CHAT_3_SECRET": "lark-secret",
    }


def notify(records, host, env, *args, when=WHEN):
    argv = ["overdue", "notify", "--root", str(records.root), "--as-of", when, *args]
    if host is not None:
        argv += ["--host", host.flavour, "--api-url", host.api_url, "--repo", host.repo, "--token-env", "HOTLINE_TOKEN"]
    return CliRunner().invoke(main, argv, env=env, catch_exceptions=False)


def record_issue(host):
    return [i for i in host.issues.values() if (i["body"] or "").startswith(MARKER)]


def test_one_digest_per_group_then_nothing_again_the_same_day(records, host, chat):
    env = configure(records, chat)
    first = notify(records, host, env)
    assert first.exit_code == 0, first.output
    wecom, ding, lark = chat.delivered("wecom"), chat.delivered("dingtalk"), chat.delivered("feishu")
    assert [m["msgtype"] for m in wecom] == ["markdown", "text"]
    assert (
        "JC2026111000001" in wecom[0]["markdown"]["content"]
        and "JC2026111600002" not in wecom[0]["markdown"]["content"]
    )
    assert wecom[1]["text"]["mentioned_mobile_list"] == ["13912345678"]
    (d,) = ding
    assert d["at"]["atMobiles"] == ["13800001111"] and "热线" in d["markdown"]["text"]
    assert "JC2026111200003" in d["markdown"]["text"] and "JC2026111600002" in d["markdown"]["text"]
    (f,) = lark
    assert "JC2026111000001" in json.dumps(f, ensure_ascii=False) and "JC2026111200003" not in json.dumps(f)
    assert "乡镇工作群（企业微信）：已发送 2 条" in first.output
    assert "备用群（企业微信）：跳过——环境变量 HOTLINE_CHAT_4（webhook 地址）没有设置" in first.output
    # what was sent is on the host: one closed issue with the label and the marker, nothing else touched
    (issue,) = record_issue(host)
    assert issue["state"] == "closed" and [lb["name"] for lb in issue["labels"]] == [LABEL.name]
    log = parse(issue["body"])
    assert sorted(log.entries) == ["乡镇工作群", "县直单位群", "热线办督办群"]
    assert all(e.day == "2026-11-18" for e in log.entries.values())
    assert host.our_issues() == []

    # a fresh runner the same day, nothing changed: nothing is sent, the record is not rewritten
    before, snapshot = len(chat.requests), host.snapshot()
    again = notify(records, host, env, when="2026-11-18 15:30")
    assert again.exit_code == 0, again.output
    assert len(chat.requests) == before and host.snapshot() == snapshot
    assert "2 条今天已发送过，不再发送" in again.output

    # a unit replies: that group's digest changed, so it gets the new one; the others nothing
    path = next(records.root.glob("orders/**/JC2026111600002.yaml"))
    reply = "  - {at: 2026-11-18 10:00, type: 答复, unit: zhujian, by: 赵强, text: 已答复。}\n"
    path.write_text(path.read_text(encoding="utf-8") + reply, encoding="utf-8")
    changed = notify(records, host, env, when="2026-11-18 16:00")
    assert changed.exit_code == 0, changed.output
    assert len(chat.delivered("dingtalk")) == 2 and len(chat.delivered("wecom")) == 2
    assert "JC2026111600002" not in chat.delivered("dingtalk")[-1]["markdown"]["text"]

    # the next working day every group gets its digest again
    nxt = notify(records, host, env, when="2026-11-19 09:00")
    assert nxt.exit_code == 0, nxt.output
    assert len(chat.delivered("wecom")) == 4 and len(record_issue(host)) == 1


def test_dry_run_json_prints_the_messages_and_needs_no_host_and_sends_nothing(records, chat):
    env = configure(records, chat)
    out = notify(records, None, {}, "--dry-run", "--format", "json")
    assert out.exit_code == 0, out.output
    found = json.loads(out.output)
    assert [(m["channel"], m["kind"]) for m in found] == [
        ("乡镇工作群", "wecom"),
        ("乡镇工作群", "wecom"),
        ("县直单位群", "dingtalk"),
        ("热线办督办群", "feishu"),
        ("备用群", "wecom"),  # its variable is not set here: shown all the same
        ("备用群", "wecom"),
    ]
    assert all(set(m) == {"channel", "kind", "text"} for m in found)
    assert "13812345678" not in out.output and "13800001111" not in out.output  # printed masked, staff too
    assert chat.requests == [] and env  # nothing sent


def test_a_refused_group_fails_the_run_by_name_and_only_it_is_tried_again(records, host, chat):
    env = configure(records, chat)
    env["HOTLINE_CHAT_2_SECRET"] = "SECwrong"  # the county copied the wrong secret
    bad = notify(records, host, env)
    assert bad.exit_code == 1
    assert "县直单位群（钉钉）：发送失败：钉钉拒绝了消息（错误码 310000" in bad.output
    assert "1 个群发送失败（县直单位群）" in bad.output
    assert len([r for r in chat.requests if r.kind == "dingtalk"]) == 1  # never retried
    assert len(chat.delivered("wecom")) == 2 and len(chat.delivered("feishu")) == 1  # the others went
    env["HOTLINE_CHAT_2_SECRET"] = "SECding"
    fixed = notify(records, host, env)
    assert fixed.exit_code == 0, fixed.output
    assert len(chat.delivered("dingtalk")) == 1 and len(chat.delivered("wecom")) == 2


def test_a_digest_cut_short_is_completed_not_repeated(records, host, chat):
    env = configure(records, chat)
    # the mention message (the second of the group's two) is refused once as if the key were wrong
    original = chat._answer

    def second_refused(kind, token, query, body, raw, now):
        if kind == "wecom" and (body or {}).get("msgtype") == "text" and not getattr(chat, "refused", False):
            chat.refused = True
            return 200, {"errcode": 93000, "errmsg": "invalid webhook url"}
        return original(kind, token, query, body, raw, now)

    chat._answer = second_refused
    bad = notify(records, host, env)
    assert bad.exit_code == 1 and "错误码 93000" in bad.output and "webhook 地址无效" in bad.output
    assert [m["msgtype"] for m in chat.delivered("wecom")] == ["markdown"]
    again = notify(records, host, env)
    assert again.exit_code == 0, again.output
    assert [m["msgtype"] for m in chat.delivered("wecom")] == ["markdown", "text"]  # only the missing one
    assert "已发送 1 条；1 条今天已发送过，不再发送" in again.output


def test_json_says_what_happened_to_each_group(records, host, chat):
    env = configure(records, chat)
    out = CliRunner().invoke(
        main,
        ["overdue", "notify", "--root", str(records.root), "--as-of", WHEN, "--format", "json", "--host", host.flavour,
         "--api-url", host.api_url, "--repo", host.repo, "--token-env", "HOTLINE_TOKEN"],
        env=env,
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)  # the progress lines went to stderr
    assert [(r["channel"], r["sent"], r["skipped"] is not None) for r in report] == [
        ("乡镇工作群", 2, False),
        ("县直单位群", 1, False),
        ("热线办督办群", 1, False),
        ("备用群", 0, True),
    ]


def test_rest_days_send_nothing_unless_forced(records, host, chat):
    env = configure(records, chat)
    out = notify(records, host, env, when="2026-11-21 09:00")  # a Saturday
    assert out.exit_code == 0 and "是休息日" in out.output and chat.requests == []
    forced = notify(records, host, env, "--force", when="2026-11-21 09:00")
    assert forced.exit_code == 0 and chat.delivered("wecom")


def test_test_message_to_one_group(records, chat):
    env = configure(records, chat)
    out = notify(records, None, env, "--test", "县直单位群")
    assert out.exit_code == 0, out.output
    (m,) = chat.delivered("dingtalk")
    assert m["msgtype"] == "text" and "测试消息" in m["text"]["content"] and "热线" in m["text"]["content"]
    unknown = notify(records, None, env, "--test", "不存在的群")
    assert unknown.exit_code == 2 and "乡镇工作群" in unknown.output
    missing = notify(records, None, env, "--test", "备用群")
    assert missing.exit_code == 1 and "HOTLINE_CHAT_4" in missing.output


def test_without_chat_rules_nothing_happens_and_the_host_is_not_asked(records, host):
    setup_records(records, ORDER_A)
    out = notify(records, host, {"HOTLINE_TOKEN": TOKEN})
    assert out.exit_code == 0 and "没有配置群消息提醒" in out.output
    assert host.log == []  # not a single request


def test_sending_needs_the_host_for_its_record(records, chat):
    env = configure(records, chat)
    out = notify(records, None, env)
    assert out.exit_code == 1 and "发送记录保存在平台的议题中" in out.output and chat.requests == []


def test_an_unreadable_record_counts_as_nothing_sent_and_is_rewritten(records, host, chat):
    env = configure(records, chat)
    host.add_issue("记录", body=MARKER + "\n<!-- hotline:chat-state {broken -->", labels=[LABEL.name])
    out = notify(records, host, env)
    assert out.exit_code == 0, out.output
    (issue,) = record_issue(host)
    assert not parse(issue["body"]).damaged and len(parse(issue["body"]).entries) == 3


def test_sent_log_round_trip_keeps_only_what_it_understands():
    log = SentLog()
    log.record("群<一>|二", "2026-11-18", "abcdefghijklmnop", "09:00")
    log.record("群<一>|二", "2026-11-18", "abcdefghijklmnop", "09:05")
    again = parse(log.render())
    assert again.was_sent("群<一>|二", "2026-11-18", "abcdefghijklmnop")
    assert not again.was_sent("群<一>|二", "2026-11-19", "abcdefghijklmnop")
    assert "-->" not in log.render().split("hotline:chat-state", 1)[1][:-5]
    log.record("群<一>|二", "2026-11-19", "pppppppppppppppp", "09:00")
    assert log.entries["群<一>|二"].sent == ["pppppppppppppppp"]  # a new day starts afresh


# --- the rules and the unit files ------------------------------------------------------------------------


def test_check_names_a_chat_unit_that_does_not_exist_with_its_line(records):
    setup_records(records, ORDER_A)
    rules = records.root / "scoring" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(
        text + "chat:\n  - {name: 群, kind: wecom, webhook_env: A, units: [jincun, 金林镇]}\n", encoding="utf-8"
    )
    repo = load(records.root)
    (f,) = [f for f in repo.findings if f.code == "unknown-unit"]
    assert f.path == "scoring/rules.yaml" and f.line == len(text.splitlines()) + 2 and "金林镇" in f.message


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{name: 群, kind: wecom, webhook_env: A, secret_env: B, units: all}", "企业微信群机器人没有加签"),
        ("{name: 群, kind: qq, webhook_env: A, units: all}", "kind"),
        ("{name: 群, kind: feishu, webhook_env: 'A B', units: all}", "webhook_env"),
        ("{name: 群, kind: feishu, webhook_env: A, units: jincun}", "units"),
    ],
)
def test_bad_chat_entries_are_findings(records, entry, message):
    setup_records(records, ORDER_A)
    rules = records.root / "scoring" / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8") + f"chat:\n  - {entry}\n", encoding="utf-8")
    repo = load(records.root)
    assert any(message in f.message and f.path == "scoring/rules.yaml" for f in repo.findings), repo.findings


def test_two_groups_with_one_name_are_refused(records):
    setup_records(records, ORDER_A)
    rules = records.root / "scoring" / "rules.yaml"
    dup = "  - {name: 群, kind: wecom, webhook_env: A, units: all}\n"
    rules.write_text(rules.read_text(encoding="utf-8") + "chat:\n" + dup + dup, encoding="utf-8")
    assert any("名称重复" in f.message for f in load(records.root).findings)


def test_a_handlers_mobile_is_optional_and_checked(records):
    setup_records(records, ORDER_A)
    records.write(
        "units/jincun.yaml",
        """
        id: jincun
        name: 金村镇
        type: 乡镇
        hotline:
          handlers: [{name: 王丽, mobile: 139-1234-5678}]
        """,
    )
    repo = load(records.root)
    assert any("11 位手机号码" in f.message and f.path == "units/jincun.yaml" for f in repo.findings)
