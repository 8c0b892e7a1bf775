"""Every shipped workflow, run for real by act on this machine, offline, in both flavours (GitHub, Gitea).

See ``workflow_harness.py`` for how: local stand-ins for every action, a throwaway virtual environment
for ``pip install .``, an empty HOME (no Git identity), the loopback fake host serving both the API and
the records repository over Git's smart HTTP. Gitea reads ``.github/workflows`` when there is no
``.gitea/workflows``; we ship none, so the same files run in both flavours.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fake_githost import TOKEN, WORKFLOW_TOKEN, FakeHost
from workflow_harness import REPO, HostedRecords, Runner, git

pytestmark = [pytest.mark.workflows]

BAD_ORDER = """\
id: JC2026112000777
title: 手机号未脱敏的工单
category: 咨询
received_at: 2026-11-20 09:40
citizen: {name: 张**, phone: 13812345678}
content: 测试
events:
  - {at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}
"""

GOOD_ORDER = """\
id: JC2026112000778
title: 供暖咨询
category: 咨询
received_at: 2026-11-20 09:40
citizen: {name: 张**, phone: 138****1234}
content: 咨询供暖开始时间
events:
  - {at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}
"""


@pytest.fixture(params=["github", "gitea"])
def flavour(request):
    return request.param


@pytest.fixture
def env(tmp_path, flavour):
    host = FakeHost(flavour=flavour).start()
    records = HostedRecords(tmp_path, host)
    yield host, records, Runner(tmp_path, host, records, flavour)
    host.stop()


def test_no_gitea_workflows_folder_so_gitea_runs_the_tested_files():
    assert not (REPO / ".gitea" / "workflows").exists()


def test_check_fails_a_bad_record_with_annotations_and_a_summary(env):
    _host, records, runner = env
    good = runner.run("check.yml", "push", {"ref": "refs/heads/main", "after": records.head()})
    assert good.ok(), good.log[-4000:]
    assert "检查通过" in good.summary or "::error" not in good.log
    records.write("orders/2026/11/JC2026112000777.yaml", BAD_ORDER)
    sha = records.commit("bad order", branch="bad")
    bad = runner.run("check.yml", "push", {"ref": "refs/heads/bad", "after": sha}, ref="refs/heads/bad")
    assert not bad.ok()
    assert "::error file=orders/2026/11/JC2026112000777.yaml,line=" in bad.log and "pii-phone" in bad.log
    assert "13812345678" not in bad.log.replace("phone: 13812345678", "")
    assert "pii-phone" in bad.summary and "orders/2026/11/JC2026112000777.yaml" in bad.summary


def test_the_pull_request_check_keeps_one_comment_with_the_findings_on_gitea(env):
    """Gitea shows no annotations: the base branch's hotline (permissions.yml, pull_request_target) posts the
    findings as one comment, updated on each run; check.yml, which runs the pull request's own program, posts none."""
    host, records, runner = env
    with_maintainers(records)
    base = records.commit("records with maintainers")
    records.write("orders/2026/11/JC2026112000777.yaml", BAD_ORDER)
    records.commit("bad order", branch="bad")
    status, _, pr = host.create_pull({"title": "新工单", "head": "bad", "base": "main"})
    assert status == 201
    n = pr["number"]

    def run_check():
        event = {
            "action": "synchronize",
            "number": n,
            "sender": {"login": "fuyongjia"},
            "pull_request": {
                "number": n,
                "user": {"login": "fuyongjia"},  # the office: only the records' own findings
                "head": {"ref": "bad", "sha": host.pulls[n]["head"]["sha"]},
                "base": {"ref": "main", "sha": base},
            },
        }
        return runner.run("permissions.yml", "pull_request_target", event, secrets={"HOTLINE_TOKEN": TOKEN}, env=AS_OF)

    bad = run_check()
    assert not bad.ok() and "::error file=orders/2026/11/JC2026112000777.yaml" in bad.log
    assert "pii-phone" in bad.summary
    comments = host.comments[n]
    if host.flavour == "github":  # GitHub shows the annotations: no comment
        assert comments == []
        return
    (comment,) = comments
    assert comment["body"].startswith("<!-- hotline:check -->") and "pii-phone" in comment["body"]
    assert "orders/2026/11/JC2026112000777.yaml" in comment["body"] and "13812345678" not in comment["body"]
    again = run_check()  # the same findings: still one comment, unchanged
    assert not again.ok() and host.comments[n] == [comment]
    records.write("orders/2026/11/JC2026112000777.yaml", BAD_ORDER.replace("13812345678", "138****5678"))
    records.commit("masked", branch="bad")
    fixed = run_check()
    assert fixed.ok(), fixed.log[-4000:]
    (comment,) = host.comments[n]  # the same comment, now saying the errors are gone
    assert "0 个错误" in comment["body"] and "pii-phone" not in comment["body"]


