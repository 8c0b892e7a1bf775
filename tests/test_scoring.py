"""The assessment (考核): every item, both readings of the notice, rounding, caps, bonus, vetoes, grades,
co-handling, returns and rectification — each against figures computed by hand in the comments.

Calendar used below (chinese-calendar): November 2026 has no holidays; its rest days are 1, 7, 8, 14,
15, 21, 22, 28, 29. January 2026: 1–3 are holidays and Sunday 4 January is a make-up workday.
"""

from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from hotline.load import load, load_context
from hotline.records.models import ScoringEvent
from hotline.scoring import (
    ScoringInputs,
    change_key,
    compare_profiles,
    formula_text,
    grade_of,
    parse_period,
    rounded,
    score_units,
)

D = Decimal
REPO_ROOT = Path(__file__).resolve().parents[1]
NOV_AS_OF = datetime(2026, 12, 2, 12, 0)

FULL_SETUP = """
hotline:
  office: 党政办公室
  leader: {name: 李某, title: 副镇长}
  handlers:
    - {name: 王丽, phone: 0356-1234567}
  network: 镇村两级热线联络员网络
  equipment: true
  time_limit_rule: 限时办结制度
"""


def unit_file(records, uid: str, name: str, body: str = FULL_SETUP, kind: str = "乡镇") -> None:
    records.write(f"units/{uid}.yaml", f"id: {uid}\nname: {name}\ntype: {kind}\n" + textwrap.dedent(body).lstrip("\n"))


def order(records, oid: str, category: str, received: str, *events: str) -> None:
    """An order with its events written as flow mappings, one per line."""
    lines = "\n".join(f"  - {{{e}}}" for e in events)
    records.write(
        f"orders/{received[:4]}/{received[5:7]}/{oid}.yaml",
        f"id: {oid}\ntitle: 测试工单{oid}\ncategory: {category}\nreceived_at: {received}\ncontent: 测试内容\nevents:\n{lines}\n",
    )


def simple(
    records,
    oid,
    category,
    unit,
    *,
    day="2026-11-02",
    accept="09:30",
    contact=True,
    reply=None,
    callback=None,
    role="主办",
):
    """Dispatched at 09:00 on ``day``, accepted at ``accept`` (a time that day, or a full time), replied at ``reply``."""
    ev = [f"at: {day} 09:00, type: 派单, unit: {unit}, role: {role}, by: 县热线办"]
    if accept:
        at = accept if " " in accept else f"{day} {accept}"
        ev.append(f"at: {at}, type: 接收, unit: {unit}, by: 王丽")
    if contact:
        at = accept if accept and " " in accept else f"{day} 10:00"
        ev.append(f"at: {at}, type: 联系, unit: {unit}, by: 王丽")
    if reply:
        ev.append(f"at: {reply}, type: 答复, unit: {unit}, by: 王丽, text: 已办理")
    if callback:
        ev.append(f"at: {callback[0]}, type: 回访, result: {callback[1]}, by: 县热线办")
    order(records, oid, category, f"{day} 08:30", *ev)


def events(records, name: str, text: str) -> None:
    records.write(f"scoring/events/{name}", text)


def assess(records, period="2026-11", profile=None, as_of=NOV_AS_OF, commits=None):
    repo = load(records.root)
    assert [f for f in repo.findings if f.severity == "error"] == []
    return score_units(ScoringInputs.from_repository(repo, commits), period, profile, as_of=as_of)


def points(unit_score) -> dict[int, Decimal]:
    return {no: it.points for no, it in unit_score.items.items()}


# --- the main scenario: one unit, eight orders, every item ------------------------------------------


@pytest.fixture
def jincun(records):
    """金村镇, fully set up, eight dispatches in November 2026 (all 主办), as of 2026-12-02 12:00.

    O1 咨询 on time, 满意 · O2 咨询 on time, 基本满意 · O3 求助 on time, replied with no 联系, 满意 ·
    O4 建议 on time, 不满意 · O5 投诉 on time, 满意 · O6 投诉 replied 11-18 after its deadline 11-16, no
    callback · O7 举报 accepted the next day (late), on time, 满意 · O8 求助 dispatched 11-25, due 12-04,
    still open (neither on time nor overdue yet).
    """
    unit_file(records, "jincun", "金村镇")
    simple(records, "O1", "咨询", "jincun", reply="2026-11-03 10:00", callback=("2026-11-04 10:00", "满意"))
    simple(records, "O2", "咨询", "jincun", reply="2026-11-03 10:00", callback=("2026-11-04 10:00", "基本满意"))
    simple(
        records, "O3", "求助", "jincun", contact=False, reply="2026-11-05 10:00", callback=("2026-11-06 10:00", "满意")
    )
    simple(records, "O4", "建议", "jincun", reply="2026-11-03 10:00", callback=("2026-11-04 10:00", "不满意"))
    simple(records, "O5", "投诉", "jincun", reply="2026-11-10 10:00", callback=("2026-11-11 10:00", "满意"))
    simple(records, "O6", "投诉", "jincun", reply="2026-11-18 10:00")
    simple(
        records,
        "O7",
        "举报",
        "jincun",
        accept="2026-11-03 10:00",
        reply="2026-11-05 10:00",
        callback=("2026-11-06 10:00", "满意"),
    )
    simple(records, "O8", "求助", "jincun", day="2026-11-25")
    events(
        records,
        "2026/jincun.yaml",
        """
        - {date: 2026-11-12, unit: jincun, item: 14, note: 未参加11月热线工作例会, evidence: 签到表}
        - {date: 2026-11-18, unit: jincun, item: 12, count: 35, note: 抽查发现回复不规范}
        - {date: 2026-11-19, unit: jincun, item: 13, count: 2, note: 未将处理结果告知诉求人}
        - {date: 2026-11-09, unit: jincun, item: 省级媒体表扬, note: 山西日报报道, evidence: https://example.org/a}
        - {date: 2026-12-01, unit: jincun, item: 15, note: 期外事件（12月），不计入11月}
    """,
    )
    return records


