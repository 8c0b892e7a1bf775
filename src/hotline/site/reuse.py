"""What a site build may reuse from the last one (增量构建), by a content key of its inputs.

Each generated document (a month's register ``.xlsx``, a report ``.docx``) is kept in the tools' cache
(``util.cache``: outside the records, MessagePack bytes, never pickle) under a key made of
- ``build_key``: the context's fingerprint (rules, holidays, units, assessment events, program version),
  every file of the installed ``hotline`` package (code, templates, vendored assets), ``site_src/`` and
  ``mkdocs.yml`` — a change to any of them makes every key new;
- the document's own data (the register's rows, the report's sections), encoded deterministically —
  so a month whose orders (and what they depend on, as of this build) did not change keeps its key, and
  any change that would show in the document gives a new one. Nothing stale can be served: an entry is
  only ever found under the key of exactly the data it was made from.
Entries no build asked for are removed after the build (``prune``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable
from functools import cache as memoize
from pathlib import Path
from typing import Any

import msgspec
from pydantic import BaseModel

from hotline.util import cache

PREFIX = "doc-"
PACKAGE = Path(__file__).resolve().parents[1]


def _hook(obj: object) -> object:
    if isinstance(obj, BaseModel):  # units inside a register: their fields and where they were read
        return [type(obj).__name__, obj.model_dump(mode="json"), getattr(obj, "path", ""), getattr(obj, "line", 0)]
    raise NotImplementedError(f"cannot key {type(obj).__name__}")


_ENCODER = msgspec.msgpack.Encoder(enc_hook=_hook, order="deterministic")


def tree_digest(folder: Path, digest: Any) -> None:
    """Every file under ``folder`` (path and bytes), in a fixed order; caches of Python are skipped."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if p.is_symlink():
                continue
            digest.update(p.relative_to(folder).as_posix().encode("utf-8", "surrogateescape") + b"\0")
            with contextlib.suppress(OSError):
                digest.update(p.read_bytes())
            digest.update(b"\0")


@memoize
def program_digest() -> str:
    d = hashlib.blake2b(digest_size=16)
    tree_digest(PACKAGE, d)
    return d.hexdigest()


def build_key(fingerprint: str, site_src: Path, config_file: Path) -> str:
    d = hashlib.blake2b(digest_size=16)
    d.update(fingerprint.encode() + b"\0" + program_digest().encode() + b"\0")
    tree_digest(site_src, d)
    with contextlib.suppress(OSError):
        d.update(config_file.read_bytes())
    return d.hexdigest()


def key_of(base: str, kind: str, data: object) -> str:
    d = hashlib.blake2b(digest_size=20)
    d.update(base.encode() + b"\0" + kind.encode() + b"\0")
    d.update(_ENCODER.encode(data))
    return PREFIX + d.hexdigest()


def document(root: Path, key: str, make: Callable[[], bytes]) -> bytes:
    """The document kept under ``key``, or ``make()`` (then kept) when there is none."""
    kept = cache.load(root, key, bytes)
    if kept is not None:
        return kept
    made = make()
    cache.save(root, key, made)
    return made


def prune(root: Path, used: Iterable[str]) -> None:
    """Remove the kept documents this build did not ask for (older months' old versions)."""
    if not cache.enabled():
        return
    keep = {f"{k}.msgpack" for k in used}
    folder = cache.repo_dir(root)
    with contextlib.suppress(OSError):
        for p in folder.iterdir():
            if p.name.startswith(PREFIX) and p.name not in keep:
                with contextlib.suppress(OSError):
                    p.unlink()
