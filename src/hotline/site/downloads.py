"""The files the site offers besides its pages (下载文件与数据文件), made while MkDocs renders the pages.

Each month's report ``.docx``, each register's ``.xlsx`` and each month's order data (``assets/data/orders``,
read by the order view's script) is made from the computed model alone. No page links to them through
Markdown (only through raw ``<a href>``, which MkDocs leaves alone), so MkDocs need not see them: ``start``
makes them in a forked process (which shares them out over ``util.parallel.fork_map``) into a folder of
their own beside the docs folder (``build/site-files``) while the main process writes the pages and runs
MkDocs; ``place`` then waits for them, moves them into the docs folder (where they always were) and copies
them into the built site, before the build's output is recorded (``site.incremental.save``). Where nothing
can be forked, ``start`` makes them at once. A document whose data did not change since the last build is
taken from the cache (``site.reuse``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hotline.records.order_data import to_data
from hotline.reports.documents import register_xlsx, report_docx
from hotline.reports.publication import Publication
from hotline.site import data, pages, reuse
from hotline.util import cache, nofollow, parallel

FILES_DIR = Path("build") / "site-files"  # beside the docs folder (``site.build.BUILD_DIR``), under the records

PARALLEL_MIN = 40  # fewer files than this are written in one process
SHARES_PER_JOB = 6  # the documents are shared out in this many pieces per worker

Task = tuple[str, Any]  # ("report", month) | ("register", register key) | ("orders", month)


def tasks_of(model: Publication) -> list[Task]:
    return (
        [("report", m) for m in model.months]
        + [("register", key) for key in model.registers]
        + [("orders", m) for m in model.months]
    )


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _task(model: Publication, folder: Path, kind: str, key: Any, root: Path, doc_key: str | None) -> None:
    if kind == "report":
        report = model.reports[key]
        _write(folder / pages.docx_path(report), _document(root, doc_key, lambda: report_docx.to_bytes(report)))
    elif kind == "register":
        reg = model.registers[key]
        _write(folder / pages.xlsx_path(reg), _document(root, doc_key, lambda: register_xlsx.to_bytes(reg)))
    elif kind == "orders":
        _write(
            folder / "assets" / "data" / "orders" / f"{key}.json",
            _document(root, doc_key, lambda: data.shard(model, key).encode()),
        )


def _document(root: Path, doc_key: str | None, make: Callable[[], bytes]) -> bytes:
    return make() if doc_key is None else reuse.document(root, doc_key, make)


def _doc_keys(model: Publication, tasks: list[Task], base: str | None, digests: dict[str, str]) -> dict[Task, str]:
    """The content key of each document to write (``site.reuse``); none when the cache is off."""
    if base is None or not cache.enabled():
        return {}
    found: dict[str, dict] = {
        "report": model.reports,
        "register": model.registers,
        "orders": _shard_inputs(model, digests),
    }
    return {(kind, key): reuse.key_of(base, kind, found[kind].get(key)) for kind, key in tasks if kind in found}


def _shard_inputs(model: Publication, digests: dict[str, str]) -> dict[str, list]:
    """What a month's order data (``data.shard``) is made from: each order (the digest of its file, else
    the order itself), its dispatches as of the build and when each event entered the repository."""
    history = model.history or {}
    out: dict[str, list] = {}
    for st in sorted(model.states, key=lambda s: s.order.id):
        o = st.order
        read_from = digests.get(o.path) or to_data(o)
        out.setdefault(data.month_of(o.received_at), []).append((o.path, read_from, st.dispatches, history.get(o.id)))
    return out


def make(
    model: Publication,
    folder: Path,
    tasks: list[Task],
    root: Path,
    base: str | None = None,
    digests: dict[str, str] | None = None,
) -> None:
    """Write the documents of ``tasks`` into ``folder``: in forked workers when there are many, a fresh one for each
    share (a process forked from the model's is as large as it: what one share leaves behind is not carried into
    the next); those whose data did not change since the last build are taken from the cache (``site.reuse``)."""
    keys = _doc_keys(model, tasks, base, digests or {})
    n = parallel.jobs() * SHARES_PER_JOB
    chunks = [tasks[i::n] for i in range(n) if tasks[i::n]]

    def run(chunk: list[Task]) -> int:
        for kind, key in chunk:
            _task(model, folder, kind, key, root, keys.get((kind, key)))
        return len(chunk)

    many = len(tasks) >= PARALLEL_MIN
    done = sum(parallel.fork_map(run, chunks, min_items=2 if many else len(chunks) + 1, fresh=True))
    assert done == len(tasks)
    if keys:
        reuse.prune(root, keys.values())


class Downloads:
    """The documents of one build, being made (``start``) until ``place`` puts them where they belong."""

    def __init__(self, make_them: Callable[[], None], folder: Path) -> None:
        self.folder = folder
        self._background = parallel.in_background(make_them, workers=True)
        if self._background is None:
            make_them()
        # nothing here holds the model: the pages and MkDocs that follow have its memory

    def place(self, docs: Path, out: Path) -> int:
        """Wait for the documents, move them into ``docs`` and copy them into the built site ``out``; the number
        of files."""
        if self._background is not None and not self._background.wait():
            raise DownloadsError(
                "生成月报（Word）、登记表（Excel）或工单数据文件时出错（原因见上方的错误信息）：网站没有生成完整"
            )
        placed = 0
        for dirpath, _, filenames in os.walk(self.folder):
            for name in filenames:
                src = Path(dirpath) / name
                rel = src.relative_to(self.folder)
                (docs / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, docs / rel)
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(docs / rel, out / rel)
                placed += 1
        return placed

    def stop(self) -> None:
        """The build failed: end the background run, if any."""
        if self._background is not None:
            self._background.stop()


class DownloadsError(Exception):
    """The documents could not be made; the message is Chinese."""


def start(model: Publication, root: Path, base: str | None, digests: dict[str, str]) -> Downloads:
    """Begin making every document of ``model`` (``tasks_of``) in ``root / FILES_DIR``, emptied first
    (``nofollow.fresh_folder``: ``LinkedFolder`` when part of it is a link)."""
    folder = nofollow.fresh_folder(root, FILES_DIR)
    tasks = tasks_of(model)
    return Downloads(lambda: make(model, folder, tasks, root, base, digests), folder)
