"""Sealed caches (缓存封签): a CI cache is used only if a run holding the secret ``HOTLINE_CACHE_KEY`` saved it.

On Gitea the runner's cache service keeps entries per repository only: any job of the repository (a pull
request's own workflow included) can save an entry that the next push to ``main`` restores. So the site
workflow trusts nothing it restores. Two things bind a cache to the secret, which only push-to-main runs have:

- **the tag** (``tag``): a name derived from the secret that is one of the cache's paths
  (``~/.hotline-seal-<tag>/<name>``, the folder holding the seal). ``actions/cache`` matches an entry by key *and*
  by a version hashed from its paths, so without the secret nobody can save an entry the site job would even
  restore — that matters because ``actions/cache`` unpacks with ``tar -P``, which can write anywhere;
- **the seal** (``seal`` / ``verify``): at save time an HMAC-SHA256 over a manifest of every entry of each
  cached folder (relative path, type, mode, size, SHA-256 of the content; a symbolic link by its target), made
  with a key derived from the secret; at restore time, before anything in the folder is used, the manifest is
  computed again and a folder that does not match (or has no seal) is deleted — a notice, never a failure.

Standard library only: it runs as ``python3 -I path/to/seal.py verify …`` before hotline is installed (the site
workflow takes this one file from the pushed commit), and as ``hotline cache seal|verify``. The key is read
from an environment variable, never from the command line.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import shutil
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

KEY_ENV = "HOTLINE_CACHE_KEY"
MIN_KEY_CHARS = 32
FORMAT = "hotline-seal-1"


class SealError(Exception):
    """The key is missing or unusable (Chinese message)."""


def secret(env: dict[str, str] | None = None, name: str = KEY_ENV) -> bytes:
    """The secret from the environment; SealError when it is missing or too short to be one."""
    value = ((env if env is not None else os.environ).get(name) or "").strip()
    if not value:
        raise SealError(f"没有设置机密 {name}：不使用缓存")
    if len(value) < MIN_KEY_CHARS:
        raise SealError(f"机密 {name} 太短（至少 {MIN_KEY_CHARS} 个字符，如 openssl rand -hex 32 的输出）：不使用缓存")
    return value.encode("utf-8")


def _derive(key: bytes, purpose: bytes) -> bytes:
    return hmac.new(key, b"hotline-cache\0" + purpose, hashlib.sha256).digest()


def tag(key: bytes) -> str:
    """The name bound to the secret that goes into every cache's paths (32 hex digits)."""
    return _derive(key, b"tag").hex()[:32]


def _entries(root: Path, rel: bytes) -> Iterator[tuple[bytes, os.stat_result]]:
    """(relative path, lstat) of ``root`` and everything under it, sorted, without following links."""
    st = os.lstat(root)
    yield rel, st
    if stat.S_ISDIR(st.st_mode):
        with os.scandir(root) as it:
            names = sorted(os.fsencode(e.name) for e in it)
        for name in names:
            yield from _entries(root / os.fsdecode(name), rel + b"/" + name if rel else name)


def _file_digest(path: Path) -> str:
    d = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as f:
        while chunk := f.read(1 << 20):
            d.update(chunk)
    return d.hexdigest()


def _mode(st: os.stat_result) -> str:
    """What of the mode matters: may it run (any execute bit), and the set-id and sticky bits. The rest is left
    out: tar restores permissions through the runner's umask unless it runs as root."""
    return ("x" if st.st_mode & 0o111 else "-") + f"{st.st_mode & 0o7000:o}"


def manifest(folder: Path) -> Iterator[bytes]:
    """One line (bytes) per entry: type, mode, size, content digest or link target, then the relative path
    (length-prefixed, so no two trees give the same lines)."""
    for rel, st in _entries(folder, b""):
        if stat.S_ISREG(st.st_mode):
            what = f"f {_mode(st)} {st.st_size} {_file_digest(folder / os.fsdecode(rel))}".encode()
        elif stat.S_ISDIR(st.st_mode):
            what = b"d"
        elif stat.S_ISLNK(st.st_mode):
            what = b"l " + os.fsencode(os.readlink(folder / os.fsdecode(rel)))
        else:  # a pipe, socket or device has no place in a cache
            what = f"x {stat.S_IFMT(st.st_mode):o}".encode()
        yield what + b"\0" + str(len(rel)).encode() + b":" + rel + b"\n"


def digest(key: bytes, label: str, name: str, folder: Path) -> str | None:
    """The HMAC of the folder ``name`` of the cache ``label`` as it is now; None when it does not exist."""
    if not os.path.lexists(folder):
        return None
    mac = hmac.new(_derive(key, b"seal"), f"{FORMAT}\0{label}\0{name}\0".encode(), hashlib.sha256)
    for line in manifest(folder):
        mac.update(line)
    return mac.hexdigest()


def _path(name: str) -> Path:
    return Path(os.path.expanduser(name))


