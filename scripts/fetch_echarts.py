"""Refresh the chart library (图表库) shipped inside the package: Apache ECharts from the npm registry.

    .venv/bin/python scripts/fetch_echarts.py                 # re-fetch the pinned version, verify, write
    .venv/bin/python scripts/fetch_echarts.py --version 6.2.0 # move to another version (re-pins)
    .venv/bin/python scripts/fetch_echarts.py --check         # offline: the committed files match the pin

The library is committed package data in ``src/hotline/assets/vendor/`` (``echarts.min.js`` with its
LICENSE and NOTICE), pinned by SHA-256 in ``src/hotline/assets/vendor/PINNED.json``; ``pip install .``
and the wheel carry it, so a fresh machine builds the site with no npm and no network. The test suite
checks the files against the pin (tests/test_package.py).

Fetching runs ``npm pack echarts@VERSION`` in a temporary folder (npm checks the tarball against the
registry's integrity hash) and extracts ``dist/echarts.min.js``, ``LICENSE`` and ``NOTICE``. For the
version already pinned, the fetched files must match the pinned SHA-256 exactly (a changed upstream
tarball is refused); with ``--version`` the pin is rewritten and the diff shows it in review.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

DEST = Path(__file__).resolve().parents[1] / "src" / "hotline" / "assets" / "vendor"
PIN = DEST / "PINNED.json"
FILES = {
    "package/dist/echarts.min.js": "echarts.min.js",
    "package/LICENSE": "ECHARTS-LICENSE.txt",
    "package/NOTICE": "ECHARTS-NOTICE.txt",
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_pin() -> dict:
    return json.loads(PIN.read_text(encoding="utf-8"))


def check() -> list[str]:
    """Differences between the committed files and the pin (empty: all good)."""
    pin = read_pin()
    problems = []
    for name, digest in pin["files"].items():
        p = DEST / name
        if not p.is_file():
            problems.append(f"{name}: missing")
        elif sha256(p.read_bytes()) != digest:
            problems.append(f"{name}: SHA-256 {sha256(p.read_bytes())} differs from the pinned {digest}")
    return problems


def fetch(version: str) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["npm", "pack", f"echarts@{version}", "--silent"], cwd=tmp, capture_output=True, text=True, timeout=300
        )
        if out.returncode != 0:
            raise SystemExit(f"npm pack echarts@{version} failed:\n{out.stderr}")
        tgz = Path(tmp) / out.stdout.strip().splitlines()[-1]
        with tarfile.open(tgz) as tar:
            return {dest: tar.extractfile(name).read() for name, dest in FILES.items()}  # type: ignore[union-attr]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--version", help="another ECharts version to pin (default: the pinned one)")
    ap.add_argument("--check", action="store_true", help="only verify the committed files against the pin (offline)")
    args = ap.parse_args()
    if args.check:
        problems = check()
        for p in problems:
            print(p, file=sys.stderr)
        return 1 if problems else 0
    pin = read_pin() if PIN.is_file() else {"package": "echarts", "version": None, "files": {}}
    version = args.version or pin["version"]
    if not version:
        ap.error("no pinned version: give --version")
    data = fetch(version)
    digests = {name: sha256(b) for name, b in data.items()}
    if version == pin["version"] and digests != pin["files"]:
        print(
            f"echarts {version} from npm differs from the pinned SHA-256:\n  fetched {digests}\n  pinned  {pin['files']}",
            file=sys.stderr,
        )
        return 1
    DEST.mkdir(parents=True, exist_ok=True)
    for name, b in data.items():
        (DEST / name).write_bytes(b)
    new_pin = {
        "package": "echarts",
        "version": version,
        "source": f"npm pack echarts@{version}",
        "license": "Apache-2.0",
        "files": digests,
    }
    PIN.write_text(json.dumps(new_pin, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"echarts {version} written to {DEST} (pinned in {PIN.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
