"""Settled dispatches and provisional periods (README 计分口径): a month with dispatches whose outcome is not
known yet is 暂定 — in ``hotline score --format json``, on the site's pages and in both documents — and final
once every dispatch is settled; rates count settled dispatches only; rectification only on final grades."""

from __future__ import annotations

import io
import json

import openpyxl
from click.testing import CliRunner
from docx import Document

from hotline.cli import main
from hotline.lifecycle.derive import derive
from hotline.lifecycle.settlement import unsettled
from hotline.load import load
from hotline.reports.documents import register_xlsx, report_docx
from hotline.reports.publication import compute
from hotline.site import assessment, pages
from hotline.times import parse_time

PROVISIONAL = "2026-11-20 12:00"
FINAL = "2026-12-20 12:00"  # the last deadline (12-03) and its callback wait (5 working days) have passed

ORDERS = {
    # replied and called back: settled from the start
    "JC2026111600001": """
        id: JC2026111600001
        title: 咨询医保缴费
        category: 咨询
        received_at: 2026-11-16 08:30
        content: 咨询医保缴费。
        events:
          - {at: 2026-11-16 09:00, type: 派单, unit: jincun, role: 主办, by: 县热线办}
          - {at: 2026-11-16 09:30, type: 接收, unit: jincun, by: 王丽}
          - {at: 2026-11-16 10:00, type: 联系, unit: jincun, by: 王丽}
          - {at: 2026-11-17 10:00, type: 答复, unit: jincun, by: 王丽, text: 已答复。}
          - {at: 2026-11-18 10:00, type: 回访, result: 满意, by: 县热线办}
    """,
    # accepted, not replied: due 11-27 (求助, 7 working days)
    "JC2026111800002": """
        id: JC2026111800002
        title: 金村镇道路破损
        category: 求助
        received_at: 2026-11-18 08:30
        content: 村口道路破损。
        events:
          - {at: 2026-11-18 09:00, type: 派单, unit: jincun, role: 主办, by: 县热线办}
          - {at: 2026-11-18 09:30, type: 接收, unit: jincun, by: 王丽}
    """,
    # accepted, not replied: due 12-03 (投诉, 10 working days)
    "JC2026111900003": """
        id: JC2026111900003
        title: 金村镇噪音扰民
        category: 投诉
        received_at: 2026-11-19 08:30
        content: 夜间施工噪音。
        events:
          - {at: 2026-11-19 09:00, type: 派单, unit: jincun, role: 主办, by: 县热线办}
          - {at: 2026-11-19 09:30, type: 接收, unit: jincun, by: 王丽}
    """,
}


def _records(records):
    for oid, text in ORDERS.items():
        records.order(oid, text)
    return records.root


