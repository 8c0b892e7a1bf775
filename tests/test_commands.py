"""``hotline status`` and ``hotline schema``."""

from __future__ import annotations

import json

import jsonschema
from click.testing import CliRunner
from conftest import REPO

from hotline.cli import main
from hotline.records.schemas import SCHEMAS
from hotline.records.yaml_reader import read

ORDER = """
id: JC1
title: 测试工单
category: 咨询
received_at: 2026-11-16 09:00
content: 测试内容。
events:
  - {at: 2026-11-16 10:00, type: 派单, unit: jincun, role: 主办, by: 县热线办}
  - {at: 2026-11-16 10:00, type: 派单, unit: zhujian, role: 会办, by: 县热线办}
  - {at: 2026-11-16 11:00, type: 接收, unit: jincun, by: 王丽}
"""


def test_status_json_and_table(records):
    records.order("JC1", ORDER)
    runner = CliRunner()
    args = ["status", "--root", str(records.root), "--as-of", "2026-11-19 12:00"]
    rows = json.loads(runner.invoke(main, args + ["--format", "json"]).stdout)
    assert [(r["id"], r["unit"], r["role"], r["dispatched_at"], r["due"], r["status"], r["overdue"]) for r in rows] == [
        ("JC1", "jincun", "主办", "2026-11-16 10:00", "2026-11-19", "办理中", False),
        ("JC1", "zhujian", "会办", "2026-11-16 10:00", "2026-11-19", "待接收", False),
    ]
    assert all(r["due_soon"] for r in rows)
    table = runner.invoke(main, args).stdout
    header = table.splitlines()[0].split()
    assert header == ["工单编号", "承办单位", "主办/会办", "派单时间", "办理期限", "状态", "逾期"]
    assert "县住建局" in table and "即将到期" in table  # the short name: the table fits 100 columns
    assert "县住房和城乡建设管理局" in runner.invoke(main, [*args, "--wide"]).stdout
    later = json.loads(
        runner.invoke(
            main,
            [
                "status",
                "--root",
                str(records.root),
                "--as-of",
                "2026-11-20 08:00",
                "--format",
                "json",
                "--unit",
                "zhujian",
            ],
        ).stdout
    )
    assert [(r["unit"], r["overdue"]) for r in later] == [("zhujian", True)]


def test_committed_schemas_are_current(tmp_path):
    result = CliRunner().invoke(main, ["schema", "--root", str(REPO), "--check"])
    assert result.exit_code == 0, result.output
    out = CliRunner().invoke(main, ["schema", "--root", str(tmp_path)])
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(SCHEMAS)
    assert out.exit_code == 0


def test_every_committed_record_carries_the_editor_hint_and_validates_against_its_schema():
    schemas = {name: json.loads((REPO / "schemas" / name).read_text(encoding="utf-8")) for name in SCHEMAS}
    groups = [("orders", "order.schema.json"), ("units", "unit.schema.json")]
    seen = 0
    for folder, name in groups:
        for p in sorted((REPO / folder).rglob("*.yaml")):
            text = p.read_text(encoding="utf-8")
            hint = text.splitlines()[0]
            assert hint.startswith("# yaml-language-server: $schema=") and hint.endswith(name), p
            assert (p.parent / hint.split("=", 1)[1]).resolve() == (REPO / "schemas" / name), p
            doc = read(str(p), p.name)
            jsonschema.validate(doc.data, schemas[name])
            seen += 1
    rules = read(str(REPO / "scoring/rules.yaml"), "rules.yaml")
    jsonschema.validate(rules.data, schemas["rules.schema.json"])
    assert seen >= 45 + 15


def test_schema_rejects_what_check_rejects():
    schema = json.loads((REPO / "schemas" / "order.schema.json").read_text(encoding="utf-8"))
    doc = read(str(next((REPO / "orders").rglob("*.yaml"))), "x.yaml")
    bad = dict(doc.data, recieved_at="2026-11-16 09:00")
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError as e:
        assert "recieved_at" in e.message
    else:
        raise AssertionError("unknown key accepted by the schema")


def test_every_finding_code_is_documented_in_the_readme():
    from hotline.findings import CODES

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("<!-- codes:start -->") : readme.index("<!-- codes:end -->")]
    documented = {line.split("`")[1] for line in table.splitlines() if line.startswith("| `")}
    assert documented == set(CODES)


def test_every_command_is_documented_in_the_readme():
    from hotline.cli import COMMANDS

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## 命令") : readme.index("### 检查结果")]
    assert [c for c in COMMANDS if f"`hotline {c}" not in table] == []
