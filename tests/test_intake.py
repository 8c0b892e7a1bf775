"""Issue forms → events: the forms, the body parser, the checks, and the pull request on a loopback host."""

from __future__ import annotations

import json
import subprocess
import textwrap
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from fake_githost import TOKEN, FakeHost

from hotline.cli import main
from hotline.host.client import open_host
from hotline.host.intake_form import (
    FORM_TYPES,
    FormError,
    build_request,
    order_add_argv,
    parse_body,
)
from hotline.host.intake_run import APPEND_FAILED, IntakeError, process_issue
from hotline.load import load_context

pytestmark = pytest.mark.usefixtures("in_ci")  # the intake runs in its workflow, committing as the records' bot

FORMS = Path(__file__).resolve().parents[1] / ".github" / "ISSUE_TEMPLATE"

UNITS = {
    "rexian": "id: rexian\nname: 县政府办公室政务服务热线管理机构\nshort_name: 县热线办\ntype: 热线管理机构\nmaintainers: [fuyongjia]\n",
    "jincun": "id: jincun\nname: 金村镇\ntype: 乡镇\nmaintainers: [wangli]\n",
    "zhujian": "id: zhujian\nname: 县住房和城乡建设局\nshort_name: 县住建局\ntype: 县直单位\nmaintainers: [zhaoqiang]\n",
}
ORDER = """
    id: JC2026112000123
    title: 金村镇某小区供暖温度不达标
    category: 投诉
    received_at: 2026-11-20 09:40
    content: 诉求人反映小区室内温度长期低于18摄氏度。
    events:
      - {at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}
"""
NOW = datetime(2026, 11, 21, 9, 0)


def form(filename: str) -> dict:
    return yaml.safe_load((FORMS / filename).read_text(encoding="utf-8"))


def form_files() -> list[str]:
    return sorted(p.name for p in FORMS.glob("*.yml") if p.name != "config.yml")


def render(spec: dict, values: dict[str, str], style: str = "github") -> str:
    """What a host writes into the issue body for a submission (GitHub, Gitea ≥1.20, or an old Gitea)."""
    out = []
    for field in spec["body"]:
        if field["type"] == "markdown":
            continue
        label = field["attributes"]["label"]
        value = values.get(field["id"], "")
        if field["type"] == "checkboxes":
            mark = "x" if value else " "
            text = "\n".join(f"- [{mark}] {o['label']}" for o in field["attributes"]["options"])
        elif field["type"] == "dropdown" and style == "gitea-old":
            text = "\n".join(f"- [{'x' if o == value else ' '}] {o}" for o in field["attributes"]["options"])
        elif field["type"] == "textarea" and style == "gitea-old":
            text = f"```\n{value}```"
        else:
            text = value or "_No response_"
        sep = "\n" if style == "gitea-old" else "\n\n"
        out.append(f"### {label}{sep}{text}\n\n")
    return "".join(out)


SAMPLES = {
    "接收": {
        "order_id": "JC2026112000123",
        "unit": "金村镇",
        "at": "2026-11-20 11:30",
        "by": "王丽",
        "office": "社会事务办",
    },
    "联系": {
        "order_id": "JC2026112000123",
        "unit": "jincun",
        "at": "2026-11-20 14:10",
        "by": "王丽",
        "note": "已电话联系诉求人",
    },
    "答复": {
        "order_id": "JC2026112000123",
        "unit": "jincun",
        "at": "2026-11-20 16:00",
        "by": "王丽",
        "text": "已协调供热公司排查管网。\n室温恢复至20℃。",
    },
    "退回申请": {
        "order_id": "JC2026112000123",
        "unit": "jincun",
        "at": "2026-11-20 15:00",
        "by": "王丽",
        "reason": "供热不属本镇职责",
        "basis": "职责清单第3条",
    },
    "延期申请": {
        "order_id": "JC2026112000123",
        "unit": "jincun",
        "at": "2026-11-20 15:00",
        "by": "王丽",
        "days": "3",
        "reason": "需协调供热公司",
        "basis": "供热条例",
    },
}


def submission(kind: str, style: str = "github", **changes) -> str:
    (name,) = [f for f in form_files() if form(f)["body"][1]["attributes"]["options"] == [kind]]
    values = {"kind": kind, "confirm": "yes", **SAMPLES[kind], **changes}
    return render(form(name), values, style)


