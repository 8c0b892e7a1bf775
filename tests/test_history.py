"""The history reader and the history findings, on real temporary Git repositories with fixed authors and dates."""

from __future__ import annotations

import json
import os
import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline.cli import main
from hotline.history import reader as history
from hotline.history.audit import audit, history_check
from hotline.load import load_context, run_check
from hotline.records.units import account_of_email
from hotline.times import parse_time
from hotline.util import cache

AS_OF = parse_time("2026-11-30 12:00")
ORDER = "orders/2026/11/JC2026112000123.yaml"
HEADER = """\
    # 测试工单
    id: JC2026112000123
    title: 金村镇某小区供暖温度不达标
    category: 投诉
    received_at: 2026-11-20 09:40
    citizen: {name: 张**, phone: 138****1234}
    content: |
      诉求人反映室内温度低于18摄氏度。
    events:
"""
DISPATCH = "  - {at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}\n"
ACCEPT = "  - {at: 2026-11-20 11:30, type: 接收, unit: jincun, by: 王丽, office: 社会事务办}\n"
CONTACT = "  - {at: 2026-11-20 14:10, type: 联系, unit: jincun, by: 王丽, note: 已电话联系诉求人}\n"
REPLY = "  - {at: 2026-11-24 16:00, type: 答复, unit: jincun, by: 王丽, text: 已协调供热公司排查管网。}\n"

OFFICE = ("付永佳", "fuyongjia@zezhou.gov.cn")
WANGLI = ("王丽", "wangli@zezhou.gov.cn")


class Repo:
    """A records repository under Git, committing with fixed authors and Beijing times."""

    def __init__(self, records, top: Path | None = None) -> None:
        self.records = records
        self.root: Path = records.root
        self.top = top or records.root  # the Git work tree (the records may be a folder inside it)
        self.git("init", "--quiet", "-b", "main")
        (self.top / ".gitignore").write_text(".cache/\n")
        self.records.write(
            "units/rexian.yaml",
            (self.root / "units/rexian.yaml")
            .read_text(encoding="utf-8")
            .replace("maintainers: []", "maintainers: [fuyongjia]"),
        )
        self.commit("初始化", "2026-11-02 09:00", OFFICE)

    def git(self, *args: str, env: dict | None = None) -> str:
        full = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", **(env or {})}
        return subprocess.run(
            ["git", *args], cwd=self.top, check=True, capture_output=True, text=True, env=full
        ).stdout.strip()

    def write(self, rel: str, text: str) -> None:
        self.records.write(rel, textwrap.dedent(text))

    def commit(self, message: str, when: str, who=WANGLI, files: dict[str, str] | None = None) -> str:
        for rel, text in (files or {}).items():
            self.records.write(rel, text)
        stamp = f"{when.replace(' ', 'T')}:00+08:00"
        env = {
            "GIT_AUTHOR_NAME": who[0],
            "GIT_AUTHOR_EMAIL": who[1],
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": who[0],
            "GIT_COMMITTER_EMAIL": who[1],
            "GIT_COMMITTER_DATE": stamp,
        }
        self.git("add", "-A")
        self.git("commit", "--quiet", "--allow-empty", "-m", message, env=env)
        return self.git("rev-parse", "HEAD")

    def order(self, *events: str) -> str:
        return textwrap.dedent(HEADER) + "".join(events)


@pytest.fixture
def repo(records) -> Repo:
    return Repo(records)


def findings(root: Path, code: str | None = None) -> list:
    ctx = load_context(root)
    found = audit(history.read(root), ctx)
    return [f for f in found if code is None or f.code == code]


def test_each_event_maps_to_the_commit_that_introduced_it(repo):
    c1 = repo.commit(
        "JC2026112000123: 新建工单，派单 jincun", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)}
    )
    c2 = repo.commit(
        "JC2026112000123: 接收、联系 jincun", "2026-11-20 14:20", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT, CONTACT)}
    )
    c3 = repo.commit(
        "JC2026112000123: 答复 jincun",
        "2026-11-24 16:05",
        WANGLI,
        {ORDER: repo.order(DISPATCH, ACCEPT, CONTACT, REPLY)},
    )
    h = history.read(repo.root)
    got = [
        (
            line,
            o.type,
            h.commits[o.commit].sha,
            h.commits[o.commit].account,
            f"{h.commits[o.commit].committed_at:%m-%d %H:%M}",
        )
        for line, o, _ in h.items(ORDER)
    ]
    assert got == [
        (10, "派单", c1, "fuyongjia", "11-20 10:10"),
        (11, "接收", c2, "wangli", "11-20 14:20"),
        (12, "联系", c2, "wangli", "11-20 14:20"),
        (13, "答复", c3, "wangli", "11-24 16:05"),
    ]
    assert findings(repo.root) == []


