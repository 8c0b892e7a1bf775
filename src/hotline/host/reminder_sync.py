"""Carrying out the reminder plan on the Git host (督办提醒同步): read issues, plan, apply.

``sync(host, repo, as_of)`` creates the labels it needs, lists every issue carrying a state label
(open and closed, every page, one label per request), plans with ``overdue.plan`` and applies the
actions one by one. It is safe to interrupt: each action is complete on its own and the next run plans
again from what exists. A close is one ``PATCH`` (state and the reason appended to the body) and then
the comment: interrupted in between, the issue is closed and still says why, and nothing is repeated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from hotline.host.client import Host, HostError, Issue
from hotline.host.reminders import (
    STATE_LABELS,
    Action,
    Plan,
    dispatch_states,
    label_specs,
    plan,
    reminders,
)
from hotline.load import Repository


@dataclass
class SyncResult:
    plan: Plan
    labels_created: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)  # descriptions of actions carried out
    refused: list[str] = field(default_factory=list)  # actions the host refused (reported; the run went on)
    error: str | None = None

    def summary(self) -> str:
        p = self.plan
        parts = [
            f"新建 {p.count('create')}",
            f"更新 {p.count('update')}",
            f"重新打开 {p.count('reopen')}",
            f"关闭 {p.count('close')}",
            f"未变 {p.unchanged}",
        ]
        if p.unmarked:
            parts.append(f"无标记（未处理）{p.unmarked}")
        return "，".join(parts)


REFUSED_ONE = (400, 404, 409, 410, 413, 422)  # refusals about one request, not about the token or the host


def existing_issues(host: Host) -> list[Issue]:
    by_number: dict[int, Issue] = {}
    for name in STATE_LABELS.values():
        for issue in host.issues_with_label(name):
            by_number[issue.number] = issue
    return sorted(by_number.values(), key=lambda i: i.number)


def sync(
    host: Host,
    repo: Repository,
    as_of: datetime,
    *,
    dry_run: bool = False,
    progress: Callable[[str], None] = lambda s: None,
) -> SyncResult:
    wanted = reminders(repo, as_of)
    created = host.ensure_labels(label_specs(wanted, repo), dry_run=dry_run)
    issues = existing_issues(host)
    the_plan = plan(wanted, issues, dispatch_states(repo, as_of), repo.units)
    result = SyncResult(the_plan, created)
    if dry_run:
        return result
    known = {i.number: i.label_ids for i in issues}
    try:
        for action in the_plan.actions:
            try:
                _apply(host, action, known)
            except HostError as e:
                if e.status not in REFUSED_ONE:
                    raise
                result.refused.append(f"{action.describe()}：{e}")  # this issue only (e.g. 422): report, go on
                progress(result.refused[-1])
                continue
            text = action.describe()
            result.done.append(text)
            progress(text)
        if the_plan.count("create"):
            # an overlapping run (Gitea ignores `concurrency` up to 1.25) may have created the same issues
            for text in close_duplicates(host, existing_issues(host)):
                result.done.append(text)
                progress(text)
    except HostError as e:
        result.error = str(e)
    return result


def close_duplicates(host: Host, issues: list[Issue]) -> list[str]:
    """Open issues with the same marker: the lowest number stays; the others lose the marker and their
    labels and are closed as duplicates. Every run applies the same rule, so overlapping runs agree."""
    from hotline.host.reminders import MARKER

    done = []
    first: dict[tuple[str, str], int] = {}
    for issue in sorted(issues, key=lambda i: i.number):
        m = MARKER.search(issue.body or "")
        if not m or issue.state != "open":
            continue
        key = (m.group(1), m.group(2))
        if key not in first:
            first[key] = issue.number
            continue
        keep = first[key]
        body = MARKER.sub(f"<!-- hotline:duplicate-of={keep} -->", issue.body, count=1)
        host.set_labels(issue.number, [n for n in issue.labels if n not in STATE_LABELS.values()], issue.label_ids)
        host.close_issue(issue.number, body)
        host.comment(issue.number, f"与 #{keep} 重复（两次同步同时运行），已关闭；请在 #{keep} 中跟进。")
        done.append(f"关闭重复的议题 #{issue.number}（保留 #{keep}）")
    return done


def _apply(host: Host, a: Action, known: dict[int, dict[str, int]] | None = None) -> None:
    if a.kind == "create":
        r = a.reminder
        assert r is not None and a.title is not None and a.body is not None and a.labels is not None
        host.create_issue(a.title, a.body, a.labels, list(r.maintainers))
        return
    assert a.number is not None  # (``plan`` gives every other action the issue it is about)
    if a.kind in ("update", "reopen"):
        if a.kind == "reopen":
            host.reopen_issue(a.number)
        host.edit_issue(a.number, title=a.title, body=a.body)
        if a.labels is not None:
            host.set_labels(a.number, a.labels, (known or {}).get(a.number))
    elif a.kind == "close":
        host.close_issue(a.number, a.body)  # the reason goes into the body in the same request
        if a.comment is not None:
            host.comment(a.number, a.comment)
    else:  # pragma: no cover - plan() makes no other kind
        raise ValueError(a.kind)
