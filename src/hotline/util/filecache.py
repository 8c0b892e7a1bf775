"""A per-file result cache in the ignored ``.cache/`` folder (检查缓存).

An entry is reused only when the file's size, modification time and inode are unchanged *and* the
context fingerprint (rules, holidays, units, scoring events, program version) is the same. As in Git's
index, an entry whose file was modified within ``RACY_NS`` of the moment the cache was written is not
trusted (the file might have changed again within the clock's resolution), so a changed file is always
re-checked. Writes are atomic (temporary file, then ``os.replace``); a damaged cache is ignored.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import Any

RACY_NS = 2_000_000_000
FORMAT = 2


def stat_key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


class FileCache:
    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.entries: dict[str, tuple[tuple[int, int, int], Any]] = {}
        self._fresh: dict[str, tuple[tuple[int, int, int], Any]] = {}
        self._written_ns = 0
        self._dirty = False
        try:
            with open(path, "rb") as fh:
                data = pickle.load(fh)
            if data.get("format") == FORMAT and data.get("fingerprint") == fingerprint:
                self.entries = data["entries"]
                self._written_ns = data["written_ns"]
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, TypeError, ValueError):
            pass

    def get(self, rel: str, key: tuple[int, int, int]) -> Any | None:
        hit = self.entries.get(rel)
        if hit is None or hit[0] != key or key[1] >= self._written_ns - RACY_NS:
            return None
        self._fresh[rel] = hit
        return hit[1]

    def put(self, rel: str, key: tuple[int, int, int], value: Any) -> None:
        self._fresh[rel] = (key, value)
        self._dirty = True

    def save(self) -> None:
        """Keep only the files seen in this run; write atomically (and not at all when nothing changed)."""
        if not self._dirty and len(self._fresh) == len(self.entries):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, "fingerprint": self.fingerprint, "written_ns": time.time_ns(), "entries": self._fresh}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
