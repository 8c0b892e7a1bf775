"""A per-file result cache (检查缓存), kept by ``util.cache`` outside the records.

An entry is reused only when the context fingerprint (rules, holidays, units, scoring events, program
version) is the same and the file is: its size, modification time and inode unchanged — or, when they
changed (a fresh checkout, a restored cache on a runner), its content's digest unchanged (the file is
read and hashed, and the entry takes the new times). As in Git's index, times within ``RACY_NS`` of the
moment the cache was written are not trusted (the file might have changed again within the clock's
resolution): the content decides. Values are plain data decoded against a declared type; a damaged
cache is dropped.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Generic, TypeVar

import msgspec

from hotline.util import cache
from hotline.util.digest import bytes_digest

RACY_NS = 2_000_000_000
FORMAT = 11  # 11: a dispatch keeps no reply type and no supervision count (issue 24)
V = TypeVar("V")
Key = tuple[int, int, int]


def stat_key(st: os.stat_result) -> Key:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def file_digest(path: str) -> str:
    with open(path, "rb") as f:
        return bytes_digest(f.read())


class FileCache(Generic[V]):
    def __init__(self, root: Path, name: str, fingerprint: str, value_type: Any) -> None:
        self.root, self.name = root, name
        self.fingerprint = fingerprint
        self.entries: dict[str, tuple[Key, str, V]] = {}
        self._fresh: dict[str, tuple[Key, str, V]] = {}
        self._written_ns = 0
        self._dirty = False

        Data = msgspec.defstruct(
            "FileCacheData",
            [
                ("format", int),
                ("fingerprint", str),
                ("written_ns", int),
                ("entries", dict[str, tuple[Key, str, value_type]]),
            ],
        )
        self._type = Data
        data = cache.load(root, name, Data)
        # the struct type is built at run time (its entries hold value_type): read its fields by name
        fields = msgspec.structs.asdict(data) if data is not None else {}
        if fields and fields["format"] == FORMAT and fields["fingerprint"] == fingerprint:
            self.entries = fields["entries"]
            self._written_ns = fields["written_ns"]

    def get(self, rel: str, key: Key, path: str | None = None) -> V | None:
        """The entry of ``rel`` if the file is unchanged; ``path`` (on disk) lets the content decide when
        its times or inode changed."""
        hit = self.entries.get(rel)
        if hit is None:
            return None
        if tuple(hit[0]) == key and key[1] < self._written_ns - RACY_NS:
            self._fresh[rel] = hit
            return hit[2]
        if path is None or key[0] != hit[0][0]:
            return None
        try:
            same = file_digest(path) == hit[1]
        except OSError:
            return None
        if not same:
            return None
        self._fresh[rel] = (key, hit[1], hit[2])
        self._dirty = True
        return hit[2]

    def put(self, rel: str, key: Key, digest: str, value: V) -> None:
        self._fresh[rel] = (key, digest, value)
        self._dirty = True

    def save(self) -> None:
        """Keep only the files seen in this run (and write nothing when nothing changed)."""
        if not self._dirty and len(self._fresh) == len(self.entries):
            return
        cache.save(self.root, self.name, self._type(FORMAT, self.fingerprint, time.time_ns(), self._fresh))
