"""A year's holidays from the State Council's notice (节假日安排导入): ``hotline holidays import``.

``import_notice(root, text, year)`` reads the notice (``records.holiday_notice``), refuses it — writing
nothing — when it disagrees with itself, and otherwise writes ``scoring/holidays/YYYY.yaml`` at once
(``util.atomic``): every day off (weekends in the span included) and every make-up working day, each with its
holiday's name, and the notice as the ``source``. An existing file that says something else is replaced
only when asked (``force``); the same file again changes nothing. Afterwards the county's deadlines use the
file (``workdays``); ``hotline check`` lists any day where it and ``chinese-calendar`` disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from hotline.records import paths
from hotline.records.holiday_notice import Notice, Problem, parse_notice
from hotline.records.models import HolidayYear
from hotline.util import atomic
from hotline.workdays import Disagreement, WorkCalendar


class NoticeRefused(Exception):
    """The notice was not imported; ``problems`` say why (each with its line and item)."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Imported:
    path: Path
    notice: Notice
    written: bool  # False: the file already said exactly this
    replaced: bool  # an existing file with other contents was replaced
    disagreements: list[Disagreement]  # days where the package (if it knows the year) says otherwise
    package: str


def year_file_text(notice: Notice) -> str:
    """The year file for ``notice`` (``records.models.HolidayYear``), commented for the office."""
    lines = [
        "# yaml-language-server: $schema=../../schemas/holidays.schema.json",
        f"# {notice.year} 年节假日安排：由 hotline holidays import 按国务院办公厅通知全文生成。",
        "# 办理期限以本文件为准；与 chinese-calendar 软件包不一致时，hotline check 会列出不一致的日期。",
        f"source: {notice.source}",
        "holidays:  # 放假（含假期中的周末）",
    ]
    lines += [f"  - {{date: {d.isoformat()}, name: {it.name}}}" for it in notice.items for d in it.days_off]
    workdays = [(d, it.name) for it in notice.items for d in it.workdays]
    lines.append("workdays:  # 调休上班" + (" []" if not workdays else ""))
    lines += [f"  - {{date: {d.isoformat()}, name: {name}}}" for d, name in sorted(workdays)]
    return "\n".join(lines) + "\n"


def import_notice(root: Path | str, text: str, year: int, *, force: bool = False) -> Imported:
    """Write ``scoring/holidays/<year>.yaml`` from the notice's ``text``; ``NoticeRefused`` (nothing written)
    when the text disagrees with itself or another file is there and ``force`` is not given."""
    notice, problems = parse_notice(text, year)
    if notice is None:
        raise NoticeRefused(f"通知未导入（没有写入任何文件）：发现 {len(problems)} 处问题", problems)
    out = year_file_text(notice)
    model = HolidayYear.model_validate(yaml.safe_load(out))  # what the loader will read: the same days
    path = Path(root) / paths.HOLIDAYS / f"{year}.yaml"
    before = path.read_text(encoding="utf-8") if path.is_file() else None
    if before is not None and before != out and not force:
        raise NoticeRefused(
            f"{paths.HOLIDAYS}/{year}.yaml 已存在且内容不同：核对后如确要以通知替换，请加 --force（原文件可在 Git 历史中找回）"
        )
    if before != out:
        atomic.write_text(path, out)
    calendar = WorkCalendar({year: model})
    return Imported(path, notice, before != out, before is not None and before != out,
                    calendar.disagreements(year), calendar.package.name)  # fmt: skip
