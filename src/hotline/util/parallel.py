"""Forked workers for independent pieces of work (并行): ``fork_map(fn, items)`` and ``in_background(fn)``.

The function and the items are inherited by the forked processes (nothing large is pickled on the way
in); only each result comes back. Where ``fork`` is unavailable, or there is one core or little work, it
is a plain ``map`` in this process. Used by the site build (timelines, scoring per period, documents, data files).
``in_background`` runs one function in a forked process while this one goes on; what it leaves behind (a
cache entry) is its result: the site build walks the Git history there while it reads the records.
``standby`` forks a process at once, while this one is still small, that gets ready (``prepare``) and then
makes the calls this one sends it later, one at a time: the site build cuts the keywords there (jieba is loaded
once) and runs MkDocs there, so that MkDocs' memory never adds to the records'. Bytes go both ways (MessagePack or
JSON made by the caller), never pickle.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Sequence
from typing import Any

_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
# a ``map`` that may spread independent pieces of work over processes: ``fork_map``, or None for a plain loop
Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]


def can_fork() -> bool:
    """Whether work can go to forked processes: not where ``fork`` does not exist (Windows), nor when
    ``HOTLINE_NO_FORK`` is set (which runs everything in one process, as there; the tests compare both)."""
    import multiprocessing  # imported when there is work to share out (a warm command has none)

    return "fork" in multiprocessing.get_all_start_methods() and not os.environ.get("HOTLINE_NO_FORK")


def jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _run(i: int) -> Any:
    assert _JOB is not None
    fn, items = _JOB
    return fn(items[i])


def fork_map(fn: Callable[[Any], Any], items: Sequence[Any], min_items: int = 2, *, fresh: bool = False) -> list:
    """``[fn(x) for x in items]``, the items shared out over forked workers; ``fresh``: a new worker for each item
    (what one leaves behind in memory is not carried into the next)."""
    global _JOB
    n = jobs()
    if n <= 1 or len(items) < min_items or not can_fork() or _JOB is not None:
        return [fn(x) for x in items]
    import multiprocessing

    _JOB = (fn, items)
    try:
        with multiprocessing.get_context("fork").Pool(
            n, initializer=gc.freeze, maxtasksperchild=1 if fresh else None
        ) as pool:
            return pool.map(_run, range(len(items)), chunksize=1)
    finally:
        _JOB = None


class Background:
    """A function running in a forked process (``in_background``); ``wait`` says whether it finished well."""

    def __init__(self, process: Any) -> None:
        self._process = process

    def wait(self) -> bool:
        self._process.join()
        return bool(self._process.exitcode == 0)

    def stop(self) -> None:
        """End it now (the caller failed and will not use what it leaves)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def in_background(fn: Callable[[], object], *, workers: bool = False) -> Background | None:
    """Start ``fn`` in a forked process (its return value is dropped); None where work cannot be forked or
    there is one core: the caller then does the work itself when it needs it. ``workers``: ``fn`` may share its
    work out with ``fork_map`` in turn (the process is then not a daemon, which may have no children)."""
    if jobs() <= 1 or not can_fork():
        return None
    import multiprocessing

    process = multiprocessing.get_context("fork").Process(target=_frozen, args=(fn,), daemon=not workers)
    process.start()
    return Background(process)


def _frozen(fn: Callable[[], object]) -> None:
    """``fn()`` in a forked process, what it inherited left out of the cyclic collections (``gc.freeze``): the
    parent keeps it alive, and a collection that scanned it would copy every page it touches (copy-on-write)."""
    gc.freeze()
    fn()


class StandbyError(Exception):
    """The standby process failed otherwise than by ``Refusal``; the message holds its traceback."""


class Refusal(Exception):
    """Raised by a standby's function to give its caller a message (the caller raises it again as its own)."""


class Standby:
    """A forked process waiting for calls (``standby``), one at a time, until ``close``; in this process where
    nothing can be forked."""

    def __init__(self, fn: Callable[[bytes], bytes], prepare: Callable[[], None] | None) -> None:
        self._fn = fn
        self._process: Any = None
        self._sent: list[bytes] = []  # here: the arguments sent, each called when its answer is asked for
        if jobs() <= 1 or not can_fork():
            return
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=_wait_for_calls, args=(fn, prepare, theirs), daemon=True)
        self._process.start()
        theirs.close()

    def send(self, arg: bytes) -> None:
        """Start ``fn(arg)`` there; this process goes on, and ``receive`` gives the answer."""
        if self._process is None:
            self._sent.append(arg)
            return
        try:
            self._conn.send_bytes(b"C" + arg)
        except OSError as e:
            self.stop()
            raise StandbyError(f"进程 {self._process.pid} 意外退出（{self._process.exitcode}）") from e

    def receive(self) -> bytes:
        """``fn(arg)`` of the first call sent and not yet answered; a ``Refusal`` comes back as one, anything else
        as a ``StandbyError``."""
        if self._process is None:
            return self._fn(self._sent.pop(0))
        try:
            answer = self._conn.recv_bytes()
        except (EOFError, OSError) as e:
            self.stop()
            raise StandbyError(f"进程 {self._process.pid} 意外退出（{self._process.exitcode}）") from e
        kind, body = answer[:1], answer[1:]
        if kind == b"R":
            raise Refusal(body.decode("utf-8"))
        if kind == b"E":
            raise StandbyError(body.decode("utf-8"))
        return body

    def close(self) -> None:
        """No more calls: the process ends (told so: processes forked from this one since hold the pipe too)."""
        if self._process is not None:
            with contextlib.suppress(OSError):
                self._conn.send_bytes(b"Q")
            self._conn.close()
            self._process.join()

    def stop(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join()


def _wait_for_calls(fn: Callable[[bytes], bytes], prepare: Callable[[], None] | None, conn: Any) -> None:
    import traceback

    gc.freeze()  # as in ``_frozen``
    if prepare is not None:
        prepare()
    while True:
        try:
            message = conn.recv_bytes()
        except EOFError:  # the caller went away
            return
        if message[:1] != b"C":  # Q: no more calls
            return
        try:
            answer = b"O" + fn(message[1:])
        except Refusal as e:
            answer = b"R" + str(e).encode("utf-8")
        except BaseException:
            answer = b"E" + traceback.format_exc().encode("utf-8")
        conn.send_bytes(answer)


def standby(fn: Callable[[bytes], bytes], prepare: Callable[[], None] | None = None) -> Standby:
    """Fork now a process that runs ``prepare`` and then waits for calls (``Standby.send``, answered by
    ``receive``) until ``Standby.close``."""
    return Standby(fn, prepare)