def test_every_item_consistent(jincun):
    """Consistent reading. 转办总件数 8; each rate over the dispatches settled for it (O8, open and not yet
    due, is settled for 7 and 8 only: the assessment is 暂定 with 1 unsettled):
    7  timely 7/8 → 10 × 7 ÷ 8 = 8.75
    8  complaints (O5 O6 O7) 3/8 → 15 × (1 − 3/8) = 9.375 → 9.38 (half up)
    9  on time 6/7 (O6 late) → 20 × 6/7 = 17.14
    10 overdue 1/7 → 10 × (1 − 1/7) = 8.57
    11 satisfied 5/7 (满意 or 基本满意: O1 O2 O3 O5 O7; O6 replied 11-18 and still uncalled 5 working days
       later counts as not satisfied) → 15 × 5/7 = 10.71
    12 35 × 0.1 = 3.5, capped at 3 → 0.00;  13 events 2 + O3's reply without contact 1 → 3 − 0.3 = 2.70
    14 one meeting missed → 2 − 0.5 = 1.50;  15, 16 none in November → 5.00 each;  items 1–6: 2.00 each.
    base = 12 + 8.75 + 9.38 + 17.14 + 8.57 + 10.71 + 0 + 2.70 + 1.50 + 5 + 5 = 80.75; bonus 省级媒体 +1 → 81.75 良好.
    """
    u = assess(jincun).unit("jincun")
    assert points(u) == {
        1: D("2.00"),
        2: D("2.00"),
        3: D("2.00"),
        4: D("2.00"),
        5: D("2.00"),
        6: D("2.00"),
        7: D("8.75"),
        8: D("9.38"),
        9: D("17.14"),
        10: D("8.57"),
        11: D("10.71"),
        12: D("0.00"),
        13: D("2.70"),
        14: D("1.50"),
        15: D("5.00"),
        16: D("5.00"),
    }
    assert u.dispatched == 8 and u.unsettled == 1
    assert (u.base, u.bonus, u.total, u.grade, u.veto) == (D("80.75"), D("1.00"), D("81.75"), "良好", False)


def test_every_item_literal(jincun):
    """Literal reading (the printed formulas): 7 = 10 × 7/8 = 8.75; 8 = 15 × 3/8 = 5.625 → 5.63;
    9 = 10 × 6/7 = 8.57 (printed ×10 although the item is worth 20); 10 = 15 × 1/7 = 2.14
    (printed ×15, more overdue earns more); 11 = 10.71. Base = 12 + 35.80 + 14.20 = 62.00; total 63.00 一般."""
    u = assess(jincun, profile="literal").unit("jincun")
    assert [u.items[n].points for n in (7, 8, 9, 10, 11)] == [D("8.75"), D("5.63"), D("8.57"), D("2.14"), D("10.71")]
    assert (u.base, u.total, u.grade) == (D("62.00"), D("63.00"), "一般")


def test_evidence_names_the_orders_and_events(jincun):
    u = assess(jincun).unit("jincun")
    assert [e.ref for e in u.items[7].evidence] == ["O7"]
    assert "未在规定时间内接收" in u.items[7].evidence[0].reason
    assert sorted(e.ref for e in u.items[8].evidence) == ["O5", "O6", "O7"]
    assert sorted(e.ref for e in u.items[9].evidence) == ["O6"]  # O8 is not yet settled: neither counted nor lost
    reasons = {e.ref: e.reason for e in u.items[9].evidence}
    assert reasons["O6"].startswith("逾期") and "2026-11-16" in reasons["O6"]
    assert u.items[9].inputs["unsettled"] == 1
    assert [e.ref for e in u.items[10].evidence] == ["O6"]
    assert {e.ref: e.reason for e in u.items[11].evidence} == {"O4": "回访结果：不满意", "O6": "尚无回访结果"}
    thirteen = u.items[13].evidence
    assert [(e.kind, e.count) for e in thirteen] == [("event", 2), ("order", 1)]
    assert thirteen[1].ref == "O3" and thirteen[1].path == "orders/2026/11/O3.yaml" and thirteen[1].line == 9
    assert thirteen[0].ref == "scoring/events/2026/jincun.yaml:3"
    assert [e.date for e in u.bonus_evidence] == [date(2026, 11, 9)]
    assert u.items[13].inputs == {
        "occurrences": 3,
        "from_events": 2,
        "from_orders": 1,
        "per": "0.1",
        "cap": "3",
        "deducted": "0.3",
    }
    assert u.items[12].formula == "3 − 0.1 × 35（扣分以 3 分为限） = 0.00"
    assert u.items[9].formula == "20 × 6 ÷ 7 = 17.14"
    assert u.items[8].formula == "15 × (1 − 3 ÷ 8) = 9.38"


