"""Items 7–11 (比率项): rates over 转办总件数, from the orders' derived lifecycle (``hotline.lifecycle``).

转办总件数 is the unit's dispatches of the period whose role is listed in ``assessment.denominator.roles``,
less approved returns when ``exclude_returned``. Numerators:

- 7 timely_receipt — accepted in time (``DispatchState.timely_receipt``);
- 8 complaints — the order's category is one of the item's ``categories``;
- 9 on_time — replied on time, redo included (``replied_on_time``);
- 10 overdue — past its deadline unreplied, or replied late, as of ``as_of`` (``overdue``);
- 11 satisfied — the order's final callback (after a redo, the redo's) is one of ``assessment.satisfied``.

Only dispatches whose outcome for the item is settled count, in the numerator and the denominator
(``measures.settled``); the others make the period 暂定 until they are.

A unit with no dispatches gets
``assessment.no_orders``: by default (``best``) the most the formula in force can give — what a unit
with every order perfect would get, so that a first good order never lowers an item. The formula in force for the
profile is ``multiplier × rate`` (``good``, ``as_printed``) or ``multiplier × (1 − rate)`` (``bad``),
never above the item's maximum, rounded per ``assessment.rounding``.
"""

from __future__ import annotations

from dataclasses import replace

from hotline.records.rules import AssessmentRules, RateItem
from hotline.scoring.inputs import Counted
from hotline.scoring.measures import Policy, meets, settled
from hotline.scoring.numbers import fraction, rounded, shown
from hotline.scoring.results import Evidence, ItemScore
from hotline.times import format_date

DENOMINATOR = "转办总件数"


def counted_dispatches(dispatches: list[Counted], a: AssessmentRules) -> list[Counted]:
    """The dispatches that make up 转办总件数."""
    policy = Policy.of_assessment(a)
    return [c for c in dispatches if policy.counts(c.state)]


def _hits(item: RateItem, counted: list[Counted], policy: Policy) -> list[bool]:
    """Whether each dispatch meets the item's measure (``scoring.measures``)."""
    return [meets(item.measure, c.state, c.final_callback, policy) for c in counted]


def _reason(item: RateItem, c: Counted, hit: bool) -> str:
    s = c.state
    m = item.measure
    if m == "timely_receipt":
        if hit:
            return "按时接收"
        if s.timely_receipt is False:
            return f"未在规定时间内接收（应于 {format_date(s.accept_by)} 当日内接收）"
        return "尚未接收（接收期限未到）"
    if m == "complaints":
        return f"{s.category}类工单"
    if m in ("on_time", "overdue"):
        if s.was_late:
            return f"逾期（{'、'.join(s.late_phases)}，期限 {format_date(s.current_due)}）"
        if s.replied_on_time:
            return "按时办结"
        return f"尚未办结（期限 {format_date(s.current_due)}，未到期）"
    if c.final_callback is None:
        return "尚无回访结果"
    return f"回访结果：{c.final_callback}"


def formula_text(item: RateItem, profile: str) -> str:
    """The formula in force for ``profile``, in words (for the rules page and ``--explain``)."""
    f = item.formulas[profile]  # type: ignore[index]
    mult = shown(f.multiplier).rstrip("0").rstrip(".")
    body = f"{item.numerator} ÷ {DENOMINATOR}"
    text = f"{mult} × (1 − {body})" if f.sense == "bad" else f"{mult} × {body}"
    if f.multiplier > item.max:
        text += f"（超过满分 {shown(item.max).rstrip('0').rstrip('.')} 分的按满分计）"
    return text


def rate_item(item: RateItem, profile: str, counted: list[Counted], a: AssessmentRules) -> ItemScore:
    """The item over the counted dispatches whose outcome for it is settled (the others make it 暂定)."""
    f = item.formulas[profile]  # type: ignore[index]
    waiting = sum(not settled(item.measure, c.state) for c in counted)
    counted = [c for c in counted if settled(item.measure, c.state)]
    n = len(counted)
    mult = shown(f.multiplier).rstrip("0").rstrip(".")
    inputs: dict[str, object] = {
        "numerator": 0,
        "denominator": n,
        "multiplier": mult,
        "sense": f.sense,
        "unsettled": waiting,
    }
    if n == 0:
        best = min(item.max, f.multiplier)  # rate 1 for a good or printed measure, 0 for a bad one
        points = {"best": best, "full": item.max, "zero": best * 0}[a.no_orders]
        note = f"{a.no_orders_note}（另有 {waiting} 件结果未确定，暂定）" if waiting else a.no_orders_note
        return ItemScore.of(
            item,
            points=points,
            formula=f"{note} → {shown(points)}",
            inputs=inputs,
            evidence=[],
            note=note,
            contradiction=item.contradiction,
        )
    policy = replace(Policy.of_assessment(a), complaint_categories=frozenset(item.categories or ()))
    hits = _hits(item, counted, policy)
    k = hits.count(True)
    inputs["numerator"] = k
    if f.sense == "bad":
        raw = fraction(f.multiplier, n - k, n)
        expr = f"{mult} × (1 − {k} ÷ {n})"
    else:
        raw = fraction(f.multiplier, k, n)
        expr = f"{mult} × {k} ÷ {n}"
    capped = min(raw, item.max)
    points = rounded(capped, a.rounding)
    formula = f"{expr} = {shown(rounded(raw, a.rounding))}"
    if raw > item.max:
        formula += f" → 满分 {shown(item.max)}"
    # the orders behind the lost points: those that met a bad measure, or missed a good (or printed) one
    costly = f.sense == "bad"

    def evidence() -> list[Evidence]:
        return [
            Evidence("order", c.state.order_id, c.path, c.state.line, _reason(item, c, h))
            for c, h in zip(counted, hits)
            if h == costly
        ]

    return ItemScore.of(
        item, points=points, formula=formula, inputs=inputs, evidence=evidence, contradiction=item.contradiction
    )
