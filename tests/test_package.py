"""The package is complete: the chart library ships inside it, pinned, with its licence and notice."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile

from conftest import REPO

VENDOR = REPO / "src" / "hotline" / "assets" / "vendor"


def test_chart_library_matches_its_sha256_pin():
    pin = json.loads((VENDOR / "PINNED.json").read_text(encoding="utf-8"))
    assert pin["package"] == "echarts" and pin["license"] == "Apache-2.0"
    assert set(pin["files"]) == {"echarts.min.js", "ECHARTS-LICENSE.txt", "ECHARTS-NOTICE.txt"}
    for name, digest in pin["files"].items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert "Apache License" in (VENDOR / "ECHARTS-LICENSE.txt").read_text(encoding="utf-8")
    assert "Apache ECharts" in (VENDOR / "ECHARTS-NOTICE.txt").read_text(encoding="utf-8")
    # the refresh script's offline check agrees (and would catch a tampered file: see below)
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "fetch_echarts.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_the_pin_check_catches_a_changed_file(tmp_path, monkeypatch):
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import fetch_echarts
    finally:
        sys.path.pop(0)
    fake = tmp_path / "vendor"
    fake.mkdir()
    for p in VENDOR.iterdir():
        (fake / p.name).write_bytes(p.read_bytes())
    monkeypatch.setattr(fetch_echarts, "DEST", fake)
    monkeypatch.setattr(fetch_echarts, "PIN", fake / "PINNED.json")
    assert fetch_echarts.check() == []
    (fake / "echarts.min.js").write_bytes((fake / "echarts.min.js").read_bytes() + b"\n// changed")
    assert [p.split(":")[0] for p in fetch_echarts.check()] == ["echarts.min.js"]


def test_chart_library_is_committed_not_ignored():
    for name in ("echarts.min.js", "ECHARTS-LICENSE.txt", "ECHARTS-NOTICE.txt", "PINNED.json"):
        rel = f"src/hotline/assets/vendor/{name}"
        ignored = subprocess.run(["git", "-C", str(REPO), "check-ignore", "-q", rel])
        assert ignored.returncode == 1, f"{rel} is ignored by Git"


def test_the_wheel_carries_the_chart_library(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO),
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = tmp_path.glob("hotline-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for name in ("echarts.min.js", "ECHARTS-LICENSE.txt", "ECHARTS-NOTICE.txt"):
            assert f"hotline/assets/vendor/{name}" in names
        js = z.read("hotline/assets/vendor/echarts.min.js")
    assert hashlib.sha256(js).hexdigest() == json.loads((VENDOR / "PINNED.json").read_text())["files"]["echarts.min.js"]
