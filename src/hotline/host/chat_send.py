"""Sending group messages (群消息发送): signing, pacing, retries and the services' answers, over httpx.

httpx (already the Git host client's) rather than Apprise: Apprise decides success by the HTTP status, but
all three services answer HTTP 200 with the error in the body (``errcode`` for 企业微信 and 钉钉, ``code`` for
飞书), and it signs none of them as they require. Here:

- **signing** — 钉钉 (加签): ``timestamp`` (ms) and ``sign = base64(HMAC-SHA256(key=secret,
  msg="{timestamp}\\n{secret}"))`` added to the URL's query (percent-encoded); 飞书 (签名校验): ``timestamp``
  (s) and ``sign = base64(HMAC-SHA256(key="{timestamp}\\n{secret}", msg=""))`` in the body. Signed anew for
  every attempt (both refuse a timestamp more than an hour off). 企业微信 has no signing: the key in the URL
  is the secret.
- **pacing** — at most ``per_minute`` requests in any minute (企业微信 and 钉钉 20, 飞书 100) and ``per_second``
  in any second (飞书 5), counted over sliding windows with a margin: the services' own counters then never
  see more.
- **retries** — a rate-limit answer (企业微信 45009, 钉钉 130101: 10 minutes' throttle, 飞书 11232 or 9499),
  HTTP 429 and 5xx, and a connection that was never made are retried after a wait that doubles, at most
  ``tries`` attempts and ``max_wait`` seconds in all; a refusal (signature, keyword, IP, a wrong URL: 钉钉
  310000, 飞书 19021/19022/19024, 企业微信 93000) never is. A request that was sent but got no answer is not
  repeated (it may have arrived): the next run sends it again, since it was not recorded as sent.

The webhook URL is a secret: no message, error or log line shows it. Success is ``errcode == 0`` /
``code == 0`` in the body, never the HTTP status alone. ``clock`` and ``sleep`` are injected (tests).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from hotline.host.chat_message import Message, encode
from hotline.host.transport import USER_AGENT

MINUTE = 61.0  # the services count per minute; a second's margin for the way there
SECOND = 1.2


@dataclass(frozen=True)
class Service:
    """What one service allows and how it answers (its documentation; README 督办提醒)."""

    name: str
    per_minute: int
    per_second: int | None
    rate_codes: frozenset[int]
    throttle_wait: float  # seconds to wait after the first rate-limit answer
    hints: Mapping[int, str] = field(default_factory=dict)


SIGNING_HINT = "请核对签名密钥（secret_env 指定的机密）与机器人安全设置中的一致，并检查运行器的时钟"
SERVICES = {
    "wecom": Service(
        "企业微信",
        20,
        None,
        frozenset({45009}),
        60.0,
        {
            93000: "webhook 地址无效：机器人可能已被移出群，或地址抄错了，请重新复制机器人的 webhook 地址",
            40058: "消息内容超过长度限制",
        },
    ),
    "dingtalk": Service(
        "钉钉",
        20,
        None,
        frozenset({130101}),
        600.0,
        {
            310000: "机器人的安全设置不通过：加签密钥不对、消息中没有机器人的自定义关键词（rules.yaml 的 keyword），"
            "或运行器的出口 IP 不在机器人的 IP 地址段内",
        },
    ),
    "feishu": Service(
        "飞书",
        100,
        5,
        frozenset({11232, 9499}),
        10.0,
        {
            19021: "签名校验失败：" + SIGNING_HINT,
            19022: "运行器的出口 IP 不在机器人的 IP 白名单内",
            19024: "消息中没有机器人的自定义关键词（rules.yaml 的 keyword）",
        },
    ),
}


class ChatError(RuntimeError):
    """A message was not delivered; the text is Chinese, names the service, never the URL."""

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


class Pacer:
    """At most ``per_minute`` requests in any ``MINUTE`` and ``per_second`` in any ``SECOND`` (sliding windows)."""

    def __init__(
        self, per_minute: int, per_second: int | None, clock: Callable[[], float], sleep: Callable[[float], None]
    ) -> None:
        self.per_minute, self.per_second = per_minute, per_second
        self.clock, self.sleep = clock, sleep
        self.sent: deque[float] = deque()

    def wait(self) -> float:
        """Sleep until one more request keeps within both limits, then count it; returns the seconds slept."""
        slept = 0.0
        while True:
            now = self.clock()
            while self.sent and self.sent[0] <= now - MINUTE:
                self.sent.popleft()
            until = 0.0
            if len(self.sent) >= self.per_minute:
                until = self.sent[-self.per_minute] + MINUTE
            if self.per_second:
                recent = [t for t in self.sent if t > now - SECOND]
                if len(recent) >= self.per_second:
                    until = max(until, recent[-self.per_second] + SECOND)
            if until <= now:
                self.sent.append(now)
                return slept
            self.sleep(until - now)
            slept += until - now


def sign(secret: str, timestamp: str, kind: str) -> str:
    """钉钉: HMAC-SHA256 keyed with the secret over "timestamp\\nsecret"; 飞书: keyed with "timestamp\\nsecret"
    over nothing. Base64 (钉钉's is percent-encoded in the query string by httpx)."""
    string = f"{timestamp}\n{secret}".encode()
    if kind == "dingtalk":
        mac = hmac.new(secret.encode(), string, hashlib.sha256)
    else:
        mac = hmac.new(string, b"", hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


class ChatSender:
    """One group robot: ``send(message)`` returns when the service accepted it, else raises ``ChatError``."""

    def __init__(
        self,
        kind: str,
        url: str,
        secret: str | None = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = 900.0,
        tries: int = 4,
        timeout: float = 20.0,
        transport: httpx.BaseTransport | None = None,
    ):
        self.kind, self.service = kind, SERVICES[kind]
        try:
            self.url = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as e:
            raise ChatError(f"{self.service.name} webhook 地址的格式不对（{type(e).__name__}）") from None
        if self.url.scheme not in ("http", "https") or not self.url.host:
            raise ChatError(f"{self.service.name} webhook 地址应以 https:// 开头")
        self.secret = secret or None
        self.clock, self.sleep = clock, sleep
        self.max_wait, self.tries = max_wait, tries
        self.pacer = Pacer(self.service.per_minute, self.service.per_second, clock, sleep)
        self.requests_made = 0
        headers = {"User-Agent": USER_AGENT, "Content-Type": "application/json; charset=utf-8"}
        self.client = httpx.Client(headers=headers, timeout=timeout, transport=transport, follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> ChatSender:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _request(self, message: Message) -> tuple[httpx.URL, bytes]:
        if not self.secret or self.kind == "wecom":
            return self.url, message.body
        if self.kind == "dingtalk":
            ts = str(int(self.clock() * 1000))
            return self.url.copy_merge_params(
                {"timestamp": ts, "sign": sign(self.secret, ts, "dingtalk")}
            ), message.body
        ts = str(int(self.clock()))
        return self.url, encode({"timestamp": ts, "sign": sign(self.secret, ts, "feishu"), **message.payload})

    def send(self, message: Message) -> None:
        waited = 0.0
        why: str | None
        for attempt in range(1, self.tries + 1):
            waited += self.pacer.wait()
            url, body = self._request(message)
            self.requests_made += 1
            try:
                r = self.client.post(url, content=body)
            except (httpx.ConnectError, httpx.ConnectTimeout) as e:  # never reached the service: safe to repeat
                why = f"无法连接{self.service.name}（{type(e).__name__}）"
                wait = min(2.0**attempt, 60.0)
            except httpx.TransportError as e:
                raise ChatError(
                    f"{self.service.name}没有回应（{type(e).__name__}）：消息可能已发出，为免重复本次不再重试；"
                    "下次运行会再发"
                ) from None
            else:
                why, wait = self._answer(r, attempt)
                if why is None:
                    return
            if attempt == self.tries or waited + wait > self.max_wait:
                raise ChatError(f"{why}；已尝试 {attempt} 次，请稍后重新运行")
            self.sleep(wait)
            waited += wait
        raise AssertionError("unreachable")  # pragma: no cover

    def _answer(self, r: httpx.Response, attempt: int) -> tuple[str | None, float]:
        """(None, 0) when delivered; (why, seconds to wait) when worth another attempt; raises on a refusal."""
        name = self.service.name
        if r.status_code == 429 or r.status_code >= 500:
            wait = _retry_after(r) or 5.0 * 2 ** (attempt - 1)
            return f"{name}暂时不可用（HTTP {r.status_code}）", min(max(wait, 1.0), 600.0)
        try:
            data: Any = r.json()
        except ValueError:
            data = None
        code = _code(data)
        if code is None:
            raise ChatError(f"{name}的回应无法识别（HTTP {r.status_code}）：请检查 webhook 地址是否是机器人的地址")
        if code == 0 and r.status_code == 200:
            return None, 0.0
        message = str(data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or "")[:200]
        if code in self.service.rate_codes:
            return f"{name}限制了发送频率（错误码 {code}）", self.service.throttle_wait * 2 ** (attempt - 1)
        hint = self.service.hints.get(code, "")
        raise ChatError(f"{name}拒绝了消息（错误码 {code}：{message}）" + (f"。{hint}" if hint else ""), code)


def _code(data: Any) -> int | None:
    if not isinstance(data, dict):
        return None
    for key in ("errcode", "code", "StatusCode"):
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _retry_after(r: httpx.Response) -> float | None:
    try:
        return float(r.headers["retry-after"])
    except (KeyError, ValueError):
        return None
