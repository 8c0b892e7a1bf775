"""Who is who (单位与账号): the hotline office, units' maintainers and Git-host accounts, decided once.

- The hotline office (热线管理机构) is every unit of type ``OFFICE_TYPE``; its maintainers may change
  everything and correct recorded events.
- ``UnitVersions``: unit files as they stood at a time (assessment items 1–4 and 6), as read from Git.
- An account is compared without a leading ``@`` and without case (``login``); a commit author's account
  is the local part of the e-mail address (``account_of_email``; GitHub's ``12345+login@`` noreply form too).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from hotline.records.models import ACCOUNT, Unit

OFFICE_TYPE = "热线管理机构"


def login(name: str) -> str:
    """An account as compared: no leading ``@``, lower case."""
    return name.strip().lstrip("@").lower()


def account_of_email(email: str) -> str:
    """The Git-host account of a commit author: the local part of the e-mail address."""
    local = email.strip().strip("<>").split("@", 1)[0]
    if "+" in local and local.split("+", 1)[0].isdigit():  # GitHub noreply: 12345+login@users.noreply.github.com
        local = local.split("+", 1)[1]
    return local.lower()


def is_office(unit: Unit) -> bool:
    return unit.type == OFFICE_TYPE


def office_units(units: Mapping[str, Unit]) -> list[Unit]:
    return sorted((u for u in units.values() if is_office(u)), key=lambda u: u.id)


def office_accounts(units: Mapping[str, Unit]) -> set[str]:
    """The hotline office's accounts (as ``login`` gives them)."""
    return {login(a) for u in office_units(units) for a in u.maintainers}


def units_of(account: str, units: Mapping[str, Unit]) -> set[str]:
    """The ids of the units ``account`` maintains."""
    me = login(account)
    return {u.id for u in units.values() if me in {login(m) for m in u.maintainers}}


def maintainers(accounts: Iterable[str]) -> list[str]:
    """Accounts without ``@``, first spelling kept, duplicates (by ``login``) dropped; anything that is not a
    host account name (``ACCOUNT``: ``x\n* @wangli`` would give wangli the whole repository) is left out."""
    seen: set[str] = set()
    out = []
    for a in accounts:
        if not ACCOUNT.match(a):
            continue  # never written into CODEOWNERS (hotline check reports it)
        name = a.strip().lstrip("@")
        if name and login(name) not in seen:
            seen.add(login(name))
            out.append(name)
    return out


@dataclass
class Version:
    """One version of a unit file, with the committer time of the main-line commit that brought it."""

    committed_at: datetime  # Beijing time
    sha: str
    unit: Unit | None  # None: deleted


@dataclass
class UnitVersions:
    """Every version of each unit file (read from Git by ``history.unit_versions``): ``at(unit, when)`` is the
    version in force at ``when`` (None: the file was not yet committed)."""

    versions: dict[str, list[Version]] = field(default_factory=dict)  # oldest first

    def at(self, unit_id: str, when: datetime) -> Version | None:
        vs = self.versions.get(unit_id, [])
        i = bisect_right([v.committed_at for v in vs], when)
        return vs[i - 1] if i else None
