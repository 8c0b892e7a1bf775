"""Registers the v1.1 whole-repository checks with ``hotline check``: attachment files (附件) and
spot-check checklists (抽查清单)."""

from __future__ import annotations

from hotline.check import EXTRA_CHECKS
from hotline.checks.attachments import folder_check
from hotline.checks.spot_checks import checklist_check

for _check in (folder_check, checklist_check):
    if _check not in EXTRA_CHECKS:
        EXTRA_CHECKS.append(_check)
