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

Each flavour says how it authenticates and pages (``page_param``, ``page_size``); the HTTP side — retries,
rate limits, paging, refusals — is ``host.transport``. Errors reach the caller as ``HostError`` with a Chinese
message.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from hotline.host.transport import HostError, Transport

__all__ = ["GitHub", "Gitea", "Host", "HostError", "Issue", "LabelSpec", "open_host"]

Flavour = Literal["github", "gitea"]


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
        self.repo = repo
        self.api = Transport(
            api_url,
            self._auth_headers(token),
            page_param=self.page_param,
            page_size=self.page_size,
            sleep=sleep,
            clock=clock,
            max_wait=max_wait,
            mutation_pause=mutation_pause,
            retries=retries,
            timeout=timeout,
            transport=transport,
        )
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
        self.api.close()

    def __enter__(self) -> Host:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def path(self, suffix: str) -> str:
        return f"/repos/{self.repo}{suffix}"

    # -- labels -----------------------------------------------------------------------------------
    def list_labels(self) -> dict[str, int]:
        labels = {}
        for lb in self.api.paginate(self.path("/labels")):
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
                r = self.api.request(
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
        for d in self.api.paginate(self.path("/issues"), params):
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
            r = self.api.request("POST", self.path("/issues"), json=payload)
        except HostError as e:
            if e.status != 422 or not assignees:
                raise
            # an account that cannot be assigned (not a collaborator, or unknown): create without it
            payload.pop("assignees")
            r = self.api.request("POST", self.path("/issues"), json=payload)
        return Issue.from_json(r.json())

    def edit_issue(self, number: int, *, title: str | None = None, body: str | None = None) -> None:
        payload = {k: v for k, v in (("title", title), ("body", body)) if v is not None}
        if payload:
            self.api.request("PATCH", self.path(f"/issues/{number}"), json=payload)

    def set_labels(self, number: int, names: list[str], known: dict[str, int] | None = None) -> None:
        """Replace the issue's labels. ``known``: label ids the issue itself carries (on Gitea an
        organisation label is not listed by the repository's labels, so its id comes from there)."""
        if known:
            self._label_ids.update({k: v for k, v in known.items() if k not in self._label_ids})
        self.api.request(
            "PUT", self.path(f"/issues/{number}/labels"), json={"labels": self._issue_labels_payload(names)}
        )

    def close_issue(self, number: int, body: str | None = None) -> None:
        payload = self._close_payload() | ({"body": body} if body is not None else {})
        self.api.request("PATCH", self.path(f"/issues/{number}"), json=payload)

    def reopen_issue(self, number: int) -> None:
        self.api.request("PATCH", self.path(f"/issues/{number}"), json={"state": "open"})

    def comment(self, number: int, body: str) -> None:
        self.api.request("POST", self.path(f"/issues/{number}/comments"), json={"body": body})

    def comments(self, number: int) -> list[str]:
        return [c.get("body") or "" for c in self.api.paginate(self.path(f"/issues/{number}/comments"))]

    def upsert_comment(self, number: int, marker: str, body: str, *, create: bool = True) -> str:
        """Keep one comment carrying ``marker`` (a hidden ``<!-- … -->`` line) on issue or pull request
        ``number``: edit it when its text changed, else post it (unless ``create`` is False).
        Returns ``created``, ``updated``, ``unchanged`` or ``absent``."""
        text = f"{marker}\n{body}"
        mine = [
            c
            for c in self.api.paginate(self.path(f"/issues/{number}/comments"))
            if (c.get("body") or "").startswith(marker)
        ]
        if mine:
            if (mine[0].get("body") or "") == text:
                return "unchanged"
            self.api.request("PATCH", self.path(f"/issues/comments/{int(mine[0]['id'])}"), json={"body": text})
            return "updated"
        if not create:
            return "absent"
        self.comment(number, text)
        return "created"

    # -- pull requests (issue-form intake, imports) ------------------------------------------------
    def update_pull(self, number: int, title: str, body: str) -> None:
        self.api.request("PATCH", self.path(f"/pulls/{number}"), json={"title": title, "body": body})

    def find_pull(self, head_branch: str, base: str) -> int | None:
        for pr in self.api.paginate(self.path("/pulls"), {"state": "open"}):
            head = pr.get("head") or {}
            if head.get("ref") == head_branch and (pr.get("base") or {}).get("ref") == base:
                return int(pr["number"])
        return None

    def create_pull(self, title: str, head_branch: str, base: str, body: str) -> int:
        r = self.api.request(
            "POST", self.path("/pulls"), json={"title": title, "head": head_branch, "base": base, "body": body}
        )
        return int(r.json()["number"])

    def open_or_update_pull(
        self, title: str, head_branch: str, base: str, body: str, *, unchanged: bool
    ) -> tuple[Literal["opened", "updated", "unchanged"], int]:
        """The one open pull request from ``head_branch`` into ``base``: opened, or updated in place — left as it
        is when ``unchanged`` (the pushed branch did not change). A run overlapping another that opened it meanwhile
        (Gitea 409, GitHub 422) updates the one that run opened."""
        existing = self.find_pull(head_branch, base)
        if existing is not None and unchanged:
            return "unchanged", existing
        if existing is None:
            try:
                return "opened", self.create_pull(title, head_branch, base, body)
            except HostError as e:
                existing = self.find_pull(head_branch, base) if e.status in (409, 422) else None
                if existing is None:
                    raise
        self.update_pull(existing, title, body)
        return "updated", existing


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


def open_host(flavour: str, api_url: str, repo: str, token: str | None, **kwargs: Any) -> Host:
    if flavour == "github":
        return GitHub(api_url, repo, token, **kwargs)
    if flavour == "gitea":
        return Gitea(api_url, repo, token, **kwargs)
    raise HostError(f"不支持的平台“{flavour}”：应为 github 或 gitea")
