"""Where attachments live (附件的位置): ``attachments/<order id>/<file name>``, and a fingerprint of the
folder so that cached order findings ("attachment missing") are recomputed when a file comes or goes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

FOLDER = "attachments"


def listing(root: Path | str) -> list[tuple[str, int]]:
    """(path relative to the root, size) of every entry under ``attachments/`` (symbolic links not followed)."""
    root = Path(root)
    base = root / FOLDER
    out: list[tuple[str, int]] = []
    if not base.is_dir() or base.is_symlink():
        return out
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames.sort()
        for name in sorted(filenames) + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            p = os.path.join(dirpath, name)
            out.append((Path(p).relative_to(root).as_posix(), os.lstat(p).st_size))
    return out


def fingerprint(root: Path | str) -> bytes:
    """Changes whenever a file under ``attachments/`` appears, disappears or changes size."""
    return hashlib.sha256(repr(listing(root)).encode()).digest()
