"""The Git host's REST API (代码托管平台接口): GitHub and Gitea, over httpx.

One client with two flavours, because the two APIs agree on most paths and differ in details that
matter (see ``docs/git-hosts.md``):

- Gitea wants label **ids** when creating an issue and when setting an issue's labels, and a
  ``color`` when creating a label; GitHub takes names and a colour without ``#``.
- Gitea's ``PATCH …/issues/{n}`` has no ``labels`` and no ``state_reason``.
- Listing by label: GitHub returns issues with *all* the labels (and pull requests among them);
  Gitea's documentation says *any*, its indexer since 1.21 does *all*, and a label it does not know is
  dropped from the filter (a filter of only unknown labels returns every issue). So we list one label
  per request and filter the answers again ourselves: correct whatever the server does.
- Paging: GitHub ``per_page`` ≤ 100, Gitea ``limit`` ≤ 50 (``MAX_RESPONSE_ITEMS``); both send a
  ``Link`` header, Gitea also ``X-Total-Count``. We follow ``Link`` only to the API's own scheme, host
  and port (the token goes with the request).
- Rate limits (GitHub; a proxy in front of Gitea may add its own): 403 or 429 with ``retry-after``, or
  ``x-ratelimit-remaining: 0`` with ``x-ratelimit-reset``; otherwise a secondary limit, wait a minute
  and longer each time. We wait and retry — each wait at least ``WAIT_FLOOR`` and at most ``WAIT_CAP``
  seconds whatever the headers say, at most ``RATE_LIMIT_TRIES`` times and ``max_wait`` seconds in all —
  then give up in Chinese.
- Server errors (5xx) and dropped connections are retried for reads and idempotent writes; a failed
  POST is never repeated blindly (it may have been done): the next sync run finds what exists.

Errors reach the caller as ``HostError`` with a Chinese message. Every title and body sent is masked
(``privacy.mask_text``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from hotline.records.privacy import mask_text

Flavour = Literal["github", "gitea"]
USER_AGENT = "hotline-12345"
WAIT_FLOOR = 1.0  # seconds: "Retry-After: 0" a thousand times is not a thousand requests a second
WAIT_CAP = 900.0
RATE_LIMIT_TRIES = 20
_PORTS = {"http": 80, "https": 443}


class HostError(RuntimeError):
    """The host refused or failed a request; the message is Chinese and says what to do."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass
class Issue:
    number: int
    title: str
    body: str
    state: str  # open | closed
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    is_pull: bool = False
    label_ids: dict[str, int] = field(
        default_factory=dict
    )  # as the issue itself carries them (organisation labels too)

    @classmethod
    def from_json(cls, d: dict) -> Issue:
        return cls(
            number=int(d["number"]),
            title=d.get("title") or "",
            body=d.get("body") or "",
            state=d.get("state") or "open",
            labels=[lb["name"] for lb in d.get("labels") or [] if isinstance(lb, dict) and "name" in lb],
            assignees=[a["login"] for a in d.get("assignees") or [] if isinstance(a, dict) and "login" in a],
            is_pull=bool(d.get("pull_request")),
            label_ids={
                lb["name"]: int(lb["id"])
                for lb in d.get("labels") or []
                if isinstance(lb, dict) and "name" in lb and lb.get("id")
            },
        )


@dataclass(frozen=True)
class LabelSpec:
    name: str
    color: str  # rrggbb, no '#'
    description: str = ""


