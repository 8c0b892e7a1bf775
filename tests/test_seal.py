"""Cache seals (``util.seal``): what the site workflow runs before it uses anything it restored (issue 20, finding 1).

A folder passes only if it is exactly what the run holding the key sealed; anything else — other content, an added
file, an execute bit, a link retargeted, no seal, another cache's seal, another key, no key — is deleted, with a
notice, and the command still succeeds. It runs as a script on the runner's own Python, standard library only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline.cli import main
from hotline.util import seal

KEY = b"0123456789abcdef0123456789abcdef-test-key"
SCRIPT = Path(seal.__file__)


@pytest.fixture
def cached(tmp_path) -> Path:
    """A restored cache: a folder with files, a subfolder, an executable and a link."""
    root = tmp_path / "cache"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("甲\n", encoding="utf-8")
    (root / "sub" / "b.bin").write_bytes(b"\x00\x01")
    hook = root / "sub" / "run.sh"
    hook.write_text("#!/bin/sh\n", encoding="utf-8")
    hook.chmod(0o755)
    (root / "link").symlink_to("a.txt")
    return root


def sealed(cached: Path, label: str = "site") -> Path:
    seal_file = cached.parent / "seals" / label / "seal.json"
    seal.seal(KEY, label, seal_file, [str(cached), str(cached.parent / "absent")])
    return seal_file


def test_an_untouched_folder_passes(cached):
    seal_file = sealed(cached)
    assert seal.verify(KEY, "site", seal_file, [str(cached), str(cached.parent / "absent")]) == ([], True)
    assert (cached / "a.txt").is_file() and seal_file.is_file()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda r: (r / "a.txt").write_text("乙\n", encoding="utf-8"),  # same size, other content
        lambda r: (r / "sub" / "planted.pth").write_text("import os\n", encoding="utf-8"),
        lambda r: (r / "sub" / "b.bin").chmod(0o755),
        lambda r: ((r / "link").unlink(), (r / "link").symlink_to("/etc/passwd")),
        lambda r: (r / "sub" / "b.bin").unlink(),
        lambda r: (r / "empty").mkdir(),
    ],
    ids=["content", "added", "execute-bit", "link-target", "removed", "folder"],
)
def test_any_change_deletes_the_folder_with_a_notice(cached, tamper):
    seal_file = sealed(cached)
    tamper(cached)
    notices, safe = seal.verify(KEY, "site", seal_file, [str(cached)])
    assert safe and not os.path.lexists(cached) and not seal_file.exists()
    assert notices == [
        f"缓存 site 中的 {cached} 未通过校验：内容与封签不符（不是推送 main 的运行保存的，或被改动过）；已删除，本次不用它"
    ]


@pytest.mark.parametrize(
    ("key", "label", "with_seal"),
    [(b"x" * 40, "site", True), (KEY, "venv", True), (KEY, "site", False)],
    ids=["another-key", "another-cache", "no-seal"],
)
def test_another_key_another_cache_or_no_seal_is_refused(cached, key, label, with_seal):
    seal_file = sealed(cached)
    if not with_seal:
        seal_file.unlink()
    notices, safe = seal.verify(key, label, seal_file, [str(cached)])
    assert safe and not cached.exists() and len(notices) == 1


def test_a_folder_the_seal_says_was_absent_is_refused(cached):
    seal_file = sealed(cached)
    planted = cached.parent / "absent"
    planted.mkdir()
    notices, _ = seal.verify(KEY, "site", seal_file, [str(cached), str(planted)])
    assert not planted.exists() and "封签中没有这个目录" in notices[0]


def test_what_cannot_be_deleted_is_moved_out_of_the_way(cached):
    seal_file = sealed(cached)
    (cached / "sub" / "x").write_text("x", encoding="utf-8")
    (cached / "sub").chmod(0o500)  # a read-only folder: its entries cannot be removed as they are
    try:
        notices, safe = seal.verify(KEY, "site", seal_file, [str(cached)])
    finally:
        for p in cached.parent.glob("cache*"):
            for d in [p, *p.rglob("*")]:
                if d.is_dir() and not d.is_symlink():
                    d.chmod(0o700)
    assert safe and not cached.exists() and notices


def test_the_script_runs_on_the_standard_library_alone_and_never_fails_a_job(cached, tmp_path):
    """``python3 -I -S``: no site-packages at all, as before hotline is installed. Without the key every restored
    folder goes (nothing can be trusted) and the step still succeeds."""
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "HOTLINE_CACHE_KEY": KEY.decode()}
    run = [sys.executable, "-I", "-S", str(SCRIPT)]
    tag = subprocess.run([*run, "tag"], env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert tag == seal.tag(KEY) and len(tag) == 32
    seal_file = tmp_path / "s" / "seal.json"
    subprocess.run([*run, "seal", "--seal", str(seal_file), "--label", "git", str(cached)], env=env, check=True)
    ok = subprocess.run([*run, "verify", "--seal", str(seal_file), "--label", "git", str(cached)], env=env)
    assert ok.returncode == 0 and cached.is_dir()
    summary = tmp_path / "summary.md"
    no_key = {**env, "HOTLINE_CACHE_KEY": ""}
    args = ["verify", "--seal", str(seal_file), "--label", "git", "--summary", str(summary), str(cached)]
    gone = subprocess.run([*run, *args], env=no_key, capture_output=True, text=True)
    assert gone.returncode == 0 and not cached.exists()
    assert "::warning::没有设置机密 HOTLINE_CACHE_KEY" in gone.stdout
    assert "没有密钥，无法校验" in summary.read_text(encoding="utf-8")
    short = subprocess.run([*run, "tag"], env={**env, "HOTLINE_CACHE_KEY": "short"}, capture_output=True, text=True)
    assert short.returncode == 2 and "太短" in short.stdout and short.stdout.count("\n") == 1  # no tag printed


def test_the_tag_depends_on_the_key_only():
    assert seal.tag(KEY) == seal.tag(KEY) != seal.tag(KEY + b"!")


def test_hotline_cache_commands(cached, tmp_path, monkeypatch):
    monkeypatch.setenv("HOTLINE_CACHE_KEY", KEY.decode())
    seal_file = tmp_path / "s.json"
    runner = CliRunner()
    done = runner.invoke(main, ["cache", "seal", "--seal", str(seal_file), "--label", "site", str(cached)])
    assert done.exit_code == 0 and f"已封签 site：{cached}" in done.output
    ok = runner.invoke(main, ["cache", "verify", "--seal", str(seal_file), "--label", "site", str(cached)])
    assert ok.exit_code == 0 and "缓存 site 校验通过" in ok.output
    (cached / "planted.html").write_text("<script></script>", encoding="utf-8")
    refused = runner.invoke(main, ["cache", "verify", "--seal", str(seal_file), "--label", "site", str(cached)])
    assert refused.exit_code == 0 and "未通过校验" in refused.output and not cached.exists()
    assert runner.invoke(main, ["cache", "tag"]).output.strip() == seal.tag(KEY)
    monkeypatch.setenv("HOTLINE_CACHE_KEY", "")
    assert runner.invoke(main, ["cache", "tag"]).exit_code == 2