def test_item_9_and_10_contradictions_are_stated(jincun):
    """The notice prints ×10 for the 20-point item 9 and ×15 for the 10-point item 10: the literal reading
    caps item 10 at its maximum and can never give item 9 more than 10."""
    both = compare_profiles(ScoringInputs.from_repository(load(jincun.root)), "2026-11", as_of=NOV_AS_OF)
    lit = both.assessments["literal"]
    for u in lit.units:  # a unit with every order on time still gets at most 10 for item 9
        assert u.items[9].points <= D("10") or u.dispatched == 0
    j = lit.unit("jincun")
    assert "乘以 10" in j.items[9].contradiction and "乘以 15" in j.items[10].contradiction
    assert (
        formula_text(load_context(jincun.root).rules.assessment.item(9), "literal")
        == "10 × 按时办结事项件数 ÷ 转办总件数"
    )
    assert (
        formula_text(load_context(jincun.root).rules.assessment.item(10), "literal")
        == "15 × 逾期工单数 ÷ 转办总件数（超过满分 10 分的按满分计）"
    )
    assert (
        formula_text(load_context(jincun.root).rules.assessment.item(10), "consistent")
        == "10 × (1 − 逾期工单数 ÷ 转办总件数)"
    )
    row = next(r for r in both.rows() if r["unit"] == "jincun")
    assert row["literal_minus_consistent"] == D("63.00") - D("81.75")
    assert row["consistent"]["items"][9] == D("17.14") and row["literal"]["items"][9] == D("8.57")


def test_literal_item_10_capped_at_its_maximum(records):
    """Every order overdue: literal item 10 = 15 × 2/2 = 15, capped at 10; consistent = 10 × (1 − 1) = 0."""
    unit_file(records, "jincun", "金村镇")
    simple(records, "L1", "咨询", "jincun")
    simple(records, "L2", "咨询", "jincun", reply="2026-11-20 10:00")
    lit = assess(records, profile="literal").unit("jincun").items[10]
    assert lit.points == D("10.00") and lit.formula == "15 × 2 ÷ 2 = 15.00 → 满分 10.00"
    assert assess(records).unit("jincun").items[10].points == D("0.00")


def test_every_item_kind_is_named_once():
    """``ItemKind`` (what ``ItemScore.kind`` may be) names exactly the kinds of the rules' item classes."""
    from typing import get_args

    from hotline.records.rules import ITEM_KINDS, AnyItem

    assert {get_args(cls.model_fields["kind"].annotation)[0] for cls in get_args(AnyItem)} == ITEM_KINDS


def test_rounding_half_up_with_decimal():
    """15 × 3/8 = 5.625 → 5.63 (Python's round gives 5.62); 2.675 → 2.68 (round gives 2.67)."""
    rules = load_context(REPO_ROOT).rules.assessment
    assert rounded(D(15) * 3 / 8, rules.rounding) == D("5.63")
    assert round(15 * 3 / 8, 2) == 5.62
    assert rounded(D("2.675"), rules.rounding) == D("2.68")
    assert rounded(D("2.665"), rules.rounding) == D("2.67")


# --- co-handling, returns, zero orders ------------------------------------------------------------


@pytest.fixture
def cohandled(records):
    """C1: 金村镇 主办 + 县住建局 会办, both reply on time, 满意. C2: 高都镇 主办, asks to return it and is
    approved; re-dispatched to 县住建局 主办, which replies on time with no callback yet."""
    order(
        records,
        "C1",
        "求助",
        "2026-11-02 08:30",
        "at: 2026-11-02 09:00, type: 派单, unit: jincun, role: 主办, by: 县热线办",
        "at: 2026-11-02 09:00, type: 派单, unit: zhujian, role: 会办, by: 县热线办",
        "at: 2026-11-02 09:30, type: 接收, unit: jincun, by: 王丽",
        "at: 2026-11-02 09:40, type: 接收, unit: zhujian, by: 赵强",
        "at: 2026-11-02 10:00, type: 联系, unit: jincun, by: 王丽",
        "at: 2026-11-02 10:10, type: 联系, unit: zhujian, by: 赵强",
        "at: 2026-11-04 10:00, type: 答复, unit: zhujian, by: 赵强, text: 已配合",
        "at: 2026-11-05 10:00, type: 答复, unit: jincun, by: 王丽, text: 已办结",
        "at: 2026-11-06 10:00, type: 回访, result: 满意, by: 县热线办",
    )
    order(
        records,
        "C2",
        "咨询",
        "2026-11-02 08:30",
        "at: 2026-11-02 09:00, type: 派单, unit: gaodu, role: 主办, by: 县热线办",
        "at: 2026-11-02 09:30, type: 接收, unit: gaodu, by: 李华",
        "at: 2026-11-02 11:00, type: 退回申请, unit: gaodu, by: 李华, reason: 不属于本镇职责, basis: 三定方案",
        "at: 2026-11-02 15:00, type: 退回审核, unit: gaodu, by: 县热线办, approved: true",
        "at: 2026-11-02 15:10, type: 派单, unit: zhujian, role: 主办, by: 县热线办",
        "at: 2026-11-02 16:00, type: 接收, unit: zhujian, by: 赵强",
        "at: 2026-11-02 16:10, type: 联系, unit: zhujian, by: 赵强",
        "at: 2026-11-04 10:00, type: 答复, unit: zhujian, by: 赵强, text: 已答复",
    )
    return records


