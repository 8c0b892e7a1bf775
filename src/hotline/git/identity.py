"""Who the tools commit as (提交身份), without depending on the machine's Git configuration.

A commit the tools make (``order add --commit``, ``import --commit``, ``archive``'s tag, intake,
month-end) needs an author and a committer. In order:

1. the environment (``GIT_AUTHOR_*`` / ``GIT_COMMITTER_*``) and the repository's or the user's Git
   configuration (``user.name`` and ``user.email``) — a member of staff on their own machine commits as
   themselves, which the audit trail needs;
2. otherwise, in a workflow only (``in_ci``: ``GITHUB_ACTIONS``, ``GITEA_ACTIONS`` or ``CI`` set), the ``git:``
   section of ``scoring/rules.yaml`` (the host's bot account) — a CI runner has no identity of its own;
3. otherwise the command stops with a Chinese message that says how to set one: outside a workflow a person
   commits as themselves, never as the bot (decided 2026-12-07; README 部署, 提交身份), so that the timeline shows who
   recorded a liaison's 联系 or 答复.

``require`` asks the same question before a command writes anything, so that it stops before, not after.

Git never guesses an identity from the host name (``user.useConfigOnly``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from hotline.git.commands import GitError, commit_paths, run
from hotline.records.rules import Rules
from hotline.records.validate import to_model
from hotline.records.yaml_reader import read

__all__ = ["NO_IDENTITY", "NO_PERSONAL_IDENTITY", "commit", "commit_env", "in_ci", "require"]

CI_VARIABLES = ("GITHUB_ACTIONS", "GITEA_ACTIONS", "CI")  # set by GitHub's and Gitea's runners (and most others)
NO_PERSONAL_IDENTITY = (
    "没有设置你的 Git 提交身份：在本机提交的记录须以你本人的名义提交（机器人账号只用于工作流）。请先运行\n"
    '  git config --global user.name "你的姓名"\n'
    '  git config --global user.email "你的邮箱"\n'
    "然后重新运行本命令"
)
NO_IDENTITY = (
    "没有设置提交身份：请在 scoring/rules.yaml 中写明机器人账号，如\n"
    "  git:\n    name: hotline-bot\n    email: hotline-bot@noreply.invalid\n"
    '或在本机设置 git config user.name "姓名" 和 git config user.email "账号@单位邮箱"'
)


def _config(root: Path | str, key: str) -> str:
    try:
        return run(root, "config", "--get", key, check=False).decode("utf-8", "replace").strip()
    except GitError:
        return ""


def _rules_identity(root: Path | str) -> tuple[str, str] | None:
    path = Path(root) / "scoring" / "rules.yaml"
    if not path.is_file():
        return None
    doc = read(str(path), "scoring/rules.yaml")
    if doc.data is None or not doc.ok:
        return None
    rules, _errors = to_model(doc, Rules)
    if rules is None or rules.git is None:
        return None
    return rules.git.name, rules.git.email


def in_ci(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this runs in a workflow (``GITHUB_ACTIONS``, ``GITEA_ACTIONS`` or ``CI`` set to true)."""
    environ = os.environ if environ is None else environ
    return any(environ.get(k, "").strip().lower() in ("true", "1", "yes") for k in CI_VARIABLES)


def require(root: Path | str, env: dict[str, str] | None = None) -> None:
    """Raise ``GitError`` (Chinese) now when a commit in ``root`` would have no identity (``commit_env``)."""
    commit_env(root, env)


def commit_env(root: Path | str, env: dict[str, str] | None = None) -> dict[str, str]:
    """Environment additions that give a commit in ``root`` a definite author and committer.

    ``env`` is what the caller already sets (e.g. the intake's ``GIT_AUTHOR_*`` for the issue's author);
    it wins over everything else. Raises ``GitError`` (Chinese) when there is no identity: outside a workflow
    when the person has none, in a workflow when neither the runner nor ``scoring/rules.yaml`` has one.
    """
    given = {**{k: v for k, v in os.environ.items() if k.startswith("GIT_")}, **(env or {})}
    name = _config(root, "user.name")
    email = _config(root, "user.email")
    out = dict(env or {})
    roles = ("AUTHOR", "COMMITTER")
    missing = [
        r for r in roles if not ((given.get(f"GIT_{r}_NAME") or name) and (given.get(f"GIT_{r}_EMAIL") or email))
    ]
    if not missing:
        return out
    if not in_ci():
        raise GitError(NO_PERSONAL_IDENTITY)
    bot = _rules_identity(root)
    if bot is None:
        raise GitError(NO_IDENTITY)
    for r in missing:
        out.setdefault(f"GIT_{r}_NAME", given.get(f"GIT_{r}_NAME") or bot[0])
        out.setdefault(f"GIT_{r}_EMAIL", given.get(f"GIT_{r}_EMAIL") or bot[1])
    return out


def commit(root: Path | str, paths: list[str], message: str, env: dict[str, str] | None = None) -> str:
    """``commit_paths`` with a definite author and committer (see the module's docstring)."""
    return commit_paths(root, paths, message, env=commit_env(root, env))
