"""Running ``git`` (Git 命令): the only module that starts a ``git`` process.

The history reader, the staff commands' ``--commit`` and the demo generator all come through here.
Every call runs with a fixed, predictable environment: no pager, no colour, no prompts, C locale for
messages, and paths quoted verbatim (``core.quotePath=false``) so Chinese file names stay readable.
Errors become ``GitError`` with git's own message; the CLI turns them into Chinese text.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from hotline.records.privacy import mask_text
from hotline.records.yaml_reader import MAX_BYTES


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
        }
    )
    if extra:
        env.update(extra)
    return env


_BASE = ["git", "-c", "core.quotePath=false", "-c", "color.ui=false", "-c", "log.showSignature=false"]


def available() -> bool:
    return shutil.which("git") is not None


def run(
    root: Path | str, *args: str, input: bytes | None = None, env: dict[str, str] | None = None, check: bool = True
) -> bytes:
    """Run ``git args…`` in ``root`` and return its standard output."""
    try:
        proc = subprocess.run(_BASE + list(args), cwd=root, input=input, capture_output=True, env=_env(env))
    except FileNotFoundError as e:
        raise GitError("找不到 git 程序：请先安装 git") from e
    if check and proc.returncode != 0:
        raise GitError(f"git {' '.join(args[:2])} 失败：{proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout


def ok(root: Path | str, *args: str) -> bool:
    """True when ``git args…`` exits 0 (used for yes/no questions such as ``merge-base --is-ancestor``)."""
    try:
        proc = subprocess.run(
            _BASE + list(args), cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env()
        )
    except FileNotFoundError:
        return False
    return proc.returncode == 0


def stream(root: Path | str, *args: str, feed: bytes | None = None) -> subprocess.Popen:
    """Start ``git args…`` with its output on a pipe (large outputs such as ``git log``); ``feed``: its standard
    input, written by a thread of its own (so that neither side waits for the other)."""
    try:
        proc = subprocess.Popen(
            _BASE + list(args),
            cwd=root,
            stdin=subprocess.DEVNULL if feed is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(),
            bufsize=1 << 20,
        )
    except FileNotFoundError as e:
        raise GitError("找不到 git 程序：请先安装 git") from e
    _grow_pipe(proc.stdout)
    if feed is not None:
        threading.Thread(target=_feed, args=(proc.stdin, feed), daemon=True).start()
    return proc


def _feed(pipe: IO[bytes] | None, data: bytes) -> None:
    assert pipe is not None
    with contextlib.suppress(BrokenPipeError, ValueError):  # git stopped early: ``finish`` says why
        try:
            pipe.write(data)
        finally:
            pipe.close()


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
            _BASE + ["cat-file", "--batch"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )

    def read(self, sha: str) -> bytes | None:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(sha.encode() + b"\n")
        self.proc.stdin.flush()
        return read_object(self.proc.stdout)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait()


BLOB_LIMIT = MAX_BYTES  # a record file larger than this is never read into memory, in history either


class TooLarge(bytes):
    """The (empty) contents standing for an object over ``BLOB_LIMIT``; ``size`` is its real size."""

    size = 0


def read_object(out: IO[bytes], limit: int = BLOB_LIMIT) -> bytes | None:
    """One object from ``git cat-file --batch`` output: its contents, or None when it is missing.

    An object larger than ``limit`` is skipped in 1 MiB pieces and comes back as an empty ``TooLarge``."""
    header = out.readline()
    if not header:
        raise GitError("git cat-file 意外结束")
    parts = header.split()
    if len(parts) < 3 or parts[1] == b"missing":
        return None
    size = int(parts[2])
    if size > limit:
        left = size + 1
        while left > 0:
            piece = out.read(min(left, 1 << 20))
            if not piece:
                raise GitError("git cat-file 意外结束")
            left -= len(piece)
        big = TooLarge()
        big.size = size
        return big
    return out.read(size + 1)[:-1]  # the contents and the newline after them


class BatchReader:
    """Many blobs through one ``git cat-file``: ``request`` a batch of ids, then ``next`` each content.

    With git ≥ 2.36 it runs ``--batch-command --buffer`` and flushes once per batch; older gits answer
    each id as it comes (``--batch``). The caller keeps at most two batches outstanding, so the ids it
    writes always fit in the pipe and neither side waits for the other.
    """

    def __init__(self, root: Path | str) -> None:
        self.command = version() >= (2, 36)
        args = ["cat-file", "--batch-command", "--buffer"] if self.command else ["cat-file", "--batch"]
        self.proc = subprocess.Popen(
            _BASE + args, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env()
        )
        for pipe in (self.proc.stdin, self.proc.stdout):
            _grow_pipe(pipe)
        self.out = self.proc.stdout

    def request(self, shas: list[str]) -> None:
        if not shas:
            return
        assert self.proc.stdin
        if self.command:
            data = "contents " + "\ncontents ".join(shas) + "\nflush\n"
        else:
            data = "\n".join(shas) + "\n"
        self.proc.stdin.write(data.encode())
        self.proc.stdin.flush()

    def next(self) -> bytes | None:
        assert self.out is not None
        return read_object(self.out)

    def close(self) -> None:
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
        except OSError:
            pass
        if self.out:
            self.out.close()
        self.proc.wait()


def _grow_pipe(pipe: IO[bytes] | None) -> None:
    """Ask Linux for a 1 MiB pipe buffer (F_SETPIPE_SZ) so git can run further ahead; harmless elsewhere."""
    if pipe is None:
        return
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), 1031, 1 << 20)
    except (ImportError, OSError, ValueError, AttributeError):
        pass


_VERSION: tuple[int, ...] | None = None


def version() -> tuple[int, ...]:
    global _VERSION
    if _VERSION is None:
        try:
            text = subprocess.run(["git", "version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
            _VERSION = tuple(int(p) for p in text.split()[2].split(".")[:3] if p.isdigit())
        except (OSError, IndexError, ValueError):
            _VERSION = (0,)
    return _VERSION


# --- writing ---------------------------------------------------------------------------------------


def init(root: Path | str, branch: str = "main") -> None:
    Path(root).mkdir(parents=True, exist_ok=True)
    run(root, "init", "--quiet", "-b", branch)


def fast_import(root: Path | str, chunks: Iterable[bytes]) -> None:
    """Feed a ``git fast-import`` stream (many commits in one process: seconds instead of minutes)."""
    proc = subprocess.Popen(
        _BASE + ["fast-import", "--quiet", "--done"],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=_env(),
        bufsize=1 << 20,
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


def commit_paths(root: Path | str, paths: Iterable[str], message: str, env: dict[str, str] | None = None) -> str:
    """Stage ``paths`` (relative to ``root``) and commit exactly them; return the new commit id.

    Git never guesses an identity (``user.useConfigOnly``): use ``git.identity.commit`` to commit as the
    machine's identity or else the records' bot identity."""
    paths = list(paths)
    run(root, "add", "--", *paths)
    run(
        root,
        "-c",
        "user.useConfigOnly=true",
        "commit",
        "--quiet",
        "--no-verify",
        "-m",
        mask_text(message),
        "--only",
        "--",
        *paths,
        env=env,
    )
    return run(root, "rev-parse", "HEAD").decode().strip()


def untracked(root: Path | str, paths: Iterable[str]) -> list[str]:
    """Those of ``paths`` (relative to ``root``) that exist but were never committed nor staged."""
    paths = list(paths)
    if not paths:
        return []
    out = run(root, "ls-files", "--others", "--exclude-standard", "-z", "--", *paths)
    found = set(out.decode("utf-8", "replace").split("\0")) - {""}
    return [p for p in paths if p in found]
