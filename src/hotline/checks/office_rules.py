"""Per-order checks added in v1.1, run for every readable order with its findings cached per file.

Each takes the order, its derived state and the context and returns findings. Listed here in one
place; ``hotline.load.order_findings`` runs them after the lifecycle.
"""

from __future__ import annotations

from hotline.checks.attachments import attachment_findings
from hotline.checks.merges import merge_findings
from hotline.checks.office_timeliness import office_findings
from hotline.checks.reply_confirmation import reply_findings

ORDER_CHECKS = (reply_findings, office_findings, attachment_findings, merge_findings)
