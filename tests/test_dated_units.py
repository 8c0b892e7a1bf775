"""Item 4 of issue 14: items 1–4 and 6 read the unit file as it stood at the end of the period (Git
history), so filling it in later never rewrites a past score."""

from __future__ import annotations

import json

from click.testing import CliRunner
from gitrepo import commit_all

from hotline.cli import main

FILLED = """
id: jincun
name: 金村镇
type: 乡镇
hotline:
  office: 党政办公室
  leader: {name: 李某, title: 副镇长}
  handlers:
    - {name: 王丽, phone: 0356-1234567}
  network: 镇村两级热线联络员网络
  equipment: true
  time_limit_rule: 金村镇12345热线限时办结制度
"""


def setup_points(root, period, as_of):
    r = CliRunner().invoke(
        main,
        ["score", "--root", str(root), "--period", period, "--explain", "jincun", "--as-of", as_of, "--format", "json"],
    )
    assert r.exit_code == 0, r.output
    items = r.stdout and json.loads(r.stdout)["unit"]["items"]
    return [items[str(n)] for n in (1, 2, 3, 4, 6)]


def explain_text(root, period, as_of):
    return (
        CliRunner()
        .invoke(main, ["score", "--root", str(root), "--period", period, "--explain", "jincun", "--as-of", as_of])
        .stdout
    )


def test_filling_the_unit_file_later_does_not_rewrite_november(records):
    commit_all(records.root, "单位文件（信息未填写）", when="2026-10-08 09:00:00 +0800")
    records.write("units/jincun.yaml", FILLED)
    commit_all(records.root, "金村镇补充热线机构和人员", when="2026-12-03 10:00:00 +0800")
    assert setup_points(records.root, "2026-11", "2026-12-10 12:00") == [0, 0, 0, 0, 0]
    assert "按 2026-11-30 24:00 时的单位文件" in explain_text(records.root, "2026-11", "2026-12-10 12:00")
    assert setup_points(records.root, "2026-12", "2026-12-31 18:00") == [2, 2, 2, 2, 2]
    # a period not over yet: the file as the data stand, in words that do not change with the time asked
    december = explain_text(records.root, "2026-12", "2026-12-31 18:00")
    assert "按数据截至时的单位文件（提交 " in december and "18:00 时的单位文件" not in december
    assert "截至 2026-12-31 18:00" in december  # the time itself is in the heading
    # the whole year: as the file stood at the end of the year
    assert setup_points(records.root, "2026", "2026-12-31 18:00") == [2, 2, 2, 2, 2]
    # asked before the change was committed, December does not see it either
    assert setup_points(records.root, "2026-12", "2026-12-02 18:00") == [0, 0, 0, 0, 0]


def test_a_unit_file_committed_after_the_period_counts_as_missing(records):
    (records.root / "units" / "jincun.yaml").unlink()
    commit_all(records.root, "单位文件", when="2026-10-08 09:00:00 +0800")
    records.write("units/jincun.yaml", FILLED)
    commit_all(records.root, "金村镇入库", when="2026-12-03 10:00:00 +0800")
    assert setup_points(records.root, "2026-11", "2026-12-10 12:00") == [0, 0, 0, 0, 0]
    assert "时单位文件尚未入库" in explain_text(records.root, "2026-11", "2026-12-10 12:00")


def test_the_score_table_says_which_unit_files_counted_in_one_line(records):
    """Issue 21, point 8: the table ended with a line per item and commit (25 of them); one line now, the commits
    with --explain."""
    commit_all(records.root, "单位文件", when="2026-10-08 09:00:00 +0800")
    records.write("units/jincun.yaml", FILLED)
    commit_all(records.root, "金村镇补充热线机构和人员", when="2026-11-03 10:00:00 +0800")
    r = CliRunner().invoke(
        main, ["score", "--root", str(records.root), "--period", "2026-11", "--as-of", "2026-12-10 12:00"]
    )
    assert r.exit_code == 0, r.output
    notes = [line for line in r.stdout.splitlines() if "单位文件" in line]
    assert len(notes) == 1, notes
    assert notes[0].startswith("第1、2、3、4、6项：") and "按 2026-11-30 24:00 时的单位文件计" in notes[0]
    assert "提交 " not in r.stdout and "--explain" in notes[0]
    assert "（提交 " in explain_text(records.root, "2026-11", "2026-12-10 12:00")  # the commit, unit by unit
