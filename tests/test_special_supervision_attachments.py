"""Items 5 and 6 of issue 14: 专项督办 (省/市) feeds assessment item 16; attachments under
attachments/<order id>/ are checked (existence, kind, size, name)."""

from __future__ import annotations

import json
import zipfile

from click.testing import CliRunner
from gitrepo import commit_all

from hotline.cli import main

ORDER = """
id: ZX1
title: 河道垃圾长期无人清理
category: 投诉
received_at: 2026-11-16 09:00
content: 河道垃圾长期无人清理。
events:
  - {at: 2026-11-16 10:00, type: 派单, unit: jincun, role: 主办, by: 县热线办}
  - {at: 2026-11-16 11:00, type: 接收, unit: jincun, by: 王丽}
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_special_supervision_counts_against_item_16(records):
    records.order(
        "ZX1",
        ORDER
        + "  - {at: 2026-11-18 09:00, type: 督办, unit: jincun, kind: 专项, level: 市, by: 县热线办, note: 市热线专项督办单}\n"
        "  - {at: 2026-11-19 09:00, type: 督办, unit: jincun, kind: 电话, by: 县热线办}\n",
    )
    commit_all(records.root, "专项督办")
    r = run(
        "score",
        "--root",
        records.root,
        "--period",
        "2026-11",
        "--explain",
        "jincun",
        "--as-of",
        "2026-11-30 12:00",
        "--format",
        "json",
    )
    assert json.loads(r.stdout)["unit"]["items"]["16"] == 4.0
    text = run(
        "score", "--root", records.root, "--period", "2026-11", "--explain", "jincun", "--as-of", "2026-11-30 12:00"
    ).stdout
    assert "市级12345热线专项督办：市热线专项督办单" in text
    # outside the period it does not count
    r = run(
        "score",
        "--root",
        records.root,
        "--period",
        "2026-10",
        "--explain",
        "jincun",
        "--as-of",
        "2026-11-30 12:00",
        "--format",
        "json",
    )
    assert json.loads(r.stdout)["unit"]["items"]["16"] == 5.0


def test_special_supervision_needs_a_level(records):
    records.order("ZX1", ORDER + "  - {at: 2026-11-18 09:00, type: 督办, unit: jincun, kind: 专项, by: 县热线办}\n")
    commit_all(records.root, "专项督办")
    out = json.loads(run("check", "--root", records.root, "--as-of", "2026-11-30 12:00", "--format", "json").stdout)
    assert any(f["code"] == "invalid-value" and "level" in f["message"] and f["line"] == 9 for f in out["findings"])


def test_attachments_are_checked(records, in_ci):  # archive: as the month-end workflow runs it
    records.order(
        "ZX1",
        ORDER + "  - {at: 2026-11-18 09:00, type: 督办, unit: jincun, kind: 批示, by: 县热线办, "
        "attachments: [县长批示.pdf, 现场照片.jpg, 缺失.pdf]}\n",
    )
    records.write("attachments/ZX1/县长批示.pdf", b"%PDF-1.4\n%test\n")
    records.write("attachments/ZX1/现场照片.jpg", b"\xff\xd8\xff\xe0" + b"0" * 64)
    records.write("attachments/ZX1/脚本.html", b"<script>alert(1)</script>")
    records.write("attachments/ZX1/假图片.png", b"not a png")
    commit_all(records.root, "附件")
    out = json.loads(run("check", "--root", records.root, "--as-of", "2026-11-30 12:00", "--format", "json").stdout)
    found = sorted((f["path"], f["code"]) for f in out["findings"] if f["code"].startswith("attachment"))
    assert found == [
        ("attachments/ZX1/假图片.png", "attachment-invalid"),
        ("attachments/ZX1/脚本.html", "attachment-invalid"),
        ("orders/2026/11/ZX1.yaml", "attachment-missing"),
    ]
    # the month's archive carries the attachments that pass the checks, and nothing else
    sealed = run("archive", "2026-11", "--root", records.root, "--as-of", "2026-11-30 12:00")
    assert sealed.exit_code == 0, sealed.output
    with zipfile.ZipFile(records.root / "archives" / "2026-11.zip") as z:
        names = sorted(n for n in z.namelist() if n.startswith("附件/"))
        assert names == ["附件/ZX1/县长批示.pdf", "附件/ZX1/现场照片.jpg"]
        assert z.read("附件/ZX1/县长批示.pdf") == b"%PDF-1.4\n%test\n"
        assert "附件/ZX1/县长批示.pdf" in z.read("MANIFEST.sha256").decode("utf-8")
    # adding the missing file clears the finding (the check cache knows the attachments folder)
    records.write("attachments/ZX1/缺失.pdf", b"%PDF-1.7\n")
    out = json.loads(run("check", "--root", records.root, "--as-of", "2026-11-30 12:00", "--format", "json").stdout)
    assert not any(f["code"] == "attachment-missing" for f in out["findings"])
