"""Issue 21, "records that must not go wrong" and unit names: a clerk's merges (并单), a merged order's status,
one review per request, event times with minutes, unit names however written, and where the commands run —
through the CLI on real Git repositories in temporary folders."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fake_githost import TOKEN, FakeHost
from gitrepo import commit_all, git

from hotline.cli import main
from hotline.host.client import open_host
from hotline.host.reminder_sync import sync
from hotline.load import load
from hotline.records.unit_names import resolve_unit, unknown_unit_message
from hotline.times import parse_time

NOW = "2026-12-07 10:00"


def order(oid: str, day: int, unit: str = "jincun", extra: str = "") -> str:
    return f"""
id: {oid}
title: 村口路灯不亮
category: 求助
received_at: 2026-11-{day:02d} 09:40
citizen: {{name: 张**, phone: 138****1234}}
content: 村口路灯不亮，晚上出行不便。
events:
  - {{at: 2026-11-{day:02d} 10:05, type: 派单, unit: {unit}, role: 主办, by: 县热线办}}
{extra}"""


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


def text_of(records, oid: str) -> str:
    return next(records.root.glob(f"orders/*/*/{oid}.yaml")).read_text(encoding="utf-8")


def merge(records, merge_id: str, into: str, *extra):
    return run(
        "repeats", "--root", records.root, "--merge", merge_id, "--into", into, "--at", "2026-11-25 10:00",
        "--as-of", NOW, *extra,
    )  # fmt: skip


def merge_findings(records) -> list[tuple[str, int, str]]:
    out = json.loads(run("check", "--root", records.root, "--no-history", "--as-of", NOW, "--format", "json").stdout)
    return [
        (f["path"].rsplit("/", 1)[1], f["line"], f["message"]) for f in out["findings"] if f["code"] == "merge-invalid"
    ]


@pytest.fixture
def three(records):
    """A1 (11-20), A2 (11-23) and A3 (11-24): the same citizen's street light, each dispatched to 金村镇."""
    for oid, day in (("A1", 20), ("A2", 23), ("A3", 24)):
        records.order(oid, order(oid, day))
    commit_all(records.root, "三件工单")
    return records


# --- point 1: merges go one way ----------------------------------------------------------------------


def test_merges_refused_into_a_later_missing_or_merged_order_by_both_commands(three):
    records = three
    before = {oid: text_of(records, oid) for oid in ("A1", "A2", "A3")}
    later = merge(records, "A1", "A2")  # the earlier into the later
    assert later.exit_code == 1 and "只能把较晚的工单并入较早的工单，应把 A2 并入 A1" in later.output
    missing = merge(records, "A2", "A9")
    assert missing.exit_code == 1 and "找不到工单 A9" in missing.output
    assert {oid: text_of(records, oid) for oid in before} == before  # nothing written

    assert merge(records, "A2", "A1").exit_code == 0
    back = merge(records, "A1", "A2")  # the reverse too: each merged into the other
    assert back.exit_code == 1 and "A2 已并入 A1：两件工单不能互相并入" in back.output
    chain = merge(records, "A3", "A2")
    assert chain.exit_code == 1 and "A2 已并入 A1：不能并入已并单的工单，请直接并入 A1" in chain.output
    twice = merge(records, "A2", "A1")
    assert twice.exit_code == 1 and "A2 已并入 A1：一件工单只能并单一次" in twice.output
    # order add applies the same rule
    add = run(
        "order", "add", "A1", "并单", "into=A3", "by=县热线办", "--at", "2026-11-25 11:00", "--as-of", NOW,
        "--root", records.root,
    )  # fmt: skip
    assert add.exit_code == 1 and "未写入任何内容" in add.output
    assert "已有工单 A2 并入 A1：被并入的工单不能再并入其他工单" in add.output
    assert "A3 的收件时间（2026-11-24 09:40）晚于 A1" in add.output
    assert text_of(records, "A1") == before["A1"] and text_of(records, "A3") == before["A3"]
    assert merge(records, "A3", "A1").exit_code == 0  # into the earliest: allowed
    assert merge_findings(records) == []


