"""JSON Schemas of the record formats (``schemas/*.schema.json``), generated from the models.

Editors with the YAML language server read the ``# yaml-language-server: $schema=…`` line at the top of
each record and then autocomplete keys and flag mistakes while staff type.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from hotline.records.models import HolidayYear, Order, ScoringEvent, SpotCheckList, Unit
from hotline.records.rules import Rules
from hotline.util.atomic import write_text_if_changed

SCHEMAS: dict[str, tuple[str, TypeAdapter[Any]]] = {
    "order.schema.json": ("工单（orders/YYYY/MM/<id>.yaml）", TypeAdapter(Order)),
    "unit.schema.json": ("承办单位（units/<id>.yaml）", TypeAdapter(Unit)),
    "holidays.schema.json": ("节假日安排（scoring/holidays/YYYY.yaml）", TypeAdapter(HolidayYear)),
    "scoring-events.schema.json": (
        "考核事件（scoring/events/YYYY/*.yaml）",
        TypeAdapter(ScoringEvent | list[ScoringEvent]),
    ),
    "spotcheck.schema.json": ("随机抽查清单（scoring/spotchecks/YYYY-MM.yaml）", TypeAdapter(SpotCheckList)),
    "rules.schema.json": ("规则（scoring/rules.yaml）", TypeAdapter(Rules)),
}


def render(name: str) -> str:
    title, adapter = SCHEMAS[name]
    schema = adapter.json_schema(mode="validation")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "title": title}
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_schemas(folder: Path, dry_run: bool = False) -> list[str]:
    """Write every schema whose content changed; returns the names that were (or would be) written."""
    return [name for name in SCHEMAS if write_text_if_changed(folder / name, render(name), dry_run=dry_run)]
