"""Each figure named once on the site (issue 21, point 17): no table has two columns with the same heading (the
ranking had 等次 twice, the rules page 等次 and 名次 twice)."""

from __future__ import annotations

import re

from test_score_cli import setup_records

from hotline.load import load
from hotline.reports.publication import compute
from hotline.site import assessment, pages
from hotline.times import parse_time


def test_no_table_repeats_a_column_heading(records):
    setup_records(records)
    model = compute(load(records.root), parse_time("2026-12-02 12:00"))
    built = [assessment.rules_page(model, model.rules.assessment, model.assessments)]
    for p in model.assessments:
        built.append(assessment.period_page(model, p))
        built += [assessment.unit_page(model, p, u.unit) for u in p.default.units[:3]]
    built += [pages.report_page(model, m) for m in model.months] + [pages.supervision(model), pages.home(model)]
    tables = [t for page in built for t in re.findall(r"<thead><tr>(.*?)</tr></thead>", page.body)]
    assert len(tables) > 5
    for t in tables:
        heads = re.findall(r"<th>(.*?)</th>", t)
        assert len(heads) == len(set(heads)), heads
    ranking = next(t for t in tables if "<th>名次</th><th>单位</th>" in t)
    assert "<th>按原文等次</th>" in ranking and "<th>按原文总分</th>" in ranking
