"""The lifecycle of dispatches: deadlines, status, timeliness, and findings for broken rules."""

from __future__ import annotations

from datetime import date

import pytest

from hotline.lifecycle.derive import derive
from hotline.load import load
from hotline.times import parse_time

HEAD = """
id: {id}
title: 测试工单
category: {category}
emergency: {emergency}
received_at: 2026-11-16 09:00
content: 测试内容。
events:
"""


def state(records, events: str, as_of: str, category: str = "咨询", emergency: bool = False, order_id: str = "JC1"):
    body = HEAD.format(id=order_id, category=category, emergency=str(emergency).lower()) + "\n".join(
        "  " + line.strip() for line in events.strip().splitlines()
    )
    records.order(order_id, body)
    repo = load(records.root)
    assert [
        f for f in repo.findings if f.code in ("yaml-syntax", "invalid-value", "unknown-field", "missing-field")
    ] == []
    [order] = repo.orders
    return derive(order, repo.rules, repo.calendar, parse_time(as_of))


def one(st, unit="jincun"):
    [s] = [s for s in st.dispatches if s.unit == unit]
    return s


def codes(st):
    return [(f.code, f.line) for f in st.findings]


D = "- {at: 2026-11-16 10:00, type: 派单, unit: jincun, role: 主办, by: 县热线办}"
ACC = "- {at: 2026-11-16 11:00, type: 接收, unit: jincun, by: 王丽}"
CON = "- {at: 2026-11-16 11:30, type: 联系, unit: jincun, by: 王丽}"


def test_status_walks_through_the_lifecycle(records):
    events = [
        D,
        ACC,
        CON,
        "- {at: 2026-11-18 15:00, type: 答复, unit: jincun, by: 王丽, text: 已答复。}",
        "- {at: 2026-11-19 10:00, type: 回访, result: 满意, by: 县热线办}",
    ]
    expected = [
        ("2026-11-16 10:30", "待接收"),
        ("2026-11-16 11:10", "办理中"),
        ("2026-11-18 16:00", "已答复"),
        ("2026-11-19 11:00", "已办结"),
    ]
    for as_of, status in expected:
        s = one(state(records, "\n".join(events), as_of))
        assert s.status == status, as_of
    s = one(state(records, "\n".join(events), "2026-11-28 12:00"))
    assert (s.due, s.timely_receipt, s.replied_on_time, s.overdue, s.was_late) == (
        date(2026, 11, 19),
        True,
        True,
        False,
        False,
    )
    assert s.replies_without_contact == []


def test_overdue_as_of_and_due_soon(records):
    events = f"{D}\n{ACC}"
    # 咨询 dispatched Mon 11-16: due Thu 11-19; due soon from Wed 11-18
    assert (
        one(state(records, events, "2026-11-17 12:00")).due_soon,
        one(state(records, events, "2026-11-18 09:00")).due_soon,
    ) == (False, True)
    s = one(state(records, events, "2026-11-19 23:59"))
    assert (s.overdue, s.due_soon, s.replied_on_time) == (False, True, None)
    s = one(state(records, events, "2026-11-20 00:00"))
    assert (s.overdue, s.was_late, s.due_soon, s.replied_on_time, s.status) == (True, True, False, False, "办理中")


def test_late_reply_is_overdue_and_reply_without_contact_is_noted(records):
    st = state(
        records,
        f"{D}\n{ACC}\n- {{at: 2026-11-20 09:00, type: 答复, unit: jincun, by: 王丽, text: 已答复。}}",
        "2026-11-28 12:00",
    )
    s = one(st)
    # finished late: it was late (what the assessment counts) but is not overdue now (nothing is owed)
    assert (s.overdue, s.was_late, s.replied_on_time, s.late_phases) == (False, True, False, ["答复"])
    assert s.replies_without_contact == [10]


@pytest.mark.parametrize(
    "dispatch,accept,timely",
    [
        ("2026-11-16 10:00", "2026-11-16 23:59", True),  # same working day
        ("2026-11-16 10:00", "2026-11-17 08:30", False),  # next day is too late
        ("2026-11-16 17:45", "2026-11-17 16:00", True),  # after the 17:30 cut-off: next working day
        ("2026-11-16 17:30", "2026-11-17 09:00", False),  # at the cut-off: same day
        ("2026-11-21 10:00", "2026-11-23 17:00", True),  # Saturday dispatch: by Monday
        ("2026-11-21 10:00", "2026-11-24 09:00", False),
        ("2026-10-01 10:00", "2026-10-08 12:00", True),  # inside National Day: first working day after
        ("2026-10-09 18:00", "2026-10-10 10:00", True),  # Friday evening: make-up Saturday is next working day
        ("2026-10-09 18:00", "2026-10-12 09:00", False),
    ],
)
def test_timely_receipt(records, dispatch, accept, timely):
    events = f"""
    - {{at: {dispatch}, type: 派单, unit: jincun, role: 主办, by: 县热线办}}
    - {{at: {accept}, type: 接收, unit: jincun, by: 王丽}}
    """
    st = state_at(records, events, received=dispatch[:10])
    assert one(st).timely_receipt is timely


