"""Running the shipped workflows for real with act (test helper).

``Runner`` runs one workflow of this checkout's ``.github/workflows`` with act (the engine Gitea's
act_runner is built on) on this machine (``-P ubuntu-latest=-self-hosted``), against a records
repository served by the loopback fake host (``FakeHost`` with ``git_dir``):

- every ``uses:`` is replaced by its local stand-in under ``tests/actions/OWNER/NAME``
  (``--local-repository OWNER/NAME@SHA=DIR``, ``--action-offline-mode``); a workflow that uses an action
  without a stand-in fails the test before act starts, and act runs with a proxy that refuses every
  connection except to loopback, so it cannot reach the network either;
- ``python3 -m pip install .`` in a workflow installs into a throwaway virtual environment that is first
  on PATH; it sees the test environment's packages (a ``.pth`` file) and no package index, so the
  install is offline and the workflow runs the *installed* hotline, not this checkout's source; a virtual
  environment the workflow creates itself (``python3 -m venv``, as ``site.yml`` does) sees the same packages
  through ``PYTHONPATH`` (the test environment's site-packages folder, whose ``.pth`` files — this checkout's
  editable install among them — are not read from there): ``pip install --require-hashes -r
  requirements/lock.txt`` finds every locked package already there and installs nothing, while ``pip install .``
  installs hotline into that environment. So in these tests an install step's time is not a fresh install's
  (``scripts/bench_ci.py`` measures that);
- HOME is an empty folder, the same path for every run of one ``workspace`` (as on a hosted runner);
  ``GIT_CONFIG_NOSYSTEM=1``: no Git identity from the machine;
- flavour ``github``: the GitHub context with the host's URLs (``vars.HOTLINE_HOST=github`` as on
  GitHub Enterprise); ``gitea``: what Gitea's runner gives a job — ``GITEA_ACTIONS=true``, the
  ``GITEA_TOKEN`` secret beside ``GITHUB_TOKEN``, ``api_url`` ending in ``/api/v1``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import lockfile
from conftest import REPO, Records
from fake_githost import WORKFLOW_TOKEN, FakeHost

ACT = Path(sys.executable).with_name("act")
STAND_INS = REPO / "tests" / "actions"
IDENTITY = {
    "GIT_AUTHOR_NAME": "测试",
    "GIT_AUTHOR_EMAIL": "rexian-admin@zezhou.gov.cn",
    "GIT_COMMITTER_NAME": "测试",
    "GIT_COMMITTER_EMAIL": "rexian-admin@zezhou.gov.cn",
}


def uses_of(workflow: Path) -> set[str]:
    """``OWNER/NAME[/SUBPATH]@SHA`` of every action the workflow uses."""
    return set(re.findall(r"uses:\s*([\w.-]+/[\w.-]+(?:/[\w.-]+)*@[0-9a-f]{40})", workflow.read_text(encoding="utf-8")))


def stand_in_args(workflow: Path) -> list[str]:
    repos: dict[str, Path] = {}
    for ref in sorted(uses_of(workflow)):
        name, sha = ref.split("@")
        folder = STAND_INS / name  # actions/cache/restore: the stand-in's subfolder, as act looks it up
        if not (folder / "action.yml").is_file():
            raise AssertionError(
                f"{workflow.name} uses {ref}: no local stand-in in {folder} (act must never fetch an action)"
            )
        repo = "/".join(name.split("/")[:2])
        repos[f"{repo}@{sha}"] = STAND_INS / repo
    return [a for ref, folder in repos.items() for a in ("--local-repository", f"{ref}={folder}")]


def git(cwd: Path, *args: str, env: dict | None = None) -> str:
    e = {**os.environ, **IDENTITY, "GIT_CONFIG_NOSYSTEM": "1", **(env or {})}
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=e).stdout.strip()


def throwaway_venv(where: Path) -> Path:
    """A virtual environment without pip of its own that sees the test environment's packages."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    purelib = Path(
        subprocess.run(
            [str(where / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (purelib / "zz_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return where / "bin"


@dataclass
class Run:
    returncode: int
    log: str
    summary: str

    def ok(self) -> bool:
        return self.returncode == 0


class HostedRecords(Records):
    """The records repository on the fake host: this checkout's files plus the test's own records (``root``, the
    office's clone; ``write`` and ``order`` as in every test), committed and pushed by ``commit``."""

    def __init__(self, tmp: Path, host: FakeHost):
        super().__init__(tmp / "work")
        self.tmp = tmp
        self.host = host
        self.bare = tmp / "host.git"
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(self.bare)], check=True)
        host.git_dir = str(self.bare)
        self.work.mkdir()
        files = subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, capture_output=True, check=True
        ).stdout
        for rel in filter(None, files.decode().split("\0")):
            src = REPO / rel
            if rel.startswith(("orders/", "test-artifacts/")) or not src.is_file():
                continue
            dst = self.work / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
        # audit every event (the shipped audit_from lies after the dates the tests use)
        rules = self.work / "scoring" / "rules.yaml"
        rules.write_text(
            re.sub(r"(?m)^(\s*audit_from:)[^#\n]*", r"\1 ", rules.read_text(encoding="utf-8")), encoding="utf-8"
        )
        git(self.work, "init", "-q", "-b", "main")
        git(self.work, "add", "-A")
        git(self.work, "commit", "-q", "-m", "records")
        git(self.work, "remote", "add", "origin", str(self.bare))
        git(self.work, "push", "-q", "origin", "main")

    @property
    def work(self) -> Path:
        """The office's clone: the records folder (``root``)."""
        return self.root

    def commit(self, message: str, branch: str = "main", env: dict | None = None) -> str:
        git(self.work, "add", "-A")
        git(self.work, "commit", "-q", "-m", message, env=env)
        git(self.work, "push", "-q", "--force", "origin", f"HEAD:refs/heads/{branch}")
        sha = git(self.work, "rev-parse", "HEAD")
        with self.host.lock:  # pushed straight into the bare repository: the host updates its pull requests' refs
            self.host.after_push({f"refs/heads/{branch}": (None, sha)})
        return sha

    def head(self, ref: str = "refs/heads/main") -> str:
        return self.host.refs()[ref]


class Runner:
    def __init__(self, tmp: Path, host: FakeHost, records: HostedRecords, flavour: str):
        self.tmp = tmp
        self.host = host
        self.records = records
        self.flavour = flavour
        self.runs = 0

    def run(
        self,
        workflow: str,
        event_name: str,
        event: dict,
        *,
        ref: str = "refs/heads/main",
        sha: str | None = None,
        vars: dict | None = None,
        secrets: dict | None = None,
        env: dict | None = None,
        timeout: float = 240,
        background: bool = False,
        workspace: str | None = None,
        source: Path | None = None,
    ):
        """``workspace``: the job's folder name, emptied first — a runner checks out each run of a repository
        into the same path (``actions/cache`` entries keyed by that path then apply to the next run).
        ``source``: run this file as the workflow instead of this checkout's (``scripts/bench_ci.py`` compares)."""
        # the workflows install requirements/runtime.txt offline from this environment: it must be the lock
        lockfile.refuse_drift()
        self.runs += 1
        n = self.runs
        wf = source or REPO / ".github" / "workflows" / workflow
        args = stand_in_args(wf)
        # a runner's HOME: the same path for every run of a workspace (as on GitHub's runners), empty each time
        home = self.tmp / (f"home-{workspace}" if workspace else f"home{n}")
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir()
        venv_bin = throwaway_venv(self.tmp / f"venv{n}")
        # act reads the workflow and the commit from a folder of its own
        actdir = self.tmp / (workspace or f"act{n}")
        shutil.rmtree(actdir, ignore_errors=True)
        subprocess.run(
            ["git", "clone", "-q", str(self.records.bare), str(actdir)],
            check=True,
            env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(home)},
        )
        sha = sha or self.host.refs().get(ref) or self.records.head()
        git(actdir, "checkout", "-q", "--detach", sha)
        git(
            actdir, "remote", "set-url", "origin", f"https://github.com/{self.host.repo}.git"
        )  # act reads the slug from here
        (actdir / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
        shutil.copy(wf, actdir / ".github" / "workflows" / workflow)
        event = {
            "repository": {
                "full_name": self.host.repo,
                "name": self.host.name,
                "owner": {"login": self.host.owner},
                "default_branch": "main",
                "clone_url": self.host.clone_url,
            },
            **event,
        }
        event_file = self.tmp / f"event{n}.json"
        event_file.write_text(json.dumps(event, ensure_ascii=False), encoding="utf-8")
        api = self.host.api_url
        all_env = {
            "GITHUB_SERVER_URL": self.host.server_url,
            "GITHUB_API_URL": api,
            "GITHUB_REF": ref,
            "ACTIONS_CACHE_STANDIN": str(self.tmp / "actions-cache"),
            **(env or {}),
        }  # tests/actions/actions/cache
        all_vars = dict(vars or {})
        all_secrets = {"GITHUB_TOKEN": WORKFLOW_TOKEN, **(secrets or {})}
        if self.flavour == "gitea":
            all_env |= {"GITEA_ACTIONS": "true", "GITEA_ACTIONS_RUNNER_VERSION": "v0.2.11"}
            all_secrets["GITEA_TOKEN"] = WORKFLOW_TOKEN
        else:
            all_vars.setdefault("HOTLINE_HOST", "github")
        secret_file = self.tmp / f"secrets{n}"
        secret_file.write_text("".join(f"{k}={v}\n" for k, v in all_secrets.items()), encoding="utf-8")
        env_file = self.tmp / f"env{n}"
        env_file.write_text("".join(f"{k}={v}\n" for k, v in all_env.items()), encoding="utf-8")
        var_file = self.tmp / f"vars{n}"
        var_file.write_text("".join(f"{k}={v}\n" for k, v in all_vars.items()), encoding="utf-8")
        argv = [
            str(ACT),
            event_name,
            "-W",
            f".github/workflows/{workflow}",
            "-e",
            str(event_file),
            "-P",
            "ubuntu-latest=-self-hosted",
            "--no-skip-checkout",
            "--action-offline-mode",
            "--secret-file",
            str(secret_file),
            "--env-file",
            str(env_file),
            "--var-file",
            str(var_file),
            *args,
        ]
        if (event.get("sender") or {}).get("login"):  # the account that triggered the run (github.actor)
            argv += ["--actor", event["sender"]["login"]]
        proc_env = {
            "PATH": f"{venv_bin}:{os.environ['PATH']}",
            "HOME": str(home),
            "GIT_CONFIG_NOSYSTEM": "1",
            "LANG": "C.UTF-8",
            # nothing leaves the machine: every connection but loopback goes to a closed port
            "HTTP_PROXY": "http://127.0.0.1:9",
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "http_proxy": "http://127.0.0.1:9",
            "https_proxy": "http://127.0.0.1:9",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            # a virtual environment the workflow makes itself (python3 -m venv) sees them too; see the module's docstring
            "PYTHONPATH": sysconfig.get_paths()["purelib"],
            "PIP_NO_INDEX": "1",
            # pip reads its "--no-…" switches inverted from the environment: "0" here *is* --no-build-isolation
            # (pypa/pip#5735). Without an index (PIP_NO_INDEX) an isolated build could not install its backend; the
            # build uses the setuptools already on PYTHONPATH instead.
            "PIP_NO_BUILD_ISOLATION": "0",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_FIND_LINKS": "",
        }
        proc = subprocess.Popen(
            argv, cwd=actdir, env=proc_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        if background:
            return _Pending(proc, home, timeout)
        return _Pending(proc, home, timeout).wait()


class _Pending:
    def __init__(self, proc, home: Path, timeout: float):
        self.proc, self.home, self.timeout = proc, home, timeout

    def wait(self) -> Run:
        try:
            out, _ = self.proc.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired as e:
            self.proc.kill()
            out, _ = self.proc.communicate()
            raise AssertionError("act did not finish in time:\n" + out[-5000:]) from e
        return Run(self.proc.returncode, out, job_summaries(out))


def job_summaries(log: str) -> str:
    """What the jobs wrote to $GITHUB_STEP_SUMMARY (act prints it as ``⚙  Summary - …``)."""
    parts = []
    for m in re.finditer(r"⚙  Summary - (.*?)(?=\n\[)", log, re.S):
        parts.append(m.group(1))
    return "\n".join(parts)
