"""Talking HTTP to the Git host (平台接口的传输): one request at a time with retries, rate-limit waits, paging and
refusals in Chinese, over httpx; ``host.client`` builds the issue and pull-request API on it.

- Paging: GitHub ``per_page`` ≤ 100, Gitea ``limit`` ≤ 50 (``MAX_RESPONSE_ITEMS``); both send a ``Link`` header,
  Gitea also ``X-Total-Count``. We follow ``Link`` only to the API's own scheme, host and port (the token goes
  with the request).
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
from typing import Any

import httpx

from hotline.records.privacy import mask_text

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


class Transport:
    """The HTTP side of one API: ``request`` (retried, rate-limited) and ``paginate``."""

    def __init__(
        self,
        api_url: str,
        headers: dict[str, str],
        *,
        page_param: str,
        page_size: int,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_wait: float = 900.0,
        mutation_pause: float = 0.0,
        retries: int = 4,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.page_param, self.page_size = page_param, page_size
        self.sleep = sleep
        self.clock = clock
        self.max_wait = max_wait
        self.mutation_pause = mutation_pause
        self.retries = retries
        all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json"} | headers
        self.client = httpx.Client(base_url=self.api_url, headers=all_headers, timeout=timeout, transport=transport)

    def close(self) -> None:
        self.client.close()

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
            if method != "GET" and self.mutation_pause:
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
