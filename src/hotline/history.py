"""The history reader (Git 历史): which commit brought each event and each unit change into the records.

One pass over the history: a single ``git log --raw`` lists, for every commit reachable from HEAD (oldest
first, merges compared with their first parent), the order and unit files it changed with their old and
new blob ids; a single ``git cat-file --batch`` streams the new versions' contents while ``git log`` is
still running. Each version's list items (``events`` of an order, ``changes`` of a unit; see
``yamlitems``) are compared with the previous version's: an item seen for the first time was introduced
by that commit (its id, author and committer time); an item that disappears was changed or deleted.

An item is identified by its text, so an event keeps the commit that first recorded it whatever is
appended after it, a file moved to another folder keeps its history, and a merely reformatted event is
not a changed one. A removal counts as a rewrite only on the main line (the first-parent chain of HEAD):
a branch that fixes its own typo before it is merged has rewritten nothing that was on main.

The result is cached in ``.cache/hotline/history.pickle`` together with the last commit read; the next
run reads only ``last..HEAD`` (or everything again when HEAD no longer descends from it). In a shallow
clone the commits at the boundary seem to add everything they contain: what they hold is marked as of
unknown origin and the history is reported as incomplete (``shallow``).

Commit authors map to Git-host accounts by the local part of their e-mail address
(``wangli@zezhou.gov.cn`` → ``wangli``; GitHub's ``123+wangli@users.noreply.github.com`` → ``wangli``).
"""

from __future__ import annotations

import pickle
import queue
import sys
import threading
from collections import Counter
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from hashlib import sha1
from pathlib import Path

from . import __version__, gitcmd
from .atomic import write_bytes
from .timefmt import BEIJING
from .yamlitems import fields, items_or_yaml, key_of, same_item, tail_items

CACHE_FILE = Path(".cache") / "hotline" / "history.pickle"
FORMAT = 1
TRACKED = {"orders": "events", "units": "changes"}
UNKNOWN = -1  # commit index of items whose origin lies before a shallow clone's boundary
_LOG_FORMAT = "--format=%x01%H%x00%P%x00%an%x00%ae%x00%ct"
_NO_MOVES: dict = {}
_BATCH = 400  # blobs per cat-file request batch (two batches of ids stay well under a pipe's 64 KiB)


def account_of(email: str) -> str:
    """The Git-host account of a commit author: the local part of the e-mail address."""
    local = email.strip().strip("<>").split("@", 1)[0]
    if "+" in local and local.split("+", 1)[0].isdigit():  # GitHub noreply: 12345+login@users.noreply.github.com
        local = local.split("+", 1)[1]
    return local.lower()


@dataclass(frozen=True, slots=True)
class CommitInfo:
    sha: str
    author: str
    email: str
    time: int  # committer time, seconds since the epoch
    first_parent: int  # index of the first parent among the commits read, -1 when none (root, boundary)

    @property
    def account(self) -> str:
        return account_of(self.email)

    @property
    def committed_at(self) -> datetime:
        """Committer time as Beijing local time (the time the record entered the repository)."""
        return datetime.fromtimestamp(self.time, BEIJING).replace(tzinfo=None)

    @property
    def short(self) -> str:
        return self.sha[:9]


@dataclass(slots=True)
class Origin:
    """Where an item first appeared, and the scalars the checks need from it."""

    commit: int
    at: str | None
    type: str | None
    unit: str | None


@dataclass(slots=True)
class FileState:
    blob: str
    items: tuple[tuple[int, int], ...]  # (key, line) of the version last read
    origins: dict[int, Origin]  # every item key ever seen in this file
    size: int = 0  # bytes of that version: a new version that starts with it only appended
    lines: int = 0  # its number of lines
    indent: int = -1  # indentation of its list items


@dataclass(frozen=True, slots=True)
class Removal:
    """An item present before a commit and gone after it (a rewrite when the commit is on the main line)."""

    commit: int
    path: str
    index: int  # position of the item in the old version (0-based)
    old_text: str
    old_origin: int  # commit index that introduced the removed item
    new_text: str | None  # the item now at that position, when the commit replaced it
    new_line: int  # its line in the new version (0 when the file was deleted)


@dataclass
class State:
    format: int = FORMAT
    version: str = __version__
    head: str = ""
    boundary: frozenset[str] = frozenset()
    commits: list[CommitInfo] = field(default_factory=list)
    files: dict[str, FileState] = field(default_factory=dict)
    removals: list[Removal] = field(default_factory=list)