# --- shared records for the host workflows ------------------------------------------------------------

INTAKE_ORDER = """\
id: JC2026112000123
title: 金村镇某小区供暖温度不达标
category: 投诉
received_at: 2026-11-20 09:40
citizen: {name: 张**, phone: 138****1234}
content: 诉求人反映小区室内温度长期低于18摄氏度。
events:
  - {at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}
"""


def with_maintainers(records: HostedRecords) -> None:
    """rexian (the office) has fuyongjia and the bot; jincun has wangli; CODEOWNERS regenerated."""
    import re
    import subprocess
    import sys

    for uid, people in (("rexian", "[fuyongjia, hotline-bot]"), ("jincun", "[wangli]"), ("zhujian", "[zhaoqiang]")):
        p = records.work / "units" / f"{uid}.yaml"
        p.write_text(
            re.sub(r"(?m)^maintainers: \[\]", f"maintainers: {people}", p.read_text(encoding="utf-8")), encoding="utf-8"
        )
    subprocess.run(
        [sys.executable, "-m", "hotline", "codeowners", "--root", str(records.work)], check=True, capture_output=True
    )


AS_OF = {"HOTLINE_AS_OF": "2026-11-21 09:00"}


def test_permissions_refuse_another_units_change_and_pass_the_office(env):
    host, records, runner = env
    with_maintainers(records)
    records.write("orders/2026/11/JC2026112000123.yaml", INTAKE_ORDER)
    base = records.commit("records with maintainers")
    # zhaoqiang (县住建局) appends an event on jincun's order
    records.write(
        "orders/2026/11/JC2026112000123.yaml",
        INTAKE_ORDER + "  - {at: 2026-11-20 11:30, type: 接收, unit: jincun, by: 赵强}\n",
    )
    records.commit("someone else's order", branch="other-unit")
    # (opener, account that triggered the run): both must have the right (issue 10, item 6)
    for login, sender, should_pass in (
        ("zhaoqiang", "zhaoqiang", False),
        ("fuyongjia", "fuyongjia", True),
        ("fuyongjia", "zhaoqiang", False),
    ):
        host.add_issue("placeholder")  # numbers are shared by issues and pull requests
        status, _, pr = host.create_pull({"title": "接收", "head": "other-unit", "base": "main"})
        assert status == 201
        event = {
            "action": "opened",
            "number": pr["number"],
            "sender": {"login": sender},
            "pull_request": {
                "number": pr["number"],
                "user": {"login": login},
                "head": {"ref": "other-unit", "sha": pr["head"]["sha"]},
                "base": {"ref": "main", "sha": base},
            },
        }
        run = runner.run("permissions.yml", "pull_request_target", event, env=AS_OF)
        assert run.ok() is should_pass, run.log[-4000:]
        if not should_pass:
            assert "permission-denied" in run.log and "permission-denied" in run.summary
        host.pulls[pr["number"]]["state"] = "closed"


CACHE_KEY = {"HOTLINE_CACHE_KEY": "3b9e0c51f4a27d86c1e5a0b9d47f2e6a8c3d1b05e9f7a2c4d6b8e0f1a3c5d7e9"}


