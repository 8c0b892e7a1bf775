"""Where attachments live (附件的位置): ``attachments/<order id>/<file name>``, and a fingerprint of the
folder so that cached order findings ("attachment missing") are recomputed when a file comes or goes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

FOLDER = "attachments"
# what a file of each kind starts with: a file is what its first bytes say, not what its name says
MAGIC = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
}


def content_matches(p: Path, suffix: str) -> bool:
    """Whether the file starts as a ``suffix`` file does (``MAGIC``); never through a symbolic link."""
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return head.startswith(MAGIC[suffix]) and (suffix != ".webp" or head[8:12] == b"WEBP")


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
