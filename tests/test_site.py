"""The internal site: ``hotline site build`` on inline records, the built pages, privacy, offline, and a browser.

One site is built per module (it takes a few seconds) from the orders below; every test reads it.
The browser test drives Debian's chromium through Playwright against a loopback HTTP server.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import textwrap
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from conftest import IN_CI, REPO

from hotline import workdays
from hotline.cli import main
from hotline.records import privacy as pii

AS_OF = "2027-01-20 12:00"
ARTIFACTS = REPO / "test-artifacts"

ORDERS = {
    "2026/10/JC2026102000001": """
        id: JC2026102000001
        title: 金村镇幸福小区供暖温度不达标
        category: 投诉
        received_at: 2026-10-20 09:40
        citizen: {name: 张**, phone: 138****1234}
        address: 金村镇幸福小区3号楼
        content: 诉求人反映小区供暖以来室内温度低于18摄氏度。
        tags: [供暖]
        events:
          - {at: 2026-10-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}
          - {at: 2026-10-20 10:05, type: 派单, unit: zhujian, role: 会办, by: 县热线办}
          - {at: 2026-10-20 11:30, type: 接收, unit: jincun, by: 王丽, office: 社会事务办}
          - {at: 2026-10-20 14:10, type: 联系, unit: jincun, by: 王丽}
          - {at: 2026-10-20 15:00, type: 接收, unit: zhujian, by: 李强}
          - {at: 2026-10-21 09:00, type: 联系, unit: zhujian, by: 李强}
          - {at: 2026-10-23 16:00, type: 答复, unit: zhujian, by: 李强, text: 已督促供热公司排查。}
          - {at: 2026-10-24 16:00, type: 答复, unit: jincun, by: 王丽, text: 室温已恢复至20摄氏度。}
          - {at: 2026-10-25 10:00, type: 回访, result: 满意, by: 县热线办}
    """,
    "2026/11/JC2026111000002": """
        id: JC2026111000002
        title: 咨询城乡居民医保缴费时间
        category: 咨询
        received_at: 2026-11-10 08:50
        citizen: {name: 李**, phone: 139****5678}
        content: 诉求人咨询医保缴费，留言电话13912345678，身份证号140525198001011234。
        events:
          - {at: 2026-11-10 09:00, type: 派单, unit: yibao, role: 主办, by: 县热线办}
          - {at: 2026-11-10 09:30, type: 接收, unit: yibao, by: 赵敏}
          - {at: 2026-11-10 10:00, type: 联系, unit: yibao, by: 赵敏}
          - {at: 2026-11-20 10:00, type: 答复, unit: yibao, by: 赵敏, text: 已告知缴费时间和渠道。}
          - {at: 2026-11-21 10:00, type: 回访, result: 不满意, by: 县热线办}
          - {at: 2026-11-23 09:00, type: 重办, unit: yibao, by: 县热线办}
          - {at: 2026-11-25 09:00, type: 答复, unit: yibao, by: 赵敏, text: 已上门说明线上缴费步骤。}
          - {at: 2026-11-26 09:00, type: 回访, result: 满意, by: 县热线办}
    """,
    "2026/11/JC2026111200003": """
        id: JC2026111200003
        title: 北石店镇南关村频繁停电
        category: 求助
        received_at: 2026-11-12 09:00
        address: 北石店镇南关村
        content: 诉求人反映近一周多次停电。
        events:
          - {at: 2026-11-12 10:00, type: 派单, unit: gongdian, role: 主办, by: 县热线办}
          - {at: 2026-11-13 11:00, type: 接收, unit: gongdian, by: 周伟}
    """,
    "2026/11/JC2026111300004": """
        id: JC2026111300004
        title: 金村镇建设路商户占道经营
        category: 投诉
        received_at: 2026-11-13 09:00
        content: 诉求人反映商户长期占道经营。
        events:
          - {at: 2026-11-13 09:30, type: 派单, unit: jincun, role: 主办, by: 县热线办}
          - {at: 2026-11-13 10:00, type: 接收, unit: jincun, by: 王丽}
          - {at: 2026-11-13 15:00, type: 退回申请, unit: jincun, by: 王丽, reason: 属城市管理职责, basis: 三定方案}
          - {at: 2026-11-14 09:00, type: 退回审核, unit: jincun, by: 县热线办, approved: true}
          - {at: 2026-11-16 09:00, type: 派单, unit: zhujian, role: 主办, by: 县热线办}
          - {at: 2026-11-16 09:30, type: 接收, unit: zhujian, by: 李强}
          - {at: 2026-11-16 10:00, type: 联系, unit: zhujian, by: 李强}
          - {at: 2026-11-20 10:00, type: 答复, unit: zhujian, by: 李强, text: 已清理占道摊点。}
    """,
    "2026/11/JC2026111600005": """
        id: JC2026111600005
        title: 举报夜间非法倾倒建筑垃圾
        category: 举报
        received_at: 2026-11-16 20:00
        content: 诉求人举报有车辆夜间倾倒建筑垃圾。
        events:
          - {at: 2026-11-16 20:30, type: 派单, unit: shengtai, role: 主办, by: 县热线办}
          - {at: 2026-11-17 08:30, type: 接收, unit: shengtai, by: 孙磊}
          - {at: 2026-11-17 09:00, type: 联系, unit: shengtai, by: 孙磊}
          - {at: 2026-11-20 09:00, type: 延期申请, unit: shengtai, by: 孙磊, days: 3, reason: 需调取监控, basis: 现场勘查记录}
          - {at: 2026-11-20 15:00, type: 延期审核, unit: shengtai, by: 县热线办, approved: true}
          - {at: 2026-12-02 10:00, type: 答复, unit: shengtai, by: 孙磊, text: 已查处并责令清运。}
          - {at: 2026-12-03 10:00, type: 回访, result: 基本满意, by: 县热线办}
    """,
    "2027/01/JC2027010500006": """
        id: JC2027010500006
        title: 建议增设公交站点
        category: 建议
        received_at: 2027-01-05 09:00
        content: 诉求人建议在巴公镇增设公交站点。
        events:
          - {at: 2027-01-05 09:30, type: 派单, unit: jiaotong, role: 主办, by: 县热线办}
          - {at: 2027-01-05 10:00, type: 接收, unit: jiaotong, by: 吴洋}
    """,
}

KNOWLEDGE = {
    "zhujian/heating.md": """
        ---
        title: 供暖期室内温度标准
        unit: zhujian
        category: 城镇供热
        keywords: [供暖, 暖气不热, 室内温度]
        source: 山西省城镇供热管理条例
        updated: 2026-10-01
        valid_until: 2027-04-30
        ---
        供暖期内卧室、起居室温度不低于18摄氏度；暖气不热先联系供热公司测温。
    """,
    "jincun/hours.md": """
        ---
        title: 便民服务中心办公时间
        unit: jincun
        category: 便民服务
        keywords: [办公时间]
        source: 金村镇公告
        updated: 2025-01-06
        valid_until: 2025-12-31
        ---
        工作日上午8:30至12:00对外办公。
    """,
}

ADVICE = """
进一步压实承办单位首问责任，
对逾期工单逐件督办。

