"""Everything published, computed once (发布内容): pure, from the loaded records and ``as_of``.

load (``hotline.load``, knowledge base, archives, ``reports.sources``) → ``compute`` (this module): the
monthly figures, registers, monthly reports, hot topics, rankings and the assessment of every period →
the site's pages and data files (``hotline.site``), the month's documents and its archive
(``reports.archive``). Nothing here reads the disk or the clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from hotline.history.recorded import EventHistory
from hotline.lifecycle.state import OrderState
from hotline.load import Repository
from hotline.records.knowledge import Entry
from hotline.records.models import Order, Unit
from hotline.records.rules import HostSettings, Rules
from hotline.records.units import UnitVersions, is_office
from hotline.reports.hot_topics import (
    HotTopics,
    KeywordWork,
    hot_topics,
    index_keywords,
    learn_candidates,
    unit_words,
)
from hotline.reports.hot_topics import keyword_work as hot_topics_work
from hotline.reports.monthly import (
    Current,
    MonthStats,
    current,
    month_of,
    month_to_date,
    monthly,
    previous_month,
    unit_sort_key,
)
from hotline.reports.monthly_report import RankEntry, Report, compose
from hotline.reports.register import Register, registers
from hotline.scoring import (
    Assessment,
    ChangeKey,
    ProfileComparison,
    ScoringInputs,
    compare_profiles,
    parse_period,
    shown,
)
from hotline.scoring.measures import Policy
from hotline.util.parallel import Mapper


@dataclass(frozen=True)
class Archive:
    """A sealed month (归档): its tag and, when present, the zip written by ``hotline archive``."""

    month: str
    tag: str
    commit: str
    sealed_at: datetime | None
    zip_path: str | None  # relative to the records root
    zip_size: int = 0


@dataclass
class Publication:
    as_of: datetime
    rules: Rules
    units: dict[str, Unit]
    handling_units: list[str]  # ordered: townships, then county departments
    states: list[OrderState]
    months: list[str]
    stats: dict[str, MonthStats]
    current: Current
    registers: dict[tuple[str, str], Register]
    reports: dict[str, Report]
    hot: dict[str, HotTopics]
    rankings: dict[str, list[RankEntry]]
    assessments: list[PeriodScores]  # months with data and their years, newest first
    entries: list[Entry]
    archives: list[Archive]
    history: dict[str, list[EventHistory | None]] | None
    provisional_years: list[int] = field(default_factory=list)
    calendar_due: int | None = None  # a year whose holidays should be imported by now (WorkCalendar.missing_year)
    office: str = "县政府办公室政务服务热线管理机构"
    host: HostSettings | None = None  # the Git host whose issue forms the pages link to (rules.yaml host)

    @property
    def this_month(self) -> str:
        return month_of(self.as_of)

    def unit_name(self, uid: str) -> str:
        u = self.units.get(uid)
        return (u.short_name or u.name) if u else uid


@dataclass
class PeriodScores:
    label: str
    title: str
    comparison: ProfileComparison

    @property
    def profiles(self) -> list[str]:
        return list(self.comparison.assessments)

    @property
    def default(self) -> Assessment:
        return self.comparison.assessments[self.profiles[0]]


def periods_of(months: list[str]) -> list[str]:
    """Months with data and the years they fall in, newest first."""
    years = sorted({m[:4] for m in months}, reverse=True)
    out = []
    for y in years:
        out.append(y)
        out.extend(m for m in sorted(months, reverse=True) if m.startswith(y))
    return out


def score_periods(inputs: ScoringInputs, months: list[str], as_of: datetime) -> list[PeriodScores]:
    out = []
    for label in periods_of(months):
        period = parse_period(label)
        out.append(PeriodScores(label, period.title, compare_profiles(inputs, period, as_of=as_of)))
    return out


RANKING_BASIS = (
    "排名依据：当月考核总分（按通知 §三 的 16 项内容、加分和否决项计算，现行读法；"
    "各项得分和依据见网站“考核”栏目）。当月无转办工单的单位不列入。"
)


def rank_by_assessment(scores: PeriodScores) -> list[RankEntry]:
    """The month's assessment ranking (default profile), units with dispatches that month."""
    return [
        RankEntry(u.unit, shown(u.total), f"{u.grade}；转办 {u.dispatched} 件" + ("；否决" if u.veto else ""))
        for u in scores.default.units
        if u.dispatched
    ]


def late_record_notes(
    history: dict[str, list[EventHistory | None]] | None, orders: dict[str, Order]
) -> dict[tuple[str, str], list[str]]:
    notes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for oid, evs in (history or {}).items():
        order = orders.get(oid)
        if order is None:
            continue
        for ev, h in zip(order.events, evs):
            unit = getattr(ev, "unit", None)
            if h is None or unit is None:
                continue
            if h.rewritten:  # plain words for a register's 备注; the order's timeline has the times and commits
                notes[(oid, unit)].append(f"{ev.type}记录登记后被改动")
            elif h.late:
                notes[(oid, unit)].append(f"{ev.type}登记晚于规定")
    return notes


