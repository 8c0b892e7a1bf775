"""Running ``git`` (Git 命令): the only module that starts a ``git`` process.

The history reader, the staff commands' ``--commit`` and the demo generator all come through here.
Every call runs with a fixed, predictable environment: no pager, no colour, no prompts, C locale for
messages, and paths quoted verbatim (``core.quotePath=false``) so Chinese file names stay readable.
Errors become ``GitError`` with git's own message; the CLI turns them into Chinese text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

NULL_SHA = "0" * 40


class GitError(RuntimeError):
    """A git command failed (or git is missing)."""


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "GIT_PAGER": "cat",
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C",
            "LANGUAGE": "C",
            "GIT_CONFIG_NOSYSTEM": env.get("GIT_CONFIG_NOSYSTEM", "1"),
        }
    )
    if extra:
        env.update(extra)
    return env


_BASE = ["git", "-c", "core.quotePath=false", "-c", "color.ui=false", "-c", "log.showSignature=false"]


def available() -> bool:
    return shutil.which("git") is not None


def run(root: Path | str, *args: str, input: bytes | None = None, env: dict[str, str] | None = None,
        check: bool = True) -> bytes:
    """Run ``git args…`` in ``root`` and return its standard output."""
    try:
        proc = subprocess.run(
            _BASE + list(args), cwd=root, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(env)
        )
    except FileNotFoundError as e:
        raise GitError("找不到 git 程序：请先安装 git") from e
    if check and proc.returncode != 0:
        raise GitError(f"git {' '.join(args[:2])} 失败：{proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout


def ok(root: Path | str, *args: str) -> bool:
    """True when ``git args…`` exits 0 (used for yes/no questions such as ``merge-base --is-ancestor``)."""
    try:
        proc = subprocess.run(_BASE + list(args), cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    except FileNotFoundError:
        return False
    return proc.returncode == 0


def stream(root: Path | str, *args: str) -> subprocess.Popen:
    """Start ``git args…`` with its output on a pipe (large outputs such as ``git log``)."""
    try:
        return subprocess.Popen(
            _BASE + list(args), cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), bufsize=1 << 20
        )
    except FileNotFoundError as e:
        raise GitError("找不到 git 程序：请先安装 git") from e


def finish(proc: subprocess.Popen, what: str) -> None:
    """Wait for a streamed command; raise with its message when it failed."""
    err = proc.stderr.read() if proc.stderr else b""
    if proc.wait() != 0:
        raise GitError(f"git {what} 失败：{err.decode('utf-8', 'replace').strip()}")


# --- repository facts ------------------------------------------------------------------------------


def toplevel(root: Path | str) -> Path | None:
    """The work tree's top folder, or None when ``root`` is not inside a Git work tree."""
    if not available() or not Path(root).is_dir():
        return None
    try:
        out = run(root, "rev-parse", "--show-toplevel")
    except GitError:
        return None
    return Path(out.decode("utf-8").strip())


def head(root: Path | str) -> str | None:
    """The commit id of HEAD, or None in a repository without commits."""
    try:
        return run(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").decode().strip() or None
    except GitError:
        return None


def is_ancestor(root: Path | str, ancestor: str, descendant: str) -> bool:
    return ok(root, "merge-base", "--is-ancestor", ancestor, descendant)


def shallow_boundary(root: Path | str) -> frozenset[str]:
    """Commits whose parents are missing in a shallow clone (empty for a full clone)."""
    path = run(root, "rev-parse", "--git-path", "shallow").decode().strip()
    p = Path(path) if os.path.isabs(path) else Path(root) / path
    try:
        return frozenset(p.read_text().split())
    except OSError:
        return frozenset()


# --- object reading --------------------------------------------------------------------------------


class BlobReader:
    """``git cat-file --batch`` kept open: read blobs by id, one at a time (random access)."""

    def __init__(self, root: Path | str) -> None:
        self.proc = subprocess.Popen(
            _BASE + ["cat-file", "--batch"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env=_env(),
        )

    def read(self, sha: str) -> bytes | None:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(sha.encode() + b"\n")
        self.proc.stdin.flush()
        return _read_object(self.proc.stdout)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait()


def _read_object(out) -> bytes | None:
    header = out.readline()
    if not header:
        raise GitError("git cat-file 意外结束")
    parts = header.split()
    if len(parts) < 3 or parts[1] == b"missing":
        return None
    data = out.read(int(parts[2]))
    out.read(1)  # the newline after the contents
    return data


def read_blobs(root: Path | str, shas: Iterable[str]) -> Iterator[bytes | None]:
    """Contents of many blobs, in order, through one ``git cat-file --batch``.

    A thread feeds the ids while the caller consumes the contents, so ``shas`` may be a lazy iterator fed
    by another process's output (the history reader streams ``git log`` into it).
    """
    proc = subprocess.Popen(
        _BASE + ["cat-file", "--batch", "--buffer"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, env=_env(), bufsize=1 << 20,
    )
    count = [0]
    done = threading.Event()

    def feed() -> None:
        try:
            assert proc.stdin
            for sha in shas:
                proc.stdin.write(sha.encode() + b"\n")
                count[0] += 1
            proc.stdin.close()
        except BrokenPipeError:
            pass
        finally:
            done.set()

    t = threading.Thread(target=feed, daemon=True)
    t.start()
    assert proc.stdout
    served = 0
    try:
        while True:
            if done.is_set() and served >= count[0]:
                break
            header_peek = proc.stdout.peek(1) if hasattr(proc.stdout, "peek") else b"x"
            if not header_peek:
                break
            yield _read_object(proc.stdout)
            served += 1
    finally:
        t.join()
        proc.stdout.close()
        proc.wait()


# --- writing ---------------------------------------------------------------------------------------


def init(root: Path | str, branch: str = "main") -> None:
    Path(root).mkdir(parents=True, exist_ok=True)
    run(root, "init", "--quiet", "-b", branch)


def fast_import(root: Path | str, chunks: Iterable[bytes]) -> None:
    """Feed a ``git fast-import`` stream (many commits in one process: seconds instead of minutes)."""
    proc = subprocess.Popen(
        _BASE + ["fast-import", "--quiet", "--done"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, env=_env(), bufsize=1 << 20,
    )
    assert proc.stdin
    try:
        for chunk in chunks:
            proc.stdin.write(chunk)
        proc.stdin.write(b"done\n")
        proc.stdin.close()
    except BrokenPipeError:
        pass
    finish(proc, "fast-import")


def commit_paths(root: Path | str, paths: Iterable[str], message: str) -> str:
    """Stage ``paths`` (relative to ``root``) and commit exactly them; return the new commit id."""
    paths = list(paths)
    run(root, "add", "--", *paths)
    run(root, "commit", "--quiet", "--no-verify", "-m", message, "--only", "--", *paths)
    return run(root, "rev-parse", "HEAD").decode().strip()