def test_co_handling_counts_for_both_units(cohandled):
    """县住建局: 转办总件数 2 (C1 会办 + C2 主办); both on time; satisfied 1/2 (C2 has no callback yet):
    item 11 = 15 × 1/2 = 7.50. 金村镇: 1 dispatch, all full."""
    a = assess(cohandled)
    z, j = a.unit("zhujian"), a.unit("jincun")
    assert (z.dispatched, j.dispatched) == (2, 1)
    assert [z.items[n].points for n in (7, 9, 10, 11)] == [D("10.00"), D("20.00"), D("10.00"), D("7.50")]
    assert [j.items[n].points for n in (7, 9, 10, 11)] == [D("10.00"), D("20.00"), D("10.00"), D("15.00")]


def test_approved_return_leaves_the_returning_unit_with_no_orders(cohandled):
    """高都镇's only dispatch was returned with approval: 转办总件数 0, rate items full, "无转办工单"."""
    g = assess(cohandled).unit("gaodu")
    assert g.dispatched == 0
    assert [g.items[n].points for n in range(7, 12)] == [D("10"), D("15"), D("20"), D("10"), D("15")]
    assert all(g.items[n].note == "无转办工单" for n in range(7, 12))


def test_denominator_roles_are_configurable(cohandled):
    """With only 主办 counted, 县住建局's 转办总件数 is 1 (C2), satisfied 0/1 → item 11 = 0."""
    rules = cohandled.root / "scoring" / "rules.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("roles: [主办, 会办]", "roles: [主办]"), encoding="utf-8"
    )
    z = assess(cohandled).unit("zhujian")
    assert z.dispatched == 1 and z.items[11].points == D("0.00")


def test_refused_return_still_counts(records):
    """A refused return leaves the order with the unit, original deadline unchanged."""
    unit_file(records, "jincun", "金村镇")
    order(
        records,
        "R1",
        "咨询",
        "2026-11-02 08:30",
        "at: 2026-11-02 09:00, type: 派单, unit: jincun, role: 主办, by: 县热线办",
        "at: 2026-11-02 09:30, type: 接收, unit: jincun, by: 王丽",
        "at: 2026-11-02 11:00, type: 退回申请, unit: jincun, by: 王丽, reason: 不属于本镇职责, basis: 三定方案",
        "at: 2026-11-03 15:00, type: 退回审核, unit: jincun, by: 县热线办, approved: false",
    )
    u = assess(records).unit("jincun")
    assert u.dispatched == 1
    assert u.items[10].points == D("0.00") and [e.ref for e in u.items[10].evidence] == ["R1"]  # due 11-05, unreplied


def test_zero_order_units_get_the_best_rate_marks(records):
    """No dispatches: "无转办工单", and each rate item gets what a unit with every order perfect would get —
    the maximum under the consistent reading (70 for items 7–11); under the literal reading item 9 can
    give at most 10 (60 in all). With ``no_orders: full`` the literal reading gives the maxima (70) too."""
    expected = {
        "consistent": [D("10"), D("15"), D("20"), D("10"), D("15")],
        "literal": [D("10"), D("15"), D("10"), D("10"), D("15")],
    }
    for profile, want in expected.items():
        a = assess(records, profile=profile)
        assert len(a.units) == 44  # 17 townships + 27 county units; the hotline office is not assessed
        u = a.unit("bagong")
        assert u.dispatched == 0
        assert [u.items[n].points for n in range(7, 12)] == want
        assert u.as_dict()["notes"]["7"] == "无转办工单"
    p = records.root / "scoring" / "rules.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("no_orders: best", "no_orders: full"), encoding="utf-8")
    assert assess(records, profile="literal").unit("bagong").items[9].points == D("20")


def test_open_order_with_as_of_past_deadline_is_overdue(records):
    """An unreplied 咨询 dispatched 11-02 is due 11-05: as of 11-05 23:59 it is open and its outcome for 9 and
    10 is not known (暂定: scored as a unit without settled orders), as of 11-06 it is overdue (settled)."""
    unit_file(records, "jincun", "金村镇")
    simple(records, "P1", "咨询", "jincun")
    before = assess(records, as_of=datetime(2026, 11, 5, 23, 59)).unit("jincun")
    after = assess(records, as_of=datetime(2026, 11, 6, 0, 0)).unit("jincun")
    assert (before.items[10].points, before.items[9].points, before.unsettled) == (D("10.00"), D("20.00"), 1)
    assert "暂定" in before.items[9].note
    assert (after.items[10].points, after.items[9].points) == (D("0.00"), D("0.00"))