@pytest.fixture
def ctx(records):
    for uid, text in UNITS.items():
        records.write(f"units/{uid}.yaml", text)
    records.order("JC2026112000123", ORDER)
    return load_context(records.root)


# --- the forms ---------------------------------------------------------------------------------------


def test_one_chinese_form_per_event_type_every_field_with_an_id():
    kinds = []
    for name in form_files():
        spec = form(name)
        kind_field = spec["body"][1]
        assert kind_field["id"] == "kind" and kind_field["attributes"]["label"] == "登记类型"
        assert kind_field["attributes"]["default"] == 0 and len(kind_field["attributes"]["options"]) == 1
        kinds += kind_field["attributes"]["options"]
        for field in spec["body"]:
            if field["type"] != "markdown":  # the GitHub schema forbids an id on markdown; it is not submitted
                assert field.get("id"), (name, field)
                assert any("\u4e00" <= ch <= "\u9fff" for ch in field["attributes"]["label"])
        assert spec["labels"] == ["工单登记"]
    assert sorted(kinds) == sorted(FORM_TYPES)


@pytest.mark.parametrize("style", ["github", "gitea", "gitea-old"])
@pytest.mark.parametrize("kind", FORM_TYPES)
def test_every_form_parses_back_to_its_values(kind, style):
    fields = parse_body(submission(kind, style))
    assert fields["type"] == kind and fields["confirm"] == "yes"
    for key, value in SAMPLES[kind].items():
        assert fields[key] == value
    empty = parse_body(submission("接收", style, office=""))
    assert empty["office"] == ""


@pytest.mark.parametrize("kind", FORM_TYPES)
def test_every_form_builds_a_valid_event(kind, ctx):
    before = "  - {at: 2026-11-20 11:30, type: 接收, unit: jincun, by: 王丽}\n" if kind != "接收" else ""
    path = next(ctx.root.glob("orders/**/*.yaml"))
    path.write_text(path.read_text(encoding="utf-8") + before, encoding="utf-8")
    if kind == "答复":
        path.write_text(
            path.read_text(encoding="utf-8") + "  - {at: 2026-11-20 14:10, type: 联系, unit: jincun, by: 王丽}\n",
            encoding="utf-8",
        )
    out = build_request(submission(kind), "WangLi", ctx, NOW)
    assert out.errors == []
    assert out.request.event["type"] == kind and out.request.event["unit"] == "jincun"
    assert out.request.order_path == "orders/2026/11/JC2026112000123.yaml"


# --- refusals, in Chinese ---------------------------------------------------------------------------


def errors_of(body, ctx, author="wangli", now=NOW):
    return build_request(body, author, ctx, now).errors


def test_refusals_name_what_is_wrong(ctx):
    assert errors_of(submission("接收", confirm=""), ctx) == ["请勾选“确认”：内容不含诉求人的完整手机号码和身份证号码"]
    assert errors_of(submission("接收", unit="金树"), ctx)[0].startswith("所填的承办单位不存在")
    assert errors_of(submission("接收", order_id="JC0000"), ctx) == [
        "找不到所填的工单编号：请核对（orders/ 下没有这个编号的工单）"
    ]
    assert errors_of(submission("接收", order_id="../../etc/passwd"), ctx)[0].startswith("找不到所填的工单编号")
    assert errors_of(submission("接收", at="11月20日"), ctx) == [
        "“时间”的内容无效：应写成 YYYY-MM-DD HH:MM（北京时间），如 2026-11-20 14:30"
    ]
    assert errors_of(submission("接收", at="2026-11-22 10:00"), ctx) == [
        "所填时间晚于当前时间 2026-11-21 09:00：请核对日期"
    ]
    assert errors_of(submission("延期申请", days="三天"), ctx) == ["延期天数应为整数（工作日数，如 5）"]
    assert errors_of(submission("答复", text=""), ctx) == ["缺少“答复内容”"]
    assert errors_of(submission("接收", unit="zhujian"), ctx, author="zhaoqiang") == [
        "接收事件的单位 zhujian 没有被派单：请先记录对该单位的派单"
    ]


def test_refused_for_another_unit_or_office_only_event(ctx):
    (e,) = errors_of(submission("接收"), ctx, author="zhaoqiang")
    assert e.startswith("提交本议题的账号不是金村镇的维护人，不能为该单位登记")
    assert errors_of(submission("接收"), ctx, author="fuyongjia") == []  # the office may record for anyone


