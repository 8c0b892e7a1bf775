"""The pipeline (加载与检查): files → records → findings, used by every command.

``load(root)`` reads the context (``records.context``: rules, calendar, units, assessment events), then
every order file (``load_order``: YAML, schema, location, personal data) and its lifecycle findings, then
the cross-file checks. ``run_check(root, as_of)`` is ``hotline check``: the same, then the repository checks
listed in ``checks.suite``. Each order file's findings, references and replayed lifecycle
(``lifecycle.cached``) are cached per file content (``util.filecache``, kept outside the records by
``util.cache``), so that a run where nothing changed reads no YAML; many cold files are read by forked workers.
Nothing stops the run early: every file's problems become findings and every other file is still read.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

import msgspec

from hotline.checks.checked import Checked, OrderRefs
from hotline.checks.orders import order_location, personal_data, refs_of
from hotline.checks.suite import CHECKS, NO_MOMENT, ORDER_CHECKS, ORDER_FILES_ONLY, Check
from hotline.findings import Finding, sort_key
from hotline.lifecycle.cached import OrderFacts, decode_order, facts_of, order_state
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
from hotline.util.filecache import FileCache, Key, file_digest, stat_key
from hotline.util.parallel import can_fork
from hotline.workdays import WorkCalendar

__all__ = ["Context", "OrderFile", "Repository", "load", "load_context", "load_order", "run_check"]

CACHE_NAME = "check"
ORDERS_CACHE = "orders"
CachedFile = tuple[tuple[Finding, ...], OrderRefs]


CachedOrder = tuple[tuple[Finding, ...], OrderRefs, OrderFacts | None]  # what ``load`` needs: one cache entry


class Scanned(msgspec.Struct, array_like=True):
    findings: tuple[Finding, ...]
    refs: OrderRefs
    digest: str
    facts: OrderFacts | None


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(Scanned)


@dataclass
class OrderFile:
    """One order file: the model (None if it could not be read) and its own findings."""

    path: str
    order: Order | None
    findings: list[Finding]
    refs: OrderRefs
    partial: Partial | None = None  # when only some events are invalid: the rest, for the lifecycle findings


class Repository:
    """The records as read: the context, every readable order, and every finding.

    Orders are rebuilt from the cache only when asked for (``orders``); ``states(as_of)`` settles the
    cached replay of each order as of ``as_of``, and replays afresh only an order with events after it."""

    def __init__(
        self,
        context: Context,
        orders: list[Order] | None = None,
        findings: list[Finding] | None = None,
        facts: list[OrderFacts] | None = None,
        scan: Scan | None = None,
    ) -> None:
        self.context = context
        self._findings = findings if findings is not None or scan is not None else []
        self._scan = scan  # what ``findings`` is worked out from, when first asked for
        self._facts = facts
        self._orders = orders
        self._order_at: dict[int, Order] = {}
        self._digests: dict[str, str] = {}

    @property
    def findings(self) -> list[Finding]:
        """Every finding, sorted by file and line (with the cross-file checks: only when asked for)."""
        if self._findings is None:
            assert self._scan is not None
            scan, ctx = self._scan, self.context
            self._findings = list(ctx.findings) + scan.findings + run_checks(NO_MOMENT, Checked(ctx, scan.refs))
            self._findings.sort(key=sort_key)
            self._scan = None
        return self._findings

    @property
    def orders(self) -> list[Order]:
        if self._orders is None:
            assert self._facts is not None
            with _no_gc():
                self._orders = [self._order(i) for i in range(len(self._facts))]
            for f in self._facts:
                f.order = b""  # decoded once and for all: the encoded copy is no longer needed
            self._order_at = {}
        return self._orders

    def orders_during(self, start: datetime | None, end: datetime) -> list[Order]:
        """The orders (in file order) whose time span — from the earliest to the latest of the receipt and the
        events — meets [``start``, ``end``) (``start`` None: begins before ``end``); every order when not read
        through the cache. A superset for a caller that selects by event time: only these are decoded."""
        if self._facts is None or self._orders is not None:
            return self.orders
        with _no_gc():
            return [
                self._order(i)
                for i, f in enumerate(self._facts)
                if f.first_at < end and (start is None or f.last_at >= start)
            ]

    def _order(self, i: int) -> Order:
        if self._orders is not None:
            return self._orders[i]
        if i not in self._order_at:
            self._order_at[i] = decode_order(self._facts[i])  # type: ignore[index]
        return self._order_at[i]

    def digests(self) -> dict[str, str]:
        """Order file → digest of the content its order was read from (empty when not read through the cache)."""
        return {f.path: f.digest for f in self._facts} if self._facts is not None else dict(self._digests)

    def release_facts(self) -> None:
        """Let the cached replays go, for a caller that has settled the one moment it needs (the site build:
        ~25 MB at county scale, reused by what it builds next). The orders are decoded first and ``digests``
        kept; a later ``states`` derives each order afresh (the same result, only slower)."""
        if self._facts is None:
            return
        self.orders  # noqa: B018 — decoded now: the states already made read their orders from here
        self._digests = self.digests()
        self._facts = None
        if self._scan is not None:
            self._scan.facts = []

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
        if self._facts is None:
            return [derive(o, self.rules, self.calendar, as_of) for o in self.orders]
        rules, calendar = self.rules, self.calendar
        out = []
        with _no_gc():
            for i, f in enumerate(self._facts):
                if f.last_at > as_of:
                    out.append(derive(self._order(i), rules, calendar, as_of))
                    continue
                out.append(order_state(f, partial(self._order, i), as_of, rules, calendar))
        return out


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Building many small objects that all stay alive: no cyclic collection meanwhile (it only re-scans them)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()  # they stay alive: later collections need not scan them again
            gc.enable()


def load_order(path: str, rel: str, keep: Collection[str] = ()) -> tuple[OrderFile, Document]:
    """Read one order file (``path`` on disk, ``rel`` to the root): YAML, schema, location, personal data
    (``keep``: the hotline's own numbers, ``Context.public``)."""
    doc = read(path, rel)
    findings = list(doc.findings)
    if doc.text:
        findings += personal_data(rel, doc.text, _raw_id(doc), keep, doc)
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
    return _derived(order, ctx)[0]


def _derived(order: Order, ctx: Context) -> tuple[list[Finding], OrderState | None]:
    """The order's lifecycle and calendar findings, and its dispatches replayed over every event."""
    if ctx.rules is None:
        return [], None
    state = derive(order, ctx.rules, ctx.calendar)
    return state.findings + [f for check in ORDER_CHECKS for f in check(order, state, ctx)], state


def run_checks(checks: Collection[Check], checked: Checked, skip: Collection[Check] = ()) -> list[Finding]:
    """The findings of those of ``checks.suite.CHECKS`` in ``checks`` and not in ``skip``, in the list's order."""
    return [f for check in CHECKS if check in checks and check not in skip for f in check(checked)]


def load(root: Path | str, *, use_cache: bool = True, jobs: int | None = None) -> Repository:
    """Everything: context, every order, and all findings (sorted by file and line).

    Each order file's reading, findings and replayed dispatches come from the cache (``util.filecache``)
    when the file and the context are unchanged; ``use_cache=False`` reads and writes no cache at all."""
    if not use_cache:
        with cache_store.disabled():
            return load(root, jobs=jobs)
    ctx = load_context(root)
    scan = scan_orders(ctx, with_orders=True, jobs=jobs)
    return Repository(ctx, facts=scan.facts, scan=scan)


PARALLEL_MIN = 2000  # below this many files to read, a process pool costs more than it saves
_worker_ctx: Context | None = None


def _check_file(ctx: Context, p: tuple[str, str]) -> bytes:
    """One order file read and checked, as a cache entry (MessagePack: what a worker sends back)."""
    of, doc = load_order(*p, ctx.public)
    found, facts, digest = list(of.findings), None, doc.digest or file_digest(p[0])
    if of.order is not None:
        lifecycle, state = _derived(of.order, ctx)
        found += lifecycle
        facts = facts_of(of.order, state, digest, ctx.rules, ctx.calendar)
    elif of.partial is not None:
        found += of.partial.keep(order_findings(of.partial.order, ctx))
    return _ENCODER.encode(Scanned(tuple(found), of.refs, digest, facts))


def _check_chunk(files: list[tuple[str, str]]) -> list[bytes]:
    assert _worker_ctx is not None
    return [_check_file(_worker_ctx, p) for p in files]


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _read_all(ctx: Context, files: list[tuple[str, str]], jobs: int) -> list[Scanned]:
    """Check the files that missed the cache: in a pool of forked workers when there are many."""
    if jobs <= 1 or len(files) < PARALLEL_MIN or not can_fork():
        return [_DECODER.decode(_check_file(ctx, p)) for p in files]
    import multiprocessing

    global _worker_ctx
    _worker_ctx = ctx  # inherited by the forked workers; they send back MessagePack bytes
    size = max(64, min(1000, len(files) // (jobs * 8)))
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return [_DECODER.decode(r) for chunk in pool.imap(_check_chunk, chunks) for r in chunk]
    finally:
        _worker_ctx = None


@dataclass
class Scan:
    findings: list[Finding]
    refs: list[OrderRefs]
    facts: list[OrderFacts]


def _file_cache(ctx: Context, with_orders: bool) -> FileCache:
    """The cache of ``load`` (findings, references and facts) or of ``hotline check`` (findings and references)."""
    if with_orders:
        return FileCache(ctx.root, ORDERS_CACHE, ctx.fingerprint, CachedOrder)
    return FileCache(ctx.root, CACHE_NAME, ctx.fingerprint, CachedFile)


def scan_orders(ctx: Context, *, with_orders: bool = False, jobs: int | None = None) -> Scan:
    """Every order file's findings and references (and, ``with_orders``, its order and replayed dispatches):
    from the cache where the file and the context are unchanged, read and checked otherwise.

    ``hotline check`` reads its cache (findings and references), the other commands theirs (the same and the
    facts): a warm run decodes one. A run that reads files keeps the other cache in step when it is the one
    with the facts or when most files were read (a cold check fills both)."""
    use = cache_store.enabled()
    own = _file_cache(ctx, with_orders) if use else None
    entries: list[tuple[str, str, Key, tuple | None]] = []
    misses: list[tuple[str, str]] = []
    for path, rel in paths.order_files(ctx.root):
        key = stat_key(os.stat(path))
        hit = own.get(rel, key, path) if own else None
        if hit is None:
            misses.append((path, rel))
        entries.append((path, rel, key, hit))
    fresh = iter(_read_all(ctx, misses, default_jobs() if jobs is None else jobs))
    other = None
    if use and misses and (with_orders or len(misses) > len(entries) // 2):
        other = _file_cache(ctx, not with_orders)
    scan = Scan([], [], [])
    for path, rel, key, hit in entries:
        if hit is None:
            s = next(fresh)
            checked, kept = (s.findings, s.refs), (s.findings, s.refs, s.facts)
            hit = kept if with_orders else checked
            if own:
                own.put(rel, key, s.digest, hit)
            if other:
                other.put(rel, key, s.digest, checked if with_orders else kept)
        elif other:
            other.get(rel, key, path)  # still in step: kept
        scan.findings.extend(hit[0])
        scan.refs.append(hit[1])
        if with_orders and hit[2] is not None:
            scan.facts.append(hit[2])
    for c in (own, other):
        if c:
            c.save()  # best effort: a read-only cache folder still gets its findings
    return scan


def run_check(
    root: Path | str,
    as_of: datetime,
    *,
    use_cache: bool = True,
    extra: bool = True,
    jobs: int | None = None,
    skip: Collection[Check] = (),
) -> list[Finding]:
    """Every finding (``extra=False``: of the checks over the records, ``checks.suite.ORDER_FILES_ONLY``; ``skip``:
    those of ``checks.suite.CHECKS`` to leave out); ``use_cache=False`` reads and writes no cache at all (nor does
    the history reader)."""
    if not use_cache:
        with cache_store.disabled():
            return run_check(root, as_of, extra=extra, jobs=jobs, skip=skip)
    ctx = load_context(root)
    scan = scan_orders(ctx, jobs=jobs)
    findings = list(ctx.findings) + scan.findings
    findings += run_checks(CHECKS if extra else ORDER_FILES_ONLY, Checked(ctx, scan.refs, as_of), skip)
    findings.sort(key=sort_key)
    return findings