def test_period_membership_by_dispatch_date(records):
    """An order received 10-30 and dispatched 11-02 belongs to November; one dispatched 10-30 does not."""
    unit_file(records, "jincun", "金村镇")
    order(
        records,
        "M1",
        "咨询",
        "2026-10-30 08:30",
        "at: 2026-11-02 09:00, type: 派单, unit: jincun, role: 主办, by: 县热线办",
    )
    order(
        records,
        "M2",
        "咨询",
        "2026-10-30 08:30",
        "at: 2026-10-30 09:00, type: 派单, unit: jincun, role: 主办, by: 县热线办",
    )
    assert assess(records).unit("jincun").dispatched == 1
    assert assess(records, period="2026-10").unit("jincun").dispatched == 1
    assert assess(records, period="2026-Q4").unit("jincun").dispatched == 2
    assert assess(records, period="2026-11-02..2026-11-02").unit("jincun").dispatched == 1


# --- items 1–6 --------------------------------------------------------------------------------------


def test_setup_items_from_the_unit_file(records):
    """Office missing → 1 = 0; leader without handlers → 2 = 0; equipment false → 4 = 0; network and
    time-limit rule present → 3, 6 = 2; an inspection event on item 6 → 6 = 0."""
    unit_file(
        records,
        "jincun",
        "金村镇",
        """
        hotline:
          office:
          leader: {name: 李某}
          handlers: []
          network: 镇村两级网络
          equipment: false
          time_limit_rule: 限时办结制度
    """,
    )
    events(records, "2026/check.yaml", "{date: 2026-11-20, unit: jincun, item: 6, note: 检查发现限时办结制度未印发}")
    u = assess(records).unit("jincun")
    assert [u.items[n].points for n in range(1, 7)] == [
        D("0.00"),
        D("0.00"),
        D("2.00"),
        D("0.00"),
        D("2.00"),
        D("0.00"),
    ]
    assert [e.reason for e in u.items[2].evidence] == ["单位文件未填写具体承办人员（hotline.handlers）"]
    assert [e.reason for e in u.items[4].evidence] == [
        "单位文件写明未配备设施设备和接入网络（hotline.equipment: false）"
    ]
    # the formula names the fields as people say them (issue 21, point 8), never by their keys
    assert u.items[2].formula == "单位文件未写明具体承办人员 → 0"
    assert u.items[3].formula == "单位文件已写明办理工作网络 → 2.00"
    assert "hotline." not in "".join(it.formula for it in u.items.values())
    assert u.items[1].evidence[0].ref == "units/jincun.yaml:4"
    assert [e.kind for e in u.items[6].evidence] == ["event"]


def test_item_5_against_commit_times(records):
    """Changes effective Monday 2026-11-02 must be committed by the end of Thursday 11-05 (3 working days)."""
    unit_file(records, "jincun", "金村镇", FULL_SETUP + "changes:\n  - {effective: 2026-11-02, note: 承办人员调整}\n")
    unit_file(records, "gaodu", "高都镇", FULL_SETUP + "changes:\n  - {effective: 2026-11-02, note: 分管领导调整}\n")
    unit_file(records, "daji", "大箕镇", FULL_SETUP + "changes:\n  - {effective: 2026-11-02, note: 办理机构调整}\n")
    repo = load(records.root)
    u = repo.units
    commits = {
        change_key("jincun", u["jincun"].changes[0]): datetime(2026, 11, 5, 23, 59),
        change_key("gaodu", u["gaodu"].changes[0]): datetime(2026, 11, 6, 8, 0),
        # daji's change is in the working tree, not committed yet
    }
    a = score_units(ScoringInputs.from_repository(repo, commits), "2026-11", as_of=NOV_AS_OF)
    assert a.unit("jincun").items[5].points == D("2.00")
    g = a.unit("gaodu").items[5]
    assert g.points == D("0.00") and "2026-11-06 08:00 才提交" in g.evidence[0].reason
    assert g.evidence[0].ref == "units/gaodu.yaml:13"  # the changes entry
    d = a.unit("daji").items[5]
    assert d.points == D("0.00") and "尚未提交" in d.evidence[0].reason
    early = score_units(ScoringInputs.from_repository(repo, commits), "2026-11", as_of=datetime(2026, 11, 5, 12, 0))
    assert early.unit("daji").items[5].points == D("2.00")  # not yet due
    none = score_units(ScoringInputs.from_repository(repo, None), "2026-11", as_of=NOV_AS_OF)
    assert none.unit("gaodu").items[5].points == D("2.00")
    assert none.unit("gaodu").items[5].note == "无法核对（无 Git 历史）"
    assert none.unit("bagong").items[5].note == "期内无变动"


def test_item_5_timezone_aware_commit_times(records):
    """Git gives times with an offset: 2026-11-05 16:30 UTC is 11-06 00:30 in Beijing, one day late."""

    unit_file(records, "jincun", "金村镇", FULL_SETUP + "changes:\n  - {effective: 2026-11-02, note: 承办人员调整}\n")
    repo = load(records.root)
    key = change_key("jincun", repo.units["jincun"].changes[0])
    late = {key: datetime(2026, 11, 5, 16, 30, tzinfo=UTC)}
    ok = {key: datetime(2026, 11, 5, 15, 30, tzinfo=UTC)}
    assert (
        score_units(ScoringInputs.from_repository(repo, late), "2026-11", as_of=NOV_AS_OF)
        .unit("jincun")
        .items[5]
        .points
        == 0
    )
    assert (
        score_units(ScoringInputs.from_repository(repo, ok), "2026-11", as_of=NOV_AS_OF).unit("jincun").items[5].points
        == 2
    )


