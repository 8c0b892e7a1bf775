"""A real HTTP server on loopback that behaves like the GitHub or the Gitea issue API (test helper).

It keeps issues, labels, comments and pull requests in memory and answers the endpoints hotline uses,
with each host's differences (see ``docs/git-hosts.md``):

- GitHub: ``/repos/{o}/{r}/…``; labels by name; label colour without ``#``; ``labels=a,b`` means all of
  them; pull requests appear in the issue list; ``per_page`` ≤ 100; ``PATCH`` takes ``labels`` and
  ``state_reason``.
- Gitea: ``/api/v1/repos/{o}/{r}/…``; creating an issue or setting its labels takes label **ids** (names
  are refused with 422); creating a label requires a colour; ``labels=a,b`` means *any* of them (as
  documented) or *all* (``label_mode='all'``, as the 1.21+ indexer does); unknown label names are
  dropped from the filter, and a filter of only unknown names returns everything; ``type=issues``;
  ``limit`` capped at ``max_items``; ``PATCH`` ignores ``labels`` and ``state_reason``.

Faults are injected per request: ``fail(...)`` answers 500 (without doing anything) to matching
requests, ``rate_limit(...)`` answers 403/429 with the given headers, ``slow(...)`` delays them (to make
two runs overlap), ``together(...)`` holds the first matching ones until all of them have arrived (so that two
runs certainly overlap there). Every request is logged with the account that made it.

It also refuses what the real hosts refuse:

- a pull request whose head branch does not exist (GitHub 422, Gitea 404), with no commits between head
  and base (422 on both), or a second open one for the same head and base (GitHub 422, Gitea 409);
- comments are edited by their repository-wide id (``PATCH …/issues/comments/{id}``), on issues and
  pull requests alike (a pull request is an issue with the same number);
- organisation labels (``add_org_label``) are on issues and accepted by id on Gitea, but ``GET …/labels``
  of the repository does not list them.

With ``git_dir`` (a bare repository) it serves Git over smart HTTP at ``/{owner}/{name}.git`` through
``git http-backend``, authenticated like the hosts (``x-access-token:TOKEN`` basic auth, or the token
as password), with partial clones allowed as both hosts allow them (``--filter=blob:none``, then the
missing objects on demand), and records every push with the account whose token made it (``pushes``). Tokens map
to accounts (``tokens``): the workflow's own token is the ``github-actions``/``gitea-actions`` account,
whose pushes start no workflow on either host (``triggering_pushes``). A new pull request gets
``refs/pull/N/head`` and, when it merges cleanly, ``refs/pull/N/merge`` in the repository.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

TOKEN = "test-token-123"  # the bot account's token (HOTLINE_TOKEN)
WORKFLOW_TOKEN = "workflow-token-456"  # the workflow's own token (GITHUB_TOKEN / GITEA_TOKEN)
BOT = "hotline-bot"


@dataclass
class Fault:
    method: str
    path_re: str
    status: int
    headers: dict[str, str]
    body: dict
    remaining: int


@dataclass
class Gate:
    """The first ``barrier.parties`` requests matching ``method`` and ``path_re`` wait for one another."""

    method: str
    path_re: str
    barrier: threading.Barrier
    passed: int = 0


@dataclass
class FakeHost:
    flavour: str = "github"
    owner: str = "county"
    name: str = "records"
    max_items: int = 100
    label_mode: str = "any"  # gitea only: how labels=a,b filters
    issues: dict[int, dict] = field(default_factory=dict)
    labels: dict[str, dict] = field(default_factory=dict)
    comments: dict[int, list[dict]] = field(default_factory=dict)
    pulls: dict[int, dict] = field(default_factory=dict)
    assignable: set[str] | None = None  # None: anyone can be assigned
    log: list[tuple[str, str, dict, object]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    delays: list[tuple[str, str, float]] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)
    next_number: int = 1
    next_label_id: int = 101
    next_comment_id: int = 1
    org_labels: dict[str, dict] = field(default_factory=dict)
    git_dir: str | None = None  # a bare repository served over smart HTTP
    tokens: dict[str, str] | None = None  # token → account
    pushes: list[tuple[str, dict[str, tuple[str | None, str | None]]]] = field(default_factory=list)
    fetched: list[int] = field(default_factory=list)  # bytes of each git-upload-pack answer (a fetch's pack)

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.git_lock = threading.Lock()
        self.accounts_log: list[tuple[str, str, str | None]] = []
        if self.tokens is None:
            self.tokens = {TOKEN: BOT, WORKFLOW_TOKEN: self.workflow_account}
        self.prefix = ("/api/v1" if self.flavour == "gitea" else "") + f"/repos/{self.owner}/{self.name}"
        if self.flavour == "gitea":
            self.max_items = min(self.max_items, 50)

    # -- test controls ----------------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        return base + ("/api/v1" if self.flavour == "gitea" else "")

    @property
    def repo(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def server_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def clone_url(self) -> str:
        return f"{self.server_url}/{self.repo}.git"

    @property
    def workflow_account(self) -> str:
        return "gitea-actions" if self.flavour == "gitea" else "github-actions[bot]"

    def triggering_pushes(self) -> list[tuple[str, dict]]:
        """Pushes that start workflows: both hosts ignore events made with the workflow's own token."""
        return [p for p in self.pushes if p[0] != self.workflow_account]

    def slow(self, method: str, path_re: str, seconds: float) -> None:
        self.delays.append((method, path_re, seconds))

    def together(self, method: str, path_re: str, parties: int = 2, timeout: float = 300.0) -> None:
        """Hold the first ``parties`` matching requests until all of them have arrived (at most ``timeout``
        seconds), then answer them: runs that each send one have all got that far before any is answered."""
        self.gates.append(Gate(method, path_re, threading.Barrier(parties, timeout=timeout)))

    def add_org_label(self, name: str, color: str = "00aabb") -> dict:
        """A label of the owning organisation: usable on issues, not listed by the repository's labels."""
        label = {"id": self.next_label_id, "name": name, "color": color, "description": "", "exclusive": False}
        self.next_label_id += 1
        self.org_labels[name] = label
        return label

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", "--git-dir", self.git_dir, *args], capture_output=True, text=True, check=True
        ).stdout

    def refs(self) -> dict[str, str]:
        out = subprocess.run(
            ["git", "--git-dir", self.git_dir, "for-each-ref", "--format=%(refname) %(objectname)"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return dict(line.split(" ", 1) for line in out.splitlines() if line)

    def fail(self, method: str, path_re: str, times: int = 1, status: int = 500) -> None:
        self.faults.append(Fault(method, path_re, status, {}, {"message": "Internal Server Error"}, times))

    def rate_limit(
        self,
        method: str,
        path_re: str,
        headers: dict[str, str],
        status: int = 403,
        times: int = 1,
        message: str = "API rate limit exceeded",
    ) -> None:
        self.faults.append(Fault(method, path_re, status, headers, {"message": message}, times))

    def mutations(self) -> list[tuple[str, str, dict, object]]:
        return [entry for entry in self.log if entry[0] != "GET"]

    def add_label(self, name: str, color: str = "ededed") -> dict:
        label = {"id": self.next_label_id, "name": name, "color": color, "description": ""}
        self.next_label_id += 1
        self.labels[name] = label
        return label

    def add_issue(
        self,
        title: str,
        body: str = "",
        labels: list[str] = (),
        state: str = "open",
        pull: bool = False,
        assignees: list[str] = (),
    ) -> dict:
        for n in labels:
            if n not in self.labels and n not in self.org_labels:
                self.add_label(n)
        issue = {
            "number": self.next_number,
            "title": title,
            "body": body,
            "state": state,
            "labels": [dict(self.labels.get(n) or self.org_labels[n]) for n in labels],
            "assignees": [{"login": a} for a in assignees],
            "state_reason": None,
        }
        if pull:
            issue["pull_request"] = {"url": "x"}
        self.issues[self.next_number] = issue
        self.comments[self.next_number] = []
        self.next_number += 1
        return issue

    def our_issues(self) -> list[dict]:
        return [i for i in self.issues.values() if "hotline:order=" in (i["body"] or "") and "pull_request" not in i]

    def snapshot(self) -> list[tuple]:
        """What a person would see: each issue's title, body, state, label names, assignees, comments."""
        out = []
        for n, i in sorted(self.issues.items()):
            out.append(
                (
                    n,
                    i["title"],
                    i["body"],
                    i["state"],
                    tuple(sorted(lb["name"] for lb in i["labels"])),
                    tuple(sorted(a["login"] for a in i["assignees"])),
                    tuple(c["body"] for c in self.comments.get(n, [])),
                )
            )
        return out

    # -- serving ----------------------------------------------------------------------------------
    def start(self) -> FakeHost:
        host = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _do(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if host.git_dir and re.match(rf"^/{re.escape(host.repo)}(\.git)?/", self.path):
                    return self._git(raw)
                body = json.loads(raw) if raw else None
                status, headers, payload = host.handle(self.command, self.path, dict(self.headers), body)
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _git(self, raw: bytes):
                status, headers, data = host.serve_git(self.command, self.path, dict(self.headers), raw)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _do

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def account_of(self, headers: dict, schemes: tuple[str, ...]) -> str | None:
        auth = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() not in schemes:
            return None
        if scheme.lower() == "basic":
            try:
                value = base64.b64decode(value).decode().partition(":")[2]
            except ValueError:
                return None
        return self.tokens.get(value)

    def serve_git(self, method: str, raw_path: str, headers: dict, raw: bytes) -> tuple[int, dict, bytes]:
        """Git smart HTTP through ``git http-backend`` (CGI), for accounts with a valid token only."""
        account = self.account_of(headers, ("basic",))
        parts = urlsplit(raw_path)
        self.log.append((method, parts.path, {"account": account}, None))
        if account is None:
            return 401, {"WWW-Authenticate": 'Basic realm="fake"'}, b"Unauthorized\n"
        path = re.sub(rf"^/{re.escape(self.repo)}(\.git)?", "", parts.path)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": self.git_dir,
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": path,
            "QUERY_STRING": parts.query,
            "REQUEST_METHOD": method,
            "REMOTE_USER": account,
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": {k.lower(): v for k, v in headers.items()}.get("content-type", ""),
            "CONTENT_LENGTH": str(len(raw)),
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": self.git_dir,
            "GIT_COMMITTER_NAME": "fake host",
            "GIT_COMMITTER_EMAIL": "host@fake.invalid",
        }
        encoding = {k.lower(): v for k, v in headers.items()}.get("content-encoding", "")
        if encoding:
            env["HTTP_CONTENT_ENCODING"] = encoding
        pushing = path.endswith("/git-receive-pack")
        with self.git_lock:
            before = self.refs() if pushing else {}
            done = subprocess.run(
                [
                    "git",
                    "-c",
                    "http.receivepack=true",
                    "-c",
                    "uploadpack.allowFilter=true",
                    "-c",
                    "uploadpack.allowReachableSHA1InWant=true",
                    "http-backend",
                ],
                input=raw,
                env=env,
                capture_output=True,
            )
            if pushing:
                after = self.refs()
                changed = {
                    r: (before.get(r), after.get(r)) for r in set(before) | set(after) if before.get(r) != after.get(r)
                }
                if changed:
                    self.pushes.append((account, changed))
                    with self.lock:
                        self.after_push(changed)
        head, _, data = done.stdout.partition(b"\r\n\r\n")
        if method == "POST" and path.endswith("/git-upload-pack"):
            self.fetched.append(len(data))
        status, out_headers = 200, {}
        for line in head.decode("latin-1").split("\r\n"):
            k, _, v = line.partition(":")
            if k.lower() == "status":
                status = int(v.strip().split()[0])
            elif k:
                out_headers[k] = v.strip()
        return status, out_headers, data

    def handle(self, method: str, raw_path: str, headers: dict, body) -> tuple[int, dict, object]:
        for m, path_re, seconds in self.delays:
            if m == method and re.search(path_re, urlsplit(raw_path).path):
                time.sleep(seconds)
        for g in self.gates:
            if g.method == method and re.search(g.path_re, urlsplit(raw_path).path):
                with self.lock:
                    g.passed += 1
                    held = g.passed <= g.barrier.parties
                if held:  # (not all came within the time: answered anyway, and the test sees it)
                    with contextlib.suppress(threading.BrokenBarrierError):
                        g.barrier.wait()
        with self.lock:
            parts = urlsplit(raw_path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            account = self.account_of(headers, ("token",) if self.flavour == "gitea" else ("bearer", "token"))
            self.log.append((method, parts.path, query, body))
            self.accounts_log.append((method, parts.path, account))
            if account is None:
                return 401, {}, {"message": "Bad credentials"}
            for f in self.faults:
                if f.remaining > 0 and f.method == method and re.search(f.path_re, parts.path):
                    f.remaining -= 1
                    return f.status, f.headers, f.body
            if not parts.path.startswith(self.prefix):
                return 404, {}, {"message": "Not Found"}
            return self.route(method, parts.path[len(self.prefix) :], query, body)

    # -- the API ----------------------------------------------------------------------------------
    def route(self, method, path, query, body):
        if path == "/labels" and method == "GET":
            return self.page(sorted(self.labels.values(), key=lambda lb: lb["id"]), path, query)
        if path == "/labels" and method == "POST":
            return self.create_label(body)
        if path == "/issues" and method == "GET":
            return self.list_issues(path, query)
        if path == "/issues" and method == "POST":
            return self.create_issue(body)
        m = re.fullmatch(r"/issues/comments/(\d+)", path)
        if m and method == "PATCH":  # both hosts: comment ids are repository-wide
            found = [c for cs in self.comments.values() for c in cs if c["id"] == int(m.group(1))]
            if not found:
                return 404, {}, {"message": "Not Found"}
            found[0]["body"] = body["body"]
            return 200, {}, found[0]
        m = re.fullmatch(r"/issues/(\d+)(/labels|/comments)?", path)
        if m:
            number = int(m.group(1))
            if number not in self.issues:
                return 404, {}, {"message": "Not Found"}
            sub = m.group(2)
            if sub is None and method == "PATCH":
                return self.edit_issue(number, body)
            if sub is None and method == "GET":
                return 200, {}, self.issues[number]
            if sub == "/labels" and method == "PUT":
                return self.put_labels(number, body)
            if sub == "/comments" and method == "POST":
                comment = {"id": self.next_comment_id, "body": body["body"]}
                self.next_comment_id += 1
                self.comments[number].append(comment)
                return 201, {}, comment
            if sub == "/comments" and method == "GET":
                return self.page(self.comments[number], path, query)
        if path == "/pulls" and method == "GET":
            return self.page([p for p in self.pulls.values() if p["state"] == query.get("state", "open")], path, query)
        if path == "/pulls" and method == "POST":
            return self.create_pull(body)
        m = re.fullmatch(r"/pulls/(\d+)", path)
        if m and method == "PATCH" and int(m.group(1)) in self.pulls:
            pr = self.pulls[int(m.group(1))]
            for k in ("title", "body", "state"):
                if body.get(k) is not None:
                    pr[k] = body[k]
            return (201 if self.flavour == "gitea" else 200), {}, pr
        return 404, {}, {"message": f"no route {method} {path}"}

    def create_pull(self, body):
        head, base = body["head"], body["base"]
        if any(
            p["state"] == "open" and p["head"]["ref"] == head and p["base"]["ref"] == base for p in self.pulls.values()
        ):
            if self.flavour == "gitea":
                return (
                    409,
                    {},
                    {"message": f"pull request already exists for these targets [head: {head}, base: {base}]"},
                )
            return (
                422,
                {},
                {
                    "message": "Validation Failed",
                    "errors": [
                        {
                            "resource": "PullRequest",
                            "code": "custom",
                            "message": f"A pull request already exists for {self.owner}:{head}.",
                        }
                    ],
                },
            )
        if self.git_dir is not None:
            refs = self.refs()
            head_sha, base_sha = refs.get(f"refs/heads/{head}"), refs.get(f"refs/heads/{base}")
            if head_sha is None or base_sha is None:
                if self.flavour == "gitea":
                    return 404, {}, {"message": f"branch {head if head_sha is None else base} does not exist"}
                return (
                    422,
                    {},
                    {
                        "message": "Validation Failed",
                        "errors": [{"resource": "PullRequest", "field": "head", "code": "invalid"}],
                    },
                )
            ahead = self.git("rev-list", "--count", f"{base_sha}..{head_sha}").strip()
            if ahead == "0":
                if self.flavour == "gitea":
                    return (
                        422,
                        {},
                        {"message": "Invalid PullRequest: There are no changes between the head and the base"},
                    )
                return (
                    422,
                    {},
                    {
                        "message": "Validation Failed",
                        "errors": [
                            {
                                "resource": "PullRequest",
                                "code": "custom",
                                "message": f"No commits between {base} and {head}",
                            }
                        ],
                    },
                )
        number = self.next_number
        self.next_number += 1
        pr = {
            "number": number,
            "title": body["title"],
            "body": body.get("body", ""),
            "state": "open",
            "head": {"ref": head, "sha": None},
            "base": {"ref": base, "sha": None},
            "user": {"login": "?"},
        }
        if self.git_dir is not None:
            self.pull_refs(number, pr, head_sha, base_sha)
        self.pulls[number] = pr
        # a pull request is an issue too (same numbers; comments through /issues/N/comments)
        self.issues[number] = {
            "number": number,
            "title": pr["title"],
            "body": pr["body"],
            "state": "open",
            "labels": [],
            "assignees": [],
            "state_reason": None,
            "pull_request": {"url": "x"},
        }
        self.comments[number] = []
        return 201, {}, pr

    def pull_refs(self, number: int, pr: dict, head_sha: str, base_sha: str) -> None:
        """``refs/pull/N/head`` and, when it merges cleanly, ``refs/pull/N/merge`` (as the hosts keep them)."""
        pr["head"]["sha"], pr["base"]["sha"] = head_sha, base_sha
        self.git("update-ref", f"refs/pull/{number}/head", head_sha)
        merged = subprocess.run(
            ["git", "--git-dir", self.git_dir, "merge-tree", "--write-tree", base_sha, head_sha],
            capture_output=True,
            text=True,
        )
        if merged.returncode == 0:
            tree = merged.stdout.split()[0]
            env = {
                **os.environ,
                "GIT_AUTHOR_NAME": "fake host",
                "GIT_AUTHOR_EMAIL": "host@fake.invalid",
                "GIT_COMMITTER_NAME": "fake host",
                "GIT_COMMITTER_EMAIL": "host@fake.invalid",
            }
            commit = subprocess.run(
                [
                    "git",
                    "--git-dir",
                    self.git_dir,
                    "commit-tree",
                    tree,
                    "-p",
                    base_sha,
                    "-p",
                    head_sha,
                    "-m",
                    f"Merge {pr['head']['ref']} into {pr['base']['ref']}",
                ],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            ).stdout.strip()
            self.git("update-ref", f"refs/pull/{number}/merge", commit)

    def after_push(self, changed: dict) -> None:
        """A push to an open pull request's head branch updates its refs, as on both hosts."""
        for number, pr in self.pulls.items():
            new = changed.get(f"refs/heads/{pr['head']['ref']}", (None, None))[1]
            if pr["state"] == "open" and new:
                self.pull_refs(number, pr, new, self.refs()[f"refs/heads/{pr['base']['ref']}"])

    def page(self, items: list, path: str, query: dict):
        size_key = "limit" if self.flavour == "gitea" else "per_page"
        size = min(int(query.get(size_key, 30)), self.max_items)
        page = int(query.get("page", 1))
        chunk = items[(page - 1) * size : page * size]
        headers = {}
        links = []
        if page * size < len(items):
            q = dict(query)
            q["page"] = str(page + 1)
            links.append(f'<{self.api_url}{self.prefix.removeprefix("/api/v1")}{path}?{urlencode(q)}>; rel="next"')
        if links:
            headers["Link"] = ", ".join(links)
        if self.flavour == "gitea":
            headers["X-Total-Count"] = str(len(items))
        return 200, headers, chunk

    def create_label(self, body):
        color = (body or {}).get("color")
        if self.flavour == "gitea":
            if not color:
                return 422, {}, {"message": "[Color]: Required"}
            if not re.fullmatch(r"#?[0-9a-fA-F]{6}", color):
                return 422, {}, {"message": "invalid color"}
        elif color is not None and not re.fullmatch(r"[0-9a-fA-F]{6}", color):
            return 422, {}, {"message": "Validation Failed: color"}
        if body["name"] in self.labels:
            return 422, {}, {"message": "already_exists"}
        label = self.add_label(body["name"], (color or "ededed").lstrip("#"))
        return 201, {}, label

    def _labels_from(self, values) -> tuple[list[dict] | None, str | None]:
        out = []
        for v in values or []:
            if self.flavour == "gitea":
                if not isinstance(v, int):
                    return None, "json: cannot unmarshal string into Go struct field .labels of type int64"
                match = [lb for lb in [*self.labels.values(), *self.org_labels.values()] if lb["id"] == v]
                if not match:
                    return None, f"label {v} does not exist"
                out.append(dict(match[0]))
            else:
                if not isinstance(v, str):
                    return None, "labels must be names"
                if v not in self.labels:
                    self.add_label(v)
                out.append(dict(self.labels[v]))
        return out, None

    def list_issues(self, path, query):
        items = sorted(self.issues.values(), key=lambda i: -i["number"])  # newest first, like both hosts
        state = query.get("state", "open")
        if state != "all":
            items = [i for i in items if i["state"] == state]
        if self.flavour == "gitea" and query.get("type") == "issues":
            items = [i for i in items if "pull_request" not in i]
        if self.flavour == "gitea" and query.get("type") == "pulls":
            items = [i for i in items if "pull_request" in i]
        names = [n for n in query.get("labels", "").split(",") if n]
        if names:
            if self.flavour == "gitea":
                known = [n for n in names if n in self.labels]  # unknown names are dropped
                if known:
                    test = any if self.label_mode == "any" else all
                    items = [i for i in items if test(n in {lb["name"] for lb in i["labels"]} for n in known)]
            else:
                items = [i for i in items if all(n in {lb["name"] for lb in i["labels"]} for n in names)]
        return self.page(items, path, query)

    def create_issue(self, body):
        labels, err = self._labels_from(body.get("labels"))
        if err:
            return 422, {}, {"message": err}
        assignees = body.get("assignees") or []
        if self.assignable is not None and any(a not in self.assignable for a in assignees):
            return 422, {}, {"message": "Validation Failed: assignees"}
        issue = self.add_issue(body["title"], body.get("body", ""), [], assignees=assignees)
        issue["labels"] = labels
        return 201, {}, issue

    def edit_issue(self, number, body):
        issue = self.issues[number]
        if body.get("title"):
            issue["title"] = body["title"]
        if body.get("body") is not None:
            issue["body"] = body["body"]
        if body.get("state") in ("open", "closed"):
            issue["state"] = body["state"]
        elif body.get("state") is not None:
            return 422, {}, {"message": "invalid state"}
        if self.flavour == "github":
            if "state_reason" in body:
                issue["state_reason"] = body["state_reason"]
            if "labels" in body:
                labels, err = self._labels_from(body["labels"])
                if err:
                    return 422, {}, {"message": err}
                issue["labels"] = labels
        return (201 if self.flavour == "gitea" else 200), {}, issue

    def put_labels(self, number, body):
        labels, err = self._labels_from((body or {}).get("labels"))
        if err:
            return 422, {}, {"message": err}
        self.issues[number]["labels"] = labels
        return 200, {}, labels
