"""What the group reminders sent (群消息发送记录), kept on the Git host: a fresh runner never sends twice.

One issue holds it: label ``督办群消息记录``, the hidden marker ``<!-- hotline:chat-sent -->`` on its first line
(the lowest-numbered such issue counts; any other issue is never read or touched), closed so that it stays out
of the way. Its body lists, for each group, the day and the fingerprints (``Message.fingerprint``) of the
messages delivered that day — a table for people, the same in a hidden JSON line for the program. A run sends
a message only if that group has not had it that day: a second run the same day with nothing changed sends
nothing; a digest that changed is sent again; a digest cut short by a failure is completed, not repeated.

Why on the host: the overdue workflow already writes issues there (``issues: write``) and nothing else; a
state file committed by the bot would need write access to the records and put a commit into the audit trail
every working day; the runner keeps nothing between runs (and its cache, on Gitea, is shared with pull
requests). The office can also read there what went out. The record is written after each group's messages:
if the host fails in between, those messages may be sent once more the next run — never lost.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from hotline.host.client import Host, LabelSpec

MARKER = "<!-- hotline:chat-sent -->"
LABEL = LabelSpec("督办群消息记录", "c5def5", "群消息督办提醒的发送记录（hotline overdue notify），请勿修改")
TITLE = "督办提醒：群消息发送记录（自动维护，请勿修改）"
_STATE = re.compile(r"<!-- hotline:chat-state (\{.*?\}) -->")
_FINGERPRINT = re.compile(r"^[a-p]{16}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Entry:
    day: str  # YYYY-MM-DD
    sent: list[str] = field(default_factory=list)  # fingerprints, in the order sent
    last: str = ""  # HH:MM of the last message


@dataclass
class SentLog:
    """Per group (by its name in rules.yaml): the day and what was delivered that day."""

    entries: dict[str, Entry] = field(default_factory=dict)
    damaged: bool = False  # the body could not be read: everything counts as not sent

    def was_sent(self, channel: str, day: str, fingerprint: str) -> bool:
        e = self.entries.get(channel)
        return e is not None and e.day == day and fingerprint in e.sent

    def record(self, channel: str, day: str, fingerprint: str, at: str) -> None:
        e = self.entries.get(channel)
        if e is None or e.day != day:
            e = self.entries[channel] = Entry(day)
        if fingerprint not in e.sent:
            e.sent.append(fingerprint)
        e.last = at

    def render(self) -> str:
        rows = "\n".join(
            f"| {name.replace('|', '｜')} | {e.day} | {len(e.sent)} | {e.last} |"
            for name, e in sorted(self.entries.items())
        )
        state = {name: {"day": e.day, "sent": e.sent, "last": e.last} for name, e in sorted(self.entries.items())}
        data = json.dumps(state, ensure_ascii=True, sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e")
        return (
            f"{MARKER}\n"
            "本议题由 `hotline overdue notify`（督办提醒工作流）自动维护：记录每个群当天已发送的督办提醒，"
            "同一天内容没有变化时不再重复发送。请勿修改、删除或重新打开。\n\n"
            "| 群 | 日期 | 当天已发送（条） | 最后发送 |\n|---|---|---|---|\n"
            f"{rows}\n\n<!-- hotline:chat-state {data} -->\n"
        )


def parse(body: str) -> SentLog:
    m = _STATE.search(body or "")
    if not m:
        return SentLog(damaged=bool(body and MARKER in body))
    try:
        data = json.loads(m.group(1))
    except ValueError:
        return SentLog(damaged=True)
    log = SentLog()
    if not isinstance(data, dict):
        return SentLog(damaged=True)
    for name, e in data.items():
        if not isinstance(e, dict) or not _DAY.match(str(e.get("day"))) or not isinstance(e.get("sent"), list):
            log.damaged = True
            continue
        sent = [f for f in e["sent"] if isinstance(f, str) and _FINGERPRINT.match(f)]
        log.entries[str(name)] = Entry(e["day"], sent, str(e.get("last") or ""))
    return log


class HostMemory:
    """The record on the host: ``load`` finds it (or nothing yet), ``save`` creates or edits it."""

    def __init__(self, host: Host):
        self.host = host
        self.number: int | None = None

    def load(self) -> SentLog:
        mine = [i for i in self.host.issues_with_label(LABEL.name) if (i.body or "").startswith(MARKER)]
        if not mine:
            return SentLog()
        first = min(mine, key=lambda i: i.number)
        self.number = first.number
        return parse(first.body.replace("\r\n", "\n"))

    def save(self, log: SentLog) -> None:
        body = log.render()
        if self.number is None:
            self.host.ensure_labels([LABEL])
            issue = self.host.create_issue(TITLE, body, [LABEL.name], [])
            self.number = issue.number
            self.host.close_issue(issue.number)
        else:
            self.host.edit_issue(self.number, body=body)
