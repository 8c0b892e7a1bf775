"""``history.audit_from`` is one rule: an event declared before the cut-over is never a late record —
not in ``check``, ``log``, the site's timelines, the registers' 备注, the monthly report, nor in an
assessment measured on recorded times. After the cut-over the same late entry shows everywhere."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest
from click.testing import CliRunner

from hotline.cli import main
from hotline.history import reader as history
from hotline.history.timeline import measured_orders
from hotline.load import load, run_check
from hotline.reports.publication import compute
from hotline.reports.sources import read_history
from hotline.times import parse_time

AS_OF = "2026-12-01 12:00"
ORDER = """\
id: JC2026111000001
title: 金村镇某路段路灯不亮
category: 求助
received_at: 2026-11-10 09:00
content: 诉求人反映路灯不亮。
events:
  - {at: 2026-11-10 09:30, type: 派单, unit: jincun, role: 主办, by: 县热线办}
  - {at: 2026-11-10 10:00, type: 接收, unit: jincun, by: 王丽}
  - {at: 2026-11-10 10:30, type: 联系, unit: jincun, by: 王丽}
  - {at: 2026-11-12 16:00, type: 答复, unit: jincun, by: 王丽, text: 已修复。}
"""


def git(root, *args, when):
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "王丽",
        "GIT_AUTHOR_EMAIL": "wangli@example.invalid",
        "GIT_COMMITTER_NAME": "王丽",
        "GIT_COMMITTER_EMAIL": "wangli@example.invalid",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def late_everywhere(records, audit_from: str) -> dict[str, bool]:
    """Where a late record shows, with ``history.audit_from`` set to ``audit_from`` (empty: none)."""
    rules = records.root / "scoring" / "rules.yaml"
    rules.write_text(
        re.sub(r"(?m)^(\s*audit_from:)[^#\n]*", rf"\1 {audit_from} ", rules.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    git(records.root, "add", "-A", when="2026-11-28T09:00:00+08:00")
    git(records.root, "commit", "-q", "--allow-empty", "-m", "rules", when="2026-11-28T09:00:00+08:00")
    as_of = parse_time(AS_OF)
    log = CliRunner().invoke(main, ["log", "JC2026111000001", "--root", str(records.root), "--format", "json"])
    assert log.exit_code == 0, log.output
    repo = load(records.root)
    events, changes, measured = read_history(records.root, repo)
    model = compute(repo, as_of, history=events, change_commits=changes, scoring_orders=measured)
    (reg,) = model.registers.values()
    report_text = json.dumps([str(s) for s in model.reports["2026-11"].sections], ensure_ascii=False, default=str)
    recorded = measured_orders(history.read(records.root), repo.context, repo.orders)[0]
    return {
        "check": any(f.code == "late-record" for f in run_check(records.root, as_of, use_cache=False)),
        "log": any(e["late"] for e in json.loads(log.output)),
        "timeline": any(h.late for h in events["JC2026111000001"] if h),
        "register": "登记晚于规定" in reg.rows[0].remarks,
        "report": "登记晚于规定" in report_text,
        "measured": recorded.events[-1].at != repo.orders[0].events[-1].at,
    }


@pytest.fixture
def late_repo(records):
    """The whole order committed on 2026-11-26: its events were entered two weeks after they happened."""
    git(records.root, "init", "-q", "-b", "main", when="2026-11-26T10:00:00+08:00")
    records.order("JC2026111000001", ORDER)
    git(records.root, "add", "-A", when="2026-11-26T10:00:00+08:00")
    git(records.root, "commit", "-q", "-m", "补录", when="2026-11-26T10:00:00+08:00")
    rules = records.root / "scoring" / "rules.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("measure_on: declared", "measure_on: recorded"), encoding="utf-8"
    )
    return records


def test_no_late_record_anywhere_for_events_before_audit_from(late_repo):
    assert late_everywhere(late_repo, "2026-11-20") == dict.fromkeys(
        ["check", "log", "timeline", "register", "report", "measured"], False
    )


def test_late_records_show_everywhere_without_a_cut_over(late_repo):
    assert late_everywhere(late_repo, "") == dict.fromkeys(
        ["check", "log", "timeline", "register", "report", "measured"], True
    )


def test_a_register_says_plainly_which_entry_was_late(late_repo):
    """备注 in plain words (issue 21, point 11): "联系登记晚于规定", not "联系补录过晚（入库 2026-11-26 10:00）" —
    the order's timeline has the times and commits."""
    late_everywhere(late_repo, "")
    repo = load(late_repo.root)
    events, changes, measured = read_history(late_repo.root, repo)
    (reg,) = compute(
        repo, parse_time(AS_OF), history=events, change_commits=changes, scoring_orders=measured
    ).registers.values()
    assert reg.rows[0].remarks == "派单登记晚于规定；接收登记晚于规定；联系登记晚于规定；答复登记晚于规定"
