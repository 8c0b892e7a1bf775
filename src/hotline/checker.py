"""``hotline check`` as a library call (检查): every finding for a records repository.

The same pipeline as ``loader.load`` — context, each order, cross-file checks — but each order file's
findings are cached per file content (``filecache``), so a run where nothing changed reads no YAML.
Further checks (Git history, permissions) register in ``EXTRA_CHECKS``: each takes the root, the context
and ``as_of`` and returns findings.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from datetime import datetime
from pathlib import Path

from .checks import OrderRefs, events_in_future
from .filecache import FileCache, stat_key
from .findings import Finding, sort_key
from .loader import Context, cross_file, load_context, load_order, order_findings, order_paths

CACHE_FILE = Path(".cache") / "hotline" / "check.pickle"

ExtraCheck = Callable[[Path, Context, datetime], list[Finding]]
EXTRA_CHECKS: list[ExtraCheck] = []


def check_orders(ctx: Context, *, use_cache: bool = True) -> tuple[list[Finding], list[OrderRefs]]:
    cache = FileCache(ctx.root / CACHE_FILE, ctx.fingerprint) if use_cache else None
    findings: list[Finding] = []
    refs: list[OrderRefs] = []
    for p in order_paths(ctx.root):
        rel = p.relative_to(ctx.root).as_posix()
        key = stat_key(os.stat(p))
        hit = cache.get(rel, key) if cache else None
        if hit is None:
            of, _ = load_order(ctx.root, p)
            file_findings = of.findings + (order_findings(of.order, ctx) if of.order else [])
            hit = (tuple(file_findings), of.refs)
            if cache:
                cache.put(rel, key, hit)
        findings.extend(hit[0])
        refs.append(hit[1])
    if cache:
        try:
            cache.save()
        except OSError:
            pass  # a read-only checkout still gets its findings
    return findings, refs


def run_check(root: Path | str, as_of: datetime, *, use_cache: bool = True, extra: bool = True,
              skip: Collection[ExtraCheck] = ()) -> list[Finding]:
    ctx = load_context(root)
    findings = list(ctx.findings)
    order_found, refs = check_orders(ctx, use_cache=use_cache)
    findings += order_found
    findings += cross_file(refs, ctx)
    findings += events_in_future(refs, as_of)
    if extra:
        for check in EXTRA_CHECKS:
            if check not in skip:
                findings += check(ctx.root, ctx, as_of)
    findings.sort(key=sort_key)
    return findings