# --- caps, bonus, veto, grades -------------------------------------------------------------------


def test_each_deduction_cap(records):
    """12: 40 × 0.1 = 4 → 3; 13: 31 × 0.1 → 3; 14: 5 × 0.5 = 2.5 → 2; 15: 6 × 1 → 5; 16: 7 × 1 → 5;
    all five at 0, never negative. 14 at exactly the cap: 4 × 0.5 = 2 → 0."""
    events(
        records,
        "2026/caps.yaml",
        """
        - {date: 2026-11-02, unit: jincun, item: 12, count: 40, note: 回复不规范}
        - {date: 2026-11-02, unit: jincun, item: 13, count: 31, note: 未联系}
        - {date: 2026-11-02, unit: jincun, item: 14, count: 5, note: 缺会}
        - {date: 2026-11-02, unit: jincun, item: 15, count: 6, note: 省级投诉}
        - {date: 2026-11-02, unit: jincun, item: 16, count: 7, note: 专项督办}
        - {date: 2026-11-02, unit: gaodu, item: 14, count: 4, note: 缺会}
        - {date: 2026-11-02, unit: gaodu, item: 15, count: 2, note: 省级投诉}
    """,
    )
    a = assess(records)
    j, g = a.unit("jincun"), a.unit("gaodu")
    assert [j.items[n].points for n in range(12, 17)] == [D("0.00")] * 5
    assert j.items[14].inputs["deducted"] == "2" and "扣分以 2 分为限" in j.items[14].formula
    assert (g.items[14].points, g.items[15].points) == (D("0.00"), D("3.00"))
    assert "为限" not in g.items[14].formula


def test_bonus_is_capped_and_events_outside_the_period_do_not_count(records):
    """6 national media reports = 12 points, capped at 10; a report dated December is not November's."""
    unit_file(records, "jincun", "金村镇")
    events(
        records,
        "2026/bonus.yaml",
        """
        - {date: 2026-11-03, unit: jincun, item: 国家级媒体表扬, count: 6, note: 人民日报报道}
        - {date: 2026-11-04, unit: jincun, item: 市领导批示肯定, note: 市长批示}
        - {date: 2026-12-01, unit: gaodu, item: 市级媒体表扬, note: 太行日报报道}
    """,
    )
    a = assess(records)
    j = a.unit("jincun")
    assert (j.base, j.bonus_claimed, j.bonus, j.total, j.grade) == (
        D("100.00"),
        D("12.50"),
        D("10.00"),
        D("110.00"),
        "优秀",
    )
    assert a.unit("gaodu").bonus == D("0.00")
    assert assess(records, period="2026-12", as_of=datetime(2026, 12, 31, 12, 0)).unit("gaodu").bonus == D("0.50")
    assert a.units[0].unit == "jincun" and a.units[0].rank == 1


def test_veto_sets_the_grade_and_ranks_last(records):
    unit_file(records, "gongan", "县公安局", kind="县直单位")
    events(
        records, "2026/veto.yaml", "- {date: 2026-11-20, unit: gongan, item: 否决, note: 反馈结果与实际办理结果不一致}"
    )
    a = assess(records)
    g = a.unit("gongan")
    assert (g.total, g.veto, g.grade) == (D("100.00"), True, "较差")
    assert a.units[-1].unit == "gongan" and g.rank == 44
    assert g.veto_evidence[0].reason == "否决：反馈结果与实际办理结果不一致"
    assert a.as_dict()["units"][-1]["evidence"]["veto"][0]["ref"] == "scoring/events/2026/veto.yaml:1"


@pytest.mark.parametrize(
    "total,grade",
    [
        ("110", "优秀"),
        ("90", "优秀"),
        ("89.99", "良好"),
        ("80", "良好"),
        ("79.99", "一般"),
        ("60", "一般"),
        ("59.99", "较差"),
        ("0", "较差"),
    ],
)
def test_grade_bands(total, grade):
    a = load_context(REPO_ROOT).rules.assessment
    assert grade_of(D(total), False, a) == grade
    assert grade_of(D(total), True, a) == "较差"


def test_each_grade_band_end_to_end(records):
    """Empty unit files lose items 1–4 and 6 (−10 → 90 优秀). 高都镇 also loses 10 for items 15 and 16 → 80
    良好; 大箕镇 loses all of items 12–16 as well (18) → 72 一般; 金村镇 full setup + national media ×1 → 102
    优秀; 巴公镇 has a veto → 90 but 较差."""
    unit_file(records, "jincun", "金村镇")
    many = "count: 99, note: 多次"
    events(
        records,
        "2026/bands.yaml",
        f"""
        - {{date: 2026-11-02, unit: gaodu, item: 15, {many}}}
        - {{date: 2026-11-02, unit: gaodu, item: 16, {many}}}
        - {{date: 2026-11-02, unit: daji, item: 12, {many}}}
        - {{date: 2026-11-02, unit: daji, item: 13, {many}}}
        - {{date: 2026-11-02, unit: daji, item: 14, {many}}}
        - {{date: 2026-11-02, unit: daji, item: 15, {many}}}
        - {{date: 2026-11-02, unit: daji, item: 16, {many}}}
        - {{date: 2026-11-02, unit: jincun, item: 国家级媒体表扬, note: 央视报道}}
        - {{date: 2026-11-02, unit: bagong, item: 否决, note: 泄密}}
    """,
    )
    a = assess(records)
    got = {u: (a.unit(u).total, a.unit(u).grade) for u in ("jincun", "beishidian", "gaodu", "daji", "bagong")}
    assert got == {
        "jincun": (D("102.00"), "优秀"),
        "beishidian": (D("90.00"), "优秀"),
        "gaodu": (D("80.00"), "良好"),
        "daji": (D("72.00"), "一般"),
        "bagong": (D("90.00"), "较差"),
    }


