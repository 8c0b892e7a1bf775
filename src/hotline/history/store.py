"""The history reader (Git 历史): which commit brought each event and each unit change into the records.

One pass over the history (``history.walk``): a single ``git log --raw`` (newest first, merges compared
with their first parent) lists the order and unit files each commit changed, with old and new blob ids; a single
``git cat-file --batch-command`` streams the new versions while ``git log`` is still running. Each
version is compared with the version before it (which arrives a little later in the stream): when the
newer one merely extends the older — the normal, append-only case — the appended list items (``events``
of an order, ``changes`` of a unit; see ``yamlitems``) were introduced by that commit; otherwise both
versions' items are compared, and an item that disappeared was changed or deleted by that commit.

An item is identified by its text, so an event keeps the commit that first recorded it whatever is
appended after it, a file moved to another folder keeps its history, and a merely reformatted event is
not a changed one. A removal counts as a rewrite only on the main line (the first-parent chain of HEAD):
a branch that fixes its own typo before it is merged has rewritten nothing that was on main.

This module holds what the walk (``history.walk``) finds, as plain arrays (``Store``), and the view the
rest of the program asks (``History``); ``history.reader`` runs the walk and keeps the cache. In a shallow
clone the commits at the boundary seem to add everything they contain: what they hold is marked as of
unknown origin and the history is reported as incomplete (``shallow``).

Commit authors map to Git-host accounts by the local part of their e-mail address
(``wangli@zezhou.gov.cn`` → ``wangli``; GitHub's ``123+wangli@users.noreply.github.com`` → ``wangli``).
"""

from __future__ import annotations

from array import array
from binascii import hexlify
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from hashlib import blake2b
from pathlib import Path
from typing import NamedTuple, overload

from hotline import __version__
from hotline.records.units import account_of_email
from hotline.records.yaml_items import key_of
from hotline.times import BEIJING

CACHE_NAME = "history"
FORMAT = 3
TRACKED = {"orders": "events", "units": "changes"}
UNKNOWN = -1  # commit of items whose origin lies before a shallow clone's boundary


def tracked_list(path: str) -> str | None:
    """The list key read from ``path``: ``events`` for order files, ``changes`` for unit files."""
    top, _, rest = path.partition("/")
    if not rest or not path.endswith((".yaml", ".yml")):
        return None
    return TRACKED.get(top)


@dataclass(frozen=True, slots=True)
class CommitInfo:
    sha: str
    author: str
    email: str
    time: int  # recorded time: committer time of the first-parent commit on main that brought it in (epoch s)
    first_parent: int  # index of the first parent, -1 when unknown (root, shallow boundary)

    @property
    def account(self) -> str:
        return account_of_email(self.email)

    @property
    def committed_at(self) -> datetime:
        """The recorded time, Beijing local time: when the commit entered the main line (see ``time``)."""
        return datetime.fromtimestamp(self.time, BEIJING).replace(tzinfo=None)

    @property
    def short(self) -> str:
        return self.sha[:9]


class Origin(NamedTuple):
    """Where an item first appeared, and the scalars the checks need from it."""

    commit: int
    at: str | None
    type: str | None
    unit: str | None


@dataclass(frozen=True, slots=True)
class Removal:
    """An item present before a commit and gone after it (a rewrite when the commit is on the main line)."""

    commit: int
    path: str
    index: int  # position of the item in the older version (0-based)
    old_text: str
    old_origin: int  # commit that introduced the removed item
    new_text: str | None  # the item now at that position, when the commit replaced it
    new_line: int  # its line in the newer version (0 when deleted)


