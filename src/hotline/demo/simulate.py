"""The demo repository's orders (演示工单): a deterministic simulation of a county hotline's months.

``simulate(config, calendar, rules)`` plans every order of the period and the life of each dispatch:
receipt by the county hotline (any day, any hour), dispatch by the hotline office in working hours,
acceptance, contact, hand-over to an office, reply, callback, redo after a first 不满意, returns and
re-dispatch, extensions, co-handling (会办), system supervision of overdue dispatches, and orders still
open at the snapshot time. Staff events fall on working days and hours, so holiday periods show as gaps.
Everything is drawn from one ``random.Random(seed)``: the same seed gives the same orders.

``hotline.demorepo`` turns the plan into units, commits and a Git repository. The fictional names,
places and wordings come from ``data/demo.yaml``; deadlines and windows from ``scoring/rules.yaml``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import cast

import yaml

from hotline.records.models import Category
from hotline.records.rules import Rules
from hotline.workdays import WorkCalendar, end_of

DATA = Path(__file__).parents[1] / "data" / "demo.yaml"
OFFICE = "县热线办"
PERIODS = ((8 * 60 + 30, 12 * 60), (14 * 60 + 30, 18 * 60))  # working hours, minutes of the day


@dataclass(frozen=True)
class DemoConfig:
    months: int = 3
    orders_per_month: int = 800
    seed: int = 1
    end: date = date(2026, 11, 27)  # snapshot day: nothing is recorded after 18:00 that day
    daily: bool = False  # one commit a day instead of one per recorded event (benchmarks at 100,000 orders)

    @property
    def start(self) -> date:
        y, m = self.end.year, self.end.month - (self.months - 1)
        while m < 1:
            y, m = y - 1, m + 12
        return date(y, m, 1)

    @property
    def snapshot(self) -> datetime:
        return datetime.combine(self.end, time(18, 0))


@dataclass
class Person:
    name: str
    account: str


@dataclass
class Ev:
    """A planned event: the record's fields plus who records it (``actor``: ``office`` or a unit id)."""

    data: dict
    actor: str
    seq: int

    @property
    def at(self) -> datetime:
        return self.data["at"]


@dataclass
class OrderPlan:
    id: str
    header: dict
    events: list[Ev] = field(default_factory=list)
    # filled by demorepo: commit groups (commit time, actor, number of events recorded so far)
    flags: set[str] = field(default_factory=set)


@lru_cache(maxsize=1)
def material() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


class Clock:
    """Working days and hours on the real calendar."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.cal = calendar

    def workday_on_or_after(self, d: date) -> date:
        return d if self.cal.is_workday(d) else self.cal.next_workday(d).day

    def shift(self, d: date, n: int) -> date:
        if n >= 0:
            return self.cal.add_workdays(d, n).day if n else self.workday_on_or_after(d)
        return self.cal.previous_workday(d, -n)

    def start_of_work(self, dt: datetime) -> datetime:
        """``dt`` if it is working time, else the start of the next working period."""
        d, minute = dt.date(), dt.hour * 60 + dt.minute
        if self.cal.is_workday(d):
            for a, b in PERIODS:
                if minute < a:
                    return datetime.combine(d, time()) + timedelta(minutes=a)
                if minute < b:
                    return dt
        nd = self.cal.next_workday(d).day
        return datetime.combine(nd, time()) + timedelta(minutes=PERIODS[0][0])

    def advance(self, dt: datetime, minutes: int) -> datetime:
        """``minutes`` of working time after ``dt``."""
        cur = self.start_of_work(dt)
        while True:
            minute = cur.hour * 60 + cur.minute
            end = next(b for a, b in PERIODS if a <= minute < b)
            avail = end - minute
            if minutes < avail:
                return cur + timedelta(minutes=minutes)
            minutes -= avail
            cur = self.start_of_work(cur.replace(second=0) + timedelta(minutes=avail))

    def moment(self, rng: random.Random, d: date, after: datetime | None = None) -> datetime:
        """A random working minute on workday ``d`` (after ``after`` when given, else on a later day)."""
        d = self.workday_on_or_after(d)
        lo = 0
        if after is not None and after.date() >= d:
            if after.date() > d:
                return self.advance(after, rng.randint(10, 120))
            lo = after.hour * 60 + after.minute + 1
        slots = [(a, b) for a, b in PERIODS if b > lo]
        if not slots:
            return self.advance(datetime.combine(d, time(23, 0)), rng.randint(10, 120))
        total = sum(b - max(a, lo) for a, b in slots)
        k = rng.randrange(total)
        for a, b in slots:
            a = max(a, lo)
            if k < b - a:
                return datetime.combine(d, time()) + timedelta(minutes=a + k)
            k -= b - a
        raise AssertionError


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


TITLE_SAYS = (("咨询", "咨询"), ("建议", "建议"), ("举报", "举报"), ("申请", "求助"))


def fitting(title: str, categories: dict[str, int]) -> dict[str, int]:
    """The categories (with their weights) an order with ``title`` may have: a title that begins 咨询, 建议, 举报
    or 申请 says its category itself; any other reports a problem (投诉, 求助 or 举报 — not 咨询 or 建议)."""
    for word, category in TITLE_SAYS:
        if title.startswith(word):
            return {category: 1}
    return {k: w for k, w in categories.items() if k not in ("咨询", "建议")} or categories


@dataclass(frozen=True)
class Repeat:
    """A citizen asking the same thing again (重复诉求): the earlier order's case, place and citizen."""

    case: int
    category: str
    township: str
    place: str
    surname: str
    phone: str


