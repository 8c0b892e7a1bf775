"""Who may change what (修改权限): a unit changes only its own orders and files; the office, everything.

``hotline check --changed-by ACCOUNT --base REV`` looks at every file changed on HEAD since it left
REV (``git diff BASE...HEAD``) and reports ``permission-denied`` where ACCOUNT had no right to the
change. Rights come from the unit files **as they were at the base**, so nobody can grant themselves a
right in the same change that uses it.

- Maintainers of a unit of type 热线管理机构 may change everything.
- ``units/<id>.yaml``: that unit's maintainers, but not its ``id`` or ``type``.
- ``site_src/knowledge/<id>/…``: that unit's maintainers (its knowledge-base entries).
- ``orders/…``: the maintainers of a unit the order was dispatched to (主办 or 会办) may add events of
  their own unit, of the types in ``permissions.unit_events`` of ``scoring/rules.yaml``; they may not
  change the order's other fields, remove or rewrite events, create or delete an order file.
- Anything else (rules, workflows, code, CODEOWNERS): the office only.

Account names compare case-insensitively (both hosts treat logins so) and without a leading ``@``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hotline.findings import Finding
from hotline.git import changes as gitrun
from hotline.records.models import Unit
from hotline.records.rules import PermissionRules, Rules
from hotline.records.units import is_office, units_of
from hotline.records.validate import to_model
from hotline.records.yaml_reader import Document, decode, parse_text


@dataclass
class Rights:
    """What one account may do, from the unit files at the base."""

    account: str
    office: bool
    units: set[str]  # unit ids the account maintains
    unit_events: set[str]

    @classmethod
    def of(cls, account: str, units: dict[str, Unit], rules: Rules | None) -> Rights:
        mine = units_of(account, units)
        office = any(is_office(units[u]) for u in mine)
        allowed: set[str] = set((rules.permissions if rules else PermissionRules()).unit_events)
        return cls(account, office, mine, allowed)


def _doc(path: str, raw: bytes | None) -> Document | None:
    if raw is None:
        return None
    text, _ = decode(path, raw)
    return parse_text(path, text) if text is not None else None


def _unit_names(units: dict[str, Unit], ids: Iterable[str]) -> str:
    return "、".join(units[i].name if i in units else i for i in sorted(ids))


def check_change(
    rights: Rights,
    status: str,
    path: str,
    base_raw: bytes | None,
    head_raw: bytes | None,
    units: dict[str, Unit],
) -> list[Finding]:
    """Findings for one changed file (``path`` relative to the records root)."""
    if rights.office:
        return []
    who = f"账号 {rights.account}"
    parts = path.split("/")

    def deny(line: int, msg: str) -> list[Finding]:
        return [Finding(path, line, "permission-denied", msg)]

    if parts[0] == "units" and len(parts) == 2 and path.endswith((".yaml", ".yml")):
        uid = parts[1].rsplit(".", 1)[0]
        if uid not in rights.units:
            return deny(
                0, f"{who} 不是{_unit_names(units, [uid])}的维护人，不能修改该单位文件（单位只能修改本单位的文件）"
            )
        if base_raw is None or head_raw is None:
            return deny(0, f"{who} 不能新建或删除单位文件：请联系热线管理机构")
        base, head = _doc(path, base_raw), _doc(path, head_raw)
        if base is None or head is None or not isinstance(base.data, dict) or not isinstance(head.data, dict):
            return []  # unreadable: the record checks report it
        out = []
        for key in ("id", "type"):
            if base.data.get(key) != head.data.get(key):
                out += deny(
                    head.line_of((key,)),
                    f"{who} 不能修改单位的 {key}（{base.data.get(key)} → {head.data.get(key)}）：只有热线管理机构可以修改",
                )
        return out

    if parts[0] == "site_src" and len(parts) >= 4 and parts[1] == "knowledge":
        if parts[2] in rights.units:
            return []
        return deny(0, f"{who} 不是{_unit_names(units, [parts[2]])}的维护人，不能修改该单位的知识库条目")

    if parts[0] == "orders" and path.endswith((".yaml", ".yml")):
        return _check_order(rights, path, base_raw, head_raw, units, deny)

    return deny(0, f"{who} 不能修改 {path}：只有热线管理机构的维护人可以修改规则、工作流和程序文件")


def _check_order(
    rights: Rights,
    path: str,
    base_raw: bytes | None,
    head_raw: bytes | None,
    units: dict[str, Unit],
    deny: Callable[[int, str], list[Finding]],
) -> list[Finding]:
    who = f"账号 {rights.account}"
    if base_raw is None:
        return deny(1, f"{who} 不能新建工单：工单由热线管理机构登记和派单")
    if head_raw is None:
        return deny(0, f"{who} 不能删除工单文件")
    base, head = _doc(path, base_raw), _doc(path, head_raw)
    if base is None or not isinstance(base.data, dict):
        return deny(0, f"{who} 不能修改这个工单：原文件无法读取，只有热线管理机构可以修复")
    base_events = [e for e in base.data.get("events") or [] if isinstance(e, dict)]
    order_units: set[Any] = {e.get("unit") for e in base_events if e.get("type") == "派单"}
    mine = order_units & rights.units
    if not mine:
        names = _unit_names(units, {u for u in order_units if u}) or "（尚未派单）"
        return deny(
            head.line_of(("id",)) if head else 0,
            f"{who} 不能修改工单 {base.data.get('id')}：该工单派给了{names}，而该账号维护的是{_unit_names(units, rights.units) or '（没有单位）'}",
        )
    if head is None or not isinstance(head.data, dict):
        return []  # unreadable now: the record checks report it, and they fail the change anyway
    out = []
    for key in sorted(set(base.data) | set(head.data)):
        if key != "events" and base.data.get(key) != head.data.get(key):
            out += deny(head.line_of((key,)) or 1, f"{who} 不能修改工单的 {key}：工单基本信息只有热线管理机构可以修改")

    head_events = events if isinstance(events := head.data.get("events"), list) else []
    remaining = Counter(_freeze(e) for e in base_events)
    for i, ev in enumerate(head_events):
        frozen = _freeze(ev)
        if remaining[frozen] > 0:
            remaining[frozen] -= 1
            continue
        line = head.line_of(("events", i))
        if not isinstance(ev, dict):
            continue
        etype, unit = ev.get("type"), ev.get("unit")
        if unit not in rights.units:
            out += deny(
                line,
                f"{who} 不能登记{_unit_names(units, [unit]) if unit else '不属于任何单位'}的{etype}事件：只能登记本单位（{_unit_names(units, mine)}）的事件",
            )
        elif etype not in rights.unit_events:
            out += deny(
                line,
                f"{who} 不能登记{etype}事件：{etype}由热线管理机构登记（见 scoring/rules.yaml 的 permissions.unit_events）",
            )
    gone = sum(remaining.values())
    if gone:
        out += deny(
            head.line_of(("events",)) or 1,
            f"{who} 删除或改写了 {gone} 条已有事件：事件只能追加，更正请追加一条带 note 的新事件",
        )
    return out


def _freeze(value: object) -> object:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _units_at(top: Path, rev: str, prefix: str) -> dict[str, Unit]:
    paths = [p for p in gitrun.files_at(top, rev, prefix + "units") if p.endswith((".yaml", ".yml"))]
    units: dict[str, Unit] = {}
    for p, raw in gitrun.read_at(top, rev, paths).items():
        doc = _doc(p, raw)
        if doc is None or not doc.ok:
            continue
        unit, _ = to_model(doc, Unit)
        if unit is not None:
            units[unit.id] = unit
    return units


def _rules_at(top: Path, rev: str, prefix: str) -> Rules | None:
    path = prefix + "scoring/rules.yaml"
    doc = _doc(path, gitrun.read_at(top, rev, [path])[path])
    if doc is None or not doc.ok:
        return None
    rules, _ = to_model(doc, Rules)
    return rules


def permission_findings(root: Path | str, account: str, base: str) -> list[Finding]:
    """Every ``permission-denied`` finding for the changes on HEAD since ``base``. Raises ``GitError``.

    Units and rules are read as they were at the merge base of ``base`` and HEAD.
    """
    root = Path(root).resolve()
    top = gitrun.toplevel(root)
    prefix = root.relative_to(top.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    mb = gitrun.merge_base(top, base)
    units = _units_at(top, mb, prefix)
    rules = _rules_at(top, mb, prefix)
    rights = Rights.of(account, units, rules)
    changes = list(gitrun.changed_paths(top, base))
    paths = [c.path for c in changes]
    before = gitrun.read_at(top, mb, paths)
    after = gitrun.read_at(top, "HEAD", paths)
    findings: list[Finding] = []
    for c in changes:
        rel = c.path[len(prefix) :] if c.path.startswith(prefix) else "../" + c.path
        if not c.path.startswith(prefix):
            if not rights.office:
                findings.append(
                    Finding(rel, 0, "permission-denied", f"账号 {account} 不能修改记录目录以外的文件 {c.path}")
                )
            continue
        findings += check_change(rights, c.status, rel, before[c.path], after[c.path], units)
    return findings
