"""Attacks 2, 3, 4 and 10 on the published site: a hostile unit's markup, symlinks, identities, formulas
(and, from the third security pass, findings 3 and 4: identities in 30 more writings, and a unit's HTML,
SVG and script files in its knowledge folder).

One hostile records repository is built once per module (a unit whose name, staff and knowledge entry
carry HTML, Markdown links and script; a symlink to /etc/passwd, a page, a drawing, a script and a page
named .png among its knowledge files; orders whose texts carry identities in every writing and
spreadsheet formulas). The site still builds; nothing of it runs, leaks or becomes a formula.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from test_privacy_writings import WRITINGS

from hotline.cli import main
from hotline.records import privacy as pii
from hotline.records.numerals import digits_of

AS_OF = "2026-12-20 12:00"
XSS = "<img src=x onerror=alert(1)>"
MDX = "[点我](javascript:alert(2))"
IDENTITIES = [
    "+8613812345678",
    "0086 138 1234 5678",
    "１３８１２３４５６７８",
    "138.1234.5678",
    "0356-2123456",
    "140525 19900101 1234",
    "ID14052519900101123X",
]

UNIT = f"""
id: jincun
name: "金村镇{XSS}{MDX}"
short_name: "金村{XSS}"
type: 乡镇
hotline:
  office: "社会事务办{XSS}"
  leader: {{name: "李某{XSS}", title: "副镇长{MDX}"}}
  handlers: [{{name: "王丽{XSS}", phone: "0356-1234567"}}]
  network: "{MDX}"
  equipment: true
  time_limit_rule: "<script>alert(9)</script>"
changes: []
maintainers: []
"""

ENTRY = f"""
---
title: "办事指南{XSS}"
unit: jincun
category: "{MDX}"
keywords: ["<b>x</b>"]
source: "<svg onload=alert(3)>"
updated: 2026-10-01
---
正文。<script>alert(4)</script>

