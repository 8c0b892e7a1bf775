"""A records folder made a real Git repository, committed as the hotline office (tests of v1.1 work)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def git(root: Path, *args: str, when: str = "2026-11-30 08:00:00 +0800") -> str:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="付永佳",
        GIT_AUTHOR_EMAIL="rexian@zezhou.gov.cn",
        GIT_COMMITTER_NAME="付永佳",
        GIT_COMMITTER_EMAIL="rexian@zezhou.gov.cn",
        GIT_AUTHOR_DATE=when,
        GIT_COMMITTER_DATE=when,
    )
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def commit_all(root: Path, message: str, when: str = "2026-11-30 08:00:00 +0800") -> None:
    if not (root / ".git").exists():
        git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message, when=when)
