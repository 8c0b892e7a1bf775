"""Reading the history (读取 Git 历史): run the walk (``history.walk``) and keep its result cached.

The state is cached by ``util.cache`` (in the user's cache folder, never in the records: a unit could
commit a cache) as plain arrays in MessagePack, with the last commit read; the next run reads only
``last..HEAD`` (everything again when HEAD no longer descends from it). An entry that does not decode
or is not consistent is dropped and the history read again. After each walk the recorded times are
worked out from the main line (``landed_times``).
"""

from __future__ import annotations

from array import array
from itertools import repeat
from operator import add
from pathlib import Path

import msgspec

from hotline import __version__
from hotline.git import commands as gitcmd
from hotline.history.store import CACHE_NAME, FORMAT, History, Removal, Store
from hotline.history.walk import Walk
from hotline.history.walk_store import store_walk
from hotline.util import cache

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
        return History(root, None, bool(boundary), Store(boundary))
    store = _load(root) if use_cache else None
    if store is not None and (
        store.boundary != boundary or (store.head != head and not gitcmd.is_ancestor(root, store.head, head))
    ):
        store = None
    cold = store is None
    if store is None:
        store = Store(boundary)
    before = len(store.times)
    if store.head != head:
        old = store.head
        walk = Walk(root, store, prefix)
        walk.run(f"{old}..{head}" if old else head)
        store_walk(walk)
        store.head = head
        since = old if len(store.landed) == before else ""
        # the walk listed the same commits with their parents as ``rev-list --parents since..head`` would
        listed = walk.parent_lists if (since or "") == (old or "") else None
        store.landed = landed_times(root, store, head, since, listed)
        if use_cache:
            cache.save(root, CACHE_NAME, _dump(store))  # best effort: a read-only cache still gets its answer
    return History(root, head, bool(boundary), store, cold, len(store.times) - before)


def landed_times(
    root: Path, s: Store, head: str, since: str | None = "", listed: dict[str, list[str]] | None = None
) -> array:
    """For each commit, the committer time of the first-parent commit on ``head``'s line that brought it in.

    A commit's own dates are written by the client and prove nothing (``GIT_COMMITTER_DATE=… git commit``
    on a branch, then a merge): what counts is when the main line — protected, written by the host's
    merges and the office — took it. Each commit is visited once. With
    ``since`` (the head of the previous read, whose times are kept) only the new commits are listed,
    unless ``since`` is not on the new main line (then everything is worked out again). ``listed``: the
    commits of ``since..head`` with their parents, as the walk's ``git log`` read them (else one
    ``git rev-list --parents`` lists them here)."""
    index = {bytes(s.shas[20 * i : 20 * i + 20]).hex(): i for i in range(len(s.times))}
    parents: dict[str, list[str]] = listed if listed is not None else {}
    if listed is None:
        revisions = f"{since}..{head}" if since else head
        for line in gitcmd.run(root, "rev-list", "--parents", revisions).decode().splitlines():
            commit, *ps = line.split()
            parents[commit] = ps
    main = []
    sha: str | None = head
    while sha is not None and sha in parents:
        main.append(sha)
        sha = parents[sha][0] if parents[sha] else None
    if since and sha != since:
        return landed_times(root, s, head)  # the old head is not on the main line: all again
    landed = array("q", s.landed) if since else array("q")
    landed.extend(s.times[len(landed) :])  # commits not reached (outside a shallow boundary) keep their own time
    seen: set[str] = set()
    for m in reversed(main):  # oldest first: a commit belongs to the first main commit that reached it
        when = s.times[index[m]] if m in index else None
        stack = [m]
        while stack:
            c = stack.pop()
            if c in seen or c not in parents:  # not listed: read before, its time is kept
                continue
            seen.add(c)
            if when is not None and c in index:
                landed[index[c]] = when
            stack += [p for p in parents[c][1 if c == m else 0 :] if p not in seen]
    return landed


# --- the cache entry: plain data, checked before use ----------------------------------------------