def test_log_command_shows_the_timeline_as_json_and_text(repo):
    c1 = repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    c2 = repo.commit("accept", "2026-11-23 09:00", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})
    repo.records.write(ORDER, repo.order(DISPATCH, ACCEPT, CONTACT))  # not committed yet
    res = CliRunner().invoke(main, ["log", "--root", str(repo.root), "JC2026112000123", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    keys = ["index", "type", "unit", "at", "commit", "author", "committed_at", "late"]
    assert [{k: d[k] for k in keys} for d in data] == [
        {
            "index": 1,
            "type": "派单",
            "unit": "jincun",
            "at": "2026-11-20 10:05",
            "commit": c1,
            "author": "付永佳",
            "committed_at": "2026-11-20 10:10",
            "late": False,
        },
        {
            "index": 2,
            "type": "接收",
            "unit": "jincun",
            "at": "2026-11-20 11:30",
            "commit": c2,
            "author": "王丽",
            "committed_at": "2026-11-23 09:00",
            "late": False,
        },  # Friday's event recorded Monday: within 1 working day
        {
            "index": 3,
            "type": "联系",
            "unit": "jincun",
            "at": "2026-11-20 14:10",
            "commit": None,
            "author": None,
            "committed_at": None,
            "late": False,
        },
    ]
    text = CliRunner().invoke(main, ["log", "--root", str(repo.root), "JC2026112000123"]).output
    assert c2[:9] in text and "王丽" in text and "未提交" in text
    # names, not ids and accounts, in the table (issue 21, point 8)
    assert "金村镇" in text and "jincun" not in text and "wangli" not in text
    missing = CliRunner().invoke(main, ["log", "--root", str(repo.root), "JC0000"])
    assert missing.exit_code == 1 and "找不到工单 JC0000" in missing.output


def test_late_record_beyond_the_tolerance_is_a_warning(repo):
    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    repo.commit("accept", "2026-11-24 09:00", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})  # Fri event, recorded Tue
    late = findings(repo.root)
    assert [(f.path, f.line, f.code, f.severity) for f in late] == [(ORDER, 11, "late-record", "warning")]
    assert "2026-11-24 09:00 才入库" in late[0].message and "王丽（wangli）" in late[0].message
    # the tolerance comes from scoring/rules.yaml
    rules = (repo.root / "scoring/rules.yaml").read_text(encoding="utf-8")
    repo.records.write(
        "scoring/rules.yaml", rules.replace("late_record_tolerance_days: 1", "late_record_tolerance_days: 2")
    )
    assert findings(repo.root) == []


def test_event_declared_after_its_commit_is_an_error(repo):
    repo.commit("new", "2026-11-20 10:00", OFFICE, {ORDER: repo.order(DISPATCH)})  # 派单 declared 10:05
    found = findings(repo.root)
    assert [(f.line, f.code, f.severity) for f in found] == [(10, "future-event", "error")]
    assert "晚于它入库的时间 2026-11-20 10:00" in found[0].message


def test_rewritten_event_is_an_error_with_both_versions(repo):
    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    repo.commit("accept", "2026-11-20 11:35", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})
    changed = ACCEPT.replace("11:30", "10:30")
    bad = repo.commit("fix", "2026-11-21 09:00", WANGLI, {ORDER: repo.order(DISPATCH, changed)})
    found = findings(repo.root, "history-rewritten")
    assert [(f.path, f.line, f.severity) for f in found] == [(ORDER, 11, "error")]
    msg = found[0].message
    assert "第 2 条事件" in msg and bad[:9] in msg and "王丽（wangli" in msg
    assert "原为“{at: 2026-11-20 11:30, type: 接收" in msg and "现为“{at: 2026-11-20 10:30, type: 接收" in msg
    # run through hotline check too: exit code 1, and --no-history skips it
    runner = CliRunner()
    res = runner.invoke(main, ["check", "--root", str(repo.root), "--as-of", "2026-11-30 12:00"])
    assert res.exit_code == 1 and "history-rewritten" in res.output
    res = runner.invoke(main, ["check", "--root", str(repo.root), "--as-of", "2026-11-30 12:00", "--no-history"])
    assert res.exit_code == 0 and "history-rewritten" not in res.output