def test_check_reports_hand_written_merges_that_break_the_rule(records):
    line = "  - {{at: 2026-11-26 09:00, type: 并单, into: {into}, by: 县热线办}}\n"
    records.order("B1", order("B1", 20, extra=line.format(into="B2")))  # into a later order
    records.order("B2", order("B2", 21))
    records.order("B3", order("B3", 22, extra=line.format(into="B9")))  # into a missing order
    records.order("C1", order("C1", 10))
    records.order("C2", order("C2", 11, extra=line.format(into="C1")))
    records.order("C3", order("C3", 12, extra=line.format(into="C2")))  # a chain C3 → C2 → C1
    records.order("D1", order("D1", 13, extra=line.format(into="D2")))  # a cycle D1 ⇄ D2
    records.order("D2", order("D2", 14, extra=line.format(into="D1")))
    found = merge_findings(records)
    assert (
        "B1.yaml",
        9,
        "B2 的收件时间（2026-11-21 09:40）晚于 B1（2026-11-20 09:40）：只能把较晚的工单并入较早的工单，应把 B2 并入 B1",
    ) in found
    assert ("B3.yaml", 9, "找不到工单 B9：orders/ 下没有 B9.yaml，无法并入") in found
    assert ("C3.yaml", 9, "C2 已并入 C1：不能并入已并单的工单，请直接并入 C1") in found
    assert ("C2.yaml", 9, "已有工单 C3 并入 C2：被并入的工单不能再并入其他工单") in found
    assert ("D1.yaml", 9, "D2 已并入 D1：两件工单不能互相并入") in found
    assert {f[0] for f in found} == {"B1.yaml", "B3.yaml", "C2.yaml", "C3.yaml", "D1.yaml", "D2.yaml"}
    assert run("check", "--root", records.root, "--no-history", "--as-of", NOW).exit_code == 1


# --- point 2: a merged order's open dispatches end with the merge ---------------------------------------


@pytest.fixture(params=["github", "gitea"])
def fake(request):
    host = FakeHost(flavour=request.param).start()
    yield host
    host.stop()


def test_a_merged_order_is_never_overdue_and_its_reminder_closes(three, fake):
    records = three
    with open_host(fake.flavour, fake.api_url, fake.repo, TOKEN, sleep=lambda s: None) as host:
        before = sync(host, load(records.root), parse_time(NOW))
    assert before.plan.count("create") == 3  # all three overdue: a reminder each
    assert merge(records, "A2", "A1").exit_code == 0
    assert merge(records, "A3", "A1").exit_code == 0

    table = run("status", "--root", records.root, "--as-of", NOW).stdout
    row = next(line for line in table.splitlines() if line.startswith("A2 "))
    assert "已并单（并入 A1）" in row and "逾期" not in row
    assert "逾期未办结 1 个" in table
    open_ = json.loads(run("status", "--root", records.root, "--as-of", NOW, "--open", "--format", "json").stdout)
    assert [r["id"] for r in open_] == ["A1"]
    merged = json.loads(run("status", "--root", records.root, "--as-of", NOW, "--format", "json").stdout)
    assert {(r["id"], r["status"], r["overdue"], r["due_soon"], r["merged_into"]) for r in merged} == {
        ("A1", "待接收", True, False, None),
        ("A2", "已并单", False, False, "A1"),
        ("A3", "已并单", False, False, "A1"),
    }
    listed = json.loads(run("overdue", "list", "--root", records.root, "--as-of", NOW, "--format", "json").stdout)
    assert [r["id"] for r in listed] == ["A1"]

    with open_host(fake.flavour, fake.api_url, fake.repo, TOKEN, sleep=lambda s: None) as host:
        after = sync(host, load(records.root), parse_time(NOW))
    assert after.plan.count("close") == 2 and after.plan.count("create") == 0
    closed = [i for i in fake.our_issues() if i["state"] == "closed"]
    assert len(closed) == 2
    for issue in closed:
        (comment,) = fake.comments[issue["number"]]
        assert "工单已并入 A1（并单），金村镇的这次派单随之结束，本提醒关闭。" in comment["body"]


