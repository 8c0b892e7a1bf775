"""Findings from Git history (历史核查): late records, events dated after their commit, rewritten events,
unit changes reported late, and an incomplete (shallow) history.

- ``history-rewritten``: an event already on main was later changed or deleted (records are append-only:
  a correction is a new event with a ``note``). An error, unless the commit's author is a maintainer of
  the hotline office (a unit of type 热线管理机构), whose corrections are listed as warnings.
- ``late-record``: an event's declared ``at`` lies more than ``history.late_record_tolerance_days``
  working days before the commit that introduced it (warning; the audit page lists them).
- ``future-event``: an event declared after the commit that introduced it (error).
- ``unit-change-late``: a unit's ``changes`` entry committed more than ``history.unit_change_report_days``
  working days after its ``effective`` date (assessment item 5).
- ``shallow-history``: the clone is shallow, so what came before its first commit cannot be checked.

Findings point at the committed version of each file (the line where the event is in HEAD). The checks
are pure: ``audit(history, context)``; ``history_check`` reads the history and is what ``hotline check``
runs (listed in ``checks.suite``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import msgspec

from hotline.findings import Finding
from hotline.history import reader as history_mod
from hotline.history.store import CommitInfo, History, Removal
from hotline.records import paths
from hotline.records.context import Context
from hotline.records.models import Unit
from hotline.records.privacy import mask_text
from hotline.records.rules import HistoryRules
from hotline.records.units import office_accounts
from hotline.records.yaml_items import key_of
from hotline.times import format_time, parse_date, parse_time
from hotline.util import cache
from hotline.workdays import WorkCalendar


def office_maintainers(units: dict[str, Unit]) -> set[str]:
    """Git accounts of the hotline office (热线管理机构): allowed to correct recorded events."""
    return office_accounts(units)


class Timeliness:
    """Late and future tests of items against the time of the commit that introduced them.

    Per day of commit, the earliest declared date that is not late is worked out once; an item is then
    judged by comparing text (``YYYY-MM-DD HH:MM`` sorts as time does) and minutes of the day.
    The audit cut-over is applied here, once: an event declared before ``history.audit_from`` (``since``)
    is never late, wherever a late record could be shown (check, log, timelines, registers, the monthly
    report) or used (``measure_on: recorded``).
    """

    def __init__(self, hist: History, calendar: WorkCalendar, tolerance: int, since: str = "") -> None:
        self.times = hist.store.landed  # recorded times (the main line's), not the client's dates
        self.cal = calendar
        self.tolerance = tolerance
        self.since = since  # "YYYY-MM-DD" of history.audit_from, or ""
        self._days: dict[int, tuple[str, str]] = {}

    @classmethod
    def of(cls, hist: History, ctx: Context) -> Timeliness:
        """As the rules in force say (``history.late_record_tolerance_days`` and ``history.audit_from``)."""
        rules = ctx.rules.history if ctx.rules else HistoryRules()
        return cls(
            hist,
            ctx.calendar,
            rules.late_record_tolerance_days,
            f"{rules.audit_from:%Y-%m-%d}" if rules.audit_from else "",
        )

    def exempt(self, at: str | None) -> bool:
        """Declared before the audit cut-over: not judged late."""
        return bool(self.since and at and at[:10] < self.since)

    def _day(self, day: int) -> tuple[str, str]:
        """(the date, the earliest declared date not late) for commits on Beijing day number ``day``."""
        got = self._days.get(day)
        if got is None:
            committed = date(1970, 1, 1) + timedelta(days=day)
            d = committed
            while self.cal.add_workdays(d - timedelta(days=1), self.tolerance).day >= committed:
                d -= timedelta(days=1)
            got = self._days[day] = (committed.isoformat(), d.isoformat())
        return got

    def judge(self, at: str | None, commit: int) -> tuple[bool, bool]:
        """(late, future) of an item declared at ``at`` and introduced by commit index ``commit``."""
        if at is None or commit < 0:
            return False, False
        if len(at) != 16 or at[10] != " ":
            try:
                at = format_time(parse_time(at))
            except ValueError:
                return False, False
        local = self.times[commit] + 28800  # Beijing time
        day_text, bound = self._day(local // 86400)
        day = at[:10]
        late = day < bound and not self.exempt(at)
        if day != day_text:
            return late, day > day_text
        return late, int(at[11:13]) * 60 + int(at[14:16]) > local % 86400 // 60


def audit(hist: History, ctx: Context) -> list[Finding]:
    if ctx.rules is None or hist.head is None:
        return []
    rules = ctx.rules.history
    out: list[Finding] = []
    if hist.shallow:
        since = hist.boundary_time
        out.append(
            Finding(
                ".git/shallow",
                0,
                "shallow-history",
                f"这是浅克隆（只有 {since:%Y-%m-%d %H:%M} 以来的提交）：此前入库的事件无法核对入库时间，"
                "也无法发现此前的改写；工作流检出时请使用 fetch-depth: 0"
                if since
                else "这是浅克隆：无法核对入库时间和改写；工作流检出时请使用 fetch-depth: 0",
            )
        )
    out += _order_findings(hist, Timeliness.of(hist, ctx))
    out += _unit_findings(hist, ctx.calendar, rules.unit_change_report_days)
    office = office_maintainers(ctx.units)
    for r in hist.rewrites:
        if paths.is_order_path(r.path):
            out.append(_rewrite_finding(hist, r, office))
    for sha, path, size in hist.store.oversized:
        out.append(
            Finding(
                path,
                0,
                "file-too-large",
                f"提交 {sha[:9]} 中的这个文件有 {size // (1 << 20)} MiB，超过 1 MiB："
                "历史核对没有读取它（一件工单不应有这么大）",
            )
        )
    return out


def _who(c: CommitInfo) -> str:
    return f"提交 {c.short}，{c.author}（{c.account}）"


def _order_findings(hist: History, timely: Timeliness) -> list[Finding]:
    """Late and future events; events declared before ``history.audit_from`` are not late (``Timeliness``)."""
    out = []
    s = hist.store
    judge, day_of, exempt, tolerance = timely.judge, timely._day, timely.exempt, timely.tolerance
    item_commit, item_at, times, fi_item, fi_line, f_items = (
        s.item_commit,
        s.item_at,
        s.landed,
        s.fi_item,
        s.fi_line,
        s.f_items,
    )
    for i, path in enumerate(s.paths):
        count = f_items[2 * i + 1]
        if count <= 0 or not paths.is_order_path(path):
            continue
        start = f_items[2 * i]
        for n in range(count):
            item = fi_item[start + n]
            c = item_commit[item]
            at = item_at[item]
            if c < 0 or at is None:
                continue
            local = times[c] + 28800  # Beijing time of the commit
            day_text, bound = day_of(local // 86400)
            if len(at) == 16 and at[10] == " ":  # the usual layout: decide here, without a call
                if at < day_text:
                    if at >= bound:
                        continue
                    late, future = True, False
                elif at.startswith(day_text):
                    if int(at[11:13]) * 60 + int(at[14:16]) <= local % 86400 // 60:
                        continue
                    late, future = False, True
                else:
                    late, future = at[:10] < bound, True
            else:
                late, future = judge(at, c)
                if not (late or future):
                    continue
            if late and not future and exempt(at):
                continue
            out.append(_timeliness_finding(hist, path, n + 1, fi_line[start + n], item, late, future, tolerance))
    return out


def _timeliness_finding(
    hist: History, path: str, n: int, line: int, item: int, late: bool, future: bool, tolerance: int
) -> Finding:
    o = hist.origin(item)
    c = hist.commits[o.commit]
    what = f"第 {n} 条事件（{o.type or '事件'}{' ' + o.unit if o.unit else ''}，事件时间 {o.at}）"
    if future:
        return Finding(
            path,
            line,
            "future-event",
            f"{what}晚于它入库的时间 {c.committed_at:%Y-%m-%d %H:%M}（{_who(c)}）：不能记录尚未发生的事，请核对事件时间",
        )
    return Finding(
        path,
        line,
        "late-record",
        f"{what}到 {c.committed_at:%Y-%m-%d %H:%M} 才入库（{_who(c)}），晚于事件时间超过 {tolerance} 个工作日：补录过晚",
    )


def _unit_findings(hist: History, cal: WorkCalendar, days: int) -> list[Finding]:
    out = []
    for path, _n, line, item in hist.rows("units/"):
        o = hist.origin(item)
        if o.commit < 0 or not o.at:
            continue
        try:
            effective = parse_date(o.at)
        except ValueError:
            continue
        c = hist.commits[o.commit]
        deadline = cal.add_workdays(effective, days).day
        if c.committed_at.date() > deadline:
            out.append(
                Finding(
                    path,
                    line,
                    "unit-change-late",
                    f"生效日期为 {effective} 的变动到 {c.committed_at:%Y-%m-%d} 才提交（{_who(c)}），"
                    f"超过 {days} 个工作日（应在 {deadline} 前上报；考核第 5 项）",
                )
            )
    return out


def _rewrite_finding(hist: History, r: Removal, office: set[str]) -> Finding:
    c = hist.commits[r.commit]
    intro = hist.commit(r.old_origin)
    when = f"已于 {intro.committed_at:%Y-%m-%d %H:%M} 入库（提交 {intro.short}），" if intro else "已入库，"
    if r.new_text is not None:
        how = f"被改写：原为“{r.old_text}”，现为“{r.new_text}”"
    elif r.new_line == 0 and r.path not in hist.paths(r.path):
        how = f"随文件一起被删除：原为“{r.old_text}”"
    else:
        how = f"被删除：原为“{r.old_text}”"
    line = 0
    if r.new_text is not None:
        key = key_of(r.new_text)
        line = next((ln for ln, _, k in hist.items(r.path) if k == key), 0)
    msg = mask_text(
        f"第 {r.index + 1} 条事件{when}之后在 {c.committed_at:%Y-%m-%d %H:%M} 由{c.author}（{c.account}，提交 {c.short}）{how}。"
    )
    if c.account in office:
        return Finding(r.path, line, "history-rewritten", msg + "修改人是热线管理机构的维护人，予以记录", "warning")
    return Finding(
        r.path, line, "history-rewritten", msg + "记录只能追加：更正请追加一条带 note 的新事件，不要改动已入库的事件"
    )


AUDIT_CACHE = "audit"


class _AuditEntry(msgspec.Struct):
    key: list[str]
    found: list[Finding]


def history_check(root: Path, ctx: Context, as_of: datetime) -> list[Finding]:
    """The history findings of ``hotline check`` (nothing outside a Git work tree).

    They depend only on the history and the context (rules, calendar, units), so they are cached (``util.cache``)
    under the commit read and the context's fingerprint: a check where neither changed costs nothing here.
    """
    gitcmd = history_mod.gitcmd
    if gitcmd.toplevel(root) is None:
        return []
    key = [gitcmd.head(root) or "", ctx.fingerprint, *sorted(gitcmd.shallow_boundary(root))]
    hit = cache.load(root, AUDIT_CACHE, _AuditEntry)
    if hit is not None and hit.key == key:
        return hit.found
    try:
        hist = history_mod.read(root)
    except gitcmd.GitError:
        return []
    if hist is None:
        return []
    found = audit(hist, ctx)
    cache.save(root, AUDIT_CACHE, _AuditEntry(key, found))
    return found
