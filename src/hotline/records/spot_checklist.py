"""Spot-check checklists on disk (抽查清单): ``scoring/spotchecks/YYYY-MM.yaml``, read and written.

The file is written by ``hotline spot-check draw`` one drawn order per line, each with its unit's name, so that
the office fills in ``reply_standard``, ``contacted`` and ``result_told`` (是/否) in a web editor;
``read_checklist`` validates it like any record, problems as findings with their lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from hotline.findings import Finding
from hotline.records import hidden
from hotline.records.models import SpotCheckList
from hotline.records.rules import Question
from hotline.records.validate import to_model
from hotline.records.writer import scalar
from hotline.records.yaml_reader import read

FOLDER = Path("scoring") / "spotchecks"
QUESTIONS: tuple[Question, ...] = get_args(Question)


def checklist_path(period: str) -> Path:
    return FOLDER / f"{period}.yaml"


def read_checklist(root: Path, rel: str) -> tuple[SpotCheckList | None, list[Finding]]:
    doc = read(str(Path(root) / rel), rel)
    findings = list(doc.findings) + hidden.findings(rel, doc.text, doc)
    if not doc.ok or doc.data is None:
        return None, findings
    lst, errs = to_model(doc, SpotCheckList)
    findings += errs
    if lst is not None:
        for i, entry in enumerate(lst.checks):
            entry.locate(rel, doc.line_of(("checks", i)))
        stem = Path(rel).stem
        if stem != lst.period:
            findings.append(
                Finding(
                    rel,
                    doc.line_of(("period",)),
                    "spotcheck-invalid",
                    f"文件名 {stem} 与抽查期 period: {lst.period} 不一致：应命名为 {lst.period}.yaml",
                )
            )
    return lst, findings


def render_checklist(period: str, seed: int, per_unit: int, drawn: list[dict], command: str) -> str:
    lines = [
        "# yaml-language-server: $schema=../../schemas/spotcheck.schema.json",
        f"# 随机抽查清单（§三(三)）：{command}",
        "# 逐件填写 reply_standard（答复符合工单规范要求）、contacted（已联系诉求人）、result_told（已告知处理结果）：",
        f"# 填 是 或 否；填写 checked_on（抽查日期）后运行 hotline spot-check record --period {period} 生成考核事件，",
        "# 考核事件计入所抽查的考核期（不论哪天抽查）。",
        f"period: {period}",
        f"seed: {seed}",
        f"per_unit: {per_unit}",
        "checked_on:",
        "by:",
        "checks:" if drawn else "checks: []",
    ]
    for d in drawn:
        lines.append(
            f"  - {{unit: {scalar(d.get('name') or d['unit'])}, id: {scalar(d['id'])}, reply_standard: , contacted: , "
            "result_told: , note: }"
        )
    return "\n".join(lines) + "\n"
