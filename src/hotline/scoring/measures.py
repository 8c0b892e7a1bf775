"""The measures behind the five rates (五率口径), decided once for the assessment and the monthly figures.

- Which dispatches count (转办总件数): role in ``assessment.denominator.roles``, without approved returns
  when ``exclude_returned``, and never those of an order merged into an earlier one (并单) (``Policy.counts``).
- Whether a dispatch meets a measure (``meets``):
  ``timely_receipt`` (及时接收) accepted in time; ``complaints`` (投诉举报) the order's category is one of
  item 8's categories; ``on_time`` (按时办结) replied on time, redo included; ``overdue`` (逾期) some phase
  late or past its deadline unreplied (``DispatchState.was_late``); ``satisfied`` (满意) the order's final
  callback (after a redo, the redo's) is one of ``assessment.satisfied``.
- Whether its outcome for a measure is known yet (``settled``, the rule in ``lifecycle.settlement``): a
  rate counts settled dispatches only, and a period with unsettled ones is 暂定 (provisional).
- A rate shown as a percentage: exact fraction, half up to two places (``percent``).
Items 7–11 (``scoring.rates``) and ``reports.monthly`` both count with these.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from hotline.lifecycle.state import DispatchState
from hotline.records.rules import AssessmentRules, Rules


@dataclass(frozen=True)
class Policy:
    """What the rules say about counting (from ``scoring/rules.yaml``)."""

    roles: frozenset[str]
    exclude_returned: bool
    satisfied: frozenset[str]
    complaint_categories: frozenset[str]

    @classmethod
    def of(cls, rules: Rules) -> Policy:
        if rules.assessment is None:
            raise ValueError("scoring/rules.yaml 缺少 assessment 部分：五率的口径（转办总件数、满意的结果）从这里读取")
        return cls.of_assessment(rules.assessment)

    @classmethod
    def of_assessment(cls, a: AssessmentRules) -> Policy:
        complaints = next((i for i in a.items if getattr(i, "measure", None) == "complaints"), None)
        return cls(
            frozenset(a.denominator.roles),
            a.denominator.exclude_returned,
            frozenset(a.satisfied),
            frozenset(getattr(complaints, "categories", None) or ()),
        )

    def counts(self, s: DispatchState) -> bool:
        """Whether ``s`` is one of 转办总件数."""
        return s.role in self.roles and not (self.exclude_returned and s.returned) and not s.merged


def meets(measure: str, s: DispatchState, final_callback: str | None, policy: Policy) -> bool:
    """Whether dispatch ``s`` (whose order's final callback is ``final_callback``) meets ``measure``."""
    if measure == "timely_receipt":
        return s.timely_receipt is True
    if measure == "complaints":
        return s.category in policy.complaint_categories
    if measure == "on_time":
        return s.replied_on_time is True
    if measure == "overdue":
        return s.was_late
    if measure == "satisfied":
        return final_callback in policy.satisfied
    raise ValueError(f"unknown measure {measure!r}")


def settled(measure: str, s: DispatchState) -> bool:
    """Whether the outcome of dispatch ``s`` for ``measure`` is known (as of the moment it was derived)."""
    return measure not in s.unsettled


def percent(num: int, den: int) -> Decimal | None:
    """num/den as a percentage, half up to two places (None when there is no denominator)."""
    if den == 0:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