def test_lifecycle_rules_apply_before_anything_is_written(ctx):
    late = errors_of(submission("退回申请", at="2026-11-21 08:00"), ctx, now=datetime(2026, 11, 26, 9, 0))
    assert late == []  # within 2 working days of Fri 11-20: Mon 11-23, Tue 11-24
    (e,) = errors_of(submission("退回申请", at="2026-11-25 08:00"), ctx, now=datetime(2026, 11, 26, 9, 0))
    assert e.startswith("退回申请应在派单后 2 个工作日内（2026-11-24 前）提出")
    (e,) = errors_of(submission("延期申请", days="11"), ctx)
    assert "超过本类事项时限 10 个工作日" in e


def test_unmasked_numbers_are_refused(ctx):
    (e,) = errors_of(submission("答复", text="已电话13812345678联系"), ctx)
    assert "“答复内容”中有未脱敏的手机号码：只能写脱敏形式（如 138****1234）" in e


def test_untrusted_body_stays_data(ctx):
    evil = "$(touch /tmp/pwned) `id` ; rm -rf / && echo '${{ secrets.X }}'"
    path = next(ctx.root.glob("orders/**/*.yaml"))
    path.write_text(
        path.read_text(encoding="utf-8") + "  - {at: 2026-11-20 14:10, type: 联系, unit: jincun, by: 王丽}\n",
        encoding="utf-8",
    )
    out = build_request(submission("答复", text=evil), "wangli", load_context(ctx.root), NOW)
    assert out.errors == []
    argv = order_add_argv(out.request)
    assert f"text={evil}" in argv and argv[:4] == ["order", "add", "JC2026112000123", "答复"] and argv[-1] == "--commit"
    assert not Path("/tmp/pwned").exists()

    injected = submission("答复", text="正文\n### 承办单位\n\nzhujian")
    with pytest.raises(FormError, match="出现了两次"):
        parse_body(injected)
    assert errors_of(injected, ctx)[0].startswith("表单中出现了两次“### 承办单位”")
    with pytest.raises(FormError, match="过长"):
        parse_body("### 登记类型\n\n接收\n" + "x" * 70000)


# --- the whole intake against a loopback host and a real bare remote -----------------------------


def git(root, *args, env=None):
    base = {
        "GIT_AUTHOR_NAME": "县热线办",
        "GIT_AUTHOR_EMAIL": "office@example.cn",
        "GIT_COMMITTER_NAME": "hotline-bot",
        "GIT_COMMITTER_EMAIL": "bot@example.cn",
        "GIT_AUTHOR_DATE": "2026-11-20T12:00:00+08:00",
        "GIT_COMMITTER_DATE": "2026-11-20T12:00:00+08:00",
        "PATH": "/usr/bin:/bin",
        "HOME": str(root),
    }
    return subprocess.run(
        ["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env={**base, **(env or {})}
    ).stdout


@pytest.fixture
def checkout(ctx, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    root = ctx.root
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "records")
    git(root, "remote", "add", "origin", str(remote))
    git(root, "push", "-q", "origin", "main")
    git(root, "fetch", "-q", "origin")
    return root, remote


def textual_append(root: Path, req, env: dict[str, str]) -> None:
    """Test double for ``hotline order add … --commit`` (branch ``history``): append one flow-style line."""
    path = root / req.order_path
    items = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in req.event.items())
    path.write_text(path.read_text(encoding="utf-8") + f"  - {{{items}}}\n", encoding="utf-8")
    git(root, "add", req.order_path)
    git(root, "commit", "-q", "-m", f"{req.order_id}: {req.type} {req.event['unit']}", env=env)


def issue_event(body: str, number: int = 7, login: str = "wangli", state: str = "open") -> dict:
    return {
        "action": "opened",
        "issue": {"number": number, "body": body, "state": state, "user": {"login": login, "id": 4242}},
        "sender": {"login": login},
    }


@pytest.fixture(params=["github", "gitea"])
def fake(request):
    host = FakeHost(flavour=request.param).start()
    yield host
    host.stop()


