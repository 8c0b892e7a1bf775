"""Attacks 4, 5, 7, 8, 9, 11, 12, 14 and 15 on the records and the staff commands, as a hostile unit
(or a careless import) would make them; each shows the attack fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

from click.testing import CliRunner
from gitrepo import commit_all
from test_history import ACCEPT, DISPATCH, OFFICE, ORDER, WANGLI, Repo
from test_history import HEADER as _HEADER

from hotline.cli import main
from hotline.git import identity
from hotline.load import run_check
from hotline.records import privacy as pii
from hotline.times import parse_time

HEADER = textwrap.dedent(_HEADER)

AS_OF = parse_time("2026-11-30 12:00")
WRITINGS = [
    "+8613812345678",
    "0086 138 1234 5678",
    "１３８１２３４５６７８",
    "138.1234.5678",
    "0356-2123456",
    "140525 19900101 1234",
    "ID14052519900101123X",
]


def codes(findings, path=None):
    return [f.code for f in findings if path is None or f.path == path]


# --- 4: identity in every writing -----------------------------------------------------------------


def test_every_writing_of_an_identity_is_an_error_and_never_quoted(records):
    for i, number in enumerate(WRITINGS):
        oid = f"JC20261120{i:05d}"
        records.write(
            f"orders/2026/11/{oid}.yaml",
            HEADER.replace("JC2026112000123", oid).replace("温度低于18摄氏度", f"温度低，回电 {number}")
            + DISPATCH.replace("by: 县热线办}", f"by: 县热线办, note: 另留 {number}}}"),
        )
    found = run_check(records.root, AS_OF, extra=False)
    for i, number in enumerate(WRITINGS):
        mine = [f for f in found if f.path.endswith(f"JC20261120{i:05d}.yaml")]
        assert len([f for f in mine if f.code.startswith("pii-")]) == 2, (number, mine)
    for f in found:
        assert not list(pii.find(f.message)), f


def test_citizen_name_must_be_masked(records):
    records.write(ORDER, HEADER.replace("张**", "张三") + DISPATCH)
    found = run_check(records.root, AS_OF, extra=False)
    assert codes(found) == ["pii-name"] and "张三" not in found[0].message


def test_reminder_issues_commit_messages_and_log_are_masked(records, tmp_path, clerk):
    from fake_githost import FakeHost
    from test_overdue import ORDER_B, run_sync, setup_records

    setup_records(records, ORDER_B.replace("咨询新生儿医保办理流程", "咨询医保，回电 +86 138 1234 5678"))
    fake = FakeHost(flavour="github").start()
    try:
        run_sync(fake, records, "2026-11-27 10:00")
        (issue,) = fake.our_issues()
    finally:
        fake.stop()
    assert "1234 5678" not in issue["title"] + issue["body"] and "138****5678" in issue["title"] + issue["body"]
    repo = Repo(records)
    records.write("orders/x.txt", "x")
    sha = identity.commit(records.root, ["orders/x.txt"], "更正：诉求人电话 13812345678")
    assert "13812345678" not in repo.git("log", "-1", "--format=%B", sha)


# --- 5: `by` is a staff name; a corrected value is never quoted -----------------------------------


def test_order_add_refuses_a_number_as_by(records):
    records.write(ORDER, HEADER + DISPATCH)
    path = records.root / ORDER
    before = path.read_bytes()
    for by in ("13812345678", "１３８１２３４５６７８", "wangli@x.cn"):
        res = CliRunner().invoke(
            main,
            [
                "order",
                "add",
                "--root",
                str(records.root),
                "JC2026112000123",
                "接收",
                "unit=jincun",
                f"by={by}",
                "--at",
                "2026-11-20 11:30",
                "--as-of",
                "2026-11-30 12:00",
            ],
        )
        assert res.exit_code == 1 and "未写入" in res.output and "经办人员的姓名" in res.output
        assert "13812345678" not in res.output
    assert path.read_bytes() == before


def test_a_corrected_identity_is_not_quoted_by_check_or_log(records):
    repo = Repo(records)
    leak = ACCEPT.replace("office: 社会事务办}", "office: 社会事务办, note: 诉求人电话 13812345678}")
    repo.commit("accept", "2026-11-20 11:35", WANGLI, {ORDER: repo.order(DISPATCH, leak)})
    repo.commit("fix", "2026-11-20 12:00", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})
    found = run_check(records.root, AS_OF)
    assert "history-rewritten" in codes(found)
    assert all("13812345678" not in f.message for f in found)
    res = CliRunner().invoke(main, ["log", "--root", str(records.root), "JC2026112000123"])
    assert "改写" in res.output and "13812345678" not in res.output and "138****5678" in res.output


# --- 7: no lost update -----------------------------------------------------------------------------


def test_three_concurrent_order_adds_lose_no_event(records, cache_dir):
    records.write(ORDER, HEADER + DISPATCH + ACCEPT)
    env = {**os.environ, "HOTLINE_CACHE_DIR": str(cache_dir)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hotline",
                "order",
                "add",
                "--root",
                str(records.root),
                "JC2026112000123",
                "联系",
                "unit=jincun",
                "by=王丽",
                f"note=第{i}次联系",
                "--at",
                "2026-11-20 14:10",
                "--as-of",
                "2026-11-30 12:00",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(3)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    added = sum("已追加" in out for out, _ in outs)
    text = (records.root / ORDER).read_text(encoding="utf-8")
    assert added == 3, outs
    assert sum(f"note: 第{i}次联系" in text for i in range(3)) == 3
    assert run_check(records.root, AS_OF, extra=False) == []


# --- 8: a backdated commit on a branch does not set the recorded time -------------------------------


def _merge(repo, branch, when):
    stamp = f"{when.replace(' ', 'T')}:00+08:00"
    env = {
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
        "GIT_AUTHOR_NAME": OFFICE[0],
        "GIT_AUTHOR_EMAIL": OFFICE[1],
        "GIT_COMMITTER_NAME": OFFICE[0],
        "GIT_COMMITTER_EMAIL": OFFICE[1],
    }
    repo.git("checkout", "--quiet", "main")
    repo.git("merge", "--quiet", "--no-ff", "-m", f"merge {branch}", branch, env=env)


def test_backdated_branch_commit_is_still_a_late_record(records):
    repo = Repo(records)
    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    repo.git("checkout", "--quiet", "-b", "forged")
    repo.commit(
        "accept (dated back)", "2026-11-20 11:35", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)}
    )  # forged dates
    _merge(repo, "forged", "2026-11-27 09:00")  # but main took it a week later
    found = run_check(records.root, AS_OF)
    assert codes(found) == ["late-record"] and "2026-11-27 09:00" in found[0].message


def test_honest_branch_merged_in_time_is_not_flagged(records):
    repo = Repo(records)
    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    repo.git("checkout", "--quiet", "-b", "honest")
    repo.commit("accept", "2026-11-20 11:35", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})
    _merge(repo, "honest", "2026-11-20 15:00")
    assert run_check(records.root, AS_OF) == []


# --- 9: CODEOWNERS injection ------------------------------------------------------------------------


def test_maintainers_must_be_host_account_names(records):
    unit = records.root / "units" / "jincun.yaml"
    unit.write_text(
        unit.read_text(encoding="utf-8").replace("maintainers: []", 'maintainers: ["x\\n* @wangli"]'), encoding="utf-8"
    )
    found = run_check(records.root, AS_OF, extra=False)
    assert [(f.path, f.code) for f in found] == [("units/jincun.yaml", "invalid-value")]
    assert "账号名" in found[0].message and "\n" not in found[0].message
    res = CliRunner().invoke(main, ["codeowners", "--root", str(records.root)])
    for name in (".github/CODEOWNERS", ".gitea/CODEOWNERS"):
        path = records.root / name
        if path.exists():
            assert "* @wangli" not in path.read_text(encoding="utf-8"), res.output


# --- 11: crashes become findings -----------------------------------------------------------------------


def test_deeply_nested_tags_and_a_dangling_symlink_are_findings(records):
    repo = Repo(records)
    nested = "[" * 600 + "]" * 600
    repo.commit(
        "nested",
        "2026-11-20 10:10",
        OFFICE,
        {ORDER: repo.order(DISPATCH).replace("events:\n", f"tags: {nested}\nevents:\n")},
    )
    (records.root / "orders" / "2026" / "11" / "JC2026112000999.yaml").symlink_to("/no/such/file.yaml")
    res = CliRunner().invoke(
        main, ["check", "--root", str(records.root), "--format", "json", "--as-of", "2026-11-30 12:00"]
    )
    assert (res.exit_code == 1 and res.exception is None) or isinstance(res.exception, SystemExit), res.output
    rows = json.loads(res.output)["findings"]
    assert {(r["path"], r["code"]) for r in rows} >= {
        (ORDER, "yaml-syntax"),
        ("orders/2026/11/JC2026112000999.yaml", "symlink"),
    }


# --- 12: memory ------------------------------------------------------------------------------------------

# peak memory of this process (VmHWM; ru_maxrss would carry the forking test process's peak across exec)
_HWM = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) // 1024"
_PEAK = f"""
import sys
from hotline.history import reader
h = reader.read(sys.argv[1], use_cache=False)
print(len(h.store.oversized), {_HWM})
"""


def test_a_huge_blob_in_history_is_not_read(records):
    repo = Repo(records)
    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    blob = repo.order(DISPATCH) + "# " + "x" * (96 << 20) + "\n"
    repo.commit("huge", "2026-11-20 10:20", WANGLI, {ORDER: blob})
    repo.commit("back", "2026-11-20 10:30", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, str(records.root)], capture_output=True, text=True, check=True
    ).stdout
    oversized, peak_mb = map(int, out.split())
    assert oversized == 1 and peak_mb < 96, peak_mb
    assert "file-too-large" in codes(run_check(records.root, AS_OF))


def _sparse_xlsx(path: Path) -> None:
    """A tiny workbook whose only data row sits at row 10,000,000."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>工单编号</t></is></c></row>'
        '<row r="10000000"><c r="A10000000" t="inlineStr"><is><t>JC1</t></is></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet)


