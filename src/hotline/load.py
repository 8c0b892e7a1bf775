"""The pipeline (加载与检查): files → records → findings, used by every command.

``load(root)`` reads the context (``records.context``: rules, calendar, units, assessment events), then
every order file (``load_order``: YAML, schema, location, personal data) and its lifecycle findings, then
the cross-file checks. ``run_check(root, as_of)`` is ``hotline check``: the same, with each order file's
findings cached per file content (``util.filecache``, kept outside the records by ``util.cache``) so that a run where nothing changed reads no YAML,
forked workers for many cold files, and then the repository checks listed in ``checks.suite``.
Nothing stops the run early: every file's problems become findings and every other file is still read.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from hotline.checks.office_rules import ORDER_CHECKS
from hotline.checks.orders import (
    OrderRefs,
    duplicate_ids,
    events_in_future,
    order_location,
    personal_data,
    provisional_dates,
    refs_of,
    unknown_units,
)
from hotline.checks.suite import REPOSITORY_CHECKS, RepositoryCheck
from hotline.findings import Finding, sort_key
from hotline.lifecycle.derive import derive
from hotline.lifecycle.state import OrderState
from hotline.records import paths
from hotline.records.context import Context, load_context
from hotline.records.models import Order, Unit
from hotline.records.partial import Partial, partial_order
from hotline.records.rules import Rules
from hotline.records.validate import to_model
from hotline.records.yaml_reader import Document, read
from hotline.util import cache as cache_store
from hotline.util.filecache import FileCache, stat_key
from hotline.workdays import WorkCalendar

__all__ = ["Context", "OrderFile", "Repository", "load", "load_context", "load_order", "run_check"]

CACHE_NAME = "check"
CachedFile = tuple[tuple[Finding, ...], OrderRefs]


@dataclass
class OrderFile:
    """One order file: the model (None if it could not be read) and its own findings."""

    path: str
    order: Order | None
    findings: list[Finding]
    refs: OrderRefs
    partial: Partial | None = None  # when only some events are invalid: the rest, for the lifecycle findings


@dataclass
class Repository:
    context: Context
    orders: list[Order]
    findings: list[Finding] = field(default_factory=list)

    @property
    def rules(self) -> Rules:
        assert self.context.rules is not None
        return self.context.rules

    @property
    def calendar(self) -> WorkCalendar:
        return self.context.calendar

    @property
    def units(self) -> dict[str, Unit]:
        return self.context.units

    def states(self, as_of: datetime) -> list[OrderState]:
        return [derive(o, self.rules, self.calendar, as_of) for o in self.orders]


def load_order(path: str, rel: str) -> tuple[OrderFile, Document]:
    """Read one order file (``path`` on disk, ``rel`` to the root): YAML, schema, location, personal data."""
    doc = read(path, rel)
    findings = list(doc.findings)
    if doc.text:
        findings += personal_data(rel, doc.text, _raw_id(doc))
    order = partial = None
    if doc.data is not None:  # a duplicate key does not hide the file's other problems
        order, errs = to_model(doc, Order)
        findings += errs
        if order is None:
            partial = partial_order(doc, errs)
    if order is not None:
        order.locate(rel, doc.line_of(("id",)))
        for i, ev in enumerate(order.events):
            ev.locate(rel, doc.line_of(("events", i)))
        findings += order_location(order)
        refs = refs_of(order)
    else:
        refs = OrderRefs(rel, _raw_id(doc), doc.line_of(("id",)), ())
    return OrderFile(rel, order, findings, refs, partial), doc


def _raw_id(doc: Document) -> str | None:
    if isinstance(doc.data, dict) and isinstance(doc.data.get("id"), (str, int)):
        return str(doc.data["id"])
    return None


def order_findings(order: Order, ctx: Context) -> list[Finding]:
    """Lifecycle and calendar findings of a readable order (needs rules and calendar)."""
    if ctx.rules is None:
        return []
    state = derive(order, ctx.rules, ctx.calendar)
    return state.findings + provisional_dates(state, ctx.calendar) + [f for c in ORDER_CHECKS for f in c(order, state, ctx)]


def file_findings(of: OrderFile, ctx: Context) -> list[Finding]:
    """Lifecycle findings of a readable order, or of the valid part of one with invalid events."""
    if of.order is not None:
        return order_findings(of.order, ctx)
    if of.partial is not None:
        return of.partial.keep(order_findings(of.partial.order, ctx))
    return []


def cross_file(refs: list[OrderRefs], ctx: Context) -> list[Finding]:
    return duplicate_ids(refs) + unknown_units(refs, ctx.units)


def load(root: Path | str) -> Repository:
    """Everything: context, every order, and all findings (sorted by file and line)."""
    ctx = load_context(root)
    orders: list[Order] = []
    findings = list(ctx.findings)
    refs: list[OrderRefs] = []
    for path, rel in paths.order_files(ctx.root):
        of, _ = load_order(path, rel)
        findings += of.findings
        refs.append(of.refs)
        findings += file_findings(of, ctx)
        if of.order is not None:
            orders.append(of.order)
    findings += cross_file(refs, ctx)
    findings.sort(key=sort_key)
    return Repository(ctx, orders, findings)


PARALLEL_MIN = 2000  # below this many files to read, a process pool costs more than it saves
_worker_ctx: Context | None = None


def _check_file(ctx: Context, p: tuple[str, str]) -> tuple[tuple[Finding, ...], OrderRefs]:
    of, _ = load_order(*p)
    return tuple(of.findings + file_findings(of, ctx)), of.refs


def _check_chunk(files: list[tuple[str, str]]) -> list[tuple[tuple[Finding, ...], OrderRefs]]:
    assert _worker_ctx is not None
    return [_check_file(_worker_ctx, p) for p in files]


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _read_all(ctx: Context, files: list[tuple[str, str]], jobs: int) -> list[tuple[tuple[Finding, ...], OrderRefs]]:
    """Check the files that missed the cache: in a pool of forked workers when there are many."""
    if jobs <= 1 or len(files) < PARALLEL_MIN or "fork" not in multiprocessing.get_all_start_methods():
        return [_check_file(ctx, p) for p in files]
    global _worker_ctx
    _worker_ctx = ctx  # inherited by the forked workers; nothing large is pickled
    size = max(64, min(1000, len(files) // (jobs * 8)))
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return [r for chunk in pool.imap(_check_chunk, chunks) for r in chunk]
    finally:
        _worker_ctx = None


def check_orders(ctx: Context, *, use_cache: bool = True, jobs: int | None = None) -> tuple[list[Finding], list[OrderRefs]]:
    cache: FileCache[CachedFile] | None = (
        FileCache(ctx.root, CACHE_NAME, ctx.fingerprint, CachedFile) if use_cache and cache_store.enabled() else None
    )
    entries: list[tuple[str, tuple[int, int, int], CachedFile | None]] = []
    misses: list[tuple[str, str]] = []
    for path, rel in paths.order_files(ctx.root):
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
        findings.extend(hit[0])
        refs.append(hit[1])
    if cache:
        cache.save()  # best effort: a read-only cache folder still gets its findings
    return findings, refs


def run_check(
    root: Path | str, as_of: datetime, *, use_cache: bool = True, extra: bool = True, jobs: int | None = None,
    skip: Collection[RepositoryCheck] = (),
) -> list[Finding]:
    """Every finding; ``use_cache=False`` reads and writes no cache at all (nor does the history reader)."""
    if not use_cache:
        with cache_store.disabled():
            return run_check(root, as_of, extra=extra, jobs=jobs, skip=skip)
    ctx = load_context(root)
    findings = list(ctx.findings)
    order_found, refs = check_orders(ctx, jobs=jobs)
    findings += order_found
    findings += cross_file(refs, ctx)
    findings += events_in_future(refs, as_of)
    if extra:
        for check in REPOSITORY_CHECKS:
            if check not in skip:
                findings += check(ctx.root, ctx, as_of)
    findings.sort(key=sort_key)
    return findings
