"""Attack 16: a CI job holding a write token installs nothing unpinned: every workflow installs from the
hashed lock (requirements/runtime.txt, the runtime part of requirements/lock.txt), which pins every dependency of
the package (and the build backend) with hashes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
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