def test_a_merged_order_in_the_register_and_the_lookup_data(three):
    from hotline.lifecycle.status import on_time_word
    from hotline.reports.register import registers, remarks

    records = three
    assert merge(records, "A2", "A1").exit_code == 0
    repo = load(records.root)
    states = {st.order.id: st for st in repo.states(parse_time(NOW))}
    (a2,) = states["A2"].dispatches
    assert (a2.status, a2.was_late, a2.unsettled, on_time_word(a2)) == ("已并单", False, (), "已并单")
    assert remarks(a2) == "工单已并入 A1（并单）"
    register = registers(list(states.values()), repo.units)[("jincun", "2026-11")]
    assert (register.totals()["逾期"], register.totals()["已并单"]) == (2, 1)
    # before the merge it was as late as the others
    (earlier,) = load(records.root).states(parse_time("2026-11-25 09:00"))[1].dispatches
    assert earlier.status == "待接收" and earlier.merged_into is None


# --- point 3: one review per request ------------------------------------------------------------------


REQUESTED = """  - {at: 2026-11-20 11:00, type: 接收, unit: jincun, by: 王丽}
  - {at: 2026-11-23 09:00, type: 延期申请, unit: jincun, by: 王丽, days: 3, reason: 需协调供电公司, basis: 供电公司回函}
  - {at: 2026-11-23 15:00, type: 延期审核, unit: jincun, by: 县热线办, approved: true}
"""


def test_a_second_review_of_the_same_extension_request_is_refused(records):
    records.order("E1", order("E1", 20, extra=REQUESTED))
    commit_all(records.root, "E1")
    before = text_of(records, "E1")
    again = run(
        "order", "add", "E1", "延期审核", "unit=jincun", "by=县热线办", "approved=否", "--at", "2026-11-24 09:00",
        "--as-of", NOW, "--root", records.root,
    )  # fmt: skip
    assert again.exit_code == 1 and "jincun 的延期申请已经审核过（第 11 行）：每个延期申请只审核一次" in again.output
    assert text_of(records, "E1") == before
    # written by hand, check says so
    records.order(
        "E1",
        order(
            "E1",
            20,
            extra=REQUESTED
            + "  - {at: 2026-11-24 09:00, type: 延期审核, unit: jincun, by: 县热线办, approved: false}\n",
        ),
    )
    out = json.loads(run("check", "--root", records.root, "--no-history", "--as-of", NOW, "--format", "json").stdout)
    assert [(f["code"], f["line"]) for f in out["findings"] if f["severity"] == "error"] == [("extension-invalid", 12)]
    # a new request may be reviewed again
    records.order(
        "E1",
        order(
            "E1", 20,
            extra=REQUESTED
            + "  - {at: 2026-11-26 09:00, type: 延期申请, unit: jincun, by: 王丽, days: 2, reason: 材料未到, basis: 回函}\n"
            + "  - {at: 2026-11-26 15:00, type: 延期审核, unit: jincun, by: 县热线办, approved: false}\n",
        ),
    )  # fmt: skip
    out = json.loads(run("check", "--root", records.root, "--no-history", "--as-of", NOW, "--format", "json").stdout)
    assert [f for f in out["findings"] if f["severity"] == "error"] == []


# --- point 4: an event's time has hours and minutes -----------------------------------------------------


def test_a_date_without_a_time_is_refused_and_nothing_is_written(three):
    records = three
    before = text_of(records, "A1")
    base = ["order", "add", "A1", "接收", "unit=jincun", "by=王丽", "--as-of", NOW, "--root", records.root]
    for when in (["at=2026-11-20"], ["--at", "2026-11-20"]):
        r = run(*base, *when)
        assert r.exit_code == 2 and "只有日期，没有时刻：请写明几点几分" in r.output, r.output
    assert text_of(records, "A1") == before
    r = merge(records, "A2", "A1")  # the command's own --at has minutes: accepted
    assert r.exit_code == 0
    r = run("repeats", "--root", records.root, "--merge", "A3", "--into", "A1", "--at", "2026-11-25", "--as-of", NOW)
    assert r.exit_code == 2 and "只有日期" in r.output
    r = run(*base, "--at", "2026-11-20 11:00")
    assert r.exit_code == 0 and "{at: 2026-11-20 11:00, type: 接收" in text_of(records, "A1")


