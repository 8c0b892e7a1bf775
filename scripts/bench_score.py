"""Benchmark: score a year of orders (default 100,000) once the records are loaded.

Orders are record models generated in memory (a deterministic mix: 44 units, every category, some
co-handled, late, unreplied, returned, extended, redone, without contact) with the repository's own
rules, units and calendar. Timed: ``score_units`` for the year (both profiles separately) and
``compare_profiles`` (derives each order once, scores both). Target: under 5 s.

    PYTHONPATH=src /work/venv/bin/python scripts/bench_score.py [--orders 100000] [--period 2026]
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from datetime import datetime, timedelta
from pathlib import Path

from hotline.load import load_context
from hotline.records.models import Order
from hotline.scoring import ScoringInputs, compare_profiles, score_units

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = ["咨询", "建议", "求助", "投诉", "举报"]


def t(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M")


def generate(n: int, units: list[str], year: int, seed: int = 12345) -> list[Order]:
    rnd = random.Random(seed)
    start = datetime(year, 1, 1)
    orders = []
    for i in range(n):
        at = start + timedelta(minutes=rnd.randrange(365 * 24 * 60 - 60 * 24 * 20))
        lead = rnd.choice(units)
        evs = [{"at": t(at), "type": "派单", "unit": lead, "role": "主办", "by": "县热线办"}]
        handling = [lead]
        if rnd.random() < 0.2:
            co = rnd.choice(units)
            if co != lead:
                evs.append({"at": t(at), "type": "派单", "unit": co, "role": "会办", "by": "县热线办"})
                handling.append(co)
        step = at
        for u in handling:
            step += timedelta(minutes=rnd.randrange(5, 60 * 30))
            evs.append({"at": t(step), "type": "接收", "unit": u, "by": "甲"})
            if u == lead and rnd.random() < 0.02:
                evs.append(
                    {
                        "at": t(step + timedelta(minutes=5)),
                        "type": "退回申请",
                        "unit": u,
                        "by": "甲",
                        "reason": "非本单位",
                        "basis": "三定",
                    }
                )
                evs.append(
                    {
                        "at": t(step + timedelta(hours=2)),
                        "type": "退回审核",
                        "unit": u,
                        "by": "县热线办",
                        "approved": rnd.random() < 0.5,
                    }
                )
                step += timedelta(hours=2)
            if rnd.random() < 0.95:
                step += timedelta(minutes=10)
                evs.append({"at": t(step), "type": "联系", "unit": u, "by": "甲"})
            if rnd.random() < 0.05:
                step += timedelta(hours=1)
                evs.append(
                    {
                        "at": t(step),
                        "type": "延期申请",
                        "unit": u,
                        "by": "甲",
                        "days": 2,
                        "reason": "复杂",
                        "basis": "现场",
                    }
                )
                evs.append(
                    {
                        "at": t(step + timedelta(hours=1)),
                        "type": "延期审核",
                        "unit": u,
                        "by": "县热线办",
                        "approved": True,
                    }
                )
                step += timedelta(hours=1)
            if rnd.random() < 0.97:
                step += timedelta(hours=rnd.randrange(1, 24 * 16))
                evs.append({"at": t(step), "type": "答复", "unit": u, "by": "甲", "text": "已办理"})
        if rnd.random() < 0.9:
            step += timedelta(hours=rnd.randrange(1, 48))
            result = rnd.choices(["满意", "基本满意", "不满意"], [70, 20, 10])[0]
            evs.append({"at": t(step), "type": "回访", "result": result, "by": "县热线办"})
            if result == "不满意" and rnd.random() < 0.5:
                step += timedelta(hours=2)
                evs.append({"at": t(step), "type": "重办", "unit": lead, "by": "县热线办"})
                step += timedelta(hours=rnd.randrange(1, 24 * 8))
                evs.append({"at": t(step), "type": "答复", "unit": lead, "by": "甲", "text": "重办答复"})
        evs.sort(key=lambda e: e["at"])
        o = Order.model_validate(
            {
                "id": f"B{year}{i:07d}",
                "title": "基准",
                "category": rnd.choice(CATEGORIES),
                "received_at": t(at - timedelta(minutes=10)),
                "content": "基准",
                "events": evs,
            }
        )
        o.locate(f"orders/{at:%Y/%m}/{o.id}.yaml", 1)
        orders.append(o)
    return orders


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--period", default="2026")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-freeze", action="store_true", help="leave the loaded records to the cyclic GC")
    args = ap.parse_args()
    ctx = load_context(ROOT)
    assessed = [u.id for u in ctx.units.values() if u.type in ctx.rules.assessment.unit_types]
    t0 = time.perf_counter()
    orders = generate(args.orders, assessed, int(args.period[:4]))
    print(
        f"generated {len(orders):,} orders ({sum(len(o.events) for o in orders):,} events) in {time.perf_counter() - t0:.1f} s"
    )
    inputs = ScoringInputs(ctx.rules, ctx.calendar, ctx.units, orders, ctx.scoring_events)
    as_of = datetime(int(args.period[:4]) + 1, 1, 15, 12, 0)
    if not args.no_freeze:
        gc.freeze()  # as `hotline score` does after loading: the records are long-lived
    for label, fn in (
        ("score_units consistent", lambda: score_units(inputs, args.period, "consistent", as_of=as_of)),
        ("score_units literal", lambda: score_units(inputs, args.period, "literal", as_of=as_of)),
        ("compare_profiles (both)", lambda: compare_profiles(inputs, args.period, as_of=as_of)),
    ):
        wall, cpu = [], []
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            result = fn()
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        print(
            f"{label:26s} wall best {min(wall):.2f} s / worst {max(wall):.2f} s, "
            f"CPU best {min(cpu):.2f} s over {args.repeat} runs"
        )
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])} (2 cores shared)")
    a = result.assessments["consistent"]  # type: ignore[attr-defined]
    print(
        f"units {len(a.units)}, dispatches counted {sum(u.dispatched for u in a.units):,}, "
        f"top {a.units[0].name} {a.units[0].total}, bottom {a.units[-1].name} {a.units[-1].total}"
    )


if __name__ == "__main__":
    main()