def test_site_builds_from_a_plain_install_and_the_copy_route_publishes_it(env, tmp_path):
    host, records, runner = env
    target = tmp_path / "www" / "hotline"
    target.mkdir(parents=True)
    (target / "stale.html").write_text("old", encoding="utf-8")
    records.write("orders/2026/11/JC2026112000778.yaml", GOOD_ORDER)
    records.commit("JC2026112000778: 派单")
    # a records repository without a site configuration of its own: the installed package brings it
    assert not (records.work / "mkdocs.yml").exists() and not (records.work / "site_src" / "overrides").exists()
    run = runner.run(
        "site.yml",
        "push",
        {"ref": "refs/heads/main", "after": records.head()},
        vars={"SITE_PUBLISH": "copy", "SITE_DEPLOY_TARGET": str(target) + "/"},
        secrets=CACHE_KEY,
        env=AS_OF,
        workspace="hotline",
    )
    assert run.ok(), run.log[-5000:]
    assert (target / "index.html").is_file() and not (target / "stale.html").exists()
    js = (target / "assets" / "vendor" / "echarts.min.js").read_bytes()
    assert js == (REPO / "src" / "hotline" / "assets" / "vendor" / "echarts.min.js").read_bytes()
    assert "npm" not in run.log.split("安装 hotline", 1)[1].split("生成网站", 1)[0]
    assert "Cache not found" in run.log and "| mkdocs build（全部页面） |" in run.summary  # phases in the job summary
    # the Python environment: installed from the lock file, then saved (a push to main) for the next run
    assert "Cache not found for input keys: hotline-venv-v2-" in run.log and "按锁定文件全新安装" in run.summary
    assert "Requirement already satisfied: pyyaml" in run.log and "Successfully installed hotline-" in run.log
    assert "Cache saved with key: hotline-venv-v2-" in run.log
    assert "Cache saved with key: hotline-git-v2-" in run.log  # the checkout's .git, no token in it:
    header = base64.b64encode(f"x-access-token:{WORKFLOW_TOKEN}".encode())
    for tar in (tmp_path / "actions-cache").rglob("*.tar"):
        assert WORKFLOW_TOKEN.encode() not in tar.read_bytes() and header not in tar.read_bytes(), tar
    first_fetch = sum(host.fetched)

    # the next push restores what the first one saved: only the changed pages are rendered again
    records.write(
        "orders/2026/11/JC2026112000778.yaml",
        GOOD_ORDER + "  - {at: 2026-11-20 10:30, type: 接收, unit: jincun, by: 王丽}\n",
    )
    records.commit("JC2026112000778: 接收")
    host.fetched.clear()
    again = runner.run(
        "site.yml",
        "push",
        {"ref": "refs/heads/main", "after": records.head()},
        vars={"SITE_PUBLISH": "copy", "SITE_DEPLOY_TARGET": str(target) + "/"},
        secrets=CACHE_KEY,
        env=AS_OF,
        workspace="hotline",
    )
    assert again.ok(), again.log[-5000:]
    assert "Cache restored from key: hotline-site-v2-" in again.log
    # the environment comes from the cache: the locked packages are not installed again, hotline itself is
    assert "Cache restored from key: hotline-venv-v2-" in again.log and "只重新安装 hotline" in again.summary
    assert "Requirement already satisfied: pyyaml" not in again.log and "Successfully installed hotline-" in again.log
    assert "Cache saved with key: hotline-venv-v2-" not in again.log
    # the .git saved by the first run: the checkout fetched only the new commit, not the whole history again
    assert "Cache restored from key: hotline-git-v2-" in again.log and "reusing the existing repository" in again.log
    assert sum(host.fetched) * 20 < first_fetch, (host.fetched, first_fetch)
    assert "只重新渲染改动的" in again.summary, again.summary
    assert "2026-11-20 10:30" in (target / "assets" / "data" / "orders" / "2026-11.json").read_text(encoding="utf-8")
    assert "未通过校验" not in again.summary  # its own sealed caches pass
    if host.flavour == "gitea":
        return
    # without the cache key: nothing restored, nothing saved, the site built from nothing and published all the same
    records.write(
        "orders/2026/11/JC2026112000778.yaml",
        GOOD_ORDER + "  - {at: 2026-11-20 11:00, type: 督办, unit: jincun, by: 县热线办, kind: 电话}\n",
    )
    records.commit("JC2026112000778: 督办")
    cold = runner.run(
        "site.yml",
        "push",
        {"ref": "refs/heads/main", "after": records.head()},
        vars={"SITE_PUBLISH": "copy", "SITE_DEPLOY_TARGET": str(target) + "/"},
        env=AS_OF,
        workspace="hotline",
    )
    assert cold.ok(), cold.log[-5000:]
    assert "未设置机密 HOTLINE_CACHE_KEY" in cold.summary and "按锁定文件全新安装" in cold.summary
    assert "Cache restored" not in cold.log and "Cache not found" not in cold.log and "Cache saved" not in cold.log
    assert "2026-11-20 11:00" in (target / "assets" / "data" / "orders" / "2026-11.json").read_text(encoding="utf-8")


