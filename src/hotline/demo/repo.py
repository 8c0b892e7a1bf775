"""The demo repository (演示仓库): units, staff, commits and the Git repository of ``hotline demo``.

``build(out, config)`` writes a real Git repository: the real rules and schemas, the county's units and staff
(``demo.county``), assessment events, and the simulated orders of ``hotline.demo`` committed event by
event by the staff who recorded them — the hotline office's accounts for dispatches, reviews and
callbacks, each unit's handler for its own events — at the time they were recorded. A few orders are
recorded days late and one accepted event is later rewritten by its unit: the history checks find them.
Commits go through one ``git fast-import`` stream, so thousands of commits take seconds.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import yaml

from hotline.demo.county import Staff, county_units, source_file, unit_text
from hotline.demo.simulate import (
    Clock,
    DemoConfig,
    OrderPlan,
    Person,
    Simulation,
    material,
)
from hotline.git import commands as gitcmd
from hotline.records import paths
from hotline.records.rules import Rules
from hotline.records.writer import event_line, flow_mapping, render_order, scalar
from hotline.times import BEIJING
from hotline.workdays import WorkCalendar

EMAIL_DOMAIN = "zezhou.example"


@dataclass(slots=True)
class _Version:
    """An order file after ``n`` recorded events, rendered only when it is streamed (saves memory)."""

    head: str
    lines: list[str]
    n: int
    replaced: dict | None

    def __str__(self) -> str:
        ev_lines = self.lines[: self.n]
        if self.replaced is not None:
            ev_lines = list(ev_lines)
            ev_lines[self.replaced["index"]] = event_line(self.replaced["data"])
        return self.head + "events:\n" + "\n".join(ev_lines) + "\n"


@dataclass(slots=True)
class Commit:
    when: datetime
    author: Person
    message: str
    files: dict[str, str | _Version]
    order: int = 0  # tie-break


@dataclass
class Summary:
    orders: int = 0
    events: int = 0
    commits: int = 0
    late_records: list[str] = field(default_factory=list)
    rewritten: str | None = None
    late_unit_change: str | None = None
    period: tuple[date, date] = field(kw_only=True)
    snapshot: datetime = field(kw_only=True)


OrderCommits = list[tuple[datetime, Person, str, int, dict | None]]  # (time, author, message, events, replaced)


def _order_commits(
    plan: OrderPlan, sim: Simulation, units: dict, rng: random.Random, office: list[Person], cfg: DemoConfig
) -> OrderCommits:
    """Group an order's events into commits: (time, author, message, events recorded, replaced event)."""
    evs = [e for e in plan.events if e.at <= cfg.snapshot]
    groups: list[list[int]] = []
    for i, e in enumerate(evs):
        if groups and evs[groups[-1][-1]].actor == e.actor and e.at - evs[groups[-1][-1]].at <= timedelta(minutes=90):
            groups[-1].append(i)
        else:
            groups.append([i])
    times: list[datetime] = []
    for g in groups:
        t = evs[g[-1]].at + timedelta(minutes=rng.randint(1, 25), seconds=rng.randint(0, 59))
        times.append(max(t, times[-1] + timedelta(seconds=rng.randint(30, 300))) if times else t)
    out: list[tuple[datetime, Person, str, int, dict | None]] = []
    for g, t in zip(groups, times):
        if t > cfg.snapshot:
            break
        first = evs[g[0]]
        if first.actor == "office":
            author = rng.choice(office)
        else:
            author = units[first.actor]["accounts"][first.data["by"]]
        types = "、".join(dict.fromkeys(evs[i].data["type"] for i in g))
        targets = "、".join(dict.fromkeys(evs[i].data["unit"] for i in g if "unit" in evs[i].data))
        msg = f"{plan.id}: {types} {targets}".rstrip()
        if g[0] == 0:
            msg = f"{plan.id}: 新建工单，{types} {targets}".rstrip()
        out.append((t, author, msg, g[-1] + 1, None))
    plan.events = evs
    return out


