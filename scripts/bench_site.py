"""Benchmark of ``hotline site build`` (网站构建基准): time and output size for N orders over M months.

    /work/venv/bin/python scripts/bench_site.py --orders 2400 --months 3
    /work/venv/bin/python scripts/bench_site.py --orders 100000 --months 24

Writes a synthetic records repository (the real rules and units of this checkout; orders generated with
a fixed seed: lifecycles with late replies, redos, returns, extensions, callbacks) into a temporary
folder, runs the site build once and prints the phases' times and the size of the output. With
``--repo DIR`` it builds an existing records repository instead (e.g. one made by ``hotline demo``).
Targets (issue 5): 2,400 orders in < 60 s; 100,000 orders in < 5 min with < 500 MB of output.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "src"))

from hotline.workdays import WorkCalendar, end_of  # noqa: E402 (after the sys.path line above)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
PLACES = [
    "幸福小区",
    "阳光花园",
    "南关村",
    "北街社区",
    "西山村",
    "东方苑",
    "金山路",
    "府城村",
    "建设路",
    "红星小区",
    "枫林苑",
    "文昌街",
]
# (category, title template, content template, tags, departments that may be 主办 or 会办, month weights)
TOPICS = [
    (
        "投诉",
        "{place}供暖温度不达标",
        "诉求人反映{town}{place}自供暖以来室内温度长期低于18摄氏度，多次联系供热公司未果。",
        ["供暖"],
        ["zhujian"],
        (0.2, 1.0, 3.0),
    ),
    (
        "投诉",
        "{place}夜间施工噪音扰民",
        "诉求人反映{town}{place}附近工地夜间22点后仍在施工，噪音严重影响休息。",
        ["噪音", "施工"],
        ["shengtai", "zhujian"],
        (1.5, 1.0, 0.6),
    ),
    (
        "求助",
        "{place}频繁停电",
        "诉求人反映{town}{place}近一周内多次停电，影响正常生活，请求尽快检修线路。",
        ["停电"],
        ["gongdian"],
        (1.0, 1.0, 1.2),
    ),
    (
        "投诉",
        "{place}道路破损坑洼",
        "诉求人反映{town}{place}主干道路面破损，坑洼积水，车辆和行人通行困难。",
        ["道路"],
        ["jiaotong"],
        (1.2, 1.0, 0.8),
    ),
    (
        "咨询",
        "咨询城乡居民医保缴费事宜",
        "诉求人咨询{town}城乡居民医疗保险缴费时间、标准及线上缴费方式。",
        ["医保"],
        ["yibao"],
        (0.6, 1.6, 1.0),
    ),
    (
        "咨询",
        "咨询养老保险待遇领取资格认证",
        "诉求人咨询养老保险待遇领取资格认证的办理渠道和所需材料。",
        ["社保"],
        ["renshe"],
        (1.0, 1.0, 1.0),
    ),
    (
        "求助",
        "{place}自来水水压不足",
        "诉求人反映{town}{place}自来水水压过低，高层住户无法正常用水。",
        ["供水"],
        ["shuiwu"],
        (1.0, 0.8, 0.8),
    ),
    (
        "建议",
        "建议{town}增设公交站点",
        "诉求人建议在{town}{place}附近增设公交站点，方便群众出行。",
        ["公交"],
        ["jiaotong"],
        (0.8, 0.8, 0.8),
    ),
    (
        "投诉",
        "{place}商户占道经营",
        "诉求人反映{town}{place}商户长期占道经营，影响交通和市容。",
        ["占道经营"],
        ["zhujian", "shijian"],
        (1.0, 1.0, 0.7),
    ),
    (
        "举报",
        "举报{place}非法倾倒建筑垃圾",
        "诉求人举报{town}{place}附近有车辆夜间非法倾倒建筑垃圾。",
        ["建筑垃圾"],
        ["shengtai", "zhujian"],
        (0.6, 0.8, 0.6),
    ),
    (
        "咨询",
        "咨询义务教育入学政策",
        "诉求人咨询{town}义务教育阶段入学划片及所需材料。",
        ["入学"],
        ["jiaoyu"],
        (2.0, 0.5, 0.3),
    ),
    (
        "投诉",
        "{place}物业服务不到位",
        "诉求人反映{town}{place}物业公司服务不到位，楼道卫生无人清扫，电梯经常故障。",
        ["物业"],
        ["zhujian"],
        (1.0, 1.0, 1.0),
    ),
    (
        "求助",
        "{place}农田灌溉用水困难",
        "诉求人反映{town}{place}农田灌溉渠道堵塞，请求协调疏通。",
        ["灌溉"],
        ["nongye", "shuiwu"],
        (1.0, 0.6, 0.3),
    ),
    (
        "投诉",
        "{place}超市销售过期食品",
        "诉求人反映在{town}{place}一超市购买到过期食品，要求查处。",
        ["食品安全"],
        ["shijian"],
        (0.8, 1.0, 1.0),
    ),
    (
        "咨询",
        "咨询不动产登记办理流程",
        "诉求人咨询不动产转移登记需要的材料和办理时限。",
        ["不动产登记"],
        ["ziranziyuan", "shenpi"],
        (1.0, 1.0, 1.0),
    ),
    (
        "求助",
        "{place}拖欠农民工工资",
        "诉求人反映在{town}{place}某工地务工，工资被拖欠三个月，请求帮助追讨。",
        ["欠薪"],
        ["renshe"],
        (0.5, 1.0, 2.0),
    ),
]


def make_records(root: Path, orders: int, months: list[tuple[int, int]], seed: int = 12345) -> datetime:
    """A records repository at ``root`` with ``orders`` synthetic orders; returns a sensible as-of time."""
    rnd = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(HERE / "units", root / "units", dirs_exist_ok=True)
    (root / "scoring").mkdir(exist_ok=True)
    shutil.copy(HERE / "scoring" / "rules.yaml", root / "scoring" / "rules.yaml")
    import yaml

    rules = yaml.safe_load((root / "scoring" / "rules.yaml").read_text(encoding="utf-8"))
    limits = rules["deadlines"]["limits"]
    units = {}
    for p in sorted((root / "units").glob("*.yaml")):
        u = yaml.safe_load(p.read_text(encoding="utf-8"))
        units[u["id"]] = u
    towns = [u for u in units.values() if u["type"] == "乡镇"]
    cal = WorkCalendar()
    last_y, last_m = months[-1]
    month_end = date(last_y + (last_m == 12), last_m % 12 + 1, 1)
    as_of = datetime.combine(month_end + timedelta(days=4), datetime.min.time()).replace(hour=18)
    per_month = [orders // len(months) + (1 if i < orders % len(months) else 0) for i in range(len(months))]
    seq = 0
    for mi, ((y, m), n) in enumerate(zip(months, per_month)):
        start = date(y, m, 1)
        days = (date(y + (m == 12), m % 12 + 1, 1) - start).days
        weights = [t[5][min(mi * 3 // max(len(months), 1), 2)] for t in TOPICS]
        out = root / "orders" / f"{y:04d}" / f"{m:02d}"
        out.mkdir(parents=True, exist_ok=True)
        for _ in range(n):
            seq += 1
            topic = rnd.choices(TOPICS, weights)[0]
            town = rnd.choice(towns)
            place = rnd.choice(PLACES)
            day = start + timedelta(days=rnd.randrange(days))
            received = datetime.combine(day, datetime.min.time()) + timedelta(minutes=rnd.randrange(7 * 60, 21 * 60))
            oid = f"ZZ{received:%Y%m%d}{seq:06d}"
            cat = topic[0]
            title = topic[1].format(place=place, town=town["name"])
            content = topic[2].format(place=place, town=town["name"])
            lead = town["id"] if rnd.random() < 0.5 else rnd.choice(topic[4])
            helpers = [u for u in [town["id"], *topic[4]] if u != lead]
            events = []
            t = received + timedelta(minutes=rnd.randrange(5, 90))
            dispatches = [(lead, "主办")] + ([(rnd.choice(helpers), "会办")] if helpers and rnd.random() < 0.2 else [])
            for unit, role in dispatches:
                events.append((t, f"{{at: {t:%Y-%m-%d %H:%M}, type: 派单, unit: {unit}, role: {role}, by: 县热线办}}"))
            replies = []
            for unit, role in dispatches:
                handler = rnd.choice(SURNAMES) + rnd.choice("丽伟芳军敏静强磊洋艳")
                due = cal.due(t, limits[cat]).day
                a = (
                    t + timedelta(minutes=rnd.randrange(20, 240))
                    if rnd.random() < 0.9
                    else t + timedelta(days=1, hours=2)
                )
                if a > as_of:
                    continue
                events.append(
                    (a, f"{{at: {a:%Y-%m-%d %H:%M}, type: 接收, unit: {unit}, by: {handler}, office: 综合办公室}}")
                )
                r = rnd.random()
                if role == "主办" and r < 0.03:
                    rq = a + timedelta(hours=2)
                    events.append(
                        (
                            rq,
                            f"{{at: {rq:%Y-%m-%d %H:%M}, type: 退回申请, unit: {unit}, by: {handler}, reason: 不属于本单位职责, basis: 三定方案}}",
                        )
                    )
                    rv = rq + timedelta(hours=3)
                    events.append(
                        (
                            rv,
                            f"{{at: {rv:%Y-%m-%d %H:%M}, type: 退回审核, unit: {unit}, by: 县热线办, approved: {str(rnd.random() < 0.6).lower()}}}",
                        )
                    )
                    continue
                c = a + timedelta(minutes=rnd.randrange(10, 300))
                if rnd.random() < 0.95:
                    events.append(
                        (
                            c,
                            f"{{at: {c:%Y-%m-%d %H:%M}, type: 联系, unit: {unit}, by: {handler}, note: 已电话联系诉求人}}",
                        )
                    )
                if rnd.random() < 0.04 and cat not in ("咨询", "建议"):
                    x = c + timedelta(hours=1)
                    events.append(
                        (
                            x,
                            f"{{at: {x:%Y-%m-%d %H:%M}, type: 延期申请, unit: {unit}, by: {handler}, days: 2, reason: 需协调多部门, basis: 现场勘查记录}}",
                        )
                    )
                    events.append(
                        (
                            x + timedelta(hours=2),
                            f"{{at: {x + timedelta(hours=2):%Y-%m-%d %H:%M}, type: 延期审核, unit: {unit}, by: 县热线办, approved: true}}",
                        )
                    )
                    due = cal.add_workdays(due, 2).day
                # reply: mostly on time, some late, some not yet
                slack = (end_of(due) - c).total_seconds()
                if rnd.random() < 0.08:
                    rp = end_of(due) + timedelta(hours=rnd.randrange(10, 100))
                else:
                    rp = c + timedelta(seconds=rnd.random() * max(slack - 3600, 600))
                if rp > as_of:
                    continue
                events.append(
                    (
                        rp,
                        f"{{at: {rp:%Y-%m-%d %H:%M}, type: 答复, unit: {unit}, by: {handler}, text: 已核实情况并协调处理，已向诉求人反馈。}}",
                    )
                )
                replies.append((rp, unit, handler))
            if replies and len(replies) == len([1 for e in events if "派单" in e[1]]) and rnd.random() < 0.9:
                cb = max(r[0] for r in replies) + timedelta(hours=rnd.randrange(4, 48))
                if cb <= as_of:
                    res = rnd.choices(["满意", "基本满意", "不满意"], [70, 20, 10])[0]
                    events.append((cb, f"{{at: {cb:%Y-%m-%d %H:%M}, type: 回访, result: {res}, by: 县热线办}}"))
                    if res == "不满意" and rnd.random() < 0.6:
                        rd = cb + timedelta(hours=2)
                        _, unit, handler = replies[0]
                        if rd <= as_of:
                            events.append((rd, f"{{at: {rd:%Y-%m-%d %H:%M}, type: 重办, unit: {unit}, by: 县热线办}}"))
                            rr = rd + timedelta(days=rnd.randrange(1, 6))
                            if rr <= as_of:
                                events.append(
                                    (
                                        rr,
                                        f"{{at: {rr:%Y-%m-%d %H:%M}, type: 答复, unit: {unit}, by: {handler}, text: 重新核实并办理完毕，已向诉求人说明。}}",
                                    )
                                )
            events.sort(key=lambda e: e[0])
            sur = rnd.choice(SURNAMES)
            phone = f"1{rnd.choice('3589')}{rnd.randrange(10)}****{rnd.randrange(10000):04d}"
            body = [
                f"id: {oid}",
                f"title: {title}",
                f"category: {cat}",
                f"received_at: {received:%Y-%m-%d %H:%M}",
                "sample: true",
                "citizen:",
                f"  name: {sur}**",
                f"  phone: '{phone}'",
                f"address: {town['name']}{place}{rnd.randrange(1, 20)}号",
                "content: |",
                f"  {content}",
                f"tags: [{', '.join(topic[3])}]",
                "events:",
            ] + [f"  - {e[1]}" for e in events]
            (out / f"{oid}.yaml").write_text("\n".join(body) + "\n", encoding="utf-8")
    return as_of


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=2400)
    ap.add_argument("--months", type=int, default=3)
    ap.add_argument("--repo", type=Path, default=None, help="build this records repository instead of generating one")
    ap.add_argument("--as-of", default=None)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()

    from hotline.site.build import build_site
    from hotline.times import parse_time

    tmp = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    try:
        if args.repo:
            root, as_of = args.repo, parse_time(args.as_of) if args.as_of else None
        else:
            root = tmp / "records"
            months, y, m = [], 2026, 12 - args.months + 1
            while m < 1:
                y, m = y - 1, m + 12
            for _ in range(args.months):
                months.append((y, m))
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
            t0 = time.perf_counter()
            as_of = make_records(root, args.orders, months)
            print(f"generated {args.orders} orders over {args.months} months in {time.perf_counter() - t0:.1f} s")
            if args.as_of:
                as_of = parse_time(args.as_of)
        out = tmp / "site"
        t0 = time.perf_counter()
        result = build_site(
            root, out=out, as_of=as_of, progress=lambda msg: print(f"  {time.perf_counter() - t0:6.1f} s  {msg}")
        )
        total = time.perf_counter() - t0
        files = sum(1 for f in out.rglob("*") if f.is_file())
        print(
            f"site build: {total:.1f} s; output {_size(out) / 1e6:.1f} MB in {files} files; "
            f"{result.pages} generated pages; build folder {_size(result.docs_dir) / 1e6:.1f} MB"
        )
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