# --- point 9: a unit named however staff write it ------------------------------------------------------


def test_every_way_of_naming_a_unit(records):
    from hotline.load import load_context

    units = load_context(records.root).units
    for text in (
        "jincun",
        "JINCUN",
        "金村镇",
        "金村",
        "泽州县金村镇人民政府",
        "晋城市泽州县金村镇人民政府",
        "金村镇政府",
    ):
        assert resolve_unit(units, text) == "jincun", text
    for text in ("县医疗保障局", "县医保局", "泽州县医疗保障局", "县医疗"):
        assert resolve_unit(units, text) == "yibao", text
    assert resolve_unit(units, "jin") is None  # 金村镇 or 晋庙铺镇
    assert "可指 金村镇（jincun）、晋庙铺镇（jinmiaopu）" in unknown_unit_message(units, "jin")
    assert resolve_unit(units, "金") is None  # one character names too little


def test_unit_options_and_fields_take_names_and_beginnings(three):
    records = three
    r = run(
        "order", "add", "A1", "接收", "unit=金村", "by=王丽", "--at", "2026-11-20 11:00", "--as-of", NOW,
        "--root", records.root,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "{at: 2026-11-20 11:00, type: 接收, unit: jincun" in text_of(records, "A1")
    r = run(
        "order", "add", "A1", "联系", "unit=jin", "by=王丽", "--at", "2026-11-20 12:00", "--as-of", NOW,
        "--root", records.root,
    )  # fmt: skip
    assert r.exit_code == 1 and "单位 jin 不明确" in r.output and "晋庙铺镇（jinmiaopu）" in r.output
    assert "格式" not in r.output  # never a format error for a name
    listed = run("overdue", "list", "--root", records.root, "--as-of", NOW, "--unit", "金村", "--format", "json")
    assert listed.exit_code == 0, listed.output
    assert sorted(r["id"] for r in json.loads(listed.stdout)) == ["A1", "A2", "A3"]
    other = run("overdue", "list", "--root", records.root, "--as-of", NOW, "--unit", "高都", "--format", "json")
    assert json.loads(other.stdout) == []
    typo = run("overdue", "list", "--root", records.root, "--as-of", NOW, "--unit", "金树镇")
    assert typo.exit_code == 2 and "是否想写 jincun（金村镇）" in typo.output


# --- point 8: where the commands run -----------------------------------------------------------------


def test_outside_a_records_folder_the_command_says_where_to_run(tmp_path, records):
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    for args in (["status"], ["check"], ["overdue", "list"], ["score", "--period", "2026-11"]):
        r = run(*args, "--root", empty)
        assert r.exit_code == 2 and "不是记录仓库" in r.output and "请在记录仓库中运行，或用 --root 指定" in r.output
    assert run("status", "--root", records.root, "--as-of", NOW).exit_code == 0


def test_the_site_lookup_links_a_merged_order_to_the_one_it_went_into(three, tmp_path):
    """The lookup (a page of the site, in Chromium) shows A2 as 已并单 with a link that opens A1."""
    sync_api = pytest.importorskip("playwright.sync_api")
    import functools
    import http.server
    import threading

    records = three
    assert merge(records, "A2", "A1").exit_code == 0
    git(records.root, "add", "-A")
    git(records.root, "commit", "-qm", "并单")
    out = tmp_path / "public"
    built = run("site", "build", "--root", records.root, "--out", out, "--as-of", NOW)
    assert built.exit_code == 0, built.output
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(url + "/orders/?id=A2")
            page.wait_for_selector("#hl-order a.hl-merged")
            assert "已并单（并入 A1）" in page.inner_text("#hl-order table.hl-wide")
            page.click("#hl-order a.hl-merged")
            page.wait_for_selector("#order-A1")
            assert "?id=A1" in page.url
            browser.close()
    finally:
        httpd.shutdown()