class Store:
    """The persistent state: commits, items and the files at HEAD, as arrays (fast to store)."""

    def __init__(self, boundary: frozenset[str] = frozenset()) -> None:
        self.format, self.version = FORMAT, __version__
        self.head = ""
        self.boundary = boundary
        # commits, oldest first
        self.shas = bytearray()  # 20 bytes each
        self.times = array("q")  # committer times as written by the client
        self.landed = array("q")  # recorded times: committer time of the main-line commit that brought each in
        self.parents = array("i")  # first parent, -1 unknown
        self.who = array("i")  # index into people
        self.people: list[tuple[str, str]] = []
        # items: every distinct text ever introduced into a tracked list, with its first commit
        self.item_key = array("q")
        self.item_commit = array("i")
        self.item_at: list[str | None] = []
        self.item_type = array("H")
        self.item_unit = array("H")
        self.names: list[str | None] = [None]  # interned type and unit names (0: none)
        # files at HEAD
        self.paths: list[str] = []
        self.f_blob = bytearray()  # 20 bytes each; zeros: deleted
        self.f_size = array("i")
        self.f_lines = array("i")
        self.f_indent = array("b")
        self.f_items = array("i")  # (start, count) into fi_item/fi_line
        self.fi_item = array("i")
        self.fi_line = array("i")
        self.f_known = array("i")  # (start, count) into fk_key/fk_item: every item ever seen in the file
        self.fk_key = array("q")
        self.fk_item = array("i")
        self.removals: list[Removal] = []
        self.oversized: list[tuple[str, str, int]] = []  # (commit, path, size) of versions too large to read

    def compact(self) -> None:
        """Drop the item lists of files rewritten since the last compaction once they are most of the arrays."""
        live_items = sum(c for c in self.f_items[1::2] if c > 0)
        live_known = sum(self.f_known[1::2])
        if len(self.fi_item) <= 2 * live_items + 1024 and len(self.fk_key) <= 2 * live_known + 1024:
            return
        fi_item, fi_line, fk_key, fk_item = array("i"), array("i"), array("q"), array("i")
        for i in range(len(self.paths)):
            start, count = self.f_items[2 * i], self.f_items[2 * i + 1]
            if count >= 0:
                self.f_items[2 * i] = len(fi_item)
                fi_item.extend(self.fi_item[start : start + count])
                fi_line.extend(self.fi_line[start : start + count])
            start, count = self.f_known[2 * i], self.f_known[2 * i + 1]
            self.f_known[2 * i] = len(fk_key)
            fk_key.extend(self.fk_key[start : start + count])
            fk_item.extend(self.fk_item[start : start + count])
        self.fi_item, self.fi_line, self.fk_key, self.fk_item = fi_item, fi_line, fk_key, fk_item


class _Commits:
    """A read-only sequence view of the stored commits."""

    def __init__(self, store: Store) -> None:
        self.s = store

    def __len__(self) -> int:
        return len(self.s.times)

    @overload
    def __getitem__(self, i: int) -> CommitInfo: ...
    @overload
    def __getitem__(self, i: slice) -> list[CommitInfo]: ...
    def __getitem__(self, i: int | slice) -> CommitInfo | list[CommitInfo]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        s = self.s
        author, email = s.people[s.who[i]]
        return CommitInfo(hexlify(s.shas[20 * i : 20 * i + 20]).decode(), author, email, s.landed[i], s.parents[i])

    def __iter__(self) -> Iterator[CommitInfo]:
        return (self[i] for i in range(len(self)))


