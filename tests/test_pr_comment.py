"""``Host.upsert_comment`` against the loopback fake host, both flavours: one comment per marker."""

from __future__ import annotations

import pytest
from fake_githost import TOKEN, FakeHost

from hotline.host.client import open_host


@pytest.mark.parametrize("flavour", ["github", "gitea"])
def test_one_comment_per_marker_created_updated_never_duplicated(flavour):
    fake = FakeHost(flavour=flavour).start()
    try:
        issue = fake.add_issue("拉取请求", pull=True)
        n = issue["number"]
        fake.comments[n].append({"id": 900, "body": "<!-- hotline:intake -->\n别的评论"})
        with open_host(flavour, fake.api_url, fake.repo, TOKEN) as host:
            assert host.upsert_comment(n, "<!-- hotline:check -->", "通过", create=False) == "absent"
            assert len(fake.comments[n]) == 1
            assert host.upsert_comment(n, "<!-- hotline:check -->", "1 个错误") == "created"
            assert host.upsert_comment(n, "<!-- hotline:check -->", "1 个错误") == "unchanged"
            assert host.upsert_comment(n, "<!-- hotline:check -->", "0 个错误", create=False) == "updated"
        bodies = [c["body"] for c in fake.comments[n]]
        assert bodies == ["<!-- hotline:intake -->\n别的评论", "<!-- hotline:check -->\n0 个错误"]
        assert [m for m, *_ in fake.mutations()] == ["POST", "PATCH"]
    finally:
        fake.stop()
