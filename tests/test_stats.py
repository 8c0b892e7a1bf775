"""Monthly figures, hot topics and the knowledge base: the computations behind the site and the documents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hotline.load import load
from hotline.records.knowledge import load_entries
from hotline.records.rules import ReportRules
from hotline.reports.hot_topics import hot_topics, index_keywords, place_of
from hotline.reports.monthly import current, monthly, percent
from hotline.times import parse_time


def order(oid, title, received, unit, events="", category="投诉", address=""):
    return f"""
id: {oid}
title: {title}
category: {category}
received_at: {received}
{f"address: {address}" if address else ""}
content: {title}。
events:
  - {{at: {received}, type: 派单, unit: {unit}, role: 主办, by: 县热线办}}
{events}"""


def test_percent_rounds_half_up():
    assert percent(1, 800) == Decimal("0.13")  # 0.125 → 0.13, not banker's 0.12
    assert percent(2, 3) == Decimal("66.67") and percent(1, 3) == Decimal("33.33")
    assert percent(0, 0) is None


def test_month_rates_denominator_excludes_approved_returns(records):
    records.order(
        "A1",
        order(
            "A1",
            "甲",
            "2026-11-16 09:00",
            "jincun",
            "  - {at: 2026-11-16 09:30, type: 接收, unit: jincun, by: 王}\n"
            "  - {at: 2026-11-16 10:00, type: 退回申请, unit: jincun, by: 王, reason: 非本单位职责, basis: 三定}\n"
            "  - {at: 2026-11-16 11:00, type: 退回审核, unit: jincun, by: 县热线办, approved: true}\n",
        ),
    )
    records.order(
        "A2",
        order(
            "A2",
            "乙",
            "2026-11-16 09:00",
            "jincun",
            "  - {at: 2026-11-16 09:30, type: 接收, unit: jincun, by: 王}\n"
            "  - {at: 2026-11-17 10:00, type: 答复, unit: jincun, by: 王, text: 已办}\n"
            "  - {at: 2026-11-18 10:00, type: 回访, result: 基本满意, by: 县热线办}\n",
        ),
    )
    records.order("A3", order("A3", "丙", "2026-11-16 09:00", "jincun", category="咨询"))
    repo = load(records.root)
    when = parse_time("2026-12-01 09:00")
    ms = monthly(repo.states(when), repo.rules, repo.units)["2026-11"]
    um = ms.units["jincun"]
    assert (
        um.rates.total,
        um.rates.timely,
        um.rates.on_time,
        um.rates.overdue,
        um.rates.satisfied,
        um.rates.complaints,
    ) == (2, 1, 1, 1, 1, 1)
    assert um.returns_approved == 1 and um.return_requests == 1 and len(um.dispatches) == 3
    assert ms.received == 3 and ms.by_category["投诉"] == 2 and ms.previous is None
    assert [s.order_id for s in ms.overdue] == ["A3"]
    cur = current(repo.states(when), when)
    assert [s.order_id for _, s in cur.overdue] == ["A3"] and not cur.due_soon


def test_rising_keywords_and_place_clusters(records):
    for i in range(1):
        records.order(
            f"B{i}",
            order(f"B{i}", "幸福小区供暖温度不达标", "2026-10-10 09:00", "zhujian", address="金村镇幸福小区1号楼"),
        )
    for i in range(4):
        records.order(
            f"C{i}",
            order(
                f"C{i}", "幸福小区供暖温度不达标", f"2026-11-1{i} 09:00", "zhujian", address=f"金村镇幸福小区{i}号楼"
            ),
        )
    records.order("D1", order("D1", "咨询医保缴费", "2026-11-12 09:00", "yibao", category="咨询"))
    repo = load(records.root)
    by_month = {
        "2026-10": [o for o in repo.orders if o.id.startswith("B")],
        "2026-11": [o for o in repo.orders if not o.id.startswith("B")],
    }
    idx = index_keywords(by_month, ("金村镇",))
    hot = hot_topics(
        "2026-11", "2026-10", by_month, idx, ReportRules(keyword_min_count=3, place_min_orders=3, examples=2)
    )
    words = {k.word: (k.count, k.previous, k.change) for k in hot.keywords}
    assert words["供暖"] == (4, 1, 3)
    assert "医保" not in words  # below the minimum count
    assert hot.keywords[0].examples == ["C0", "C1"]
    assert [(p.place, p.count, p.previous) for p in hot.places] == [("金村镇幸福小区", 4, 1)]
    assert place_of("北石店镇南关村5号") == "北石店镇南关村" and place_of(None) is None

    # only the months with an order to cut go to the mapper (the forked workers); the rest is indexed here
    given: list[list[str]] = []

    def mapper(f, months):
        given.append(list(months))
        return [f(m) for m in months]

    records.order("D2", order("D2", "咨询社保卡补办", "2026-11-13 09:00", "yibao", category="咨询"))
    by_month["2026-11"] = [o for o in load(records.root).orders if not o.id.startswith("B")]
    again = index_keywords(by_month, ("金村镇",), mapper)
    assert given == [["2026-11"]]  # October's keywords are all kept already
    assert again["2026-10"] == idx["2026-10"] and again["2026-11"]["社保卡"] == ["D2"]
    assert {w: ids for w, ids in again["2026-11"].items() if "D2" not in ids} == idx["2026-11"]
    assert index_keywords(by_month, ("金村镇",), mapper) == again and given == [["2026-11"], []]


def test_knowledge_entries_front_matter_findings_with_lines(records):
    records.write(
        "site_src/knowledge/jincun/ok.md",
        """
        ---
        title: 办公时间
        unit: jincun
        category: 便民服务
        keywords: [办公时间]
        source: 镇公告
        updated: 2025-01-06
        valid_until: 2025-12-31
        ---
        上午8:30对外办公。
    """,
    )
    records.write(
        "site_src/knowledge/jincun/bad.md",
        """
        ---
        title: 错误的条目
        unit: zhujian
        category: 便民服务
        source: 镇公告
        updated: 2025-13-06
        ---
        正文
    """,
    )
    records.write("site_src/knowledge/jincun/nofm.md", "没有元数据\n")
    entries, findings = load_entries(records.root, set(load(records.root).units))
    assert [e.slug for e in entries] == ["ok"]
    assert entries[0].stale(date(2026, 1, 1)) and not entries[0].stale(date(2025, 12, 31))
    got = {(f.path.rsplit("/", 1)[1], f.line, f.code) for f in findings}
    assert ("bad.md", 6, "invalid-value") in got
    assert ("nofm.md", 1, "missing-field") in got
    # hotline check reports them too
    from click.testing import CliRunner

    from hotline.cli import main

    out = (
        CliRunner()
        .invoke(main, ["check", "--root", str(records.root), "--as-of", "2026-12-01 09:00", "--no-cache"])
        .output
    )
    assert "site_src/knowledge/jincun/bad.md:6: 错误 invalid-value" in out


def test_keyword_weights_are_jiebas_idf_read_without_its_table_in_memory():
    """``hot_topics.weigh`` reads jieba's idf file itself (importing ``jieba.analyse`` costs ~100 MB): the same
    weights, and the table's median for a word it lacks."""
    import jieba.analyse

    from hotline.reports import hot_topics

    words = ["燃气", "服务", "噪音", "停水", "并不存在的词语甲乙丙"]
    hot_topics._weights.clear()
    hot_topics.weigh(words)
    t = jieba.analyse.default_tfidf
    assert [hot_topics.weight(w) for w in words] == [t.idf_freq.get(w, t.median_idf) for w in words]
    assert hot_topics.weight("并不存在的词语甲乙丙") == t.median_idf
