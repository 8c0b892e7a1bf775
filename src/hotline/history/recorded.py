"""When each event of each order entered the repository (入库记录), for publishing: the site's timelines,
the registers' 备注 and the monthly report's late records.

``recorded_events`` is ``timeline`` of every order, kept in the tools' cache (``util.cache``) per order
file under a content key: the digest of the text the order was read from and ``History.known_digest`` of
the file (every item ever seen in it, the commit that introduced each with its recorded time, and its
rewrites), all under the context's fingerprint (rules, calendar). A commit that touches one order leaves
every other order's key, and so its entry, as it was; an entry is only ever found under the key of exactly
what it was made from.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import msgspec

from hotline.history.audit import Timeliness
from hotline.history.store import History
from hotline.history.timeline import Entry, timeline
from hotline.records.context import Context
from hotline.records.models import Order
from hotline.util import cache, nofollow
from hotline.util.digest import bytes_digest
from hotline.util.parallel import Mapper, jobs

CACHE_NAME = "recorded"


class EventHistory(msgspec.Struct, frozen=True, array_like=True):
    """When one event entered the repository (入库记录), from the Git history reader."""

    recorded_at: datetime | None
    commit: str
    author: str
    late: bool = False
    rewritten: bool = False
    original: str | None = None  # a rewritten event's first recorded text


Events = list[EventHistory | None]


class _Kept(msgspec.Struct, array_like=True):
    context: str  # ``Context.fingerprint``: the rules and the calendar judge lateness
    orders: dict[str, tuple[bytes, Events | None]]  # order file → (key, its events; None: not as loaded)


def _event(e: Entry) -> EventHistory | None:
    c = e.commit
    if c is None:
        return None
    return EventHistory(c.committed_at, c.sha, c.author, e.late or e.future, e.rewritten, e.original)


def _key(digest: str, hist: History, path: str) -> bytes:
    return digest.encode() + b"\0" + hist.known_digest(path)


_Worked = list[tuple[str, bytes | None, Events | None]]  # (order file, key to keep it under, its events)
_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(_Worked)
CHUNKS_PER_JOB = 4  # orders worked out afresh are shared out in this many pieces per worker


def _work_out(
    hist: History, ctx: Context, timely: Timeliness, order: Order, key: bytes | None, digest: str | None
) -> tuple[bytes | None, Events | None]:
    """(key to keep the entry under — None: not kept —, the events; None: the file changed since it was loaded)."""
    try:
        data = nofollow.read_bytes(Path(ctx.root) / order.path)
    except OSError:
        data = b""
    text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")  # as read_text reads
    entries = timeline(hist, ctx, order.path, text, timely)
    # the file changed on disk after it was loaded: no events for it, and nothing kept under its key
    events = [_event(e) for e in entries] if len(entries) == len(order.events) else None
    if key is not None and bytes_digest(data) != digest:
        key = None
    return key, events


def recorded_events(
    hist: History, ctx: Context, orders: list[Order], digests: dict[str, str], mapper: Mapper | None = None
) -> dict[str, Events]:
    """Order id → each event's entry into the repository (None: not committed yet), for the orders whose file
    on disk still has the events they were loaded with. ``digests``: order file → digest of the text it was
    read from (``Repository.digests``); an order without one is worked out afresh and not kept. ``mapper`` (like
    ``map``) may share the orders not kept out over processes (``util.parallel.fork_map``)."""
    kept = cache.load(ctx.root, CACHE_NAME, _Kept)
    old = kept.orders if kept is not None and kept.context == ctx.fingerprint else {}
    timely = Timeliness.of(hist, ctx)
    found: dict[str, tuple[bytes | None, Events | None]] = {}
    todo: list[tuple[Order, bytes | None, str | None]] = []
    for order in orders:
        digest = digests.get(order.path)
        key = _key(digest, hist, order.path) if digest else None
        hit = old.get(order.path)
        if key is not None and hit is not None and hit[0] == key:
            found[order.path] = hit
        else:
            todo.append((order, key, digest))

    def rows(piece: list[tuple[Order, bytes | None, str | None]]) -> _Worked:
        return [(o.path, *_work_out(hist, ctx, timely, o, k, d)) for o, k, d in piece]

    if mapper is None:
        found.update((path, (key, events)) for path, key, events in rows(todo))
    else:  # sent back as MessagePack; one string per author again, as in one process (the commits share them)
        n = jobs() * CHUNKS_PER_JOB
        results = mapper(lambda piece: _ENCODER.encode(rows(piece)), [todo[i::n] for i in range(n) if todo[i::n]])
        authors: dict[str, str] = {}
        while results:
            for path, key, events in _DECODER.decode(results.pop()):
                found[path] = (key, _shared(events, authors))
    new: dict[str, tuple[bytes, Events | None]] = {}
    out: dict[str, Events] = {}
    for order in orders:
        key, events = found[order.path]
        if key is not None:
            new[order.path] = (key, events)
        if events is not None:
            out[order.id] = events
    if new != old:
        cache.save(ctx.root, CACHE_NAME, _Kept(ctx.fingerprint, new))
    return out


def _shared(events: Events | None, authors: dict[str, str]) -> Events | None:
    if events is None:
        return None
    return [
        e if e is None else msgspec.structs.replace(e, author=authors.setdefault(e.author, e.author)) for e in events
    ]
