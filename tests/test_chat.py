"""Group reminders (群消息督办提醒): the digest and its messages (pure), and the transport against a loopback
server playing 企业微信, 钉钉 and 飞书 (signatures checked, rate limits and refusals answered as they do)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import httpx
import pytest
from fake_chat import FakeChat, FakeClock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.host.chat_message import (
    DINGTALK_BODY_BYTES,
    FEISHU_BODY_BYTES,
    FEISHU_SIGNED,
    HEADING,
    WECOM_MARKDOWN_BYTES,
    WECOM_TEXT_BYTES,
    Digest,
    Row,
    digest,
    encode,
    messages,
    trial_message,
)
from hotline.host.chat_send import MINUTE, SECOND, ChatError, ChatSender, Pacer, sign
from hotline.host.reminders import reminders
from hotline.lifecycle.status import DUE_SOON, OVERDUE
from hotline.load import load
from hotline.records.rules import ChatChannel

UNITS = {
    "jincun": """
        id: jincun
        name: 金村镇
        type: 乡镇
        hotline:
          handlers:
            - {name: 王丽, phone: 0356-1234567, mobile: 13912345678}
            - {name: 李强}
        maintainers: [wangli]
    """,
    "zhujian": """
        id: zhujian
        name: 县住房和城乡建设局
        short_name: 县住建局
        type: 县直单位
        hotline:
          handlers:
            - {name: 赵强, mobile: "13800001111"}
    """,
}

# 咨询: 3 working days. A: dispatched Tue 11-10 → due Fri 11-13: on Wed 11-18 three working days late.
ORDER_A = """
    id: JC2026111000001
    title: 道路积水，诉求人电话13812345678
    category: 咨询
    received_at: 2026-11-10 09:00
    citizen: {name: 张**, phone: 138****5678}
    content: 道路积水
    events:
      - {at: 2026-11-10 09:30, type: 派单, unit: jincun, role: 主办, by: 县热线办}
"""
# B: dispatched Mon 11-16 → due Thu 11-19: on Wed 11-18 due soon, one working day left.
ORDER_B = """
    id: JC2026111600002
    title: "[点我](javascript:alert(1)) <@all> **供暖** @13800001111"
    category: 咨询
    received_at: 2026-11-16 09:00
    content: 供暖
    events:
      - {at: 2026-11-16 09:30, type: 派单, unit: zhujian, role: 主办, by: 县热线办}
"""
# C: dispatched Thu 11-12 → due Tue 11-17: on Wed 11-18 one working day late.
ORDER_C = """
    id: JC2026111200003
    title: 小区路灯不亮
    category: 咨询
    received_at: 2026-11-12 09:00
    content: 路灯
    events:
      - {at: 2026-11-12 09:30, type: 派单, unit: zhujian, role: 主办, by: 县热线办}
      - {at: 2026-11-12 09:30, type: 派单, unit: jincun, role: 会办, by: 县热线办}
