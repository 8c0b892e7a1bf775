"""Git tags and work-tree state for archiving (归档用的 Git 操作), through ``gitcmd`` (which runs every git process).

Small on purpose: whether a folder is a repository, the HEAD commit, uncommitted changes under some
paths, and the ``archive/*`` tags (create, list).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hotline.git import commands as gitcmd
from hotline.git.commands import GitError
from hotline.git.identity import commit_env
from hotline.times import parse_time

TAG_PREFIX = "archive/"


__all__ = ["Commit", "GitError", "Tag", "commits_since", "create_tag", "dirty", "head", "is_repository", "tags"]


def _git(root: Path, *args: str) -> str:
    return gitcmd.run(root, *args).decode("utf-8")


def is_repository(root: Path) -> bool:
    return gitcmd.available() and gitcmd.toplevel(root) is not None


def head(root: Path) -> tuple[str, datetime]:
    """(commit id, commit time in Beijing time) of HEAD."""
    line = _git(root, "log", "-1", "--format=%H %cI").strip()
    if not line:
        raise GitError("仓库还没有任何提交")
    commit, when = line.split(" ", 1)
    return commit, parse_time(when)


def dirty(root: Path, paths: list[str]) -> list[str]:
    """Uncommitted or untracked files under ``paths``."""
    out = _git(root, "status", "--porcelain", "--untracked-files=all", "--", *paths)
    return [line[3:] for line in out.splitlines() if line.strip()]


@dataclass(frozen=True)
class Tag:
    name: str
    commit: str
    tagged_at: datetime | None


def tags(root: Path) -> list[Tag]:
    if not is_repository(root):
        return []
    fmt = "%(refname:short)%09%(*objectname)%09%(objectname)%09%(creatordate:iso-strict)"
    out = _git(root, "for-each-ref", f"refs/tags/{TAG_PREFIX}", f"--format={fmt}")
    result = []
    for line in out.splitlines():
        name, peeled, obj, when = (line.split("\t") + ["", "", ""])[:4]
        result.append(Tag(name, peeled or obj, parse_time(when) if when else None))
    return result


def create_tag(root: Path, name: str, commit: str, message: str) -> None:
    gitcmd.run(root, "-c", "user.useConfigOnly=true", "tag", "-a", name, commit, "-m", message, env=commit_env(root))


@dataclass(frozen=True)
class Commit:
    commit: str
    committed_at: datetime
    subject: str
    files: tuple[str, ...]


def commits_since(root: Path, since: str, folder: str) -> list[Commit]:
    """First-parent commits after ``since`` up to HEAD that changed files under ``folder``, oldest first."""
    out = _git(
        root,
        "log",
        "--first-parent",
        "--reverse",
        "-z",
        "--format=%x1e%H%x09%cI%x09%s",
        "--name-only",
        f"{since}..HEAD",
        "--",
        folder.rstrip("/") + "/",
    )
    result = []
    for chunk in filter(None, out.split("\x1e")):
        head, _, names = chunk.partition("\n")
        commit, when, subject = (head.rstrip("\0").split("\t", 2) + ["", ""])[:3]
        files = tuple(sorted(n.strip("\n") for n in names.split("\0") if n.strip("\n")))
        result.append(Commit(commit, parse_time(when), subject, files))
    return result
