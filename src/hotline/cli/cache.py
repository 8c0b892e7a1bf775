"""``hotline cache seal|verify|tag``: the CI caches' seals (``util.seal``), from the installed program."""

from __future__ import annotations

from pathlib import Path

import click

from hotline.cli.common import echo, fail
from hotline.util import seal as seals


def _key() -> bytes:
    try:
        return seals.secret()
    except seals.SealError as e:
        fail(str(e), 2)


@click.group("cache")
def command() -> None:
    """持续集成缓存的封签（密钥取自环境变量 HOTLINE_CACHE_KEY，只有推送 main 的运行才有）。"""


_seal_file = click.option(
    "--seal", "seal_file", required=True, type=click.Path(dir_okay=False, path_type=Path), help="封签文件"
)
_label = click.option("--label", required=True, help="缓存的名称（如 git、venv、site）")
_paths = click.argument("paths", nargs=-1, required=True)


@command.command("tag")
def tag() -> None:
    """打印由密钥生成的缓存路径标记（写进缓存的路径，使没有密钥的运行保存的缓存不会被恢复）。"""
    click.echo(seals.tag(_key()))


@command.command("seal")
@_seal_file
@_label
@_paths
def seal(seal_file: Path, label: str, paths: tuple[str, ...]) -> None:
    """保存缓存前封签：对每个目录中每个文件的路径、类型、权限、大小和内容摘要计算 HMAC-SHA256。"""
    done = seals.seal(_key(), label, seal_file, list(paths))
    echo(f"已封签 {label}：" + ("、".join(name for name, mac in done.items() if mac) or "（没有目录）"))


@command.command("verify")
@_seal_file
@_label
@click.option("--summary", type=click.Path(dir_okay=False), help="把提示追加到此文件（$GITHUB_STEP_SUMMARY）")
@_paths
def verify(seal_file: Path, label: str, summary: str | None, paths: tuple[str, ...]) -> None:
    """恢复缓存后、使用之前校验：与封签不符（或没有封签、没有密钥）的目录一律删除，给出提示，不算失败。"""
    try:
        key: bytes | None = seals.secret()
    except seals.SealError as e:
        key = None
        seals.report([str(e)], summary)
    notices, safe = seals.verify(key, label, seal_file, list(paths))
    seals.report(notices, summary)
    if not safe:
        fail("未通过校验的缓存无法移走：停止，以免使用它", 1)
    if not notices:
        echo(f"缓存 {label} 校验通过")
