"""The hotline office's timeliness as ``hotline check`` warnings (``dispatch-late``, ``review-late``,
``return-not-redispatched``); the computation is ``hotline.office.timeliness``."""

from __future__ import annotations

from hotline.office.timeliness import office_findings

__all__ = ["office_findings"]
