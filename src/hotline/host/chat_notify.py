"""Sending the day's group reminders (群消息督办提醒): what to send, what was sent, and sending it.

``plan(rules, repo, as_of)`` is pure: each configured channel (``rules.chat``) with its messages
(``chat_message``), from the same reminders as the host's issues. ``deliver(...)`` does the I/O, channel by
channel: a channel whose webhook variable is not set is skipped (a notice, not a failure); the record of what
was sent (``chat_memory``) is read only when something is to be sent, and written after each channel that
sent; a channel's failure (after the transport's retries) is reported and the other channels still go.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from hotline.host.chat_memory import SentLog
from hotline.host.chat_message import KINDS_NAMES, Message, digest, messages
from hotline.host.chat_send import ChatError, ChatSender
from hotline.host.client import HostError
from hotline.host.reminders import reminders
from hotline.load import Repository
from hotline.records.rules import ChatChannel, Rules


def plan(rules: Rules, repo: Repository, as_of: datetime) -> list[tuple[ChatChannel, list[Message]]]:
    items = reminders(repo, as_of)
    return [
        (channel, messages(digest(channel, items, repo.units, as_of.date(), rules.site_url))) for channel in rules.chat
    ]


@dataclass
class Outcome:
    """What happened to one channel this run."""

    channel: ChatChannel
    planned: int = 0  # messages in today's digest
    sent: int = 0  # sent now
    already: int = 0  # sent earlier today, not again
    skipped: str | None = None  # why nothing was tried (a notice)
    error: str | None = None  # why a message was not delivered

    def describe(self) -> str:
        head = f"{self.channel.name}（{KINDS_NAMES[self.channel.kind]}）"
        if self.skipped:
            return f"{head}：跳过——{self.skipped}"
        if not self.planned:
            return f"{head}：今天没有要提醒的派单"
        parts = []
        if self.sent:
            parts.append(f"已发送 {self.sent} 条")
        if self.already:
            parts.append(f"{self.already} 条今天已发送过，不再发送")
        if self.error:
            parts.append(f"发送失败：{self.error}")
        return f"{head}：" + "；".join(parts)


class Store(Protocol):
    def load(self) -> SentLog: ...
    def save(self, log: SentLog) -> None: ...


class Memory:
    """The record of what was sent, opened on first use (``open_store`` gives a ``chat_memory.HostMemory``)."""

    def __init__(self, open_store: Callable[[], Store]):
        self.open_store = open_store
        self.store: Store | None = None
        self.log: SentLog | None = None

    def get(self) -> SentLog:
        if self.store is None or self.log is None:
            self.store = self.open_store()
            self.log = self.store.load()
        return self.log

    def save(self) -> None:
        if self.store is not None and self.log is not None:
            self.store.save(self.log)


def missing_variable(channel: ChatChannel, env: Mapping[str, str]) -> str | None:
    for name, what in ((channel.webhook_env, "webhook 地址"), (channel.secret_env, "签名密钥")):
        if name and not (env.get(name) or "").strip():
            return (
                f"环境变量 {name}（{what}）没有设置：请在仓库的机密（secrets）中添加 {name}，"
                "并确认 overdue.yml 把它传给了“发送群消息提醒”这一步"
            )
    return None


def deliver(
    planned: list[tuple[ChatChannel, list[Message]]],
    env: Mapping[str, str],
    memory: Memory,
    as_of: datetime,
    open_sender: Callable[[ChatChannel, str, str | None], ChatSender],
    progress: Callable[[Outcome], None] = lambda o: None,
) -> list[Outcome]:
    """Send what each channel has not had today. The record's errors (``HostError``) reach the caller."""
    day, at = f"{as_of:%Y-%m-%d}", f"{as_of:%H:%M}"
    out = []
    for channel, msgs in planned:
        outcome = Outcome(channel, planned=len(msgs))
        out.append(outcome)
        if msgs and (why := missing_variable(channel, env)):
            outcome.skipped = why
        elif msgs:
            log = memory.get()
            pending = [m for m in msgs if not log.was_sent(channel.name, day, m.fingerprint)]
            outcome.already = len(msgs) - len(pending)
            if pending:
                _send(channel, pending, env, log, outcome, day, at, open_sender)
            if outcome.sent:
                try:
                    memory.save()
                except HostError as e:  # said here, then the run stops (the next would fail alike)
                    outcome.error = f"已发送，但未能写入发送记录（{e}）：下次运行可能再发一次"
                    progress(outcome)
                    raise
        progress(outcome)
    return out


def _send(
    channel: ChatChannel,
    pending: list[Message],
    env: Mapping[str, str],
    log: SentLog,
    outcome: Outcome,
    day: str,
    at: str,
    open_sender: Callable[[ChatChannel, str, str | None], ChatSender],
) -> None:
    secret = env.get(channel.secret_env, "").strip() if channel.secret_env else None
    try:
        with open_sender(channel, env[channel.webhook_env].strip(), secret) as sender:
            for m in pending:  # in order: a digest cut short is completed by the next run
                sender.send(m)
                log.record(channel.name, day, m.fingerprint, at)
                outcome.sent += 1
    except ChatError as e:
        outcome.error = str(e)
