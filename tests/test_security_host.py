"""Attacks 6 and 13: on the Git host, an edit by someone else, a run triggered by another account, and a
host that refuses, floods with Retry-After or points its pages elsewhere."""

from __future__ import annotations

import http.server
import threading
from typing import ClassVar

import pytest
from click.testing import CliRunner
from fake_githost import TOKEN, FakeHost
from test_intake import NOW, checkout, ctx, git, issue_event, submission, textual_append  # noqa: F401 (fixtures)
from test_overdue import ORDER_A, ORDER_B, run_sync, setup_records
from test_permissions import ORDER_PATH, repo  # noqa: F401 (fixture)

from hotline.cli import main
from hotline.host.client import HostError, open_host
from hotline.host.intake_run import process_issue


@pytest.fixture(params=["github", "gitea"])
def fake(request):
    host = FakeHost(flavour=request.param).start()
    yield host
    host.stop()


# --- 6: intake acts for the sender only when the sender is the author --------------------------------


def test_an_edit_by_another_account_never_acts_in_the_authors_name(checkout, fake):  # noqa: F811 (fixture)
    root, remote = checkout
    fake.add_issue("[接收] 工单编号：JC2026112000123")
    with open_host(fake.flavour, fake.api_url, fake.repo, TOKEN) as host:
        first = process_issue(
            root, issue_event(submission("接收"), number=1), host, base="origin/main", as_of=NOW, append=textual_append
        )
        assert first.status == "opened"
        before = git(remote, "rev-parse", "intake/issue-1")
        git(root, "fetch", "-q", "origin")
        edited = issue_event(submission("接收", office="党政办"), number=1)  # issue by wangli …
        edited["action"], edited["sender"] = "edited", {"login": "mallory"}  # … edited by mallory
        second = process_issue(root, edited, host, base="origin/main", as_of=NOW, append=textual_append)
    assert second.status == "refused" and "mallory" in second.message
    assert git(remote, "rev-parse", "intake/issue-1") == before  # the pull request was not force-updated
    assert len(fake.pulls) == 1 and "党政办" not in git(
        remote, "show", "intake/issue-1:" + "orders/2026/11/JC2026112000123.yaml"
    )
    assert "不会以作者的名义登记" in fake.comments[1][-1]["body"]


def test_permission_check_needs_both_the_opener_and_the_triggering_account(repo):  # noqa: F811 (fixture)
    repo.append(ORDER_PATH, "  - {at: 2026-11-20 11:30, type: 接收, unit: zhujian, by: 赵强}\n")
    repo.commit("zhujian accepts")
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
    runner = CliRunner()
    assert runner.invoke(main, args + ["--changed-by", "zhaoqiang"]).exit_code == 0
    # the pull request was opened by zhujian's maintainer, but the run was triggered by wangli (jincun)
    both = runner.invoke(main, args + ["--changed-by", "zhaoqiang", "--changed-by", "wangli"])
    assert both.exit_code == 1 and "permission-denied" in both.output
    empty = runner.invoke(main, args + ["--changed-by", " "])
    assert empty.exit_code == 1


# --- 13: overdue sync against a hostile or failing host -------------------------------------------


def test_one_refused_issue_does_not_stop_the_other_reminders(fake, records):
    setup_records(records, ORDER_A, ORDER_B)
    fake.fail("POST", r"/issues$", times=2, status=422)  # the first create is refused, also without assignees
    result = run_sync(fake, records, "2026-12-03 09:00")
    assert result.error is None and len(result.refused) == 1 and "HTTP 422" in result.refused[0]
    assert len(fake.our_issues()) == 1  # the other reminder was still created


def test_retry_after_zero_is_not_a_flood_and_nan_is_not_a_traceback(fake, records):
    setup_records(records, ORDER_B)
    fake.rate_limit("GET", r"/labels$", {"retry-after": "0"}, status=429, times=3000)
    sleeps: list[float] = []
    with pytest.raises(HostError, match="限制了请求频率"):
        run_sync(fake, records, "2026-11-27 10:00", sleeps=sleeps)
    assert len(fake.log) <= 25 and all(s >= 1.0 for s in sleeps)
    fake.faults.clear()
    fake.rate_limit("GET", r"/labels$", {"retry-after": "nan"}, status=429, times=1)
    sleeps.clear()
    result = run_sync(fake, records, "2026-11-27 10:00", sleeps=sleeps)
    assert result.error is None and sleeps and all(1.0 <= s <= 900.0 for s in sleeps)


class _Catch(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list] = []

    def do_GET(self):
        _Catch.seen.append(dict(self.headers))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"[]")

    def log_message(self, *args):
        pass


def test_a_next_page_on_another_port_never_receives_the_token(fake):
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Catch)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        port = other.server_address[1]
        evil = f"http://127.0.0.1:{port}{fake.prefix}/labels?page=2"
        fake.rate_limit("GET", r"/labels$", {"Link": f'<{evil}>; rel="next"'}, status=200, times=1)
        fake.faults[-1].body = [{"id": 1, "name": "x"}]
        with (
            open_host(fake.flavour, fake.api_url, fake.repo, TOKEN, sleep=lambda s: None) as host,
            pytest.raises(HostError, match="分页链接指向了别的地址"),
        ):
            host.list_labels()
    finally:
        other.shutdown()
    assert _Catch.seen == []