def test_deleted_event_is_an_error_and_office_maintainer_corrections_are_warnings(repo):
    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    repo.commit("accept", "2026-11-20 14:20", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT, CONTACT)})
    repo.commit("drop contact", "2026-11-21 09:00", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})
    repo.commit(
        "office fix", "2026-11-21 10:00", OFFICE, {ORDER: repo.order(DISPATCH.replace("县热线办", "付永佳"), ACCEPT)}
    )
    found = findings(repo.root, "history-rewritten")
    assert [(f.severity, "被删除" in f.message, "被改写" in f.message) for f in found] == [
        ("error", True, False),
        ("warning", False, True),
    ]
    assert "热线管理机构的维护人" in found[1].message and "fuyongjia" in found[1].message


def test_reformatting_or_moving_a_file_is_not_a_rewrite(repo):
    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    repo.commit("accept", "2026-11-20 11:35", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})
    block = (
        "  - at: 2026-11-20 11:30\n    type: 接收\n    unit: jincun\n    by: 王丽   # 承办人\n    office: 社会事务办\n"
    )
    repo.commit(
        "reformat",
        "2026-11-21 09:00",
        WANGLI,
        {
            ORDER: repo.order(
                "  - {at: 2026-11-20 10:05, type: 派单,  unit: jincun, role: 主办, by: 县热线办}  # 派单\n", block
            )
        },
    )
    moved = ORDER.replace("2026/11", "2026/10")
    (repo.root / moved).parent.mkdir(parents=True)
    (repo.root / ORDER).rename(repo.root / moved)
    repo.commit("move", "2026-11-21 10:00", OFFICE)
    h = history.read(repo.root)
    assert h.rewrites == []
    assert [(o.type, h.commits[o.commit].committed_at.strftime("%d %H:%M")) for _, o, _ in h.items(moved)] == [
        ("派单", "20 10:10"),
        ("接收", "20 11:35"),
    ]
    assert findings(repo.root, "history-rewritten") == []


def test_a_branch_fixing_its_own_event_before_merge_rewrote_nothing_on_main(repo):
    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    repo.git("checkout", "--quiet", "-b", "unit-work")
    repo.commit(
        "accept", "2026-11-20 11:35", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT.replace("社会事务办", "社会事物办"))}
    )
    repo.commit("typo", "2026-11-20 11:40", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})
    repo.git("checkout", "--quiet", "main")
    repo.commit(
        "other",
        "2026-11-20 12:00",
        OFFICE,
        {"orders/2026/11/JC2026112000124.yaml": repo.order(DISPATCH).replace("JC2026112000123", "JC2026112000124")},
    )
    stamp = {
        "GIT_AUTHOR_DATE": "2026-11-20T15:00:00+08:00",
        "GIT_COMMITTER_DATE": "2026-11-20T15:00:00+08:00",
        "GIT_AUTHOR_NAME": "付永佳",
        "GIT_AUTHOR_EMAIL": OFFICE[1],
        "GIT_COMMITTER_NAME": "付永佳",
        "GIT_COMMITTER_EMAIL": OFFICE[1],
    }
    repo.git("merge", "--quiet", "--no-ff", "-m", "merge unit-work", "unit-work", env=stamp)
    h = history.read(repo.root)
    assert h.rewrites == []
    accept = next(o for _, o, _ in h.items(ORDER) if o.type == "接收")
    # recorded when the main line took it: the merge's time (REQUIREMENTS: recorded time is the host's); the
    # commit is still the branch commit that wrote the event
    assert h.commits[accept.commit].committed_at.strftime("%H:%M") == "15:00"
    assert h.commits[accept.commit].sha == repo.git("rev-parse", "unit-work")
    assert findings(repo.root) == []