_ARRAYS = {
    "times": "q",
    "landed": "q",
    "parents": "i",
    "who": "i",
    "item_key": "q",
    "item_commit": "i",
    "item_type": "H",
    "item_unit": "H",
    "f_size": "i",
    "f_lines": "i",
    "f_indent": "b",
    "f_items": "i",
    "fi_item": "i",
    "fi_line": "i",
    "f_known": "i",
    "fk_key": "q",
    "fk_item": "i",
}


class _StoreData(msgspec.Struct):
    format: int
    version: str
    head: str
    boundary: list[str]
    shas: bytes
    f_blob: bytes
    arrays: dict[str, bytes]
    people: list[tuple[str, str]]
    item_at: list[str | None]
    names: list[str | None]
    paths: list[str]
    removals: list[tuple[int, str, int, str, int, str | None, int]]
    oversized: list[tuple[str, str, int]] = []


def _dump(s: Store) -> _StoreData:
    return _StoreData(
        FORMAT,
        __version__,
        s.head,
        sorted(s.boundary),
        bytes(s.shas),
        bytes(s.f_blob),
        {k: getattr(s, k).tobytes() for k in _ARRAYS},
        s.people,
        s.item_at,
        s.names,
        s.paths,
        [(r.commit, r.path, r.index, r.old_text, r.old_origin, r.new_text, r.new_line) for r in s.removals],
        s.oversized,
    )


def _load(root: Path) -> Store | None:
    """The cached state, or None when there is none or it is not consistent (then it is rebuilt)."""
    d = cache.load(root, CACHE_NAME, _StoreData)
    if d is None or d.format != FORMAT or d.version != __version__ or set(d.arrays) != set(_ARRAYS):
        return None
    s = Store(frozenset(d.boundary))
    s.head, s.shas, s.f_blob = d.head, bytearray(d.shas), bytearray(d.f_blob)
    try:
        for k in _ARRAYS:
            getattr(s, k).frombytes(d.arrays[k])
    except ValueError:
        _invalid(root)
        return None
    s.people, s.item_at, s.names, s.paths = d.people, d.item_at, d.names, d.paths
    s.removals = [Removal(*r) for r in d.removals]
    s.oversized = d.oversized
    n, items, files = len(s.times), len(s.item_key), len(s.paths)
    consistent = (
        len(s.shas) == 20 * n
        and len(s.parents) == len(s.who) == len(s.landed) == n
        and len(s.f_blob) == 20 * files
        and len(s.item_commit) == len(s.item_at) == len(s.item_type) == len(s.item_unit) == items
        and len(s.f_size) == len(s.f_lines) == len(s.f_indent) == files
        and len(s.f_items) == len(s.f_known) == 2 * files
        and len(s.fi_item) == len(s.fi_line)
        and len(s.fk_key) == len(s.fk_item)
        and _within(s.parents, -1, n)
        and _within(s.who, 0, len(s.people))
        and _within(s.item_commit, -1, n)
        and _within(s.fi_item, 0, items)
        and _within(s.fk_item, 0, items)
        and max(s.item_type, default=0) < len(s.names)
        and max(s.item_unit, default=0) < len(s.names)
        and all(0 <= r.commit < n and r.index >= 0 for r in s.removals)
        and _spans_ok(s.f_items, len(s.fi_item))
        and _spans_ok(s.f_known, len(s.fk_key))
    )
    if not consistent:
        _invalid(root)
        return None
    return s


def _within(values: array, low: int, high: int) -> bool:
    """Every value in [low, high) (``min`` and ``max`` run in C: the arrays hold one entry per commit or item)."""
    return not values or (min(values) >= low and max(values) < high)


def _spans_ok(spans: array, total: int) -> bool:
    """Each (start, count) pair within [0, total]: a negative count is none."""
    starts, counts = spans[0::2], spans[1::2]
    ends = map(add, starts, map(max, counts, repeat(0)))
    return not starts or (min(starts) >= 0 and max(ends) <= total)


def _invalid(root: Path) -> None:
    cache.drop(root, CACHE_NAME)
    return None
