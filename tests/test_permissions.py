"""Unit permissions on pull requests (``check --changed-by --base``) and CODEOWNERS, in real Git repos."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from click.testing import CliRunner

from hotline.cli import main
from hotline.host.permissions import permission_findings
from hotline.load import load_context, run_check
from hotline.records.codeowners import codeowners_findings, render_gitea, render_github

UNITS = {
    "rexian": """
        id: rexian
        name: 县政府办公室政务服务热线管理机构
        short_name: 县热线办
        type: 热线管理机构
        maintainers: [FuYongjia]
    """,
    "jincun": """
        id: jincun
        name: 金村镇
        type: 乡镇
        maintainers: [wangli]
    """,
    "zhujian": """
        id: zhujian
        name: 县住房和城乡建设局
        type: 县直单位
        maintainers: ['@zhaoqiang']
    """,
}

ORDER = """
    id: JC2026112000123
    title: 金村镇某小区供暖温度不达标
    category: 投诉
    received_at: 2026-11-20 09:40
    content: 诉求人反映小区室内温度长期低于18摄氏度。
    events:
      - {at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}
      - {at: 2026-11-20 10:05, type: 派单, unit: zhujian, role: 会办, by: 县热线办}
"""
ORDER_PATH = "orders/2026/11/JC2026112000123.yaml"

OTHER = """
    id: JC2026112100001
    title: 北石店镇路灯不亮
    category: 求助
    received_at: 2026-11-21 09:00
    content: 诉求人反映路灯不亮。
    events:
      - {at: 2026-11-21 09:10, type: 派单, unit: beishidian, role: 主办, by: 县热线办}
