"""Spot-check checklists (抽查清单) as ``hotline check`` findings: each ``scoring/spotchecks/*.yaml``
read against its format, with units no name or id resolves reported (``hotline.records.spot_checklist``)."""

from __future__ import annotations

from pathlib import Path

from hotline.checks.checked import Checked
from hotline.findings import Finding
from hotline.records.spot_checklist import FOLDER, read_checklist
from hotline.records.unit_names import resolve_unit, unknown_unit_message


def checklist_check(checked: Checked) -> list[Finding]:
    """Spot-check checklists under ``spot_checks/`` (抽查清单), read as the spot-check commands read them."""
    root, ctx = checked.root, checked.ctx
    folder = Path(root) / FOLDER
    if not folder.is_dir():
        return []
    out: list[Finding] = []
    for p in sorted(folder.glob("*.y*ml")):
        rel = p.relative_to(root).as_posix()
        lst, findings = read_checklist(Path(root), rel)
        out += findings
        for entry in lst.checks if lst else []:
            if resolve_unit(ctx.units, entry.unit) is None:
                out.append(Finding(rel, entry.line, "unknown-unit", unknown_unit_message(ctx.units, entry.unit)))
    return out