def test_rules_drive_the_figures(records):
    """Nothing is a constant in code: item 14 at 0.2 per meeting, 优秀 from 95, bonus capped at 1."""
    p = records.root / "scoring" / "rules.yaml"
    text = p.read_text(encoding="utf-8")
    text = text.replace("kind: deduction, per: 0.5", "kind: deduction, per: 0.2").replace(
        "{name: 优秀, min: 90}", "{name: 优秀, min: 95}"
    )
    text = text.replace("cap: 10                  #", "cap: 1                  #")
    p.write_text(text, encoding="utf-8")
    events(
        records,
        "2026/r.yaml",
        """
        - {date: 2026-11-02, unit: gaodu, item: 14, count: 2, note: 缺会}
        - {date: 2026-11-02, unit: gaodu, item: 省级媒体表扬, count: 3, note: 报道}
    """,
    )
    g = assess(records).unit("gaodu")
    assert g.items[14].points == D("1.60") and g.bonus == D("1.00") and g.total == D("90.60") and g.grade == "良好"


# --- rectification (整改) --------------------------------------------------------------------------


def test_rectification_of_an_annual_assessment(records):
    """2025 annual assessment (no orders; empty unit files give 90). Deductions push 金村镇, 高都镇, 大箕镇
    and 大阳镇 to 78 (一般); 县公安局 has a veto (较差); 北石店镇 stays 优秀.
    Notice 2026-01-05 → due 10 working days later, 2026-01-19. Notice 2026-01-02 (a holiday) → the
    make-up Sunday 01-04 counts → due 2026-01-15."""
    deduct = "item: 15, count: 5, note: 省级投诉}\n"
    text = ""
    for u in ("jincun", "gaodu", "daji", "dayang"):
        text += f"- {{date: 2025-06-02, unit: {u}, {deduct}- {{date: 2025-06-02, unit: {u}, item: 16, count: 5, note: 督办}}\n"
        text += f"- {{date: 2025-06-02, unit: {u}, item: 14, count: 4, note: 缺会}}\n"
    text += "- {date: 2025-06-02, unit: gongan, item: 否决, note: 弄虚作假}\n"
    events(records, "2025/deductions.yaml", text)
    events(
        records,
        "2026/rectification.yaml",
        """
        - {date: 2026-01-05, unit: jincun, item: 整改通知, period: 2025, note: 2025年度考核一般}
        - {date: 2026-01-16, unit: jincun, item: 整改报告, period: 2025, note: 书面整改报告, evidence: OA-2026-011}
        - {date: 2026-01-05, unit: gaodu, item: 整改通知, period: 2025, note: 2025年度考核一般}
        - {date: 2026-01-20, unit: gaodu, item: 整改报告, period: 2025, note: 书面整改报告}
        - {date: 2026-01-05, unit: gongan, item: 整改通知, period: 2025, note: 2025年度考核较差}
        - {date: 2026-01-02, unit: daji, item: 整改通知, period: 2025, note: 2025年度考核一般}
    """,
    )
    a = assess(records, period="2025", as_of=datetime(2026, 1, 16, 18, 0))
    cases = {c.unit: c for c in a.rectification}
    assert a.rectification_applies and set(cases) == {"jincun", "gaodu", "daji", "dayang", "gongan"}
    assert (cases["jincun"].status, cases["jincun"].due, cases["jincun"].late) == (
        "已按时报送",
        date(2026, 1, 19),
        False,
    )
    assert (cases["gaodu"].status, cases["gaodu"].outstanding) == ("未报送", True)  # its report (01-20) is after as_of
    assert (cases["gongan"].grade, cases["gongan"].status) == ("较差", "未报送")
    assert (cases["daji"].due, cases["daji"].status, cases["daji"].late) == (date(2026, 1, 15), "逾期未报送", True)
    assert (cases["dayang"].status, cases["dayang"].notice) == ("待通报", None)
    later = {c.unit: c for c in assess(records, period="2025", as_of=datetime(2026, 2, 2, 9, 0)).rectification}
    assert (later["gaodu"].status, later["gaodu"].late) == ("逾期报送", True)
    assert (later["gongan"].status, later["gongan"].late) == ("逾期未报送", True)
    assert "rectification" in a.as_dict() and "rectification" not in assess(records).as_dict()


