"""Month-end without hands (月末处理): publish last month's documents, seal the month, record corrections.

README "八、月末处理". ``hotline month-end`` runs every day (the ``month-end``
workflow); what it does depends only on the records, the rules and ``as_of``:

- from the first working day after the month, once: publish the month's monthly report (.docx) and
  register tables (.xlsx) in ``reports/published/YYYY-MM/`` (committed; the host shows the folder, its
  ``README.md`` says what they are). While a dispatch of the month is not settled
  (``lifecycle.settlement``) they are 暂定: ``（暂定）`` in every file name, in the README with the
  number of unsettled dispatches, and in the documents' title blocks (the documents' own rule);
- seal it (``reports.archive.seal``: tag ``archive/YYYY-MM`` and ``archives/YYYY-MM.zip`` with its
  manifest, committed) as soon as every dispatch of the month is settled, or on the
  ``month_end.seal_after_workdays``-th working day after the month, whichever comes first. What is still
  open then is listed as 未办结 in the zip (``未办结.txt``, and in ``MANIFEST.json``) and in the README;
  the published documents become the sealed ones (the same bytes as in the zip);
- a sealed month is never rewritten: later commits that change its orders are listed, as corrections,
  in ``reports/published/YYYY-MM/更正记录.md`` (the sealed zip and tag stay as they are);
- when there is nothing to do nothing changes: a second run the same day commits nothing;
- while a year's holidays are due and missing (from 1 December, the next year's: ``WorkCalendar.missing_year``)
  its output — the job's summary — says so and how to import the State Council's notice.

``plan`` and ``month_status`` decide (pure); ``run`` reads, writes and commits with the records' identity.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from hotline.git import identity
from hotline.git import refs as gitrefs
from hotline.lifecycle.state import OrderState
from hotline.lifecycle.status import flag_word
from hotline.load import load
from hotline.records import paths
from hotline.records.holiday_notice import import_hint
from hotline.records.models import Unit
from hotline.reports import archive
from hotline.reports.monthly import month_label, month_of, previous_month
from hotline.times import format_date, format_time
from hotline.workdays import WorkCalendar

PUBLISHED_DIR = "reports/published"
STATE_FILE = "状态.json"
README = "README.md"
CORRECTIONS = "更正记录.md"
OPEN_FILE = "未办结.txt"
PROVISIONAL = "（暂定）"


class MonthEndError(Exception):
    """Why month-end cannot go on (Chinese, says what to do)."""


@dataclass(frozen=True)
class OpenDispatch:
    """A dispatch of the month still owed by its unit (未办结)."""

    order_id: str
    unit: str
    unit_name: str
    role: str
    due: date
    status: str


@dataclass(frozen=True)
class MonthStatus:
    month: str
    dispatches: int
    unsettled: int  # dispatches whose outcome is not known yet: the month is 暂定 while > 0
    open: tuple[OpenDispatch, ...]

    @property
    def final(self) -> bool:
        return self.unsettled == 0


def month_status(states: list[OrderState], month: str, units: dict[str, Unit]) -> MonthStatus:
    """The month's dispatches (by 派单 date) in ``states`` (derived as of one moment): how many are not
    settled yet (``DispatchState.unsettled``, the rule in ``lifecycle.settlement``), which are open."""
    ds = [s for st in states for s in st.dispatches if month_of(s.dispatched_at) == month]
    waiting = sum(bool(s.unsettled) for s in ds)
    open_ = tuple(
        OpenDispatch(
            s.order_id,
            s.unit,
            units[s.unit].name if s.unit in units else s.unit,
            s.role,
            s.current_due,
            s.status + (f"（{flag_word(s)}）" if flag_word(s) else ""),
        )
        for s in sorted(ds, key=lambda s: (s.order_id, s.unit))
        if s.open
    )
    return MonthStatus(month, len(ds), waiting, open_)


@dataclass(frozen=True)
class Plan:
    month: str
    first_workday: date  # publishing starts on the first working day after the month
    seal_day: date  # sealed on this day at the latest
    publish: bool
    seal: bool
    note: str  # why (Chinese)


def last_day(month: str) -> date:
    y, m = int(month[:4]), int(month[5:7])
    return date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)


def plan(
    month: str,
    today: date,
    calendar: WorkCalendar,
    seal_after: int,
    status: MonthStatus,
    published: dict | None,
    sealed: bool,
) -> Plan:
    """What to do for ``month`` on ``today``: publish (once, or again at sealing), seal, or nothing."""
    end = last_day(month)
    first, seal_day = calendar.add_workdays(end, 1).day, calendar.add_workdays(end, seal_after).day
    label = month_label(month)

    def out(publish: bool, seal: bool, note: str) -> Plan:
        return Plan(month, first, seal_day, publish, seal, note)

    if sealed:
        return out(False, False, f"{label}已封存，不再改写")
    if today < first:
        return out(False, False, f"{label}的月报和登记表自 {format_date(first)}（下月第一个工作日）起发布")
    if status.dispatches == 0:
        return out(False, False, f"{label}没有派单，无需发布和封存")
    if status.final:
        return out(True, True, f"{label}全部派单结果已确定：发布最终的月报和登记表并封存")
    if today >= seal_day:
        return out(
            True,
            True,
            f"已到下月第 {seal_after} 个工作日（{format_date(seal_day)}）：封存{label}，"
            f"{status.unsettled} 个派单结果未确定，未办结 {len(status.open)} 个",
        )
    if published is None:
        return out(
            True,
            False,
            f"发布{label}的月报和登记表（暂定：{status.unsettled} 个派单结果未确定；"
            f"全部确定后、最迟 {format_date(seal_day)} 封存）",
        )
    return out(
        False,
        False,
        f"{label}已发布（暂定），{status.unsettled} 个派单结果未确定；全部确定后、最迟 {format_date(seal_day)} 封存",
    )


# --- what is written -----------------------------------------------------------------------------


def _md(value: str) -> str:
    """Text for Markdown (a unit's name or a commit subject is untrusted): never markup."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", " ").replace("\n", " ")
    for ch in "\\`*_[]()#|!~":
        value = value.replace(ch, "\\" + ch)
    return value


def published_name(name: str, final: bool) -> str:
    """``月报/x.docx`` → ``x（暂定）.docx`` while the month is not final."""
    base = name.split("/")[-1]
    if final:
        return base
    stem, dot, ext = base.rpartition(".")
    return f"{stem}{PROVISIONAL}{dot}{ext}"


def open_text(status: MonthStatus, as_of: datetime) -> str:
    lines = [f"{month_label(status.month)} 未办结的派单（截至 {format_time(as_of)}）：{len(status.open)} 个", ""]
    lines += [f"{o.order_id}\t{o.unit_name}\t{o.role}\t办理期限 {format_date(o.due)}\t{o.status}" for o in status.open]
    return "\n".join(lines) + "\n"


def readme(
    status: MonthStatus, as_of: datetime, pl: Plan, files: list[str], sealed: archive.Sealed | None, seal_after: int
) -> str:
    label = month_label(status.month)
    state = (
        "最终（本月全部派单的结果已确定）"
        if status.final
        else f"暂定（{status.unsettled} 个派单的结果尚未确定：未接收、未答复或等待回访）"
    )
    lines = [
        f"# {label} 月报和登记表",
        "",
        f"- 状态：{state}",
        f"- 依据：截至 {format_time(as_of)} 的记录（hotline month-end 自动生成）",
    ]
    if sealed is not None:
        lines.append(
            f"- 封存：标签 `{sealed.tag}`（提交 {sealed.commit[:10]}），归档文件 `{archive.zip_name(status.month)}`；"
            "封存后不再改写，此后的修改见同目录的“更正记录”"
        )
    else:
        lines.append(
            f"- 封存：全部派单结果确定后，最迟 {format_date(pl.seal_day)}（下月第 {seal_after} 个工作日）；届时本目录换成封存的版本"
        )
    lines += ["", "## 文件", ""] + [f"- {_md(f)}" for f in files]
    if sealed is not None:
        lines += ["", f"## 未办结（封存时，{len(status.open)} 个）", ""]
        if status.open:
            lines += ["| 工单编号 | 承办单位 | 主办/会办 | 办理期限 | 状态 |", "|---|---|---|---|---|"]
            lines += [
                f"| {o.order_id} | {_md(o.unit_name)} | {o.role} | {format_date(o.due)} | {o.status} |"
                for o in status.open
            ]
        else:
            lines.append("没有。")
    return "\n".join(lines) + "\n"


def corrections_text(month: str, tag: gitrefs.Tag, commits: list[gitrefs.Commit]) -> str:
    when = f"{tag.tagged_at:%Y-%m-%d %H:%M}" if tag.tagged_at else ""
    lines = [
        f"# {month_label(month)} 封存后的更正",
        "",
        f"本月已于 {when} 封存（标签 `{tag.name}`，提交 {tag.commit[:10]}）。封存的归档文件不再改写；此后对本月工单的修改"
        "如下，以当前记录为准。",
        "",
        "| 入库时间 | 提交 | 说明 | 修改的工单 |",
        "|---|---|---|---|",
    ]
    for c in commits:
        names = "、".join(_md(Path(f).stem) for f in c.files)
        lines.append(f"| {c.committed_at:%Y-%m-%d %H:%M} | {c.commit[:10]} | {_md(c.subject)} | {names} |")
    return "\n".join(lines) + "\n"


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Outcome:
    plan: Plan
    sealed: archive.Sealed | None = None
    corrections: list[str] = field(default_factory=list)  # months whose correction list changed
    commit: str | None = None  # the commit made, when something changed
    calendar_note: str | None = None  # a year's holidays are due and missing (the job's summary says so)


def calendar_note(calendar: WorkCalendar, today: date) -> str | None:
    """The line the month-end summary adds while a year's holidays are due and missing (``missing_year``)."""
    year = calendar.missing_year(today)
    if year is None:
        return None
    return f"注意：{year} 年的节假日安排尚未导入，涉及 {year} 年的办理期限只按周末推算。{import_hint(year)}。"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _publish(
    root: Path,
    status: MonthStatus,
    as_of: datetime,
    pl: Plan,
    docs: dict[str, bytes],
    sealed: archive.Sealed | None,
    seal_after: int,
) -> None:
    folder = root / PUBLISHED_DIR / status.month
    for p in list(folder.iterdir()) if folder.is_dir() else []:
        if p.name != CORRECTIONS:
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    names = []
    for name, data in sorted(docs.items()):
        rel = ("登记表/" if name.startswith("登记表/") else "") + published_name(name, status.final)
        _write(folder / rel, data)
        names.append(rel)
    _write(folder / README, readme(status, as_of, pl, names, sealed, seal_after).encode("utf-8"))
    state = {
        "month": status.month,
        "final": status.final,
        "unsettled": status.unsettled,
        "sealed": sealed is not None,
        "as_of": format_time(as_of),
        "open": [o.order_id + "/" + o.unit for o in status.open] if sealed else [],
    }
    _write(folder / STATE_FILE, (json.dumps(state, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def _sealed_documents(zip_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(zip_path.read_bytes())) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith(("月报/", "登记表/"))}


def _corrections(root: Path) -> list[str]:
    """Write each sealed month's correction list when it changed; the months whose list changed."""
    changed = []
    for tag in gitrefs.tags(root):
        month = tag.name[len(gitrefs.TAG_PREFIX) :]
        if not archive.MONTH.match(month):
            continue
        commits = gitrefs.commits_since(root, tag.commit, paths.month_folder_of(month))
        if not commits:
            continue
        target = root / PUBLISHED_DIR / month / CORRECTIONS
        text = corrections_text(month, tag, commits).encode("utf-8")
        if not target.is_file() or target.read_bytes() != text:
            _write(target, text)
            changed.append(month)
    return changed


def run(root: Path | str, as_of: datetime, month: str | None = None) -> Outcome:
    """Do today's month-end work for ``month`` (default: the month before ``as_of``) and commit it."""
    root = Path(root).resolve()
    month = month or previous_month(month_of(as_of))
    if not archive.MONTH.match(month):
        raise MonthEndError(f"月份“{month}”格式不对，应写成 YYYY-MM，如 2026-11")
    if not gitrefs.is_repository(root):
        raise MonthEndError(f"{root} 不是 Git 仓库：月末处理要提交发布的文件、在封存的提交上打标签")
    repo = load(root)
    rules = repo.context.rules
    if rules is None:
        raise MonthEndError("无法读取 scoring/rules.yaml：请先运行 hotline check 查看原因")
    status = month_status(repo.states(as_of), month, repo.units)
    state_file = root / PUBLISHED_DIR / month / STATE_FILE
    published = json.loads(state_file.read_text(encoding="utf-8")) if state_file.is_file() else None
    sealed_already = any(t.name == gitrefs.TAG_PREFIX + month for t in gitrefs.tags(root))
    seal_after = rules.month_end.seal_after_workdays
    pl = plan(month, as_of.date(), repo.calendar, seal_after, status, published, sealed_already)
    out = Outcome(pl, calendar_note=calendar_note(repo.calendar, as_of.date()))
    touched = []
    if pl.seal:
        out.sealed = archive.seal(
            root,
            month,
            as_of,
            extra={OPEN_FILE: open_text(status, as_of).encode("utf-8")},
            manifest_extra={
                "final": status.final,
                "unsettled": status.unsettled,
                "open": [
                    {"order": o.order_id, "unit": o.unit, "due": format_date(o.due), "status": o.status}
                    for o in status.open
                ],
            },
        )
        _publish(root, status, as_of, pl, _sealed_documents(out.sealed.zip_path), out.sealed, seal_after)
        touched += [f"{PUBLISHED_DIR}/{month}", archive.zip_name(month)]
    elif pl.publish:
        _publish(root, status, as_of, pl, archive.month_documents(root, month, as_of), None, seal_after)
        touched.append(f"{PUBLISHED_DIR}/{month}")
    out.corrections = _corrections(root)
    touched += [f"{PUBLISHED_DIR}/{m}/{CORRECTIONS}" for m in out.corrections]
    if touched:
        what = "封存并发布" if pl.seal else "发布"
        parts = (
            [f"{what} {month_label(month)} 月报和登记表" + ("" if status.final else "（暂定）")]
            if (pl.seal or pl.publish)
            else []
        )
        parts += [f"记录 {month_label(m)} 封存后的更正" for m in out.corrections]
        out.commit = identity.commit(root, touched, "月末处理：" + "；".join(parts))
    return out