@dataclass
class History:
    """What the history says about the records as of HEAD (``read``)."""

    root: Path
    head: str | None
    shallow: bool
    store: Store = field(repr=False)
    cold: bool = True  # whether this run read the whole history
    commits_read: int = 0
    _index: dict[str, int] | None = field(default=None, repr=False)
    _rewrites: list[Removal] | None = field(default=None, repr=False)  # computed once: timeline() asks per order
    _by_path: dict[str, list[Removal]] | None = field(default=None, repr=False)

    @property
    def commits(self) -> _Commits:
        return _Commits(self.store)

    def commit(self, index: int) -> CommitInfo | None:
        return self.commits[index] if 0 <= index < len(self.store.times) else None

    def _file(self, path: str) -> int | None:
        if self._index is None:
            self._index = {p: i for i, p in enumerate(self.store.paths) if self.store.f_items[2 * i + 1] >= 0}
        return self._index.get(path)

    def paths(self, prefix: str = "") -> list[str]:
        s = self.store
        return [p for i, p in enumerate(s.paths) if p.startswith(prefix) and s.f_items[2 * i + 1] >= 0]

    def origin(self, item: int) -> Origin:
        s = self.store
        return Origin(s.item_commit[item], s.item_at[item], s.names[s.item_type[item]], s.names[s.item_unit[item]])

    def items(self, path: str) -> list[tuple[int, Origin, int]]:
        """(line, origin, key) of each item of ``path`` as committed at HEAD."""
        i = self._file(path)
        if i is None:
            return []
        s = self.store
        start, count = s.f_items[2 * i], s.f_items[2 * i + 1]
        return [
            (s.fi_line[j], self.origin(s.fi_item[j]), s.item_key[s.fi_item[j]]) for j in range(start, start + count)
        ]

    def rows(self, prefix: str) -> Iterator[tuple[str, int, int, int]]:
        """(path, position from 1, line, item) of every item at HEAD under ``prefix`` (fast, for checks)."""
        s = self.store
        f_items, fi_item, fi_line = s.f_items, s.fi_item, s.fi_line
        for i, p in enumerate(s.paths):
            count = f_items[2 * i + 1]
            if count <= 0 or not p.startswith(prefix):
                continue
            start = f_items[2 * i]
            for n in range(count):
                yield p, n + 1, fi_line[start + n], fi_item[start + n]

    def origin_of(self, path: str, text: str) -> Origin | None:
        """The origin of an item (given by its text) of ``path``, None when it was never committed."""
        i = self._file(path)
        if i is None:
            return None
        s = self.store
        key = key_of(text)
        start, count = s.f_known[2 * i], s.f_known[2 * i + 1]
        for j in range(start, start + count):
            if s.fk_key[j] == key:
                return self.origin(s.fk_item[j])
        return None

    @property
    def rewrites(self) -> list[Removal]:
        """Removals made on the first-parent chain of HEAD (merges count as their first-parent diff)."""
        if self._rewrites is not None:
            return self._rewrites
        s = self.store
        if not s.removals:
            self._rewrites = []
            return self._rewrites
        main: set[int] = set()
        i = len(s.times) - 1
        while i >= 0 and i not in main:
            main.add(i)
            i = s.parents[i]
        self._rewrites = sorted((r for r in s.removals if r.commit in main), key=lambda r: (r.commit, r.path, r.index))
        return self._rewrites

    @property
    def rewrites_by_path(self) -> dict[str, list[Removal]]:
        """``rewrites`` by file."""
        if self._by_path is None:
            self._by_path = {}
            for r in self.rewrites:
                self._by_path.setdefault(r.path, []).append(r)
        return self._by_path

    def known_digest(self, path: str) -> bytes:
        """A digest of what the history knows of ``path``: every item ever seen in it, with the commit that
        introduced it (id and recorded time), and its rewrites on the main line. ``timeline`` of a file whose
        text and ``known_digest`` are unchanged is unchanged (for the same rules and calendar)."""
        d = blake2b(digest_size=16)
        i = self._file(path)
        if i is not None:
            s = self.store
            start, count = s.f_known[2 * i], s.f_known[2 * i + 1]
            d.update(s.fk_key[start : start + count].tobytes())
            for j in s.fk_item[start : start + count]:
                c = s.item_commit[j]
                d.update(
                    s.shas[20 * c : 20 * c + 20] + s.landed[c].to_bytes(8, "little", signed=True) if c >= 0 else b"?"
                )
        for r in self.rewrites_by_path.get(path, ()):
            d.update(f"\0{r.commit}\0{r.old_text}\0{r.new_text}".encode("utf-8", "surrogatepass"))
        return d.digest()

    @property
    def boundary_time(self) -> datetime | None:
        """The earliest visible commit time in a shallow clone."""
        s = self.store
        times = [s.times[i] for i in range(len(s.times)) if s.parents[i] < 0]
        return datetime.fromtimestamp(min(times), BEIJING).replace(tzinfo=None) if times else None
