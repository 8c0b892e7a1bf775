"""The digest a file's content is known by (内容摘要): the caches' keys and the site's document keys use it."""

from __future__ import annotations

import hashlib


def bytes_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()
