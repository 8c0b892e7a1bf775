"""Group reminders (群消息督办提醒): one channel's digest, as the messages its service takes. Pure.

``digest(channel, reminders, units, day, site_url)`` picks the rows a group gets from the day's reminders
(``host.reminders``, which ask ``lifecycle.status``: nothing is recomputed here): the channel's units, the
kinds it wants (``send``), overdue ones only from ``min_days_late`` working days. ``messages(digest)``
renders it for the service — one digest, in several messages only when a size limit requires:

- 企业微信 (and 政务微信): ``markdown`` (``content`` ≤ 4096 bytes; longer is refused with errcode 40058);
  markdown cannot @ by mobile, so the handlers are @-ed in one ``text`` message after it (``content`` ≤ 2048
  bytes, ``mentioned_mobile_list``);
- 钉钉: ``markdown`` with ``at.atMobiles``; each mobile also written as ``@mobile`` in the text, as the
  service requires; the request body ≤ 20000 bytes;
- 飞书: rich text (``post``: 飞书's custom robots have no markdown type); they can @ only by account id, not
  by mobile, so nobody is @-ed; the request body ≤ 20 KB (counted with the ``timestamp`` and ``sign`` it carries).

Sizes are bytes of UTF-8 in the body as sent (``Message.body``; the transport sends exactly those bytes).
Every message carries the heading 【督办提醒】 and the channel's ``keyword``. Order titles are masked
(``privacy.mask_text``) and shortened; what units write (titles, unit names) cannot become markup, links or
@-mentions. A citizen never appears; staff mobiles only in the services' @ fields (and 钉钉's text).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from hotline.lifecycle.status import DUE_SOON, FLAG_WORDS, OVERDUE
from hotline.records.models import Unit
from hotline.records.paths import site_order_url
from hotline.records.privacy import mask_text
from hotline.records.rules import ChatChannel
from hotline.records.unit_names import resolve_unit

if TYPE_CHECKING:
    from hotline.host.reminders import Reminder

# the services' limits (their documentation; README 督办提醒)
WECOM_MARKDOWN_BYTES = 4096
WECOM_TEXT_BYTES = 2048
DINGTALK_BODY_BYTES = 20000
FEISHU_BODY_BYTES = 20000  # "20 KB": read as the smaller of 20000 and 20480
FEISHU_SIGNED = {"timestamp": "1700000000", "sign": "A" * 44}  # as long as what chat_send adds
TITLE_CHARS = 30
UNIT_CHARS = 20
MENTIONS_PER_UNIT = 5  # handlers @-ed per unit, at most
HEADING = "【督办提醒】"
KINDS_NAMES = {"wecom": "企业微信", "dingtalk": "钉钉", "feishu": "飞书"}
WEEKDAYS = "一二三四五六日"
# what units write cannot become markup, a link or an @-mention: the characters that make them, full-width
_PLAIN = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "[]()<>*_`#|~@\\!"} | {"\n": " ", "\r": " ", "\t": " "})


def plain(text: str, limit: int | None = None) -> str:
    """Untrusted text as plain text in every service's markup, masked (``privacy.mask_text``, after the spaces
    are made plain: a number written with tabs is one the masking knows), shortened to ``limit`` characters."""
    text = mask_text(" ".join(str(text).split())).translate(_PLAIN)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


@dataclass(frozen=True)
class Row:
    """One pending dispatch in a digest (一条督办)."""

    order_id: str
    unit: str
    unit_name: str
    role: str
    title: str
    due: str
    state: str  # OVERDUE or DUE_SOON
    days_late: int
    days_left: int
    url: str | None

    def when(self) -> str:
        if self.state == OVERDUE:
            return f"已逾期 {self.days_late} 个工作日" if self.days_late else "已逾期"
        return f"还剩 {self.days_left} 个工作日" if self.days_left else "今天到期"

    def detail(self) -> str:
        return f"{self.unit_name}（{self.role}）：{self.title}；期限 {self.due}，{self.when()}"


@dataclass(frozen=True)
class Digest:
    """What one group gets on one day: rows (overdue first), and whom to @ (unit → mobiles)."""

    channel: ChatChannel
    day: date
    rows: tuple[Row, ...]
    mentions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def count(self, state: str) -> int:
        return sum(r.state == state for r in self.rows)

    def counts(self) -> str:
        """逾期 2 件、即将到期 1 件 (a kind with none left out)."""
        found = [(FLAG_WORDS[k], self.count(k)) for k in (OVERDUE, DUE_SOON)]
        return "、".join(f"{word} {n} 件" for word, n in found if n)

    def heading(self) -> str:
        day = f"{self.day:%Y-%m-%d}（周{WEEKDAYS[self.day.weekday()]}）"
        return with_keyword(f"{HEADING}{day} {self.counts()}", self.channel.keyword)


def with_keyword(text: str, keyword: str | None) -> str:
    """``text`` with the robot's keyword (as the office wrote it in rules.yaml: the service compares it as is)."""
    return text if not keyword or keyword in text else f"【{keyword}】{text}"