OVERDUE_ORDER = """\
id: JC2026111000001
title: 道路积水
category: 咨询
received_at: 2026-11-10 09:00
citizen: {name: 李**, phone: 139****5678}
content: 道路积水
events:
  - {at: 2026-11-10 09:30, type: 派单, unit: jincun, role: 主办, by: 县热线办}
"""


def test_overdue_opens_updates_closes_and_a_second_run_changes_nothing(env):
    host, records, runner = env
    with_maintainers(records)
    records.write("orders/2026/11/JC2026111000001.yaml", OVERDUE_ORDER)
    records.commit("an overdue order")
    if host.flavour == "gitea":
        org = host.add_org_label("县政府")
    dispatch = {"HOTLINE_AS_OF": "2026-11-16 09:00"}  # a Monday; the deadline passed on 11-13
    first = runner.run(
        "overdue.yml",
        "workflow_dispatch",
        {"inputs": {"force": "false"}},
        secrets={"HOTLINE_TOKEN": TOKEN},
        env=dispatch,
    )
    assert first.ok(), first.log[-5000:]
    (issue,) = host.our_issues()
    assert issue["state"] == "open" and "逾期" in {lb["name"] for lb in issue["labels"]}
    assert [a["login"] for a in issue["assignees"]] == ["wangli"]
    if host.flavour == "gitea":  # an organisation label on the issue survives a label change
        issue["labels"].append(dict(org))
    before = host.snapshot()
    second = runner.run(
        "overdue.yml",
        "workflow_dispatch",
        {"inputs": {"force": "false"}},
        secrets={"HOTLINE_TOKEN": TOKEN},
        env=dispatch,
    )
    assert second.ok(), second.log[-3000:]
    assert host.snapshot() == before
    # the unit replies: the next run closes the issue
    records.write(
        "orders/2026/11/JC2026111000001.yaml",
        OVERDUE_ORDER + "  - {at: 2026-11-16 10:00, type: 答复, unit: jincun, by: 王丽, text: 已排水}\n",
    )
    records.commit("reply")
    third = runner.run(
        "overdue.yml",
        "workflow_dispatch",
        {"inputs": {"force": "false"}},
        secrets={"HOTLINE_TOKEN": TOKEN},
        env={"HOTLINE_AS_OF": "2026-11-16 11:00"},
    )
    assert third.ok(), third.log[-3000:]
    (issue,) = host.our_issues()
    assert issue["state"] == "closed"
    if host.flavour == "gitea":
        assert "县政府" in {lb["name"] for lb in issue["labels"]}


CHAT_RULES = """
chat:
  - {name: 金村镇工作群, kind: wecom, webhook_env: HOTLINE_CHAT_1, units: [jincun]}
  - {name: 县热线工作群, kind: dingtalk, webhook_env: HOTLINE_CHAT_2, secret_env: HOTLINE_CHAT_2_SECRET, units: all,
     keyword: 热线}
  - {name: 热线办督办群, kind: feishu, webhook_env: HOTLINE_CHAT_3, secret_env: HOTLINE_CHAT_3_SECRET, units: all,
     send: [overdue]}
  - {name: 备用群, kind: wecom, webhook_env: HOTLINE_CHAT_6, units: all}
"""


