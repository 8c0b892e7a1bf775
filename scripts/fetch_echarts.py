"""Fetch the chart library (图表库) for the site: Apache ECharts from the npm registry, pinned and verified.

    /work/venv/bin/python scripts/fetch_echarts.py

Runs ``npm pack echarts@VERSION`` in a temporary folder (npm checks the tarball against the registry's
integrity hash), extracts ``dist/echarts.min.js`` with its LICENSE and NOTICE, checks the file's SHA-256
against the value pinned here and writes them to ``src/hotline/assets/vendor/`` (ignored by Git). The site
builder copies them into every built site: nothing is fetched when the site is built or viewed.
Idempotent: does nothing when the pinned file is already there.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "6.1.0"
SHA256 = "b66b25aeb4df84e33199dc21694014d336d222cbd9deb0e5a7c14bd6aa0d0fd0"
DEST = Path(__file__).resolve().parents[1] / "src" / "hotline" / "assets" / "vendor"
FILES = {"package/dist/echarts.min.js": "echarts.min.js", "package/LICENSE": "ECHARTS-LICENSE.txt", "package/NOTICE": "ECHARTS-NOTICE.txt"}


def main() -> int:
    target = DEST / "echarts.min.js"
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == SHA256:
        print(f"echarts {VERSION} already in {DEST}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(["npm", "pack", f"echarts@{VERSION}", "--silent"], cwd=tmp, capture_output=True, text=True)
        if out.returncode != 0:
            print(f"npm pack echarts@{VERSION} failed:\n{out.stderr}", file=sys.stderr)
            return 1
        tgz = Path(tmp) / out.stdout.strip().splitlines()[-1]
        with tarfile.open(tgz) as tar:
            data = {name: tar.extractfile(name).read() for name in FILES}  # type: ignore[union-attr]
    digest = hashlib.sha256(data["package/dist/echarts.min.js"]).hexdigest()
    if digest != SHA256:
        print(f"echarts.min.js SHA-256 {digest} differs from the pinned {SHA256}", file=sys.stderr)
        return 1
    DEST.mkdir(parents=True, exist_ok=True)
    for name, dest in FILES.items():
        (DEST / dest).write_bytes(data[name])
    print(f"echarts {VERSION} written to {DEST}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
