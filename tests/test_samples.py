"""The committed sample orders pass the check and together walk every path of the lifecycle."""

from __future__ import annotations

from conftest import REPO

from hotline.load import load, run_check
from hotline.times import parse_time

AS_OF = parse_time("2026-11-28 12:00")


def test_repository_records_pass_the_check():
    findings = run_check(REPO, AS_OF, use_cache=False, extra=False)
    # the one sample written to show a reply without contact (首问负责, item 13) warns, nothing else
    assert [(f.path, f.code, f.severity) for f in findings] == [
        ("orders/2026/10/SL2026101000004.yaml", "reply-without-contact", "warning")
    ]


def test_units_are_the_44_of_the_notice_plus_the_hotline_office():
    repo = load(REPO)
    kinds = sorted(u.type for u in repo.units.values())
    assert kinds.count("乡镇") == 17 and kinds.count("县直单位") == 27 and kinds.count("热线管理机构") == 1
    notice = REPO.parent / "shared/requirements/000_d732dacccd57e4da.txt"
    if notice.exists():  # names exactly as printed in §三(一)
        text = notice.read_text(encoding="utf-8")
        scope = text[text.index("（一）考核范围") : text.index("（二）考核内容及标准")]
        for u in repo.units.values():
            if u.type != "热线管理机构":
                assert u.name in scope, u.name


def test_samples_are_marked_and_walk_every_path():
    repo = load(REPO)
    assert repo.orders and all(o.sample for o in repo.orders)
    assert 15 <= len(repo.orders) <= 30
    cal = repo.calendar
    states = repo.states(AS_OF)
    dispatches = [s for st in states for s in st.dispatches]
    events = [(o, e) for o in repo.orders for e in o.events]
    assert {s.status for s in dispatches} == {"待接收", "办理中", "已答复", "重办中", "已退回", "已办结"}
    assert any(s.replied_on_time for s in dispatches) and any(
        s.was_late and s.completed and not s.overdue for s in dispatches
    )
    assert any(s.overdue and s.was_late and s.open for s in dispatches)
    assert any(s.due_soon for s in dispatches)
    assert any(s.timely_receipt is False for s in dispatches)
    assert any(
        not cal.is_workday(s.dispatched_at.date()) and s.dispatched_at.weekday() >= 5 for s in dispatches
    )  # weekend
    assert any(
        not cal.is_workday(s.dispatched_at.date()) and s.dispatched_at.weekday() < 5 for s in dispatches
    )  # holiday
    assert any(s.due.weekday() == 5 and cal.is_workday(s.due) for s in dispatches)  # 调休 Saturday deadline
    assert any(s.redo_at for s in dispatches)
    assert any(e.type == "履责说明" for _, e in events)
    assert any(s.return_approved is True for s in dispatches) and any(s.return_approved is False for s in dispatches)
    assert any(s.extension_days for s in dispatches) and any(s.extension_refused for s in dispatches)
    assert any(len(st.dispatches) > 1 and {s.role for s in st.dispatches} == {"主办", "会办"} for st in states)
    assert any(o.emergency for o in repo.orders)
    assert any(s.replies_without_contact for s in dispatches)
    assert {o.category for o in repo.orders} == {"咨询", "建议", "求助", "投诉", "举报"}
