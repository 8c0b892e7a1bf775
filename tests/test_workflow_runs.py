"""Every shipped workflow, run for real by act on this machine, offline, in both flavours (GitHub, Gitea).

See ``workflow_harness.py`` for how: local stand-ins for every action, a throwaway virtual environment
for ``pip install .``, an empty HOME (no Git identity), the loopback fake host serving both the API and
the records repository over Git's smart HTTP. Gitea reads ``.github/workflows`` when there is no
``.gitea/workflows``; we ship none, so the same files run in both flavours.
"""

from __future__ import annotations

import pytest

from fake_githost import TOKEN, FakeHost
from workflow_harness import REPO, Records, Runner, git

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
    records = Records(tmp_path, host)
    yield host, records, Runner(tmp_path, host, records, flavour)
    host.stop()


def test_no_gitea_workflows_folder_so_gitea_runs_the_tested_files():
    assert not (REPO / ".gitea" / "workflows").exists()


def test_check_fails_a_bad_record_with_annotations_and_a_summary(env):
    host, records, runner = env
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
