"""Atomic file writes (原子写入): a temporary file in the same folder, flushed, then renamed over.

A reader never sees a half-written record, and an interrupted write leaves the old file untouched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes(path: Path | str, data: bytes, durable: bool = True) -> None:
    """``durable``: on disk before the rename (``fsync``); False for what is made again from the records
    anyway (the built site): still never half-written, but ~1 ms a file quicker."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path | str, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_text_if_changed(path: Path | str, text: str, *, dry_run: bool = False) -> bool:
    """Write ``text`` unless the file already holds exactly it; True when it was (or would be) written."""
    path = Path(path)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    if not dry_run:
        write_text(path, text)
    return True