def state_at(records, events, received):
    body = HEAD.format(id="JC1", category="咨询", emergency="false").replace("2026-11-16 09:00", f"{received} 08:00")
    body += "\n".join("  " + line.strip() for line in events.strip().splitlines())
    records.order("JC1", body)
    repo = load(records.root)
    [order] = repo.orders
    return derive(order, repo.rules, repo.calendar, parse_time("2026-12-31 12:00"))


def test_unaccepted_dispatch_is_untimely_only_after_its_window(records):
    assert one(state(records, D, "2026-11-16 23:00")).timely_receipt is None
    assert one(state(records, D, "2026-11-17 00:00")).timely_receipt is False


def test_co_handling_each_unit_has_its_own_dispatch(records):
    events = f"""{D}
    - {{at: 2026-11-16 10:00, type: 派单, unit: zhujian, role: 会办, by: 县热线办}}
    {ACC}
    - {{at: 2026-11-17 09:00, type: 接收, unit: zhujian, by: 李强}}
    {CON}
    - {{at: 2026-11-18 10:00, type: 答复, unit: jincun, by: 王丽, text: 已答复。}}
    """
    st = state(records, events, "2026-11-20 12:00")
    assert (one(st).status, one(st).replied_on_time) == ("已答复", True)
    z = one(st, "zhujian")
    assert (z.role, z.status, z.timely_receipt, z.overdue, z.was_late) == ("会办", "办理中", False, True, True)


def test_return_within_window_approved_ends_the_dispatch(records):
    events = f"""{D}
    - {{at: 2026-11-18 16:00, type: 退回申请, unit: jincun, by: 王丽, reason: 不属于本镇职责, basis: 该小区属开发区管理}}
    - {{at: 2026-11-19 09:00, type: 退回审核, unit: jincun, by: 县热线办, approved: true}}
    - {{at: 2026-11-19 09:30, type: 派单, unit: zhujian, role: 主办, by: 县热线办}}
    """
    st = state(records, events, "2026-11-28 12:00")
    assert codes(st) == []
    assert (one(st).status, one(st).returned, one(st).overdue) == ("已退回", True, False)
    assert one(st, "zhujian").due == date(2026, 11, 24)


def test_return_late_and_refused_keeps_the_original_deadline(records):
    events = f"""{D}
    - {{at: 2026-11-19 09:00, type: 退回申请, unit: jincun, by: 王丽, reason: 不属于本镇职责, basis: 无}}
    - {{at: 2026-11-19 15:00, type: 退回审核, unit: jincun, by: 县热线办, approved: false, note: 属地管理}}
    """
    st = state(records, events, "2026-11-28 12:00")
    assert codes(st) == [("return-late", 9)]
    s = one(st)
    assert (s.returned, s.due, s.overdue) == (False, date(2026, 11, 19), True)


def test_extension_approved_moves_the_deadline(records):
    events = f"""{D}\n{ACC}
    - {{at: 2026-11-18 10:00, type: 延期申请, unit: jincun, by: 王丽, days: 3, reason: 需现场勘查, basis: 勘查需要协调第三方}}
    - {{at: 2026-11-18 15:00, type: 延期审核, unit: jincun, by: 县热线办, approved: true, days: 2}}
    """
    s = one(state(records, events, "2026-11-23 12:00"))
    assert (s.due, s.extension_days, s.overdue) == (date(2026, 11, 23), 2, False)


def test_extension_refused_keeps_the_deadline(records):
    events = f"""{D}\n{ACC}
    - {{at: 2026-11-18 10:00, type: 延期申请, unit: jincun, by: 王丽, days: 3, reason: 需现场勘查, basis: 协调}}
    - {{at: 2026-11-18 15:00, type: 延期审核, unit: jincun, by: 县热线办, approved: false}}
    """
    s = one(state(records, events, "2026-11-23 12:00"))
    assert (s.due, s.extension_refused, s.overdue) == (date(2026, 11, 19), 1, True)


