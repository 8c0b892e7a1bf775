"""``hotline check`` as a library call (检查): every finding for a records repository.

The same pipeline as ``loader.load`` — context, each order, cross-file checks — but each order file's
findings are cached per file content (``filecache``), so a run where nothing changed reads no YAML.
Further checks live one per module, listed in ``EXTRA_CHECK_MODULES``; importing a module appends its
function to ``EXTRA_CHECKS`` (each takes the root, the context and ``as_of`` and returns findings).
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
from collections.abc import Callable, Collection
from datetime import datetime
from pathlib import Path

from hotline.checks.orders import OrderRefs, events_in_future
from hotline.util.filecache import FileCache, stat_key
from hotline.findings import Finding, sort_key
from hotline.load import Context, cross_file, file_findings, load_context, load_order, order_paths

CACHE_FILE = Path(".cache") / "hotline" / "check.pickle"

ExtraCheck = Callable[[Path, Context, datetime], list[Finding]]
EXTRA_CHECKS: list[ExtraCheck] = []
EXTRA_CHECK_MODULES = (
    "hotline.history.audit",  # Git history: rewritten events, late records, unit changes (审计)
    "hotline.records.codeowners",  # CODEOWNERS files up to date
    "hotline.records.knowledge",  # knowledge-base front matter (知识库)
    "hotline.checks.assessment_events",  # assessment events that cannot count (考核事件)
    "hotline.checks.office_files",  # attachment files and spot-check checklists (附件, 抽查清单)
)


def extra_checks() -> list[ExtraCheck]:
    for name in EXTRA_CHECK_MODULES:
        importlib.import_module(name)
    return EXTRA_CHECKS


PARALLEL_MIN = 2000  # below this many files to read, a process pool costs more than it saves
_worker_ctx: Context | None = None


def _check_file(ctx: Context, p: tuple[str, str]) -> tuple[tuple[Finding, ...], OrderRefs]:
    of, _ = load_order(*p)
    return tuple(of.findings + file_findings(of, ctx)), of.refs


def _check_chunk(paths: list[tuple[str, str]]) -> list[tuple[tuple[Finding, ...], OrderRefs]]:
    assert _worker_ctx is not None
    return [_check_file(_worker_ctx, p) for p in paths]


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _read_all(ctx: Context, paths: list[tuple[str, str]], jobs: int) -> list[tuple[tuple[Finding, ...], OrderRefs]]:
    """Check the files that missed the cache: in a pool of forked workers when there are many."""
    if jobs <= 1 or len(paths) < PARALLEL_MIN or "fork" not in multiprocessing.get_all_start_methods():
        return [_check_file(ctx, p) for p in paths]
    global _worker_ctx
    _worker_ctx = ctx  # inherited by the forked workers; nothing large is pickled
    size = max(64, min(1000, len(paths) // (jobs * 8)))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return [r for chunk in pool.imap(_check_chunk, chunks) for r in chunk]
    finally:
        _worker_ctx = None


def check_orders(ctx: Context, *, use_cache: bool = True, jobs: int | None = None) -> tuple[list[Finding], list[OrderRefs]]:
    cache = FileCache(ctx.root / CACHE_FILE, ctx.fingerprint) if use_cache else None
    entries: list[tuple[str, tuple[int, int, int], object]] = []
    misses: list[tuple[str, str]] = []
    for path, rel in order_paths(ctx.root):
        key = stat_key(os.stat(path))
        hit = cache.get(rel, key) if cache else None
        if hit is None:
            misses.append((path, rel))
        entries.append((rel, key, hit))
    fresh = iter(_read_all(ctx, misses, default_jobs() if jobs is None else jobs))
    findings: list[Finding] = []
    refs: list[OrderRefs] = []
    for rel, key, hit in entries:
        if hit is None:
            hit = next(fresh)
            if cache:
                cache.put(rel, key, hit)
        findings.extend(hit[0])  # type: ignore[index]
        refs.append(hit[1])  # type: ignore[index]
    if cache:
        try:
            cache.save()
        except OSError:
            pass  # a read-only checkout still gets its findings
    return findings, refs


def run_check(
    root: Path | str, as_of: datetime, *, use_cache: bool = True, extra: bool = True, jobs: int | None = None,
    skip: Collection[ExtraCheck] = (),
) -> list[Finding]:
    ctx = load_context(root)
    findings = list(ctx.findings)
    order_found, refs = check_orders(ctx, use_cache=use_cache, jobs=jobs)
    findings += order_found
    findings += cross_file(refs, ctx)
    findings += events_in_future(refs, as_of)
    if extra:
        for check in extra_checks():
            if check not in skip:
                findings += check(ctx.root, ctx, as_of)
    findings.sort(key=sort_key)
    return findings
