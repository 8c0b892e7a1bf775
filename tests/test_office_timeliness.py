"""Item 3 of issue 14: the hotline office's own timeliness — dispatch on the day of receipt, reviews
within review_days, a new dispatch after an approved return (待转派) — in check and in figures."""

from __future__ import annotations

import json
from datetime import datetime

from click.testing import CliRunner
from gitrepo import commit_all

from hotline.checks.office_timeliness import awaiting_redispatch, figures
from hotline.cli import main
from hotline.load import load

HEAD = """
id: {oid}
title: 占道经营
category: 投诉
received_at: {received}
content: 商户占道经营。
events:
"""


def write(records, oid, received, events):
    records.order(oid, HEAD.format(oid=oid, received=received) + "".join(f"  - {{{e}}}\n" for e in events))


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_office_timeliness_in_check_and_figures(records):
    # received Friday 2026-11-20 16:00, dispatched Monday: late (due the same day)
    write(
        records, "L1", "2026-11-20 16:00", ["at: 2026-11-23 09:00, type: 派单, unit: jincun, role: 主办, by: 县热线办"]
    )
    # received Friday after the cut-off, dispatched Monday: on time (next working day)
    write(
        records, "L2", "2026-11-20 18:00", ["at: 2026-11-23 09:00, type: 派单, unit: jincun, role: 主办, by: 县热线办"]
    )
    # return requested Mon, reviewed Wed (review_days 1: due Tue); approved and never re-dispatched
    write(
        records,
        "L3",
        "2026-11-23 09:00",
        [
            "at: 2026-11-23 09:30, type: 派单, unit: jincun, role: 主办, by: 县热线办",
            "at: 2026-11-23 15:00, type: 退回申请, unit: jincun, by: 王丽, reason: 不属于本镇, basis: 属地划分",
            "at: 2026-11-25 10:00, type: 退回审核, unit: jincun, approved: true, by: 县热线办",
        ],
    )
    # approved return re-dispatched in time: no finding
    write(
        records,
        "L4",
        "2026-11-23 09:00",
        [
            "at: 2026-11-23 09:30, type: 派单, unit: jincun, role: 主办, by: 县热线办",
            "at: 2026-11-23 15:00, type: 退回申请, unit: jincun, by: 王丽, reason: 不属于本镇, basis: 属地划分",
            "at: 2026-11-24 10:00, type: 退回审核, unit: jincun, approved: true, by: 县热线办",
            "at: 2026-11-24 11:00, type: 派单, unit: gaodu, role: 主办, by: 县热线办",
        ],
    )
    commit_all(records.root, "工单")
    out = run("check", "--root", records.root, "--as-of", "2026-11-30 12:00", "--format", "json").stdout
    found = sorted(
        (f["path"].rsplit("/", 1)[1], f["line"], f["code"])
        for f in json.loads(out)["findings"]
        if f["code"] != "late-record"
    )
    assert found == [
        ("L1.yaml", 7, "dispatch-late"),
        ("L3.yaml", 9, "return-not-redispatched"),
        ("L3.yaml", 9, "review-late"),
    ]
    repo = load(records.root)
    as_of = datetime(2026, 11, 30, 12, 0)
    waiting = awaiting_redispatch(repo.orders, repo.rules, repo.calendar, as_of)
    assert [(t.order_id, t.unit) for t in waiting] == [("L3", "jincun")]
    table = {
        (f.month, f.kind): (f.total, f.on_time, f.late, f.open_late)
        for f in figures(repo.orders, repo.rules, repo.calendar, as_of)
    }
    assert table[("2026-11", "派单")] == (4, 3, 1, 0)
    assert table[("2026-11", "退回审核")] == (2, 1, 1, 0)
    assert table[("2026-11", "转派")] == (2, 1, 0, 1)
