"""The weekly lock update (依赖更新): what changed between two locks, proposed as one pull request.

The ``lock`` workflow runs ``scripts/lock.sh --upgrade`` in its checkout (the newest release of every
dependency, resolved once, with hashes) and then ``hotline lock-update``: when ``requirements/lock.txt`` or
``requirements/runtime.txt`` changed, their new text is committed on the branch ``hotline/lock-update`` (made
afresh from the base each time), pushed with the bot's token — so the pull request's checks run on it, as
they do on any change — and one pull request is opened, or updated in place, listing each package's old and
new version. Nothing changed: nothing is pushed or opened. The county merges it once the checks pass.

``parse`` is the one reader of the lock's format (``name==version ; marker`` then ``--hash=`` lines), used by
the tests as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hotline.git import changes as gitrun
from hotline.git import identity
from hotline.host.client import Host

LOCK_FILES = ("requirements/lock.txt", "requirements/runtime.txt")
BRANCH = "hotline/lock-update"
MARKER = "<!-- hotline:lock-update -->"
TITLE = "更新依赖锁定文件（{count} 个软件包有变化）"

_ENTRY = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+?))?\s*\\?$"
)


@dataclass(frozen=True)
class Pin:
    name: str  # as the lock writes it (PEP 503 normalised by uv)
    version: str
    marker: str | None  # an environment marker (``python_full_version < '3.11.5'``), or None
    hashes: frozenset[str]


@dataclass(frozen=True)
class Change:
    name: str
    old: str | None  # None: new in the lock
    new: str | None  # None: gone from the lock


@dataclass(frozen=True)
class Proposal:
    status: str  # "unchanged" (the lock did not change) | "opened" | "updated" | "same" (the pull request has it)
    changes: list[Change]
    pull: int | None = None


def parse(text: str) -> list[Pin]:
    """Every entry of a lock file, in its order (an entry per marker where a package has several)."""
    pins: list[Pin] = []
    head: re.Match[str] | None = None
    hashes: set[str] = set()
    for line in [*text.splitlines(), ""]:
        m = _ENTRY.match(line)
        stripped = line.strip()
        if stripped.startswith("--hash="):
            hashes.add(stripped.removeprefix("--hash=").rstrip(" \\"))
            continue
        if head is not None and (m or not stripped.startswith("#")):
            pins.append(Pin(head["name"].lower(), head["version"], head["marker"], frozenset(hashes)))
            head = None
        if m:
            head, hashes = m, set()
    return pins


def changes(old: list[Pin], new: list[Pin]) -> list[Change]:
    """Each package whose versions differ between two locks (all markers together), by name."""

    def versions(pins: list[Pin]) -> dict[str, str]:
        out: dict[str, list[str]] = {}
        for p in pins:
            out.setdefault(p.name, []).append(p.version)
        return {name: " / ".join(sorted(set(v))) for name, v in out.items()}

    a, b = versions(old), versions(new)
    return [Change(n, a.get(n), b.get(n)) for n in sorted(a.keys() | b.keys()) if a.get(n) != b.get(n)]


def body(found: list[Change]) -> str:
    """The pull request's text: a table of the changed packages and what the county does with it."""
    rows = "\n".join(f"| {c.name} | {c.old or '（新增）'} | {c.new or '（移除）'} |" for c in found)
    return (
        f"{MARKER}\n"
        "每周自动运行 `scripts/lock.sh --upgrade` 得到的依赖更新：所有软件包仍按版本和哈希锁定。\n\n"
        "| 软件包 | 原版本 | 新版本 |\n|---|---|---|\n"
        f"{rows or '| （只有哈希或注释变化） | | |'}\n\n"
        "请等拉取请求的检查全部通过后再合并；检查不通过时不要合并，可关闭本拉取请求，下周会重新生成。\n"
    )


def propose(root: Path, host: Host, *, base: str, remote: str = "origin", push_token: str | None = None) -> Proposal:
    """Commit the checkout's changed lock files on ``BRANCH`` (from ``base``), push, open or update the pull request."""
    new_text = {rel: (root / rel).read_text(encoding="utf-8") for rel in LOCK_FILES}
    old_text = {
        rel: (blob or b"").decode("utf-8") for rel, blob in gitrun.read_at(root, "HEAD", list(LOCK_FILES)).items()
    }
    if new_text == old_text:
        return Proposal("unchanged", [])
    found = changes(parse(old_text[LOCK_FILES[0]]), parse(new_text[LOCK_FILES[0]]))
    branch = gitrun.current_branch(root)  # a detached checkout (HEAD) comes back detached
    back = ["--detach", gitrun.resolve(root, "HEAD")] if branch == "HEAD" else [branch]
    gitrun.switch_new_branch(root, BRANCH, base)  # discards the working tree's edits: their text is held above
    try:
        for rel, text in new_text.items():
            (root / rel).write_text(text, encoding="utf-8")
        identity.commit(root, list(LOCK_FILES), f"依赖更新：{len(found)} 个软件包（scripts/lock.sh --upgrade）")
        gitrun.fetch_branch(root, BRANCH, remote, token=push_token)  # absent the first time: nothing fetched
        same = gitrun.tree_of(root, "HEAD") == gitrun.tree_of(root, f"refs/remotes/{remote}/{BRANCH}")
        if not same:
            gitrun.push_branch(root, BRANCH, remote, token=push_token)
    finally:
        gitrun.git(root, "switch", "--force", *back)
        for rel, text in new_text.items():  # the checkout as lock.sh left it
            (root / rel).write_text(text, encoding="utf-8")
    base_branch = base.split("/", 1)[1] if base.startswith(f"{remote}/") else base
    title = TITLE.format(count=len(found))
    status, number = host.open_or_update_pull(title, BRANCH, base_branch, body(found), unchanged=same)
    return Proposal("same" if status == "unchanged" else status, found, number)
