"""Unit files as they stood at a time (单位文件的历史版本): assessment items 1–4 and 6 read a unit's
``hotline`` section as it was at the end of the period, so that filling it in later never rewrites a
past score.

One ``git log --first-parent`` over ``units/`` on HEAD lists every version of every unit file with the
committer time of the main-line commit that brought it (for a merged pull request, the merge the host
made); one ``git cat-file`` reads them. A version that does not validate is skipped (the one before it
stands). ``at(unit, when)`` is the version in force at ``when``: None when the file was not yet committed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import msgspec

from hotline.git import commands as gitcmd
from hotline.records.models import Unit
from hotline.records.units import UnitVersions, Version
from hotline.records.validate import to_model
from hotline.records.yaml_reader import decode, parse_text
from hotline.times import BEIJING
from hotline.util import cache

ZERO = "0" * 40


LogEntry = tuple[str, datetime, list[tuple[str, str]]]  # (commit, committed at, [(unit file, blob)])
LOG_CACHE = "unit-log"


class _KeptLog(msgspec.Struct):
    head: str
    commits: list[LogEntry]


def _log(root: Path, since: str | None = None) -> list[LogEntry]:
    out = gitcmd.run(
        root,
        "log",
        "--first-parent",
        "--reverse",
        "--no-renames",
        "--diff-merges=first-parent",
        "--raw",
        "--no-abbrev",
        "--format=%x01%H %ct",
        f"{since}..HEAD" if since else "HEAD",
        "--",
        "units",
    ).decode("utf-8", "replace")
    commits = []
    for chunk in out.split("\x01")[1:]:
        lines = chunk.strip("\n").splitlines()
        sha, ct = lines[0].split()
        when = datetime.fromtimestamp(int(ct), BEIJING).replace(tzinfo=None)
        files = []
        for line in lines[1:]:
            if not line.startswith(":") or "\t" not in line:
                continue
            meta, path = line.split("\t", 1)
            new_blob = meta.split()[3]
            if path.endswith((".yaml", ".yml")):
                files.append((path, new_blob))
        commits.append((sha, when, files))
    return commits


def _extends(root: Path, old: str, head: str) -> bool:
    """Whether ``old`` is on HEAD's main line (first parents): then HEAD's log is old's plus the commits since."""
    try:
        since = gitcmd.run(root, "rev-list", "--first-parent", "--reverse", f"{old}..{head}").decode().split()
        return bool(since) and gitcmd.run(root, "rev-parse", f"{since[0]}^1").decode().strip() == old
    except gitcmd.GitError:
        return False


def _kept_log(root: Path, head: str) -> list[LogEntry]:
    """``_log`` of HEAD, from the cache (``util.cache``) when HEAD is the same or descends from the kept head
    (then only the commits since are logged): walking the whole history for ``units/`` takes seconds."""
    kept = cache.load(root, LOG_CACHE, _KeptLog)
    if kept is not None and kept.head == head:
        return kept.commits
    if kept is not None and _extends(root, kept.head, head):
        commits = kept.commits + _log(root, kept.head)
    else:
        commits = _log(root)
    cache.save(root, LOG_CACHE, _KeptLog(head, commits))
    return commits


def keep_log(root: Path) -> None:
    """Bring the kept log of ``units/`` up to HEAD (what ``read_versions`` reads first), keeping no answer: the site
    build runs it beside the history walk (``reports.sources.walk_history``)."""
    head = gitcmd.head(root) if gitcmd.toplevel(root) is not None else None
    if head is not None:
        _kept_log(root, head)


def read_versions(root: Path | str) -> UnitVersions | None:
    """Every version of every unit file on the main line; None outside a Git repository or without commits."""
    root = Path(root)
    head = gitcmd.head(root) if gitcmd.toplevel(root) is not None else None
    if head is None:
        return None
    commits = _kept_log(root, head)
    reader = gitcmd.BlobReader(root)
    result = UnitVersions()
    try:
        for sha, when, files in commits:
            for path, blob in files:
                uid = Path(path).stem
                unit = None
                if blob != ZERO:
                    text, _ = decode(path, reader.read(blob) or b"")
                    doc = parse_text(path, text) if text is not None else None
                    unit = to_model(doc, Unit)[0] if doc is not None and doc.ok else None
                    if unit is None or unit.id != uid:
                        continue  # an invalid version: the one before it stands
                result.versions.setdefault(uid, []).append(Version(when, sha, unit))
    finally:
        reader.close()
    return result
