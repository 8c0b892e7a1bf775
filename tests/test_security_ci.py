"""Attack 16: a CI job holding a write token installs nothing unpinned: every workflow installs from the
hashed lock (requirements/runtime.txt, the runtime part of requirements/lock.txt), which pins every dependency of
the package (and the build backend) with hashes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from conftest import REPO

LOCK = REPO / "requirements" / "runtime.txt"


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[; ]", req, maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")


def test_every_workflow_installs_from_the_hashed_lock_file():
    for wf in sorted((REPO / ".github" / "workflows").glob("*.yml")):
        data = yaml.safe_load(wf.read_text(encoding="utf-8"))
        runs = [s.get("run", "") for job in data["jobs"].values() for s in job.get("steps", [])]
        installs = [r for r in runs if "pip install" in r]
        assert installs, wf.name
        for r in installs:
            for cmd in re.split(r"&&|\n", r):  # each command on its own
                if "pip install" not in cmd:
                    continue
                assert ("--require-hashes -r" in cmd and "requirements/runtime.txt" in cmd) or "--no-deps" in cmd, (
                    wf.name,
                    cmd,
                )


def test_the_lock_pins_every_dependency_with_hashes():
    text = LOCK.read_text(encoding="utf-8")
    pinned = {_name(m.group(1)): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+) \\$", text, re.M)}
    blocks = re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", text.strip())
    assert all("--hash=sha256:" in b for b in blocks if "==" in b.split("\n")[0])
    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    missing = [d for d in deps if _name(d) not in pinned]
    assert missing == [] and "setuptools" in pinned
    assert "scripts/lock.sh" in (REPO / "README.md").read_text(encoding="utf-8")


# --- issue 20, finding 2: no secret reaches code from a pull request ------------------------------------

WORKFLOW_TOKENS = {"GITHUB_TOKEN", "GITEA_TOKEN"}  # the run's own token: read-only for a fork's pull request


def _triggers(path: Path) -> dict:
    text = path.read_text(encoding="utf-8").replace("\non:\n", '\n"on":\n')
    on = yaml.safe_load(text)["on"]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on


def runs_a_branchs_code(on: dict) -> bool:
    """A pull request (its own workflow file and tree), or a push to a branch other than main."""
    if "pull_request" in on:
        return True
    if "push" in on:
        branches = (on["push"] or {}).get("branches")
        return branches != ["main"]
    return False


def test_no_workflow_that_runs_a_branchs_code_holds_a_secret():
    """A workflow run by a pull request or by a push to any branch runs that branch's code (its workflow file, its
    hotline, whatever ``pip install .`` runs) with that workflow's secrets: it references none but its own token.
    The bot token, the cache key and the publishing secrets live in workflows that run the default branch's code
    (``push`` to main, ``pull_request_target``, ``schedule``, ``issues``)."""
    checked = []
    for path in sorted((REPO / ".github" / "workflows").glob("*.yml")):
        on = _triggers(path)
        if not runs_a_branchs_code(on):
            continue
        checked.append(path.stem)
        used = set(re.findall(r"secrets\.([A-Za-z0-9_]+)", path.read_text(encoding="utf-8")))
        assert used <= WORKFLOW_TOKENS, (path.name, used - WORKFLOW_TOKENS)
        perms = yaml.safe_load(path.read_text(encoding="utf-8").replace("\non:\n", '\n"on":\n'))["permissions"]
        assert perms == {"contents": "read"}, (path.name, perms)  # and its own token can write nothing
    assert checked == ["check"]


def test_the_classifier_sees_a_branch_run():
    assert runs_a_branchs_code({"pull_request": None}) and runs_a_branchs_code({"push": None})
    assert runs_a_branchs_code({"push": {"branches": ["main", "dev"]}})
    assert not runs_a_branchs_code({"push": {"branches": ["main"], "paths": ["imports/**"]}})
    assert not runs_a_branchs_code({"pull_request_target": {"types": ["opened"]}, "schedule": [{"cron": "0 1 * * *"}]})


def test_secrets_are_used_only_where_the_default_branch_runs():
    """Where each secret may appear (README 安全 lists the same)."""
    where: dict[str, set[str]] = {}
    for path in sorted((REPO / ".github" / "workflows").glob("*.yml")):
        for name in re.findall(r"secrets\.([A-Za-z0-9_]+)", path.read_text(encoding="utf-8")):
            where.setdefault(name, set()).add(path.stem)
    assert where.pop("GITHUB_TOKEN") <= {"overdue", "permissions"}
    chats = {n for n in where if re.fullmatch(r"HOTLINE_CHAT_\d+(_SECRET)?", n)}
    assert chats and all(where.pop(n) == {"overdue"} for n in chats)  # the group robots' webhooks
    assert where == {
        "HOTLINE_TOKEN": {"overdue", "intake", "month-end", "import", "lock", "permissions"},
        "HOTLINE_CACHE_KEY": {"site"},
        "SITE_SSH_KEY": {"site"},
        "SITE_KNOWN_HOSTS": {"site"},
    }
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## 安全") : readme.index("## 开发")]
    for name in (*where, "GITHUB_TOKEN", "HOTLINE_CHAT_1"):
        assert name in section, name