_IMPORT = f"""
import sys
from click.testing import CliRunner
from hotline.cli import main
res = CliRunner().invoke(main, ["import", "--root", sys.argv[1], sys.argv[2], "--as-of", "2026-11-30 12:00"])
print(res.exit_code, {_HWM})
print(res.output)
"""


def test_a_sparse_sheet_is_streamed_with_a_row_limit(records, tmp_path):
    book = tmp_path / "export.xlsx"
    _sparse_xlsx(book)
    assert book.stat().st_size < 4096
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT, str(records.root), str(book)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    head, _, text = out.partition("\n")
    code, peak_mb = map(int, head.split())
    assert code == 1 and "超过 100000 行" in text and peak_mb < 300, out


# --- 14: site build --out -----------------------------------------------------------------------------


def test_site_build_refuses_to_empty_the_records_or_a_foreign_folder(records, tmp_path):
    records.write(ORDER, HEADER + DISPATCH)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.docx").write_bytes(b"keep me")
    for out in (records.root / "orders", records.root, records.root / "units" / "x", foreign, tmp_path):
        res = CliRunner().invoke(
            main, ["site", "build", "--root", str(records.root), "--out", str(out), "--as-of", "2026-11-30 12:00"]
        )
        assert res.exit_code != 0 and "不能输出到" in res.output, (out, res.output)
    assert (records.root / ORDER).exists() and (foreign / "thesis.docx").read_bytes() == b"keep me"
    from hotline.site.build import SITE_MARKER, check_out

    (foreign / "thesis.docx").unlink()
    (foreign / SITE_MARKER).write_text("x")
    (foreign / "index.html").write_text("old site")
    check_out(records.root.resolve(), foreign.resolve())  # a site built earlier may be rebuilt


