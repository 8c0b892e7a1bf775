"""One click to record (一键登记): pre-filled links to the Git host's issue forms from the order page and the
supervision list, for the dispatch's likely next event."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import yaml
from conftest import REPO

from hotline.host.intake_form import FORM_TYPES, parse_body
from hotline.load import load
from hotline.records.rules import HostSettings
from hotline.reports.form_links import FORMS, form_url, next_events
from hotline.reports.publication import compute
from hotline.site import data, pages
from hotline.times import parse_time

AS_OF = parse_time("2026-11-20 16:00")
GITHUB = HostSettings(kind="github", repo_url="https://github.com/zezhou/hotline-records")
GITEA = HostSettings(kind="gitea", repo_url="https://git.zezhou.example/rx/hotline")

ORDERS = {
    # dispatched, not accepted
    "JC2026111900001": """
        id: JC2026111900001
        title: 金村镇路灯不亮
        category: 求助
        received_at: 2026-11-19 09:00
        content: 路灯不亮。
        events:
          - {at: 2026-11-19 09:10, type: 派单, unit: jincun, role: 主办, by: 县热线办}
    """,
    # accepted, contacted, not replied; overdue on the 20th (咨询: 3 working days from the 16th)
    "JC2026111600002": """
        id: JC2026111600002
        title: 咨询医保缴费
        category: 咨询
        received_at: 2026-11-16 09:00
        content: 咨询医保缴费。
        events:
          - {at: 2026-11-16 09:10, type: 派单, unit: yibao, role: 主办, by: 县热线办}
          - {at: 2026-11-16 09:30, type: 接收, unit: yibao, by: 赵敏}
          - {at: 2026-11-16 10:00, type: 联系, unit: yibao, by: 赵敏}
    """,
    # replied: nothing left for the unit
    "JC2026111600003": """
        id: JC2026111600003
        title: 咨询社保
        category: 咨询
        received_at: 2026-11-16 09:00
        content: 咨询社保。
        events:
          - {at: 2026-11-16 09:10, type: 派单, unit: yibao, role: 主办, by: 县热线办}
          - {at: 2026-11-16 09:30, type: 接收, unit: yibao, by: 赵敏}
          - {at: 2026-11-16 10:00, type: 联系, unit: yibao, by: 赵敏}
          - {at: 2026-11-17 10:00, type: 答复, unit: yibao, by: 赵敏, text: 已答复。}
    """,
}


def test_each_event_has_its_form_with_the_order_and_unit_fields():
    forms_dir = REPO / ".github" / "ISSUE_TEMPLATE"
    assert set(FORMS) == set(FORM_TYPES)
    for event, name in FORMS.items():
        form = yaml.safe_load((forms_dir / name).read_text(encoding="utf-8"))
        ids = {f.get("id"): f for f in form["body"]}
        assert ids["kind"]["attributes"]["options"] == [event]
        assert {"order_id", "unit"} <= set(ids)
        assert form["title"].startswith(f"[{event}]")


def test_urls_fill_the_form_on_github_and_on_gitea():
    gh = urlsplit(form_url(GITHUB, "接收", "JC2026111900001", "金村镇"))
    assert (gh.scheme, gh.netloc, gh.path) == ("https", "github.com", "/zezhou/hotline-records/issues/new")
    assert parse_qs(gh.query) == {
        "template": ["1-accept.yml"],
        "title": ["[接收] 工单编号：JC2026111900001"],
        "order_id": ["JC2026111900001"],
        "unit": ["金村镇"],
    }
    gt = urlsplit(form_url(GITEA, "延期申请", "JC2026111600002", "县医疗保障局"))
    assert gt.path == "/rx/hotline/issues/new"
    assert parse_qs(gt.query) == {
        "template": [".github/ISSUE_TEMPLATE/5-extension-request.yml"],
        "title": ["[延期申请] 工单编号：JC2026111600002"],
        "field:order_id": ["JC2026111600002"],
        "field:unit": ["县医疗保障局"],
    }


def test_what_a_submitted_prefilled_form_says_parses_back():
    """The values the link fills in arrive in the body as the host renders them, and the intake reads them."""
    q = parse_qs(urlsplit(form_url(GITHUB, "答复", "JC2026111600002", "县医疗保障局")).query)
    body = f"### 登记类型\n\n答复\n\n### 工单编号\n\n{q['order_id'][0]}\n\n### 承办单位\n\n{q['unit'][0]}\n"
    fields = parse_body(body)
    assert fields["order_id"] == "JC2026111600002" and fields["unit"] == "县医疗保障局" and fields["type"] == "答复"


def _model(records, host: HostSettings | None):
    for oid, text in ORDERS.items():
        records.order(oid, text)
    repo = load(records.root)
    model = compute(repo, AS_OF)
    model.host = host
    return repo, model


def test_next_events_follow_the_dispatch(records):
    _repo, model = _model(records, None)
    by_id = {st.order.id: st.dispatches[0] for st in model.states}
    assert next_events(by_id["JC2026111900001"]) == ["接收", "退回申请"]
    assert next_events(by_id["JC2026111600002"]) == ["答复", "延期申请"]
    assert next_events(by_id["JC2026111600003"]) == []


def test_supervision_list_and_order_data_link_to_the_forms(records):
    _repo, model = _model(records, GITEA)
    body = pages.supervision(model).body
    overdue = body[body.index("## 逾期未办结") : body.index("## 即将到期")]
    assert "<th>登记</th>" in overdue
    assert "field%3Aorder_id=JC2026111600002" in overdue and "登记答复" in overdue and "登记延期申请" in overdue
    shard = json.loads(data.shard(model, "2026-11"))
    assert shard["JC2026111900001"]["dispatches"][0]["forms"][0][0] == "接收"
    assert "forms" not in shard["JC2026111600003"]["dispatches"][0]
    url = shard["JC2026111900001"]["dispatches"][0]["forms"][0][1]
    assert url.startswith(
        "https://git.zezhou.example/rx/hotline/issues/new?template=.github%2FISSUE_TEMPLATE%2F1-accept.yml"
    )
    # without a host configured: no links, no column
    model.host = None
    assert "<th>登记</th>" not in pages.supervision(model).body
    assert "forms" not in json.loads(data.shard(model, "2026-11"))["JC2026111900001"]["dispatches"][0]


def test_host_is_read_from_the_rules(records):
    rules = (records.root / "scoring" / "rules.yaml").read_text(encoding="utf-8")
    (records.root / "scoring" / "rules.yaml").write_text(
        rules + "\nhost:\n  kind: github\n  repo_url: https://github.com/zezhou/hotline-records\n", encoding="utf-8"
    )
    assert load(records.root).rules.host == GITHUB
