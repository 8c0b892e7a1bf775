"""Git for the host integration (Git 操作): changed paths, files at a revision, intake branches.

The permission check and the issue-form intake need a few repository facts and writes beyond what the
history reader does; they are gathered here as small functions over ``gitcmd.run``, which stays the
only place that starts a ``git`` process (a list of arguments, never a shell: nothing a user typed is
ever interpreted).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from hotline.git.commands import GitError, run

__all__ = ["Change", "GitError", "changed_paths", "files_at", "merge_base", "read_at", "resolve", "toplevel"]


def git(root: Path | str, *args: str, input: bytes | None = None, env: dict[str, str] | None = None) -> bytes:
    return run(root, *args, input=input, env=env)


def toplevel(root: Path | str) -> Path:
    try:
        return Path(git(root, "rev-parse", "--show-toplevel").decode().strip())
    except GitError:
        raise GitError(f"{root} 不在 Git 仓库中") from None


def resolve(root: Path | str, rev: str) -> str:
    """The full commit id of ``rev`` (a branch, tag, ``origin/main``, a SHA)."""
    if rev.startswith("-"):
        raise GitError(f"版本“{rev}”无效")
    try:
        return git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"找不到版本 {rev}：检出时请取得完整历史（fetch-depth: 0）") from None


def merge_base(root: Path | str, base: str, head: str = "HEAD") -> str:
    base_id, head_id = resolve(root, base), resolve(root, head)
    try:
        return git(root, "merge-base", base_id, head_id).decode().strip()
    except GitError:
        raise GitError(f"{base} 与 {head} 没有共同的历史：检出时请取得完整历史（fetch-depth: 0）") from None


@dataclass(frozen=True)
class Change:
    """One changed path between two revisions: ``A`` added, ``M`` modified, ``D`` deleted."""

    status: str
    path: str


def changed_paths(root: Path | str, base: str, head: str = "HEAD") -> list[Change]:
    """What ``git diff --name-status BASE...HEAD`` reports: changes on ``head`` since it left ``base``.

    Renames are split into a deletion and an addition so that both paths are checked.
    """
    mb = merge_base(root, base, head)
    out = git(root, "diff", "--name-status", "--no-renames", "-z", mb, resolve(root, head), "--")
    parts = out.decode("utf-8").split("\0")
    changes = []
    i = 0
    while i + 1 < len(parts):
        status, path = parts[i], parts[i + 1]
        changes.append(Change(status[:1], path))
        i += 2
    return changes


def read_at(root: Path | str, rev: str, paths: list[str]) -> dict[str, bytes | None]:
    """The content of each path at ``rev`` (None where it does not exist), in one ``git cat-file``."""
    if not paths:
        return {}
    request = "".join(f"{rev}:{p}\n" for p in paths).encode("utf-8")
    out = git(root, "cat-file", "--batch", input=request)
    result: dict[str, bytes | None] = {}
    pos = 0
    for p in paths:
        end = out.index(b"\n", pos)
        header = out[pos:end].decode("utf-8", "replace")
        pos = end + 1
        if header.endswith(" missing") or header.endswith(" ambiguous"):
            result[p] = None
            continue
        _sha, kind, size = header.rsplit(" ", 2)
        n = int(size)
        result[p] = out[pos : pos + n] if kind == "blob" else None
        pos += n + 1  # content and its trailing newline
    return result


# --- what the issue-form intake needs -----------------------------------------------------------


def current_branch(root: Path | str) -> str:
    return git(root, "rev-parse", "--abbrev-ref", "HEAD").decode().strip()


def switch_new_branch(root: Path | str, branch: str, start: str) -> None:
    """Create (or reset) ``branch`` at ``start`` and check it out."""
    git(root, "switch", "--force-create", branch, resolve(root, start))


def switch_branch(root: Path | str, branch: str) -> None:
    git(root, "switch", "--force", branch)


PUSH_TRIES = 3


def push_branch(
    root: Path | str, branch: str, remote: str = "origin", token: str | None = None, timeout_s: int = 120
) -> None:
    """Force-push HEAD to ``branch``. With ``token``, push as that account (HTTP basic auth, as both hosts
    accept): given through the environment, never on the command line. The push gives up after
    ``timeout_s`` seconds of a stalled transfer (Gitea before 1.27 ignores a job's ``timeout-minutes``)."""
    env = _push_env(token, timeout_s)
    for attempt in range(PUSH_TRIES):
        try:
            git(root, "push", "--force", remote, f"HEAD:refs/heads/{branch}", env=env)
            return
        except GitError as e:
            # an overlapping run pushing the same branch at the same moment: the host could not lock the
            # ref ("cannot lock ref", "failed to update ref"); push again — the later force-push wins
            if attempt + 1 == PUSH_TRIES or not any(m in str(e) for m in ("cannot lock ref", "failed to update ref")):
                raise
            time.sleep(1 + attempt)


def _push_env(token: str | None, timeout_s: int) -> dict[str, str]:
    import base64

    env = {"GIT_HTTP_LOW_SPEED_LIMIT": "1000", "GIT_HTTP_LOW_SPEED_TIME": str(timeout_s)}
    if token:
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        env |= {
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "http.extraHeader",
            "GIT_CONFIG_VALUE_0": f"AUTHORIZATION: basic {basic}",
        }
    return env


def fetch_branch(
    root: Path | str, branch: str, remote: str = "origin", token: str | None = None, timeout_s: int = 120
) -> bool:
    """Fetch ``branch`` of ``remote`` into ``refs/remotes/<remote>/<branch>`` (one commit deep); False when the
    remote has no such branch. Token and time bound as in ``push_branch``."""
    try:
        refspec = f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"
        git(root, "fetch", "--quiet", "--depth=1", remote, refspec, env=_push_env(token, timeout_s))
    except GitError:
        return False
    return True


def push_refs(
    root: Path | str, refspecs: list[str], remote: str = "origin", token: str | None = None, timeout_s: int = 120
) -> None:
    """Push ``refspecs`` all or nothing (``--atomic``), never forced: a branch that moved meanwhile is
    refused and the next run starts again from it. Token and time bound as in ``push_branch``."""
    git(root, "push", "--atomic", remote, *refspecs, env=_push_env(token, timeout_s))


def tree_of(root: Path | str, rev: str) -> str | None:
    """The tree id of ``rev``, or None when ``rev`` does not exist."""
    try:
        return (
            git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{tree}}").decode().strip()
            or None
        )
    except GitError:
        return None


def files_at(root: Path | str, rev: str, folder: str) -> list[str]:
    """Paths of the files under ``folder`` (relative to the top level) at ``rev``."""
    out = git(root, "ls-tree", "-r", "-z", "--name-only", rev, "--", folder.rstrip("/") + "/")
    return [p for p in out.decode("utf-8").split("\0") if p]