def compute(
    repo: Repository,
    as_of: datetime,
    *,
    entries: Sequence[Entry] = (),
    archives: Sequence[Archive] = (),
    history: dict[str, list[EventHistory | None]] | None = None,
    advice: dict[str, str] | None = None,
    mapper: Mapper | None = None,
    change_commits: Mapping[ChangeKey, datetime | None] | None = None,
    scoring_orders: list[Order] | None = None,
    unit_versions: UnitVersions | None = None,
    states: list[OrderState] | None = None,
    keywords: dict[str, dict[str, list[str]]] | None = None,
) -> Publication:
    """The whole site model as of ``as_of``, from ``repo`` and what else is known: the knowledge base, the sealed
    archives, the Git history (``reports.sources.read_history``), the office's advice per month, the unit files'
    versions. ``mapper`` (like ``map``) may spread per-month work over processes; ``states``
    (``repo.states(as_of)``) and ``keywords`` (``keyword_index``), when the caller has them already."""
    rules, units = repo.rules, repo.units
    states = repo.states(as_of) if states is None else states
    stats = monthly(states, rules, units, rules.reports.repeated_delay_min)
    month_to_date(stats, states, as_of)
    months = sorted(stats)
    orders = {st.order.id: st.order for st in states}
    notes = late_record_notes(history, orders)
    not_final = {m for m, ms in stats.items() if not ms.final}
    regs = registers(states, units, Policy.of(rules).satisfied, notes=notes, not_final=not_final)
    by_month = _by_month(st.order for st in states)
    if keywords is None:
        keywords = keyword_index([st.order for st in states], units, mapper)
    titles = {oid: o.title for oid, o in orders.items()}
    office = _office_name(units)
    inputs = ScoringInputs.from_repository(repo, change_commits, scoring_orders)
    inputs.unit_versions = unit_versions  # items 1–4 and 6 as the unit files stood at each period's end
    inputs.derived(states, as_of)
    scored = score_periods(inputs, months, as_of)
    by_label = {p.label: p for p in scored}
    hot: dict[str, HotTopics] = {}
    reports: dict[str, Report] = {}
    rankings: dict[str, list[RankEntry]] = {}
    learn_candidates(keywords, rules.reports)  # one pass over jieba's dictionary for every month's candidates
    for m in months:
        hot[m] = hot_topics(m, previous_month(m), by_month, keywords, rules.reports)
        rankings[m] = rank_by_assessment(by_label[m])
        reports[m] = compose(
            stats[m],
            hot[m],
            rankings[m],
            ranking_basis=RANKING_BASIS,
            units=units,
            titles=titles,
            office=office,
            compiled_on=as_of.date(),
            advice=(advice or {}).get(m),
            late_records=_late_records(notes, orders, m),
        )
    return Publication(
        as_of=as_of,
        rules=rules,
        units=units,
        handling_units=sorted((u.id for u in units.values() if not is_office(u)), key=unit_sort_key(units)),
        states=states,
        months=months,
        stats=stats,
        current=current(states, as_of),
        registers=regs,
        reports=reports,
        hot=hot,
        rankings=rankings,
        assessments=scored,
        entries=list(entries),
        archives=list(archives),
        history=history,
        provisional_years=_provisional_years(states, repo, as_of),
        calendar_due=repo.calendar.missing_year(as_of.date()),
        office=office,
        host=rules.host,
    )


def keyword_index(
    orders: list[Order], units: dict[str, Unit], mapper: Mapper | None = None
) -> dict[str, dict[str, list[str]]]:
    """month → keyword → ids of the orders received that month mentioning it (``hot_topics.index_keywords``)."""
    return index_keywords(_by_month(orders), unit_words(units.values()), mapper)


def keyword_work(orders: list[Order], units: dict[str, Unit]) -> KeywordWork:
    """``keyword_index`` in steps, for a caller that cuts the texts elsewhere: ``hot_topics.cut_words`` of the
    work's texts, then ``hot_topics.index_cut``."""
    return hot_topics_work(_by_month(orders), unit_words(units.values()))


def _by_month(orders: Iterable[Order]) -> dict[str, list[Order]]:
    """The orders by the month of receipt."""
    by_month: dict[str, list[Order]] = defaultdict(list)
    for o in orders:
        by_month[month_of(o.received_at)].append(o)
    return by_month


def _office_name(units: dict[str, Unit]) -> str:
    """The hotline office's name, as its unit file gives it (the notice's words without one)."""
    office_unit = next((u for u in units.values() if is_office(u)), None)
    return office_unit.name if office_unit else "县政府办公室政务服务热线管理机构"


def today(model: Publication) -> date:
    return model.as_of.date()


def _late_records(
    notes: dict[tuple[str, str], list[str]], orders: dict[str, Order], month: str
) -> list[tuple[str, str, str]]:
    """(order id, unit, text) of the events recorded late among the orders received in ``month``."""
    return [
        (oid, unit, "；".join(texts))
        for (oid, unit), texts in sorted(notes.items())
        if oid in orders and month_of(orders[oid].received_at) == month
    ]


def _provisional_years(states: list[OrderState], repo: Repository, as_of: datetime) -> list[int]:
    """Years without holiday data that some deadline (or today) rests on: the site's banner."""
    cal = repo.calendar
    years = {
        y
        for st in states
        for s in st.dispatches
        if s.provisional
        for y in range(s.dispatched_at.year, s.current_due.year + 1)
        if cal.is_provisional_year(y)
    }
    if cal.is_provisional_year(as_of.year):
        years.add(as_of.year)
    return sorted(years)