"""


class Repo:
    def __init__(self, records):
        self.records = records
        self.root = records.root
        self.n = 0
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        self.n += 1
        env = {
            "GIT_AUTHOR_NAME": "县热线办",
            "GIT_AUTHOR_EMAIL": "office@example.cn",
            "GIT_COMMITTER_NAME": "县热线办",
            "GIT_COMMITTER_EMAIL": "office@example.cn",
            "GIT_AUTHOR_DATE": f"2026-11-20T10:{self.n:02d}:00+08:00",
            "GIT_COMMITTER_DATE": f"2026-11-20T10:{self.n:02d}:00+08:00",
            "PATH": "/usr/bin:/bin",
            "HOME": str(self.root),
        }
        return subprocess.run(
            ["git", "-C", str(self.root), *args], check=True, capture_output=True, text=True, env=env
        ).stdout

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def append(self, rel: str, text: str) -> None:
        p = self.root / rel
        p.write_text(p.read_text(encoding="utf-8") + text, encoding="utf-8")

    def replace(self, rel: str, old: str, new: str) -> None:
        p = self.root / rel
        text = p.read_text(encoding="utf-8")
        assert old in text
        p.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(records):
    for uid, text in UNITS.items():
        records.write(f"units/{uid}.yaml", text)
    records.order("JC2026112000123", ORDER)
    records.order("JC2026112100001", OTHER)
    r = Repo(records)
    r.commit("records")
    r.git("switch", "-q", "-c", "change")
    return r


def denied(repo, account):
    return [(f.path, f.line, f.message) for f in permission_findings(repo.root, account, "main")]


def test_unit_adds_its_own_events_and_passes(repo):
    repo.append(
        ORDER_PATH,
        "  - {at: 2026-11-20 11:30, type: 接收, unit: jincun, by: 王丽}\n"
        "  - {at: 2026-11-20 14:10, type: 联系, unit: jincun, by: 王丽}\n",
    )
    repo.commit("JC2026112000123: 接收 jincun")
    assert denied(repo, "wangli") == []
    assert denied(repo, "WangLi") == []  # logins compare case-insensitively
    assert denied(repo, "zhaoqiang") != []


def test_co_handling_unit_cannot_record_for_the_lead_unit(repo):
    repo.append(ORDER_PATH, "  - {at: 2026-11-20 11:30, type: 答复, unit: jincun, by: 赵强, text: 已处理}\n")
    repo.commit("zhujian replies for jincun")
    (f,) = denied(repo, "zhaoqiang")
    assert f[0] == ORDER_PATH and f[1] == 9
    assert "不能登记金村镇的答复事件：只能登记本单位（县住房和城乡建设局）的事件" in f[2]


def test_unit_cannot_record_office_decisions_or_edit_order_fields(repo):
    repo.append(
        ORDER_PATH,
        "  - {at: 2026-11-20 11:30, type: 延期申请, unit: jincun, by: 王丽, days: 3, reason: 需协调, basis: 供热条例}\n"
        "  - {at: 2026-11-20 12:00, type: 延期审核, unit: jincun, by: 王丽, approved: true}\n",
    )
    repo.replace(ORDER_PATH, "category: 投诉", "category: 咨询")
    repo.commit("approve own extension")
    msgs = denied(repo, "wangli")
    assert [(line, m.split("：")[0]) for _, line, m in msgs] == [
        (3, "账号 wangli 不能修改工单的 category"),
        (10, "账号 wangli 不能登记延期审核事件"),
    ]


def test_unit_cannot_rewrite_or_delete_events(repo):
    repo.replace(ORDER_PATH, "role: 会办", "role: 主办")
    repo.commit("rewrite")
    rewritten, removed = denied(repo, "wangli")
    assert "不能登记县住房和城乡建设局的派单事件" in rewritten[2]
    assert "删除或改写了 1 条已有事件：事件只能追加" in removed[2]


def test_unit_cannot_touch_another_units_order_or_create_orders(repo, records):
    repo.append(
        "orders/2026/11/JC2026112100001.yaml", "  - {at: 2026-11-21 10:00, type: 接收, unit: beishidian, by: 王丽}\n"
    )
    records.order(
        "JC2026112200009", OTHER.replace("JC2026112100001", "JC2026112200009").replace("2026-11-21", "2026-11-22")
    )
    repo.commit("not mine")
    msgs = denied(repo, "wangli")
    assert [(p, m.split("：")[0]) for p, _, m in msgs] == [
        ("orders/2026/11/JC2026112100001.yaml", "账号 wangli 不能修改工单 JC2026112100001"),
        ("orders/2026/11/JC2026112200009.yaml", "账号 wangli 不能新建工单"),
    ]


def test_unit_files_own_only_and_no_self_promotion(repo):
    repo.replace("units/jincun.yaml", "maintainers: [wangli]", "maintainers: [wangli, liuyang]")
    repo.commit("add a colleague")
    assert denied(repo, "wangli") == []

    repo.replace("units/jincun.yaml", "type: 乡镇", "type: 热线管理机构")
    repo.replace("units/zhujian.yaml", "maintainers: ['@zhaoqiang']", "maintainers: ['@zhaoqiang', wangli]")
    repo.commit("grab rights")
    msgs = denied(repo, "wangli")
    assert [(p, m.split("：")[0]) for p, _, m in msgs] == [
        ("units/jincun.yaml", "账号 wangli 不能修改单位的 type（乡镇 → 热线管理机构）"),
        (
            "units/zhujian.yaml",
            "账号 wangli 不是县住房和城乡建设局的维护人，不能修改该单位文件（单位只能修改本单位的文件）",
        ),
    ]
    # rights come from the base: the new maintainer of zhujian is still refused there on the next change
    assert any("不能修改该单位文件" in m for _, _, m in denied(repo, "wangli"))


def test_rules_workflows_and_knowledge_base(repo, records):
    records.write("site_src/knowledge/jincun/供暖.md", "---\ntitle: 供暖\n---\n")
    records.write("site_src/knowledge/zhujian/物业.md", "---\ntitle: 物业\n---\n")
    repo.replace("scoring/rules.yaml", "due_soon_days: 1", "due_soon_days: 0")
    records.write(".github/workflows/check.yml", "name: x\n")
    repo.commit("mixed")
    msgs = denied(repo, "wangli")
    assert [p for p, _, _ in msgs] == [
        ".github/workflows/check.yml",
        "scoring/rules.yaml",
        "site_src/knowledge/zhujian/物业.md",
    ]


def test_a_units_own_knowledge_folder_publishes_markdown_and_pictures_only(repo, records):
    """The unit may change its folder, but a page, a drawing or a script there fails its pull request."""
    records.write("site_src/knowledge/jincun/evil.html", "<script>alert(1)</script>")
    records.write("site_src/knowledge/jincun/photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    repo.commit("knowledge")
    assert denied(repo, "wangli") == []
    args = ["check", "--root", str(repo.root), "--as-of", "2026-11-25 09:00", "--no-cache", "--no-history"]
    res = CliRunner().invoke(main, [*args, "--base", "main", "--changed-by", "wangli", "--format", "json"])
    assert res.exit_code == 1, res.output
    found = json.loads(res.output)["findings"]
    assert [(f["code"], f["path"]) for f in found] == [("knowledge-file", "site_src/knowledge/jincun/evil.html")]


def test_a_unit_cannot_bring_its_own_site_configuration(repo, records):
    """A records folder's own ``mkdocs.yml`` (with ``site_src/overrides``) replaces the packaged one in the site build
    (``site.build.config_path``), and MkDocs' YAML loader honours ``!!python/object/apply``: such a file runs code
    in the publishing job. Only the office may add or change either; a unit's pull request is refused (issue 20)."""
    records.write("mkdocs.yml", "site_name: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    records.write("site_src/overrides/main.html", "{% extends 'base.html' %}<script>alert(1)</script>\n")
    records.write("site_src/knowledge/jincun/供暖.md", "---\ntitle: 供暖\n---\n")  # its own entries still pass
    repo.commit("a site of my own")
    msgs = denied(repo, "wangli")
    assert [(p, m.split("：")[0]) for p, _, m in msgs] == [
        ("mkdocs.yml", "账号 wangli 不能修改 mkdocs.yml"),
        ("site_src/overrides/main.html", "账号 wangli 不能修改 site_src/overrides/main.html"),
    ]
    assert denied(repo, "fuyongjia") == []


def test_office_maintainer_may_change_everything(repo, records):
    repo.replace(ORDER_PATH, "category: 投诉", "category: 举报")
    repo.replace("units/jincun.yaml", "type: 乡镇", "type: 县直单位")
    records.write(".github/workflows/check.yml", "name: x\n")
    repo.git("rm", "-q", "orders/2026/11/JC2026112100001.yaml")
    repo.commit("office edits")
    assert denied(repo, "@fuyongjia") == []
    assert len(denied(repo, "stranger")) == 4


def test_cli_check_with_changed_by_fails_and_passes(repo):
    repo.append(ORDER_PATH, "  - {at: 2026-11-20 11:30, type: 接收, unit: zhujian, by: 赵强}\n")
    repo.commit("zhujian accepts")
    runner = CliRunner()
    args = [
        "check",
        "--root",
        str(repo.root),
        "--as-of",
        "2026-11-25 09:00",
        "--no-cache",
        "--no-history",
        "--base",
        "main",
    ]
    ok = runner.invoke(main, args + ["--changed-by", "zhaoqiang"])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(main, args + ["--changed-by", "wangli", "--format", "json"])
    assert bad.exit_code == 1
    found = json.loads(bad.output)["findings"]
    assert [(f["code"], f["path"], f["line"]) for f in found] == [("permission-denied", ORDER_PATH, 9)]
    gh = runner.invoke(main, args + ["--changed-by", "wangli", "--format", "github"])
    assert gh.output.startswith(f"::error file={ORDER_PATH},line=9,title=permission-denied::")
    usage = runner.invoke(main, ["check", "--root", str(repo.root), "--changed-by", "wangli"])
    assert usage.exit_code == 2 and "需要一起使用" in usage.output
    missing = runner.invoke(main, args[:-2] + ["--base", "no-such-branch", "--changed-by", "wangli"])
    assert missing.exit_code == 1 and "找不到版本 no-such-branch" in missing.stderr


def test_records_in_a_subfolder_of_the_repository(tmp_path, records):
    import shutil

    top = tmp_path / "top"
    shutil.copytree(records.root, top / "records")
    for uid, text in UNITS.items():
        (top / "records" / "units" / f"{uid}.yaml").write_text(
            __import__("textwrap").dedent(text).lstrip(), encoding="utf-8"
        )
    (top / "records" / "orders" / "2026" / "11").mkdir(parents=True)
    (top / "records" / ORDER_PATH).write_text(__import__("textwrap").dedent(ORDER).lstrip(), encoding="utf-8")

    class R(Repo):
        def __init__(self):
            self.root = top
            self.n = 0
            self.git("init", "-q", "-b", "main")

    r = R()
    r.commit("base")
    r.git("switch", "-q", "-c", "x")
    r.append("records/" + ORDER_PATH, "  - {at: 2026-11-20 11:30, type: 接收, unit: jincun, by: 王丽}\n")
    (top / "README.md").write_text("x", encoding="utf-8")
    r.commit("x")
    found = permission_findings(top / "records", "wangli", "main")
    assert [(f.path, f.message.split("：")[0]) for f in found] == [
        ("../README.md", "账号 wangli 不能修改记录目录以外的文件 README.md")
    ]


# --- CODEOWNERS ----------------------------------------------------------------------------------------


def test_codeowners_render_for_both_hosts(records):
    for uid, text in UNITS.items():
        records.write(f"units/{uid}.yaml", text)
    units = load_context(records.root).units
    gh = render_github(units)
    assert "* @FuYongjia\n" in gh
    assert "/units/jincun.yaml @wangli @FuYongjia\n" in gh
    assert "/site_src/knowledge/zhujian/ @zhaoqiang @FuYongjia\n" in gh
    assert "/units/beishidian.yaml" not in gh  # no maintainers yet
    gt = render_gitea(units)
    assert ".* @FuYongjia\n" in gt and "units/jincun\\.yaml @wangli\n" in gt

    # Gitea anchors each pattern (^…$) and unions the owners of every matching line
    rules = [
        (re.compile(f"^{line.split()[0]}$"), line.split()[1:])
        for line in gt.splitlines()
        if line and not line.startswith("#")
    ]

    def owners(path):
        return sorted({o for rx, os_ in rules if rx.match(path) for o in os_})

    assert owners("units/jincun.yaml") == ["@FuYongjia", "@wangli"]
    assert owners("units/jincun.yamlx") == ["@FuYongjia"]
    assert owners("site_src/knowledge/jincun/供暖.md") == ["@FuYongjia", "@wangli"]
    assert owners(ORDER_PATH) == ["@FuYongjia"]


def test_codeowners_command_and_stale_finding(records):
    from hotline.times import parse_time

    for uid, text in UNITS.items():
        records.write(f"units/{uid}.yaml", text)
    now = parse_time("2026-11-21 09:00")
    assert codeowners_findings(records.root, load_context(records.root).units) == []  # neither file: not set up
    runner = CliRunner()
    r = runner.invoke(main, ["codeowners", "--root", str(records.root)])
    assert r.exit_code == 0 and "已写入：.github/CODEOWNERS" in r.output and "已写入：.gitea/CODEOWNERS" in r.output
    assert runner.invoke(main, ["codeowners", "--root", str(records.root), "--check"]).exit_code == 0
    assert [f for f in run_check(records.root, now) if f.code == "codeowners-stale"] == []

    records.write("units/jincun.yaml", UNITS["jincun"].replace("[wangli]", "[wangli, liuyang]"))
    stale = [f for f in run_check(records.root, now) if f.code == "codeowners-stale"]
    assert [f.path for f in stale] == [".gitea/CODEOWNERS", ".github/CODEOWNERS"]
    assert runner.invoke(main, ["codeowners", "--root", str(records.root), "--check"]).exit_code == 1
    runner.invoke(main, ["codeowners", "--root", str(records.root)])
    (records.root / ".gitea/CODEOWNERS").unlink()
    (f,) = [f for f in run_check(records.root, now) if f.code == "codeowners-stale"]
    assert f.path == ".gitea/CODEOWNERS" and "缺少" in f.message
