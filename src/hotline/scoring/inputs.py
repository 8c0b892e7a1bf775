"""What an assessment reads (考核依据), gathered once: the rules, the calendar, the units, the orders,
the assessment events and — for item 5 — the commit time of each unit change from Git history.

``collect`` derives each order's lifecycle as of ``as_of`` and sorts the dispatches of the period by unit;
scoring both profiles from one collection derives every order once. Pure: no clock, no disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Protocol

from hotline.lifecycle.derive import derive
from hotline.lifecycle.state import DispatchState, OrderState
from hotline.records.context import Context
from hotline.records.models import Order, ScoringEvent, Unit, UnitChange
from hotline.records.rules import AssessmentRules, Rules
from hotline.records.units import UnitVersions
from hotline.scoring.period import Period
from hotline.workdays import WorkCalendar, end_of

ChangeKey = tuple[str, date, str]  # (unit id, effective, note): one entry of a unit file's ``changes``
_BEIJING = timezone(timedelta(hours=8))


def change_key(unit_id: str, change: UnitChange) -> ChangeKey:
    """How item 5 looks up the commit that first recorded a unit change."""
    return (unit_id, change.effective, change.note)


def beijing(dt: datetime) -> datetime:
    """A commit time as naive Beijing time (the records' convention)."""
    return dt.astimezone(_BEIJING).replace(tzinfo=None) if dt.tzinfo is not None else dt


class Records(Protocol):
    """What the assessment reads of the loaded records (``hotline.load.Repository`` has it)."""

    @property
    def rules(self) -> Rules: ...
    @property
    def calendar(self) -> WorkCalendar: ...
    @property
    def units(self) -> dict[str, Unit]: ...
    @property
    def orders(self) -> list[Order]: ...
    @property
    def context(self) -> Context: ...


@dataclass
class ScoringInputs:
    """Everything the assessment reads. ``change_commits`` maps each unit change (``change_key``) to the
    time of the commit that first recorded it (None: not committed yet); the whole mapping is None when
    there is no Git history to check against, and item 5 then says so."""

    rules: Rules
    calendar: WorkCalendar
    units: Mapping[str, Unit]
    orders: Sequence[Order]
    events: Sequence[ScoringEvent]
    change_commits: Mapping[ChangeKey, datetime | None] | None = None
    # items 1–4 and 6: every version of each unit file with its commit time (``history.unit_versions``);
    # None: no Git history, the unit files as they are now
    unit_versions: UnitVersions | None = None
    # each order's lifecycle as of one moment, derived once for every period scored from these inputs
    _states: dict[int, OrderState] = field(default_factory=dict, repr=False)
    _states_at: datetime | None = field(default=None, repr=False)
    _special: list[Order] | None = field(default=None, repr=False)

    def state_of(self, order: Order, as_of: datetime) -> OrderState:
        """``derive(order, …, as_of)``, once per order of ``orders`` (the site scores fourteen periods)."""
        if self._states_at != as_of:
            self._states, self._states_at = {}, as_of
        state = self._states.get(id(order))
        if state is None:
            state = self._states[id(order)] = derive(order, self.rules, self.calendar, as_of)
        return state

    def derived(self, states: Iterable[OrderState], as_of: datetime) -> None:
        """Lifecycles already derived as of ``as_of`` (``Repository.states``): those of orders in ``orders``
        (the very objects, not copies such as recorded-time orders) are not derived again."""
        mine = {id(o) for o in self.orders}
        self._states, self._states_at = {id(s.order): s for s in states if id(s.order) in mine}, as_of

    def with_special_supervision(self) -> list[Order]:
        """The orders with a 专项 督办 event (item 16), found once."""
        if self._special is None:
            self._special = [o for o in self.orders if any(e.type == "督办" and e.kind == "专项" for e in o.events)]
        return self._special

    @property
    def assessment(self) -> AssessmentRules:
        if self.rules.assessment is None:
            raise ValueError("scoring/rules.yaml 中没有 assessment（考核细则）部分，无法计算考核得分")
        return self.rules.assessment

    @classmethod
    def from_repository(
        cls,
        repo: Records,
        change_commits: Mapping[ChangeKey, datetime | None] | None = None,
        orders: list | None = None,
    ) -> ScoringInputs:
        """From a loaded ``hotline.loader.Repository``; ``orders`` replaces its orders (e.g. at recorded times)."""
        return cls(
            repo.rules,
            repo.calendar,
            repo.units,
            repo.orders if orders is None else orders,
            repo.context.scoring_events,
            change_commits,
        )


@dataclass(slots=True)
class Counted:
    """One dispatch of the period, with what the rate items need from its order."""

    state: DispatchState
    path: str
    final_callback: str | None


@dataclass
class Collected:
    """The period's dispatches and assessment events, by unit."""

    inputs: ScoringInputs
    period: Period
    as_of: datetime
    only: frozenset[str] | None = None  # the units asked for; None: every assessed unit
    dispatches: dict[str, list[Counted]] = field(default_factory=dict)
    events: dict[str, list[ScoringEvent]] = field(default_factory=dict)

    @property
    def assessed_units(self) -> list[Unit]:
        types = set(self.inputs.assessment.unit_types)
        return sorted((u for u in self.inputs.units.values() if u.type in types), key=lambda u: u.id)


def _dispatched_in(order: Order, start: datetime, end: datetime) -> bool:
    events = order.events
    if events and order.received_at >= start and events[0].type == "派单" and events[0].at < end:
        return True  # the usual case, decided without scanning the events
    return any(ev.type == "派单" and start <= ev.at < end for ev in events)


def collect(inputs: ScoringInputs, period: Period, as_of: datetime, only: Iterable[str] | None = None) -> Collected:
    """Derive the orders dispatched in ``period`` as of ``as_of`` and sort dispatches and events by unit."""
    _ = inputs.assessment  # fail early, in Chinese, when the rules have no assessment part
    wanted = frozenset(only) if only is not None else None
    out = Collected(inputs, period, as_of, wanted)
    start, end = datetime.combine(period.start, time(0, 0)), end_of(period.end)
    for order in inputs.orders:
        if order.received_at >= end or not _dispatched_in(order, start, end):
            continue
        state = inputs.state_of(order, as_of)
        if state.merged:
            continue  # a repeated demand merged into an earlier order (并单) counts once, as that order
        final = state.final_callback
        for s in state.dispatches:
            if not start <= s.dispatched_at < end or (wanted is not None and s.unit not in wanted):
                continue
            out.dispatches.setdefault(s.unit, []).append(Counted(s, order.path, final))
    last = min(period.end, as_of.date())
    for ev in inputs.events:
        if period.start <= ev.date <= last and (wanted is None or ev.unit in wanted):
            out.events.setdefault(ev.unit, []).append(ev)
    return out
