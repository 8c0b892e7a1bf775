"""Importing uploaded exports without a terminal (上传导入): ``imports/`` files → pull requests.

The hotline office uploads the city platform's export (``.xlsx`` or ``.csv``) through the host's web
interface into ``imports/``; the ``import`` workflow runs on that push. For each export the push added
or changed (every export under ``imports/`` when the push is unknown):

- on the branch ``import/<first 12 hex of the file's SHA-256>`` (from the default branch) run the
  importer (``entry.city_import``; an ``imports/mapping.yaml``, when present, adjusts the column names),
  commit the new orders (author: who pushed the file; committer: the records' identity) and push the
  branch with the bot token, so that the pull request's checks run;
- open a pull request with the new orders, or update the one already open for the same file, whose
  body reports (in Chinese, by row number) what was created, what already existed and what could not
  be imported and why;
- only an account of the hotline office may import (the one who pushed, as the run's actor);
- the same file twice creates nothing: orders that exist are skipped, the branch is named by the file's
  content (same file, same branch, same pull request), an unchanged branch is not pushed again, and a
  file with nothing new opens no pull request (its report goes to the job summary only).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hotline.entry.city_import import ImportFailed, Report, import_file, load_mapping
from hotline.git import changes as gitrun
from hotline.git import identity
from hotline.host.client import Host
from hotline.load import load_context
from hotline.records.privacy import mask_text
from hotline.records.units import login, office_accounts

IMPORT_DIR = "imports"
MAPPING_FILE = "imports/mapping.yaml"
SUFFIXES = (".xlsx", ".csv")
MARKER = "<!-- hotline:import sha256={digest} -->"


@dataclass
class FileResult:
    path: str
    status: str  # opened | updated | unchanged | nothing-new | failed
    report: Report | None
    message: str  # the Chinese report (the pull request's body without the marker)
    pull: int | None = None


def _md(value: str) -> str:
    """Spreadsheet text in Markdown: never markup, never a full phone or ID number."""
    value = (
        mask_text(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", " ")
        .replace("\n", " ")
    )
    for ch in "\\`*_[]()#|!~":
        value = value.replace(ch, "\\" + ch)
    return value


def uploaded(root: Path, before: str | None) -> list[str]:
    """Exports under ``imports/`` added or changed since ``before`` (all of them when it is unknown)."""
    if before and before.strip("0"):
        try:
            changed = [c.path for c in gitrun.changed_paths(root, before) if c.status != "D"]
        except gitrun.GitError:
            changed = gitrun.files_at(root, "HEAD", IMPORT_DIR)
    else:
        changed = gitrun.files_at(root, "HEAD", IMPORT_DIR)
    return sorted(p for p in changed if p.startswith(IMPORT_DIR + "/") and p.lower().endswith(SUFFIXES))


def report_text(rel: str, report: Report | None, problem: str | None = None, pusher: str = "") -> str:
    name = _md(rel)
    who = f"（上传者 {_md(pusher)}）" if pusher else ""
    if report is None:
        return f"`{rel}` 无法导入{who}：{_md(problem or '')}\n"
    lines = [
        f"由上传的市平台导出文件 {name} 自动导入{who}：新建工单 {len(report.created)} 件，已存在而跳过 "
        f"{len(report.existing)} 件，无法导入 {len(report.failed)} 行。"
    ]
    if report.created:
        lines += ["", f"### 新建的工单（{len(report.created)} 件）", "", "| 行 | 工单编号 | 文件 |", "|---|---|---|"]
        lines += [f"| 第 {r} 行 | {oid} | {_md(path)} |" for r, oid, path in report.created]
    if report.failed:
        lines += [
            "",
            f"### 无法导入（{len(report.failed)} 行，请在市平台核对后改正再上传）",
            "",
            "| 行 | 原因 |",
            "|---|---|",
        ]
        lines += [f"| 第 {r} 行 | {_md(reason)} |" for r, reason in report.failed]
    if report.existing:
        lines += [
            "",
            f"### 已存在而跳过（{len(report.existing)} 件）",
            "",
            "、".join(f"第 {r} 行 {oid}" for r, oid in report.existing),
        ]
    return "\n".join(lines) + "\n"


def refusal(root: Path, pusher: str) -> str | None:
    """Why ``pusher`` may not import (only the hotline office creates orders), or None."""
    if login(pusher) not in office_accounts(load_context(root).units):
        return (
            f"上传文件的账号“{mask_text(pusher)[:40]}”不是热线管理机构的维护人（units/ 中热线管理机构的 maintainers）："
            "只有热线管理机构可以导入工单"
        )
    return None


def _author(pusher: str) -> dict[str, str]:
    """The pusher (an office account, checked by ``refusal``) as the commit's author."""
    return {"GIT_AUTHOR_NAME": login(pusher), "GIT_AUTHOR_EMAIL": f"{login(pusher)}@noreply.invalid"}


def import_one(
    root: Path,
    rel: str,
    host: Host,
    *,
    base: str,
    as_of: datetime,
    pusher: str = "",
    remote: str = "origin",
    push_token: str | None = None,
) -> FileResult:
    data = (root / rel).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    branch = f"import/{digest[:12]}"
    mapping_path = root / MAPPING_FILE
    start = gitrun.current_branch(root)
    gitrun.switch_new_branch(root, branch, base)
    try:
        try:
            report = import_file(
                load_context(root), root / rel, load_mapping(mapping_path if mapping_path.is_file() else None), as_of
            )
        except ImportFailed as e:
            return FileResult(rel, "failed", None, report_text(rel, None, str(e), pusher))
        text = report_text(rel, report, pusher=pusher)
        if not report.created:
            return FileResult(rel, "nothing-new", report, text)
        identity.commit(
            root,
            [p for _, _, p in report.created],
            f"导入 {Path(rel).name}：新建工单 {len(report.created)} 件",
            env=_author(pusher),
        )
        unchanged = gitrun.tree_of(root, "HEAD") == gitrun.tree_of(root, f"{remote}/{branch}")
        if not unchanged:
            gitrun.push_branch(root, branch, remote, token=push_token)
    finally:
        gitrun.switch_branch(root, start)
    return _pull(
        host,
        rel,
        branch,
        base.split("/", 1)[1] if base.startswith(f"{remote}/") else base,
        digest,
        report,
        text,
        unchanged,
    )


def _pull(
    host: Host, rel: str, branch: str, base: str, digest: str, report: Report, text: str, unchanged: bool
) -> FileResult:
    title = f"导入市平台工单：{Path(rel).name}（新建 {len(report.created)} 件）"
    body = f"{MARKER.format(digest=digest)}\n{text}"
    status, number = host.open_or_update_pull(title, branch, base, body, unchanged=unchanged)
    return FileResult(rel, status, report, text, number)