def channel_units(channel: ChatChannel, units: Mapping[str, Unit]) -> set[str]:
    """The unit ids a channel covers (names it cannot resolve are reported by ``hotline check``)."""
    if channel.units == "all":
        return set(units)
    return {u for u in (resolve_unit(units, name) for name in channel.units) if u is not None}


def digest(
    channel: ChatChannel, reminders: Sequence[Reminder], units: Mapping[str, Unit], day: date, site_url: str | None
) -> Digest:
    """The rows of ``reminders`` (``host.reminders.Reminder``) for ``channel``: overdue ones first, latest first."""
    covered = channel_units(channel, units)
    rows = [
        Row(
            order_id=r.order_id,
            unit=r.unit,
            unit_name=plain(r.unit_name, UNIT_CHARS),
            role=r.role,
            title=plain(r.order_title, TITLE_CHARS),
            due=r.due,
            state=r.state,
            days_late=r.days_late,
            days_left=r.days_left,
            url=site_order_url(site_url, r.order_id) if site_url else None,
        )
        for r in reminders
        if r.unit in covered
        and r.state in channel.send
        and (r.state != OVERDUE or r.days_late >= channel.min_days_late)
    ]
    rows.sort(key=lambda r: (r.state != OVERDUE, -r.days_late, r.due, r.order_id, r.unit))
    mentions: dict[str, tuple[str, ...]] = {}
    if channel.mention and channel.kind != "feishu":
        for uid in dict.fromkeys(r.unit for r in rows):
            unit = units.get(uid)
            found = [h.mobile for h in (unit.hotline.handlers if unit else []) if h.mobile]
            if found:
                mentions[uid] = tuple(dict.fromkeys(found))[:MENTIONS_PER_UNIT]
    return Digest(channel, day, tuple(rows), mentions)


# --- messages ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One message to send: ``text`` as the group shows it, ``payload`` the JSON body (unsigned)."""

    channel: str
    kind: str
    text: str
    payload: dict[str, Any]

    @property
    def body(self) -> bytes:
        return encode(self.payload)

    @property
    def fingerprint(self) -> str:
        """16 letters (a–p, no digits: nothing a masking could touch) naming this message's content."""
        digest = hashlib.sha256(json.dumps(self.payload, ensure_ascii=False, sort_keys=True).encode()).digest()
        return "".join("abcdefghijklmnop"[b >> 4] + "abcdefghijklmnop"[b & 15] for b in digest[:8])