@dataclass
class History:
    """What the history says about the records as of HEAD (``read``)."""

    root: Path
    head: str | None
    shallow: bool
    commits: list[CommitInfo]
    files: dict[str, FileState]
    rewrites: list[Removal]
    cold: bool = True  # whether this run read the whole history
    commits_read: int = 0

    def items(self, path: str) -> list[tuple[int, Origin, int]]:
        """(line, origin, key) of each item of ``path`` as committed at HEAD."""
        st = self.files.get(path)
        if st is None:
            return []
        return [(line, st.origins[k], k) for k, line in st.items]

    def origin_of(self, path: str, text: str) -> Origin | None:
        """The origin of an item (given by its text) of ``path``, None when it was never committed."""
        st = self.files.get(path)
        return st.origins.get(key_of(text)) if st else None

    def commit(self, index: int) -> CommitInfo | None:
        return self.commits[index] if 0 <= index < len(self.commits) else None

    @property
    def boundary_time(self) -> datetime | None:
        """The earliest visible commit time in a shallow clone."""
        times = [c.time for c in self.commits if c.first_parent < 0]
        return datetime.fromtimestamp(min(times), BEIJING).replace(tzinfo=None) if times else None


def tracked_list(path: str) -> str | None:
    """The list key read from ``path``: ``events`` for order files, ``changes`` for unit files."""
    top, _, rest = path.partition("/")
    if not rest or not path.endswith((".yaml", ".yml")):
        return None
    return TRACKED.get(top)


# --- reading -------------------------------------------------------------------------------------