def test_overdue_sends_the_group_reminders_once_a_day_even_from_a_fresh_runner(env):
    import re

    from fake_chat import FakeChat

    host, records, runner = env
    chat = FakeChat().start()  # on loopback, like the host; its URLs reach the job only as secrets
    try:
        with_maintainers(records)
        unit = records.work / "units" / "jincun.yaml"
        text = re.sub(
            r"(?m)^  handlers: \[\]", "  handlers: [{name: 王丽, mobile: 13912345678}]", unit.read_text("utf-8")
        )
        unit.write_text(text, encoding="utf-8")
        rules = records.work / "scoring" / "rules.yaml"
        rules.write_text(rules.read_text(encoding="utf-8") + CHAT_RULES, encoding="utf-8")
        records.write("orders/2026/11/JC2026111000001.yaml", OVERDUE_ORDER)
        records.commit("an overdue order and the county's groups")
        secrets = {
            "HOTLINE_TOKEN": TOKEN,
            "HOTLINE_CHAT_1": chat.add_robot("wecom", "wecom-key"),
            "HOTLINE_CHAT_2": chat.add_robot("dingtalk", "ding-token", secret="SECding", keyword="热线"),
            "HOTLINE_CHAT_2_SECRET": "SECding",
            "HOTLINE_CHAT_3": chat.add_robot("feishu", "lark-token", secret="lark-secret"),
            "HOTLINE_CHAT_3_SECRET": "lark-secret",
        }
        dispatch = {"HOTLINE_AS_OF": "2026-11-16 09:00"}  # a Monday; the deadline passed on 11-13
        first = runner.run(
            "overdue.yml", "workflow_dispatch", {"inputs": {"force": "false"}}, secrets=secrets, env=dispatch
        )
        assert first.ok(), first.log[-5000:]
        (markdown, mention) = chat.delivered("wecom")
        assert "JC2026111000001" in markdown["markdown"]["content"]
        assert mention["text"]["mentioned_mobile_list"] == ["13912345678"]
        (ding,) = chat.delivered("dingtalk")  # signed as the service checks, with the robot's keyword
        assert "JC2026111000001" in ding["markdown"]["text"] and ding["at"]["atMobiles"] == ["13912345678"]
        assert len(chat.delivered("feishu")) == 1
        assert "备用群（企业微信）：跳过——环境变量 HOTLINE_CHAT_6" in first.log  # a notice, not a failure
        assert "13912345678" not in first.log and "wecom-key" not in first.log and "SECding" not in first.log
        (record,) = [i for i in host.issues.values() if (i["body"] or "").startswith("<!-- hotline:chat-sent -->")]
        assert record["state"] == "closed"
        sent, before = len(chat.requests), host.snapshot()
        # the next run is a fresh runner (empty HOME, new checkout): what was sent is read from the host
        second = runner.run(
            "overdue.yml", "workflow_dispatch", {"inputs": {"force": "false"}}, secrets=secrets, env=dispatch
        )
        assert second.ok(), second.log[-5000:]
        assert len(chat.requests) == sent and host.snapshot() == before
        assert "今天已发送过，不再发送" in second.log
    finally:
        chat.stop()


def test_overlapping_overdue_runs_leave_one_issue(env):
    host, records, runner = env
    with_maintainers(records)
    records.write("orders/2026/11/JC2026111000001.yaml", OVERDUE_ORDER)
    records.commit("an overdue order")
    host.together("POST", r"/issues$")  # neither run's issue exists until both have listed and created theirs
    dispatch = {"HOTLINE_AS_OF": "2026-11-16 09:00"}
    a = runner.run(
        "overdue.yml",
        "workflow_dispatch",
        {"inputs": {"force": "false"}},
        secrets={"HOTLINE_TOKEN": TOKEN},
        env=dispatch,
        background=True,
    )
    b = runner.run(
        "overdue.yml",
        "workflow_dispatch",
        {"inputs": {"force": "false"}},
        secrets={"HOTLINE_TOKEN": TOKEN},
        env=dispatch,
        background=True,
    )
    ra, rb = a.wait(), b.wait()
    assert ra.ok() and rb.ok(), ra.log[-3000:] + rb.log[-3000:]
    created = [e for e in host.log if e[0] == "POST" and e[1].endswith("/issues")]
    assert len(created) == 2, host.snapshot()  # the race happened: each run created the reminder
    open_marked = [i for i in host.our_issues() if i["state"] == "open"]
    assert len(open_marked) == 1, host.snapshot()


