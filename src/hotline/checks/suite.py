"""The checks ``hotline check`` runs over the whole repository (全库检查), as a plain list.

Each takes the root, the context (``records.context``) and ``as_of`` and returns findings; none raises
and none imports the runner (``hotline.load.run_check``), which iterates ``REPOSITORY_CHECKS`` after the
per-file and cross-file order checks (``checks.orders``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from hotline.checks.assessment_events import unusable_events
from hotline.checks.attachments import folder_check
from hotline.checks.calendar import calendar_check
from hotline.checks.spot_checks import checklist_check
from hotline.checks.untrusted import untrusted_check
from hotline.findings import Finding
from hotline.history.audit import history_check
from hotline.records.codeowners import codeowners_findings
from hotline.records.context import Context
from hotline.records.knowledge import file_findings as knowledge_file_findings
from hotline.records.knowledge import load_entries

RepositoryCheck = Callable[[Path, Context, datetime], list[Finding]]


def codeowners_check(root: Path, ctx: Context, as_of: datetime) -> list[Finding]:
    """CODEOWNERS files up to date with the units' maintainers (``codeowners-stale``)."""
    return codeowners_findings(Path(root), ctx.units)


def knowledge_check(root: Path, ctx: Context, as_of: datetime) -> list[Finding]:
    """The knowledge base's front-matter problems, with file and line, and any file that is neither an entry
    nor a picture (知识库)."""
    max_bytes = ctx.rules.attachments.max_bytes if ctx.rules else None
    return load_entries(root, set(ctx.units))[1] + knowledge_file_findings(root, max_bytes)


REPOSITORY_CHECKS: tuple[RepositoryCheck, ...] = (
    history_check,  # Git history: rewritten events, late records, unit changes reported late (审计)
    codeowners_check,
    knowledge_check,
    unusable_events,  # assessment events that cannot count (考核事件)
    folder_check,  # attachment files: kind, size, name (附件)
    checklist_check,  # spot-check checklists (抽查清单)
    untrusted_check,  # markup in what units write, symbolic links (不可信内容)
    calendar_check,  # year files against chinese-calendar; next year's holidays due (日历)
)