def read(root: Path | str, *, use_cache: bool = True) -> History | None:
    """The history of the records repository at ``root``; None when it is not in a Git work tree."""
    root = Path(root)
    top = gitcmd.toplevel(root)
    if top is None:
        return None
    prefix = root.resolve().relative_to(top.resolve()).as_posix() if root.resolve() != top.resolve() else ""
    head = gitcmd.head(root)
    boundary = gitcmd.shallow_boundary(root)
    if head is None:
        return History(root, None, bool(boundary), [], {}, [])
    cache_path = root / CACHE_FILE
    state = _load(cache_path) if use_cache else None
    if state is not None and state.boundary != boundary:
        state = None
    cold = state is None
    if state is not None and state.head != head and not gitcmd.is_ancestor(root, state.head, head):
        state, cold = None, True
    if state is None:
        state = State(boundary=boundary)
    before = len(state.commits)
    if state.head != head:
        _Walker(root, state, prefix).walk(f"{state.head}..{head}" if state.head else head)
        state.head = head
        if use_cache:
            try:
                write_bytes(cache_path, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:
                pass  # a read-only checkout still gets its answer
    rewrites = _mainline_removals(state)
    return History(root, head, bool(boundary), state.commits, state.files, rewrites, cold, len(state.commits) - before)


def _load(path: Path) -> State | None:
    try:
        with open(path, "rb") as fh:
            state = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if not isinstance(state, State) or state.format != FORMAT or state.version != __version__:
        return None
    return state


def _mainline_removals(state: State) -> list[Removal]:
    """Removals made on the first-parent chain of HEAD (merges count as their first-parent diff)."""
    if not state.removals:
        return []
    main: set[int] = set()
    i = len(state.commits) - 1
    by_sha = None
    if state.commits and state.commits[-1].sha != state.head:
        by_sha = {c.sha: n for n, c in enumerate(state.commits)}
        i = by_sha.get(state.head, -1)
    while i >= 0 and i not in main:
        main.add(i)
        i = state.commits[i].first_parent
    return [r for r in state.removals if r.commit in main]


class _Walker:
    """One pass: ``git log --raw`` piped into ``git cat-file --batch``, consumed in commit order."""

    def __init__(self, root: Path, state: State, prefix: str) -> None:
        self.root = root
        self.state = state
        self.prefix = prefix + "/" if prefix else ""
        self.index = {c.sha: n for n, c in enumerate(state.commits)}
        self._reader: gitcmd.BlobReader | None = None

    # a second, unbuffered cat-file for the rare random reads (old versions, merges)
    def blob_text(self, sha: str) -> str:
        if self._reader is None:
            self._reader = gitcmd.BlobReader(self.root)
        data = self._reader.read(sha)
        return data.decode("utf-8", "replace") if data is not None else ""

    def walk(self, revisions: str) -> None:
        """Read ``revisions`` oldest first. A thread only drains ``git log`` (so it never waits on us);
        blob requests go to cat-file in batches, one batch ahead of the one being processed."""
        log = gitcmd.stream(self.root, "log", "--reverse", "--topo-order", "--diff-merges=first-parent", "--raw",
                            "--no-renames", "--no-abbrev", "-z", _LOG_FORMAT, revisions, "--")
        chunks: queue.Queue = queue.Queue(maxsize=64)

        def drain() -> None:
            read = log.stdout.read1
            while True:
                chunk = read(1 << 20)
                chunks.put(chunk)
                if not chunk:
                    return

        drainer = threading.Thread(target=drain, daemon=True)
        drainer.start()
        self.cat = gitcmd.BatchReader(self.root)
        pending: deque[list] = deque()
        batch: list = []
        wanted: list[str] = []
        rest = b""
        try:
            while True:
                chunk = chunks.get()
                records = (rest + chunk).split(b"\x01") if chunk else [rest]
                rest = records.pop() if chunk else b""
                for rec in records:
                    if not rec:
                        continue
                    parsed = self._parse(rec)
                    batch.append(parsed)
                    wanted += parsed[5]
                    if len(wanted) >= _BATCH:
                        self.cat.request(wanted)
                        pending.append(batch)
                        batch, wanted = [], []
                        while len(pending) > 1:
                            self._process(pending.popleft())
                if not chunk:
                    break
            self.cat.request(wanted)
            pending.append(batch)
            while pending:
                self._process(pending.popleft())
        finally:
            drainer.join(timeout=0 if log.poll() is None else None)
            self.cat.close()
            if self._reader:
                self._reader.close()
        gitcmd.finish(log, "log")

    def _process(self, batch: list) -> None:
        for sha, parents, author, email, ctime, wanted, changes in batch:
            self._commit(sha, parents, author, email, ctime, changes)

    def _parse(self, rec: bytes) -> tuple:
        """One commit of ``git log -z --raw`` output: header fields, tracked changes, blobs to read."""
        parts = rec.split(b"\x00")
        changes = []
        wanted = []
        i, n = 5, len(parts) - 1
        prefix, plen = self.prefix, len(self.prefix)
        while i < n:
            meta = parts[i]
            if meta[:1] != b":":
                meta = meta.lstrip(b"\n")
                if meta[:1] != b":":
                    i += 1
                    continue
            path = parts[i + 1].decode("utf-8", "surrogateescape")
            i += 2
            if plen:
                if not path.startswith(prefix):
                    continue
                path = path[plen:]
            key = tracked_list(path)
            if key is None:
                continue
            # :old_mode new_mode old_sha new_sha status
            old, new = meta[15:55].decode(), meta[56:96].decode()
            if meta[8:10] != b"10":  # not a regular file (deleted, submodule, symlink)
                new = gitcmd.NULL_SHA
            if meta[1:3] != b"10":
                old = gitcmd.NULL_SHA
            changes.append((path, key, old, new))
            if new != gitcmd.NULL_SHA:
                wanted.append(new)
        return (parts[0].decode(), parts[1].decode(), parts[2].decode("utf-8", "replace"),
                parts[3].decode("utf-8", "replace"), int(parts[4] or 0), wanted, changes)

    # --- one commit -------------------------------------------------------------------------------
    def _commit(self, sha, parents, author, email, ctime, changes) -> None:
        st = self.state
        plist = parents.split()
        first = self.index.get(plist[0], -1) if plist else -1
        idx = len(st.commits)
        st.commits.append(CommitInfo(sha, author, email, ctime, first))
        self.index[sha] = idx
        origin_commit = UNKNOWN if sha in st.boundary else idx
        if not changes:
            return
        nothing_deleted = True
        for change in changes:
            if change[3] == gitcmd.NULL_SHA:
                nothing_deleted = False
        if nothing_deleted:
            for path, key, old, new in changes:
                self._changed(idx, origin_commit, path, key, old, new, self.cat.next() or b"", _NO_MOVES)
            return
        contents = {}
        for path, key, old, new in changes:
            if new != gitcmd.NULL_SHA:
                contents[path] = self.cat.next() or b""
        # deletions first, so that a file moved in this commit inherits its items' origins
        moved: dict[int, tuple[Origin, str, int, int, str]] = {}
        for path, key, old, new in changes:
            if new == gitcmd.NULL_SHA:
                self._deleted(idx, path, key, old, moved)
        for path, key, old, new in changes:
            if new != gitcmd.NULL_SHA:
                self._changed(idx, origin_commit, path, key, old, new, contents[path], moved)
        for k, (origin, path, index, old_line, text) in moved.items():
            st.removals.append(Removal(idx, path, index, text, origin.commit, None, 0))

    def _old_items(self, path: str, key: str, old: str) -> tuple[list[tuple[int, int]], list[str] | None]:
        """(key, line) of the old version; texts too when it had to be read again."""
        fs = self.state.files.get(path)
        if fs is not None and fs.blob == old:
            return list(fs.items), None
        if old == gitcmd.NULL_SHA:
            return [], None
        found = items_or_yaml(self.blob_text(old), key)
        return [(key_of(t), line) for t, line in found], [t for t, _ in found]

    def _texts(self, path: str, key: str, old: str, cached: list[str] | None) -> list[str]:
        return cached if cached is not None else [t for t, _ in items_or_yaml(self.blob_text(old), key)]

    def _deleted(self, idx: int, path: str, key: str, old: str, moved: dict) -> None:
        fs = self.state.files.pop(path, None)
        old_items, texts = self._old_items(path, key, old) if fs is None or fs.blob != old else (list(fs.items), None)
        if not old_items:
            return
        texts = self._texts(path, key, old, texts)
        origins = fs.origins if fs else {}
        for n, ((k, line), text) in enumerate(zip(old_items, texts)):
            origin = origins.get(k) or _origin(UNKNOWN, text)
            moved[k] = (origin, path, n, line, text)

    def _changed(self, idx: int, origin_commit: int, path: str, key: str, old: str, new: str, data: bytes, moved: dict) -> None:
        st = self.state
        fs = st.files.get(path)
        if fs is not None and fs.blob == old and fs.items and len(data) > fs.size:
            # the usual case: the new version is the old one with items appended (checked against the
            # old blob id, so nothing earlier in the file changed)
            if sha1(b"blob %d\0" % fs.size + data[: fs.size]).hexdigest() == old:
                tail = data[fs.size:].decode("utf-8", "replace")
                added = tail_items(tail, fs.indent, fs.lines + 1)
                if added is not None:
                    origins = fs.origins
                    new_items = list(fs.items)
                    for t, line in added:
                        k = key_of(t)
                        new_items.append((k, line))
                        if k not in origins:
                            origins[k] = moved.pop(k)[0] if moved and k in moved else _origin(origin_commit, t)
                    fs.blob, fs.items, fs.size, fs.lines = new, tuple(new_items), len(data), fs.lines + tail.count("\n")
                    return
        text = data.decode("utf-8", "replace")
        origins = fs.origins if fs is not None else {}
        old_items, old_texts = self._old_items(path, key, old)
        found = items_or_yaml(text, key)
        new_items = [(key_of(t), line) for t, line in found]
        for (k, line), (t, _) in zip(new_items, found):
            if k not in origins:
                if k in moved:
                    origins[k] = moved.pop(k)[0]
                else:
                    origins[k] = _origin(origin_commit, t)
        old_counts = Counter(k for k, _ in old_items)
        gone = old_counts - Counter(k for k, _ in new_items) if old_items else old_counts
        if gone:
            old_texts = self._texts(path, key, old, old_texts)
            new_pos = {i: (t, line, k) for i, ((k, line), (t, _)) in enumerate(zip(new_items, found))}
            for i, ((k, line), t_old) in enumerate(zip(old_items, old_texts)):
                if gone.get(k, 0) <= 0:
                    continue
                gone[k] -= 1
                replaced = new_pos.get(i)
                if replaced and replaced[2] not in old_counts and same_item(t_old, replaced[0]):
                    origins[replaced[2]] = origins.get(k) or origins[replaced[2]]  # reformatted, not changed
                    continue
                origin = origins.get(k)
                self.state.removals.append(
                    Removal(idx, path, i, t_old, origin.commit if origin else UNKNOWN,
                            replaced[0] if replaced and replaced[2] not in old_counts else None,
                            replaced[1] if replaced and replaced[2] not in old_counts else 0)
                )
        indent = _indent(text, found[-1][1]) if found else -1
        st.files[path] = FileState(new, tuple(new_items), origins, len(data), text.count("\n"), indent)


def _origin(commit: int, text: str) -> Origin:
    f = fields(text)
    t, u = f.get("type"), f.get("unit")
    return Origin(commit, f.get("at") or f.get("effective"), sys.intern(t) if t else None, sys.intern(u) if u else None)


def _indent(text: str, line: int) -> int:
    """Indentation of the list item starting on ``line`` (1-based)."""
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return -1
    row = text[start: text.find("\n", start) if text.find("\n", start) >= 0 else len(text)]
    return len(row) - len(row.lstrip(" ")) if row.lstrip(" ").startswith("-") else -1
