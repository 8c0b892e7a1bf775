"""The one cache of the tools (缓存): check results and the history reader's state, outside the records.

A records repository is written by untrusted units, so nothing it holds may be loaded as a cache: entries
live in the user's cache directory (``$XDG_CACHE_HOME/hotline`` or ``~/.cache/hotline``; the
``HOTLINE_CACHE_DIR`` environment variable overrides), in a folder keyed by the repository's resolved
path (or named by ``HOTLINE_CACHE_SCOPE``). Entries are MessagePack (``msgspec``): plain data, decoded against a declared type, never code —
no pickle, marshal or shelve. An entry that is missing, damaged or of the wrong shape is dropped and
rebuilt; writing is best effort (a read-only home still gets its answers). ``disabled()`` turns every
read and write off for a block (``hotline check --no-cache``).
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from hotline.util.atomic import write_bytes

T = TypeVar("T")
_enabled: contextvars.ContextVar[bool] = contextvars.ContextVar("hotline_cache_enabled", default=True)


def base_dir() -> Path:
    """The folder holding every repository's cache."""
    if os.environ.get("HOTLINE_CACHE_DIR"):
        return Path(os.environ["HOTLINE_CACHE_DIR"])
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "hotline"


def repo_dir(root: Path | str) -> Path:
    """The cache folder of the repository at ``root`` (keyed by its resolved path, never inside it);
    ``HOTLINE_CACHE_SCOPE`` names it instead (a workflow, whose checkout path changes from run to run)."""
    scope = os.environ.get("HOTLINE_CACHE_SCOPE", "")
    if scope and scope.replace("-", "").replace("_", "").isalnum() and len(scope) <= 64:
        return base_dir() / f"scope-{scope}"
    resolved = str(Path(root).resolve())
    key = hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return base_dir() / key


def enabled() -> bool:
    return _enabled.get()


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """No cache is read or written inside this block."""
    token = _enabled.set(False)
    try:
        yield
    finally:
        _enabled.reset(token)


def entry_path(root: Path | str, name: str) -> Path:
    if not name.replace("-", "").isalnum():
        raise ValueError(f"bad cache entry name {name!r}")
    return repo_dir(root) / f"{name}.msgpack"


def load(root: Path | str, name: str, kind: type[T]) -> T | None:
    """The entry ``name`` decoded as ``kind``; None when caching is off or it is missing or invalid."""
    if not enabled():
        return None
    path = entry_path(root, name)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    was = gc.isenabled()
    gc.disable()  # decoding builds many objects that all stay alive: a cyclic collection meanwhile only re-scans them
    try:
        return msgspec.msgpack.decode(data, type=kind)
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError):
        drop(root, name)
        return None
    finally:
        if was:
            gc.freeze()  # and they stay alive: later collections need not scan them again
            gc.enable()


def save(root: Path | str, name: str, value: Any) -> bool:
    """Write the entry (atomically); False when caching is off or the folder cannot be written."""
    if not enabled():
        return False
    try:
        data = msgspec.msgpack.encode(value)
        write_bytes(entry_path(root, name), data)
    except (OSError, TypeError, msgspec.EncodeError):
        return False
    return True


def drop(root: Path | str, name: str) -> None:
    with contextlib.suppress(OSError):
        entry_path(root, name).unlink()
