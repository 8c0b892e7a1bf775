"""Readable charts and tables (issue 12): the demo repository's site at 1366 px and 390 px in Debian's
chromium. Every unit labelled, legends clear of the plot, wide tables scrolling in their own box, the page
never scrolling sideways, a looked-up order's heading in view, a rewritten event showing its original.
Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import functools
import http.server
import itertools
import re
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline.cli import main

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
AS_OF = "2026-11-27 18:00"
WIDTHS = (1366, 390)
HOST = "https://git.zezhou.example/rx/hotline"

# every chart on the page: its legend's text boxes, the plot rectangle (or the pie's circle), its axis labels
CHART_GEOMETRY = """
() => Array.from(document.querySelectorAll('.hl-chart')).map(el => {
  const inst = echarts.getInstanceByDom(el);
  const opt = inst.getOption();
  const names = new Set();
  (opt.series || []).forEach(s => { if (s.type === 'pie') { (s.data || []).forEach(d => names.add(d.name)); } else { names.add(s.name); } });
  const box = el.getBoundingClientRect();
  const texts = Array.from(el.querySelectorAll('svg text')).map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, x0: r.left - box.left, y0: r.top - box.top, x1: r.right - box.left, y1: r.bottom - box.top};
  }).filter(t => t.x1 > t.x0);
  let plot = null, pie = null;
  const grid = inst.getModel().getComponent('grid', 0);
  if (grid && grid.coordinateSystem) { const r = grid.coordinateSystem.getRect(); plot = {x0: r.x, y0: r.y, x1: r.x + r.width, y1: r.y + r.height}; }
  const s0 = inst.getModel().getSeriesByIndex(0);
  if (s0 && s0.type === 'series.pie') { const l = s0.getData().getItemLayout(0); pie = {cx: l.cx, cy: l.cy, r: l.r}; }
  const cat = (opt.yAxis || []).find(a => a.type === 'category') || (opt.xAxis || []).find(a => a.type === 'category');
  return {label: el.getAttribute('aria-label'), width: box.width, height: box.height, legend: Array.from(names),
          texts: texts, plot: plot, pie: pie, categories: cat ? cat.data : []};
})
"""


def overlap(a, b, slack=0.5) -> bool:
    return (
        a["x0"] < b["x1"] - slack
        and b["x0"] < a["x1"] - slack
        and a["y0"] < b["y1"] - slack
        and b["y0"] < a["y1"] - slack
    )


@pytest.fixture(scope="module")
def demo_site(demo, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-site") / "public"
    rules = demo.root / "scoring" / "rules.yaml"
    if "\nhost:" not in rules.read_text(encoding="utf-8"):  # the county's Git host: the pages link to its issue forms
        with rules.open("a", encoding="utf-8") as f:
            f.write(f"\nhost:\n  kind: gitea\n  repo_url: {HOST}\n")
    result = CliRunner().invoke(main, ["site", "build", "--root", str(demo.root), "--out", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output + str(result.exception)
    handler = functools.partial(
        type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None}), directory=str(out)
    )
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", out
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("Debian chromium is missing: apt-get install -y chromium fonts-noto-cjk")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
        )
        yield b
        b.close()


def busiest_register(out: Path) -> str:
    regs = sorted((out / "registers" / "2026-11").glob("*/index.html"), key=lambda f: f.stat().st_size)
    return f"/registers/2026-11/{regs[-1].parent.name}/"


def check_page(page, url: str, name: str, width: int) -> list[dict]:
    page.goto(url)
    if page.locator(".hl-chart").count():
        page.wait_for_selector(".hl-chart svg")
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    page.screenshot(path=str(ARTIFACTS / f"readable-{name}-{width}.png"), full_page=True)
    assert sizes[0] <= sizes[1], f"{url} scrolls sideways at {width} px: {sizes}"
    charts = page.evaluate(CHART_GEOMETRY) if page.locator(".hl-chart").count() else []
    for c in charts:
        # the legend sits on top: for each legend name its top-most text (a pie's labels carry the same names)
        legend = [
            min((t for t in c["texts"] if t["text"] == n), key=lambda t: t["y0"])
            for n in c["legend"]
            if any(t["text"] == n for t in c["texts"])
        ]
        pager = re.compile(r"^\d+/\d+$")  # the scrolling legend's own page counter
        others = [t for t in c["texts"] if not any(t is x for x in legend) and not pager.match(t["text"])]
        for t in legend:
            clash = [o["text"] for o in others if overlap(t, o)]
            assert not clash, f"{url} {c['label']} at {width} px: legend {t['text']} over {clash}"
            if c["plot"]:
                assert not overlap(t, c["plot"]), f"{url} {c['label']} at {width} px: legend {t['text']} over the plot"
            if c["pie"]:
                p = c["pie"]
                assert (
                    t["y1"] <= p["cy"] - p["r"] + 1
                    or t["y0"] >= p["cy"] + p["r"] - 1
                    or t["x1"] <= p["cx"] - p["r"]
                    or t["x0"] >= p["cx"] + p["r"]
                ), f"{url} {c['label']} at {width} px: legend {t['text']} over the pie"
    return charts


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_readable_at_width(demo_site, browser, width):
    server, out = demo_site
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    check_page(page, server + "/", "home", width)
    report = check_page(page, server + "/reports/2026-11/", "report", width)
    units_chart = next(c for c in report if c["label"] == "各单位转办件数")
    assert len(units_chart["categories"]) >= 40
    shown = {t["text"] for t in units_chart["texts"]}
    assert set(units_chart["categories"]) <= shown, set(units_chart["categories"]) - shown
    assessment = check_page(page, server + "/assessment/2026-11/", "assessment", width)
    chart = next(c for c in assessment if c["label"] == "各单位总分")
    assert len(chart["categories"]) == 44
    shown = {t["text"] for t in chart["texts"]}
    assert set(chart["categories"]) <= shown, sorted(set(chart["categories"]) - shown)
    labels = sorted((t for t in chart["texts"] if t["text"] in chart["categories"]), key=lambda t: t["y0"])
    assert all(a["y1"] <= b["y0"] + 0.5 for a, b in itertools.pairwise(labels)), "unit labels overlap"
    check_page(page, server + "/supervision/", "supervision", width)
    # the register: 15 columns scroll inside their own box; short columns keep their text on one line
    check_page(page, server + busiest_register(out), "register", width)
    box = page.evaluate("""() => { const s = document.querySelector('.hl-scroll'); const t = s.querySelector('table');
        const lines = sel => Array.from(t.querySelectorAll(sel)).map(td => { const r = document.createRange(); r.selectNodeContents(td);
            return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size; });
        return {box: s.clientWidth, table: t.scrollWidth, overflow: getComputedStyle(s).overflowX,
                ids: lines('tbody td:nth-child(2)'), times: lines('tbody td:nth-child(3)'), units: lines('tbody td:nth-child(8)')}; }""")
    assert box["overflow"] == "auto"
    if width == 390:
        assert box["table"] > box["box"]  # wider than the phone: it scrolls in its box
    # order ids, times and offices are not squeezed to a character a line: each on one line
    assert set(box["ids"]) == {1} and set(box["times"]) == {1} and max(box["units"]) == 1, box
    assert not errors, errors
    page.close()


def test_looked_up_order_heading_in_view_and_rewritten_event_shows_original(demo, demo_site, browser):
    server, _ = demo_site
    oid = demo.summary.rewritten
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(f"{server}/orders/?id={oid}")
        page.wait_for_selector(".hl-timeline li")
        page.wait_for_timeout(200)
        geo = page.evaluate("""() => { const h = document.querySelector('#hl-order h2').getBoundingClientRect();
            const head = document.querySelector('.md-header').getBoundingClientRect();
            const tabs = document.querySelector('.md-tabs'); const t = tabs ? tabs.getBoundingClientRect() : {bottom: 0};
            return {top: h.top, bottom: h.bottom, header: Math.max(head.bottom, getComputedStyle(tabs || document.body).position === 'sticky' ? t.bottom : 0),
                    vh: window.innerHeight, scrolled: window.scrollY}; }""")
        assert geo["scrolled"] > 0 or width == 1366  # the page moved to the order
        assert geo["top"] >= geo["header"] and geo["bottom"] <= geo["vh"], geo
        rewritten = page.locator(".hl-timeline li.hl-rewritten")
        assert rewritten.count() >= 1
        original = rewritten.first.locator(".hl-original").inner_text()
        assert "原记录（改写前）" in original and "type:" in original
        page.screenshot(path=str(ARTIFACTS / f"readable-order-{width}.png"))
        page.close()


def test_one_click_to_record_from_the_supervision_list_and_the_order_page(demo_site, browser):
    server, _ = demo_site
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(server + "/supervision/")
    first = page.locator("table tbody tr").first
    oid = first.locator("td").first.inner_text().strip()
    href = first.locator(".hl-record a").first.get_attribute("href")
    assert (
        href.startswith(HOST + "/issues/new?template=.github%2FISSUE_TEMPLATE%2F") and f"field%3Aorder_id={oid}" in href
    )
    page.goto(f"{server}/orders/?id={oid}")
    page.wait_for_selector(".hl-record a")
    links = page.locator(".hl-record a")
    assert links.count() >= 1 and all(
        f"field%3Aorder_id={oid}" in links.nth(i).get_attribute("href") for i in range(links.count())
    )
    assert links.first.inner_text().startswith("登记")
    page.close()
