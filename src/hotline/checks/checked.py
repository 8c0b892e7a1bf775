"""What the checks over the whole repository look at (检查对象): ``Checked``.

The context (``records.context``: the root, rules, calendar, units), every order file's references
(``OrderRefs``: kept in the check cache with the file's findings, so that a run where nothing changed reads no
order file) and the moment ``hotline check`` runs as of (``load`` knows none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from hotline.records.context import Context


class OrderRefs(NamedTuple):
    """What cross-file checks need from one order file (cached with its findings as plain data)."""

    path: str
    order_id: str | None
    id_line: int
    units: tuple[tuple[str, int], ...]  # (unit id, line) of every event naming a unit
    latest: tuple[str, int] | None = None  # the latest declared event time ("YYYY-MM-DD HH:MM") and its line
    received: str = ""  # received_at, "YYYY-MM-DD HH:MM" (for the merge rule, ``checks.merges``)
    merges: tuple[tuple[str, int], ...] = ()  # (into, line) of each 并单 event


@dataclass(frozen=True)
class Checked:
    """The repository as the checks in ``checks.suite.CHECKS`` see it."""

    ctx: Context
    refs: Sequence[OrderRefs] = ()
    as_of: datetime | None = None  # None: ``load``, which runs only the checks that need no moment

    @property
    def root(self) -> Path:
        return Path(self.ctx.root)

    @property
    def now(self) -> datetime:
        """``as_of``, for a check that needs the moment (``suite.NO_MOMENT`` lists those that do not)."""
        if self.as_of is None:
            raise ValueError("this check needs the moment it runs as of")
        return self.as_of