class Host:
    """A repository on a Git host. Use ``open_host`` to get the right flavour."""

    flavour: Flavour = "github"
    page_param = "per_page"
    page_size = 100

    def __init__(
        self,
        api_url: str,
        repo: str,
        token: str | None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_wait: float = 900.0,
        mutation_pause: float = 0.0,
        retries: int = 4,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ):
        if repo.count("/") != 1 or not all(repo.split("/")):
            raise HostError(f"仓库名“{repo}”格式不对，应写成 所有者/仓库名")
        self.api_url = api_url.rstrip("/")
        self.repo = repo
        self.sleep = sleep
        self.clock = clock
        self.max_wait = max_wait
        self.mutation_pause = mutation_pause
        self.retries = retries
        self.requests_made = 0
        self.mutations_made = 0
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        headers.update(self._auth_headers(token))
        self.client = httpx.Client(base_url=self.api_url, headers=headers, timeout=timeout, transport=transport)
        self._label_ids: dict[str, int] = {}

    # -- flavour hooks ----------------------------------------------------------------------------
    def _auth_headers(self, token: str | None) -> dict[str, str]:
        if not token:
            return {}
        return {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }

    def _label_color(self, color: str) -> str:
        return color.lstrip("#")

    def _issue_labels_payload(self, names: list[str]) -> list:
        return list(names)

    def _list_params(self) -> dict[str, str]:
        return {"state": "all"}

    def _close_payload(self) -> dict:
        return {"state": "closed", "state_reason": "completed"}

    # -- transport --------------------------------------------------------------------------------
    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Host:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def path(self, suffix: str) -> str:
        return f"/repos/{self.repo}{suffix}"

    def request(
        self, method: str, url: str, *, params: dict | None = None, json: Any = None, idempotent: bool | None = None
    ) -> httpx.Response:
        """One API call with rate-limit waits and retries; raises ``HostError`` on failure."""
        if idempotent is None:
            idempotent = method in ("GET", "PUT", "PATCH", "DELETE")
        waited = 0.0
        failures = 0
        limited = 0
        if isinstance(json, dict):  # issue titles and bodies, comments, pull requests: never an identity
            json = {k: mask_text(v) if k in ("title", "body") and isinstance(v, str) else v for k, v in json.items()}
        while True:
            try:
                self.requests_made += 1
                r = self.client.request(method, url, params=params, json=json)
            except httpx.TransportError as e:
                failures += 1
                if not idempotent or failures > self.retries:
                    raise HostError(f"无法连接代码托管平台（{self.api_url}）：{e}") from None
                self.sleep(min(2**failures, 30))
                continue
            if r.status_code in (403, 429) and self._rate_limited(r):
                limited += 1
                wait = self._rate_limit_wait(r, limited)
                if waited + wait > self.max_wait or limited > RATE_LIMIT_TRIES:
                    raise HostError(
                        f"代码托管平台限制了请求频率，需要再等 {int(wait)} 秒，超过本次运行允许的等待时间：请稍后重新运行（已完成的部分不会重复）",
                        r.status_code,
                    )
                waited += wait
                self.sleep(wait)
                continue
            if r.status_code >= 500:
                failures += 1
                if not idempotent or failures > self.retries:
                    raise HostError(
                        f"代码托管平台出错（HTTP {r.status_code}，{method} {r.request.url.path}）：请稍后重新运行，已完成的部分不会重复",
                        r.status_code,
                    )
                self.sleep(min(2**failures, 30))
                continue
            if r.status_code >= 400:
                raise HostError(self._refusal(method, r), r.status_code)
            if method != "GET":
                self.mutations_made += 1
                if self.mutation_pause:
                    self.sleep(self.mutation_pause)
            return r

    @staticmethod
    def _rate_limited(r: httpx.Response) -> bool:
        if r.status_code == 429 or "retry-after" in r.headers or r.headers.get("x-ratelimit-remaining") == "0":
            return True
        return "rate limit" in r.text.lower()

    def _rate_limit_wait(self, r: httpx.Response, attempt: int) -> float:
        """Seconds to wait, between ``WAIT_FLOOR`` and ``WAIT_CAP`` whatever the headers say."""
        wait = self._header_wait(r, attempt)
        return min(max(wait, WAIT_FLOOR), WAIT_CAP) if math.isfinite(wait) else WAIT_CAP

    def _header_wait(self, r: httpx.Response, attempt: int) -> float:
        retry_after = r.headers.get("retry-after")
        if retry_after is not None:
            try:
                return max(float(retry_after), 0.0)
            except ValueError:
                pass
        if r.headers.get("x-ratelimit-remaining") == "0" and r.headers.get("x-ratelimit-reset"):
            try:
                return max(float(r.headers["x-ratelimit-reset"]) - self.clock(), 0.0) + 1.0
            except ValueError:
                pass
        return 60.0 * 2 ** (attempt - 1)  # secondary limit without headers: a minute, then longer

    def _refusal(self, method: str, r: httpx.Response) -> str:
        try:
            detail = r.json().get("message") or r.text
        except ValueError:
            detail = r.text
        detail = str(detail)[:300]
        where = f"{method} {r.request.url.path}"
        if r.status_code == 401:
            return f"代码托管平台拒绝了令牌（HTTP 401，{where}）：请检查令牌是否正确、是否过期"
        if r.status_code == 403:
            return f"令牌没有权限（HTTP 403，{where}）：需要仓库的议题（issues）写权限。平台说明：{detail}"
        if r.status_code == 404:
            return f"找不到（HTTP 404，{where}）：请检查 --api-url 和 --repo，以及令牌能否访问该仓库"
        return f"代码托管平台拒绝了请求（HTTP {r.status_code}，{where}）：{detail}"

    def paginate(self, url: str, params: dict | None = None) -> Iterator[dict]:
        """Every item of a list endpoint, following ``Link: rel="next"`` (on this API host only)."""
        query: dict | None = {**(params or {}), self.page_param: str(self.page_size)}
        next_url = url
        seen = 0
        page = 1
        for _ in range(100_000):
            r = self.request("GET", next_url, params=query)
            items = r.json()
            if not isinstance(items, list):
                raise HostError(f"代码托管平台的回应不是列表（GET {r.request.url.path}）")
            yield from items
            seen += len(items)
            link = r.links.get("next", {}).get("url")
            if link:
                if not self._same_origin(link):
                    raise HostError(f"分页链接指向了别的地址（{link}），为保护令牌已停止")
                next_url, query = link, None
                continue
            total = r.headers.get("x-total-count")
            if items and total and total.isdigit() and seen < int(total):
                page += 1  # no Link header (an old Gitea or a proxy that drops it): count pages ourselves
                next_url, query = url, {**(params or {}), self.page_param: str(self.page_size), "page": str(page)}
                continue
            return
        raise HostError("分页超过 100000 页，已停止")

    def _same_origin(self, link: str) -> bool:
        """A next-page link is followed (with the token) only to the API's own scheme, host and port."""
        try:
            a, b = httpx.URL(link), httpx.URL(self.api_url)
        except (httpx.InvalidURL, TypeError, ValueError):
            return False
        return (a.scheme, a.host, a.port or _PORTS.get(a.scheme)) == (
            b.scheme,
            b.host,
            b.port or _PORTS.get(b.scheme),
        ) and a.path.startswith(b.path.rstrip("/") + "/")

    # -- labels -----------------------------------------------------------------------------------
    def list_labels(self) -> dict[str, int]:
        labels = {}
        for lb in self.paginate(self.path("/labels")):
            labels[lb["name"]] = int(lb.get("id") or 0)
        return labels

    def ensure_labels(self, specs: list[LabelSpec], *, dry_run: bool = False) -> list[str]:
        """Create the labels that do not exist yet; returns the names created (or to be created)."""
        existing = self.list_labels()
        self._label_ids.update(existing)
        created = []
        for spec in specs:
            if spec.name in existing:
                continue
            created.append(spec.name)
            if dry_run:
                continue
            try:
                r = self.request(
                    "POST",
                    self.path("/labels"),
                    json={"name": spec.name, "color": self._label_color(spec.color), "description": spec.description},
                )
            except HostError as e:
                # an overlapping run created it meanwhile (Gitea ignores `concurrency` up to 1.25)
                if e.status not in (409, 422):
                    raise
                again = self.list_labels()
                if spec.name not in again:
                    raise
                self._label_ids.update(again)
                created.pop()
                continue
            self._label_ids[spec.name] = int(r.json().get("id") or 0)
        return created

    # -- issues -----------------------------------------------------------------------------------
    def issues_with_label(self, label: str) -> list[Issue]:
        """All issues (open and closed, no pull requests) that carry ``label``, checked client-side."""
        params = self._list_params() | {"labels": label}
        out = []
        for d in self.paginate(self.path("/issues"), params):
            issue = Issue.from_json(d)
            if issue.is_pull or label not in issue.labels:
                continue
            out.append(issue)
        return out

    def create_issue(self, title: str, body: str, labels: list[str], assignees: list[str]) -> Issue:
        payload: dict[str, Any] = {"title": title, "body": body, "labels": self._issue_labels_payload(labels)}
        if assignees:
            payload["assignees"] = assignees
        try:
            r = self.request("POST", self.path("/issues"), json=payload)
        except HostError as e:
            if e.status != 422 or not assignees:
                raise
            # an account that cannot be assigned (not a collaborator, or unknown): create without it
            payload.pop("assignees")
            r = self.request("POST", self.path("/issues"), json=payload)
        return Issue.from_json(r.json())

    def edit_issue(self, number: int, *, title: str | None = None, body: str | None = None) -> None:
        payload = {k: v for k, v in (("title", title), ("body", body)) if v is not None}
        if payload:
            self.request("PATCH", self.path(f"/issues/{number}"), json=payload)

    def set_labels(self, number: int, names: list[str], known: dict[str, int] | None = None) -> None:
        """Replace the issue's labels. ``known``: label ids the issue itself carries (on Gitea an
        organisation label is not listed by the repository's labels, so its id comes from there)."""
        if known:
            self._label_ids.update({k: v for k, v in known.items() if k not in self._label_ids})
        self.request("PUT", self.path(f"/issues/{number}/labels"), json={"labels": self._issue_labels_payload(names)})

    def close_issue(self, number: int, body: str | None = None) -> None:
        payload = self._close_payload() | ({"body": body} if body is not None else {})
        self.request("PATCH", self.path(f"/issues/{number}"), json=payload)

    def reopen_issue(self, number: int) -> None:
        self.request("PATCH", self.path(f"/issues/{number}"), json={"state": "open"})

    def comment(self, number: int, body: str) -> None:
        self.request("POST", self.path(f"/issues/{number}/comments"), json={"body": body})

    def comments(self, number: int) -> list[str]:
        return [c.get("body") or "" for c in self.paginate(self.path(f"/issues/{number}/comments"))]

    def upsert_comment(self, number: int, marker: str, body: str, *, create: bool = True) -> str:
        """Keep one comment carrying ``marker`` (a hidden ``<!-- … -->`` line) on issue or pull request
        ``number``: edit it when its text changed, else post it (unless ``create`` is False).
        Returns ``created``, ``updated``, ``unchanged`` or ``absent``."""
        text = f"{marker}\n{body}"
        mine = [
            c
            for c in self.paginate(self.path(f"/issues/{number}/comments"))
            if (c.get("body") or "").startswith(marker)
        ]
        if mine:
            if (mine[0].get("body") or "") == text:
                return "unchanged"
            self.request("PATCH", self.path(f"/issues/comments/{int(mine[0]['id'])}"), json={"body": text})
            return "updated"
        if not create:
            return "absent"
        self.comment(number, text)
        return "created"

    # -- pull requests (issue-form intake, imports) ------------------------------------------------
    def update_pull(self, number: int, title: str, body: str) -> None:
        self.request("PATCH", self.path(f"/pulls/{number}"), json={"title": title, "body": body})

    def find_pull(self, head_branch: str, base: str) -> int | None:
        for pr in self.paginate(self.path("/pulls"), {"state": "open"}):
            head = pr.get("head") or {}
            if head.get("ref") == head_branch and (pr.get("base") or {}).get("ref") == base:
                return int(pr["number"])
        return None

    def create_pull(self, title: str, head_branch: str, base: str, body: str) -> int:
        r = self.request(
            "POST", self.path("/pulls"), json={"title": title, "head": head_branch, "base": base, "body": body}
        )
        return int(r.json()["number"])


