"""Due-soon and overdue reminders, and their sync to issues on a loopback GitHub or Gitea."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from click.testing import CliRunner
from fake_githost import TOKEN, FakeHost

from hotline.cli import main
from hotline.host.client import HostError, open_host
from hotline.host.reminder_sync import sync
from hotline.host.reminders import DUE_SOON, OVERDUE, key_of, reminders
from hotline.load import load

UNITS = {
    "jincun": """
        id: jincun
        name: 金村镇
        type: 乡镇
        maintainers: [wangli]
    """,
    "zhujian": """
        id: zhujian
        name: 县住房和城乡建设局
        short_name: 县住建局
        type: 县直单位
        maintainers: [zhaoqiang, lina]
    """,
}

# 咨询: 3 working days. Dispatched Mon 2026-11-23 → due Thu 11-26; due soon from Wed 11-25.
ORDER_B = """
    id: JC2026112300002
    title: 咨询新生儿医保办理流程
    category: 咨询
    received_at: 2026-11-23 08:50
    content: 诉求人咨询新生儿医保如何办理。
    events:
      - {at: 2026-11-23 09:00, type: 派单, unit: jincun, role: 主办, by: 县热线办}
      - {at: 2026-11-23 09:30, type: 接收, unit: jincun, by: 王丽}
"""

# 投诉: 10 working days. Dispatched Fri 11-20 → due Fri 12-04; jincun replies, zhujian does not.
ORDER_A = """
    id: JC2026112000123
    title: 金村镇某小区供暖温度不达标
    category: 投诉
    received_at: 2026-11-20 09:40
    content: 诉求人反映小区室内温度长期低于18摄氏度。
    events:
      - {at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}
      - {at: 2026-11-20 10:05, type: 派单, unit: zhujian, role: 会办, by: 县热线办}
      - {at: 2026-11-20 11:30, type: 接收, unit: jincun, by: 王丽}
      - {at: 2026-11-20 14:10, type: 联系, unit: jincun, by: 王丽}
      - {at: 2026-11-24 16:00, type: 答复, unit: jincun, by: 王丽, text: 已协调供热公司排查管网。}
