"""CODEOWNERS for both hosts (代码所有人), generated from the unit files.

GitHub reads ``.github/CODEOWNERS`` (globs; the *last* matching line decides), Gitea reads
``.gitea/CODEOWNERS`` (Go regular expressions anchored at both ends, matched against the path without
a leading slash; *every* matching line adds owners). We write both, never a root file (Gitea would
read that one first). The hotline office's maintainers own everything; each unit's maintainers own
that unit's file and knowledge-base folder as well. Orders cannot be assigned by path (their path
names no unit): the pull-request check (``permissions``) is what keeps units to their own orders.

``codeowners_findings`` reports ``codeowners-stale`` when a CODEOWNERS file exists but no longer
matches the unit files (or only one of the two exists); a repository with neither is not reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from hotline.findings import Finding
from hotline.records.models import Unit
from hotline.records.units import is_office, maintainers
from hotline.util.atomic import write_text_if_changed

GITHUB_FILE = ".github/CODEOWNERS"
GITEA_FILE = ".gitea/CODEOWNERS"

HEADER = (
    "# 由 hotline codeowners 根据 units/*.yaml 的 maintainers 生成，请勿手工修改；\n"
    "# 修改单位维护人后运行 hotline codeowners 重新生成。\n"
)


def _owners(accounts: Iterable[str]) -> list[str]:
    return ["@" + name for name in maintainers(accounts)]


def _rows(units: dict[str, Unit]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    office = _owners(m for u in sorted(units.values(), key=lambda u: u.id) if is_office(u) for m in u.maintainers)
    rows = []
    for u in sorted(units.values(), key=lambda u: u.id):
        if is_office(u) or not u.maintainers:
            continue
        rows.append((u.id, _owners(list(u.maintainers) + [o[1:] for o in office])))
    return office, rows


def render_github(units: dict[str, Unit]) -> str:
    office, rows = _rows(units)
    lines = [HEADER, "# GitHub：通配符，最后一条匹配的规则生效，因此各单位的规则也列出热线管理机构。\n"]
    if office:
        lines.append(f"* {' '.join(office)}\n")
    else:
        lines.append("# 热线管理机构尚未在单位文件中登记维护人（maintainers）。\n")
    for uid, owners in rows:
        lines.append(f"/units/{uid}.yaml {' '.join(owners)}\n")
        lines.append(f"/site_src/knowledge/{uid}/ {' '.join(owners)}\n")
    return "".join(lines)


def render_gitea(units: dict[str, Unit]) -> str:
    office, rows = _rows(units)
    lines = [HEADER, "# Gitea：正则表达式（整条路径匹配），所有匹配的规则的代码所有人合并。\n"]
    if office:
        lines.append(f".* {' '.join(office)}\n")
    else:
        lines.append("# 热线管理机构尚未在单位文件中登记维护人（maintainers）。\n")
    for uid, owners in rows:
        unit_owners = [o for o in owners if o not in office]
        if not unit_owners:
            continue
        lines.append(f"units/{uid}\\.yaml {' '.join(unit_owners)}\n")
        lines.append(f"site_src/knowledge/{uid}/.* {' '.join(unit_owners)}\n")
    return "".join(lines)


def expected(units: dict[str, Unit]) -> dict[str, str]:
    return {GITHUB_FILE: render_github(units), GITEA_FILE: render_gitea(units)}


def write(root: Path, units: dict[str, Unit], *, dry_run: bool = False) -> list[str]:
    """Write the files that differ; returns their paths."""
    return [rel for rel, text in expected(units).items() if write_text_if_changed(root / rel, text, dry_run=dry_run)]


def codeowners_findings(root: Path, units: dict[str, Unit]) -> list[Finding]:
    files = expected(units)
    present = [rel for rel in files if (root / rel).exists()]
    if not present:
        return []
    out = []
    for rel, text in files.items():
        p = root / rel
        if not p.exists():
            out.append(
                Finding(
                    rel,
                    0,
                    "codeowners-stale",
                    f"缺少 {rel}（另一个平台的 CODEOWNERS 已存在）：请运行 hotline codeowners 生成",
                )
            )
        elif p.read_text(encoding="utf-8") != text:
            out.append(
                Finding(
                    rel,
                    0,
                    "codeowners-stale",
                    f"{rel} 与单位文件中的维护人（maintainers）不一致：请运行 hotline codeowners 重新生成",
                )
            )
    return out