def test_rectification_events_need_a_period(records):
    events(records, "2026/bad.yaml", "- {date: 2026-01-05, unit: jincun, item: 整改通知, note: 一般}\n")
    ctx = load_context(records.root)
    assert [(f.path, f.line, f.code) for f in ctx.findings] == [("scoring/events/2026/bad.yaml", 1, "invalid-value")]
    assert "period" in ctx.findings[0].message


# --- records and rules ------------------------------------------------------------------------------


def test_records_md_examples_still_validate():
    """Four example lines of assessment events, as the office writes them."""
    for line in (
        {"date": "2026-11-12", "unit": "jincun", "item": 14, "note": "未参加11月热线工作例会", "evidence": "签到表"},
        {"date": "2026-11-18", "unit": "jiaoyu", "item": 12, "count": 2, "note": "抽查发现两件回复不规范"},
        {
            "date": "2026-10-09",
            "unit": "jincun",
            "item": "省级媒体表扬",
            "note": "山西日报报道",
            "evidence": "https://...",
        },
        {"date": "2026-06-01", "unit": "gongan", "item": "否决", "note": "反馈结果与实际办理结果不一致"},
    ):
        ScoringEvent.model_validate(line)


def test_events_the_assessment_cannot_use_are_reported(records):
    events(
        records,
        "2026/odd.yaml",
        """
        - {date: 2026-11-02, unit: jincun, item: 9, note: 比率项不能手工扣分}
        - {date: 2026-11-02, unit: rexian, item: 14, note: 热线办不参加考核}
    """,
    )
    a = assess(records)
    assert [(f.line, f.code) for f in a.findings] == [(1, "scoring-event-ignored"), (2, "scoring-event-ignored")]
    assert a.unit("jincun").items[9].points == D("20")


def test_hotline_check_reports_unusable_events(records):
    from click.testing import CliRunner

    from hotline.cli import main
    from hotline.load import run_check

    events(records, "2026/odd.yaml", "- {date: 2026-11-02, unit: jincun, item: 10, note: 逾期扣分}\n")
    found = [(f.path, f.line, f.code) for f in run_check(records.root, NOV_AS_OF, use_cache=False)]
    # (from 1 December the office is also reminded that 2027's holidays are not known yet)
    assert [f for f in found if f[2] != "calendar-next-year"] == [
        ("scoring/events/2026/odd.yaml", 1, "scoring-event-ignored")
    ]
    r = CliRunner().invoke(main, ["check", "--root", str(records.root), "--as-of", "2026-12-02 12:00"])
    assert r.exit_code == 0 and "scoring/events/2026/odd.yaml:1: 警告 scoring-event-ignored" in r.stdout


@pytest.mark.parametrize(
    "edit,bad,anchor,code,words",
    [
        ("consistent: {multiplier: 20", "consistent: {mutliplier: 20", None, "unknown-field", "是否想写 multiplier"),
        ("requires: [network]", "requires: [netwrok]", None, "invalid-value", "没有字段 netwrok"),
        (
            "kind: change_report",
            "kind: change_reprot",
            None,
            "invalid-value",
            "应为 setup、change_report、rate、deduction",
        ),
        (
            "grades: [一般, 较差]",
            "grades: [一般, 差]",
            "  rectification:",
            "invalid-value",
            "整改等次 差 不在 grades 中",
        ),
        ("- {name: 一般, min: 60}", "- {name: 一般, min: 85}", "  grades:", "invalid-value", "从高到低"),
        ("max: 20\n", "max: 25\n", "  items:", "invalid-value", "各项满分合计 105，与 base_max 100 不符"),
        ("grade: 较差", "grade: 极差", "  vetoes:", "invalid-value", "否决后的等次“极差”不在 grades 中"),
    ],
)
def test_rule_typos_are_findings_with_lines(records, edit, bad, anchor, code, words):
    """A mistake in the assessment rules is a finding on its line (or on the section it breaks)."""
    p = records.root / "scoring" / "rules.yaml"
    text = p.read_text(encoding="utf-8")
    assert edit in text
    where = anchor or edit
    expected_line = text[: text.index(where)].count("\n") + 1
    p.write_text(text.replace(edit, bad, 1), encoding="utf-8")
    ctx = load_context(records.root)
    assert ctx.rules is None
    hits = [(f.path, f.line) for f in ctx.findings if f.code == code and words in f.message]
    assert hits == [("scoring/rules.yaml", expected_line)], ctx.findings


def test_periods():
    assert (parse_period("2026-11").start, parse_period("2026-11").end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert parse_period("2026-02").end == date(2026, 2, 28)
    q = parse_period("2026-q4")
    assert (q.label, q.start, q.end, q.title) == ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "2026年第四季度")
    y = parse_period("2026")
    assert (y.kind, y.start, y.end, y.title) == ("year", date(2026, 1, 1), date(2026, 12, 31), "2026年度")
    r = parse_period("2026-01-01..2026-06-30")
    assert (r.kind, r.end, date(2026, 6, 30) in r, date(2026, 7, 1) in r) == ("range", date(2026, 6, 30), True, False)
    for bad, words in [
        ("2026-13", "月份不存在"),
        ("2026-Q5", "格式不对"),
        ("2026-06-30..2026-01-01", "早于"),
        ("11月", "格式不对"),
    ]:
        with pytest.raises(ValueError, match=words):
            parse_period(bad)
