"""Assessment events the assessment cannot use (考核事件检查), as findings for ``hotline check``
(``scoring-event-ignored``, by the assessment's own rule, ``scoring.usable``). Listed in ``checks.suite``.
"""

from __future__ import annotations

from hotline.checks.checked import Checked
from hotline.findings import Finding
from hotline.scoring.usable import unusable


def unusable_events(checked: Checked) -> list[Finding]:
    """Assessment events the assessment cannot use (``scoring-event-ignored``)."""
    ctx = checked.ctx
    if ctx.rules is None or ctx.rules.assessment is None:
        return []
    return unusable(ctx.scoring_events, ctx.rules.assessment, ctx.units)