"""

REPLY_B = "  - {at: 2026-11-27 15:00, type: 答复, unit: jincun, by: 王丽, text: 已告知办理流程。}\n"


def setup_records(records, *orders):
    for uid, text in UNITS.items():
        records.write(f"units/{uid}.yaml", text)
    for text in orders:
        oid = text.split("id:")[1].split()[0]
        records.order(oid, text)
    return records


def at(s: str) -> datetime:
    return datetime.strptime(s, "%Y-%m-%d %H:%M")


@pytest.fixture(params=["github", "gitea"])
def fake(request):
    host = FakeHost(flavour=request.param).start()
    yield host
    host.stop()


def client(fake: FakeHost, **kw):
    sleeps = kw.pop("sleeps", None)
    return open_host(
        fake.flavour,
        fake.api_url,
        fake.repo,
        TOKEN,
        sleep=(sleeps.append if sleeps is not None else (lambda s: None)),
        **kw,
    )


def run_sync(fake, records, when, **kw):
    repo = load(records.root)
    with client(fake, **kw) as host:
        return sync(host, repo, at(when))


# --- reminders (pure) ------------------------------------------------------------------------------


def test_due_soon_from_one_working_day_before_and_overdue_after(records):
    setup_records(records, ORDER_A, ORDER_B)
    repo = load(records.root)
    assert not [f for f in repo.findings if f.severity == "error"]

    assert reminders(repo, at("2026-11-24 18:00")) == []
    soon = reminders(repo, at("2026-11-25 08:00"))
    assert [(r.order_id, r.unit, r.state, r.due) for r in soon] == [
        ("JC2026112300002", "jincun", DUE_SOON, "2026-11-26")
    ]
    assert soon[0].maintainers == ("wangli",)
    late = reminders(repo, at("2026-11-27 00:00"))
    assert [(r.order_id, r.state) for r in late] == [("JC2026112300002", OVERDUE)]

    # the co-handling unit zhujian never replied; jincun did, so only zhujian is reminded
    both = reminders(repo, at("2026-12-03 09:00"))
    assert [(r.order_id, r.unit, r.state) for r in both] == [
        ("JC2026112000123", "zhujian", DUE_SOON),
        ("JC2026112300002", "jincun", OVERDUE),
    ]
    assert both[0].labels == ["即将到期", "县住建局"]


def test_extension_and_return_end_the_reminder(records):
    setup_records(
        records,
        ORDER_B.replace(
            "by: 王丽}\n",
            "by: 王丽}\n"
            "      - {at: 2026-11-25 10:00, type: 延期申请, unit: jincun, by: 王丽, days: 2, reason: 需核实, basis: 医保政策}\n"
            "      - {at: 2026-11-25 15:00, type: 延期审核, unit: jincun, by: 县热线办, approved: true}\n",
        ),
    )
    repo = load(records.root)
    assert not [f for f in repo.findings if f.severity == "error"], repo.findings
    # without the extension it would be due soon on 11-26; now due Mon 11-30, due soon from Fri 11-27
    assert reminders(repo, at("2026-11-26 10:00")) == []
    (r,) = reminders(repo, at("2026-11-27 10:00"))
    assert (r.state, r.due, r.extension_days) == (DUE_SOON, "2026-11-30", 2)
    assert "已批准延期 2 个工作日" in r.body()


def test_approved_return_ends_the_reminder_and_says_so_when_closing(records):
    from hotline.host.reminders import close_reason, dispatch_states

    setup_records(
        records,
        ORDER_B.replace(
            "by: 王丽}\n",
            "by: 王丽}\n"
            "      - {at: 2026-11-24 10:00, type: 退回申请, unit: jincun, by: 王丽, reason: 不属本单位职责, basis: 职责清单}\n"
            "      - {at: 2026-11-24 15:00, type: 退回审核, unit: jincun, by: 县热线办, approved: true}\n",
        ),
    )
    repo = load(records.root)
    assert reminders(repo, at("2026-11-27 10:00")) == []
    reason = close_reason(("JC2026112300002", "jincun"), dispatch_states(repo, at("2026-11-27 10:00")), repo.units)
    assert reason == "金村镇的退回申请已获同意，该派单结束，本提醒关闭。"


def test_body_and_title_carry_marker_and_no_unmasked_identity(records):
    setup_records(records, ORDER_B.replace("咨询新生儿医保办理流程", "13812345678咨询新生儿医保"))
    (r,) = reminders(load(records.root), at("2026-11-27 10:00"))
    assert r.body().startswith("<!-- hotline:order=JC2026112300002 unit=jincun -->\n")
    assert "13812345678" not in r.body() + r.title()
    assert "138****5678" in r.title()
    assert r.title().startswith("【逾期】JC2026112300002 金村镇：")


# --- sync against loopback hosts --------------------------------------------------------------------


def test_first_run_creates_labelled_assigned_issues_and_second_run_changes_nothing(fake, records):
    setup_records(records, ORDER_A, ORDER_B)
    result = run_sync(fake, records, "2026-12-03 09:00")
    assert result.error is None
    assert result.plan.count("create") == 2
    issues = sorted(fake.our_issues(), key=lambda i: i["title"])
    assert [i["title"] for i in issues] == [
        "【即将到期】JC2026112000123 县住房和城乡建设局：金村镇某小区供暖温度不达标",
        "【逾期】JC2026112300002 金村镇：咨询新生儿医保办理流程",
    ]
    assert [sorted(lb["name"] for lb in i["labels"]) for i in issues] == [["即将到期", "县住建局"], ["逾期", "金村镇"]]
    assert [sorted(a["login"] for a in i["assignees"]) for i in issues] == [["lina", "zhaoqiang"], ["wangli"]]
    assert set(fake.labels) == {"即将到期", "逾期", "金村镇", "县住建局"}
    if fake.flavour == "gitea":
        posts = [b for m, p, q, b in fake.log if m == "POST" and p.endswith("/issues")]
        assert all(isinstance(x, int) for b in posts for x in b["labels"])  # ids, not names
        assert all(lb["color"] for lb in fake.labels.values())

    before = fake.snapshot()
    mutations = len(fake.mutations())
    again = run_sync(fake, records, "2026-12-03 09:00")
    assert again.plan.actions == [] and again.plan.unchanged == 2
    assert len(fake.mutations()) == mutations and fake.snapshot() == before
    # the next day nothing changed for these dispatches either (the body does not count days)
    assert run_sync(fake, records, "2026-12-03 17:00").plan.actions == []


def test_state_change_updates_in_place_and_reply_closes_with_comment(fake, records):
    setup_records(records, ORDER_B)
    run_sync(fake, records, "2026-11-25 10:00")
    (issue,) = fake.our_issues()
    number = issue["number"]
    assert [lb["name"] for lb in issue["labels"]] == ["即将到期", "金村镇"]
    fake.issues[number]["labels"].append(dict(fake.add_label("人工标注")))  # a label a person added

    result = run_sync(fake, records, "2026-11-27 10:00")
    assert [a.kind for a in result.plan.actions] == ["update"]
    (issue,) = fake.our_issues()
    assert issue["number"] == number and issue["title"].startswith("【逾期】")
    assert "**逾期**" in issue["body"]
    assert sorted(lb["name"] for lb in issue["labels"]) == ["人工标注", "逾期", "金村镇"]

    path = next(records.root.glob("orders/**/JC2026112300002.yaml"))
    path.write_text(path.read_text(encoding="utf-8") + REPLY_B, encoding="utf-8")
    result = run_sync(fake, records, "2026-11-27 16:00")
    assert [a.kind for a in result.plan.actions] == ["close"]
    issue = fake.issues[number]
    assert issue["state"] == "closed"
    (comment,) = fake.comments[number]
    assert "金村镇已于 2026-11-27 15:00 答复（超过期限），本提醒关闭。" in comment["body"]
    if fake.flavour == "github":
        assert issue["state_reason"] == "completed"
    assert run_sync(fake, records, "2026-11-27 16:00").plan.actions == []


def test_closed_issue_is_reopened_when_the_dispatch_is_due_again(fake, records):
    setup_records(records, ORDER_B)
    run_sync(fake, records, "2026-11-26 10:00")
    (issue,) = fake.our_issues()
    fake.issues[issue["number"]]["state"] = "closed"  # someone closed it by hand; still unanswered
    result = run_sync(fake, records, "2026-11-27 10:00")
    assert [a.kind for a in result.plan.actions] == ["reopen"]
    assert fake.issues[issue["number"]]["state"] == "open" and len(fake.our_issues()) == 1


def test_extension_closes_the_reminder_and_it_reopens_near_the_new_deadline(fake, records):
    setup_records(
        records,
        ORDER_B.replace(
            "by: 王丽}\n",
            "by: 王丽}\n"
            "      - {at: 2026-11-25 10:00, type: 延期申请, unit: jincun, by: 王丽, days: 2, reason: 需核实, basis: 医保政策}\n"
            "      - {at: 2026-11-26 12:00, type: 延期审核, unit: jincun, by: 县热线办, approved: true}\n",
        ),
    )
    run_sync(fake, records, "2026-11-26 10:00")  # before the approval: due today
    (issue,) = fake.our_issues()
    number = issue["number"]
    assert [a.kind for a in run_sync(fake, records, "2026-11-26 13:00").plan.actions] == ["close"]
    assert fake.issues[number]["state"] == "closed"
    assert (
        "办理期限现为 2026-11-30，暂未到提醒时间，本提醒关闭；临近期限时会重新打开。"
        in fake.comments[number][0]["body"]
    )
    assert [a.kind for a in run_sync(fake, records, "2026-11-27 10:00").plan.actions] == ["reopen"]
    issue = fake.issues[number]
    assert issue["state"] == "open" and "已关闭" not in issue["body"] and "2026-11-30" in issue["body"]
    assert len(fake.our_issues()) == 1


def test_closing_reason_replaces_an_earlier_one():
    from hotline.host.reminders import closed_body

    once = closed_body("<!-- hotline:order=A unit=b -->\n正文\n", "第一次")
    assert closed_body(once, "第二次") == "<!-- hotline:order=A unit=b -->\n正文\n\n---\n**已关闭**：第二次\n"


def test_unmarked_issues_and_pull_requests_are_never_touched(fake, records):
    setup_records(records, ORDER_B)
    fake.add_issue("有人手工建的逾期议题", "没有隐藏标记", labels=["逾期"])
    fake.add_issue("拉取请求", "<!-- hotline:order=JC2026112300002 unit=jincun -->", labels=["逾期"], pull=True)
    before = {n: dict(i) for n, i in fake.issues.items()}
    result = run_sync(fake, records, "2026-11-27 10:00")
    assert result.plan.unmarked == 1
    assert result.plan.count("create") == 1
    for n, old in before.items():
        assert fake.issues[n] == old
    touched = {int(p.split("/issues/")[1].split("/")[0]) for m, p, q, b in fake.mutations() if "/issues/" in p}
    assert touched.isdisjoint(before)


def test_every_page_of_issues_is_read(fake, records):
    fake.max_items = 7
    setup_records(records, ORDER_B)
    run_sync(fake, records, "2026-11-27 10:00")
    (_ours,) = fake.our_issues()
    for k in range(30):  # newer unrelated issues with the same label push ours onto the last page
        fake.add_issue(f"其他议题 {k}", "无标记", labels=["逾期"])
    result = run_sync(fake, records, "2026-11-27 10:00")
    assert result.plan.actions == [] and result.plan.unchanged == 1 and result.plan.unmarked == 30
    lists = [q for m, p, q, b in fake.log if m == "GET" and p.endswith("/issues") and q.get("labels") == "逾期"]
    assert max(int(q.get("page", 1)) for q in lists) == 5  # 31 issues, 7 a page
    size_param = "limit" if fake.flavour == "gitea" else "per_page"
    assert all(q[size_param] == ("50" if fake.flavour == "gitea" else "100") for q in lists if "page" not in q)


@pytest.mark.parametrize("mode", ["any", "all"])
def test_gitea_label_filter_either_meaning_gives_the_same_result(records, mode):
    fake = FakeHost(flavour="gitea", label_mode=mode).start()
    try:
        setup_records(records, ORDER_A, ORDER_B)
        run_sync(fake, records, "2026-12-03 09:00")
        for k in range(3):
            fake.add_issue(f"无关 {k}", "", labels=["金村镇"])  # shares the unit label only
        first = fake.snapshot()
        assert run_sync(fake, records, "2026-12-03 09:00").plan.actions == []
        assert fake.snapshot() == first
        # only state labels are used to list, one per request
        lists = [q.get("labels") for m, p, q, b in fake.log if m == "GET" and p.endswith("/issues")]
        assert set(lists) == {"即将到期", "逾期"}
    finally:
        fake.stop()


def test_gitea_unknown_label_filter_returns_everything_and_we_still_filter(records):
    fake = FakeHost(flavour="gitea").start()
    try:
        setup_records(records, ORDER_B)
        fake.add_issue("别人的议题", "<!-- hotline:order=JC2026112300002 unit=jincun -->")  # marker, no label
        with client(fake) as host:
            assert host.issues_with_label("逾期") == []  # label unknown to the server: it sent everything
    finally:
        fake.stop()


def test_rate_limit_waits_retry_after_and_reset(fake, records):
    setup_records(records, ORDER_B)
    fake.rate_limit("GET", r"/issues$", {"retry-after": "7"}, status=429)
    fake.rate_limit("POST", r"/issues$", {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1000100"}, status=403)
    fake.rate_limit("GET", r"/labels$", {}, status=403, message="You have exceeded a secondary rate limit")
    sleeps: list[float] = []
    result = run_sync(fake, records, "2026-11-27 10:00", sleeps=sleeps, clock=lambda: 1000000.0)
    assert result.error is None and len(fake.our_issues()) == 1
    assert sleeps == [60.0, 7.0, 101.0]


def test_rate_limit_longer_than_allowed_gives_up_in_chinese(fake, records):
    setup_records(records, ORDER_B)
    fake.rate_limit("GET", r"/labels$", {"retry-after": "3600"}, status=403)
    with pytest.raises(HostError, match="限制了请求频率"):
        run_sync(fake, records, "2026-11-27 10:00", max_wait=600)
    assert fake.mutations() == []


def test_permission_refusal_is_not_mistaken_for_a_rate_limit(fake, records):
    setup_records(records, ORDER_B)
    fake.rate_limit("POST", r"/labels$", {}, status=403, message="Resource not accessible by integration")
    sleeps: list[float] = []
    with pytest.raises(HostError, match="令牌没有权限"):
        run_sync(fake, records, "2026-11-27 10:00", sleeps=sleeps)
    assert sleeps == []


def test_server_error_mid_run_then_rerun_recovers_to_the_same_end_state(fake, records):
    setup_records(records, ORDER_A, ORDER_B)
    reference = FakeHost(flavour=fake.flavour).start()
    try:
        run_sync(reference, records, "2026-12-03 09:00")
    finally:
        reference.stop()

    fake.fail("POST", r"/issues$", times=1)  # the first create fails: nothing done on the server
    fake.fail("GET", r"/issues$", times=2)  # a list read fails twice and is retried
    first = run_sync(fake, records, "2026-12-03 09:00")
    assert first.error and "HTTP 500" in first.error
    assert len(fake.our_issues()) == 0

    second = run_sync(fake, records, "2026-12-03 09:00")
    assert second.error is None and second.plan.count("create") == 2
    third = run_sync(fake, records, "2026-12-03 09:00")
    assert third.plan.actions == []

    def view(snapshot):
        return sorted(row[1:] for row in snapshot)

    assert view(fake.snapshot()) == view(reference.snapshot())


def test_interrupted_close_never_comments_twice_and_keeps_the_reason(fake, records):
    setup_records(records, ORDER_B)
    run_sync(fake, records, "2026-11-27 10:00")
    (issue,) = fake.our_issues()
    number = issue["number"]
    path = next(records.root.glob("orders/**/JC2026112300002.yaml"))
    path.write_text(path.read_text(encoding="utf-8") + REPLY_B, encoding="utf-8")

    fake.fail("PATCH", rf"/issues/{number}$", times=10)  # closing keeps failing: nothing else happens
    first = run_sync(fake, records, "2026-11-27 16:00")
    assert first.error and fake.issues[number]["state"] == "open" and fake.comments[number] == []
    fake.faults.clear()

    fake.fail("POST", rf"/issues/{number}/comments$", times=1)  # closed, then the comment fails
    second = run_sync(fake, records, "2026-11-27 16:00")
    assert second.error and fake.issues[number]["state"] == "closed" and fake.comments[number] == []
    assert fake.issues[number]["body"].endswith(
        "---\n**已关闭**：金村镇已于 2026-11-27 15:00 答复（超过期限），本提醒关闭。\n"
    )
    third = run_sync(fake, records, "2026-11-27 16:00")
    assert third.plan.actions == [] and fake.mutations()[-1][0] == "POST"  # nothing repeated


def test_duplicate_reminders_are_closed_pointing_to_the_first(fake, records):
    setup_records(records, ORDER_B)
    run_sync(fake, records, "2026-11-27 10:00")
    (issue,) = fake.our_issues()
    dup = fake.add_issue(issue["title"], issue["body"], labels=["逾期", "金村镇"])
    result = run_sync(fake, records, "2026-11-27 10:00")
    assert [(a.kind, a.number) for a in result.plan.actions] == [("close", dup["number"])]
    assert fake.issues[dup["number"]]["state"] == "closed"
    assert f"请见 #{issue['number']}" in fake.comments[dup["number"]][0]["body"]
    assert fake.issues[issue["number"]]["state"] == "open"


def test_unassignable_maintainer_still_gets_the_issue(fake, records):
    setup_records(records, ORDER_B)
    fake.assignable = {"someone-else"}
    run_sync(fake, records, "2026-11-27 10:00")
    (issue,) = fake.our_issues()
    assert issue["assignees"] == [] and "@wangli" in issue["body"]


def test_link_to_another_host_is_refused(fake, records):
    setup_records(records, ORDER_B)
    fake.max_items = 1
    fake.add_issue("a", "", labels=["逾期"])
    fake.add_issue("b", "", labels=["逾期"])
    with client(fake) as host:
        host.api.api_url = "http://127.0.0.1:1"  # what the token was meant for; the server links elsewhere
        host.api.client.base_url = fake.api_url
        with pytest.raises(HostError, match="分页链接指向了别的地址"):
            host.issues_with_label("逾期")


# --- the command --------------------------------------------------------------------------------------


def invoke(args, env=None):
    return CliRunner().invoke(main, args, env=env or {}, catch_exceptions=False)


def sync_args(fake, records, when):
    return [
        "overdue",
        "sync",
        "--root",
        str(records.root),
        "--host",
        fake.flavour,
        "--api-url",
        fake.api_url,
        "--repo",
        fake.repo,
        "--token-env",
        "HOTLINE_TOKEN",
        "--as-of",
        when,
        "--pause",
        "0",
    ]


def test_cli_sync_dry_run_then_real_then_noop(fake, records):
    setup_records(records, ORDER_A, ORDER_B)
    env = {"HOTLINE_TOKEN": TOKEN}
    dry = invoke(sync_args(fake, records, "2026-12-03 09:00") + ["--dry-run"], env)
    assert dry.exit_code == 0
    assert "将新建：工单 JC2026112300002 单位 jincun" in dry.output
    assert fake.mutations() == []

    real = invoke(sync_args(fake, records, "2026-12-03 09:00"), env)
    assert real.exit_code == 0, real.output
    assert "同步完成：新建 2，更新 0，重新打开 0，关闭 0，未变 0" in real.stderr
    again = invoke(sync_args(fake, records, "2026-12-03 09:00"), env)
    assert "新建 0，更新 0，重新打开 0，关闭 0，未变 2" in again.stderr


def test_cli_sync_skips_rest_days_unless_forced(fake, records):
    setup_records(records, ORDER_B)
    env = {"HOTLINE_TOKEN": TOKEN}
    rest = invoke(sync_args(fake, records, "2026-11-28 09:00"), env)  # a Saturday
    assert rest.exit_code == 0 and "是休息日，不同步" in rest.stderr and fake.log == []
    forced = invoke(sync_args(fake, records, "2026-11-28 09:00") + ["--force"], env)
    assert forced.exit_code == 0 and len(fake.our_issues()) == 1


def test_cli_sync_reports_interruption_and_exit_code(fake, records):
    setup_records(records, ORDER_A, ORDER_B)
    fake.fail("POST", r"/issues$", times=1)
    r = invoke(sync_args(fake, records, "2026-12-03 09:00"), {"HOTLINE_TOKEN": TOKEN})
    assert r.exit_code == 1 and "同步中断" in r.stderr and "再次运行会从中断处继续" in r.stderr


def test_cli_sync_without_token_or_with_a_wrong_one(fake, records):
    setup_records(records, ORDER_B)
    r = invoke(sync_args(fake, records, "2026-11-27 10:00"))
    assert r.exit_code == 1 and "环境变量 HOTLINE_TOKEN 中没有访问令牌" in r.stderr
    r = invoke(sync_args(fake, records, "2026-11-27 10:00"), {"HOTLINE_TOKEN": "wrong"})
    assert r.exit_code == 1 and "拒绝了令牌" in r.stderr


def test_cli_list_json_and_table(records):
    setup_records(records, ORDER_A, ORDER_B)
    r = invoke(["overdue", "list", "--root", str(records.root), "--as-of", "2026-12-03 09:00", "--format", "json"])
    data = json.loads(r.output)
    assert [(d["id"], d["unit"], d["state"], d["due"]) for d in data] == [
        ("JC2026112000123", "zhujian", "due_soon", "2026-12-04"),
        ("JC2026112300002", "jincun", "overdue", "2026-11-26"),
    ]
    t = invoke(["overdue", "list", "--root", str(records.root), "--as-of", "2026-12-03 09:00"])
    assert "县住房和城乡建设局" in t.output and "即将到期 1 个，逾期 1 个" in t.output


def test_key_of_reads_only_our_marker():
    from hotline.host.client import Issue

    assert key_of(Issue(1, "t", "x\n<!-- hotline:order=AB-1 unit=jincun -->", "open")) == ("AB-1", "jincun")
    assert key_of(Issue(1, "t", "<!-- hotline:order=AB-1 -->", "open")) is None
