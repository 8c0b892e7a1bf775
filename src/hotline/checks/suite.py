"""Every check beyond reading a file (检查清单), as plain lists with one signature each.

None imports the runner (``hotline.load``), which iterates these lists. Reading an order file
(``load.load_order``) already finds what is wrong with the file as written: YAML, schema, location and personal
data (``checks.orders``); the lifecycle's own findings come with the replay (``lifecycle.derive``). Then:

- ``ORDER_CHECKS`` — ``(order, state, ctx) → findings``: each readable order (or the valid part of one,
  ``records.partial``) with its dispatches replayed over every event. Their findings are cached with the file
  by its content, so none may depend on the moment.
- ``CHECKS`` — ``(checked) → findings``: the repository as a whole (``checks.checked.Checked``: the context,
  every order file's references and the moment). ``load`` runs those in ``NO_MOMENT``; ``hotline check`` runs
  them all (``ORDER_FILES_ONLY``: those that read nothing but the order files' references).
"""

from __future__ import annotations

from collections.abc import Callable

from hotline.checks.assessment_events import unusable_events
from hotline.checks.attachments import attachment_findings, folder_check
from hotline.checks.calendar import calendar_check
from hotline.checks.checked import Checked
from hotline.checks.merges import merge_findings
from hotline.checks.office_timeliness import office_findings
from hotline.checks.orders import duplicate_ids, events_in_future, merges, provisional_dates, unknown_units
from hotline.checks.reply_confirmation import reply_findings
from hotline.checks.spot_checks import checklist_check
from hotline.checks.untrusted import untrusted_check
from hotline.findings import Finding
from hotline.lifecycle.state import OrderState
from hotline.records.codeowners import codeowners_findings
from hotline.records.context import Context
from hotline.records.knowledge import file_findings as knowledge_file_findings
from hotline.records.knowledge import load_entries
from hotline.records.models import Order

OrderCheck = Callable[[Order, OrderState, Context], list[Finding]]
Check = Callable[[Checked], list[Finding]]


ORDER_CHECKS: tuple[OrderCheck, ...] = (
    provisional_dates,  # deadlines in a year without holiday data (临时推算的期限)
    reply_findings,  # replies confirmed as the notice asks (答复确认)
    office_findings,  # the hotline office's own timeliness: dispatch, review, redispatch (热线办时效)
    attachment_findings,  # attachments named in events exist (附件)
    merge_findings,  # one 并单 per order (并单)
)


def history_check(checked: Checked) -> list[Finding]:
    """Git history: rewritten events, late records, unit changes reported late (审计; nothing outside Git)."""
    from hotline.history.audit import history_check as audit_history  # read only by ``hotline check``

    return audit_history(checked.root, checked.ctx, checked.now)


def codeowners_check(checked: Checked) -> list[Finding]:
    """CODEOWNERS files up to date with the units' maintainers (``codeowners-stale``)."""
    return codeowners_findings(checked.root, checked.ctx.units)


def knowledge_check(checked: Checked) -> list[Finding]:
    """The knowledge base's front-matter problems, with file and line, and any file that is neither an entry
    nor a picture (知识库)."""
    ctx = checked.ctx
    max_bytes = ctx.rules.attachments.max_bytes if ctx.rules else None
    return load_entries(checked.root, set(ctx.units))[1] + knowledge_file_findings(checked.root, max_bytes)


CHECKS: tuple[Check, ...] = (
    duplicate_ids,  # the same id in two files (工单编号重复)
    unknown_units,  # events naming a unit that does not exist (单位不存在)
    merges,  # 并单 against the merge rule, across files
    events_in_future,  # events after the moment checked (事件时间晚于当前时间)
    history_check,
    codeowners_check,
    knowledge_check,
    unusable_events,  # assessment events that cannot count (考核事件)
    folder_check,  # attachment files: kind, size, name (附件)
    checklist_check,  # spot-check checklists (抽查清单)
    untrusted_check,  # markup in what units write, symbolic links (不可信内容)
    calendar_check,  # year files against chinese-calendar; next year's holidays due (日历)
)
NO_MOMENT: tuple[Check, ...] = (duplicate_ids, unknown_units, merges)  # what ``load`` runs (it knows no moment)
ORDER_FILES_ONLY: tuple[Check, ...] = (*NO_MOMENT, events_in_future)  # ``run_check(extra=False)``
