"""Benchmark: ``overdue sync`` against a loopback GitHub- or Gitea-like server (requests and time).

Usage: python scripts/bench_overdue_sync.py [--orders 500] [--host github|gitea]

Writes N overdue orders (each dispatched to one unit) into a temporary records repository, then runs
the sync three times: the first run creates N issues, the second changes nothing, the third closes
them all after every order got a reply. Prints wall time, requests and mutating requests per run —
the figures to hold against GitHub's 1,000 requests/hour for the workflow token.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]

from fake_githost import TOKEN, FakeHost  # noqa: E402

from hotline.host.client import open_host  # noqa: E402
from hotline.host.reminder_sync import sync  # noqa: E402
from hotline.load import load  # noqa: E402

UNITS = ["jincun", "zhujian", "jiaoyu", "gongan", "minzheng"]


def write_orders(root: Path, n: int, replied: bool) -> None:
    for i in range(n):
        oid = f"JC202611230{i:05d}"
        unit = UNITS[i % len(UNITS)]
        reply = f"  - {{at: 2026-11-27 15:00, type: 答复, unit: {unit}, by: 王丽, text: 已办理}}\n" if replied else ""
        (root / "orders/2026/11").mkdir(parents=True, exist_ok=True)
        (root / f"orders/2026/11/{oid}.yaml").write_text(
            f"id: {oid}\ntitle: 咨询 {i}\ncategory: 咨询\nreceived_at: 2026-11-23 08:50\ncontent: 咨询内容\nevents:\n"
            f"  - {{at: 2026-11-23 09:00, type: 派单, unit: {unit}, role: 主办, by: 县热线办}}\n{reply}",
            encoding="utf-8",
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=500)
    ap.add_argument("--host", choices=["github", "gitea"], default="github")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "records"
        (root / "scoring").mkdir(parents=True)
        shutil.copy(REPO / "scoring/rules.yaml", root / "scoring/rules.yaml")
        shutil.copytree(REPO / "units", root / "units")
        write_orders(root, args.orders, replied=False)
        fake = FakeHost(flavour=args.host).start()
        try:
            for label, replied in (
                ("first run (create)", False),
                ("second run (no change)", False),
                ("after replies (close)", True),
            ):
                if replied:
                    write_orders(root, args.orders, replied=True)
                repo = load(root)
                before_req, before_mut = len(fake.log), len(fake.mutations())
                t0 = time.perf_counter()
                with open_host(args.host, fake.api_url, fake.repo, TOKEN) as host:
                    result = sync(host, repo, datetime(2026, 11, 30, 9, 0))
                dt = time.perf_counter() - t0
                assert result.error is None, result.error
                print(
                    f"{label:24s} {dt:6.2f} s  requests {len(fake.log) - before_req:5d}  mutating {len(fake.mutations()) - before_mut:5d}  [{result.summary()}]"
                )
        finally:
            fake.stop()


if __name__ == "__main__":
    main()