def test_intake_opens_a_pull_request_pushed_with_the_bot_token(env):
    from test_intake import submission

    host, records, runner = env
    with_maintainers(records)
    records.write("orders/2026/11/JC2026112000123.yaml", INTAKE_ORDER)
    records.commit("an order for jincun")
    host.add_issue("接收", body=submission("接收"))
    event = {
        "action": "opened",
        "issue": {"number": 1, "body": submission("接收"), "state": "open", "user": {"login": "wangli", "id": 4242}},
    }
    run = runner.run("intake.yml", "issues", event, secrets={"HOTLINE_TOKEN": TOKEN}, env=AS_OF)
    assert run.ok(), run.log[-5000:]
    (pr,) = host.pulls.values()
    assert pr["head"]["ref"] == "intake/issue-1" and pr["base"]["ref"] == "main"
    # pushed with the bot's token: the push starts the pull request's checks (the workflow token's would not)
    pushes = [(who, refs) for who, refs in host.pushes if "refs/heads/intake/issue-1" in refs]
    assert [who for who, _ in pushes] == ["hotline-bot"]
    assert host.triggering_pushes() == pushes
    text = git(records.work, "fetch", "-q", "origin") or git(
        records.work, "show", "origin/intake/issue-1:orders/2026/11/JC2026112000123.yaml"
    )
    assert "type: 接收" in text and "社会事务办" in text
    author = git(records.work, "log", "-1", "--format=%an|%cn", "origin/intake/issue-1")
    assert author == "wangli|hotline-bot"
    # without the bot token the workflow stops and says what to set
    host.add_issue("接收", body=submission("接收"))
    no_token = runner.run("intake.yml", "issues", {**event, "issue": {**event["issue"], "number": 3}}, env=AS_OF)
    assert not no_token.ok() and "HOTLINE_TOKEN" in no_token.log


def test_overlapping_intake_runs_update_the_existing_pull_request(env):
    from test_intake import submission

    host, records, runner = env
    with_maintainers(records)
    records.write("orders/2026/11/JC2026112000123.yaml", INTAKE_ORDER)
    records.commit("an order for jincun")
    host.add_issue("接收", body=submission("接收"))
    host.slow("POST", r"/pulls$", 2.0)
    event = {
        "action": "opened",
        "issue": {"number": 1, "body": submission("接收"), "state": "open", "user": {"login": "wangli", "id": 4242}},
    }
    edited = {"action": "edited", "issue": {**event["issue"], "body": submission("接收", office="党政办")}}
    a = runner.run("intake.yml", "issues", event, secrets={"HOTLINE_TOKEN": TOKEN}, env=AS_OF, background=True)
    b = runner.run("intake.yml", "issues", edited, secrets={"HOTLINE_TOKEN": TOKEN}, env=AS_OF, background=True)
    ra, rb = a.wait(), b.wait()
    assert ra.ok() and rb.ok(), ra.log[-3000:] + rb.log[-3000:]
    assert len([p for p in host.pulls.values() if p["state"] == "open"]) == 1
    refused = [e for e in host.accounts_log if e[0] == "POST" and e[1].endswith("/pulls")]
    assert len(refused) == 2  # the second create was refused (409/422) and the run updated instead


# --- month-end ------------------------------------------------------------------------------------------