def _score(root, as_of: str, period: str = "2026-11") -> dict:
    res = CliRunner().invoke(
        main, ["score", "--root", str(root), "--period", period, "--as-of", as_of, "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_settlement_rule_measure_by_measure(records):
    root = _records(records)
    repo = load(root)
    order = next(o for o in repo.orders if o.id == "JC2026111800002")
    wait = repo.rules.assessment.callback_wait_days
    assert wait == 5

    def pending(at: str) -> tuple[str, ...]:
        when = parse_time(at)
        return unsettled(derive(order, repo.rules, repo.calendar, when).dispatches[0], when, repo.calendar, wait)

    assert pending("2026-11-18 09:10") == ("timely_receipt", "on_time", "overdue", "satisfied")  # not accepted yet
    assert pending("2026-11-20 12:00") == ("on_time", "overdue", "satisfied")  # accepted; due 11-27
    assert pending("2026-11-28 00:00") == ("satisfied",)  # overdue now: late is known; the callback is not
    assert pending("2026-12-04 23:59") == ("satisfied",)  # 5 working days after 11-27 end on 12-04
    assert pending("2026-12-05 00:00") == ()  # no callback: settled as not satisfied


def test_provisional_month_is_marked_everywhere_and_final_once_settled(records):
    root = _records(records)
    early = _score(root, PROVISIONAL)
    assert early["final"] is False and early["unsettled"] == 2
    jincun = next(u for u in early["units"] if u["unit"] == "jincun")
    assert jincun["unsettled"] == 2 and jincun["dispatched"] == 3
    assert all(u["unsettled"] == 0 for u in early["units"] if u["unit"] != "jincun")
    # rates over the settled dispatch only: item 9 (按时办结) 1 of 1 → full marks, not 1 of 3
    assert jincun["items"]["9"] == 20

    model = compute(load(root), parse_time(PROVISIONAL))
    ms, report, reg = model.stats["2026-11"], model.reports["2026-11"], model.registers[("jincun", "2026-11")]
    assert ms.unsettled == 2 and ms.county.settled["on_time"] == 1 and ms.county.rate("on_time") == 100
    period = next(p for p in model.assessments if p.label == "2026-11")
    bodies = {
        "home": pages.home(model).body,
        "report": pages.report_page(model, "2026-11").body,
        "register": pages.register_page(model, reg).body,
        "assessment": assessment.period_page(model, period).body,
    }
    for name, body in bodies.items():
        assert "暂定" in body, name
    assert "尚有 2 件" in bodies["report"] and "尚有 2 件" in bodies["register"] and "尚有 2 件" in bodies["assessment"]
    doc = Document(io.BytesIO(report_docx.to_bytes(report)))
    head = "\n".join(p.text for p in doc.paragraphs[:8])
    assert "（2026年11月，暂定）" in head and "尚有 2 件次派单" in head
    ws = openpyxl.load_workbook(io.BytesIO(register_xlsx.to_bytes(reg))).active
    assert ws["A1"].value.endswith("2026年11月登记表（暂定）") and "尚有 2 件派单" in ws["A2"].value

    late = _score(root, FINAL)
    assert late["final"] is True and late["unsettled"] == 0
    model = compute(load(root), parse_time(FINAL))
    reg = model.registers[("jincun", "2026-11")]
    period = next(p for p in model.assessments if p.label == "2026-11")
    for body in (
        pages.report_page(model, "2026-11").body,
        pages.register_page(model, reg).body,
        assessment.period_page(model, period).body,
    ):
        assert "暂定" not in body
    doc = Document(io.BytesIO(report_docx.to_bytes(model.reports["2026-11"])))
    assert "暂定" not in "\n".join(p.text for p in doc.paragraphs)
    ws = openpyxl.load_workbook(io.BytesIO(register_xlsx.to_bytes(reg))).active
    assert ws["A1"].value.endswith("2026年11月登记表") and "暂定" not in ws["A2"].value
    # both open dispatches ended late and without a callback: counted as such
    assert str(model.stats["2026-11"].county.rate("on_time")) == "33.33"


def late_and_unsatisfied(records, n: int) -> None:
    """Settled early in November: accepted late, replied late, called back 不满意."""
    for i in range(n):
        oid = f"JC20261102{i:05d}"
        records.order(
            oid,
            f"""
            id: {oid}
            title: 咨询事项{i}
            category: 咨询
            received_at: 2026-11-02 08:30
            content: 测试。
            events:
              - {{at: 2026-11-02 09:00, type: 派单, unit: jincun, role: 主办, by: 县热线办}}
              - {{at: 2026-11-04 09:00, type: 接收, unit: jincun, by: 王丽}}
              - {{at: 2026-11-04 10:00, type: 联系, unit: jincun, by: 王丽}}
              - {{at: 2026-11-10 10:00, type: 答复, unit: jincun, by: 王丽, text: 已答复。}}
              - {{at: 2026-11-11 10:00, type: 回访, result: 不满意, by: 县热线办}}
        """,
        )


def test_rectification_only_on_final_grades(records):
    """A year's assessment: jincun's grade while its dispatches are open is 暂定 and owes nothing; once
    settled, the same 一般/较差 grade, now final, owes a rectification report."""
    root = _records(records)
    late_and_unsatisfied(records, 3)
    early = _score(root, PROVISIONAL, "2026")
    late = _score(root, FINAL, "2026")
    for result in (early, late):  # a grade that owes a report both times: only finality differs
        assert next(u for u in result["units"] if u["unit"] == "jincun")["grade"] in ("一般", "较差")
    assert next(u for u in early["units"] if u["unit"] == "jincun")["unsettled"] == 2
    assert "jincun" not in {c["unit"] for c in early["rectification"]}
    assert "jincun" in {c["unit"] for c in late["rectification"]}


def test_month_to_date_compares_the_same_days(records):
    """On 11-20 November's orders are compared with October's received by 20 October, not all October."""
    root = _records(records)
    for day in (5, 19, 25, 30):
        records.order(
            f"JC202610{day:02d}0000{day % 10}",
            f"""
            id: JC202610{day:02d}0000{day % 10}
            title: 十月工单{day}
            category: 咨询
            received_at: 2026-10-{day:02d} 08:30
            content: 测试。
            events:
              - {{at: 2026-10-{day:02d} 09:00, type: 派单, unit: jincun, role: 主办, by: 县热线办}}
        """,
        )
    model = compute(load(root), parse_time(PROVISIONAL))
    ms = model.stats["2026-11"]
    assert ms.through.isoformat() == "2026-11-20" and ms.previous == 2  # 10-05 and 10-19, not 10-25 and 10-30
    overall = model.reports["2026-11"].sections[0].blocks[0].text
    assert "截至11月20日" in overall and "较上月同期（2 件）增加 1 件" in overall
    assert "上月同期（1—20日） 2 件" in pages.home(model).body
    final = compute(load(root), parse_time(FINAL))
    assert final.stats["2026-11"].through is None and final.stats["2026-11"].previous == 4
