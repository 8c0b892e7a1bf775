"""The small files every computation needs (规则、日历、单位、考核事件): read once into a ``Context``.

``load_context(root)`` reads ``scoring/rules.yaml``, ``scoring/holidays/YYYY.yaml``, ``units/*.yaml`` and
``scoring/events/**.yaml``; every problem is a finding and every other file is still read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from hotline import __version__
from hotline.findings import Finding
from hotline.records import attachments, hidden, paths, privacy
from hotline.records.models import HolidayYear, ScoringEvent, Unit
from hotline.records.rules import Rules
from hotline.records.unit_names import resolve_unit, unknown_unit_message
from hotline.records.validate import errors_to_findings, to_model
from hotline.records.yaml_reader import Document, read
from hotline.workdays import WorkCalendar, package_signature

M = TypeVar("M", bound=BaseModel)


def _rel(root: Path, p: Path) -> str:
    return p.relative_to(root).as_posix()


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
    public: frozenset[str] = frozenset()  # the hotline's own numbers (digits): never a person's (privacy)


class _Reader:
    """Reads the small files of one root, collecting findings and a digest of everything read."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.findings: list[Finding] = []
        self.digest = hashlib.sha256(__version__.encode())

    def doc(self, p: Path) -> Document:
        doc = read(str(p), _rel(self.root, p))
        self.digest.update(doc.path.encode() + b"\0" + doc.text.encode())
        self.findings.extend(doc.findings)
        self.findings.extend(hidden.findings(doc.path, doc.text, doc))  # the file is still read
        return doc

    def model_of(self, p: Path, model: type[M]) -> tuple[M | None, Document]:
        doc = self.doc(p)
        if doc.data is None or (doc.findings and not doc.ok):
            return None, doc
        obj, errs = to_model(doc, model)
        self.findings.extend(errs)
        return obj, doc

    def rules(self) -> Rules | None:
        rules_path = self.root / paths.RULES
        if rules_path.exists():
            rules, doc = self.model_of(rules_path, Rules)
            for i, channel in enumerate(rules.chat if rules else []):
                channel.locate(doc.path, doc.line_of(("chat", i)))
            return rules
        msg = "缺少规则文件 scoring/rules.yaml：办理时限和考核规则都从这里读取"
        self.findings.append(Finding("scoring/rules.yaml", 0, "missing-field", msg))
        return None

    def holidays(self) -> dict[int, HolidayYear]:
        overrides: dict[int, HolidayYear] = {}
        for p in paths.yaml_files(self.root / paths.HOLIDAYS):
            year_file, doc = self.model_of(p, HolidayYear)
            if year_file is None:
                continue
            if not p.stem.isdigit():
                self.findings.append(
                    Finding(year_file.path, 0, "id-mismatch", "节假日文件应命名为 年份.yaml，如 2027.yaml")
                )
                continue
            year = int(p.stem)
            for key in ("holidays", "workdays"):
                for i, day in enumerate(getattr(year_file, key)):
                    day.locate(year_file.path, doc.line_of((key, i)))
                    if day.date.year != year and (day.date.year, day.date.month) != (year - 1, 12):
                        msg = f"{p.name} 中的日期 {day.date} 不属于 {year} 年（只有元旦可以从上一年 12 月开始）"
                        self.findings.append(Finding(year_file.path, day.line, "id-mismatch", msg))
            overrides[year] = year_file
        return overrides

    def units(self) -> dict[str, Unit]:
        units: dict[str, Unit] = {}
        for p in paths.yaml_files(self.root / paths.UNITS):
            unit, doc = self.model_of(p, Unit)
            if unit is None:
                continue
            line = doc.line_of(("id",))
            if p.stem != unit.id:
                self.findings.append(
                    Finding(unit.path, line, "id-mismatch", f"文件名 {p.stem} 与单位编号 id: {unit.id} 不一致")
                )
            if unit.id in units:
                msg = f"单位编号 {unit.id} 重复：{units[unit.id].path} 也使用了它"
                self.findings.append(Finding(unit.path, line, "duplicate-id", msg))
                continue
            for i, ch in enumerate(unit.changes):
                ch.locate(unit.path, doc.line_of(("changes", i)))
            unit.hotline.locate(unit.path, doc.line_of(("hotline",)))
            units[unit.id] = unit
        return units

    def chat_units(self, rules: Rules | None, units: dict[str, Unit]) -> None:
        """Every unit a group reminder (``chat``) names exists (``unknown-unit``)."""
        for channel in rules.chat if rules else []:
            for name in [] if channel.units == "all" else channel.units:
                if resolve_unit(units, name) is None:
                    msg = f"群消息提醒“{channel.name}”：" + unknown_unit_message(units, name)
                    self.findings.append(Finding(channel.path, channel.line, "unknown-unit", msg))

    def scoring_events(self, units: dict[str, Unit]) -> list[ScoringEvent]:
        events: list[ScoringEvent] = []
        for p in paths.yaml_files(self.root / paths.SCORING_EVENTS):
            doc = self.doc(p)
            if not doc.ok or doc.data is None:
                continue
            items = doc.data if isinstance(doc.data, list) else [doc.data]
            for i, item in enumerate(items):
                prefix = (i,) if isinstance(doc.data, list) else ()
                try:
                    ev = ScoringEvent.model_validate(item)
                except ValidationError as e:  # anything else would have failed in errors_to_findings (e.errors())
                    self.findings.extend(errors_to_findings(doc, e, prefix))
                    continue
                ev.locate(doc.path, doc.line_of(prefix))
                if ev.unit not in units:
                    msg = f"单位 {ev.unit} 不存在：units/ 下没有 {ev.unit}.yaml"
                    self.findings.append(Finding(doc.path, doc.line_of((*prefix, "unit")), "unknown-unit", msg))
                events.append(ev)
        return events


def load_context(root: Path | str) -> Context:
    r = _Reader(Path(root))
    rules = r.rules()
    overrides = r.holidays()
    units = r.units()
    events = r.scoring_events(units)
    r.chat_units(rules, units)
    r.digest.update(",".join(sorted(units)).encode())
    r.digest.update(attachments.fingerprint(r.root))  # order findings name missing attachment files
    calendar = WorkCalendar(overrides)
    r.digest.update(package_signature(calendar.package).encode())  # a release with a new year changes deadlines
    public = privacy.public_numbers(rules.office.public_numbers if rules else ())
    return Context(r.root, rules, calendar, units, events, r.findings, r.digest.hexdigest(), public)