def test_refused_form_gets_a_chinese_comment_and_no_branch(checkout, fake):
    root, remote = checkout
    fake.add_issue("[接收] 工单编号：JC2026112000123")
    with open_host(fake.flavour, fake.api_url, fake.repo, TOKEN) as host:
        result = process_issue(
            root,
            issue_event(submission("接收", unit="县住建局"), number=1, login="wangli"),
            host,
            base="origin/main",
            as_of=NOW,
            append=textual_append,
        )
    assert result.status == "refused"
    (comment,) = fake.comments[1]
    assert comment["body"].startswith("<!-- hotline:intake -->\n**登记未完成**")
    assert "提交本议题的账号不是县住房和城乡建设局的维护人" in comment["body"]
    assert "intake/" not in git(remote, "branch", "--list")
    assert fake.pulls == {}


def test_accepted_form_becomes_a_pull_request_then_an_edit_updates_it(checkout, fake):
    root, remote = checkout
    fake.add_issue("[接收] 工单编号：JC2026112000123")
    with open_host(fake.flavour, fake.api_url, fake.repo, TOKEN) as host:
        first = process_issue(
            root, issue_event(submission("接收"), number=1), host, base="origin/main", as_of=NOW, append=textual_append
        )
        assert first.status == "opened"
        (pr,) = fake.pulls.values()
        assert pr["head"]["ref"] == "intake/issue-1" and pr["base"]["ref"] == "main"
        assert "Closes #1" in pr["body"] and pr["title"] == "工单 JC2026112000123：接收（金村镇，来自 #1）"
        log = git(remote, "log", "--format=%an <%ae>|%s", "intake/issue-1", "-1")
        expected_email = (
            "4242+wangli@users.noreply.github.com" if fake.flavour == "github" else "wangli@noreply.invalid"
        )
        assert log.strip() == f"wangli <{expected_email}>|JC2026112000123: 接收 jincun"
        pushed = git(remote, "show", "intake/issue-1:orders/2026/11/JC2026112000123.yaml")
        assert pushed.endswith(
            '  - {at: "2026-11-20 11:30", type: "接收", unit: "jincun", by: "王丽", office: "社会事务办"}\n'
        )
        assert git(root, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"  # back where it started
        assert "社会事务办" not in (root / "orders/2026/11/JC2026112000123.yaml").read_text(encoding="utf-8")

        second = process_issue(
            root,
            issue_event(submission("接收", office="党政办"), number=1),
            host,
            base="origin/main",
            as_of=NOW,
            append=textual_append,
        )
        git(root, "fetch", "-q", "origin")  # a fresh checkout in the workflow sees the pushed branch
        third = process_issue(
            root,
            issue_event(submission("接收", office="党政办"), number=1),
            host,
            base="origin/main",
            as_of=NOW,
            append=textual_append,
        )  # e.g. only the title was edited
    assert second.status == "updated" and second.pull == first.pull and len(fake.pulls) == 1
    assert "党政办" in git(remote, "show", "intake/issue-1:orders/2026/11/JC2026112000123.yaml")
    assert third.status == "unchanged" and third.pull == first.pull
    assert [c["body"].split("\n")[1][:9] for c in fake.comments[1]] == ["检查通过，已生成拉", "检查通过，已按修改"]


def test_failure_of_order_add_is_reported_and_nothing_pushed(checkout, fake):
    root, remote = checkout
    fake.add_issue("x")

    def refuse(root, req, env):
        raise IntakeError("JC2026112000123 的文件被其他人同时修改，请稍后重试")

    with open_host(fake.flavour, fake.api_url, fake.repo, TOKEN) as host:
        result = process_issue(
            root, issue_event(submission("接收"), number=1), host, base="origin/main", as_of=NOW, append=refuse
        )
    assert result.status == "refused" and "JC2026112000123 的文件被其他人同时修改" in result.message
    assert APPEND_FAILED in fake.comments[1][0]["body"] and "同时修改" not in fake.comments[1][0]["body"]
    assert "intake/" not in git(remote, "branch", "--list")


HOSTILE = "@everyone 请看[这里](https://evil.example/x) <img src=x> \u202e反转 13899998888 #1"


def test_comments_quote_nothing_from_the_issue(checkout, fake):
    """Whatever the issue holds — links, @mentions, bidi controls, markup, numbers — the bot's comments
    name fields, units and event types only (finding 5)."""
    root, _ = checkout
    fake.add_issue("x")
    fields = dict.fromkeys(("order_id", "unit", "at", "by", "office"), HOSTILE)
    bodies = [
        submission("接收", **fields),
        submission("接收", at=HOSTILE, by=HOSTILE, office=HOSTILE),
        submission("延期申请", days=HOSTILE, reason=HOSTILE, basis=HOSTILE),
        submission("答复", text=HOSTILE) + f"\n### {HOSTILE}\n\nx\n### {HOSTILE}\n\ny\n",
    ]
    with open_host(fake.flavour, fake.api_url, fake.repo, TOKEN) as host:
        for body in bodies:
            assert (
                process_issue(root, issue_event(body, number=1), host, base="origin/main", as_of=NOW).status
                == "refused"
            )
        event = issue_event(submission("接收"), number=1, login="wangli")
        event["sender"] = {"login": "mallory-everyone"}
        assert process_issue(root, event, host, base="origin/main", as_of=NOW).status == "refused"
    comments = [c["body"] for c in fake.comments[1]]
    assert len(comments) == len(bodies) + 1
    for body in comments:
        for piece in ("@", "http", "evil", "[", "<img", "\u202e", "反转", "9999", "8888", "#1", "mallory"):
            assert piece not in body, (piece, body)
    assert "“经办人”的内容无效" in comments[1] and "“承办科室”中有看不见的字符 U+202E" in comments[1]
    assert "所填的承办单位不存在" in comments[0] and "同一个以 ### 开头的小标题" in comments[3]


def test_non_forms_and_closed_issues_are_ignored(checkout, fake):
    root, _ = checkout
    with open_host(fake.flavour, fake.api_url, fake.repo, TOKEN) as host:
        assert process_issue(root, issue_event("普通议题"), host, base="origin/main", as_of=NOW).status == "ignored"
        assert (
            process_issue(
                root, issue_event(submission("接收"), state="closed"), host, base="origin/main", as_of=NOW
            ).status
            == "ignored"
        )
    assert fake.log == []


def test_with_the_real_order_add_command(checkout, fake):
    root, remote = checkout
    fake.add_issue("x")
    with open_host(fake.flavour, fake.api_url, fake.repo, TOKEN) as host:
        result = process_issue(root, issue_event(submission("接收"), number=1), host, base="origin/main", as_of=NOW)
    assert result.status == "opened", fake.comments[1]
    text = git(remote, "show", "intake/issue-1:orders/2026/11/JC2026112000123.yaml")
    assert "社会事务办" in text and text.startswith(textwrap.dedent(ORDER).lstrip())


def test_cli_intake_check(ctx, tmp_path):
    body = tmp_path / "body.md"
    body.write_text(submission("接收"), encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(
        main,
        [
            "intake",
            "check",
            "--root",
            str(ctx.root),
            "--body-file",
            str(body),
            "--author",
            "wangli",
            "--as-of",
            "2026-11-21 09:00",
            "--format",
            "json",
        ],
    )
    assert ok.exit_code == 0 and json.loads(ok.output)["event"]["office"] == "社会事务办"
    body.write_text(submission("接收", confirm=""), encoding="utf-8")
    bad = runner.invoke(
        main,
        [
            "intake",
            "check",
            "--root",
            str(ctx.root),
            "--body-file",
            str(body),
            "--author",
            "wangli",
            "--as-of",
            "2026-11-21 09:00",
        ],
    )
    assert bad.exit_code == 1 and "请勾选“确认”" in bad.output


def test_cli_intake_apply_reads_the_event_file_and_answers_on_the_issue(checkout, fake, tmp_path):
    root, _ = checkout
    fake.add_issue("x")
    event = tmp_path / "event.json"
    event.write_text(json.dumps(issue_event(submission("接收", order_id="JC9999"), number=1)), encoding="utf-8")
    r = CliRunner().invoke(
        main,
        [
            "intake",
            "apply",
            "--root",
            str(root),
            "--event",
            str(event),
            "--host",
            fake.flavour,
            "--api-url",
            fake.api_url,
            "--repo",
            fake.repo,
            "--token-env",
            "T",
            "--as-of",
            "2026-11-21 09:00",
        ],
        env={"T": TOKEN},
    )
    assert r.exit_code == 0, r.output
    assert "找不到所填的工单编号" in r.output and "找不到所填的工单编号" in fake.comments[1][0]["body"]
    r = CliRunner().invoke(
        main,
        [
            "intake",
            "apply",
            "--root",
            str(root),
            "--event",
            str(event),
            "--host",
            fake.flavour,
            "--api-url",
            fake.api_url,
            "--repo",
            fake.repo,
            "--token-env",
            "T",
        ],
        env={"T": "wrong"},
    )
    assert r.exit_code == 1 and "处理失败" in r.stderr
