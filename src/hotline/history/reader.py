"""Reading the history (读取 Git 历史): run the walk (``history.walk``) and keep its result cached.

The state is cached in ``.cache/hotline/history.pickle`` as plain arrays, with the last commit read; the
next run reads only ``last..HEAD`` (everything again when HEAD no longer descends from it).
"""

from __future__ import annotations

import pickle
from pathlib import Path

from hotline import __version__
from hotline.git import commands as gitcmd
from hotline.history.store import CACHE_FILE, FORMAT, History, Store
from hotline.history.walk import Walk
from hotline.util.atomic import write_bytes

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
    cache_path = root / CACHE_FILE
    store = _load(cache_path) if use_cache else None
    if store is not None and (store.boundary != boundary or store.head != head and not gitcmd.is_ancestor(root, store.head, head)):
        store = None
    cold = store is None
    if store is None:
        store = Store(boundary)
    before = len(store.times)
    if store.head != head:
        Walk(root, store, prefix).run(f"{store.head}..{head}" if store.head else head)
        store.head = head
        if use_cache:
            try:
                write_bytes(cache_path, pickle.dumps(store, protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:
                pass  # a read-only checkout still gets its answer
    return History(root, head, bool(boundary), store, cold, len(store.times) - before)


def _load(path: Path) -> Store | None:
    try:
        with open(path, "rb") as fh:
            store = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError, KeyError):
        return None
    if not isinstance(store, Store) or getattr(store, "format", None) != FORMAT or store.version != __version__:
        return None
    return store