class Simulation:
    def __init__(self, config: DemoConfig, calendar: WorkCalendar, rules: Rules, units: dict[str, dict]) -> None:
        self.cfg = config
        self.rng = random.Random(config.seed)
        self.clock = Clock(calendar)
        self.cal = calendar
        self.rules = rules
        self.m = material()
        self.units = units  # id -> {name, type, handlers: [(from_date, Person)], offices}
        self.townships = sorted(u for u, v in units.items() if v["type"] == "乡镇")
        self.seq = 0
        self.origins: dict[str, tuple[dict, Repeat]] = {}  # order id → its topic and what a repeat of it copies

    # --- helpers -----------------------------------------------------------------------------------
    def ev(self, actor: str, **data: object) -> Ev:
        self.seq += 1
        return Ev({k: v for k, v in data.items() if v is not None}, actor, self.seq)

    def handler(self, unit: str, d: date) -> Person:
        chosen = self.units[unit]["handlers"][0][1]
        for since, person in self.units[unit]["handlers"]:
            if since <= d:
                chosen = person
        return chosen

    def resolve(self, choice: str, township: str) -> str:
        return township if choice == "township" else choice

    # --- one order ---------------------------------------------------------------------------------
    def received_times(self) -> list[datetime]:
        rng, cfg = self.rng, self.cfg
        days = [cfg.start + timedelta(days=i) for i in range((cfg.end - cfg.start).days + 1)]
        weights = [1.0 if self.cal.is_workday(d) else 0.4 for d in days]
        total = cfg.orders_per_month * cfg.months
        out = []
        for d in rng.choices(days, weights=weights, k=total):
            hour = rng.triangular(7.0, 22.5, 10.0)
            out.append(datetime.combine(d, time()) + timedelta(minutes=int(hour * 60)))
        out.sort()
        return out

    def plan(self) -> list[OrderPlan]:
        per_day: dict[date, int] = {}
        plans = []
        topics = self.m["topics"]
        for received in self.received_times():
            n = per_day[received.date()] = per_day.get(received.date(), self.rng.randint(100, 300)) + 1
            oid = f"JC{received:%Y%m%d}{n:05d}"
            plans.append(self.order(oid, received, self.rng.choice(topics)))
        plans += self.repeats(plans, per_day)
        return sorted(plans, key=lambda p: (p.header["received_at"], p.id))

    def repeats(self, plans: list[OrderPlan], per_day: dict[date, int]) -> list[OrderPlan]:
        """A few citizens call again about the same thing 3–10 days later (``hotline repeats`` finds them)."""
        rng, out = self.rng, []
        last = self.cfg.snapshot - timedelta(days=14)
        sources = [p for p in plans if p.header["address"] and p.header["received_at"] <= last]
        for src in rng.sample(sources, min(len(sources), max(3, len(plans) // 400))):
            received = self.clock.moment(rng, (src.header["received_at"] + timedelta(days=rng.randint(3, 10))).date())
            n = per_day[received.date()] = per_day.get(received.date(), rng.randint(100, 300)) + 1
            topic, like = self.origins[src.id]
            out.append(self.order(f"JC{received:%Y%m%d}{n:05d}", received, topic, like))
        return out

    def order(self, oid: str, received: datetime, topic: dict, like: Repeat | None = None) -> OrderPlan:
        rng, m = self.rng, self.m
        if like is None:
            case = rng.randrange(len(topic["titles"]))  # title, content and reply belong together
            # the shipped demo material weighs the five categories by their record names (Category), as the title
            # reads: a 咨询… title is a 咨询, a reported problem is not a 建议
            category = cast(Category, _weighted(rng, fitting(topic["titles"][case], topic["categories"])))
            township = rng.choice(self.townships)
            tname = self.units[township]["name"]
            place = tname + (
                rng.choice(m["estates"])
                if topic["place"] == "estate" and rng.random() < 0.5
                else rng.choice(m["villages"])
            )
            surname = rng.choice(m["surnames"])[0]
            phone = (
                rng.choice(["13", "15", "18", "17"]) + str(rng.randint(0, 9)) + "****" + f"{rng.randint(0, 9999):04d}"
            )
        else:
            case, category, township, place = like.case, cast(Category, like.category), like.township, like.place
            surname, phone = like.surname, like.phone
        self.origins[oid] = (topic, Repeat(case, category, township, place, surname, phone))
        header = {
            "id": oid,
            "title": topic["titles"][case].format(place=place),
            "category": category,
            "emergency": category in ("求助", "投诉") and rng.random() < 0.02,
            "received_at": received,
            "sample": True,
            "citizen": {"name": surname + "**", "phone": phone},
            "address": place if like is not None or rng.random() < 0.8 else None,
            "content": topic["contents"][case].format(place=place),
            "tags": list(topic["tags"]),
            "events": [],
        }
        plan = OrderPlan(oid, header)
        limit = self.rules.deadlines.limits[category]
        d_at = self.dispatch_time(received)
        lead = self.resolve(rng.choice(topic["lead"]), township)
        co = None
        if topic["co"] and rng.random() < 0.12:
            co = self.resolve(rng.choice(topic["co"]), township)
            if co == lead:
                co = None
        evs = plan.events
        evs.append(self.ev("office", at=d_at, type="派单", unit=lead, role="主办", by=OFFICE))
        if co:
            evs.append(self.ev("office", at=d_at, type="派单", unit=co, role="会办", by=OFFICE))
        ctx = {
            "topic": topic,
            "limit": limit,
            "emergency": header["emergency"],
            "plan": plan,
            "reply": topic["replies"][case].format(place=place),
        }
        replies: dict[str, datetime] = {}
        unit, role, at, may_return = lead, "主办", d_at, True
        while True:
            outcome, when = self.dispatch(ctx, unit, role, at, may_return)
            if outcome == "returned":
                alt = self.alternative(topic, {unit, co}, township)
                at = self.clock.advance(when, rng.randint(5, 60))
                evs.append(
                    self.ev("office", at=at, type="派单", unit=alt, role="主办", by=OFFICE, note="退回后重新派单")
                )
                plan.flags.add("return-approved")
                unit, may_return = alt, False
                continue
            if when is not None:
                replies[unit] = when
            break
        if co:
            _, when = self.dispatch(ctx, co, "会办", d_at, False)
            if when is not None:
                replies[co] = when
        if unit in replies and (co is None or co in replies):
            self.callbacks(ctx, unit, max(replies.values()))
        evs.sort(key=lambda e: (e.at, e.seq))
        return plan

    def dispatch_time(self, received: datetime) -> datetime:
        minute = received.hour * 60 + received.minute
        if self.cal.is_workday(received.date()) and PERIODS[0][0] <= minute < 17 * 60:
            return self.clock.advance(received, self.rng.randint(5, 60))
        return self.clock.advance(received, self.rng.randint(0, 90))

    def alternative(self, topic: dict, taken: set, township: str) -> str:
        options = [self.resolve(u, township) for u in topic["lead"] + topic["co"]]
        options = [u for u in dict.fromkeys(options) if u not in taken]
        if not options:
            options = [t for t in self.townships if t not in taken]
        return self.rng.choice(options)

    def dispatch(self, ctx: dict, unit: str, role: str, d_at: datetime, may_return: bool) -> tuple[str, datetime]:
        """Plan one unit's handling; returns (outcome, reply time or review time)."""
        rng, clock, cal, evs = self.rng, self.clock, self.cal, ctx["plan"].events
        d = self.rules.deadlines
        topic, limit = ctx["topic"], ctx["limit"]
        due = cal.due(d_at, limit).day
        cutoff_ok = cal.is_workday(d_at.date()) and d_at.time() <= d.receipt_cutoff
        accept_by = d_at.date() if cutoff_ok else cal.next_workday(d_at.date()).day
        who = self.handler(unit, d_at.date())
        office = rng.choice(topic["offices"])

        if rng.random() < 0.93:
            acc = clock.advance(d_at, rng.randint(5, 90))
            if acc >= end_of(accept_by):
                acc = d_at + timedelta(minutes=rng.randint(5, 20))
        else:
            acc = clock.moment(rng, clock.shift(accept_by, rng.randint(1, 2)))
            ctx["plan"].flags.add("late-receipt")
        who = self.handler(unit, acc.date())
        evs.append(
            self.ev(unit, at=acc, type="接收", unit=unit, by=who.name, office=office if rng.random() < 0.6 else None)
        )
        last = acc
        contact = None
        if rng.random() < 0.96:
            contact = clock.advance(acc, rng.randint(10, 240))
            evs.append(
                self.ev(unit, at=contact, type="联系", unit=unit, by=who.name, note=rng.choice(self.m["contact_notes"]))
            )
        else:
            ctx["plan"].flags.add("no-contact")
        if rng.random() < 0.45:
            hand = clock.advance(acc, rng.randint(5, 120))
            evs.append(self.ev(unit, at=hand, type="转办", unit=unit, by=who.name, office=rng.choice(topic["offices"])))
            last = max(last, hand)
        last = max(last, contact or last)

        window = cal.add_workdays(d_at.date(), d.return_window_days).day
        if may_return and role == "主办" and rng.random() < 0.04 and last + timedelta(minutes=30) < end_of(window):
            review, approved = self.return_request(ctx, unit, who, last, window)
            if approved:
                return "returned", review
            last = review

        if limit >= 7 and not ctx["emergency"] and rng.random() < 0.06:
            due, last = self.extension(ctx, unit, who, due, last, limit)

        if rng.random() < 0.92:
            span = max(1, cal.workdays_between(last.date(), due))
            day = clock.shift(last.date(), rng.randint(1, span) if span > 1 else 1)
            if day > due:
                day = due
            reply = clock.moment(rng, day, after=last)
            if reply >= end_of(due):
                reply = last + timedelta(minutes=rng.randint(10, 60))
        else:
            reply = clock.moment(rng, clock.shift(due, rng.randint(1, 4)))
            ctx["plan"].flags.add("overdue")
            sup = clock.moment(rng, clock.shift(due, 1))
            sup = min(sup, reply - timedelta(minutes=5))
            if sup > last and sup >= end_of(due):
                evs.append(
                    self.ev(
                        "office", at=sup, type="督办", unit=unit, by=OFFICE, kind="系统", note="工单已逾期，请尽快办理"
                    )
                )
        reply = max(reply, last + timedelta(minutes=1))
        text = ctx["reply"] if role == "主办" else "已配合主办单位办理：" + ctx["reply"]
        evs.append(self.ev(unit, at=reply, type="答复", unit=unit, by=self.handler(unit, reply.date()).name, text=text))
        return "replied", reply

    def return_request(self, ctx: dict, unit: str, who: Person, last: datetime, window: date) -> tuple[datetime, bool]:
        """A return request within the window and the office's review; returns (review time, approved)."""
        rng, clock, evs = self.rng, self.clock, ctx["plan"].events
        req = clock.advance(last, rng.randint(20, 300))
        if req >= end_of(window):
            req = last + timedelta(minutes=rng.randint(5, 30))
        reason, basis = rng.choice(self.m["return_reasons"])
        evs.append(self.ev(unit, at=req, type="退回申请", unit=unit, by=who.name, reason=reason, basis=basis))
        review = clock.advance(req, rng.randint(30, 400))
        approved = rng.random() < 0.7
        note = None if approved else "经审核属于本单位职责，请继续办理"
        evs.append(self.ev("office", at=review, type="退回审核", unit=unit, by=OFFICE, approved=approved, note=note))
        if not approved:
            ctx["plan"].flags.add("return-refused")
        return review, approved

    def extension(
        self, ctx: dict, unit: str, who: Person, due: date, last: datetime, limit: int
    ) -> tuple[date, datetime]:
        """An extension request the day before the deadline and its review; returns (deadline, last event time)."""
        rng, clock, evs = self.rng, self.clock, ctx["plan"].events
        req = clock.moment(rng, clock.shift(due, -1), after=last)
        if req < end_of(due):
            days = rng.randint(2, min(limit, 5))
            reason, basis = rng.choice(self.m["extension_reasons"])
            evs.append(
                self.ev(unit, at=req, type="延期申请", unit=unit, by=who.name, days=days, reason=reason, basis=basis)
            )
            review = clock.advance(req, rng.randint(30, 300))
            approved = rng.random() < 0.85
            granted = days if rng.random() < 0.8 else max(1, days - 1)
            evs.append(
                self.ev(
                    "office",
                    at=review,
                    type="延期审核",
                    unit=unit,
                    by=OFFICE,
                    approved=approved,
                    days=granted if approved and granted != days else None,
                )
            )
            if approved:
                due = self.cal.add_workdays(due, granted).day
                ctx["plan"].flags.add("extension")
            last = max(last, review)
        return due, last

    def callbacks(self, ctx: dict, unit: str, replied: datetime) -> None:
        rng, clock, evs = self.rng, self.clock, ctx["plan"].events
        cb = clock.moment(rng, clock.shift(replied.date(), rng.randint(1, 2)))
        first = _weighted(rng, {"满意": 72, "基本满意": 15, "不满意": 13})
        evs.append(self.ev("office", at=cb, type="回访", result=first, by=OFFICE))
        if first != "不满意" or rng.random() >= 0.85:
            return
        ctx["plan"].flags.add("redo")
        redo = clock.advance(cb, rng.randint(30, 300))
        evs.append(self.ev("office", at=redo, type="重办", unit=unit, by=OFFICE, note=rng.choice(self.m["redo_notes"])))
        who = self.handler(unit, redo.date())
        contact = clock.advance(redo, rng.randint(30, 400))
        evs.append(self.ev(unit, at=contact, type="联系", unit=unit, by=who.name, note="重办：已再次联系诉求人"))
        redo_due = self.cal.due(redo, self.rules.deadlines.redo_days).day
        if rng.random() < 0.9:
            day = clock.shift(contact.date(), rng.randint(1, 3))
            day = min(day, redo_due)
        else:
            day = clock.shift(redo_due, rng.randint(1, 2))
            ctx["plan"].flags.add("redo-overdue")
        answer = clock.moment(rng, day, after=contact)
        if rng.random() < 0.3:
            evs.append(self.ev(unit, at=answer, type="履责说明", unit=unit, by=who.name, text=ctx["topic"]["duty"]))
        else:
            evs.append(self.ev(unit, at=answer, type="答复", unit=unit, by=who.name, text="重办：" + ctx["reply"]))
        cb2 = clock.moment(rng, clock.shift(answer.date(), rng.randint(1, 2)))
        evs.append(
            self.ev(
                "office",
                at=cb2,
                type="回访",
                result=_weighted(rng, {"满意": 40, "基本满意": 30, "不满意": 30}),
                by=OFFICE,
            )
        )
