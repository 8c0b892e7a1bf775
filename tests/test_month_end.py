"""``hotline month-end`` on a real temporary Git repository, with no Git identity on the machine."""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from hotline.cli import main
from hotline.reports.month_end import last_day, month_status, plan
from hotline.workdays import WorkCalendar

pytestmark = pytest.mark.usefixtures("in_ci")  # month-end runs in its workflow, committing as the records' bot

SETTLED = """
id: JC2026111600001
title: 金村镇幸福小区供暖温度不达标
category: 投诉
received_at: 2026-11-16 09:00
content: 诉求人反映供暖以来室内温度低于18摄氏度。
events:
  - {at: 2026-11-16 09:30, type: 派单, unit: jincun, role: 主办, by: 县热线办}
  - {at: 2026-11-16 10:00, type: 接收, unit: jincun, by: 王丽}
  - {at: 2026-11-16 11:00, type: 联系, unit: jincun, by: 王丽}
  - {at: 2026-11-20 16:00, type: 答复, unit: jincun, by: 王丽, text: 室温已恢复。}
  - {at: 2026-11-23 10:00, type: 回访, result: 满意, by: 县热线办}
"""
# dispatched on the last day of the month, 投诉 (10 working days): open well into December
OPEN = """
id: JC2026113000002
title: 金村镇阳光花园噪音扰民
category: 投诉
received_at: 2026-11-30 09:00
content: 诉求人反映夜间施工噪音扰民。
events:
  - {at: 2026-11-30 09:30, type: 派单, unit: jincun, role: 主办, by: 县热线办}
  - {at: 2026-11-30 10:00, type: 接收, unit: jincun, by: 王丽}
"""
CLOSE_OPEN = """\
  - {at: 2026-12-01 10:00, type: 联系, unit: jincun, by: 王丽}
  - {at: 2026-12-01 16:00, type: 答复, unit: jincun, by: 王丽, text: 已责令夜间停工。}
  - {at: 2026-12-02 08:30, type: 回访, result: 满意, by: 县热线办}
"""
SEAL_AFTER = 3  # this test's rule: sealed on the 3rd working day after the month at the latest


def git(root, *args, when="2026-11-30T18:00:00+08:00"):
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "付永佳",
        "GIT_AUTHOR_EMAIL": "fuyongjia@example.invalid",
        "GIT_COMMITTER_NAME": "付永佳",
        "GIT_COMMITTER_EMAIL": "fuyongjia@example.invalid",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture
def no_identity(monkeypatch, tmp_path):
    """A machine like a CI runner: no Git identity anywhere (HOME empty, no system or global config)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    for k in list(os.environ):
        if k.startswith(("GIT_AUTHOR_", "GIT_COMMITTER_")):
            monkeypatch.delenv(k)


@pytest.fixture
def repo(records, no_identity):
    rules = records.root / "scoring" / "rules.yaml"
    rules.write_text(
        re.sub(r"(?m)^(\s*seal_after_workdays:)\s*\d+", rf"\1 {SEAL_AFTER}", rules.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    records.order("JC2026111600001", SETTLED)
    records.order("JC2026113000002", OPEN)
    records.write(".gitignore", "/.cache/\n")  # as in the records repository: the readers' caches
    git(records.root, "init", "-q", "-b", "main")
    git(records.root, "add", "-A")
    git(records.root, "commit", "-q", "-m", "records")
    return records.root


def month_end(root, as_of, *args):
    return CliRunner().invoke(main, ["month-end", "--root", str(root), "--as-of", as_of, *args])


def snapshot(root):
    """Every commit, tag and uncommitted change: what a run could alter."""
    return (
        git(root, "log", "--all", "--format=%H %s"),
        git(root, "tag", "-l", "-n1"),
        git(root, "status", "--porcelain"),
    )


def published(root, month="2026-11"):
    folder = root / "reports" / "published" / month
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def working_days_after(month, n):
    """The n-th working day after the month, counted here by hand from the calendar's day test."""
    cal, d, k = WorkCalendar(), last_day(month), 0
    while k < n:
        d = date.fromordinal(d.toordinal() + 1)
        k += cal.is_workday(d)
    return d


def test_the_first_working_day_follows_the_holiday_calendar():
    """September 2026 is published after the National Day holiday, not on October 1st."""
    cal = WorkCalendar()
    first = working_days_after("2026-09", 1)
    assert first > date(2026, 10, 1) and cal.is_workday(first)
    from hotline.reports.month_end import MonthStatus

    status = MonthStatus("2026-09", 3, 1, ())
    before = plan("2026-09", date(2026, 10, 2), cal, 10, status, None, False)
    assert not before.publish and not before.seal and before.first_workday == first
    on = plan("2026-09", first, cal, 10, status, None, False)
    assert on.publish and not on.seal and on.seal_day == working_days_after("2026-09", 10)


