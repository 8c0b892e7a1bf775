"""The monthly register table (《12345政务服务热线情况X月登记表》): one row per dispatch of a unit in a month.

Pure: from order states (derived as of the build's ``as_of``) to rows in the column order of ``COLUMNS``.
Writers (``documents.register_xlsx``, the site's register pages) only lay the rows out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from hotline.lifecycle.state import DispatchState, OrderState
from hotline.lifecycle.status import MERGED, on_time_word
from hotline.records import privacy as pii
from hotline.records.models import Unit
from hotline.reports.monthly import month_label, month_of

COLUMNS = (
    "序号",
    "工单编号",
    "派单时间",
    "诉求类别",
    "主办/会办",
    "诉求人",
    "诉求内容摘要",
    "承办科室",
    "办理时限",
    "接收时间",
    "答复时间",
    "是否按时办结",
    "回访结果",
    "是否重办",
    "备注",
)
SUMMARY_CHARS = 40  # 诉求内容摘要: title and content together, cut to fit three printed lines of the register


@dataclass
class RegisterRow:
    no: int
    order_id: str
    dispatched_at: datetime
    category: str
    role: str
    citizen: str
    summary: str
    office: str
    due: date
    accepted_at: datetime | None
    replied_at: datetime | None
    on_time: str  # 是 / 否 / 办理中 / 已退回
    callback: str
    redo: str  # 是 / 否
    remarks: str
    provisional: bool = False
    unsettled: bool = False  # its outcome (receipt, reply, callback) is not known yet (lifecycle.settlement)

    def cells(self) -> list:
        return [
            self.no,
            self.order_id,
            self.dispatched_at,
            self.category,
            self.role,
            self.citizen,
            self.summary,
            self.office,
            self.due,
            self.accepted_at,
            self.replied_at,
            self.on_time,
            self.callback,
            self.redo,
            self.remarks,
        ]


@dataclass
class Register:
    unit: Unit
    month: str
    rows: list[RegisterRow] = field(default_factory=list)
    satisfied: frozenset[str] = frozenset()  # callback results counted as satisfied (assessment.satisfied)
    final: bool = True  # the month is final (``MonthStats.final``): else the register is 暂定, by name and title

    @property
    def title(self) -> str:
        """The unit and the month, named once: 金村镇12345政务服务热线情况2026年11月登记表."""
        return f"{self.unit.name}12345政务服务热线情况{month_label(self.month)}登记表"

    @property
    def period(self) -> str:
        return month_label(self.month)

    @property
    def leader(self) -> str:
        ld = self.unit.hotline.leader
        return f"{ld.name}（{ld.title}）" if ld and ld.title else (ld.name if ld else "未明确")

    @property
    def handlers(self) -> str:
        return "、".join(h.name for h in self.unit.hotline.handlers) or "未明确"

    @property
    def provisional(self) -> bool:
        return any(r.provisional for r in self.rows)

    @property
    def unsettled(self) -> int:
        """Rows whose outcome is not known yet: the register is 暂定 while > 0."""
        return sum(r.unsettled for r in self.rows)

    @property
    def provisional_note(self) -> str:
        """The 暂定 line of the title block, or empty when the month is final."""
        if self.unsettled:
            return f"暂定：尚有 {self.unsettled} 件派单的办理结果未确定（接收、办结或回访），本表数据截至编制之时，月末后更新。"
        if not self.final:
            return "暂定：本表各件结果已确定；本月其他单位尚有派单结果未确定，全部确定后月报和登记表一并定稿。"
        return ""

    @property
    def heading(self) -> str:
        """The title as printed: 暂定 while the month is not final."""
        return self.title + ("" if self.final and not self.unsettled else "（暂定）")

    def totals(self) -> dict[str, int]:
        return {
            "工单": len(self.rows),
            "按时办结": sum(r.on_time == "是" for r in self.rows),
            "逾期": sum(r.on_time == "否" for r in self.rows),
            "办理中": sum(r.on_time == "办理中" for r in self.rows),
            "已退回": sum(r.on_time == "已退回" for r in self.rows),
            **({"已并单": merged} if (merged := sum(r.on_time == MERGED for r in self.rows)) else {}),
            "满意": sum(r.callback in self.satisfied for r in self.rows),
            "重办": sum(r.redo == "是" for r in self.rows),
        }

    def totals_text(self) -> str:
        t = self.totals()
        return "；".join(f"{k} {v} 件" for k, v in t.items())


def citizen_text(state: OrderState) -> str:
    """The masked name and phone, on two lines (a printed register's narrow column)."""
    c = state.order.citizen
    if c is None:
        return ""
    parts = [pii.mask_name(c.name) if c.name else "", pii.mask_text(c.phone) if c.phone else ""]
    return "\n".join(p for p in parts if p)


def summary(state: OrderState) -> str:
    """The title and the content, at most ``SUMMARY_CHARS`` characters (the order itself has the rest)."""
    # masked before it is cut: a number cut in half would no longer be recognised as one
    text = pii.mask_text(f"{state.order.title}：{' '.join(state.order.content.split())}")
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def short_date(d: date) -> str:
    """A date within the register's month or the next ones: 11-27 (the title gives the year)."""
    return f"{d:%m-%d}"


def remarks(s: DispatchState, notes: list[str] | None = None) -> str:
    out = []
    if s.merged_into is not None:
        out.append(f"工单已并入 {s.merged_into}（并单）")
    if s.return_requested_at is not None:
        out.append({True: "同意退回", False: "不同意退回", None: "申请退回，待审核"}[s.return_approved])
    if s.extension_days:
        out.append(f"延期 {s.extension_days} 个工作日")
    elif s.pending_extension:
        out.append(f"申请延期 {s.pending_extension} 个工作日，待审核")
    if s.extension_refused:
        out.append("延期申请未获批准")
    if s.redo_at is not None:
        out.append(
            (f"重办期限 {short_date(s.redo_due)}" if s.redo_due else "重办")
            + (f"，{short_date(s.redo_reply_at)} 答复" if s.redo_reply_at else "")
        )
    if s.replies_without_contact:
        out.append("答复前未联系诉求人")
    if s.timely_receipt is False:
        out.append("未及时接收")
    if s.provisional:
        out.append("期限为临时推算")
    out.extend(notes or [])
    return "；".join(out)


def registers(
    states: list[OrderState],
    units: dict[str, Unit],
    satisfied: frozenset[str] = frozenset(),
    notes: dict[tuple[str, str], list[str]] | None = None,
    not_final: frozenset[str] | set[str] = frozenset(),
) -> dict[tuple[str, str], Register]:
    """(unit id, month) → register, for every unit and month with dispatches.

    ``notes`` adds remarks per (order id, unit), e.g. late records found in Git history; ``not_final``: the
    months not final yet (``MonthStats.final``).
    """
    out: dict[tuple[str, str], Register] = {}
    pairs = sorted(
        ((s.dispatched_at, s.order_id, s.unit, st, s) for st in states for s in st.dispatches), key=lambda p: p[:3]
    )
    for _, _, _, st, s in pairs:
        unit = units.get(s.unit)
        if unit is None:
            continue
        key = (s.unit, month_of(s.dispatched_at))
        reg = out.setdefault(key, Register(unit, key[1], satisfied=satisfied, final=key[1] not in not_final))
        reg.rows.append(
            RegisterRow(
                no=len(reg.rows) + 1,
                order_id=s.order_id,
                dispatched_at=s.dispatched_at,
                category=s.category,
                role=s.role,
                citizen=citizen_text(st),
                summary=summary(st),
                office=s.office or "",
                due=s.current_due,
                accepted_at=s.accepted_at,
                replied_at=s.reply_at,
                on_time=on_time_word(s),
                callback=st.final_callback or "",
                redo="是" if s.redo_at is not None else "否",
                remarks=remarks(s, (notes or {}).get((s.order_id, s.unit))),
                provisional=s.provisional,
                unsettled=bool(s.unsettled),
            )
        )
    return out
