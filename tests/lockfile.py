"""The lock, read back (test helper): ``requirements/lock.txt`` and its runtime part ``requirements/runtime.txt``.

Both are written by ``scripts/lock.sh`` (uv, universal markers, hashes). ``read()`` gives the pins that apply to
this interpreter; ``drift()`` compares them with what an environment has installed, so the act harness can refuse a
test environment that is not the lock before a workflow installs from it offline (it would fail there with pip's
"No matching distribution", far from the cause).
"""

from __future__ import annotations

from dataclasses import replace
from importlib import metadata
from pathlib import Path

from conftest import REPO
from packaging.markers import Marker
from packaging.utils import canonicalize_name

from hotline.host import lock_update
from hotline.host.lock_update import Pin

LOCK = REPO / "requirements" / "lock.txt"
RUNTIME = REPO / "requirements" / "runtime.txt"
PROJECT = "hotline"  # installed from the checkout itself, never locked


def read(path: Path = LOCK, *, all_environments: bool = False) -> dict[str, Pin]:
    """The pins of a lock file that apply to this interpreter (or every entry, keyed ``name;marker``)."""
    pins: dict[str, Pin] = {}
    for p in lock_update.parse(path.read_text(encoding="utf-8")):
        pin = replace(p, name=canonicalize_name(p.name))
        if all_environments:
            pins[f"{pin.name};{p.marker or ''}"] = pin
        elif p.marker is None or Marker(p.marker).evaluate():
            pins[pin.name] = pin
    return pins


def installed() -> dict[str, str]:
    """Canonical name → version of every distribution this interpreter sees (the first of each name wins)."""
    seen: dict[str, str] = {}
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"] or "")
        if name and name not in seen:
            seen[name] = dist.version
    return seen


def drift(pins: dict[str, Pin], have: dict[str, str], *, exact: bool = False) -> list[str]:
    """Each difference between the lock and an environment, as a line naming the package (empty: none).

    ``exact`` also names what is installed but not locked (the project itself aside).
    """
    lines = []
    for name, pin in sorted(pins.items()):
        if name not in have:
            lines.append(f"{name}：未安装（锁定 {pin.version}）")
        elif have[name] != pin.version:
            lines.append(f"{name}：已安装 {have[name]}，锁定 {pin.version}")
    if exact:
        lines += [f"{n}：已安装 {v}，锁文件中没有" for n, v in sorted(have.items()) if n not in pins and n != PROJECT]
    return lines


def refuse_drift(have: dict[str, str] | None = None) -> None:
    """Fail with a message naming every package where the test environment differs from the lock."""
    lines = drift(read(LOCK), installed() if have is None else have)
    if lines:
        raise AssertionError(
            "测试环境与 requirements/lock.txt 不一致（工作流离线安装锁定的版本，会因此失败）：\n  "
            + "\n  ".join(lines)
            + "\n请运行 scripts/setup.sh --test，把测试环境恢复为锁定的版本。"
        )