[恶意链接](javascript:alert(5)) [好链接](https://www.zezhou.gov.cn/) [相对](../../units/) [信箱](mailto:a@b.cn)

<a href="javascript:alert(6)">直接写的链接</a> <iframe src="/"></iframe> <img src=x onerror=alert(7)>

[vb](vbscript:msgbox(1)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==)
"""

ORDER = f"""
id: JC2026112000001
title: '=HYPERLINK("http://evil.example/","点击")'
category: 投诉
received_at: 2026-11-20 09:40
citizen: {{name: 张**, phone: "+8613812345678"}}
address: "{IDENTITIES[1]}"
content: "诉求人留电话{IDENTITIES[2]}、{IDENTITIES[3]}，座机{IDENTITIES[4]}，身份证{IDENTITIES[5]}、{IDENTITIES[6]}"
events:
  - {{at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}}
  - {{at: 2026-11-20 11:30, type: 接收, unit: jincun, by: 王丽, office: '=2+3'}}
  - {{at: 2026-11-20 14:10, type: 联系, unit: jincun, by: 王丽, note: "{XSS}{MDX}"}}
  - {{at: 2026-11-24 16:00, type: 答复, unit: jincun, by: 王丽, text: "已处理{XSS}{MDX}，回电{IDENTITIES[0]}"}}
"""


EVIL_FILES = {
    "evil.html": b"<script>alert(11)</script>",
    "evil.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(12)"/>',
    "evil.js": b"alert(13)",
    "fake.png": b"<html><script>alert(14)</script></html>",  # a page named as a picture
}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _writing_order(oid: str, writing: str) -> str:
    one_line = writing.replace("\n", " ")
    return f"""\
id: {oid}
title: "回电 {one_line}"
category: 咨询
received_at: 2026-11-21 09:40
citizen: {{name: 张**, phone: 138****1234}}
address: "留电 {one_line}"
content: |
  诉求人留下号码
  {writing.replace(chr(10), chr(10) + "  ")}，请回电。
tags: ["{one_line}"]
events:
  - {{at: 2026-11-21 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}}
  - {{at: 2026-11-21 11:30, type: 接收, unit: jincun, by: 王丽, office: "{one_line}"}}
  - {{at: 2026-11-24 16:00, type: 答复, unit: jincun, by: 王丽, text: "已回电 {one_line}"}}
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    os.environ.setdefault("HOTLINE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    (root / "scoring").mkdir()
    shutil.copy(REPO / "scoring" / "rules.yaml", root / "scoring" / "rules.yaml")
    shutil.copytree(REPO / "units", root / "units")
    (root / "units" / "jincun.yaml").write_text(UNIT.lstrip(), encoding="utf-8")
    k = root / "site_src" / "knowledge" / "jincun"
    k.mkdir(parents=True)
    (k / "guide.md").write_text(ENTRY.lstrip(), encoding="utf-8")
    (k / "passwd.txt").symlink_to("/etc/passwd")  # attack 3: publish any file
    (k / "environ.txt").symlink_to("/proc/self/environ")
    for name, content in EVIL_FILES.items():  # finding 4: served from the site's own address
        (k / name).write_bytes(content)
    (k / "map.png").write_bytes(PNG)
    o = root / "orders" / "2026" / "11"
    o.mkdir(parents=True)
    (o / "JC2026112000001.yaml").write_text(ORDER.lstrip(), encoding="utf-8")
    for i, (_, writing, _) in enumerate(WRITINGS):  # finding 3: every writing, in every text field
        oid = f"JC20261121{i:05d}"
        (o / f"{oid}.yaml").write_text(_writing_order(oid, writing), encoding="utf-8")
    out = root / "public"
    res = CliRunner().invoke(main, ["site", "build", "--root", str(root), "--out", str(out), "--as-of", AS_OF])
    assert res.exit_code == 0, res.output + repr(res.exception)
    return root, out


def _texts(out: Path):
    for f in out.rglob("*"):
        if (
            f.is_file()
            and f.suffix in (".html", ".json", ".xml", ".txt", ".md", ".js")
            and "vendor" not in f.parts
            and "javascripts" not in f.parts
            and f.name != "search_index.json"
        ):
            yield f, f.read_text(encoding="utf-8", errors="replace")


def test_no_unit_markup_or_script_link_reaches_the_pages(hostile):
    _, out = hostile
    scanned = 0
    for f, text in _texts(out):
        if f.suffix != ".html":
            continue
        scanned += 1
        assert not re.search(r"<(img|svg|body|iframe)\b[^>]*\bon(error|load)\s*=", text, re.I), f
        assert "<iframe" not in text, f
        assert "<script>alert" not in text, f
        assert not re.search(r"""<a\b[^>]*\bhref\s*=\s*["']?\s*(javascript|vbscript|data):""", text, re.I), f
        assert not re.search(r"<b>x</b>", text), f
    assert scanned > 10
    guide = (out / "knowledge" / "jincun" / "guide" / "index.html").read_text(encoding="utf-8")
    assert (
        'href="https://www.zezhou.gov.cn/"' in guide
        and 'href="mailto:a@b.cn"' in guide
        and 'href="../../units/"' in guide
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in guide  # the unit's text is shown, as text


def test_a_knowledge_folder_publishes_its_entries_and_pictures_only(hostile):
    _, out = hostile
    for name in EVIL_FILES:
        assert not list(out.rglob(name)), name
    for f in out.rglob("*"):
        if f.is_file():
            assert f.read_bytes() not in EVIL_FILES.values(), f
    assert (out / "knowledge" / "jincun" / "map.png").read_bytes() == PNG


def test_no_writing_of_an_identity_reaches_the_lookup_data_or_any_page(hostile):
    _, out = hostile
    for f, text in _texts(out):
        if f.suffix in (".html", ".json"):
            for _, writing, _ in WRITINGS:
                assert writing not in text, (f, writing)
    (month,) = out.rglob("data/orders/2026-11.json")  # the lookup data: every field of every order
    details = json.loads(month.read_text(encoding="utf-8"))
    for i, (what, writing, masked) in enumerate(WRITINGS):
        order = details[f"JC20261121{i:05d}"]
        texts = [order["title"], order["address"], order["content"], *order["tags"]]
        texts += [ev.get("text", "") for ev in order.get("timeline", order.get("events", []))]
        middle = digits_of(writing)[3:-4]
        for text in texts:
            assert middle not in digits_of(text), (what, text)
        assert masked in order["content"], (what, order["content"])


def test_symlinked_files_are_not_published(hostile):
    _, out = hostile
    assert not list(out.rglob("passwd.txt")) and not list(out.rglob("environ.txt"))
    for f, text in _texts(out):
        assert "root:x:0:0" not in text, f


def test_no_identity_in_any_writing_reaches_the_site(hostile):
    _, out = hostile
    for f, text in _texts(out):
        if f.suffix in (".html", ".json"):
            text = re.sub(r"<svg\b.*?</svg>", "", text, flags=re.S)  # the theme's icons: drawings, not text
            assert not list(pii.find(text)), (f, list(pii.find(text))[:3])
    for f in out.rglob("*.xlsx"):
        import openpyxl

        for row in openpyxl.load_workbook(f).active.iter_rows(values_only=True):
            assert not list(pii.find(" ".join(str(v) for v in row if v is not None))), f


def test_text_cells_of_the_register_are_never_formulas(hostile):
    import zipfile

    _, out = hostile
    books = list(out.rglob("registers/*/金村镇*.xlsx"))  # named by the unit, made safe (file_names.safe_file_name)
    assert books
    for f in books:
        with zipfile.ZipFile(f) as z:
            sheet = z.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet and "HYPERLINK" not in re.sub(r"<is>.*?</is>|<v>.*?</v>", "", sheet)
        import openpyxl

        values = [
            v for row in openpyxl.load_workbook(f).active.iter_rows(values_only=True) for v in row if isinstance(v, str)
        ]
        assert any(v.startswith("=HYPERLINK") for v in values) or any("=2+3" in v for v in values)


def test_check_reports_the_markup_as_errors(hostile):
    root, _ = hostile
    res = CliRunner().invoke(main, ["check", "--root", str(root), "--no-history", "--format", "json", "--as-of", AS_OF])
    assert res.exit_code == 1
    import json

    found = json.loads(res.output)
    rows = found["findings"] if isinstance(found, dict) else found
    codes = {(r["path"], r["code"]) for r in rows}
    assert ("units/jincun.yaml", "markup") in codes
    assert ("site_src/knowledge/jincun/guide.md", "markup") in codes
    assert ("site_src/knowledge/jincun/passwd.txt", "symlink") in codes
    for name in EVIL_FILES:
        assert (f"site_src/knowledge/jincun/{name}", "knowledge-file") in codes, name
    assert not any(path.endswith("map.png") for path, _ in codes)
    for i in range(len(WRITINGS)):
        assert (f"orders/2026/11/JC20261121{i:05d}.yaml", "pii-phone") in codes or (
            f"orders/2026/11/JC20261121{i:05d}.yaml",
            "pii-id-number",
        ) in codes, i
    for r in rows:  # findings never quote an identity
        assert not list(pii.find(r["message"])), r


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_browser_runs_nothing_on_the_hostile_pages(hostile):
    sync_api = pytest.importorskip("playwright.sync_api")
    _, out = hostile
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    dialogs: list[str] = []
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            for url in [
                "/units/jincun/",
                "/units/",
                "/knowledge/",
                "/knowledge/jincun/guide/",
                "/registers/2026-11/jincun/",
                "/assessment/",
                "/supervision/",
                "/",
            ]:
                page.goto(base + url)
                page.wait_for_load_state("load")
                for link in page.locator("a[href^='javascript']").all():
                    link.click()
            browser.close()
    finally:
        httpd.shutdown()
    assert dialogs == []


@pytest.mark.parametrize("link", ["build", "build/site-docs", "build/site-files"])
def test_a_committed_link_for_the_build_folder_never_empties_a_folder_outside(records, tmp_path, link):
    """``build/`` is the tools' working folder under the records: a link committed there (``build -> /somewhere``)
    would have the site build empty and fill a folder outside the records. The build refuses, naming it."""
    outside = tmp_path / "outside"
    for sub in ("", "site-docs", "site-files"):
        (outside / sub).mkdir(parents=True, exist_ok=True)
        (outside / sub / "precious.txt").write_text("不能删", encoding="utf-8")
    where = records.root / link
    where.parent.mkdir(parents=True, exist_ok=True)
    where.symlink_to(outside, target_is_directory=True)
    result = CliRunner().invoke(
        main,
        ["site", "build", "--root", str(records.root), "--out", str(tmp_path / "out"), "--as-of", "2026-11-27 18:00"],
    )
    assert result.exit_code != 0
    assert f"{link} 是符号链接或不是目录" in result.output
    assert sorted(p.relative_to(outside).as_posix() for p in outside.rglob("*.txt")) == [
        "precious.txt",
        "site-docs/precious.txt",
        "site-files/precious.txt",
    ]
    assert not (outside / "index.md").exists()
