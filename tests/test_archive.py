"""``hotline archive YYYY-MM`` on a real temporary Git repository with a fixed author and dates."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from hotline.cli import main
from hotline.reports.archive import list_archives

pytestmark = pytest.mark.usefixtures("in_ci")  # the month-end workflow seals and tags, as the records' bot

ORDER = """
id: JC2026111600001
title: 金村镇幸福小区供暖温度不达标
category: 投诉
received_at: 2026-11-16 09:00
content: 诉求人反映供暖以来室内温度低于18摄氏度。
events:
  - {at: 2026-11-16 09:30, type: 派单, unit: jincun, role: 主办, by: 县热线办}
  - {at: 2026-11-16 10:00, type: 接收, unit: jincun, by: 王丽}
  - {at: 2026-11-20 16:00, type: 答复, unit: jincun, by: 王丽, text: 室温已恢复。}
"""
OTHER = ORDER.replace("JC2026111600001", "JC2026111600002").replace("金村镇幸福小区", "金村镇阳光花园")


def git(root, *args, when="2026-12-02T10:00:00+08:00"):
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "付永佳",
        "GIT_AUTHOR_EMAIL": "rexian@example.invalid",
        "GIT_COMMITTER_NAME": "付永佳",
        "GIT_COMMITTER_EMAIL": "rexian@example.invalid",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


def repo_with_orders(records):
    records.order("JC2026111600001", ORDER)
    records.order("JC2026111600002", OTHER)
    git(records.root, "init", "-q", "-b", "main")
    git(records.root, "add", "-A")
    git(records.root, "commit", "-q", "-m", "records")
    return records.root


def run(root, *args):
    return CliRunner().invoke(main, ["archive", *args, "--root", str(root), "--as-of", "2026-12-05 09:00"])


def test_archive_tags_the_month_and_writes_a_verified_zip(records):
    root = repo_with_orders(records)
    head = git(root, "rev-parse", "HEAD").strip()
    result = run(root, "2026-11")
    assert result.exit_code == 0, result.output
    assert "archive/2026-11" in result.output
    assert git(root, "rev-parse", "archive/2026-11^{commit}").strip() == head
    assert "封存 2026年11月" in git(root, "tag", "-l", "-n1", "archive/2026-11")

    z = zipfile.ZipFile(root / "archives" / "2026-11.zip")
    names = set(z.namelist())
    assert {
        "工单/JC2026111600001.yaml",
        "工单/JC2026111600002.yaml",
        "登记表/金村镇-2026-11.xlsx",
        "月报/泽州县12345政务服务热线月报-2026-11.docx",
        "MANIFEST.json",
        "MANIFEST.sha256",
    } == names
    manifest = json.loads(z.read("MANIFEST.json"))
    assert manifest["commit"] == head and manifest["orders"] == 2 and manifest["tag"] == "archive/2026-11"
    for f in manifest["files"]:
        assert hashlib.sha256(z.read(f["name"])).hexdigest() == f["sha256"]
    lines = z.read("MANIFEST.sha256").decode().splitlines()
    assert len(lines) == len(manifest["files"]) and lines[0].split("  ", 1)[1] == manifest["files"][0]["name"]
    # the order files are exactly the committed ones
    assert z.read("工单/JC2026111600001.yaml") == git(root, "show", "HEAD:orders/2026/11/JC2026111600001.yaml").encode()
    ws = openpyxl.load_workbook(io.BytesIO(z.read("登记表/金村镇-2026-11.xlsx"))).active
    assert [ws.cell(r, 2).value for r in (4, 5)] == ["JC2026111600001", "JC2026111600002"]
    doc = Document(io.BytesIO(z.read("月报/泽州县12345政务服务热线月报-2026-11.docx")))
    assert any("共受理工单 2 件" in p.text for p in doc.paragraphs)

    archives = list_archives(root)
    assert [(a.month, a.commit, a.zip_path) for a in archives] == [("2026-11", head, "archives/2026-11.zip")]

    # sealing again at the same commit rewrites the zip, the tag stays
    again = run(root, "2026-11")
    assert again.exit_code == 0 and "重新生成" in again.output


def test_archive_refuses_uncommitted_records_and_a_later_commit(records):
    root = repo_with_orders(records)
    (root / "orders" / "2026" / "11" / "JC2026111600002.yaml").write_text(
        OTHER.replace("阳光花园", "阳光小区"), encoding="utf-8"
    )
    result = run(root, "2026-11")
    assert result.exit_code == 1 and "尚未提交" in result.output
    assert git(root, "tag", "-l") == ""
    git(root, "commit", "-q", "-am", "fix title")
    assert run(root, "2026-11").exit_code == 0
    records.order("JC2026111600003", ORDER.replace("JC2026111600001", "JC2026111600003"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "late order", when="2026-12-08T10:00:00+08:00")
    later = run(root, "2026-11")
    assert later.exit_code == 1 and "git tag -d archive/2026-11" in later.output


def test_archive_rejects_bad_month_and_empty_month_and_non_repository(records):
    records.order("JC2026111600001", ORDER)
    assert "不是 Git 仓库" in run(records.root, "2026-11").output
    root = repo_with_orders(records)
    assert "格式不对" in run(root, "2026-13").output
    assert "没有工单" in run(root, "2026-10").output
