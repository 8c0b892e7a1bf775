"""A per-file result cache (检查缓存), kept by ``util.cache`` outside the records.

An entry is reused only when the file's size, modification time and inode are unchanged *and* the
context fingerprint (rules, holidays, units, scoring events, program version) is the same. As in Git's
index, an entry whose file was modified within ``RACY_NS`` of the moment the cache was written is not
trusted (the file might have changed again within the clock's resolution), so a changed file is always
re-checked. Values are plain data decoded against a declared type; a damaged cache is dropped.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Generic, TypeVar

import msgspec

from hotline.util import cache

RACY_NS = 2_000_000_000
FORMAT = 3
V = TypeVar("V")
Key = tuple[int, int, int]


def stat_key(st: os.stat_result) -> Key:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


class FileCache(Generic[V]):
    def __init__(self, root: Path, name: str, fingerprint: str, value_type: Any) -> None:
        self.root, self.name = root, name
        self.fingerprint = fingerprint
        self.entries: dict[str, tuple[Key, V]] = {}
        self._fresh: dict[str, tuple[Key, V]] = {}
        self._written_ns = 0
        self._dirty = False

        Data = msgspec.defstruct("FileCacheData", [("format", int), ("fingerprint", str), ("written_ns", int),
                                                   ("entries", dict[str, tuple[Key, value_type]])])
        self._type = Data
        data = cache.load(root, name, Data)
        # the struct type is built at run time (its entries hold value_type): read its fields by name
        fields = msgspec.structs.asdict(data) if data is not None else {}
        if fields and fields["format"] == FORMAT and fields["fingerprint"] == fingerprint:
            self.entries = fields["entries"]
            self._written_ns = fields["written_ns"]

    def get(self, rel: str, key: Key) -> V | None:
        hit = self.entries.get(rel)
        if hit is None or tuple(hit[0]) != key or key[1] >= self._written_ns - RACY_NS:
            return None
        self._fresh[rel] = hit
        return hit[1]

    def put(self, rel: str, key: Key, value: V) -> None:
        self._fresh[rel] = (key, value)
        self._dirty = True

    def save(self) -> None:
        """Keep only the files seen in this run (and write nothing when nothing changed)."""
        if not self._dirty and len(self._fresh) == len(self.entries):
            return
        cache.save(self.root, self.name, self._type(FORMAT, self.fingerprint, time.time_ns(), self._fresh))
