"""A real HTTP server on loopback playing the three group-robot services (test helper).

One server, three services by path, each with robots added by the test (``add_robot``), answering as the
services do — HTTP 200 with the error in the body:

- 企业微信 ``POST /cgi-bin/webhook/send?key=KEY``: an unknown key → errcode 93000; ``markdown.content`` over 4096
  bytes or ``text.content`` over 2048 → 40058; more than 20 messages in a minute → 45009.
- 钉钉 ``POST /robot/send?access_token=T&timestamp=MS&sign=S``: a robot with a secret checks the signature
  (``base64(HMAC-SHA256(secret, "ts\\nsecret"))``, the timestamp within an hour) → 310000 ``sign not match``
  or ``invalid timestamp``; a keyword not in the message → 310000 ``keywords not in content``; more than 20
  in a minute → 130101, and every message for ten minutes after that too; a body over 20000 bytes → refused.
- 飞书 ``POST /open-apis/bot/v2/hook/TOKEN``: a robot with a secret checks ``timestamp`` (s) and ``sign``
  (``base64(HMAC-SHA256("ts\\nsecret", ""))``) in the body → 19021; a keyword not in it → 19024; more than 100
  in a minute or 5 in a second → 11232; a body over 20 KB → refused.

Codes the issue and the services' pages do not give (an unknown token, a body too large) are stand-ins: the
tests only need them to be refusals.

Its clock is injectable (``clock``): a test that paces the sender with a simulated clock gives the server the
same one, so the server counts the rates in simulated time. ``fail_next(kind, n, how)`` answers the next n
requests of a service with a rate-limit code (``rate``), HTTP 503 (``5xx``) or a signature refusal (``sign``).
Everything is recorded: ``requests`` (each with its answer) and ``delivered`` (the accepted messages).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

OK = {"wecom": {"errcode": 0, "errmsg": "ok"}, "dingtalk": {"errcode": 0, "errmsg": "ok"}}
FEISHU_OK = {"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {}, "msg": "success"}


@dataclass
class Robot:
    kind: str
    token: str
    secret: str | None = None
    keyword: str | None = None
    throttled_until: float = 0.0
    times: list[float] = field(default_factory=list)  # accepted or refused for rate: what the service counts


@dataclass
class Request:
    kind: str
    token: str
    at: float
    body: dict | None
    size: int
    answer: dict
    status: int = 200


class FakeChat:
    def __init__(self, clock=time.time):
        self.clock = clock
        self.robots: dict[tuple[str, str], Robot] = {}
        self.requests: list[Request] = []
        self.faults: dict[str, list[str]] = {"wecom": [], "dingtalk": [], "feishu": []}
        self.lock = threading.Lock()

    # -- set-up ------------------------------------------------------------------------------------
    def add_robot(self, kind: str, token: str, secret: str | None = None, keyword: str | None = None) -> str:
        self.robots[(kind, token)] = Robot(kind, token, secret, keyword)
        return self.url(kind, token)

    def url(self, kind: str, token: str) -> str:
        base = f"http://127.0.0.1:{self.port}"
        return {
            "wecom": f"{base}/cgi-bin/webhook/send?key={token}",
            "dingtalk": f"{base}/robot/send?access_token={token}",
            "feishu": f"{base}/open-apis/bot/v2/hook/{token}",
        }[kind]

    def fail_next(self, kind: str, n: int, how: str) -> None:
        self.faults[kind] += [how] * n

    def delivered(self, kind: str | None = None, token: str | None = None) -> list[dict]:
        return [
            r.body
            for r in self.requests
            if r.status == 200
            and r.answer.get("errcode", r.answer.get("code")) == 0
            and (kind is None or r.kind == kind)
            and (token is None or r.token == token)
            and r.body is not None
        ]

    # -- the services ------------------------------------------------------------------------------
    def handle(self, path: str, raw: bytes) -> tuple[int, dict]:
        url = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if url.path == "/cgi-bin/webhook/send":
            kind, token = "wecom", query.get("key", "")
        elif url.path == "/robot/send":
            kind, token = "dingtalk", query.get("access_token", "")
        elif url.path.startswith("/open-apis/bot/v2/hook/"):
            kind, token = "feishu", url.path.rsplit("/", 1)[1]
        else:
            return 404, {"message": "not found"}
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        with self.lock:
            now = self.clock()
            status, answer = self._answer(kind, token, query, body, raw, now)
            self.requests.append(Request(kind, token, now, body, len(raw), answer, status))
        return status, answer

    def _answer(self, kind, token, query, body, raw, now) -> tuple[int, dict]:
        robot = self.robots.get((kind, token))
        if robot is None:
            return 200, _error(kind, {"wecom": 93000, "dingtalk": 300001, "feishu": 19001}[kind], "invalid webhook")
        if self.faults[kind]:
            how = self.faults[kind].pop(0)
            if how == "5xx":
                return 503, {"message": "service unavailable"}
            if how == "rate":
                return 200, _error(kind, {"wecom": 45009, "dingtalk": 130101, "feishu": 11232}[kind], "rate limited")
            if how == "sign":
                return 200, _sign_error(kind)
        if not isinstance(body, dict):
            return 200, _error(kind, {"wecom": 40002, "dingtalk": 400101, "feishu": 9499}[kind], "bad json")
        refused = self._check(robot, query, body, raw, now)
        if refused:
            return 200, refused
        limited = self._rate(robot, now)
        if limited:
            return 200, limited
        return 200, FEISHU_OK if kind == "feishu" else OK[kind]

    def _check(self, robot: Robot, query: dict, body: dict, raw: bytes, now: float) -> dict | None:
        kind = robot.kind
        if kind == "wecom":
            if body.get("msgtype") == "markdown" and len(body["markdown"]["content"].encode()) > 4096:
                return _error(kind, 40058, "markdown.content exceed max length 4096")
            if body.get("msgtype") == "text" and len(body["text"]["content"].encode()) > 2048:
                return _error(kind, 40058, "text.content exceed max length 2048")
            return None
        if kind == "dingtalk":
            if len(raw) > 20000:
                return _error(kind, 460101, "body 大小不合法")
            if robot.secret:
                ts = query.get("timestamp", "")
                if not ts.isdigit() or abs(int(ts) / 1000 - now) > 3600:
                    return _error(kind, 310000, "invalid timestamp")
                want = _mac(robot.secret.encode(), f"{ts}\n{robot.secret}".encode())
                if query.get("sign") != want:
                    return _error(kind, 310000, "sign not match")
            if robot.keyword and robot.keyword not in json.dumps(body, ensure_ascii=False):
                return _error(kind, 310000, "keywords not in content")
            return None
        if len(raw) > 20 * 1024:
            return _error(kind, 9499, "request body too large")
        if robot.secret:
            ts = str(body.get("timestamp", ""))
            want = _mac(f"{ts}\n{robot.secret}".encode(), b"")
            if not ts.isdigit() or abs(int(ts) - now) > 3600 or body.get("sign") != want:
                return _sign_error("feishu")
        if robot.keyword and robot.keyword not in json.dumps(body.get("content"), ensure_ascii=False):
            return _error(kind, 19024, "Key Words Not Found")
        return None

    def _rate(self, robot: Robot, now: float) -> dict | None:
        kind = robot.kind
        if now < robot.throttled_until:
            return _error(kind, 130101, "send too fast, exceed 20 times per minute")
        minute = [t for t in robot.times if t > now - 60]
        second = [t for t in robot.times if t > now - 1]
        robot.times.append(now)
        per_minute = 100 if kind == "feishu" else 20
        if len(minute) >= per_minute or (kind == "feishu" and len(second) >= 5):
            if kind == "dingtalk":
                robot.throttled_until = now + 600
            return _error(kind, {"wecom": 45009, "dingtalk": 130101, "feishu": 11232}[kind], "rate limited")
        return None

    # -- serving -----------------------------------------------------------------------------------
    def start(self) -> FakeChat:
        chat = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, answer = chat.handle(self.path, raw)
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _mac(key: bytes, msg: bytes) -> str:
    return base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()


def _error(kind: str, code: int, message: str) -> dict:
    if kind == "feishu":
        return {"code": code, "data": {}, "msg": message}
    return {"errcode": code, "errmsg": message}


def _sign_error(kind: str) -> dict:
    if kind == "feishu":
        return _error(kind, 19021, "sign match fail or timestamp is not within one hour from current time")
    return _error(kind, 310000, "sign not match")


class FakeClock:
    """Simulated time for the sender and the server alike: ``sleep`` moves it on, nothing really waits."""

    def __init__(self, start: float = 1_795_000_000.0):
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.slept.append(seconds)
        self.now += seconds

    def tick(self, seconds: float) -> None:
        self.now += seconds