def encode(payload: Mapping[str, Any]) -> bytes:
    """The request body as sent: UTF-8 JSON without escapes or spaces (the sizes are counted on it)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def messages(d: Digest) -> list[Message]:
    if not d.rows:
        return []
    return {"wecom": _wecom, "dingtalk": _dingtalk, "feishu": _feishu}[d.channel.kind](d)


def pack(items: Sequence, fits: Callable[[list], bool]) -> list[list]:
    """``items`` in order, in as few consecutive chunks as greedy filling gives, each one that ``fits``;
    an item that does not fit even alone gets a chunk of its own (the rows' lengths are bounded: it fits)."""
    chunks: list[list] = []
    for item in items:
        if chunks and fits([*chunks[-1], item]):
            chunks[-1].append(item)
        else:
            chunks.append([item])
    return chunks


def _label(k: int, n: int) -> str:
    return f"（第 {k}/{n} 条）" if n > 1 else ""


WIDEST = _label(99, 99)


def _split(
    rows: Sequence[Row], render: Callable[[list[Row], str], Message], fits: Callable[[Message], bool]
) -> list[Message]:
    chunks = pack(rows, lambda chunk: fits(render(chunk, WIDEST)))
    return [render(chunk, _label(k, len(chunks))) for k, chunk in enumerate(chunks, 1)]


def _markdown_lines(rows: Sequence[Row]) -> list[str]:
    lines: list[str] = []
    state = None
    for r in rows:
        if r.state != state:
            state = r.state
            lines.append(f"**{FLAG_WORDS[state]}**")
        ref = f"[{r.order_id}]({r.url})" if r.url else r.order_id
        lines.append(f"- {ref} {r.detail()}")
    return lines


def _wecom(d: Digest) -> list[Message]:
    name = d.channel.name

    def render(chunk: list[Row], label: str) -> Message:
        text = "\n".join([f"### {d.heading()}{label}", *_markdown_lines(chunk)])
        return Message(name, "wecom", text, {"msgtype": "markdown", "markdown": {"content": text}})

    def fits(m: Message) -> bool:
        return len(m.payload["markdown"]["content"].encode()) <= WECOM_MARKDOWN_BYTES

    out = _split(d.rows, render, fits)
    units = [(uid, n) for uid, n in {r.unit: r.unit_name for r in d.rows}.items() if d.mentions.get(uid)]

    def mention(chunk: list[tuple[str, str]], label: str) -> Message:
        who = "、".join(n for _, n in chunk)
        text = with_keyword(
            f"{HEADING}请以下单位的承办人员查看今天的督办提醒，及时办理答复{label}：{who}", d.channel.keyword
        )
        mobiles = [m for uid, _ in chunk for m in d.mentions[uid]]
        return Message(
            name, "wecom", text, {"msgtype": "text", "text": {"content": text, "mentioned_mobile_list": mobiles}}
        )

    def mention_fits(m: Message) -> bool:
        return len(m.payload["text"]["content"].encode()) <= WECOM_TEXT_BYTES

    if units:
        chunks = pack(units, lambda chunk: mention_fits(mention(chunk, WIDEST)))
        out += [mention(chunk, _label(k, len(chunks))) for k, chunk in enumerate(chunks, 1)]
    return out


def _dingtalk(d: Digest) -> list[Message]:
    def render(chunk: list[Row], label: str) -> Message:
        mobiles = [m for uid in dict.fromkeys(r.unit for r in chunk) for m in d.mentions.get(uid, ())]
        lines = [f"### {d.heading()}{label}", *_markdown_lines(chunk)]
        if mobiles:
            lines.append("请承办人员及时办理：" + " ".join(f"@{m}" for m in mobiles))
        text = "\n\n".join(lines)  # 钉钉's markdown needs a blank line between lines
        title = with_keyword(f"督办提醒：{d.counts()}", d.channel.keyword)
        payload = {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": text},
            "at": {"atMobiles": mobiles, "isAtAll": False},
        }
        return Message(d.channel.name, "dingtalk", text, payload)

    return _split(d.rows, render, lambda m: len(m.body) <= DINGTALK_BODY_BYTES)


def _feishu(d: Digest) -> list[Message]:
    def render(chunk: list[Row], label: str) -> Message:
        first = with_keyword(f"{HEADING}请以下承办单位及时办理答复{label}", d.channel.keyword)
        paragraphs: list[list[dict[str, str]]] = [[{"tag": "text", "text": first}]]
        lines = [first]
        state = None
        for r in chunk:
            if r.state != state:
                state = r.state
                paragraphs.append([{"tag": "text", "text": f"{FLAG_WORDS[state]}："}])
                lines.append(f"{FLAG_WORDS[state]}：")
            ref = {"tag": "a", "text": r.order_id, "href": r.url} if r.url else {"tag": "text", "text": r.order_id}
            paragraphs.append([{"tag": "text", "text": "• "}, ref, {"tag": "text", "text": " " + r.detail()}])
            lines.append(f"• {r.order_id}{f' <{r.url}>' if r.url else ''} {r.detail()}")
        title = d.heading()
        post = {"zh_cn": {"title": title, "content": paragraphs}}
        text = "\n".join([title, *lines])
        return Message(d.channel.name, "feishu", text, {"msg_type": "post", "content": {"post": post}})

    return _split(d.rows, render, lambda m: len(encode({**FEISHU_SIGNED, **m.payload})) <= FEISHU_BODY_BYTES)


def trial_message(channel: ChatChannel, day: date) -> Message:
    """A short message saying the channel works (``hotline overdue notify --test``)."""
    text = with_keyword(
        f"{HEADING}测试消息：“{plain(channel.name)}”已接通（{day:%Y-%m-%d}）。每个工作日将在这里发送即将到期和逾期工单的清单。",
        channel.keyword,
    )
    payload: dict[str, Any] = {
        "wecom": {"msgtype": "text", "text": {"content": text}},
        "dingtalk": {"msgtype": "text", "text": {"content": text}},
        "feishu": {"msg_type": "text", "content": {"text": text}},
    }[channel.kind]
    return Message(channel.name, channel.kind, text, payload)