@pytest.mark.parametrize(
    "request_at,days,emergency,review_days,expect",
    [
        ("2026-11-20 09:00", 2, False, None, "应在期限 2026-11-19 届满前提出"),
        ("2026-11-18 09:00", 4, False, None, "超过本类事项时限 3 个工作日"),
        ("2026-11-18 09:00", 2, True, None, "突发类事项不得延期"),
        ("2026-11-18 09:00", 2, False, 3, "批准延期 3 个工作日，超过申请的 2 个工作日"),
    ],
)
def test_extension_invalid(records, request_at, days, emergency, review_days, expect):
    review = f", days: {review_days}" if review_days else ""
    events = f"""{D}\n{ACC}
    - {{at: {request_at}, type: 延期申请, unit: jincun, by: 王丽, days: {days}, reason: 复杂, basis: 需协调}}
    - {{at: 2026-11-20 10:00, type: 延期审核, unit: jincun, by: 县热线办, approved: true{review}}}
    """
    st = state(records, events, "2026-11-28 12:00", emergency=emergency)
    assert [c for c, _ in codes(st)] == ["extension-invalid"]
    assert expect in st.findings[0].message
    assert one(st).due == date(2026, 11, 19)  # an invalid extension changes nothing


REPLY = "- {at: 2026-11-18 10:00, type: 答复, unit: jincun, by: 王丽, text: 已答复。}"


def test_redo_after_first_dissatisfied_has_five_days(records):
    events = f"""{D}\n{ACC}\n{CON}\n{REPLY}
    - {{at: 2026-11-19 10:00, type: 回访, result: 不满意, by: 县热线办}}
    - {{at: 2026-11-19 11:00, type: 重办, unit: jincun, by: 县热线办}}
    """
    st = state(records, events, "2026-11-25 12:00")
    s = one(st)
    assert codes(st) == []
    assert (s.status, s.redo_due, s.current_due, s.overdue) == ("重办中", date(2026, 11, 26), date(2026, 11, 26), False)
    events += """
    - {at: 2026-11-26 17:00, type: 履责说明, unit: jincun, by: 王丽, text: 已依法办理，超出职责部分已向诉求人说明。}
    - {at: 2026-11-27 10:00, type: 回访, result: 不满意, by: 县热线办}
    """
    st = state(records, events, "2026-11-28 12:00")
    s = one(st)
    assert (s.status, s.replied_on_time, st.final_callback) == ("已办结", True, "不满意")


def test_redo_invalid_without_dissatisfaction_and_second_redo(records):
    events = f"""{D}\n{ACC}\n{CON}\n{REPLY}
    - {{at: 2026-11-19 10:00, type: 回访, result: 满意, by: 县热线办}}
    - {{at: 2026-11-19 11:00, type: 重办, unit: jincun, by: 县热线办}}
    """
    st = state(records, events, "2026-11-25 12:00")
    assert [c for c, _ in codes(st)] == ["redo-invalid"] and "首次回访结果为“满意”" in st.findings[0].message
    events = (
        events.replace("result: 满意", "result: 不满意")
        + """
    - {at: 2026-11-20 10:00, type: 答复, unit: jincun, by: 王丽, text: 再次答复。}
    - {at: 2026-11-21 10:00, type: 回访, result: 不满意, by: 县热线办}
    - {at: 2026-11-21 11:00, type: 重办, unit: jincun, by: 县热线办}
    """
    )
    st = state(records, events, "2026-11-25 12:00")
    assert codes(st) == [("redo-invalid", 17)]


def test_event_order_and_no_dispatch(records):
    events = f"""{D}
    - {{at: 2026-11-16 09:30, type: 接收, unit: jincun, by: 王丽}}
    - {{at: 2026-11-16 11:00, type: 联系, unit: gongan, by: 赵刚}}
    - {{at: 2026-11-16 12:00, type: 退回审核, unit: jincun, by: 县热线办, approved: true}}
    - {{at: 2026-11-16 12:30, type: 回访, result: 满意, by: 县热线办}}
    """
    st = state(records, events, "2026-11-28 12:00")
    assert codes(st) == [
        ("event-order", 9),
        ("event-order", 9),
        ("no-dispatch", 10),
        ("event-order", 11),
        ("event-order", 12),
    ]
    assert "早于上一条事件" in st.findings[0].message


def test_events_after_as_of_are_not_yet_known(records):
    events = f"{D}\n{ACC}\n{CON}\n{REPLY}"
    s = one(state(records, events, "2026-11-17 12:00"))
    assert (s.status, s.reply_at) == ("办理中", None)