# --- 15: ids are not globs or paths; a file name is not YAML --------------------------------------------


def test_ids_are_never_globs_or_paths(records):
    records.write(ORDER, HEADER + DISPATCH)
    before = (records.root / ORDER).read_bytes()
    for oid in ("JC20261120*", "JC2026112000?23", "../../../etc/passwd", "JC2026112000123/../JC2026112000123"):
        res = CliRunner().invoke(
            main,
            [
                "order",
                "add",
                "--root",
                str(records.root),
                oid,
                "接收",
                "unit=jincun",
                "by=王丽",
                "--at",
                "2026-11-20 11:30",
                "--as-of",
                "2026-11-30 12:00",
            ],
        )
        assert res.exit_code != 0 and "工单编号只能由字母、数字和 - 组成" in res.output, (oid, res.output)
        res = CliRunner().invoke(main, ["log", "--root", str(records.root), oid])
        assert res.exit_code != 0 and "root:" not in res.output
    assert (records.root / ORDER).read_bytes() == before


def test_an_imported_file_name_cannot_write_yaml(records, tmp_path, clerk):
    commit_all(records.root, "records")
    name = "export\nevil: 1\n#.csv"
    csv = tmp_path / name
    csv.write_text(
        "工单编号,诉求类别,受理时间,诉求内容\nJC2026112000777,咨询,2026-11-20 09:00,咨询医保缴费时间\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(
        main, ["import", "--root", str(records.root), str(csv), "--as-of", "2026-11-30 12:00", "--commit"]
    )
    assert res.exit_code == 0, res.output
    text = next(records.root.glob("orders/*/*/JC2026112000777.yaml")).read_text(encoding="utf-8")
    assert "\nevil:" not in text and run_check(records.root, AS_OF, extra=False) == []


def test_recorded_times_read_incrementally_equal_a_full_read(records):
    from hotline.history import reader

    repo = Repo(records)
    repo.commit("new", "2026-11-20 10:10", OFFICE, {ORDER: repo.order(DISPATCH)})
    repo.git("checkout", "--quiet", "-b", "forged")
    repo.commit("accept (dated back)", "2026-11-20 11:35", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})
    repo.git("checkout", "--quiet", "main")
    assert reader.read(records.root).cold  # the cache now holds main before the merge
    _merge(repo, "forged", "2026-11-27 09:00")
    inc = reader.read(records.root)
    full = reader.read(records.root, use_cache=False)
    assert not inc.cold and list(inc.store.landed) == list(full.store.landed)
    # the parents the walk read from git log are those git rev-list --parents lists
    assert list(reader.landed_times(records.root, full.store, full.head)) == list(full.store.landed)
    accept = next(o for _, o, _ in inc.items(ORDER) if o.type == "接收")
    assert f"{inc.commits[accept.commit].committed_at:%m-%d %H:%M}" == "11-27 09:00"
