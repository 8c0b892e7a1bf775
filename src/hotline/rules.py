"""The rules in force (规则): ``scoring/rules.yaml`` as a model.

Every limit, window, cut-off and assessment constant the system uses is read from that file; the code
holds none of them. The assessment part is interpreted by ``hotline.scoring``.
"""

from __future__ import annotations

from datetime import time
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from .models import Category, Record


def _parse_hhmm(value: object) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int):  # YAML 1.1 reads 17:30 as a base-60 integer (1050)
        return time(value // 60, value % 60)
    try:
        h, m = str(value).split(":")
        return time(int(h), int(m))
    except ValueError:
        raise ValueError(f"时刻“{value}”格式不对，应写成 HH:MM") from None


ClockTime = Annotated[time, BeforeValidator(_parse_hhmm)]
Days = Annotated[int, Field(ge=0, le=60)]


class DeadlineRules(Record):
    """办理时限: §二(三)3, §二(二)4–5, §二(三)1."""

    limits: dict[Category, Annotated[int, Field(ge=1, le=60)]]
    redo_days: Days
    return_window_days: Days
    receipt_cutoff: ClockTime
    due_soon_days: Days


class HistoryRules(Record):
    """How Git history is read against the records."""

    late_record_tolerance_days: Days = 1
    measure_on: Literal["declared", "recorded"] = "declared"
    unit_change_report_days: Days = 3


EventType = Literal["派单", "接收", "联系", "转办", "答复", "履责说明", "回访", "重办", "退回申请", "退回审核", "延期申请", "延期审核", "督办"]


class PermissionRules(Record):
    """Who may record what (``hotline check --changed-by``): events a unit may add to its own dispatch."""

    unit_events: list[EventType] = ["接收", "联系", "转办", "答复", "履责说明", "退回申请", "延期申请"]


class Rules(Record):
    version: Literal[1]
    source: str
    deadlines: DeadlineRules
    history: HistoryRules = HistoryRules()
    permissions: PermissionRules = PermissionRules()
    assessment: dict[str, Any] = {}