"""
AS_OF = datetime(2026, 11, 18, 9, 0)
SITE = "https://rexian.zezhou.example/hotline"


def setup_records(records, *orders):
    for uid, text in UNITS.items():
        records.write(f"units/{uid}.yaml", text)
    for text in orders:
        records.order(text.split("id:")[1].split()[0], text)
    return records


def channel(**kw) -> ChatChannel:
    return ChatChannel.model_validate({"name": "测试群", "kind": "wecom", "webhook_env": "X", "units": "all", **kw})


def day_digest(records, **kw):
    setup_records(records, ORDER_A, ORDER_B, ORDER_C)
    repo = load(records.root)
    # the unmasked numbers in two titles are errors for check; the messages must mask them all the same
    assert {f.code for f in repo.findings if f.severity == "error"} <= {"pii-phone"}, repo.findings
    return digest(channel(**kw), reminders(repo, AS_OF), repo.units, AS_OF.date(), SITE)


# --- the digest -----------------------------------------------------------------------------------------


def test_digest_lists_overdue_latest_first_then_due_soon_with_how_late(records):
    d = day_digest(records)
    assert [(r.order_id, r.unit, r.state, r.days_late, r.days_left) for r in d.rows] == [
        ("JC2026111000001", "jincun", OVERDUE, 3, 0),
        ("JC2026111200003", "jincun", OVERDUE, 1, 0),
        ("JC2026111200003", "zhujian", OVERDUE, 1, 0),
        ("JC2026111600002", "zhujian", DUE_SOON, 0, 1),
    ]
    assert d.rows[0].when() == "已逾期 3 个工作日" and d.rows[-1].when() == "还剩 1 个工作日"
    assert d.rows[0].url == f"{SITE}/orders/?id=JC2026111000001"
    assert d.rows[2].unit_name == "县住房和城乡建设局"
    assert d.heading() == "【督办提醒】2026-11-18（周三） 逾期 3 件、即将到期 1 件"
    assert day_digest(records, send=["overdue"]).heading() == "【督办提醒】2026-11-18（周三） 逾期 3 件"
    assert dict(d.mentions) == {"jincun": ("13912345678",), "zhujian": ("13800001111",)}


def test_a_channel_gets_its_units_its_kinds_and_escalation_from_n_working_days(records):
    by_name = day_digest(records, units=["县住建局"])  # a short name
    assert {r.unit for r in by_name.rows} == {"zhujian"}
    soon = day_digest(records, units=["zhujian", "jincun"], send=["due_soon"])
    assert [r.order_id for r in soon.rows] == ["JC2026111600002"]
    escalation = day_digest(records, send=["overdue"], min_days_late=2, mention=False)
    assert [(r.order_id, r.days_late) for r in escalation.rows] == [("JC2026111000001", 3)]
    assert escalation.mentions == {}
    assert day_digest(records, kind="feishu").mentions == {}  # 飞书's robots cannot @ by mobile


def test_the_site_link_is_the_sites_own_order_page():
    from hotline.records.paths import SITE_ORDERS_PAGE, site_order_url
    from hotline.site.pages import ORDERS_PAGE
    from hotline.site.render import url_of

    assert ORDERS_PAGE == SITE_ORDERS_PAGE
    assert site_order_url(SITE + "/", "JC1") == f"{SITE}/{url_of(ORDERS_PAGE)}?id=JC1"


# --- the messages ---------------------------------------------------------------------------------------


def all_text(msgs) -> str:
    return "\n".join(m.body.decode() for m in msgs)


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu"])
def test_no_citizen_identity_no_markup_from_the_records_and_the_heading_everywhere(records, kind):
    msgs = messages(day_digest(records, kind=kind, keyword="热线督办"))
    text = all_text(msgs)
    # the number in the title, masked (its stars full-width: no markup either)
    assert "13812345678" not in text and "138＊＊＊＊5678" in text
    assert "张" not in text and "道路积水" in text  # the citizen's (masked) name is never sent
    assert "javascript" in text and "](javascript" not in text and "<@all>" not in text and "**供暖**" not in text
    assert "＠13800001111" not in text  # a number written by a unit is masked, whatever precedes it
    for m in msgs:
        assert "督办提醒" in m.text and "热线督办" in m.text
    if kind == "feishu":
        assert not re.search(r"1[3-9]\d{9}", text)


def test_plain_masks_numbers_however_spaced_and_leaves_no_markup():
    from hotline.host.chat_message import plain
    from hotline.records.privacy import find

    text = plain("电话 138\t1234\t5678，身份证 110101199003074512 [链接](http://x) <@all> `code`")
    assert not list(find(text)) and "138" in text and "[" not in text and "<@" not in text and "`" not in text
    assert plain("很长的标题" * 10, 12) == "很长的标题很长的标题很…"


def test_wecom_markdown_then_one_text_message_that_mentions_by_mobile(records):
    msgs = messages(day_digest(records, kind="wecom"))
    assert [m.payload["msgtype"] for m in msgs] == ["markdown", "text"]
    markdown, mention = msgs
    assert "[JC2026111000001](https://rexian.zezhou.example/hotline/orders/?id=JC2026111000001)" in markdown.text
    assert "13912345678" not in markdown.text
    assert mention.payload["text"]["mentioned_mobile_list"] == ["13912345678", "13800001111"]
    assert "金村镇" in mention.text and "13912345678" not in mention.text


def test_dingtalk_mentions_in_at_and_in_the_text_as_the_service_requires(records):
    (m,) = messages(day_digest(records, kind="dingtalk"))
    assert m.payload["at"] == {"atMobiles": ["13912345678", "13800001111"], "isAtAll": False}
    assert "@13912345678 @13800001111" in m.payload["markdown"]["text"]
    assert m.payload["markdown"]["title"].startswith("督办提醒")


def test_feishu_is_rich_text_with_links(records):
    (m,) = messages(day_digest(records, kind="feishu"))
    post = m.payload["content"]["post"]["zh_cn"]
    links = [e for p in post["content"] for e in p if e["tag"] == "a"]
    assert links[0]["href"] == f"{SITE}/orders/?id=JC2026111000001"
    assert m.payload["msg_type"] == "post"


def test_no_rows_no_message_and_the_fingerprint_names_the_content(records):
    d = day_digest(records, units=["jincun"], send=["due_soon"])
    assert d.rows == () and messages(d) == []
    a, b = messages(day_digest(records)), messages(day_digest(records))
    assert [m.fingerprint for m in a] == [m.fingerprint for m in b]
    assert all(re.fullmatch(r"[a-p]{16}", m.fingerprint) for m in a)
    other = messages(day_digest(records, keyword="热线"))
    assert a[0].fingerprint != other[0].fingerprint


LIMITS = {
    "wecom": lambda m: (
        len(m.payload["markdown"]["content"].encode())
        if m.payload["msgtype"] == "markdown"
        else len(m.payload["text"]["content"].encode())
    ),
    "dingtalk": lambda m: len(m.body),
    "feishu": lambda m: len(encode({**FEISHU_SIGNED, **m.payload})),
}


def limit_of(m) -> int:
    if m.kind == "wecom":
        return WECOM_MARKDOWN_BYTES if m.payload["msgtype"] == "markdown" else WECOM_TEXT_BYTES
    return DINGTALK_BODY_BYTES if m.kind == "dingtalk" else FEISHU_BODY_BYTES


ID_RE = r"(?<!id=)JC2026111\d{6}"  # an order id as shown, not the one in its link
WORDS = st.text(alphabet=st.sampled_from("供暖积水路灯噪音扰民😀𠀋abc，。"), min_size=1, max_size=40)


@st.composite
def digests(draw):
    kind = draw(st.sampled_from(["wecom", "dingtalk", "feishu"]))
    n = draw(st.integers(1, 160))
    units = [f"u{i}" for i in range(draw(st.integers(1, 30)))]
    rows = []
    for i in range(n):
        late = draw(st.booleans())
        rows.append(
            Row(
                order_id=f"JC2026111{i:06d}",
                unit=draw(st.sampled_from(units)),
                unit_name=draw(WORDS)[:20],
                role="主办",
                title=draw(WORDS)[:30],
                due="2026-11-13",
                state=OVERDUE if late else DUE_SOON,
                days_late=3 if late else 0,
                days_left=0 if late else 1,
                url=None if draw(st.booleans()) else f"{SITE}/orders/?id=JC2026111{i:06d}",
            )
        )
    rows.sort(key=lambda r: r.state != OVERDUE)
    mentions = {u: tuple(f"139{j:08d}" for j in range(draw(st.integers(0, 5)))) for u in units}
    ch = channel(kind=kind, keyword=draw(st.sampled_from([None, "热线", "督办提醒"])))
    return Digest(ch, date(2026, 11, 18), tuple(rows), {u: m for u, m in mentions.items() if m})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(digests())
def test_split_only_at_the_size_limits_in_utf8_bytes_and_every_row_once_in_order(d):
    msgs = messages(d)
    digest_parts = [m for m in msgs if not (m.kind == "wecom" and m.payload["msgtype"] == "text")]
    for m in msgs:
        assert LIMITS[m.kind](m) <= limit_of(m), (m.kind, LIMITS[m.kind](m))
        assert HEADING in m.text and (d.channel.keyword or "督办提醒") in m.text
    seen = [oid for m in digest_parts for oid in re.findall(ID_RE, m.text)]
    assert seen == [r.order_id for r in d.rows]  # each row once, in order, none cut in two
    n = len(digest_parts)
    assert all((f"（第 {k}/{n} 条）" in m.text) == (n > 1) for k, m in enumerate(digest_parts, 1))
    # greedy: every part but the last is nearly full (the next row, at most a few hundred bytes, did not fit)
    for m in digest_parts[:-1]:
        assert LIMITS[m.kind](m) > limit_of(m) - 700
    if d.channel.kind == "dingtalk":
        mentioned = [x for m in msgs for x in m.payload["at"]["atMobiles"]]
        wanted = [x for u in dict.fromkeys(r.unit for r in d.rows) for x in d.mentions.get(u, ())]
        assert sorted(set(mentioned)) == sorted(set(wanted))


def test_a_long_digest_in_chinese_takes_several_wecom_messages_each_full():
    rows = tuple(
        Row(f"JC2026111{i:06d}", "jincun", "金村镇", "主办", "供暖温度不达标" * 4, "2026-11-13", OVERDUE, 2, 0, None)
        for i in range(80)
    )
    msgs = messages(Digest(channel(kind="wecom", mention=False), date(2026, 11, 18), rows))
    assert len(msgs) > 2
    sizes = [len(m.payload["markdown"]["content"].encode()) for m in msgs]
    assert max(sizes) <= 4096 and min(sizes[:-1]) > 4096 - 200  # cut where the limit is, not before


# --- the transport: the loopback services ----------------------------------------------------------------


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def chat(clock):
    server = FakeChat(clock=clock).start()
    yield server
    server.stop()


def sender(chat, clock, kind, url, secret=None, **kw):
    return ChatSender(kind, url, secret, clock=clock, sleep=clock.sleep, **kw)


def one(kind: str, text: str = "督办提醒 测试"):
    return trial_message(channel(kind=kind, name=text), date(2026, 11, 18))


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu"])
def test_signed_messages_are_accepted_and_a_wrong_secret_is_refused_once(chat, clock, kind):
    secret = None if kind == "wecom" else "SECabc+/=123"
    url = chat.add_robot(kind, "tok1", secret=secret)
    with sender(chat, clock, kind, url, secret) as s:
        s.send(one(kind))
    assert len(chat.delivered(kind)) == 1
    if kind == "wecom":
        return
    with sender(chat, clock, kind, url, "SECwrong") as s, pytest.raises(ChatError) as e:
        s.send(one(kind))
    assert e.value.code == {"dingtalk": 310000, "feishu": 19021}[kind]
    assert len(chat.requests) == 2  # a signature refusal is never retried
    assert "tok1" not in str(e.value) and "127.0.0.1" not in str(e.value)  # the URL is a secret


def test_the_signature_follows_the_documented_recipe():
    import base64
    import hashlib
    import hmac

    ts, secret = "1700000000000", "SEC000"
    want = base64.b64encode(hmac.new(b"SEC000", b"1700000000000\nSEC000", hashlib.sha256).digest()).decode()
    assert sign(secret, ts, "dingtalk") == want
    want = base64.b64encode(hmac.new(b"1700000000\nSEC000", b"", hashlib.sha256).digest()).decode()
    assert sign(secret, "1700000000", "feishu") == want


@pytest.mark.parametrize(("kind", "code"), [("dingtalk", 310000), ("feishu", 19024)])
def test_a_keyword_refusal_is_not_retried_and_the_keyword_option_satisfies_it(chat, clock, kind, code):
    url = chat.add_robot(kind, "kw", keyword="热线督办")
    with sender(chat, clock, kind, url) as s, pytest.raises(ChatError) as e:
        s.send(one(kind))
    assert e.value.code == code and len(chat.requests) == 1 and "keyword" in str(e.value)
    with sender(chat, clock, kind, url) as s:
        s.send(trial_message(channel(kind=kind, keyword="热线督办"), date(2026, 11, 18)))
    assert len(chat.delivered(kind)) == 1


@pytest.mark.parametrize(("kind", "wait"), [("wecom", 60.0), ("dingtalk", 600.0), ("feishu", 10.0)])
def test_a_rate_limit_answer_is_waited_out_and_retried(chat, clock, kind, wait):
    url = chat.add_robot(kind, "r", secret=None)
    chat.fail_next(kind, 1, "rate")
    with sender(chat, clock, kind, url) as s:
        s.send(one(kind))
    assert [r.answer.get("errcode", r.answer.get("code")) for r in chat.requests][1] == 0
    assert len(chat.requests) == 2 and wait in clock.slept


def test_server_errors_back_off_then_give_up_after_the_tries(chat, clock):
    url = chat.add_robot("wecom", "e")
    chat.fail_next("wecom", 2, "5xx")
    with sender(chat, clock, "wecom", url) as s:
        s.send(one("wecom"))
    assert len(chat.requests) == 3 and clock.slept == [5.0, 10.0]
    chat.fail_next("wecom", 9, "5xx")
    with sender(chat, clock, "wecom", url, tries=3) as s, pytest.raises(ChatError, match="已尝试 3 次"):
        s.send(one("wecom"))
    assert len(chat.requests) == 6


def test_a_wait_beyond_the_allowed_time_gives_up_in_chinese(chat, clock):
    url = chat.add_robot("dingtalk", "slow")
    chat.fail_next("dingtalk", 2, "rate")
    with sender(chat, clock, "dingtalk", url, max_wait=900) as s, pytest.raises(ChatError, match="钉钉限制了发送频率"):
        s.send(one("dingtalk"))
    assert len(chat.requests) == 2 and clock.slept == [600.0]  # the second wait (1200 s) is more than allowed


def test_a_connection_never_made_is_retried_and_the_error_hides_the_url(clock):
    url = "http://127.0.0.1:9/cgi-bin/webhook/send?key=SECRETKEY"  # nothing listens there
    with ChatSender("wecom", url, clock=clock, sleep=clock.sleep) as s, pytest.raises(ChatError) as e:
        s.send(one("wecom"))
    assert s.requests_made == 4 and "SECRETKEY" not in str(e.value) and "无法连接企业微信" in str(e.value)


def test_an_answer_without_an_error_code_is_not_taken_for_success():
    def handler(request):
        return httpx.Response(200, text="<html>ok</html>")

    url, transport = "https://oapi.example/robot/send?access_token=t", httpx.MockTransport(handler)
    with ChatSender("dingtalk", url, transport=transport) as s, pytest.raises(ChatError, match="回应无法识别"):
        s.send(one("dingtalk"))


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu"])
def test_pacing_keeps_a_burst_within_the_services_limits(chat, clock, kind):
    url = chat.add_robot(kind, "burst", secret="SECx" if kind != "wecom" else None)
    with sender(chat, clock, kind, url, "SECx" if kind != "wecom" else None) as s:
        for _ in range(45):
            s.send(one(kind))
    assert len(chat.delivered(kind)) == 45 and len(chat.requests) == 45  # never refused for the rate
    times = [r.at for r in chat.requests]
    per_minute = 100 if kind == "feishu" else 20
    assert all(sum(t <= u < t + 60 for u in times) <= per_minute for t in times)
    if kind == "feishu":
        assert all(sum(t <= u < t + 1 for u in times) <= 5 for t in times)
    assert sum(clock.slept) < 3 * 61  # and no slower than needed


@settings(max_examples=80, deadline=None)
@given(
    per_minute=st.integers(1, 30),
    per_second=st.one_of(st.none(), st.integers(1, 6)),
    gaps=st.lists(st.floats(0, 20, allow_nan=False), min_size=1, max_size=80),
)
def test_pacer_property_never_over_either_window_and_never_waits_needlessly(per_minute, per_second, gaps):
    clock = FakeClock()
    pacer = Pacer(per_minute, per_second, clock, clock.sleep)
    times = []
    for gap in gaps:
        clock.tick(gap)
        before = clock()
        slept = pacer.wait()
        times.append(clock())
        recent = [t for t in times[:-1] if t > before - MINUTE]
        quick = [t for t in times[:-1] if t > before - SECOND]
        if len(recent) < per_minute and (per_second is None or len(quick) < per_second):
            assert slept == 0  # room in both windows: sent at once
    for t in times:
        assert sum(t <= u < t + MINUTE for u in times) <= per_minute
        if per_second:
            assert sum(t <= u < t + SECOND for u in times) <= per_second


def test_the_fake_services_count_real_requests(chat, clock):
    url = chat.add_robot("feishu", "count", secret="s")
    with sender(chat, clock, "feishu", url, "s") as s:
        s.send(one("feishu"))
    (req,) = chat.requests
    assert req.body["timestamp"].isdigit() and req.body["msg_type"] == "text"
    assert json.loads(encode(req.body)) == req.body
