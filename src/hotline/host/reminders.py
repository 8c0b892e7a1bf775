"""Due-soon and overdue reminders (系统督办：即将到期与逾期提醒) and the issue sync plan.

``reminders(repo, as_of)`` lists one reminder per pending dispatch (order × unit) that is due soon
(from ``due_soon_days`` working days before its current deadline) or overdue. ``plan(...)`` compares
them with the issues already on the Git host and says what to create, update, reopen or close. Both
are pure: the Git-host client (``githost``) and the command (``cli/overdue``) do the I/O.

An issue is ours only if its body carries the hidden marker ``<!-- hotline:order=ID unit=UNIT -->``;
any other issue, whatever its labels, is never touched. Titles and bodies depend on the state of the
dispatch, never on the day the sync runs, so a second run the same day (or the next, when nothing
changed) changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from hotline.lifecycle.state import DispatchState
from hotline.lifecycle.status import DUE_SOON, FLAG_WORDS, OVERDUE, reminder, workdays_late, workdays_left
from hotline.load import Repository
from hotline.records.models import Unit
from hotline.records.privacy import mask_text
from hotline.times import format_date, format_time

if TYPE_CHECKING:  # the Git host's client (and httpx) is imported only when syncing, not to list reminders
    from hotline.host.client import Issue, LabelSpec

STATE_LABELS = FLAG_WORDS
STATE_COLORS = {DUE_SOON: "fbca04", OVERDUE: "d73a4a"}  # yellow and red, as on the site
UNIT_LABEL_COLOR = "1d76db"
MARKER = re.compile(r"<!--\s*hotline:order=([A-Za-z0-9-]+)\s+unit=([a-z0-9-]+)\s*-->")

Key = tuple[str, str]  # (order id, unit id)


def marker(order_id: str, unit: str) -> str:
    return f"<!-- hotline:order={order_id} unit={unit} -->"


def key_of(issue: Issue) -> Key | None:
    m = MARKER.search(issue.body or "")
    return (m.group(1), m.group(2)) if m else None


def unit_label(unit: Unit | None, unit_id: str) -> str:
    if unit is None:
        return unit_id
    return unit.short_name or unit.name


@dataclass(frozen=True)
class Reminder:
    """One pending dispatch that needs a reminder issue (一件督办提醒)."""

    order_id: str
    order_title: str
    category: str
    path: str
    unit: str
    unit_name: str
    unit_label: str
    role: str
    state: str  # DUE_SOON or OVERDUE
    dispatched_at: datetime
    due: str
    base_due: str
    extension_days: int
    status: str
    in_redo: bool
    provisional: bool
    maintainers: tuple[str, ...]
    # as of the day asked (the group reminders show them; the issue's title and body never do)
    days_late: int = 0
    days_left: int = 0

    @property
    def key(self) -> Key:
        return (self.order_id, self.unit)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def labels(self) -> list[str]:
        return [self.state_label, self.unit_label]

    def title(self) -> str:
        title = self.order_title if len(self.order_title) <= 40 else self.order_title[:39] + "…"
        return f"【{self.state_label}】{self.order_id} {self.unit_name}：{title}"

    def body(self) -> str:
        phase = "重办" if self.in_redo else "办理"
        if self.state == OVERDUE:
            head = f"**逾期**：{self.unit_name}的{phase}期限 {self.due} 已过，尚未答复。"
            ask = "请尽快答复并在工单中登记“答复”事件；确实无法办理的，登记“履责说明”。"
        else:
            head = f"**即将到期**：{self.unit_name}的{phase}期限为 {self.due}，尚未答复。"
            ask = "请在期限内答复并在工单中登记“答复”事件；确需延期的，请在期限届满前提交延期申请。"
        due = self.due
        if self.extension_days:
            due += f"（原期限 {self.base_due}，已批准延期 {self.extension_days} 个工作日）"
        if self.provisional:
            due += "（该年份没有节假日数据，期限只按周末推算，仅供参考）"
        rows = [
            ("工单编号", self.order_id),
            ("标题", self.order_title),
            ("诉求类别", self.category),
            ("承办单位", f"{self.unit_name}（{self.unit}），{self.role}"),
            ("派单时间", format_time(self.dispatched_at)),
            ("办理期限", due),
            ("当前状态", self.status),
            ("工单文件", f"`{self.path}`"),
        ]
        table = "\n".join(f"| {k} | {_cell(v)} |" for k, v in rows)
        who = (
            "、".join(f"@{m}" for m in self.maintainers)
            if self.maintainers
            else "（本单位尚未在单位文件中登记维护人账号）"
        )
        return (
            f"{marker(self.order_id, self.unit)}\n"
            f"{head}\n\n"
            f"| 项目 | 内容 |\n|---|---|\n{table}\n\n"
            f"{ask}\n\n"
            f"本单位维护人：{who}\n\n"
            "本提醒由 `hotline overdue sync` 在每个工作日自动更新，单位答复后自动关闭。请勿删除正文第一行的隐藏标记。\n"
        )


def _cell(value: str) -> str:
    return mask_text(str(value)).replace("|", "｜").replace("\n", " ")


def reminders(repo: Repository, as_of: datetime) -> list[Reminder]:
    out = []
    for state in repo.states(as_of):
        for s in state.dispatches:
            kind = reminder(s)
            if kind is None:
                continue
            order = state.order  # only now: the order itself is rebuilt from the cache when first asked for
            unit = repo.units.get(s.unit)
            out.append(
                Reminder(
                    order_id=order.id,
                    order_title=mask_text(order.title),
                    category=order.category,
                    path=order.path,
                    unit=s.unit,
                    unit_name=unit.name if unit else s.unit,
                    unit_label=unit_label(unit, s.unit),
                    role=s.role,
                    state=kind,
                    dispatched_at=s.dispatched_at,
                    due=format_date(s.current_due),
                    base_due=format_date(s.base_due),
                    extension_days=s.extension_days,
                    status=s.status,
                    in_redo=s.in_redo,
                    provisional=s.provisional,
                    maintainers=tuple(m.lstrip("@") for m in (unit.maintainers if unit else [])),
                    days_late=workdays_late(s, as_of, repo.calendar),
                    days_left=workdays_left(s, as_of, repo.calendar),
                )
            )
    out.sort(key=lambda r: (r.order_id, r.unit))
    return out


def label_specs(reminders_: list[Reminder], repo: Repository) -> list[LabelSpec]:
    from hotline.host.client import LabelSpec

    specs = [
        LabelSpec(STATE_LABELS[k], STATE_COLORS[k], f"热线工单{STATE_LABELS[k]}提醒（hotline overdue sync）")
        for k in (DUE_SOON, OVERDUE)
    ]
    seen = set()
    for r in reminders_:
        if r.unit_label not in seen:
            seen.add(r.unit_label)
            specs.append(LabelSpec(r.unit_label, UNIT_LABEL_COLOR, f"承办单位：{r.unit_name}"))
    return specs


# --- the plan --------------------------------------------------------------------------------------


@dataclass
class Action:
    kind: Literal["create", "update", "reopen", "close"]
    key: Key
    number: int | None = None
    reminder: Reminder | None = None
    title: str | None = None
    body: str | None = None
    labels: list[str] | None = None
    comment: str | None = None

    def describe(self) -> str:
        what = {"create": "新建", "update": "更新", "reopen": "重新打开", "close": "关闭"}[self.kind]
        num = f" #{self.number}" if self.number else ""
        detail = []
        if self.kind in ("update", "reopen"):
            if self.title is not None:
                detail.append("标题")
            if self.body is not None:
                detail.append("正文")
            if self.labels is not None:
                detail.append("标签")
        extra = f"（{'、'.join(detail)}）" if detail else ""
        return f"{what}{num}：工单 {self.key[0]} 单位 {self.key[1]}{extra}"


@dataclass
class Plan:
    actions: list[Action] = field(default_factory=list)
    unchanged: int = 0
    unmarked: int = 0  # issues with our labels but without the marker: never touched

    def count(self, kind: str) -> int:
        return sum(a.kind == kind for a in self.actions)


CLOSED_NOTE = "\n\n---\n**已关闭**："


def close_comment(key: Key, reason: str) -> str:
    digest = hashlib.sha256(f"{key[0]}|{key[1]}|{reason}".encode()).hexdigest()[:16]
    return f"<!-- hotline:close={digest} -->\n{reason}"


def closed_body(body: str, reason: str) -> str:
    """The body with the closing reason at the end (so the reason survives even without the comment)."""
    body = body.replace("\r\n", "\n").split(CLOSED_NOTE)[0].rstrip("\n")
    return f"{body}{CLOSED_NOTE}{reason}\n"


def close_reason(key: Key, states: dict[Key, DispatchState], units: dict[str, Unit]) -> str:
    s = states.get(key)
    name = units[key[1]].name if key[1] in units else key[1]
    if s is None:
        return f"记录中已找不到工单 {key[0]} 对{name}的派单，本提醒关闭。"
    if s.returned:
        return f"{name}的退回申请已获同意，该派单结束，本提醒关闭。"
    if s.ended_by_merge:
        return f"工单已并入 {s.merged_into}（并单），{name}的这次派单随之结束，本提醒关闭。"
    if s.completed:
        when = format_time(s.redo_reply_at or s.reply_at)
        late = "（超过期限）" if s.was_late else ""
        return f"{name}已于 {when} 答复{late}，本提醒关闭。"
    return f"办理期限现为 {format_date(s.current_due)}，暂未到提醒时间，本提醒关闭；临近期限时会重新打开。"


def plan(
    wanted: list[Reminder],
    issues: list[Issue],
    states: dict[Key, DispatchState],
    units: dict[str, Unit],
) -> Plan:
    """What to do so that the host's issues match ``wanted``. ``issues``: every issue with a state label."""
    result = Plan()
    ours: dict[Key, list[Issue]] = {}
    for issue in sorted(issues, key=lambda i: i.number):
        k = key_of(issue)
        if k is None:
            result.unmarked += 1
            continue
        ours.setdefault(k, []).append(issue)

    by_key = {r.key: r for r in wanted}
    state_names = set(STATE_LABELS.values())
    for k in sorted(set(by_key) | set(ours)):
        r = by_key.get(k)
        found = ours.get(k, [])
        canonical = next((i for i in found if i.state == "open"), found[0] if found else None)
        for dup in found:
            if canonical is not None and dup is not canonical and dup.state == "open":  # found holds canonical
                why = f"重复的提醒，请见 #{canonical.number}。"
                result.actions.append(
                    Action("close", k, dup.number, body=closed_body(dup.body, why), comment=close_comment(k, why))
                )
        if r is None:
            if canonical is not None and canonical.state == "open":
                why = close_reason(k, states, units)
                result.actions.append(
                    Action(
                        "close",
                        k,
                        canonical.number,
                        body=closed_body(canonical.body, why),
                        comment=close_comment(k, why),
                    )
                )
            else:
                result.unchanged += canonical is not None
            continue
        if canonical is None:
            result.actions.append(Action("create", k, reminder=r, title=r.title(), body=r.body(), labels=r.labels))
            continue
        title = r.title() if canonical.title != r.title() else None
        body = r.body() if canonical.body.replace("\r\n", "\n") != r.body() else None
        keep = [lb for lb in canonical.labels if lb not in state_names and lb != r.unit_label]
        want_labels = keep + r.labels
        labels = want_labels if set(want_labels) != set(canonical.labels) else None
        if canonical.state != "open":
            result.actions.append(Action("reopen", k, canonical.number, r, title, body, labels))
        elif title is not None or body is not None or labels is not None:
            result.actions.append(Action("update", k, canonical.number, r, title, body, labels))
        else:
            result.unchanged += 1
    return result


def dispatch_states(repo: Repository, as_of: datetime) -> dict[Key, DispatchState]:
    out: dict[Key, DispatchState] = {}
    for state in repo.states(as_of):
        for s in state.dispatches:
            out[(s.order_id, s.unit)] = s  # a re-dispatch after a return: the latest one counts
    return out