def test_unit_change_reported_late(repo):
    unit = (repo.root / "units/jincun.yaml").read_text(encoding="utf-8")
    on_time = unit.replace("changes: []  ", "changes:\n  - {effective: 2026-11-16, note: 承办人员调整为王丽}\n  ")
    repo.commit("change", "2026-11-19 16:00", WANGLI, {"units/jincun.yaml": on_time})
    assert findings(repo.root) == []
    late = on_time.replace(
        "  - {effective: 2026-11-16", "  - {effective: 2026-11-17, note: 办理机构调整}\n  - {effective: 2026-11-16"
    )
    repo.commit("change 2", "2026-11-23 09:00", WANGLI, {"units/jincun.yaml": late})
    found = findings(repo.root)
    assert [(f.path, f.line, f.code) for f in found] == [("units/jincun.yaml", 15, "unit-change-late")]
    assert "应在 2026-11-20 前上报" in found[0].message


def test_cache_reads_only_new_commits(repo):
    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    first = history.read(repo.root)
    assert first.cold and cache.entry_path(repo.root, history.CACHE_NAME).exists()
    again = history.read(repo.root)
    assert not again.cold and again.commits_read == 0
    repo.commit("accept", "2026-11-20 11:35", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})
    repo.commit("late", "2026-11-25 11:35", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT, CONTACT)})
    inc = history.read(repo.root)
    assert not inc.cold and inc.commits_read == 2
    fresh = history.read(repo.root, use_cache=False)
    assert fresh.cold and fresh.commits_read == len(fresh.commits)
    assert [(c.sha, c.first_parent) for c in inc.commits] == [(c.sha, c.first_parent) for c in fresh.commits]
    assert inc.items(ORDER) == fresh.items(ORDER)
    assert [f.message for f in findings(repo.root)] == [f.message for f in audit(fresh, load_context(repo.root))]
    # history rewritten (amend): the cached head is no longer an ancestor, so everything is read again
    repo.git("reset", "--quiet", "--hard", "HEAD~1")
    redo = history.read(repo.root)
    assert redo.cold and len(redo.commits) == 3


def test_shallow_clone_says_what_it_cannot_know(repo, tmp_path):
    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    repo.commit("accept", "2026-11-24 09:00", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})  # late record
    repo.commit("contact", "2026-11-24 10:00", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT, CONTACT)})
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{repo.root}", str(clone)], check=True)
    h = history.read(clone)
    assert h.shallow and len(h.commits) == 1
    found = findings(clone)
    assert [(f.path, f.code) for f in found] == [(".git/shallow", "shallow-history")]
    assert "fetch-depth: 0" in found[0].message
    # the full repository sees the late record the shallow clone cannot
    assert [f.code for f in findings(repo.root)] == ["late-record", "late-record"]


def test_outside_git_there_are_no_history_findings(records):
    records.write(ORDER, textwrap.dedent(HEADER) + DISPATCH)
    ctx = load_context(records.root)
    assert history.read(records.root) is None
    assert history_check(records.root, ctx, AS_OF) == []
    assert run_check(records.root, AS_OF) == []


def test_records_in_a_folder_of_the_repository(records):
    repo = Repo(records, top=records.root.parent)
    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    repo.commit("accept", "2026-11-24 09:00", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})
    h = history.read(records.root)
    assert [o.type for _, o, _ in h.items(ORDER)] == ["派单", "接收"]
    assert [(f.path, f.code) for f in findings(records.root)] == [(ORDER, "late-record")]


def test_history_findings_are_cached_per_head_and_context(repo):
    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    repo.commit("accept", "2026-11-24 09:00", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})
    first = history_check(repo.root, load_context(repo.root), AS_OF)
    assert [f.code for f in first] == ["late-record"] and cache.entry_path(repo.root, "audit").exists()
    assert history_check(repo.root, load_context(repo.root), AS_OF) == first
    rules = (repo.root / "scoring/rules.yaml").read_text(encoding="utf-8")
    repo.records.write(
        "scoring/rules.yaml", rules.replace("late_record_tolerance_days: 1", "late_record_tolerance_days: 2")
    )
    assert history_check(repo.root, load_context(repo.root), AS_OF) == []  # the rules changed: worked out again
    repo.commit("contact", "2026-11-27 09:00", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT, CONTACT)})
    assert [f.line for f in history_check(repo.root, load_context(repo.root), AS_OF)] == [12]  # a new commit: again


