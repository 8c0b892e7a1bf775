"""The loader (加载): the records repository on disk → models and findings.

Layout read: ``scoring/rules.yaml``, ``scoring/holidays/YYYY.yaml``, ``scoring/events/**/*.yaml``,
``units/*.yaml``, ``orders/YYYY/MM/*.yaml``. Nothing stops the run early: every file's problems become
findings and every other file is still read. ``load`` is the pipeline the other commands use:
read the small files (context) → read the orders → check each → cross-file checks.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from hotline import __version__
from hotline.workdays import WorkCalendar
from hotline.checks.orders import OrderRefs, duplicate_ids, order_location, personal_data, provisional_dates, refs_of, unknown_units
from hotline.checks import attachments
from hotline.checks.office_rules import ORDER_CHECKS
from hotline.findings import Finding, sort_key
from hotline.lifecycle.derive import OrderState, derive
from hotline.records.models import HolidayYear, Order, ScoringEvent, Unit
from hotline.records.rules import Rules
from hotline.records.partial import Partial, partial_order
from hotline.records.validate import errors_to_findings, to_model
from hotline.records.yaml_reader import Document, read

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class Context:
    """The small files every computation needs: rules, calendar, units, assessment events."""

    root: Path
    rules: Rules | None
    calendar: WorkCalendar
    units: dict[str, Unit]
    scoring_events: list[ScoringEvent]
    findings: list[Finding]
    fingerprint: str  # changes whenever something that order checks depend on changes


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


def _rel(root: Path, p: Path) -> str:
    return p.relative_to(root).as_posix()


def _yaml_files(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(YAML_SUFFIXES):
                yield Path(dirpath) / name


def order_paths(root: Path) -> list[tuple[str, str]]:
    """(path on disk, path relative to the root) of every order file, sorted; plain strings, because
    a warm check of 100,000 files spends most of its time here."""
    out: list[tuple[str, str]] = []
    base = os.path.join(str(root), "")

    def walk(folder: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for e in entries:
            if e.name.startswith("."):
                continue
            if e.is_dir(follow_symlinks=False):
                walk(e.path)
            elif e.name.endswith(YAML_SUFFIXES):
                out.append((e.path, e.path[len(base):].replace(os.sep, "/")))

    walk(os.path.join(base, "orders"))
    return out


def load_context(root: Path | str) -> Context:
    root = Path(root)
    findings: list[Finding] = []
    digest = hashlib.sha256(__version__.encode())

    def model_of(p: Path, model):
        doc = read(str(p), _rel(root, p))
        digest.update(doc.path.encode() + b"\0" + doc.text.encode())
        findings.extend(doc.findings)
        if doc.data is None or doc.findings and not doc.ok:
            return None, doc
        obj, errs = to_model(doc, model)
        findings.extend(errs)
        return obj, doc

    rules_path = root / "scoring" / "rules.yaml"
    rules = None
    if rules_path.exists():
        rules, _ = model_of(rules_path, Rules)
    else:
        findings.append(Finding("scoring/rules.yaml", 0, "missing-field", "缺少规则文件 scoring/rules.yaml：办理时限和考核规则都从这里读取"))

    overrides: dict[int, HolidayYear] = {}
    for p in _yaml_files(root / "scoring" / "holidays"):
        year_file, _ = model_of(p, HolidayYear)
        if year_file is None:
            continue
        if not p.stem.isdigit():
            findings.append(Finding(year_file.path, 0, "id-mismatch", "节假日文件应命名为 年份.yaml，如 2027.yaml"))
            continue
        year = int(p.stem)
        wrong = [d for d in year_file.holidays + year_file.workdays if d.year != year]
        if wrong:
            findings.append(Finding(year_file.path, 1, "id-mismatch", f"{p.name} 中的日期 {wrong[0]} 不属于 {year} 年"))
        overrides[year] = year_file

    units: dict[str, Unit] = {}
    for p in _yaml_files(root / "units"):
        unit, doc = model_of(p, Unit)
        if unit is None:
            continue
        if p.stem != unit.id:
            findings.append(Finding(unit.path, doc.line_of(("id",)), "id-mismatch", f"文件名 {p.stem} 与单位编号 id: {unit.id} 不一致"))
        if unit.id in units:
            findings.append(Finding(unit.path, doc.line_of(("id",)), "duplicate-id", f"单位编号 {unit.id} 重复：{units[unit.id].path} 也使用了它"))
            continue
        for i, ch in enumerate(unit.changes):
            ch.locate(unit.path, doc.line_of(("changes", i)))
        unit.hotline.locate(unit.path, doc.line_of(("hotline",)))
        units[unit.id] = unit

    events: list[ScoringEvent] = []
    for p in _yaml_files(root / "scoring" / "events"):
        doc = read(str(p), _rel(root, p))
        digest.update(doc.path.encode() + b"\0" + doc.text.encode())
        findings.extend(doc.findings)
        if not doc.ok or doc.data is None:
            continue
        items = doc.data if isinstance(doc.data, list) else [doc.data]
        for i, item in enumerate(items):
            prefix = (i,) if isinstance(doc.data, list) else ()
            try:
                ev = ScoringEvent.model_validate(item)
            except Exception as e:  # pydantic.ValidationError
                findings.extend(errors_to_findings(doc, e, prefix))  # type: ignore[arg-type]
                continue
            ev.locate(doc.path, doc.line_of(prefix))
            if ev.unit not in units:
                findings.append(Finding(doc.path, doc.line_of(prefix + ("unit",)), "unknown-unit", f"单位 {ev.unit} 不存在：units/ 下没有 {ev.unit}.yaml"))
            events.append(ev)

    digest.update(",".join(sorted(units)).encode())
    digest.update(attachments.fingerprint(root))  # per-order findings name missing attachment files
    return Context(root, rules, WorkCalendar(overrides), units, events, findings, digest.hexdigest())


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
    for path, rel in order_paths(ctx.root):
        of, _ = load_order(path, rel)
        findings += of.findings
        refs.append(of.refs)
        findings += file_findings(of, ctx)
        if of.order is not None:
            orders.append(of.order)
    findings += cross_file(refs, ctx)
    findings.sort(key=sort_key)
    return Repository(ctx, orders, findings)
