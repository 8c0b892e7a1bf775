"""Carrying out an issue-form intake (表单登记的执行): branch, ``order add``, check, push, pull request.

Runs in the ``intake`` workflow on the repository's default branch checkout. For an issue whose body
is one of our forms: check it (``intake.build_request``); if it fails, comment the Chinese reasons on
the issue; if it passes, create the branch ``intake/issue-<n>`` from the base, append the event with
``hotline order add … --commit`` (argument list, no shell; the commit's author is the issue's
author), run the record checks once more, push the branch and open (or update) a pull request that
closes the issue when merged, and say so on the issue.

The event's sender (who opened or edited the issue) must be the issue's author: an edit by anyone else
never acts in the author's name (no branch, no pull request, no update), and both are checked for the
right to record for the unit. The comments quote nothing of the issue (``intake_form``): a failed append
or check is named, its details go to the run's log.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hotline.findings import CODES
from hotline.git import changes as gitrun
from hotline.host.client import Host, HostError
from hotline.host.intake_form import (
    IntakeRequest,
    build_request,
    error_comment,
    is_form,
    order_add_argv,
)
from hotline.load import load_context, run_check

Appender = Callable[[Path, IntakeRequest, dict[str, str]], None]


class IntakeError(RuntimeError):
    pass


APPEND_FAILED = "追加事件失败（详情见工作流运行日志）：请稍后重新保存本议题再试，仍不成功请联系热线管理机构"


def run_order_add(root: Path, req: IntakeRequest, env: dict[str, str]) -> None:
    """Append the event with the staff command, as a separate process (never through a shell)."""
    argv = [sys.executable, "-m", "hotline", *order_add_argv(req)]
    done = subprocess.run(
        argv, cwd=root, env={**os.environ, **env, "HOTLINE_ROOT": str(root)}, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise IntakeError((done.stderr or done.stdout).strip() or f"hotline order add 失败（退出码 {done.returncode}）")


@dataclass
class IntakeResult:
    status: str  # ignored | refused | opened | updated | unchanged
    message: str
    pull: int | None = None


def author_identity(login: str, user_id: int | None, host: Host) -> dict[str, str]:
    if host.flavour == "github" and user_id:
        email = f"{user_id}+{login}@users.noreply.github.com"
    else:
        email = f"{login}@noreply.invalid"
    return {"GIT_AUTHOR_NAME": login, "GIT_AUTHOR_EMAIL": email}


def process_issue(
    root: Path,
    event: dict,
    host: Host,
    *,
    base: str,
    as_of: datetime,
    append: Appender = run_order_add,
    remote: str = "origin",
    push_token: str | None = None,
) -> IntakeResult:
    issue = event.get("issue") or {}
    body = issue.get("body") or ""
    number = int(issue.get("number") or 0)
    if not number or not is_form(body) or issue.get("pull_request"):
        return IntakeResult("ignored", "不是工单登记表单，忽略")
    if (issue.get("state") or "open") != "open":
        return IntakeResult("ignored", f"议题 #{number} 已关闭，忽略")
    user = issue.get("user") or {}
    login = str(user.get("login") or "")
    sender = str((event.get("sender") or {}).get("login") or login)
    if sender.lower() != login.lower():
        msg = (
            "本议题被议题作者以外的账号修改：他人的修改不会以作者的名义登记，也不会更新已有的拉取请求。"
            "请由作者本人修改，或由修改人提交新的议题"
        )
        host.comment(number, error_comment([msg]))
        return IntakeResult("refused", f"{msg}（修改人 {sender}，作者 {login}）")
    ctx = load_context(root)
    outcome = build_request(body, login, ctx, as_of)
    req = outcome.request
    if outcome.errors or req is None:  # build_request gives a request exactly when there are no errors
        host.comment(number, error_comment(outcome.errors))
        return IntakeResult("refused", "；".join(outcome.errors))

    branch = f"intake/issue-{number}"
    start_branch = gitrun.current_branch(root)
    gitrun.switch_new_branch(root, branch, base)
    try:
        try:
            append(root, req, author_identity(login, user.get("id"), host))
        except IntakeError as e:  # its words may quote the issue: the comment says what happened, the log why
            host.comment(number, error_comment([APPEND_FAILED]))
            return IntakeResult("refused", str(e))
        problems = [
            f for f in run_check(root, as_of, use_cache=False) if f.severity == "error" and f.path == req.order_path
        ]
        if problems:  # a finding's message may quote a value: the comment names the problem by its title
            host.comment(number, error_comment([f"{f.path}:{f.line}: {CODES[f.code].title}" for f in problems]))
            msgs = [f"{f.path}:{f.line}: {f.message}" for f in problems]
            return IntakeResult("refused", "；".join(msgs))
        unchanged = gitrun.tree_of(root, "HEAD") == gitrun.tree_of(root, f"{remote}/{branch}")
        if not unchanged:
            gitrun.push_branch(root, branch, remote, token=push_token)
    finally:
        gitrun.switch_branch(root, start_branch)

    base_branch = base.split("/", 1)[1] if base.startswith(f"{remote}/") else base
    return _open_or_update(host, number, req, branch, base_branch, unchanged)


def _open_or_update(
    host: Host, number: int, req: IntakeRequest, branch: str, base_branch: str, unchanged: bool
) -> IntakeResult:
    """Open the pull request for the pushed branch, or say that the existing one was updated (or unchanged)."""
    existing = host.find_pull(branch, base_branch)
    title = f"工单 {req.order_id}：{req.type}（{req.unit_name}，来自 #{number}）"
    pr_body = (  # nothing written in the issue but the order id (an existing order's) and validated values
        f"由议题 #{number} 的表单自动生成：为工单 `{req.order_id}` 追加“{req.type}”事件（{req.unit_name}）。\n\n"
        f"文件：`{req.order_path}`\n\nCloses #{number}\n"
    )
    if existing is not None and unchanged:
        return IntakeResult("unchanged", f"内容没有变化，拉取请求 #{existing} 保持不变", existing)
    if existing is None:
        try:
            pull = host.create_pull(title, branch, base_branch, pr_body)
        except HostError as e:
            # an overlapping run opened it meanwhile (Gitea 409, GitHub 422): the push above updated it
            existing = host.find_pull(branch, base_branch) if e.status in (409, 422) else None
            if existing is None:
                raise
            host.comment(number, f"<!-- hotline:intake -->\n检查通过，已按修改后的内容更新拉取请求 #{existing}。")
            return IntakeResult("updated", f"已更新拉取请求 #{existing}", existing)
        host.comment(
            number,
            f"<!-- hotline:intake -->\n检查通过，已生成拉取请求 #{pull}，待热线管理机构审核合并；合并后本议题自动关闭。",
        )
        return IntakeResult("opened", f"已生成拉取请求 #{pull}", pull)
    host.comment(number, f"<!-- hotline:intake -->\n检查通过，已按修改后的内容更新拉取请求 #{existing}。")
    return IntakeResult("updated", f"已更新拉取请求 #{existing}", existing)
