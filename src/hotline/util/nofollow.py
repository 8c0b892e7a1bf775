"""Reading the records without following symbolic links (符号链接).

A unit could commit ``site_src/knowledge/jincun/guide.txt -> /etc/passwd`` and have the site publish any
file of the machine that builds it. Nothing that reads or builds records follows a link: the walkers
here skip them (``hotline check`` reports each one, see ``links``), and ``read_bytes`` refuses to open
one (``O_NOFOLLOW``) even when a caller names it directly.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

RECORD_FOLDERS = ("orders", "units", "scoring", "site_src")


def read_bytes(path: Path | str) -> bytes:
    """The file's bytes; ``OSError`` (ELOOP) when the path is a symbolic link."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        return fh.read()


class LinkedFolder(Exception):
    """A folder the tools write in is a symbolic link (or not a folder); the message is Chinese."""


def fresh_folder(root: Path, rel: Path) -> Path:
    """``root / rel``, a tools' working folder under the records (``build/site-docs``), made empty — never through
    a link: a committed ``build -> /somewhere`` would have the tools empty and fill a folder outside the records.
    ``LinkedFolder`` names the part of ``rel`` that is a link or not a folder."""
    path = root
    for part in rel.parts:
        path = path / part
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            raise LinkedFolder(
                f"{path.relative_to(root).as_posix()} 是符号链接或不是目录：hotline 只在记录目录里的普通目录中写入"
                "生成的文件，请删除它（build/ 不应提交到仓库）"
            )
        path.mkdir(exist_ok=True)
    shutil.rmtree(path)  # never follows a link inside it
    path.mkdir()
    return path


def files(folder: Path | str, suffixes: tuple[str, ...] = (), hidden: bool = False) -> Iterator[Path]:
    """Regular files under ``folder`` (sorted, recursively), never through or to a symbolic link."""
    folder = Path(folder)
    if folder.is_symlink() or not folder.is_dir():
        return
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for e in entries:
        if not hidden and e.name.startswith("."):
            continue
        if e.is_symlink():
            continue
        if e.is_dir(follow_symlinks=False):
            yield from files(e.path, suffixes, hidden)
        elif e.is_file(follow_symlinks=False) and (not suffixes or e.name.endswith(suffixes)):
            yield Path(e.path)


def links(root: Path | str, folders: tuple[str, ...] = RECORD_FOLDERS) -> list[str]:
    """Every symbolic link (dangling or not) under the record folders, relative to ``root``."""
    root = Path(root)
    out: list[str] = []

    def walk(p: Path) -> None:
        try:
            entries = sorted(os.scandir(p), key=lambda e: e.name)
        except OSError:
            return
        for e in entries:
            if e.is_symlink():
                out.append(Path(e.path).relative_to(root).as_posix())
            elif e.is_dir(follow_symlinks=False):
                walk(Path(e.path))

    for name in folders:
        top = root / name
        if top.is_symlink():
            out.append(name)
        elif top.is_dir():
            walk(top)
    return out
