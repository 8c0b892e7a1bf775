"""Benchmark: write every register workbook (登记表 .xlsx) of a demo repository, as the site build does.

The registers come from the same path as ``hotline site build`` (``load`` → ``publication.compute``);
timed is ``register_xlsx.to_bytes`` over all of them, best of ``--repeat`` rounds (the first round, with
cold caches, shown too). openpyxl's write-only mode took ~13 ms per workbook here, XlsxWriter ~4.5 ms.

    hotline demo --out /tmp/demo --months 2 --orders-per-month 800
    PYTHONPATH=src .venv/bin/python scripts/bench_xlsx.py /tmp/demo [--repeat 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time
from pathlib import Path

from hotline.load import load
from hotline.reports.documents import register_xlsx
from hotline.reports.publication import compute
from hotline.times import parse_time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("root", type=Path)
    ap.add_argument("--as-of", default="2026-11-27 18:00")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    model = compute(load(args.root), parse_time(args.as_of))
    regs = list(model.registers.values())
    rows = sum(len(r.rows) for r in regs)
    print(f"{len(regs)} registers, {rows} rows (largest {max(len(r.rows) for r in regs)})")
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(lambda: [register_xlsx.to_bytes(r) for r in regs])
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        return
    rounds = []
    for _ in range(args.repeat):
        start = time.process_time()
        size = sum(len(register_xlsx.to_bytes(r)) for r in regs)
        rounds.append((time.process_time() - start) * 1000 / len(regs))
    print(
        f"to_bytes: {min(rounds):.1f} ms per workbook (CPU, best of {args.repeat}; first round {rounds[0]:.1f}), "
        f"{size / len(regs) / 1024:.1f} KiB each, load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
