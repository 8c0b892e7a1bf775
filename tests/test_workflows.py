"""Workflows, issue forms and the pre-commit hook: schema-valid, pinned, least privilege, and working."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
FORMS = sorted((REPO / ".github" / "ISSUE_TEMPLATE").glob("*.yml"))
CHECK_JSONSCHEMA = str(Path(sys.executable).with_name("check-jsonschema"))


def load(path: Path) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); keep it a string as the hosts do
    text = path.read_text(encoding="utf-8").replace("\non:\n", '\n"on":\n')
    return yaml.safe_load(text)


def schema_check(schema: str, files: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHECK_JSONSCHEMA, "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True
    )


def test_the_expected_workflows_exist():
    expected = {"check", "permissions", "site", "overdue", "intake", "month-end", "import", "lock"}
    assert {p.stem for p in WORKFLOWS} == expected


def test_workflows_and_forms_pass_the_github_schemas_offline():
    r = schema_check("vendor.github-workflows", WORKFLOWS)
    assert r.returncode == 0, r.stdout + r.stderr
    forms = [p for p in FORMS if p.name != "config.yml"]
    r = schema_check("vendor.github-issue-forms", forms)
    assert r.returncode == 0, r.stdout + r.stderr
    r = schema_check("vendor.github-issue-config", [REPO / ".github" / "ISSUE_TEMPLATE" / "config.yml"])
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_schema_check_does_catch_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    step:\n      - run: echo\n", encoding="utf-8"
    )
    assert schema_check("vendor.github-workflows", [bad]).returncode != 0


def all_steps(wf: dict):
    for job_id, job in wf["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.stem)
def test_actions_pinned_by_full_commit_with_version_comment(path):
    text = path.read_text(encoding="utf-8")
    uses = re.findall(r"uses:\s*(\S+)(.*)", text)
    assert uses
    for ref, rest in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w.-]+)*@[0-9a-f]{40}", ref), ref  # actions/cache/restore: a sub-action
        assert re.search(r"#\s*v\d+\.\d+\.\d+", rest), f"{ref}: no version comment"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.stem)
def test_least_privilege_and_no_expressions_in_shell(path):
    wf = load(path)
    top = wf["permissions"]
    assert isinstance(top, dict) and "write-all" not in str(top)
    writes = {k for k, v in top.items() if v == "write"}
    allowed = {
        "check": set(),
        "permissions": {"pull-requests"},
        "site": set(),
        "overdue": {"issues"},
        "intake": {"contents", "issues", "pull-requests"},
        "month-end": {"contents"},
        "import": {"contents", "pull-requests"},
        "lock": {"pull-requests"},
    }[path.stem]
    assert writes == allowed
    for job_id, step in all_steps(wf):
        run = step.get("run", "")
        assert "${{" not in run, f"{job_id}: an expression inside a shell script; pass it through env"
    for job in wf["jobs"].values():
        assert job.get("timeout-minutes")


def test_check_workflow_runs_on_every_push_and_pull_request_with_full_history():
    wf = load(REPO / ".github/workflows/check.yml")
    assert set(wf["on"]) == {"push", "pull_request"}
    steps = [s for _, s in all_steps(wf)]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert any(
        'hotline check --format github --summary "$RUNNER_TEMP/hotline-check.md"' in s.get("run", "") for s in steps
    )
    # it runs the branch's own hotline: no comment (that needs a token) — permissions.yml posts it from the base
    assert not any("pr-comment" in s.get("run", "") for s in steps)


def test_month_end_runs_daily_in_utc_and_pushes_with_the_bot_token():
    wf = load(REPO / ".github/workflows/month-end.yml")
    assert wf["on"]["schedule"] == [{"cron": "30 1 * * *"}]  # 09:30 Beijing, after the reminders
    (job,) = wf["jobs"].values()
    assert job["steps"][0]["with"]["fetch-depth"] == 0
    last = job["steps"][-1]
    assert last["env"]["HOTLINE_TOKEN"] == "${{ secrets.HOTLINE_TOKEN }}"
    assert "hotline month-end --push origin --token-env HOTLINE_TOKEN" in last["run"]


def test_import_runs_on_uploads_to_the_imports_folder():
    wf = load(REPO / ".github/workflows/import.yml")
    assert wf["on"]["push"] == {"branches": ["main"], "paths": ["imports/**"]}
    (job,) = wf["jobs"].values()
    assert job["steps"][-1]["run"].startswith('hotline import-uploads --before "$BEFORE"')


def test_permission_policy_runs_the_base_branch_tool_on_the_pull_request_data():
    wf = load(REPO / ".github/workflows/permissions.yml")
    assert list(wf["on"]) == ["pull_request_target"]
    steps = [s for _, s in all_steps(wf)]
    tool, data = steps[0], steps[1]
    assert tool["with"]["path"] == "tool" and "ref" not in tool["with"]
    assert data["with"]["path"] == "records" and data["with"]["fetch-depth"] == 0
    assert data["with"]["ref"] == "refs/pull/${{ github.event.pull_request.number }}/head"
    assert all(s.get("with", {}).get("persist-credentials") is False for s in steps if "checkout" in s.get("uses", ""))
    runs = [s["run"] for s in steps if "run" in s]
    assert runs[0] == (
        "python3 -m pip install --require-hashes -r tool/requirements/runtime.txt"
        " && python3 -m pip install --no-deps --no-build-isolation ./tool"
    )
    assert (
        'hotline check --root records --no-cache --format github --summary "$RUNNER_TEMP/hotline-check.md"'
        ' --changed-by "$PR_AUTHOR" --changed-by "$RUN_ACTOR" --base "$BASE_SHA"'
    ) in runs[1]
    # the Gitea comment (the bot token): posted by the base branch's hotline, the pull request's text is only data
    comment = steps[-1]
    assert "hotline pr-comment" in comment["run"] and "'gitea'" in comment["if"] and "!cancelled()" in comment["if"]
    assert comment["env"]["HOTLINE_TOKEN"] == "${{ secrets.HOTLINE_TOKEN || secrets.GITHUB_TOKEN }}"
    # nothing from the pull request's tree is installed or run: every command is the base's hotline or pip on ./tool
    for run in runs:
        for line in run.splitlines():
            assert "records/" not in line.replace("--root records", ""), line


def test_overdue_runs_daily_at_nine_beijing_and_by_hand():
    wf = load(REPO / ".github/workflows/overdue.yml")
    assert wf["on"]["schedule"] == [{"cron": "0 1 * * *"}]
    assert wf["on"]["workflow_dispatch"]["inputs"]["force"]["type"] == "boolean"
    (job,) = wf["jobs"].values()
    sync, notify = job["steps"][-2:]
    assert "hotline overdue sync --token-env HOTLINE_TOKEN" in sync["run"]
    assert sync["env"]["HOTLINE_API_URL"] == "${{ github.api_url }}"
    # then the group reminders, even when the sync failed, with the groups' secrets (and only that step has them)
    assert "hotline overdue notify --token-env HOTLINE_TOKEN" in notify["run"] and "!cancelled()" in notify["if"]
    assert {k: v for k, v in notify["env"].items() if k not in sync["env"]} == {
        f"HOTLINE_CHAT_{n}{s}": f"${{{{ secrets.HOTLINE_CHAT_{n}{s} }}}}" for n in range(1, 7) for s in ("", "_SECRET")
    }
    assert not any("HOTLINE_CHAT" in str(step.get("env")) for step in job["steps"][:-1])


def test_site_publishes_only_where_configured():
    wf = load(REPO / ".github/workflows/site.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    steps = {s["name"]: s for _, s in all_steps(wf)}
    assert steps["生成网站"]["run"] == 'hotline site build --out site --summary "$GITHUB_STEP_SUMMARY"'
    assert steps["上传网站（GitHub Pages）"]["if"] == "vars.SITE_PUBLISH == 'pages'"
    assert steps["复制到网站服务器"]["if"] == "vars.SITE_PUBLISH == 'copy'"
    assert "rsync" in steps["复制到网站服务器"]["run"]
    pages = wf["jobs"]["pages"]
    assert (
        pages["permissions"] == {"pages": "write", "id-token": "write"}
        and pages["if"] == "vars.SITE_PUBLISH == 'pages'"
    )


def test_intake_reads_the_body_only_from_the_event_file():
    wf = load(REPO / ".github/workflows/intake.yml")
    assert wf["on"]["issues"]["types"] == ["opened", "edited"]
    text = (REPO / ".github/workflows/intake.yml").read_text(encoding="utf-8")
    assert "issue.body" not in text.replace("contains(github.event.issue.body, '### 登记类型')", "")
    assert "issue.title" not in text
    (job,) = wf["jobs"].values()
    assert job["steps"][-1]["run"].startswith('hotline intake apply --event "$GITHUB_EVENT_PATH"')


# --- pre-commit ---------------------------------------------------------------------------------------


def test_pre_commit_hook_refuses_a_bad_order_and_accepts_a_good_one(records, tmp_path):
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed (pip install pre-commit)")
    shutil.copy(REPO / ".pre-commit-config.yaml", records.root / ".pre-commit-config.yaml")
    # `hotline` on PATH runs this checkout's code
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "hotline").write_text(f'#!/bin/sh\nPYTHONPATH={REPO / "src"} exec {sys.executable} -m hotline "$@"\n')
    (bindir / "hotline").chmod(0o755)
    env = {
        "PATH": f"{bindir}:{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PRE_COMMIT_HOME": str(tmp_path / "pc"),
        "GIT_AUTHOR_NAME": "王丽",
        "GIT_AUTHOR_EMAIL": "w@example.cn",
        "GIT_COMMITTER_NAME": "王丽",
        "GIT_COMMITTER_EMAIL": "w@example.cn",
        "GIT_AUTHOR_DATE": "2026-11-21T10:00:00+08:00",
        "GIT_COMMITTER_DATE": "2026-11-21T10:00:00+08:00",
    }

    def git(*args, check=True):
        return subprocess.run(
            ["git", "-C", str(records.root), *args], capture_output=True, text=True, env=env, check=check
        )

    shutil.copy(REPO / ".gitignore", records.root / ".gitignore")  # the check cache (.cache/) is never committed
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "records")
    subprocess.run([str(pre_commit), "install"], cwd=records.root, env=env, check=True, capture_output=True)
    good = textwrap.dedent("""\
        id: JC2026112000123
        title: 供暖温度不达标
        category: 投诉
        received_at: 2026-11-20 09:40
        content: 诉求人反映室内温度低。
        events:
          - {at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}
    """)
    path = records.write("orders/2026/11/JC2026112000123.yaml", good)
    path.write_text(good + "  - {at: 2026-11-20 11:30, type: 接收, unit: jinchun, by: 王丽}\n", encoding="utf-8")
    git("add", "-A")
    refused = git("commit", "-m", "bad", check=False)
    assert refused.returncode != 0
    assert (
        "orders/2026/11/JC2026112000123.yaml:8: 错误 unknown-unit 单位 jinchun 不存在"
        in refused.stdout + refused.stderr
    )
    path.write_text(good + "  - {at: 2026-11-20 11:30, type: 接收, unit: jincun, by: 王丽}\n", encoding="utf-8")
    git("add", "-A")
    accepted = git("commit", "-m", "good", check=False)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert git("log", "--format=%s").stdout.split() == ["good", "records"]


SEALS = "~/.hotline-seal-${{ steps.key.outputs.tag }}/"
USE = "steps.key.outputs.use == 'true'"
ON_MAIN = "github.event_name == 'push' && github.ref == 'refs/heads/main'"


def _verify_args(run: str) -> tuple[str, list[str]]:
    """(the label, the folders) a ``seal.py verify`` or ``seal`` command names."""
    words = shlex.split(run)
    at = words.index("--label")
    label, rest = words[at + 1], words[at + 2 :]
    if rest[:1] == ["--summary"]:
        rest = rest[2:]
    return label, rest


def test_site_restores_only_caches_it_can_verify_and_verifies_them_before_use():
    """Issue 20, finding 1: every cache the site job restores has, among its paths, a folder named by a tag made
    from the secret HOTLINE_CACHE_KEY (so no entry saved without the secret matches: the cache's version is a hash
    of its paths), is verified against its seal in the very next step, before the checkout (.git), before the
    environment's Python runs (venv) and before hotline reads its cache or reuses the site (site); saved only by a
    push to main, sealed just before."""
    wf = load(REPO / ".github" / "workflows" / "site.yml")
    assert "pull_request" not in wf["on"] and "pull_request_target" not in wf["on"]
    steps = wf["jobs"]["build"]["steps"]
    names = [s.get("name", s.get("uses")) for s in steps]
    tool, key = steps[0], steps[1]
    assert tool["with"] == {
        "path": ".hotline-seal",
        "sparse-checkout": "src/hotline/util/seal.py",
        "sparse-checkout-cone-mode": False,
        "persist-credentials": False,
    }
    assert key["env"] == {"HOTLINE_CACHE_KEY": "${{ secrets.HOTLINE_CACHE_KEY }}"}
    assert 'echo "::add-mask::$tag"' in key["run"]  # the tag never shows in a log
    restores = [i for i, s in enumerate(steps) if "actions/cache/restore@" in s.get("uses", "")]
    saves = {s["with"]["key"]: s for s in steps if "actions/cache/save@" in s.get("uses", "")}
    seal_step = next(s for s in steps if s.get("name") == "封签缓存")
    labels = {}
    for i in restores:
        restore, verify = steps[i], steps[i + 1]
        paths = restore["with"]["path"].splitlines()
        (sealed,) = [p for p in paths if p.startswith(SEALS)]
        label = sealed.removeprefix(SEALS)
        labels[label] = i
        assert restore["if"] == USE and verify["if"] == USE
        assert verify["env"]["HOTLINE_CACHE_KEY"] == "${{ secrets.HOTLINE_CACHE_KEY }}"
        assert f'seal.py verify --seal "$HOME/.hotline-seal-$TAG/{label}/seal.json"' in verify["run"]
        assert verify["run"].startswith("python3 -I ")  # no user site-packages, no PYTHON* variables
        assert _verify_args(verify["run"]) == (label, [p for p in paths if p != sealed])
        save = saves.pop(restore["with"]["key"])
        assert save["with"]["path"] == restore["with"]["path"]
        assert save["if"].startswith(f"{ON_MAIN} && {USE}")
        assert f"seal {label} " in seal_step["run"] or seal_step["run"].rstrip().endswith(f"seal {label} .git")
        assert "${{ github.event_name }}" not in restore["with"]["key"]  # the version, not the name, binds it
    assert saves == {} and set(labels) == {"git", "site", "venv"}
    assert seal_step["if"] == f"{ON_MAIN} && {USE}" and names.index("封签缓存") < min(
        names.index(s["name"]) for s in steps if "actions/cache/save@" in s.get("uses", "")
    )
    checkout = next(i for i, s in enumerate(steps) if "actions/checkout@" in s.get("uses", "") and i > 0)
    assert labels["git"] + 1 < checkout < labels["site"]  # the .git verified before the checkout reuses it
    assert ".hotline-seal/src/hotline/util/seal.py verify" in steps[labels["git"] + 1]["run"]
    install = names.index("安装 hotline（按锁定文件，校验哈希；环境从缓存恢复时只重新安装 hotline）")
    assert labels["venv"] + 1 < install < names.index("生成网站")
    assert labels["site"] + 1 < names.index("生成网站")
    assert "~/.cache/hotline" in steps[labels["site"]]["with"]["path"].splitlines()
    assert steps[checkout]["with"]["persist-credentials"] is False  # the saved .git holds no token
    assert "git update-ref refs/hotline/ci-base HEAD" in steps[checkout + 1]["run"]
    assert "permissions" not in wf["jobs"]["build"] and wf["permissions"] == {"contents": "read"}  # no write rights


def test_site_python_environment_is_cached_by_the_lock_and_saved_only_by_a_push_to_main():
    """The installed environment (issue 13): keyed by the lock file's hash, the Python and the runner's OS;
    restored only under its exact key (no prefix matches); hotline itself always reinstalled."""
    wf = load(REPO / ".github" / "workflows" / "site.yml")
    steps = wf["jobs"]["build"]["steps"]
    (restore,) = [s for s in steps if "actions/cache/restore@" in s.get("uses", "") and "venv" in s["with"]["key"]]
    (save,) = [s for s in steps if "actions/cache/save@" in s.get("uses", "") and "venv" in s["with"]["key"]]
    key = restore["with"]["key"]
    for part in (
        "${{ runner.os }}",
        "${{ steps.venv.outputs.python }}",
        "${{ hashFiles('requirements/runtime.txt') }}",
    ):
        assert part in key, part
    assert "restore-keys" not in restore["with"]
    assert save["with"] == restore["with"]
    assert save["if"].startswith(f"{ON_MAIN} && {USE} && ")
    names = [s.get("name") for s in steps]
    install = steps[names.index("安装 hotline（按锁定文件，校验哈希；环境从缓存恢复时只重新安装 hotline）")]
    assert (
        names.index(restore["name"])
        < names.index(install["name"])
        < names.index("生成网站")
        < names.index(save["name"])
    )
    lines = [ln.strip() for ln in install["run"].splitlines()]
    assert '"$VENV/bin/python" -m pip install --require-hashes -r requirements/runtime.txt' in lines
    # outside the if: installed on a cache hit too
    assert lines.count('"$VENV/bin/python" -m pip install --no-deps --no-build-isolation .') == 1
    assert lines.index('"$VENV/bin/python" -m pip install --no-deps --no-build-isolation .') > lines.index("fi")
    assert '"$GITHUB_STEP_SUMMARY"' in install["run"]
