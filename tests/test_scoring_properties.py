"""Properties of the assessment over generated records (hypothesis), under both readings of the notice:
totals stay within [0, base_max + bonus cap]; no item leaves [0, max]; deductions never exceed their
caps; adding an on-time, satisfied order never lowers a unit's items 9 and 11.

Orders and units are real record models built in memory; the rules are the repository's own."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.load import load_context
from hotline.records.models import Order, ScoringEvent, Unit
from hotline.records.rules import PROFILES, DeductionItem
from hotline.scoring import ScoringInputs, compare_profiles

CTX = load_context(REPO)
RULES = CTX.rules
A = RULES.assessment
UNITS = ("jincun", "gaodu", "daji")
AS_OF = datetime(2026, 12, 31, 18, 0)
START = datetime(2026, 11, 1, 0, 0)

setups = st.fixed_dictionaries(
    {},
    optional={
        "office": st.just("党政办"),
        "leader": st.just({"name": "李某"}),
        "handlers": st.just([{"name": "王丽"}]),
        "network": st.just("网络"),
        "equipment": st.booleans(),
        "time_limit_rule": st.just("制度"),
    },
)

dispatch = st.fixed_dictionaries(
    {
        "unit": st.sampled_from(UNITS),
        "role": st.sampled_from(["主办", "会办"]),
        "category": st.sampled_from(["咨询", "建议", "求助", "投诉", "举报"]),
        "day": st.integers(0, 29),
        "hour": st.integers(7, 20),
        "accept": st.none() | st.integers(0, 60),  # hours after dispatch
        "contact": st.booleans(),
        "reply": st.none() | st.integers(1, 400),  # hours after dispatch
        "callback": st.none() | st.sampled_from(["满意", "基本满意", "不满意"]),
        "returned": st.booleans(),
        "co": st.none() | st.sampled_from(UNITS),  # a 会办 unit as well
    }
)

event = st.fixed_dictionaries(
    {
        "unit": st.sampled_from(UNITS),
        "item": st.sampled_from(
            [
                1,
                3,
                5,
                12,
                13,
                14,
                15,
                16,
                "国家级媒体表扬",
                "省级媒体表扬",
                "市级媒体表扬",
                "省领导批示肯定",
                "市领导批示肯定",
                "否决",
            ]
        ),
        "count": st.integers(1, 40),
        "day": st.integers(0, 29),
    }
)


def t(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M")


def make_order(i: int, d: dict) -> Order:
    at = START + timedelta(days=d["day"], hours=d["hour"])
    units = [(d["unit"], d["role"] if d["co"] is None else "主办")]
    if d["co"] is not None and d["co"] != d["unit"]:
        units.append((d["co"], "会办"))
    evs = [{"at": t(at), "type": "派单", "unit": u, "role": r, "by": "县热线办"} for u, r in units]
    last = at
    for u, _ in units:
        if d["returned"] and u == d["unit"]:
            evs.append(
                {
                    "at": t(at + timedelta(minutes=10)),
                    "type": "退回申请",
                    "unit": u,
                    "by": "甲",
                    "reason": "非本单位",
                    "basis": "三定",
                }
            )
            evs.append(
                {"at": t(at + timedelta(minutes=20)), "type": "退回审核", "unit": u, "by": "县热线办", "approved": True}
            )
            continue
        if d["accept"] is not None:
            evs.append({"at": t(at + timedelta(minutes=30, hours=d["accept"])), "type": "接收", "unit": u, "by": "甲"})
        if d["contact"]:
            evs.append({"at": t(at + timedelta(minutes=40)), "type": "联系", "unit": u, "by": "甲"})
        if d["reply"] is not None:
            last = at + timedelta(hours=d["reply"])
            evs.append({"at": t(last), "type": "答复", "unit": u, "by": "甲", "text": "已办理"})
    if d["callback"] and d["reply"] is not None and not d["returned"]:
        evs.append({"at": t(last + timedelta(hours=1)), "type": "回访", "result": d["callback"], "by": "县热线办"})
    evs.sort(key=lambda e: e["at"])
    o = Order.model_validate(
        {
            "id": f"P{i}",
            "title": "生成",
            "category": d["category"],
            "received_at": t(at - timedelta(minutes=5)),
            "content": "生成",
            "events": evs,
        }
    )
    o.locate(f"orders/2026/11/P{i}.yaml", 1)
    return o


def make_inputs(orders: list[dict], events: list[dict], unit_setups: list[dict]) -> ScoringInputs:
    units = {
        uid: Unit.model_validate({"id": uid, "name": uid, "type": "乡镇", "hotline": s})
        for uid, s in zip(UNITS, unit_setups)
    }
    evs = [
        ScoringEvent.model_validate(
            {
                "date": f"2026-11-{e['day'] + 1:02d}",
                "unit": e["unit"],
                "item": e["item"],
                "count": e["count"],
                "note": "生成",
            }
        )
        for e in events
    ]
    return ScoringInputs(RULES, CTX.calendar, units, [make_order(i, d) for i, d in enumerate(orders)], evs)


records = dict(
    orders=st.lists(dispatch, max_size=25),
    events=st.lists(event, max_size=12),
    unit_setups=st.lists(setups, min_size=3, max_size=3),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**records)
def test_totals_items_and_deductions_stay_within_bounds(orders, events, unit_setups):
    both = compare_profiles(make_inputs(orders, events, unit_setups), "2026-11", as_of=AS_OF)
    for profile in PROFILES:
        for u in both.assessments[profile].units:
            assert Decimal(0) <= u.base <= A.base_max
            assert u.bonus == min(u.bonus_claimed, A.bonus.cap)
            assert Decimal(0) <= u.total <= A.base_max + A.bonus.cap
            assert u.total == u.base + u.bonus
            assert u.base == sum(it.points for it in u.items.values())
            for it in u.items.values():
                assert Decimal(0) <= it.points <= it.max, (it.no, it.formula)
                assert it.points == it.points.quantize(Decimal("0.01"))
                rule = A.item(it.no)
                if isinstance(rule, DeductionItem):
                    assert it.max - it.points <= rule.limit
                    assert Decimal(it.inputs["deducted"]) == min(rule.per * it.inputs["occurrences"], rule.limit)
            assert u.veto == any(e["item"] == "否决" and e["unit"] == u.unit for e in events)
            if u.veto:
                assert u.grade == A.vetoes.grade


good_order = st.fixed_dictionaries(
    {
        "unit": st.sampled_from(UNITS),
        "role": st.sampled_from(["主办", "会办"]),
        "category": st.sampled_from(["咨询", "建议", "求助", "投诉", "举报"]),
        "day": st.integers(0, 29),
        "hour": st.integers(8, 16),
        "accept": st.just(0),
        "contact": st.just(True),
        "reply": st.just(1),
        "callback": st.sampled_from(["满意", "基本满意"]),
        "returned": st.just(False),
        "co": st.none(),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(good=good_order, **records)
def test_an_on_time_satisfied_order_never_lowers_items_9_and_11(orders, events, unit_setups, good):
    before = compare_profiles(make_inputs(orders, events, unit_setups), "2026-11", as_of=AS_OF)
    after = compare_profiles(make_inputs(orders + [good], events, unit_setups), "2026-11", as_of=AS_OF)
    for profile in PROFILES:
        b, a = before.assessments[profile].unit(good["unit"]), after.assessments[profile].unit(good["unit"])
        assert a.dispatched == b.dispatched + 1
        assert a.items[9].points >= b.items[9].points, (profile, b.items[9].formula, a.items[9].formula)
        assert a.items[11].points >= b.items[11].points, (profile, b.items[11].formula, a.items[11].formula)
