"""The walk of the history reader (历史读取过程): one ``git log`` piped into one ``git cat-file``.

``Walk(root, store, prefix).run(revisions)`` reads the commits newest first, and ``walk_store.store_walk`` writes
what it found into the store. Each new version of a
tracked file waits, by the blob id of the version before it, until that version arrives later in the
stream; then the two are compared (``settle``): an append-only change is a plain prefix match, and the
appended items were introduced by the commit; anything else compares both versions' items, records what
disappeared as a removal and keeps a reformatted event's origin. Items that turn out to be one event —
moved to another file, written differently — are joined, and the older origin wins. Versions whose
predecessor is not in this walk are settled against the stored state (incremental reads) or read at the
end. ``store`` (``history.Store``) then receives the commits, items and files at HEAD (``walk_store``).
"""

from __future__ import annotations

import io
import queue
import subprocess
import threading
from binascii import hexlify, unhexlify
from collections import Counter, deque
from dataclasses import dataclass
from hashlib import sha1
from pathlib import Path
from typing import cast

from hotline.git import commands as gitcmd
from hotline.history.store import TRACKED, UNKNOWN, Removal, Store, tracked_list
from hotline.records.yaml_items import (
    at_type_unit,
    item_indent,
    items_or_yaml,
    key_of,
    same_item,
    tail_items,
)

_PENDING = -2  # an item whose introducing commit has not been met yet
_LOG_FORMAT = "--format=%x01%H%x00%P%x00%an%x00%ae%x00%ct"
# ``git log --diff-merges=first-parent --raw --no-renames --no-abbrev -z`` of the commits given on standard input, each
# with its header even when it changed nothing (``--always``), the first commit's files as added (``--root``)
_DIFF_ARGS = (
    *("--stdin", "--always", "--root", "--diff-merges=first-parent"),
    *("-r", "--raw", "--no-renames", "--no-abbrev", "-z", _LOG_FORMAT),
)
_PARTS = 2  # git processes diffing side by side (the walk's own reading is one process: more would wait for it)
_PART_MIN = 500  # commits in a part at least: fewer are diffed by one process
_BATCH = 400  # blobs per cat-file request batch (two batches of ids stay well under a pipe's 64 KiB)
_NULL = "0" * 40


@dataclass(slots=True)
class FileState:
    """One file while a walk touches it."""

    blob: str
    size: int
    lines: int
    indent: int
    items: list[tuple[int, int]] | None  # (key, line) at HEAD; None: unchanged from the store
    known: dict[int, int]  # key -> item
    deleted: bool = False
    seen: bool = False  # its newest version in this walk has been met (the version at HEAD)


# --- the answer ------------------------------------------------------------------------------------


