"""Commits the tools make never depend on the machine's Git configuration."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from hotline.git.commands import GitError
from hotline.git.identity import commit_env, in_ci

ORDER = """
id: JC2026112000001
title: 测试工单
category: 咨询
received_at: 2026-11-20 09:40
citizen: {name: 张**, phone: 138****1234}
content: 测试
events:
  - {at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}
"""


@pytest.fixture
def bare_machine(tmp_path, monkeypatch):
    """No global or system Git configuration, no identity in the environment."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    for k in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(k, raising=False)


def init(root):
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)


def order_add(root, *extra):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "hotline",
            "order",
            "add",
            "JC2026112000001",
            "接收",
            "unit=jincun",
            "by=王丽",
            "--at",
            "2026-11-20 11:00",
            "--commit",
            *extra,
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )


def test_in_a_workflow_order_add_commits_as_the_records_bot_identity(records, bare_machine, in_ci):
    init(records.root)
    records.order("JC2026112000001", ORDER)
    done = order_add(records.root)
    assert done.returncode == 0, done.stderr
    who = subprocess.run(
        ["git", "-C", str(records.root), "log", "-1", "--format=%an <%ae>|%cn <%ce>"], capture_output=True, text=True
    ).stdout.strip()
    assert who == "hotline-bot <hotline-bot@noreply.invalid>|hotline-bot <hotline-bot@noreply.invalid>"


def test_in_a_workflow_without_any_identity_the_command_stops_with_a_chinese_message(records, bare_machine, in_ci):
    rules = records.root / "scoring" / "rules.yaml"
    rules.write_text(re.sub(r"(?m)^git:.*\n(?:  .*\n)+", "", rules.read_text(encoding="utf-8")), encoding="utf-8")
    assert "\ngit:" not in rules.read_text(encoding="utf-8")
    init(records.root)
    records.order("JC2026112000001", ORDER)
    done = order_add(records.root)
    assert done.returncode != 0
    assert (
        "没有设置提交身份" in done.stderr
        and "scoring/rules.yaml" in done.stderr
        and "git config user.name" in done.stderr
    )
    assert "Committer identity unknown" not in done.stderr
    with pytest.raises(GitError, match="没有设置提交身份"):
        commit_env(records.root)


def test_a_persons_own_identity_wins_over_the_bot(records, bare_machine, in_ci):
    init(records.root)
    subprocess.run(["git", "-C", str(records.root), "config", "user.name", "王丽"], check=True)
    subprocess.run(["git", "-C", str(records.root), "config", "user.email", "wangli@zezhou.gov.cn"], check=True)
    assert commit_env(records.root) == {}
    # the caller's author (intake: the author) stays; only the missing committer comes from the bot
    subprocess.run(["git", "-C", str(records.root), "config", "--unset", "user.name"], check=True)
    subprocess.run(["git", "-C", str(records.root), "config", "--unset", "user.email"], check=True)
    env = commit_env(records.root, {"GIT_AUTHOR_NAME": "wangli", "GIT_AUTHOR_EMAIL": "wangli@noreply.invalid"})
    assert env == {
        "GIT_AUTHOR_NAME": "wangli",
        "GIT_AUTHOR_EMAIL": "wangli@noreply.invalid",
        "GIT_COMMITTER_NAME": "hotline-bot",
        "GIT_COMMITTER_EMAIL": "hotline-bot@noreply.invalid",
    }


@pytest.mark.parametrize("variable", ["GITHUB_ACTIONS", "GITEA_ACTIONS", "CI"])
def test_a_workflow_is_told_by_its_environment(variable):
    assert in_ci({variable: "true"}) and not in_ci({}) and not in_ci({variable: "false"})


def test_outside_a_workflow_a_person_without_an_identity_is_stopped_before_anything_is_written(records, bare_machine):
    """Issue 21, point 5: a liaison's 联系/答复 committed from a laptop must not carry the bot's name."""
    init(records.root)
    path = records.order("JC2026112000001", ORDER)
    subprocess.run(["git", "-C", str(records.root), "add", "-A"], check=True)
    before = path.read_bytes()
    done = order_add(records.root)
    assert done.returncode == 1
    assert "未写入任何内容" in done.stderr and "没有设置你的 Git 提交身份" in done.stderr
    assert 'git config --global user.name "你的姓名"' in done.stderr and "git config --global user.email" in done.stderr
    assert "机器人账号只用于工作流" in done.stderr
    assert path.read_bytes() == before  # stopped before writing, not after
    with pytest.raises(GitError, match="没有设置你的 Git 提交身份"):
        commit_env(records.root)
    # with their own identity the same command commits as them
    subprocess.run(["git", "-C", str(records.root), "config", "user.name", "王丽"], check=True)
    subprocess.run(["git", "-C", str(records.root), "config", "user.email", "wangli@zezhou.gov.cn"], check=True)
    done = order_add(records.root)
    assert done.returncode == 0, done.stderr
    who = subprocess.run(
        ["git", "-C", str(records.root), "log", "-1", "--format=%an <%ae>|%cn <%ce>"], capture_output=True, text=True
    ).stdout.strip()
    assert who == "王丽 <wangli@zezhou.gov.cn>|王丽 <wangli@zezhou.gov.cn>"