def test_recorded_order_carries_the_commit_times(repo):
    from hotline.history.timeline import recorded_order
    from hotline.load import load

    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    repo.commit("accept", "2026-11-24 09:00", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})
    order = load(repo.root).orders[0]
    rec = recorded_order(order, history.read(repo.root), load_context(repo.root))
    assert [f"{e.at:%m-%d %H:%M}" for e in rec.events] == ["11-20 10:10", "11-24 09:00"]
    assert [f"{e.at:%m-%d %H:%M}" for e in order.events] == ["11-20 10:05", "11-20 11:30"]  # unchanged
    assert [e.line for e in rec.events] == [e.line for e in order.events]


def test_unit_change_commit_times_for_item_5(repo):
    from datetime import date

    from hotline.history.timeline import unit_change_commits

    unit = (repo.root / "units/jincun.yaml").read_text(encoding="utf-8")
    changed = unit.replace("changes: []  ", "changes:\n  - {effective: 2026-11-16, note: 承办人员调整为王丽}\n  ")
    repo.commit("change", "2026-11-19 16:00", WANGLI, {"units/jincun.yaml": changed})
    repo.records.write(
        "units/jincun.yaml",
        changed.replace(
            "  - {effective: 2026-11-16", "  - {effective: 2026-11-25, note: 新增}\n  - {effective: 2026-11-16"
        ),
    )
    ctx = load_context(repo.root)
    got = unit_change_commits(history.read(repo.root), repo.root, ctx.units)
    assert got == {
        ("jincun", date(2026, 11, 25), "新增"): None,
        ("jincun", date(2026, 11, 16), "承办人员调整为王丽"): parse_time("2026-11-19 16:00"),
    }


def test_account_of_commit_authors():
    assert account_of_email("wangli@zezhou.gov.cn") == "wangli"
    assert account_of_email("12345+WangLi@users.noreply.github.com") == "wangli"
    assert account_of_email("fuyongjia@noreply.localhost") == "fuyongjia"


def test_events_before_the_cut_over_date_are_not_late_records(repo):
    """``history.audit_from``: history back-filled when the county started is not reported as late."""
    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    repo.commit("accept", "2026-11-24 09:00", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})  # Fri event, recorded Tue
    assert [f.code for f in findings(repo.root)] == ["late-record"]
    rules = (repo.root / "scoring/rules.yaml").read_text(encoding="utf-8")
    repo.records.write("scoring/rules.yaml", re.sub(r"(?m)^(\s*audit_from:)[^#\n]*", r"\1 2026-11-21 ", rules))
    assert findings(repo.root) == []


def test_assessment_measures_on_recorded_times_when_the_rules_say_so(repo):
    """``history.measure_on: recorded``: a reply declared in time but committed after the deadline is late."""
    late_reply = "  - {at: 2026-12-03 16:00, type: 答复, unit: jincun, by: 王丽, text: 已协调供热公司排查管网。}\n"
    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    repo.commit("accept", "2026-11-20 14:20", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT, CONTACT)})
    repo.commit(
        "reply", "2026-12-07 09:00", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT, CONTACT, late_reply)}
    )  # due 12-04

    def items() -> tuple:
        out = CliRunner().invoke(
            main,
            [
                "score",
                "--root",
                str(repo.root),
                "--period",
                "2026-11",
                "--unit",
                "jincun",
                "--as-of",
                "2026-12-08 12:00",
                "--format",
                "json",
            ],
        )
        assert out.exit_code == 0, out.output
        [unit] = json.loads(out.stdout)["units"]
        return str(unit["items"]["9"]), str(unit["items"]["10"])

    assert items() == ("20", "10")  # declared: replied on time
    rules = (repo.root / "scoring/rules.yaml").read_text(encoding="utf-8")
    repo.records.write("scoring/rules.yaml", rules.replace("measure_on: declared", "measure_on: recorded"))
    assert items() == ("0", "0")  # recorded: the reply entered the records after the deadline