def _diffs(root: Path, revisions: str) -> list[subprocess.Popen]:
    """``git log --raw`` of ``revisions`` in parts that run side by side: the commits as ``git log`` lists them, split
    into consecutive parts, each diffed by a ``git diff-tree --stdin`` of its own (the same output, part after part:
    reading the trees is most of git's work, and one process does it on one core)."""
    shas = gitcmd.run(root, "rev-list", revisions, "--").splitlines(keepends=True)
    size = max(1, -(-len(shas) // (_PARTS if len(shas) >= _PARTS * _PART_MIN else 1)))
    return [
        gitcmd.stream(root, "diff-tree", *_DIFF_ARGS, feed=b"".join(shas[i : i + size]))
        for i in range(0, len(shas), size)
    ]


class Walk:
    """One pass over ``revisions``, newest first; each file version is settled when the one before it arrives."""

    def __init__(self, root: Path, store: Store, prefix: str) -> None:
        self.root = root
        self.s = store
        self.prefix = prefix + "/" if prefix else ""
        self.item_base = len(store.item_key)  # items created before this run keep their commit
        self.files: dict[str, FileState] = {}  # touched in this run
        self.path_index = {p: i for i, p in enumerate(store.paths)} if store.paths else {}
        # versions waiting for the version before them, by that version's blob id (a blob id is its content,
        # so whichever file holds it, it settles them the same way)
        self.waiting: dict[str, list[tuple]] = {}
        self.moves: dict[int, dict[int, tuple[str, int]]] = {}
        self.parent: dict[int, int] = {}  # joined items
        self.run_shas: list[bytes] = []
        self.run_parents: list[bytes] = []
        self.parent_lists: dict[str, list[str]] = {}  # every parent of each commit walked (``reader.landed_times``)
        self.run_times: list[int] = []
        self.run_who: list[int] = []
        self.people = {p: i for i, p in enumerate(store.people)}
        self.people_raw: dict[tuple[bytes, bytes], int] = {}
        self.names = {n: i for i, n in enumerate(store.names)}
        self.removals: list[Removal] = []  # with run-local commit numbers
        self.merges = False
        self._reader: gitcmd.BlobReader | None = None
        self._scanned: tuple = (None, [])  # the last full scan (content, items), reused for a new file

    # --- the pipeline -----------------------------------------------------------------------------
    def run(self, revisions: str) -> None:
        diffs = _diffs(self.root, revisions)
        parts: list[queue.Queue] = [queue.Queue() for _ in diffs]  # unbounded: a later part is kept while read

        def drain(proc: subprocess.Popen, part: queue.Queue) -> None:  # only moves bytes: git never waits for us
            # stream() opens stdout as a pipe, unbuffered by us: a BufferedReader, which has read1
            read = cast(io.BufferedReader, proc.stdout).read1
            while chunk := read(1 << 20):
                part.put(chunk)
            part.put(b"")

        drainers = [threading.Thread(target=drain, args=pair, daemon=True) for pair in zip(diffs, parts)]
        for t in drainers:
            t.start()
        self.cat = gitcmd.BatchReader(self.root)
        pending: deque[list] = deque()
        batch: list = []
        wanted: list[str] = []
        rest = b""
        try:
            # the parts' outputs one after the other are ``git log``'s: records that each begin with \x01
            for part in [*parts, None]:
                while True:
                    chunk = part.get() if part is not None else b""
                    if chunk:
                        records = (rest + chunk).split(b"\x01")
                        rest = records.pop()
                    elif part is None:
                        records, rest = [rest], b""
                    else:
                        break
                    for rec in records:
                        if not rec:
                            continue
                        parsed = self._parse(rec)
                        batch.append(parsed)
                        wanted += parsed[-1]
                        if len(wanted) >= _BATCH:
                            self.cat.request(wanted)
                            pending.append(batch)
                            batch, wanted = [], []
                            while len(pending) > 1:
                                self._process(pending.popleft())
                    if part is None:
                        break
            self.cat.request(wanted)
            pending.append(batch)
            while pending:
                self._process(pending.popleft())
        except BaseException:
            for proc in diffs:
                proc.kill()
            raise
        finally:
            self.cat.close()
        for t in drainers:
            t.join()
        for proc in diffs:
            gitcmd.finish(proc, "diff-tree")
        try:
            self._settle_leftovers()
            if self.merges:
                self._check_head_versions()
        finally:
            if self._reader:
                self._reader.close()

    def _parse(self, rec: bytes) -> tuple:
        """One commit of ``git log -z --raw`` output: header fields and the tracked files it changed."""
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
                new = _NULL
            if meta[1:3] != b"10":
                old = _NULL
            changes.append((path, key, old, new))
            if new != _NULL:
                wanted.append(new)
        return parts[0], parts[1], parts[2], parts[3], parts[4], changes, wanted

    def _process(self, batch: list) -> None:
        for sha, parents, author, email, ctime, changes, _ in batch:
            c = len(self.run_times)
            self.run_shas.append(unhexlify(sha))
            self.run_parents.append(unhexlify(parents[:40]) if parents else b"")
            self.parent_lists[sha.decode()] = parents.decode().split()
            if len(parents) > 40:
                self.merges = True
            self.run_times.append(int(ctime or 0))
            who = self.people_raw.get((author, email))
            if who is None:
                person = (author.decode("utf-8", "replace"), email.decode("utf-8", "replace"))
                who = self.people.setdefault(person, len(self.people))
                self.people_raw[(author, email)] = who
            self.run_who.append(who)
            if not changes:
                continue
            boundary = bool(self.s.boundary) and sha.decode() in self.s.boundary
            if len(changes) > 1 and any(ch[3] == _NULL for ch in changes) and any(ch[2] == _NULL for ch in changes):
                self.moves[c] = {}
            for path, key, old, new in changes:
                content = self.cat.next() if new != _NULL else None
                if content is None and new != _NULL:
                    content = b""
                if isinstance(content, gitcmd.TooLarge):  # read as empty; reported (audit: file-too-large)
                    self.s.oversized.append((sha.decode(), path, content.size))
                self._version(c, boundary, path, key, old, new, content)

    # --- one file version -------------------------------------------------------------------------
    def _file(self, path: str) -> FileState:
        fs = self.files.get(path)
        if fs is None:
            i = self.path_index.get(path)
            s = self.s
            if i is not None and s.f_items[2 * i + 1] >= 0:
                start, count = s.f_known[2 * i], s.f_known[2 * i + 1]
                known = dict(zip(s.fk_key[start : start + count], s.fk_item[start : start + count]))
                fs = FileState(
                    hexlify(s.f_blob[20 * i : 20 * i + 20]).decode(),
                    s.f_size[i],
                    s.f_lines[i],
                    s.f_indent[i],
                    None,
                    known,
                )
            else:
                fs = FileState(_NULL, 0, 0, -1, None, {})
            self.files[path] = fs
        return fs

    def _version(self, c: int, boundary: bool, path: str, key: str, old: str, new: str, content: bytes | None) -> None:
        fs = self._file(path)
        if not fs.seen:  # first met in this walk: the newest version, the one at HEAD
            self._set_head(fs, new, content, key)
        if content is not None:
            ws = self.waiting.pop(new, None)
            if ws:
                for w in ws:
                    self._settle(w, content)
        w = (c, boundary, path, key, content)
        if old == _NULL:
            self._settle(w, b"", created=True)
        else:
            ws = self.waiting.get(old)
            if ws is None:
                self.waiting[old] = [w]
            else:
                ws.append(w)

    def _set_head(self, fs: FileState, blob: str, content: bytes | None, key: str) -> None:
        fs.seen = True
        if content is None:
            fs.deleted, fs.items = True, []
            return
        text = content.decode("utf-8", "replace")
        found = items_or_yaml(text, key)
        self._scanned = (content, found)
        fs.deleted = False
        fs.blob, fs.size, fs.lines = blob, len(content), text.count("\n")
        fs.indent = item_indent(text, found[0][1]) if found else -1
        fs.items = [(key_of(t), line) for t, line in found]

    def _settle(
        self, w: tuple, older: bytes, created: bool = False, older_items: list[tuple[str, int]] | None = None
    ) -> None:
        """Compare a version (``w``) with the one before it (``older``): what its commit added and removed."""
        c, boundary, path, key, newer = w
        fs = self.files[path]
        commit = UNKNOWN if boundary else c
        if newer is None:  # the commit deleted the file
            moved = self.moves.get(c)
            for i, (t, _) in enumerate(older_items or items_or_yaml(older.decode("utf-8", "replace"), key)):
                k = key_of(t)
                if moved and k in moved:  # moved to another file in the same commit: one history
                    item = moved[k][1]
                    fs.known[k] = self._join(fs.known[k], item) if k in fs.known else item
                    continue
                self.removals.append(Removal(c, path, i, t, k, None, 0))
            return
        if not created and len(newer) > len(older) and newer.startswith(older):
            added = tail_items(newer[len(older) :].decode("utf-8", "replace"), fs.indent, 0)
            if added is not None:
                for t, _ in added:
                    self._introduce(fs, key_of(t), commit, t)
                return
        new_found = (
            self._scanned[1] if self._scanned[0] is newer else items_or_yaml(newer.decode("utf-8", "replace"), key)
        )
        if created:
            moves = self.moves.get(c)
            for t, _ in new_found:
                k = key_of(t)
                item = self._introduce(fs, k, commit, t)
                if moves is not None:
                    moves[k] = (path, item)
            return
        old_found = (
            older_items
            if older_items is not None
            else (items_or_yaml(older.decode("utf-8", "replace"), key) if older else [])
        )
        new_keys = [key_of(t) for t, _ in new_found]
        old_keys = [key_of(t) for t, _ in old_found]
        old_counts = Counter(old_keys)
        gone = old_counts - Counter(new_keys)
        reformatted: dict[int, int] = {}
        if gone:
            for i, (k, (t_old, _)) in enumerate(zip(old_keys, old_found)):
                if gone.get(k, 0) <= 0:
                    continue
                gone[k] -= 1
                repl = (
                    (new_found[i][0], new_found[i][1], new_keys[i])
                    if i < len(new_keys) and new_keys[i] not in old_counts
                    else None
                )
                if repl and same_item(t_old, repl[0]):
                    reformatted[repl[2]] = k  # the same event, written differently: keeps its origin
                    continue
                self.removals.append(Removal(c, path, i, t_old, k, repl[0] if repl else None, repl[1] if repl else 0))
        new_set = Counter(new_keys) - old_counts
        for k, (t, _) in zip(new_keys, new_found):
            if new_set.get(k, 0) <= 0:
                continue
            new_set[k] -= 1
            if k in reformatted:
                self._same(fs, k, reformatted[k], t)
                continue
            self._introduce(fs, k, commit, t)

    # items that turn out to be one event (moved, reformatted) are joined; the older origin wins
    def find(self, item: int) -> int:
        parent = self.parent
        while item in parent:
            item = parent[item]
        return item

    def _older(self, a: int, b: int) -> bool:
        """Whether item ``a``'s origin is older than ``b``'s (walk order: a higher run number is older)."""
        if a < self.item_base or b < self.item_base:
            return a < b
        ca, cb = self.s.item_commit[a], self.s.item_commit[b]
        if ca == _PENDING or cb == _PENDING:
            return cb == _PENDING
        return ca == UNKNOWN or (cb != UNKNOWN and ca >= cb)

    def _join(self, a: int, b: int) -> int:
        a, b = self.find(a), self.find(b)
        if a == b:
            return a
        keep, drop = (a, b) if self._older(a, b) else (b, a)
        self.parent[drop] = keep
        return keep

    def _same(self, fs: FileState, k_new: int, k_old: int, text: str) -> None:
        """``k_new`` is ``k_old`` written differently: one event."""
        a, b = fs.known.get(k_new), fs.known.get(k_old)
        if a is not None and b is not None:
            item = self._join(a, b)
        elif a is not None:
            item = a
        elif b is not None:
            item = b
        else:
            item = self._new_item(k_old, _PENDING, text)
        fs.known[k_new] = fs.known[k_old] = item

    def _introduce(self, fs: FileState, k: int, commit: int, text: str) -> int:
        item = fs.known.get(k)
        if item is None:
            item = self._new_item(k, commit, text)
            fs.known[k] = item
            return item
        item = self.find(item)
        if item >= self.item_base:  # seen in a newer commit of this walk: the older introduction wins
            current = self.s.item_commit[item]
            if current == _PENDING or (current != UNKNOWN and (commit == UNKNOWN or commit > current)):
                self.s.item_commit[item] = commit
        return item

    def _new_item(self, k: int, commit: int, text: str) -> int:
        s = self.s
        at, typ, unit = at_type_unit(text)
        s.item_key.append(k)
        s.item_commit.append(commit)
        s.item_at.append(at)
        names = self.names
        s.item_type.append(names[typ] if typ in names else self._name(typ))
        s.item_unit.append(names[unit] if unit in names else self._name(unit))
        return len(s.item_key) - 1

    def _name(self, name: str | None) -> int:
        if name is None:
            return 0
        i = self.names.get(name)
        if i is None:
            i = self.names[name] = len(self.s.names)
            self.s.names.append(name)
        return i

    # --- after the walk ---------------------------------------------------------------------------
    def blob_text(self, sha: str) -> bytes:
        if self._reader is None:
            self._reader = gitcmd.BlobReader(self.root)
        return self._reader.read(sha) or b""

    def _settle_leftovers(self) -> None:
        """Versions whose predecessor was not in this walk: the stored version, or read it now."""
        s = self.s
        for old, ws in self.waiting.items():
            for w in ws:
                path, newer = w[2], w[4]
                i = self.path_index.get(path)
                stored = i is not None and hexlify(s.f_blob[20 * i : 20 * i + 20]).decode() == old
                if (
                    stored
                    and i is not None
                    and newer is not None
                    and len(newer) > s.f_size[i]
                    and sha1(b"blob %d\0" % s.f_size[i] + newer[: s.f_size[i]]).digest() == unhexlify(old)
                ):
                    fs = self.files[path]
                    added = tail_items(newer[s.f_size[i] :].decode("utf-8", "replace"), s.f_indent[i], 0)
                    if added is not None:
                        for t, _ in added:
                            self._introduce(fs, key_of(t), UNKNOWN if w[1] else w[0], t)
                        continue
                self._settle(w, self.blob_text(old))
        self.waiting.clear()

    def _check_head_versions(self) -> None:
        """With merges in the walk the newest version seen may not be HEAD's: ask git for HEAD's blobs."""
        out = gitcmd.run(
            self.root, "ls-tree", "-r", "-z", "--full-tree", "HEAD", "--", *(self.prefix + t for t in TRACKED)
        )
        at_head = {}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, raw_path = entry.split(b"\t", 1)
            p = raw_path.decode("utf-8", "surrogateescape")[len(self.prefix) :]
            if tracked_list(p):
                at_head[p] = meta.split()[2].decode()
        for path, fs in self.files.items():
            blob = at_head.get(path)
            if blob is None:
                fs.deleted, fs.items = True, []
            elif (fs.deleted or fs.blob != blob) and (key := tracked_list(path)) is not None:  # files are tracked ones
                self._set_head(fs, blob, self.blob_text(blob), key)