def test_publishes_provisional_documents_on_the_first_working_day_and_a_second_run_changes_nothing(repo):
    first = working_days_after("2026-11", 1)
    early = month_end(repo, "2026-11-30 18:00", "--month", "2026-11")  # the month's last day: too early
    assert early.exit_code == 0 and f"自 {first}" in early.output
    assert snapshot(repo)[0].count("\n") == 1 and not (repo / "reports").exists()
    r = month_end(repo, f"{first} 09:00")
    assert r.exit_code == 0, r.output
    assert "暂定" in r.output
    files = published(repo)
    assert "泽州县12345政务服务热线月报-2026-11（暂定）.docx" in files and "登记表/金村镇-2026-11（暂定）.xlsx" in files
    assert all("暂定" in f for f in files if f.endswith((".docx", ".xlsx")))
    folder = repo / "reports" / "published" / "2026-11"
    state = json.loads((folder / "状态.json").read_text(encoding="utf-8"))
    assert state["final"] is False and state["unsettled"] == 1 and state["sealed"] is False
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "暂定" in readme and "1 个派单" in readme and str(working_days_after("2026-11", SEAL_AFTER)) in readme
    doc = Document(folder / "泽州县12345政务服务热线月报-2026-11（暂定）.docx")
    assert any("共受理工单 2 件" in p.text for p in doc.paragraphs)
    assert any("暂定" in p.text for p in doc.paragraphs[:8])  # the title block says so too
    ws = openpyxl.load_workbook(folder / "登记表" / "金村镇-2026-11（暂定）.xlsx").active
    assert {ws.cell(r, 2).value for r in (4, 5)} == {"JC2026111600001", "JC2026113000002"}
    # committed by the records' bot identity (the machine has none), nothing left uncommitted, no tag yet
    assert (
        git(repo, "log", "-1", "--format=%an <%ae>|%cn|%s")
        == "hotline-bot <hotline-bot@noreply.invalid>|hotline-bot|月末处理：发布 2026年11月 月报和登记表（暂定）\n"
    )
    before = snapshot(repo)
    assert before[1] == "" and before[2] == ""
    again = month_end(repo, f"{first} 17:00")
    assert again.exit_code == 0 and "没有变化" in again.output
    assert snapshot(repo) == before


def test_seals_as_soon_as_the_month_is_final_and_replaces_the_provisional_files(repo):
    first = working_days_after("2026-11", 1)
    assert month_end(repo, f"{first} 09:00").exit_code == 0
    records_file = repo / "orders" / "2026" / "11" / "JC2026113000002.yaml"
    records_file.write_text(records_file.read_text(encoding="utf-8") + CLOSE_OPEN, encoding="utf-8")
    git(repo, "commit", "-qam", "reply and callback", when="2026-12-02T08:40:00+08:00")
    records_commit = git(repo, "rev-parse", "HEAD").strip()
    day = working_days_after("2026-11", 2)  # before the seal day: final now
    r = month_end(repo, f"{day} 09:00")
    assert r.exit_code == 0, r.output
    assert "全部派单结果已确定" in r.output
    assert git(repo, "rev-parse", "archive/2026-11^{commit}").strip() == records_commit
    assert not any("暂定" in f for f in published(repo))
    z = zipfile.ZipFile(repo / "archives" / "2026-11.zip")
    manifest = json.loads(z.read("MANIFEST.json"))
    assert manifest["final"] is True and manifest["open"] == [] and manifest["commit"] == records_commit
    # the published documents are the sealed ones, byte for byte
    folder = repo / "reports" / "published" / "2026-11"
    assert (folder / "泽州县12345政务服务热线月报-2026-11.docx").read_bytes() == z.read(
        "月报/泽州县12345政务服务热线月报-2026-11.docx"
    )
    assert not any("暂定" in p.text for p in Document(folder / "泽州县12345政务服务热线月报-2026-11.docx").paragraphs)
    assert git(repo, "status", "--porcelain") == ""
    assert "archives/2026-11.zip" in git(repo, "show", "--name-only", "--format=", "HEAD")