def build(out: Path | str, config: DemoConfig = DemoConfig()) -> Summary:
    """Create the demo repository in ``out`` (a new or empty folder)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"目录 {out} 不是空的：请指定一个新目录")
    rules = Rules.model_validate(yaml.safe_load(source_file("scoring/rules.yaml").read_text(encoding="utf-8")))
    cal = WorkCalendar()
    clock = Clock(cal)
    rng = random.Random(f"{config.seed}-repo")
    staff = Staff(rng)
    units, changes = county_units(rng, staff, clock, config)
    sim = Simulation(config, cal, rules, units)
    plans = sim.plan()
    office = units["rexian"]["office_staff"]
    summary = Summary(period=(config.start, config.end), snapshot=config.snapshot)

    commits: list[Commit] = []
    start = datetime.combine(clock.shift(config.start, -2), time(10, 0))
    files: dict[str, str | _Version] = {
        ".gitignore": "/site/\n/build/\n/.cache/\n",
        "README.md": _readme(config),
        "scoring/rules.yaml": _demo_rules(source_file("scoring/rules.yaml").read_text(encoding="utf-8")),
    }
    for p in sorted(source_file("schemas").glob("*.json")):
        files[f"schemas/{p.name}"] = p.read_text(encoding="utf-8")
    for uid, u in units.items():
        files[f"units/{uid}.yaml"] = unit_text(u)
    files.update(_knowledge(units, config))
    boss = office[-1]
    commits.append(Commit(start, boss, "初始化演示记录仓库：考核规则、承办单位", files, 0))
    for uid, ch in changes.items():
        u = units[uid]
        commits.append(
            Commit(
                ch["report"],
                ch["new"],
                f"{uid}: 上报承办人员变动（{ch['effective']} 起）",
                {f"units/{uid}.yaml": unit_text(u, ch)},
                1,
            )
        )
        if ch["late"]:
            summary.late_unit_change = uid
    commits += _scoring_events(rng, clock, config, units, boss)

    per_order = []
    for plan in plans:
        oc = _order_commits(plan, sim, units, rng, office, config)
        if oc:
            per_order.append((plan, oc))
    _late_records(per_order, rng, clock, config, summary)
    _rewrite(per_order, rng, clock, units, config, summary)

    for k, (plan, oc) in enumerate(per_order):
        month = plan.header["received_at"]
        path = paths.order_path(plan.id, month)
        header = dict(plan.header)
        header["events"] = []
        head_text = render_order(header, ["演示工单：hotline demo 生成的虚构数据，非真实诉求。"]).removesuffix(
            "events: []\n"
        )
        lines = [event_line(e.data) for e in plan.events]
        recorded = 0
        for t, author, msg, n, replaced in oc:
            commits.append(Commit(t, author, msg, {path: _Version(head_text, lines, n, replaced)}, 2 + k))
            recorded = n
        summary.orders += 1
        summary.events += recorded

    commits.sort(key=lambda c: (c.when, c.order))
    if config.daily:
        commits = _daily(commits)
    summary.commits = len(commits)
    gitcmd.init(out)
    gitcmd.fast_import(out, _stream(commits))
    gitcmd.run(out, "reset", "--hard", "--quiet")
    return summary


def _daily(commits: list[Commit]) -> list[Commit]:
    """One commit a day: each day's files at their last version, at the time and by the author of the day's last
    commit. (One commit per event makes 100,000 orders a history of half a million commits, hours to write.)"""
    out: list[Commit] = []
    merged = 0
    for c in commits:
        if out and out[-1].when.date() == c.when.date():
            last = out[-1]
            last.files = {**last.files, **c.files}
            last.when, last.author = c.when, c.author
            merged += 1
            last.message = f"{c.when:%Y-%m-%d} 的记录（合并了当天 {merged + 1} 次提交）"
        else:
            merged = 0
            out.append(Commit(c.when, c.author, c.message, dict(c.files), c.order))
    return out


def _late_records(
    per_order: list[tuple[OrderPlan, OrderCommits]], rng: random.Random, clock: Clock, cfg: DemoConfig, summary: Summary
) -> None:
    """A few unit groups recorded two or three working days after the fact."""
    wanted = max(3, len(per_order) // 600)
    order = list(range(len(per_order)))
    rng.shuffle(order)
    for k in order:
        if len(summary.late_records) >= wanted:
            break
        plan, oc = per_order[k]
        for j in range(1, len(oc) - 1):
            _, author, msg, n, _ = oc[j]
            last_ev = plan.events[n - 1]
            if last_ev.actor == "office":
                continue
            late = clock.moment(rng, clock.shift(last_ev.at.date(), rng.randint(2, 3)))
            nxt = plan.events[n].at
            if late < nxt and late < oc[j + 1][0] and late <= cfg.snapshot:
                oc[j] = (late, author, msg, n, None)
                plan.flags.add("late-record")
                summary.late_records.append(plan.id)
                break


def _rewrite(
    per_order: list[tuple[OrderPlan, OrderCommits]],
    rng: random.Random,
    clock: Clock,
    units: dict,
    cfg: DemoConfig,
    summary: Summary,
) -> None:
    """One unit moves its late 接收 back to the dispatch day, days after recording it: tampering."""
    for plan, oc in per_order:
        evs = plan.events
        if "late-receipt" not in plan.flags or "late-record" in plan.flags or len(oc) < 3:
            continue
        if sum(e.data["type"] == "派单" for e in evs) != 1 or evs[1].data["type"] != "接收":
            continue
        t = clock.moment(rng, clock.shift(oc[-1][0].date(), 2))
        if t > cfg.snapshot:
            continue
        data = dict(evs[1].data)
        data["at"] = evs[0].at + timedelta(minutes=25)
        if data["at"] >= evs[1].at:
            continue
        author = units[evs[1].actor]["accounts"][evs[1].data["by"]]
        oc.append((t, author, f"{plan.id}: 更正接收时间", oc[-1][3], {"index": 1, "data": data}))
        plan.flags.add("rewritten")
        summary.rewritten = plan.id
        return


def _scoring_events(rng: random.Random, clock: Clock, cfg: DemoConfig, units: dict, author: Person) -> list[Commit]:
    """Manual assessment events: missed meetings, spot checks, media praise, an escalation."""
    commits = []
    ids = sorted(u for u in units if units[u]["type"] != "热线管理机构")
    y, m = cfg.start.year, cfg.start.month
    for _ in range(cfg.months):
        first = date(y, m, 1)
        meeting = clock.shift(first + timedelta(days=9), 0)
        rows = []
        for uid in rng.sample(ids, rng.randint(1, 2)):
            rows.append(
                {"date": meeting, "unit": uid, "item": 14, "note": f"未参加{m}月热线工作例会", "evidence": "签到表"}
            )
        for uid in rng.sample(ids, 2):
            n = rng.randint(1, 3)
            rows.append(
                {
                    "date": clock.shift(first + timedelta(days=19), 0),
                    "unit": uid,
                    "item": 12,
                    "count": n,
                    "note": f"抽查发现{n}件工单回复不规范",
                }
            )
        if rng.random() < 0.6:
            rows.append(
                {
                    "date": clock.shift(first + timedelta(days=14), 0),
                    "unit": rng.choice(ids),
                    "item": "市级媒体表扬",
                    "note": "太行日报报道该单位热线工作经验做法（演示数据）",
                }
            )
        rows.append(
            {
                "date": clock.shift(first + timedelta(days=22), 0),
                "unit": rng.choice(ids),
                "item": 15,
                "note": "群众因办理不满意向省级12345热线反映（演示数据）",
            }
        )
        rows = [r for r in rows if r["date"] <= cfg.end]
        if rows:
            when = clock.moment(
                rng, max(r["date"] for r in rows), after=datetime.combine(max(r["date"] for r in rows), time(15, 0))
            )
            if when <= cfg.snapshot:
                text = "# 人工考核事项（演示数据）\n" + "".join(
                    f"- {flow_mapping(r, ('date', 'unit', 'item', 'count', 'note', 'evidence'))}\n"
                    for r in sorted(rows, key=lambda r: r["date"])
                )
                commits.append(
                    Commit(when, author, f"考核事项：{y}年{m}月", {f"scoring/events/{y}/{y}-{m:02d}.yaml": text}, 1)
                )
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return commits


def _knowledge(units: dict, cfg: DemoConfig) -> dict[str, str]:
    """The knowledge base of the units that answer questions (热线知识库, ``site_src/knowledge/<unit>/``): for each
    topic led by one county department, an entry on the question its 咨询 orders ask, answered as the demo's
    replies answer it. The oldest entry is past its ``valid_until`` (the site flags it 已过期)."""
    files: dict[str, str] = {}
    topics = [
        t
        for t in material()["topics"]
        if len(t["lead"]) == 1 and t["lead"][0] in units and any(x.startswith("咨询") for x in t["titles"])
    ]
    for i, t in enumerate(topics):
        unit = t["lead"][0]
        case = next(k for k, x in enumerate(t["titles"]) if x.startswith("咨询"))
        stale = i == 0
        updated = cfg.start - timedelta(days=400 if stale else 20 + i)
        until = cfg.start - timedelta(days=1) if stale else date(cfg.end.year + 1, 12, 31)
        meta = {
            "title": t["titles"][case].removeprefix("咨询"),
            "unit": unit,
            "category": t["key"],
            "keywords": list(t["tags"]),
            "source": f"{units[unit]['name']}（演示）",
            "updated": updated,
            "valid_until": until,
            "sample": True,
        }
        body = t["replies"][case] + "\n\n" + t["duty"] + "\n"
        head = "".join(f"{k}: {_yaml_value(v)}\n" for k, v in meta.items())
        files[f"site_src/knowledge/{unit}/{t['key']}.md"] = f"---\n{head}---\n\n{body}"
    return files


def _yaml_value(v: object) -> str:
    return "[" + ", ".join(scalar(x) for x in v) + "]" if isinstance(v, list) else scalar(v)


def _readme(cfg: DemoConfig) -> str:
    return (
        "# 泽州县12345政务服务热线 演示记录仓库\n\n"
        f"由 `hotline demo --months {cfg.months} --orders-per-month {cfg.orders_per_month} --seed {cfg.seed} --end {cfg.end}` 生成。\n"
        "全部工单、人员和单位机构信息都是虚构的演示数据（工单中标有 `sample: true`）。\n\n"
        f"数据截至 {cfg.snapshot:%Y-%m-%d %H:%M}；之后仍在办理的工单，按当前时间计算是否逾期。\n"
        "每个事件由记录它的工作人员提交：派单、审核、回访由县热线办的账号提交，接收、答复等由各单位的承办人提交。\n\n"
        "```sh\nhotline check          # 检查记录，包括 Git 历史（补录过晚、改写已入库的事件）\n"
        "hotline status         # 每个派单的期限和状态\nhotline log 工单编号     # 一件工单的时间线\n```\n"
    )


def _stream(commits: list[Commit]) -> Iterator[bytes]:
    """The ``git fast-import`` stream: one commit per entry on ``refs/heads/main``."""
    for c in commits:
        ts = int(c.when.replace(tzinfo=BEIJING).timestamp())
        who = f"{c.author.name} <{c.author.account}@{EMAIL_DOMAIN}> {ts} +0800\n".encode()
        msg = c.message.encode() + b"\n"
        parts = [b"commit refs/heads/main\n", b"author ", who, b"committer ", who, b"data %d\n" % len(msg), msg]
        for path, text in c.files.items():
            data = str(text).encode()
            parts += [b"M 100644 inline ", path.encode(), b"\ndata %d\n" % len(data), data, b"\n"]
        yield b"".join(parts)


def _demo_rules(text: str) -> str:
    """The real rules, except that the demo's whole history is audited (no ``audit_from`` cut-over)."""
    return re.sub(r"(?m)^(\s*audit_from:).*$", r"\1                # 演示仓库：全部历史都核对入库时间", text)