建立供暖季专项会商机制。
"""


def git(root: Path, *args: str, when: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "赵敏",
        "GIT_AUTHOR_EMAIL": "zhaomin@example.invalid",
        "GIT_COMMITTER_NAME": "赵敏",
        "GIT_COMMITTER_EMAIL": "zhaomin@example.invalid",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The records as a real Git repository: JC2026111000002's first three events committed on the day, the
    rest on 11-26 (its 11-20 reply is then recorded late), everything else on 2026-12-05; November sealed."""
    root = tmp_path_factory.mktemp("records")
    (root / "scoring").mkdir()
    rules = (REPO / "scoring" / "rules.yaml").read_text(encoding="utf-8")  # the whole history audited (no cut-over)
    (root / "scoring" / "rules.yaml").write_text(
        re.sub(r"(?m)^(\s*audit_from:)[^#\n]*", r"\1 ", rules), encoding="utf-8"
    )
    shutil.copytree(REPO / "units", root / "units")
    git(root, "init", "-q", "-b", "main", when="2026-11-10T10:30:00+08:00")
    order2 = textwrap.dedent(ORDERS["2026/11/JC2026111000002"]).lstrip("\n")
    first = order2[: order2.index("  - {at: 2026-11-20")]
    p2 = root / "orders" / "2026" / "11" / "JC2026111000002.yaml"
    p2.parent.mkdir(parents=True)
    p2.write_text(first, encoding="utf-8")
    git(root, "add", "-A", when="2026-11-10T10:30:00+08:00")
    git(root, "commit", "-q", "-m", "JC2026111000002 派单、接收、联系", when="2026-11-10T10:30:00+08:00")
    p2.write_text(order2, encoding="utf-8")
    git(root, "commit", "-q", "-am", "JC2026111000002 答复、回访、重办", when="2026-11-26T10:00:00+08:00")
    for rel, text in ORDERS.items():
        p = root / "orders" / f"{rel}.yaml"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    for rel, text in KNOWLEDGE.items():
        p = root / "site_src" / "knowledge" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (root / "reports").mkdir()
    (root / "reports" / "2026-11.md").write_text(ADVICE, encoding="utf-8")
    git(root, "add", "-A", when="2026-12-05T09:00:00+08:00")
    git(root, "commit", "-q", "-m", "records", when="2026-12-05T09:00:00+08:00")
    sealed = CliRunner().invoke(
        main, ["archive", "2026-11", "--root", str(root), "--as-of", "2026-12-05 10:00"], env=IN_CI
    )  # as the month-end workflow seals it
    assert sealed.exit_code == 0, sealed.output
    out = root / "public"
    with pytest.MonkeyPatch.context() as mp:  # 2027 unknown, whatever release of chinese-calendar is installed
        mp.setattr(workdays, "PACKAGE", workdays.ChineseCalendar(last_year=2026))
        result = CliRunner().invoke(main, ["site", "build", "--root", str(root), "--out", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output + str(result.exception)
    return root, out


def page(out: Path, url: str) -> str:
    return (out / url / "index.html").read_text(encoding="utf-8")


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def test_build_writes_every_page_kind_and_the_documents(built):
    root, out = built
    for url in [
        "",
        "reports",
        "reports/2026-11",
        "registers",
        "registers/2026-11/yibao",
        "units",
        "units/jincun",
        "supervision",
        "orders",
        "knowledge",
        "knowledge/zhujian/heating",
        "archive",
        "about",
    ]:
        assert (out / url / "index.html").is_file(), url
    assert (out / "reports" / "泽州县12345政务服务热线月报-2026-11.docx").is_file()
    assert (out / "registers" / "2026-11" / "县医疗保障局-2026-11.xlsx").is_file()  # named as month-end names it
    assert (out / "assets" / "vendor" / "echarts.min.js").is_file()
    # generated Markdown sits in the ignored build folder, not in the records
    assert (root / "build" / "site-docs" / "reports" / "2026-11.md").is_file()
    # no page per order: the order lookup reads data files
    assert not list(out.rglob("*JC2026111000002*"))


def test_monthly_report_page_has_the_figures_of_the_records(built):
    _, out = built
    t = text_of(page(out, "reports/2026-11"))
    assert "2026年第11期" in t
    assert "共受理工单 4 件" in t and "较上月（1 件）增加 3 件" in t
    assert "咨询 1 件，建议 0 件，求助 1 件，投诉 1 件，举报 1 件" in t
    # yibao: replied late (due 2026-11-13), accepted in time, satisfied after the redo
    row = re.search(r"<tr><td>县医保局</td>(.*?)</tr>", page(out, "reports/2026-11")).group(1)
    assert text_of(row).split() == ["1", "100.00%", "0.00%", "100.00%", "100.00%", "0.00%", "1", "0", "0"]
    assert "五、下步工作建议" in t and "进一步压实承办单位首问责任，对逾期工单逐件督办。" in t
    # 存在问题 per unit: its late dispatches, how many still open, the longest overdue (北石店镇南关村频繁停电)
    assert "泽州供电公司 1 1 JC2026111200003 逾期 58 天" in " ".join(t.split())


def test_assessment_pages_show_both_profiles_and_evidence(built):
    _, out = built
    for url in ["assessment", "assessment/rules", "assessment/2026", "assessment/2026-11", "assessment/2026-11/yibao"]:
        assert (out / url / "index.html").is_file(), url
    ranking = text_of(page(out, "assessment/2026-11"))
    assert "按原文总分" in ranking and "按原文等次" in ranking
    yibao = text_of(page(out, "assessment/2026-11/yibao"))
    # yibao replied late once: item 9 on time 0 of 1 under the formula in force, the order is the evidence
    assert "20 × 0 ÷ 1 = 0.00" in yibao and "JC2026111000002" in yibao
    rules = text_of(page(out, "assessment/rules"))
    assert "按时办结事项件数 ÷ 转办总件数 × 10" in rules and "满分 20 分，但印发公式乘以 10" in rules
    assert "两种读法对各单位的影响（2027年度）" in rules
    report = text_of(page(out, "reports/2026-11"))
    assert "排名依据：当月考核总分" in report


def test_register_page_rows(built):
    _, out = built
    t = text_of(page(out, "registers/2026-11/zhujian"))
    assert "县住房和城乡建设管理局12345政务服务热线情况2026年11月登记表" in t
    assert "JC2026111300004" in t and "11-16 09:00" in t and "11-30" in t  # the title gives the year
    jincun = text_of(page(out, "registers/2026-11/jincun"))
    assert "同意退回" in jincun and "已退回" in jincun


def test_supervision_lists_the_open_overdue_order(built):
    _, out = built
    s = page(out, "supervision")
    s = s[s.index("<article") :]
    section = s[s.index("逾期未办结（") : s.index("即将到期（")]
    assert "逾期未办结（2）" in section
    assert "JC2026111200003" in section and "JC2027010500006" in section and "JC2026111600005" not in section


def test_provisional_banner_only_where_a_date_rests_on_an_unknown_year(built):
    _, out = built
    assert "临时日历" in page(out, "registers/2027-01/jiaotong")
    assert "2027" in page(out, "registers/2027-01/jiaotong")
    assert "临时日历" not in page(out, "registers/2026-11/yibao")
    assert "临时日历" in page(out, "assessment/2027-01") and "临时日历" not in page(out, "assessment/2026-11")


def test_the_banner_asks_for_the_years_holidays_on_the_pages_about_now(built):
    """AS_OF is in January 2027 and nothing knows 2027: the home and 督办 pages say to import the notice."""
    _, out = built
    for url in ("", "supervision"):
        body = text_of(page(out, url))
        assert "临时日历" in body and "2027 年的节假日安排尚未导入" in body, url
        assert "hotline holidays import 通知.txt --year 年份" in body
    assert "节假日安排尚未导入" not in page(out, "registers/2026-11/yibao")
    assert "节假日安排尚未导入" not in page(out, "registers/2027-01/jiaotong")  # its own banner: the dates


def test_the_home_page_asks_for_next_years_holidays_from_1_december(records, package_through_2026):
    from hotline.load import load
    from hotline.reports.publication import compute
    from hotline.site import pages
    from hotline.times import parse_time

    records.order("JC2026111600001", ORDERS["2026/11/JC2026111600005"].replace("JC2026111600005", "JC2026111600001"))
    repo = load(records.root)
    for as_of, due in (("2026-11-30 23:00", None), ("2026-12-01 08:00", 2027)):
        model = compute(repo, parse_time(as_of))
        assert model.calendar_due == due
        assert pages.home(model).meta.get("calendar_due") == due
        assert "calendar_due" not in pages.reports_index(model).meta


def test_archive_page_lists_the_sealed_month_with_its_zip(built):
    _, out = built
    t = page(out, "archive")
    assert "archive/2026-11" in t and 'href="../archives/2026-11.zip"' in t
    assert (out / "archives" / "2026-11.zip").is_file()


def test_order_timeline_carries_the_git_history(built):
    _, out = built
    shard = json.loads((out / "assets" / "data" / "orders" / "2026-11.json").read_text(encoding="utf-8"))
    events = shard["JC2026111000002"]["events"]
    assert shard["JC2026111000002"]["history"] is True
    assert events[0]["recorded"] == "2026-11-10 10:30" and events[0]["author"] == "赵敏" and not events[0].get("late")
    assert events[3]["type"] == "答复" and events[3]["recorded"] == "2026-11-26 10:00" and events[3]["late"] is True
    assert len(events[0]["commit"]) == 10


def test_knowledge_base_flags_stale_entries(built):
    _, out = built
    idx = text_of(page(out, "knowledge"))
    assert "共 2 条，其中已过有效期 1 条" in idx
    assert "已过期" in text_of(page(out, "knowledge/jincun/hours"))
    assert "已过期" not in text_of(page(out, "knowledge/zhujian/heating"))


def test_units_directory_shows_missing_items(built):
    _, out = built
    t = text_of(page(out, "units"))
    assert "共 44 个承办单位" in t
    assert "1 热线工作办理机构" in t


def test_order_data_is_compact_and_has_the_timeline(built):
    _, out = built
    idx = json.loads((out / "assets" / "data" / "orders-index.json").read_text(encoding="utf-8"))
    rows = {r[0]: r for r in idx["orders"]}
    assert set(rows) == {p.rsplit("/", 1)[1] for p in ORDERS}
    assert rows["JC2026111200003"][2:] == ["2026-11", ["gongdian"], "办理中", "o"]
    shard = json.loads((out / "assets" / "data" / "orders" / "2026-11.json").read_text(encoding="utf-8"))
    o = shard["JC2026111000002"]
    assert [e["type"] for e in o["events"]] == ["派单", "接收", "联系", "答复", "回访", "重办", "答复", "回访"]
    assert o["events"][0]["at"] == "2026-11-10 09:00"


def test_search_index_holds_reports_and_knowledge_not_register_rows(built):
    _, out = built
    docs = json.loads((out / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    locations = {d["location"].split("#")[0] for d in docs}
    assert "knowledge/zhujian/heating/" in locations and "reports/2026-11/" in locations
    assert not any(loc.startswith(("registers/2026", "orders/")) for loc in locations)


def test_no_unmasked_identity_anywhere_in_the_site(built):
    _, out = built
    scanned = 0
    for f in out.rglob("*"):
        if (
            f.suffix in (".html", ".json", ".js", ".xml", ".txt", ".css")
            and "vendor" not in f.parts
            and "javascripts" not in f.parts
            and "stylesheets" not in f.parts  # the theme's own (minified, with drawings' coordinates: 1.882 3.815 4.21)
        ):
            text = re.sub(r"<svg\b.*?</svg>", "", f.read_text(encoding="utf-8"), flags=re.S)  # icons: not text
            found = list(pii.find(text))
            assert not found, (f, found[:3])
            scanned += 1
    assert scanned > 50
    for f in out.rglob("*.xlsx"):
        import openpyxl

        for row in openpyxl.load_workbook(f).active.iter_rows(values_only=True):
            assert not list(pii.find(" ".join(str(v) for v in row if v is not None))), f
    for f in out.rglob("*.docx"):
        from docx import Document

        doc = Document(f)
        text = "\n".join(
            [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
        )
        assert not list(pii.find(text)), f
    shard = (out / "assets" / "data" / "orders" / "2026-11.json").read_text(encoding="utf-8")
    assert "139****5678" in shard and "140525********1234" in shard


def test_no_external_url_in_any_page(built):
    _, out = built
    attr = re.compile(r"""\b(?:href|src|action|data-src)\s*=\s*["']([^"']*)["']""")
    for f in out.rglob("*.html"):
        for url in attr.findall(f.read_text(encoding="utf-8")):
            assert not re.match(r"^(?:[a-z]+:)?//", url, re.I), (f, url)


def test_internal_links_resolve(built):
    _, out = built
    attr = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"'#?]+)[^"']*["']""")
    checked = 0
    for f in out.rglob("*.html"):
        for url in attr.findall(f.read_text(encoding="utf-8")):
            if url.startswith(("mailto:", "javascript:", "data:")):
                continue
            path = unquote(urlsplit(url).path)
            target = (
                out / path.lstrip("/") if path.startswith("/") else f.parent / path
            ).resolve()  # 404.html links from the root
            assert target.exists() and (target.is_file() or (target / "index.html").is_file()), (
                f.relative_to(out),
                url,
            )
            checked += 1
    assert checked > 500


# --- the browser -----------------------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built):
    _, out = built
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_browser_walks_the_site_offline(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("Debian chromium is missing: apt-get install -y chromium fonts-noto-cjk")
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    outside: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page_ = browser.new_page(viewport={"width": 1366, "height": 900})
        page_.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page_.on("pageerror", lambda e: errors.append(str(e)))
        page_.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)

        page_.goto(server + "/")
        page_.wait_for_selector(".hl-chart svg")  # ECharts drew the charts from the bundled file
        assert "逾期未办结" in page_.inner_text(".hl-cards")
        page_.screenshot(path=str(ARTIFACTS / "site-home.png"), full_page=True)

        page_.goto(server + "/reports/2026-11/")
        page_.wait_for_selector(".hl-chart svg")
        assert "一、总体情况" in page_.inner_text("article")
        page_.screenshot(path=str(ARTIFACTS / "site-report.png"), full_page=True)

        page_.goto(server + "/assessment/2026-11/")
        page_.wait_for_selector(".hl-chart svg")
        assert "县医保局" in page_.inner_text("article")
        page_.screenshot(path=str(ARTIFACTS / "site-assessment.png"), full_page=True)

        page_.goto(server + "/registers/2026-11/yibao/")
        assert "JC2026111000002" in page_.inner_text("article")
        page_.screenshot(path=str(ARTIFACTS / "site-register.png"))

        page_.goto(server + "/orders/")
        page_.wait_for_selector("#hl-orders input:not([disabled])")
        page_.fill("#hl-orders input", "JC2026111000002")
        page_.wait_for_selector("#hl-orders .hl-results a[data-id='JC2026111000002']")
        page_.click("#hl-orders .hl-results a[data-id='JC2026111000002']")
        page_.wait_for_selector(".hl-timeline li")
        timeline = page_.inner_text(".hl-timeline")
        assert page_.locator(".hl-timeline li").count() == 8
        assert "2026-11-23 09:00 重办" in timeline
        assert "入库 2026-11-10 10:30" in timeline and "提交人 赵敏" in timeline and "补录过晚" in timeline
        assert "?id=JC2026111000002" in page_.url
        page_.screenshot(path=str(ARTIFACTS / "site-order-timeline.png"), full_page=True)

        page_.fill("#hl-orders input", "停电")
        page_.wait_for_selector("#hl-orders .hl-results a[data-id='JC2026111200003']")

        page_.goto(server + "/")
        page_.click("label.md-search__icon, .md-search__input")
        page_.fill("input.md-search__input", "暖气不热")
        page_.press("input.md-search__input", "End")  # Material searches on keyup; an IME commits with a key too
        page_.wait_for_selector(".md-search-result__item")
        found = page_.inner_text(".md-search-result").replace("\u200b", "")  # jieba's segment marks
        assert "供暖期室内温度标准" in found
        page_.screenshot(path=str(ARTIFACTS / "site-search.png"))
        browser.close()
    assert not errors, errors
    assert not outside, outside


def test_a_failure_inside_mkdocs_stops_the_build_with_its_traceback(records, tmp_path, monkeypatch):
    """MkDocs runs in a process forked at the start of the build (``util.parallel.standby``): what goes wrong there
    ends the build with a Chinese message and MkDocs' own traceback, not a hang or a bare exception."""
    from hotline.site import build as site_build
    from hotline.times import parse_time
    from hotline.util import parallel

    if not parallel.can_fork() or parallel.jobs() <= 1:
        pytest.skip("MkDocs runs in this process where nothing can be forked")

    def broken(*args: object, **kwargs: object) -> list[str]:
        raise RuntimeError("模板坏了")

    monkeypatch.setattr(site_build, "run_mkdocs", broken)  # inherited by the process forked in the build
    with pytest.raises(site_build.SiteBuildError, match="运行 MkDocs 的进程出错") as failed:
        site_build.build_site(records.root, tmp_path / "out", parse_time(AS_OF))
    assert "RuntimeError: 模板坏了" in str(failed.value)