def test_seals_on_the_configured_working_day_listing_what_is_still_open(repo):
    seal_day = working_days_after("2026-11", SEAL_AFTER)
    r = month_end(repo, f"{working_days_after('2026-11', SEAL_AFTER - 1)} 09:00")
    assert r.exit_code == 0 and "archive/2026-11" not in git(repo, "tag")
    r = month_end(repo, f"{seal_day} 09:00")
    assert r.exit_code == 0, r.output
    assert "archive/2026-11" in git(repo, "tag")
    z = zipfile.ZipFile(repo / "archives" / "2026-11.zip")
    manifest = json.loads(z.read("MANIFEST.json"))
    assert manifest["final"] is False and [o["order"] for o in manifest["open"]] == ["JC2026113000002"]
    assert "JC2026113000002" in z.read("未办结.txt").decode("utf-8")
    readme = (repo / "reports" / "published" / "2026-11" / "README.md").read_text(encoding="utf-8")
    assert "未办结（封存时，1 个）" in readme and "JC2026113000002" in readme and "暂定" in readme
    assert all("暂定" in f for f in published(repo) if f.endswith((".docx", ".xlsx")))


def test_a_sealed_month_is_never_rewritten_and_a_later_change_is_recorded_as_a_correction(repo):
    seal_day = working_days_after("2026-11", SEAL_AFTER)
    assert month_end(repo, f"{seal_day} 09:00").exit_code == 0
    zip_bytes = (repo / "archives" / "2026-11.zip").read_bytes()
    tag = git(repo, "rev-parse", "archive/2026-11").strip()
    docs = {f: (repo / "reports" / "published" / "2026-11" / f).read_bytes() for f in published(repo)}
    records_file = repo / "orders" / "2026" / "11" / "JC2026113000002.yaml"
    records_file.write_text(records_file.read_text(encoding="utf-8") + CLOSE_OPEN, encoding="utf-8")
    git(repo, "commit", "-qam", "补录答复和回访", when="2026-12-10T11:00:00+08:00")
    fix = git(repo, "rev-parse", "HEAD").strip()
    r = month_end(repo, "2026-12-10 12:00")
    assert r.exit_code == 0, r.output
    assert "已封存，不再改写" in r.output and "更正" in r.output
    assert (repo / "archives" / "2026-11.zip").read_bytes() == zip_bytes
    assert git(repo, "rev-parse", "archive/2026-11").strip() == tag
    corrections = (repo / "reports" / "published" / "2026-11" / "更正记录.md").read_text(encoding="utf-8")
    assert fix[:10] in corrections and "JC2026113000002" in corrections and "补录答复和回访" in corrections
    assert "2026-12-10 11:00" in corrections
    assert {
        f: (repo / "reports" / "published" / "2026-11" / f).read_bytes() for f in published(repo) if f != "更正记录.md"
    } == docs
    before = snapshot(repo)
    assert month_end(repo, "2026-12-10 15:00").exit_code == 0
    assert snapshot(repo) == before


def test_month_status_counts_unsettled_and_open_dispatches(repo):
    from hotline.load import load

    r = load(repo)
    as_of = datetime(2026, 12, 1, 9, 0)
    s = month_status(r.states(as_of), "2026-11", r.units)
    assert (s.dispatches, s.unsettled, [o.order_id for o in s.open], s.final) == (2, 1, ["JC2026113000002"], False)


def test_without_any_identity_month_end_stops_with_a_chinese_message(repo):
    rules = repo / "scoring" / "rules.yaml"
    rules.write_text(re.sub(r"(?m)^git:.*\n(?:  .*\n)+", "", rules.read_text(encoding="utf-8")), encoding="utf-8")
    git(repo, "commit", "-qam", "no bot identity")
    r = month_end(repo, f"{working_days_after('2026-11', 1)} 09:00")
    assert r.exit_code == 1 and "提交身份" in r.output and "git config user.name" in r.output


def test_the_summary_says_when_next_years_holidays_are_due(repo, package_through_2026):
    """The job's output is its summary ($GITHUB_STEP_SUMMARY): from 1 December, while 2027 is unknown, it says so."""
    due = "注意：2027 年的节假日安排尚未导入"
    before = month_end(repo, "2026-11-30 18:00", "--month", "2026-11")
    assert before.exit_code == 0 and due not in before.output
    first = working_days_after("2026-11", 1)
    assert first == date(2026, 12, 1)
    r = month_end(repo, f"{first} 09:00")
    assert r.exit_code == 0, r.output
    assert due in r.output and "hotline holidays import 通知.txt --year 2027" in r.output
    (repo / "scoring" / "holidays").mkdir()
    (repo / "scoring" / "holidays" / "2027.yaml").write_text("source: 测试\nholidays: [2027-01-01]\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "2027")
    after = month_end(repo, f"{first} 17:00")
    assert after.exit_code == 0 and due not in after.output