def seal(key: bytes, label: str, seal_file: Path, names: list[str]) -> dict[str, str | None]:
    """Write the seal of the folders ``names`` (as written in the workflow: ``site``, ``~/.cache/hotline``)."""
    sealed = {name: digest(key, label, name, _path(name)) for name in names}
    seal_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = seal_file.with_name(seal_file.name + ".tmp")
    tmp.write_text(json.dumps({"format": FORMAT, "label": label, "paths": sealed}, indent=1), encoding="utf-8")
    os.replace(tmp, seal_file)
    return sealed


def _read_seal(seal_file: Path, label: str) -> dict | None:
    try:
        data = json.loads(seal_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("label") != label:
        return None
    paths = data.get("paths")
    return paths if isinstance(paths, dict) else None


def remove(path: Path) -> None:
    """Delete ``path`` whatever it is, never following a link out of it. It is first moved aside (a rename needs
    only the parent's permissions), so even what cannot be deleted (a folder without write permission) is no
    longer where anything would use it."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
        return
    aside = path.with_name(f"{path.name}.rejected-{os.getpid()}")
    os.replace(path, aside)

    def writable(
        func: Callable[[str], object], p: str, _exc: object
    ) -> None:  # a read-only folder inside: allow removing its entries, then retry
        os.chmod(os.path.dirname(p), 0o700)
        func(p)

    if sys.version_info >= (3, 12):  # the runner's own Python, whatever its version
        shutil.rmtree(aside, onexc=writable)
    else:
        shutil.rmtree(aside, onerror=writable)


def _reject(label: str, name: str, why: str) -> tuple[str, bool]:
    """Move the folder ``name`` out of the way and delete it: (the notice, whether it is out of the way)."""
    path = _path(name)
    try:
        remove(path)
        done = "已删除，本次不用它"
    except OSError as e:
        done = f"删除时出错（{e.strerror}）"
    gone = not os.path.lexists(path)
    return f"缓存 {label} 中的 {name} 未通过校验：{why}；{done}", gone


def _why_not(key: bytes, label: str, sealed: dict | None, name: str) -> str | None:
    """Why the folder ``name`` may not be used (None: it matches its seal, or it was not restored)."""
    path = _path(name)
    if not os.path.lexists(path):
        return None
    if sealed is None:
        return "没有封签或封签无法读取"
    if not isinstance(sealed.get(name), str):
        return "封签中没有这个目录"
    try:
        now = digest(key, label, name, path) or ""
    except OSError as e:
        return f"无法读取（{e.strerror}）"
    return (
        None if hmac.compare_digest(sealed[name], now) else "内容与封签不符（不是推送 main 的运行保存的，或被改动过）"
    )


def verify(key: bytes | None, label: str, seal_file: Path, names: list[str]) -> tuple[list[str], bool]:
    """Check each folder against the seal and delete every one that does not match (all of them when ``key`` is
    None). Returns (the Chinese notices, whether everything that failed is out of the way)."""
    sealed = _read_seal(seal_file, label) if key is not None else None
    notices, safe = [], True
    for name in names:
        why = _why_not(key, label, sealed, name) if key is not None else "没有密钥，无法校验"
        if why is not None and (key is not None or os.path.lexists(_path(name))):
            notice, gone = _reject(label, name, why)
            notices.append(notice)
            safe = safe and gone
    if notices:
        seal_file.unlink(missing_ok=True)
    return notices, safe


def report(lines: list[str], summary: str | None) -> None:
    for line in lines:
        print(f"::warning::{line}")
    if lines and summary:
        with open(summary, "a", encoding="utf-8") as out:
            out.write("\n".join(f"- {line}" for line in lines) + "\n\n")


def main(argv: list[str] | None = None) -> int:
    """``tag``; ``seal``; ``verify`` (exit 0 whatever it deleted; 1 only when a failing folder could not be moved
    out of the way, so that the job stops before using it)."""
    ap = argparse.ArgumentParser(prog="seal.py", description="缓存封签：保存时封签，恢复后先校验（密钥取自环境变量）")
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("tag", help="打印由密钥生成的缓存路径标记")
    for name in ("seal", "verify"):
        p = sub.add_parser(name, help="保存前封签" if name == "seal" else "恢复后校验，不符的目录删除")
        p.add_argument("--seal", required=True, type=Path, help="封签文件")
        p.add_argument("--label", required=True, help="缓存的名称（git、venv、site）")
        p.add_argument("--summary", help="把提示追加到此文件（$GITHUB_STEP_SUMMARY）")
        p.add_argument("paths", nargs="+", help="缓存的目录，与工作流中写法相同")
    args = ap.parse_args(argv)
    try:
        key: bytes | None = secret()
    except SealError as e:
        key = None
        report([str(e)], getattr(args, "summary", None))
        if args.command != "verify":
            return 2
    if args.command == "tag" and key is not None:
        print(tag(key))
    elif args.command == "seal" and key is not None:
        seal(key, args.label, args.seal, args.paths)
    elif args.command == "verify":
        notices, safe = verify(key, args.label, args.seal, args.paths)
        report(notices, args.summary)
        return 0 if safe else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
