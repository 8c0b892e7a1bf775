#!/usr/bin/env python3
"""Benchmark of the history reader (hotline.history) on a generated repository.

Targets (issue 3): on 100,000 orders and at least 100,000 commits, a cold history read within 1.3× the
time of ``git log --name-only --format=…`` over the same history in the same run; an incremental read
after 100 new commits under 2 s; peak memory under 2 GiB.

    python scripts/bench_history.py                      # 100,000 orders (generated once into --repo)
    python scripts/bench_history.py --orders 2400 --months 3 --repo /tmp/bench-small

The repository is made by the demo generator (hotline.demorepo) and kept for later runs. Each timing is
the best of --runs runs, alternating git log and the reader so both see the same machine load. The
reader runs in a child process so that its peak memory (max RSS, with its git children) is its own.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {src!r})
from hotline.history import reader as history
t = time.perf_counter()
h = history.read({root!r}, use_cache={use_cache})
took = time.perf_counter() - t
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{"seconds": took, "cold": h.cold, "commits": len(h.commits), "read": h.commits_read,
                  "files": len(h.paths()), "rewrites": len(h.rewrites),
                  "maxrss_mib": me.ru_maxrss / 1024, "children_maxrss_mib": kids.ru_maxrss / 1024,
                  "cpu": me.ru_utime + me.ru_stime, "children_cpu": kids.ru_utime + kids.ru_stime}}))
"""


def _tree_pss_kib(pid: int) -> int:
    """Proportional set size of a process and its descendants (Linux): shared pages counted once in all."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
            for tid in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (tid / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def reader(root: Path, use_cache: bool) -> dict:
    """Run the reader in a child process; sample the memory of it and its git children meanwhile."""
    code = CHILD.format(src=str(SRC), root=str(root), use_cache=use_cache)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_pss_kib(proc.pid))
        time.sleep(0.2)
    out = proc.stdout.read()
    if proc.returncode:
        raise SystemExit(f"reader failed ({proc.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_pss_mib"] = peak / 1024
    return result


def git_log(root: Path) -> float:
    t = time.perf_counter()
    subprocess.run(
        ["git", "log", "--name-only", "--format=%H%x00%an%x00%ae%x00%ct"],
        cwd=root,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - t


def fmt(runs: list) -> str:
    return ", ".join(f"{(r['seconds'] if isinstance(r, dict) else r):.2f}" for r in runs)


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=120, help="months covered (orders per month = orders / months)")
    ap.add_argument("--repo", type=Path, default=Path("/tmp/hotline-bench-history"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--regenerate", action="store_true")
    args = ap.parse_args()

    from hotline.demo.repo import build
    from hotline.demo.simulate import DemoConfig

    per_month = math.ceil(args.orders / args.months)
    marker = args.repo / ".git" / "bench.json"
    wanted = {"orders_per_month": per_month, "months": args.months}
    if args.regenerate or not marker.exists() or json.loads(marker.read_text()) != wanted:
        shutil.rmtree(args.repo, ignore_errors=True)
        t = time.perf_counter()
        s = build(args.repo, DemoConfig(months=args.months, orders_per_month=per_month, seed=1))
        marker.write_text(json.dumps(wanted))
        print(
            f"generated {args.repo}: {s.orders} orders, {s.events} events, {s.commits} commits "
            f"in {time.perf_counter() - t:.1f} s"
        )
    commits = int(git(args.repo, "rev-list", "--count", "HEAD"))
    orders = sum(1 for _ in (args.repo / "orders").glob("*/*/*.yaml"))
    print(f"repository: {orders} orders, {commits} commits; git {git(args.repo, 'version')}")

    logs, colds = [], []
    for _ in range(args.runs):
        logs.append(git_log(args.repo))
        colds.append(reader(args.repo, use_cache=False))
    best_log = min(logs)
    best_cold = min(colds, key=lambda r: r["seconds"])
    print(f"git log --name-only: best {best_log:.2f} s  (runs: {fmt(logs)})")
    print(
        f"cold history read:   best {best_cold['seconds']:.2f} s  (runs: {fmt(colds)})"
        f"  ratio {best_cold['seconds'] / best_log:.2f}  (target ≤ 1.30)"
    )
    print(
        f"  read {best_cold['commits']} commits, {best_cold['files']} files, {best_cold['rewrites']} rewrites; "
        f"cpu {best_cold['cpu']:.1f} s (+ git {best_cold['children_cpu']:.1f} s); "
        f"peak RSS {best_cold['maxrss_mib']:.0f} MiB (largest git child {best_cold['children_maxrss_mib']:.0f} MiB)"
    )

    # incremental: cache the history 100 commits back, then read the last 100
    head = git(args.repo, "rev-parse", "HEAD")
    branch = git(args.repo, "symbolic-ref", "--short", "HEAD")
    incs = []
    try:
        for _ in range(args.runs):
            git(args.repo, "checkout", "--quiet", "--detach", f"{head}~100")
            reader(args.repo, use_cache=True)
            git(args.repo, "checkout", "--quiet", branch)
            incs.append(reader(args.repo, use_cache=True))
    finally:
        git(args.repo, "checkout", "--quiet", branch)
    best_inc = min(incs, key=lambda r: r["seconds"])
    print(
        f"incremental read of {best_inc['read']} new commits: best {best_inc['seconds']:.2f} s "
        f"(runs: {fmt(incs)}; target < 2 s); peak RSS {best_inc['maxrss_mib']:.0f} MiB"
    )
    peak = max(r["maxrss_mib"] for r in colds + incs)
    pss = max(r["peak_pss_mib"] for r in colds + incs)
    print(
        f"peak memory: reader process {peak:.0f} MiB RSS; reader with its git processes {pss:.0f} MiB PSS "
        f"(sampled every 0.2 s; the packfile git maps is counted once) (target < 2048 MiB)"
    )
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