class GitHub(Host):
    flavour: Flavour = "github"
    page_param = "per_page"
    page_size = 100


class Gitea(Host):
    flavour: Flavour = "gitea"
    page_param = "limit"
    page_size = 50  # MAX_RESPONSE_ITEMS default; a smaller server limit is followed through Link

    def _auth_headers(self, token: str | None) -> dict[str, str]:
        return {"Authorization": f"token {token}"} if token else {}

    def _label_color(self, color: str) -> str:
        return "#" + color.lstrip("#")

    def _issue_labels_payload(self, names: list[str]) -> list:
        missing = [n for n in names if n not in self._label_ids]
        if missing:
            self._label_ids.update(self.list_labels())
        ids = []
        for n in names:
            if n not in self._label_ids:
                raise HostError(f"Gitea 上没有标签“{n}”，无法按编号设置")
            ids.append(self._label_ids[n])
        return ids

    def _list_params(self) -> dict[str, str]:
        return {"state": "all", "type": "issues"}

    def _close_payload(self) -> dict:
        return {"state": "closed"}


def open_host(flavour: str, api_url: str, repo: str, token: str | None, **kwargs) -> Host:
    if flavour == "github":
        return GitHub(api_url, repo, token, **kwargs)
    if flavour == "gitea":
        return Gitea(api_url, repo, token, **kwargs)
    raise HostError(f"不支持的平台“{flavour}”：应为 github 或 gitea")
