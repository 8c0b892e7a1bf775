#!/usr/bin/env python3
"""Benchmark ``hotline check`` on N generated orders: cold and warm, against plain libyaml parsing.

    .venv/bin/python scripts/bench_check.py --orders 100000

Generates N spec-conformant orders (with the real rules and units) in a temporary folder, then runs, each
in a fresh process and in this order:
  1. parse   — read every order file and parse it with PyYAML's C loader (libyaml), nothing else;
  2. cold    — ``hotline check`` with no cache;
  3. warm    — ``hotline check`` again, nothing changed;
  4. touched — ``hotline check`` after rewriting one file (it must be re-checked).
Reports wall times, the cold/parse ratio (target ≤ 1.5) and each process's peak memory (target < 2 GiB).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from hotline.workdays import WorkCalendar  # noqa: E402 (after the sys.path line above)

UNITS = sorted(p.stem for p in (REPO / "units").glob("*.yaml") if p.stem != "rexian")
CATEGORIES = [("咨询", 3), ("建议", 3), ("求助", 7), ("投诉", 10), ("举报", 10)]
TOPICS = [
    "供暖温度不达标",
    "道路破损",
    "噪音扰民",
    "欠薪",
    "物业服务",
    "垃圾清运",
    "停车收费",
    "供水压力不足",
    "违建",
    "医保报销",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"

PARSE = """
import sys, time, yaml
from pathlib import Path
files = sorted(Path(sys.argv[1], "orders").rglob("*.yaml"))
for p in files:
    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)
"""


def order_text(i: int, rng: random.Random, cal: WorkCalendar, start: datetime) -> tuple[str, str]:
    received = start + timedelta(minutes=rng.randrange(0, 365 * 24 * 60 - 60 * 24 * 30))
    category, limit = rng.choice(CATEGORIES)
    oid = f"BM{received:%Y%m%d}{i:06d}"
    units = [rng.choice(UNITS)] + ([rng.choice(UNITS)] if rng.random() < 0.15 else [])
    units = list(dict.fromkeys(units))
    t = received + timedelta(minutes=rng.randrange(5, 90))
    lines = []
    for k, u in enumerate(units):
        lines.append(
            f"  - {{at: {t:%Y-%m-%d %H:%M}, type: 派单, unit: {u}, role: {'主办' if k == 0 else '会办'}, by: 县热线办}}"
        )
    for u in units:
        t += timedelta(minutes=rng.randrange(10, 300))
        lines.append(f"  - {{at: {t:%Y-%m-%d %H:%M}, type: 接收, unit: {u}, by: 承办人{u[:2]}, office: 办公室}}")
        t += timedelta(minutes=rng.randrange(10, 120))
        lines.append(f"  - {{at: {t:%Y-%m-%d %H:%M}, type: 联系, unit: {u}, by: 承办人{u[:2]}}}")
    due = cal.due(received, limit).day
    for u in units:
        reply = (
            datetime.combine(due, datetime.min.time())
            - timedelta(days=rng.randrange(0, 4))
            + timedelta(hours=rng.randrange(9, 17))
        )
        t = max(t + timedelta(minutes=5), reply)
        lines.append(
            f"  - {{at: {t:%Y-%m-%d %H:%M}, type: 答复, unit: {u}, by: 承办人{u[:2]}, text: 已按规定办理并答复诉求人。}}"
        )
    t += timedelta(days=1)
    lines.append(
        f"  - {{at: {t:%Y-%m-%d %H:%M}, type: 回访, result: {rng.choice(['满意', '满意', '基本满意', '不满意'])}, by: 县热线办}}"
    )
    topic = rng.choice(TOPICS)
    text = (
        f"""# 基准测试用的生成数据
id: {oid}
title: 某地{topic}
category: {category}
received_at: {received:%Y-%m-%d %H:%M}
citizen: {{name: {rng.choice(SURNAMES)}**, phone: 1{rng.randrange(30, 99)}****{rng.randrange(0, 9999):04d}}}
address: 泽州县某镇某村
content: |
  诉求人反映{topic}问题，已持续一段时间，希望有关部门尽快处理。
  诉求人表示此前曾多次反映，问题仍未解决。
tags: [{topic[:2]}]
events:
"""
        + "\n".join(lines)
        + "\n"
    )
    return f"orders/{received:%Y}/{received:%m}/{oid}.yaml", text


def generate(root: Path, n: int, seed: int) -> None:
    shutil.copytree(REPO / "units", root / "units")
    (root / "scoring").mkdir()
    shutil.copy(REPO / "scoring" / "rules.yaml", root / "scoring" / "rules.yaml")
    rng = random.Random(seed)
    cal = WorkCalendar()
    past = time.time() - 3600
    for i in range(n):
        rel, text = order_text(i, rng, cal, datetime(2026, 1, 1, 8, 0))
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        os.utime(p, (past, past))  # as after a checkout: not modified in the last moments


def run(cmd: list[str]) -> tuple[float, float, int]:
    """(seconds, peak resident MiB, exit code) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    root = tmp / "records"
    root.mkdir()
    t0 = time.perf_counter()
    generate(root, args.orders, args.seed)
    print(f"generated {args.orders} orders in {time.perf_counter() - t0:.1f} s under {root}")
    env_py = sys.executable
    check = [env_py, "-m", "hotline", "check", "--root", str(root), "--as-of", "2027-03-01 12:00"]
    os.environ["PYTHONPATH"] = str(REPO / "src")
    results = {}
    results["parse"] = run([env_py, "-c", PARSE, str(root)])
    results["cold"] = run(check)
    results["warm"] = run(check)
    one = next((root / "orders").rglob("*.yaml"))
    one.write_text(one.read_text(encoding="utf-8").replace("已按规定办理", "已按规定认真办理", 1), encoding="utf-8")
    os.utime(one, (time.time() - 10, time.time() - 10))
    results["touched"] = run(check)
    for name, (secs, mib, code) in results.items():
        print(f"{name:8s} {secs:8.2f} s   peak {mib:7.0f} MiB   exit {code}")
    parse, cold, warm = results["parse"][0], results["cold"][0], results["warm"][0]
    print(f"cold / parse = {cold / parse:.2f}  (target ≤ 1.5)")
    print(f"warm = {warm:.2f} s  (target < 3 s)")
    print(f"peak memory = {max(r[1] for r in results.values()):.0f} MiB  (target < 2048 MiB)")
    if not args.keep:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
