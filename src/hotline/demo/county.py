"""The demo county's units and staff (演示县的单位和人员): the 45 units of the notice with fictional but complete
organisation data — two units leave one item empty, one unit reports a staff change late — and the staff with
Git accounts who record their events. ``demo.repo`` commits them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import yaml

from hotline.demo.simulate import Clock, DemoConfig, Person, material
from hotline.records.writer import flow_mapping, scalar

SOURCE = Path(__file__).resolve().parents[3]  # the project folder (rules, units and schemas shipped with it)


def source_file(rel: str) -> Path:
    p = SOURCE / rel
    if not p.exists():
        raise FileNotFoundError(f"找不到 {rel}：hotline demo 需要随程序源码提供的规则、单位和 schema（{SOURCE}）")
    return p


class Staff:
    """Fictional staff with Git accounts (pinyin of the name, unique)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()
        self.names: set[str] = set()
        m = material()
        self.surnames, self.given = m["surnames"], m["given"]

    def person(self, name: str | None = None, account: str | None = None) -> Person:
        """A staff member: ``name`` with ``account``, or (neither given, or the name taken) a random new one."""
        while name is None or account is None or name in self.names:
            (s, sp), (g, gp) = self.rng.choice(self.surnames), self.rng.choice(self.given)
            name, account = s + g, sp + gp
        self.names.add(name)
        base, n = account, 1
        while account in self.taken:
            n += 1
            account = f"{base}{n}"
        self.taken.add(account)
        return Person(name, account)

    def phone(self) -> str:
        return f"0356-{self.rng.randint(2000000, 8999999)}"


def county_units(rng: random.Random, staff: Staff, clock: Clock, cfg: DemoConfig) -> tuple[dict[str, dict], dict]:
    source = {}
    for p in sorted(source_file("units").glob("*.yaml")):
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        source[data["id"]] = data
    units: dict[str, dict] = {}
    for uid, data in source.items():
        kind = data["type"]
        u = {"id": uid, "name": data["name"], "short_name": data.get("short_name"), "type": kind, "changes": []}
        if kind == "热线管理机构":
            leader = {"name": "张海军", "title": "县政府信息中心主任"}
            people = [staff.person("付永佳", "fuyongjia"), staff.person()]
            boss = staff.person("张海军", "zhanghaijun")
            u.update(
                office="县政府信息中心",
                network="县热线管理机构—承办单位—科室（村）三级办理网络",
                time_limit_rule="泽州县12345政务服务热线工单限时办结和督办制度",
                maintainers=[boss.account] + [p.account for p in people],
            )
            u["office_staff"] = people + [boss]
        else:
            lp = staff.person()
            if kind == "乡镇":
                title = "副乡长" if data["name"].endswith("乡") else "副镇长"
                office, network = "党政综合办公室", f"{data['name']}镇村两级热线联络员网络（各村、社区明确1名联络员）"
            else:
                title = (
                    "副经理"
                    if "公司" in data["name"]
                    else ("副主任" if data["name"].endswith(("中心", "馆")) else "副局长")
                )
                office, network = "办公室", f"{data.get('short_name') or data['name']}机关各股室热线联络员网络"
            leader = {"name": lp.name, "title": title}
            people = [staff.person() for _ in range(rng.choice((1, 1, 2)))]
            u.update(
                office=office,
                network=network,
                time_limit_rule=f"{data['name']}12345热线工单限时办结制度",
                maintainers=[p.account for p in people],
            )
        u["leader"] = leader
        u["handlers"] = [(date.min, p) for p in people[:1]]
        u["handler_list"] = [{"name": p.name, "phone": staff.phone()} for p in people]
        u["accounts"] = {p.name: p for p in people}
        units[uid] = u
    # realism for assessment items 3 and 6: two townships have not filled in everything
    towns = sorted(u for u in units if units[u]["type"] == "乡镇")
    gaps = rng.sample(towns, 2)
    units[gaps[0]]["network"] = None
    units[gaps[1]]["time_limit_rule"] = None
    # staff changes during the period (assessment item 5): four units, the last one reported late
    others = sorted(u for u in units if units[u]["type"] != "热线管理机构")
    changes = {}
    span = (cfg.end - cfg.start).days
    for i, uid in enumerate(rng.sample(others, 4)):
        eff = clock.shift(cfg.start + timedelta(days=rng.randint(min(10, span // 3), max(11, span - 12))), 0)
        if eff > cfg.end:
            continue
        new = staff.person()
        old = units[uid]["handlers"][0][1]
        units[uid]["handlers"].append((eff, new))
        units[uid]["accounts"][new.name] = new
        report = clock.moment(rng, clock.shift(eff, 6 if i == 3 else rng.randint(1, 2)))
        changes[uid] = {
            "effective": eff,
            "note": f"具体承办人员由{old.name}调整为{new.name}",
            "new": new,
            "old": old,
            "report": report,
            "late": i == 3,
        }
    return units, changes


def unit_text(u: dict, change: dict | None = None) -> str:
    lines = [
        "# yaml-language-server: $schema=../schemas/unit.schema.json",
        f"# {u['name']}（演示数据：机构和人员信息为虚构）",
        f"id: {u['id']}",
        f"name: {u['name']}",
    ]
    if u.get("short_name"):
        lines.append(f"short_name: {u['short_name']}")
    handlers = list(u["handler_list"])
    maintainers = list(u["maintainers"])
    changes = []
    if change:
        handlers[0] = {"name": change["new"].name, "phone": handlers[0]["phone"]}
        maintainers = [change["new"].account if a == change["old"].account else a for a in maintainers]
        changes = [{"effective": change["effective"], "note": change["note"]}]
    lines += [
        f"type: {u['type']}",
        "hotline:",
        f"  office: {scalar(u['office'])}",
        f"  leader: {flow_mapping(u['leader'], ('name', 'title'))}",
        "  handlers:",
    ]
    lines += [f"    - {flow_mapping(h, ('name', 'phone'))}" for h in handlers]
    lines += [
        f"  network: {scalar(u['network']) if u['network'] else ''}".rstrip(),
        "  equipment: true",
        f"  time_limit_rule: {scalar(u['time_limit_rule']) if u['time_limit_rule'] else ''}".rstrip(),
    ]
    if changes:
        lines += ["changes:"] + [f"  - {flow_mapping(c, ('effective', 'note'))}" for c in changes]
    else:
        lines.append("changes: []")
    lines.append("maintainers: [" + ", ".join(maintainers) + "]")
    return "\n".join(lines) + "\n"
