"""``hotline check``: each finding from the exact bad input, and the run goes on past it."""

from __future__ import annotations

import json
import os
import threading

import pytest
from click.testing import CliRunner

from hotline.cli import main
from hotline.load import run_check
from hotline.times import parse_time

AS_OF = parse_time("2026-11-28 12:00")

GOOD = """
    id: {id}
    title: 测试工单
    category: 咨询
    received_at: 2026-11-20 09:40
    content: 咨询供暖开始时间。
    events:
      - {{at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}}
      - {{at: 2026-11-20 11:00, type: 接收, unit: jincun, by: 王丽}}
      - {{at: 2026-11-20 11:10, type: 联系, unit: jincun, by: 王丽}}
      - {{at: 2026-11-23 16:00, type: 答复, unit: jincun, by: 王丽, text: 已告知供暖时间。}}
"""


def good(order_id: str) -> str:
    return GOOD.format(id=order_id)


def codes(findings, path=None):
    return sorted((f.code, f.line) for f in findings if path is None or f.path == path)


def test_clean_repository_has_no_findings(records):
    records.order("JC1", good("JC1"))
    assert run_check(records.root, AS_OF) == []


BAD_INPUTS = [
    # (name, file text or bytes, expected (code, line) in that file)
    ("yaml-syntax", "id: JC9\ntitle: [未闭合\ncategory: 咨询\n", ("yaml-syntax", 3)),
    (
        "duplicate-key",
        good("JC9").replace("    category: 咨询\n", "    category: 咨询\n    category: 投诉\n"),
        ("duplicate-key", 4),
    ),
    ("unknown-field", good("JC9").replace("received_at", "recieved_at"), ("unknown-field", 4)),
    ("invalid-enum", good("JC9").replace("category: 咨询", "category: 询问"), ("invalid-value", 3)),
    ("invalid-date", good("JC9").replace("2026-11-23 16:00", "2026-02-30 16:00"), ("invalid-value", 10)),
    (
        "invalid-type",
        good("JC9").replace("category: 咨询", "category: 咨询\n    emergency: 也许"),
        ("invalid-value", 4),
    ),
    ("missing-field", good("JC9").replace("    content: 咨询供暖开始时间。\n", ""), ("missing-field", 1)),
    ("bad-event-type", good("JC9").replace("type: 联系", "type: 电联"), ("invalid-value", 9)),
    ("pii-phone", good("JC9").replace("咨询供暖开始时间。", "咨询供暖开始时间，电话13812345678。"), ("pii-phone", 5)),
    ("pii-id-number", good("JC9").replace("咨询供暖开始时间。", "身份证 14052519800101123X"), ("pii-id-number", 5)),
]