def test_month_end_publishes_then_seals_and_a_second_run_changes_nothing(env):
    import re

    from test_month_end import OPEN, SEAL_AFTER, SETTLED, working_days_after

    host, records, runner = env
    rules = records.work / "scoring" / "rules.yaml"
    rules.write_text(
        re.sub(r"(?m)^(\s*seal_after_workdays:)\s*\d+", rf"\1 {SEAL_AFTER}", rules.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    records.write("orders/2026/11/JC2026111600001.yaml", SETTLED.lstrip())
    records.write("orders/2026/11/JC2026113000002.yaml", OPEN.lstrip())
    records.commit("November")
    first, seal_day = working_days_after("2026-11", 1), working_days_after("2026-11", SEAL_AFTER)
    bot = {"HOTLINE_TOKEN": TOKEN}
    run = runner.run(
        "month-end.yml", "schedule", {"schedule": "30 1 * * *"}, secrets=bot, env={"HOTLINE_AS_OF": f"{first} 09:30"}
    )
    assert run.ok(), run.log[-5000:]
    assert "暂定" in run.summary
    files = git(records.work, "fetch", "-q", "origin") or git(
        records.work,
        "-c",
        "core.quotePath=false",
        "ls-tree",
        "-r",
        "--name-only",
        "origin/main",
        "reports/published/2026-11",
    )
    assert "reports/published/2026-11/泽州县12345政务服务热线月报-2026-11（暂定）.docx" in files.splitlines()
    assert git(records.work, "log", "-1", "--format=%an|%cn", "origin/main") == "hotline-bot|hotline-bot"
    assert [who for who, _ in host.pushes] == ["hotline-bot"]  # with the bot's token: the push starts the site build
    # a second run the same day changes nothing
    refs = host.refs()
    again = runner.run(
        "month-end.yml", "schedule", {"schedule": "30 1 * * *"}, secrets=bot, env={"HOTLINE_AS_OF": f"{first} 15:00"}
    )
    assert again.ok(), again.log[-3000:]
    assert host.refs() == refs and len(host.pushes) == 1
    # the seal day: tag on main as it stood, zip and the sealed documents on main, 未办结 listed
    sealed_at = refs["refs/heads/main"]
    sealed = runner.run(
        "month-end.yml", "workflow_dispatch", {}, secrets=bot, env={"HOTLINE_AS_OF": f"{seal_day} 09:30"}
    )
    assert sealed.ok(), sealed.log[-5000:]
    refs = host.refs()
    assert host.git("rev-parse", "refs/tags/archive/2026-11^{commit}").strip() == sealed_at
    readme = host.git("show", "refs/heads/main:reports/published/2026-11/README.md")
    assert "未办结（封存时，1 个）" in readme and "JC2026113000002" in readme
    assert "archives/2026-11.zip" in host.git("ls-tree", "-r", "--name-only", "refs/heads/main", "archives")
    if host.flavour == "github":  # without the bot token it stops and says what to set (one flavour suffices)
        no_token = runner.run("month-end.yml", "workflow_dispatch", {}, env={"HOTLINE_AS_OF": f"{seal_day} 10:00"})
        assert not no_token.ok() and "HOTLINE_TOKEN" in no_token.log
        assert host.refs() == refs


# --- import of uploaded exports ---------------------------------------------------------------------

EXPORT = (
    "泽州县12345工单导出\r\n"
    "工单编号,诉求类别,受理时间,诉求人,联系电话,诉求内容,承办单位\r\n"
    "JC2026112500101,投诉类,2026-11-25 09:10,王小明,13912345678,小区路灯不亮，请尽快维修。,金村镇\r\n"
    "JC2026112500102,咨询,2026/11/25 10:20,李四,13800001111,咨询供暖收费标准。,\r\n"
    "JC2026112500103,表扬,2026-11-25 11:00,赵六,13700002222,来电反映情况，联系电话13700002222。,\r\n"
).encode()


def upload(records: HostedRecords, name: str, data: bytes) -> dict:
    """The office uploads a file through the web interface: one commit on main; the push event for it."""
    before = records.head()
    records.write(f"imports/{name}", data)
    after = records.commit(f"Upload {name}")
    return {
        "ref": "refs/heads/main",
        "before": before,
        "after": after,
        "pusher": {"name": "fuyongjia"},
        "sender": {"login": "fuyongjia"},
    }


def test_import_opens_one_pull_request_per_export_and_the_same_file_twice_creates_nothing(env):
    host, records, runner = env
    with_maintainers(records)
    bot = {"HOTLINE_TOKEN": TOKEN}
    if host.flavour == "gitea":  # a unit's account cannot import (only the office creates orders); one flavour suffices
        refused = runner.run(
            "import.yml",
            "push",
            {**upload(records, "单位上传.csv", EXPORT), "sender": {"login": "wangli"}},
            secrets=bot,
            env={"HOTLINE_AS_OF": "2026-11-25 12:00"},
        )
        assert not refused.ok() and "只有热线管理机构可以导入" in refused.log and host.pulls == {}
    event = upload(records, "2026-11-25.csv", EXPORT)
    run = runner.run("import.yml", "push", event, secrets=bot, env={"HOTLINE_AS_OF": "2026-11-25 12:00"})
    assert run.ok(), run.log[-5000:]
    (pr,) = host.pulls.values()
    branch = pr["head"]["ref"]
    assert branch.startswith("import/") and pr["base"]["ref"] == "main"
    body = pr["body"]
    assert "新建工单 2 件" in body and "无法导入 1 行" in body
    assert "第 5 行" in body and "诉求类别“表扬”无法识别" in body  # the row number as the spreadsheet shows it
    assert "第 3 行 | JC2026112500101" in body and "第 4 行 | JC2026112500102" in body
    assert "13912345678" not in body and "13700002222" not in body
    new = host.git("ls-tree", "-r", "--name-only", f"refs/heads/{branch}", "orders").split()
    assert new == ["orders/2026/11/JC2026112500101.yaml", "orders/2026/11/JC2026112500102.yaml"]
    order = host.git("show", f"refs/heads/{branch}:orders/2026/11/JC2026112500101.yaml")
    assert "139****5678" in order and "13912345678" not in order and "unit: jincun" in order
    assert host.git("log", "-1", "--format=%an|%cn", f"refs/heads/{branch}").strip() == "fuyongjia|hotline-bot"
    assert [who for who, refs in host.pushes if f"refs/heads/{branch}" in refs] == ["hotline-bot"]
    # the same push again (a re-run): nothing pushed, no second pull request
    pushes, refs = len(host.pushes), host.refs()
    again = runner.run("import.yml", "push", event, secrets=bot, env={"HOTLINE_AS_OF": "2026-11-25 12:30"})
    assert again.ok(), again.log[-3000:]
    assert len(host.pulls) == 1 and len(host.pushes) == pushes and host.refs() == refs
    # the pull request is merged; the same file uploaded again under another name creates nothing
    host.git("update-ref", "refs/heads/main", host.refs()[f"refs/heads/{branch}"])
    host.pulls[pr["number"]]["state"] = "closed"
    git(records.work, "pull", "-q", "--ff-only", "origin", "main")
    event = upload(records, "再次上传.csv", EXPORT)
    pushes = len(host.pushes)
    twice = runner.run("import.yml", "push", event, secrets=bot, env={"HOTLINE_AS_OF": "2026-11-26 09:00"})
    assert twice.ok(), twice.log[-3000:]
    assert len(host.pulls) == 1 and len(host.pushes) == pushes
    assert "已存在而跳过（2 件）" in twice.summary and "没有新工单" in twice.summary


def test_lock_update_proposes_one_pull_request_and_a_second_run_pushes_nothing(env, tmp_path):
    """The weekly lock workflow: scripts/lock.sh rewrites the lock, hotline lock-update pushes the branch with the
    bot token and opens one pull request; the same run again pushes nothing and opens nothing. The job runs offline
    (as every workflow test): the resolution lock.sh makes is read from uv's cache, filled here first by the same
    command online (the index's pages and every platform's metadata a universal resolution needs). The committed
    lock lost its notes, so lock.sh writes the same versions back with them."""
    host, records, runner = env
    locked = (REPO / "requirements" / "lock.txt").read_text(encoding="utf-8")
    records.write("requirements/lock.txt", re.sub(r"(?m)^    #.*\n", "", locked))
    records.commit("requirements: lock without its notes")
    uv = str(Path(sys.executable).with_name("uv"))
    cache = subprocess.run([uv, "cache", "dir"], capture_output=True, text=True, check=True).stdout.strip()
    expected = tmp_path / "lock.txt"
    shutil.copy(REPO / "requirements" / "lock.txt", expected)  # uv's preferences: the pins stay
    primed = subprocess.run(
        [uv, "pip", "compile", "pyproject.toml", "--all-extras", "requirements/lock.in", "--generate-hashes",
         "--universal", "--python-version", "3.11", "--no-header", "--quiet", "-o", str(expected)],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, "UV_SYSTEM_CERTS": "1", "UV_CACHE_DIR": cache},
    )  # fmt: skip
    assert primed.returncode == 0, primed.stderr
    offline = {"UV_OFFLINE": "1", "UV_CACHE_DIR": cache}
    bot = {"HOTLINE_TOKEN": TOKEN}
    event = {"inputs": {"upgrade": "false"}}
    run = runner.run("lock.yml", "workflow_dispatch", event, secrets=bot, env=offline)
    assert run.ok(), run.log[-5000:]
    (pr,) = host.pulls.values()
    assert pr["head"]["ref"] == "hotline/lock-update" and pr["base"]["ref"] == "main"
    assert "<!-- hotline:lock-update -->" in pr["body"]
    pushed = host.git("show", "refs/heads/hotline/lock-update:requirements/lock.txt")
    assert pushed.strip() == expected.read_text(encoding="utf-8").strip() and "    # via" in pushed
    assert [who for who, refs in host.pushes if "refs/heads/hotline/lock-update" in refs] == ["hotline-bot"]
    assert "已在分支 hotline/lock-update 上生成拉取请求" in run.summary
    pushes = len(host.pushes)
    again = runner.run("lock.yml", "workflow_dispatch", event, secrets=bot, env=offline)
    assert again.ok(), again.log[-3000:]
    assert len(host.pulls) == 1 and len(host.pushes) == pushes and "已是这些改动" in again.summary
