"""A real HTTP server on loopback that behaves like the GitHub or the Gitea issue API (test helper).

It keeps issues, labels, comments and pull requests in memory and answers the endpoints hotline uses,
with each host's differences (see ``shared/notes/GIT_HOSTS.md``):

- GitHub: ``/repos/{o}/{r}/…``; labels by name; label colour without ``#``; ``labels=a,b`` means all of
  them; pull requests appear in the issue list; ``per_page`` ≤ 100; ``PATCH`` takes ``labels`` and
  ``state_reason``.
- Gitea: ``/api/v1/repos/{o}/{r}/…``; creating an issue or setting its labels takes label **ids** (names
  are refused with 422); creating a label requires a colour; ``labels=a,b`` means *any* of them (as
  documented) or *all* (``label_mode='all'``, as the 1.21+ indexer does); unknown label names are
  dropped from the filter, and a filter of only unknown names returns everything; ``type=issues``;
  ``limit`` capped at ``max_items``; ``PATCH`` ignores ``labels`` and ``state_reason``.

Faults are injected per request: ``fail(...)`` answers 500 (without doing anything) to matching
requests, ``rate_limit(...)`` answers 403/429 with the given headers. Every request is logged.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

TOKEN = "test-token-123"


@dataclass
class Fault:
    method: str
    path_re: str
    status: int
    headers: dict[str, str]
    body: dict
    remaining: int


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
    next_number: int = 1
    next_label_id: int = 101

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
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

    def fail(self, method: str, path_re: str, times: int = 1, status: int = 500) -> None:
        self.faults.append(Fault(method, path_re, status, {}, {"message": "Internal Server Error"}, times))

    def rate_limit(self, method: str, path_re: str, headers: dict[str, str], status: int = 403, times: int = 1,
                   message: str = "API rate limit exceeded") -> None:
        self.faults.append(Fault(method, path_re, status, headers, {"message": message}, times))

    def mutations(self) -> list[tuple[str, str, dict, object]]:
        return [entry for entry in self.log if entry[0] != "GET"]

    def add_label(self, name: str, color: str = "ededed") -> dict:
        label = {"id": self.next_label_id, "name": name, "color": color, "description": ""}
        self.next_label_id += 1
        self.labels[name] = label
        return label

    def add_issue(self, title: str, body: str = "", labels: list[str] = (), state: str = "open", pull: bool = False,
                  assignees: list[str] = ()) -> dict:
        for n in labels:
            if n not in self.labels:
                self.add_label(n)
        issue = {
            "number": self.next_number,
            "title": title,
            "body": body,
            "state": state,
            "labels": [dict(self.labels[n]) for n in labels],
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
            out.append((n, i["title"], i["body"], i["state"], tuple(sorted(lb["name"] for lb in i["labels"])),
                        tuple(sorted(a["login"] for a in i["assignees"])), tuple(c["body"] for c in self.comments.get(n, []))))
        return out

    # -- serving ----------------------------------------------------------------------------------
    def start(self) -> "FakeHost":
        host = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _do(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
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

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _do

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, method: str, raw_path: str, headers: dict, body) -> tuple[int, dict, object]:
        with self.lock:
            parts = urlsplit(raw_path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            self.log.append((method, parts.path, query, body))
            auth = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
            want = [f"token {TOKEN}"] if self.flavour == "gitea" else [f"Bearer {TOKEN}", f"token {TOKEN}"]
            if auth not in want:
                return 401, {}, {"message": "Bad credentials"}
            for f in self.faults:
                if f.remaining > 0 and f.method == method and re.search(f.path_re, parts.path):
                    f.remaining -= 1
                    return f.status, f.headers, f.body
            if not parts.path.startswith(self.prefix):
                return 404, {}, {"message": "Not Found"}
            return self.route(method, parts.path[len(self.prefix):], query, body)

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
                comment = {"id": len(self.comments[number]) + 1, "body": body["body"]}
                self.comments[number].append(comment)
                return 201, {}, comment
            if sub == "/comments" and method == "GET":
                return self.page(self.comments[number], path, query)
        if path == "/pulls" and method == "GET":
            return self.page([p for p in self.pulls.values() if p["state"] == query.get("state", "open")], path, query)
        if path == "/pulls" and method == "POST":
            number = self.next_number
            self.next_number += 1
            pr = {"number": number, "title": body["title"], "body": body.get("body", ""), "state": "open",
                  "head": {"ref": body["head"]}, "base": {"ref": body["base"]}}
            self.pulls[number] = pr
            return 201, {}, pr
        return 404, {}, {"message": f"no route {method} {path}"}

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
                match = [lb for lb in self.labels.values() if lb["id"] == v]
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