@pytest.mark.parametrize("name,text,expected", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_each_bad_input_gives_its_finding_and_others_are_still_checked(records, name, text, expected):
    import textwrap

    records.write("orders/2026/11/JC9.yaml", textwrap.dedent(text).lstrip("\n"))
    records.order("JC1", good("JC1").replace("2026-11-23 16:00", "2026-11-26 16:00"))  # late reply: 3 days
    records.order("JC2", good("JC2").replace("jincun", "nosuchunit"))
    findings = run_check(records.root, AS_OF)
    assert expected in codes(findings, "orders/2026/11/JC9.yaml"), [f.as_dict() for f in findings]
    # the other files' findings are still reported
    assert ("unknown-unit", 7) in codes(findings, "orders/2026/11/JC2.yaml")
    for f in findings:
        assert f.message and not f.message.isascii(), f  # a Chinese message


def test_unknown_field_suggests_the_intended_key(records):
    records.order("JC9", good("JC9").replace("received_at", "recieved_at"))
    [unknown] = [f for f in run_check(records.root, AS_OF) if f.code == "unknown-field"]
    assert "recieved_at" in unknown.message and "received_at" in unknown.message


def test_gbk_file_is_named_as_such(records):
    records.write("orders/2026/11/JC9.yaml", good("JC9").encode("gbk"))
    findings = run_check(records.root, AS_OF)
    [f] = [f for f in findings if f.path == "orders/2026/11/JC9.yaml"]
    assert f.code == "not-utf8" and "GBK" in f.message


def test_alias_bomb_fails_fast(records):
    bomb = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        bomb.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    records.write("orders/2026/11/JC9.yaml", "\n".join(bomb) + "\n")
    # refused at the first alias, never expanded (9**10 items would not finish): a hang guard, not a speed target
    done: list = []
    worker = threading.Thread(target=lambda: done.append(run_check(records.root, AS_OF)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert done, "the alias bomb was expanded"
    assert codes(done[0]) == [("yaml-alias", 1)]


def test_file_too_large(records):
    records.write("orders/2026/11/JC9.yaml", good("JC9") + "# " + "x" * (1024 * 1024) + "\n")
    assert codes(run_check(records.root, AS_OF)) == [("file-too-large", 0)]


def test_id_mismatch_name_and_folder(records):
    records.write("orders/2026/11/JC8.yaml", good("JC9"))
    records.write("orders/2026/10/JC7.yaml", good("JC7"))
    found = codes(run_check(records.root, AS_OF))
    assert found == [("id-mismatch", 1), ("id-mismatch", 1)]


def test_duplicate_id_across_folders(records):
    records.order("JC1", good("JC1"))
    records.write("orders/2026/10/JC1.yaml", good("JC1"))
    findings = run_check(records.root, AS_OF)
    assert sorted(f.path for f in findings if f.code == "duplicate-id") == [
        "orders/2026/10/JC1.yaml",
        "orders/2026/11/JC1.yaml",
    ]


def test_unit_files_are_checked_too(records):
    records.write(
        "units/jincun.yaml",
        (records.root / "units/jincun.yaml").read_text(encoding="utf-8").replace("type: 乡镇", "type: 镇"),
    )
    records.order("JC1", good("JC1"))
    findings = run_check(records.root, AS_OF)
    assert ("invalid-value", 6) in codes(findings, "units/jincun.yaml")
    # the unit could not be read, so orders naming it are reported as well
    assert ("unknown-unit", 7) in codes(findings, "orders/2026/11/JC1.yaml")


def test_event_in_the_future(records):
    records.order("JC1", good("JC1").replace("2026-11-23 16:00", "2026-12-23 16:00"))
    assert ("event-in-future", 10) in codes(run_check(records.root, AS_OF))


def test_cli_formats_and_exit_codes(records):
    records.order("JC1", good("JC1").replace("jincun", "nosuch"))
    runner = CliRunner()
    args = ["check", "--root", str(records.root), "--as-of", "2026-11-28 12:00"]
    text = runner.invoke(main, args)
    assert text.exit_code == 1
    assert "orders/2026/11/JC1.yaml:7: 错误 unknown-unit 单位 nosuch 不存在" in text.output
    js = runner.invoke(main, args + ["--format", "json"])
    data = json.loads(js.stdout)
    assert data["counts"] == {"error": len(data["findings"]), "warning": 0}
    assert set(data["findings"][0]) == {"path", "line", "code", "severity", "message"}
    gh = runner.invoke(main, args + ["--format", "github"])
    assert gh.stdout.splitlines()[0].startswith("::error file=orders/2026/11/JC1.yaml,line=7,title=unknown-unit::")
    assert runner.invoke(main, ["check", "--format", "xml"]).exit_code == 2
    assert runner.invoke(main, ["check", "--as-of", "yesterday"]).exit_code == 2


def test_strict_turns_warnings_into_failure(records, package_through_2026):
    records.order(
        "JC1",
        good("JC1").replace("2026-11-2", "2026-12-2").replace("2026-11-20 09:40", "2026-12-20 09:40"),
        month="2026/12",
    )
    # deadline 3 working days after 2026-12-30 crosses into 2027, which has no holiday data
    body = good("JC2").replace("2026-11-20", "2026-12-30").replace("2026-11-23 16:00", "2026-12-31 16:00")
    records.order("JC2", body)
    runner = CliRunner()
    args = ["check", "--root", str(records.root), "--as-of", "2027-01-10 12:00"]
    plain = runner.invoke(main, args + ["--format", "json"])
    data = json.loads(plain.stdout)
    # the order's deadline, and (once for the run) the year itself: 2027 is due and missing
    assert [f["code"] for f in data["findings"]] == ["provisional-calendar", "calendar-next-year"], data
    assert plain.exit_code == 0
    assert runner.invoke(main, args + ["--strict"]).exit_code == 1


def test_cache_reuses_unchanged_files_and_rechecks_changed_ones(records, monkeypatch):
    import hotline.load as checker
    from hotline.util import filecache

    records.order("JC1", good("JC1"))
    p = records.order("JC2", good("JC2"))
    monkeypatch.setattr(filecache, "RACY_NS", 0)  # files written just now would otherwise not be trusted
    assert run_check(records.root, AS_OF) == []
    loads = []
    real = checker.load_order
    monkeypatch.setattr(
        checker, "load_order", lambda path, rel, *rest: loads.append(rel.rsplit("/", 1)[-1]) or real(path, rel, *rest)
    )
    assert run_check(records.root, AS_OF) == []
    assert loads == []  # warm: nothing re-read
    p.write_text(p.read_text(encoding="utf-8").replace("jincun", "nosuch"), encoding="utf-8")
    found = run_check(records.root, AS_OF)
    assert loads == ["JC2.yaml"]
    assert codes(found) == [("unknown-unit", 7)]


def test_racy_entries_are_decided_by_content(records, monkeypatch):
    import hotline.load as checker

    p = records.order("JC1", good("JC1"))
    run_check(records.root, AS_OF)
    loads = []
    real = checker.load_order
    monkeypatch.setattr(
        checker, "load_order", lambda path, rel, *rest: loads.append(rel.rsplit("/", 1)[-1]) or real(path, rel, *rest)
    )
    run_check(records.root, AS_OF)
    assert loads == []  # written within the clock's resolution of the cache, but the same content
    st = p.stat()
    p.write_text(p.read_text(encoding="utf-8").replace("jincun", "nosuch"), encoding="utf-8")
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same time, same inode: only the content differs
    assert p.stat().st_size == st.st_size
    found = run_check(records.root, AS_OF)
    assert loads == ["JC1.yaml"]
    assert ("unknown-unit", 7) in codes(found)


def test_parallel_read_gives_the_same_findings_in_the_same_order(records, monkeypatch):
    import hotline.load as checker

    for i in range(12):
        body = good(f"JC{i}")
        if i % 3 == 0:
            body = body.replace("jincun", "nosuch")
        if i % 4 == 0:
            body = body.replace("received_at", "recieved_at")
        records.order(f"JC{i}", body)
    serial = run_check(records.root, AS_OF, use_cache=False, jobs=1)
    monkeypatch.setattr(checker, "PARALLEL_MIN", 2)
    parallel = run_check(records.root, AS_OF, use_cache=False, jobs=2)
    # JC0, JC4, JC8: unknown-field + missing-field; JC3, JC6, JC9: unknown-unit (JC0 could not be read)
    assert parallel == serial and len(serial) == 3 * 2 + 3


def test_anchor_or_alias_anywhere_is_refused_but_masked_values_are_not(records):
    records.order(
        "JC1", good("JC1").replace("content: 咨询供暖开始时间。", "content: &c 咨询供暖开始时间。\n    address: *c")
    )
    records.order(
        "JC2",
        good("JC2").replace(
            "content: 咨询供暖开始时间。", "content: 咨询。\n    citizen: {name: 张**, phone: 138****1234}"
        ),
    )
    assert codes(run_check(records.root, AS_OF)) == [("yaml-alias", 5)]


def test_next_years_calendar_is_asked_for_once_per_run_from_1_december(records, package_through_2026, monkeypatch):
    for i in range(1, 4):
        records.order(f"JC{i}", good(f"JC{i}"))

    def next_year(as_of: str):
        return [
            f for f in run_check(records.root, parse_time(as_of), use_cache=False) if f.code == "calendar-next-year"
        ]

    assert next_year("2026-11-30 23:59") == []
    found = next_year("2026-12-01 00:00")
    assert len(found) == 1  # once for the run, not once per order
    f = found[0]
    assert (f.path, f.line, f.severity) == ("scoring/holidays/2027.yaml", 0, "warning")
    assert "明年（2027 年）的节假日安排还没有" in f.message
    assert "hotline holidays import 通知.txt --year 2027" in f.message
    records.write("scoring/holidays/2027.yaml", "source: 测试\nholidays: [2027-01-01]\n")
    assert next_year("2026-12-01 00:00") == []  # the office imported it
    (records.root / "scoring/holidays/2027.yaml").unlink()
    from calendar_release import PackageWith2027

    from hotline import workdays

    monkeypatch.setattr(workdays, "PACKAGE", PackageWith2027())
    assert next_year("2026-12-01 00:00") == []  # or a release of the package knows it
