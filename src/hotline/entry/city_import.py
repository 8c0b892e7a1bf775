"""Import from the city platform's export (市平台工单导入): ``.xlsx`` or ``.csv`` rows → order files.

The export's columns are matched to order fields by a mapping. ``DEFAULT_MAPPING`` fits the usual
12345 platform export (Chinese headers such as 工单编号, 标题, 诉求类别, 受理时间, 诉求人, 联系电话, 地址,
诉求内容); each field lists the header names it accepts, and ``--mapping mapping.yaml`` replaces any part
of it (same shape). The header row is the first of the sheet's first ten rows that holds an id column,
so a title row above the table is fine. CSV files may be UTF-8 (with or without BOM) or GB18030/GBK,
as spreadsheet programs on Chinese Windows save them.

Every row becomes one order, checked like ``hotline order new`` before it is written: citizen identity
is masked on the way in (张**, 138****1234; whole numbers in free text too), never stored whole. An order
whose id already exists is skipped, so importing the same file again creates nothing new. Rows that
cannot be imported are reported with their row number (as the spreadsheet shows it) and the reason; a
footer row of totals (合计, 总计, 小计) is skipped. ``write=False`` checks every row and writes nothing (the
command's dry run). A unit is named as ``records.unit_names`` resolves it (泽州县金村镇人民政府 → 金村镇).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import get_args

import yaml

from hotline.entry.order_edit import Refused, new_order
from hotline.load import Context
from hotline.records import paths
from hotline.records.models import Category
from hotline.records.privacy import mask_text
from hotline.records.unit_names import resolve_unit, unit_hint
from hotline.times import format_time, parse_time

CATEGORIES = set(get_args(Category))

DEFAULT_MAPPING: dict = {
    "columns": {
        "id": ["工单编号", "工单号", "编号"],
        "title": ["标题", "工单标题", "诉求标题"],
        "category": ["诉求类别", "诉求类型", "工单类型", "类别"],
        "received_at": ["受理时间", "登记时间", "来电时间", "创建时间"],
        "citizen_name": ["诉求人", "来电人", "诉求人姓名", "姓名"],
        "citizen_phone": ["联系电话", "来电号码", "电话", "手机号码"],
        "address": ["地址", "诉求地址", "事发地址", "事发地点"],
        "content": ["诉求内容", "工单内容", "内容", "问题描述"],
        "emergency": ["是否突发", "突发事项"],
        "tags": ["标签", "关键词"],
        "unit": ["承办单位", "主办单位"],
        "dispatched_at": ["派单时间", "转办时间"],
    },
    "values": {
        "category": {
            "咨询类": "咨询",
            "建议类": "建议",
            "意见建议": "建议",
            "意见": "建议",
            "求助类": "求助",
            "投诉类": "投诉",
            "举报类": "举报",
        },
        "emergency": {"是": True, "否": False, "true": True, "false": False, "1": True, "0": False, "": False},
    },
    "sheet": None,  # the first sheet
    "by": "县热线办",  # who dispatched, for orders whose export names a handling unit
}
REQUIRED = ("id", "category", "received_at", "content")
MAPPING_KEYS = {"columns", "values", "sheet", "by"}
_ID = re.compile(r"^[A-Za-z0-9-]+$")


TOTAL_WORDS = ("合计", "总计", "小计")
_OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the start of an old binary workbook (.xls)
_DAMAGED = "文件已损坏，或不是 Excel 工作簿：请在 Excel 或 WPS 中打开，另存为 .xlsx 后再导入"


@dataclass
class Report:
    created: list[tuple[int, str, str]] = field(default_factory=list)  # (row, id, path); not written in a dry run
    existing: list[tuple[int, str]] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)  # rows of totals (合计), skipped
    failed: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)
    problems: list[str] = field(default_factory=list)  # about the file or mapping as a whole


class ImportFailed(Exception):
    """The file or the mapping cannot be used at all."""


def load_mapping(path: Path | None) -> dict:
    mapping = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT_MAPPING.items()}
    mapping["columns"] = {k: list(v) for k, v in DEFAULT_MAPPING["columns"].items()}
    mapping["values"] = {k: dict(v) for k, v in DEFAULT_MAPPING["values"].items()}
    if path is None:
        return mapping
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as e:
        raise ImportFailed(f"无法读取映射文件 {path}：{e}") from None
    if not isinstance(data, dict) or set(data) - MAPPING_KEYS:
        raise ImportFailed(f"映射文件 {path} 只能有这些键：{'、'.join(sorted(MAPPING_KEYS))}")
    for field_name, names in (data.get("columns") or {}).items():
        if field_name not in DEFAULT_MAPPING["columns"]:
            raise ImportFailed(
                f"映射文件 {path}：不认识的字段 {field_name}（可用：{'、'.join(DEFAULT_MAPPING['columns'])}）"
            )
        mapping["columns"][field_name] = [names] if isinstance(names, str) else list(names)
    for field_name, table in (data.get("values") or {}).items():
        mapping["values"].setdefault(field_name, {}).update({str(k): v for k, v in (table or {}).items()})
    for k in ("sheet", "by"):
        if k in data:
            mapping[k] = data[k]
    return mapping


MAX_ROWS = 100_000  # rows read from one sheet, empty ones included
MAX_COLUMNS = 200
MAX_FILE_BYTES = 64 << 20


def read_rows(path: Path, sheet: str | None = None) -> list[tuple[int, list]]:
    """(row number, cells) of every row of the first (or named) sheet, or of a CSV file."""
    suffix = path.suffix.lower()
    if suffix in (".xls", ".et") or (suffix in (".xlsx", ".xlsm") and _starts_with(path, _OLD_EXCEL)):
        raise ImportFailed(f"{path.name} 是旧版 Excel 文件（.xls）：请在 Excel 或 WPS 中打开，另存为 .xlsx 后再导入")
    if suffix in (".xlsx", ".xlsm", ".csv") and path.stat().st_size > MAX_FILE_BYTES:
        raise ImportFailed(f"{path.name} 超过 {MAX_FILE_BYTES >> 20} MiB：请分成几个文件导入")
    if suffix in (".xlsx", ".xlsm"):
        return _sheet_rows(path, sheet)
    if suffix == ".csv":
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFailed(f"{path.name} 既不是 UTF-8 也不是 GBK 编码")
        return [(i, r) for i, r in enumerate(csv.reader(io.StringIO(text)), 1)]
    raise ImportFailed(f"只能导入 .xlsx 或 .csv 文件，不能导入 {path.name}")


def _starts_with(path: Path, magic: bytes) -> bool:
    with open(path, "rb") as f:
        return f.read(len(magic)) == magic


def _sheet_rows(path: Path, sheet: str | None) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl (and zipfile, XML parsers) raise many kinds, in English, for a damaged file
        raise ImportFailed(f"无法打开 {path.name}：{_DAMAGED}") from None
    try:
        try:
            ws = wb[sheet] if sheet else wb.worksheets[0]
        except (KeyError, IndexError):
            raise ImportFailed(f"{path.name} 中没有工作表“{sheet}”" if sheet else f"{path.name} 中没有工作表") from None
        rows = []  # streamed (read-only), and never past the limits: a sheet can declare a cell at row 10,000,000
        for i, r in enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
            if i > MAX_ROWS:
                raise ImportFailed(f"{path.name} 超过 {MAX_ROWS} 行：请分成几个文件导入")
            if any(v is not None and v != "" for v in r):
                rows.append((i, list(r)))
    except ImportFailed:
        raise
    except Exception:  # a sheet damaged further in
        raise ImportFailed(f"无法读取 {path.name}：{_DAMAGED}") from None
    finally:
        wb.close()
    return rows


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


_LOOSE_TIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$")
_TIME_WORDS = str.maketrans(
    {"年": "-", "月": "-", "日": " ", "/": "-", ".": "-", "时": ":", "分": ":", "秒": "", "：": ":"}
)


def parse_cell_time(v: object) -> datetime:
    """A time as exports write it: a spreadsheet date, 2026/11/20 9:40, 2026-11-20 09:40:12, 2026年11月20日 9时40分."""
    if isinstance(v, datetime):
        return v.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(v, (int, float)) and not isinstance(v, bool) and 20000 < v < 80000:  # an Excel serial day
        return (datetime(1899, 12, 30) + timedelta(days=float(v))).replace(second=0, microsecond=0)
    s = _text(v)
    m = _LOOSE_TIME.match(" ".join(s.translate(_TIME_WORDS).split()).rstrip(":"))
    if m:
        y, mo, d, h, mi, _ = m.groups()
        try:
            return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0))
        except ValueError:
            raise ValueError(f"时间“{s}”不存在") from None
    return parse_time(s).replace(second=0)


def _header(rows: list, cols: dict, name: str) -> tuple[int, dict[str, int]]:
    """The header row (within the first 10) and the column of each field."""
    for rno, cells in rows[:10]:
        names = [_text(c) for c in cells]
        if any(n in names for n in cols["id"]):
            index: dict[str, int] = {}
            for field_name, accepted in cols.items():
                for a in accepted:
                    if a in names:
                        index[field_name] = names.index(a)
                        break
            missing = [f for f in REQUIRED if f not in index]
            if missing:
                raise ImportFailed(f"{name} 缺少必需的列：" + "、".join(f"{f}（{'/'.join(cols[f])}）" for f in missing))
            return rno, index
    raise ImportFailed(f"{name} 的前 10 行中没有找到表头（应有“{cols['id'][0]}”列）；如列名不同，请用 --mapping 指定")


def _id_problem(oid: str, seen: dict[str, int]) -> str | None:
    if not oid:
        return "缺少工单编号"
    if not _ID.match(oid):
        return f"工单编号“{oid}”只能由字母、数字和 - 组成"
    if oid in seen:
        return f"工单编号 {oid} 与第 {seen[oid]} 行重复"
    return None


def _order_fields(
    cell: Callable[[str], object], index: dict[str, int], values: dict, ctx: Context
) -> tuple[list[str], dict, str | None, datetime | None]:
    """(problems, the order's fields, the unit to dispatch to, the dispatch time) of one row."""
    problems = []
    raw_cat = _text(cell("category"))
    category = values.get("category", {}).get(raw_cat, raw_cat)
    if category not in CATEGORIES:
        problems.append(
            f"诉求类别“{raw_cat}”无法识别（应为 {'、'.join(sorted(CATEGORIES))}，或在映射文件 values.category 中对应）"
        )
    received = None
    try:
        received = parse_cell_time(cell("received_at"))
    except ValueError as e:
        problems.append(f"受理时间：{e}" if _text(cell("received_at")) else "缺少受理时间")
    content = _text(cell("content"))
    if not content:
        problems.append("缺少诉求内容")
    emergency_raw = _text(cell("emergency"))
    emergency = values.get("emergency", {}).get(emergency_raw, None) if "emergency" in index else False
    if emergency is None:
        problems.append(f"是否突发“{emergency_raw}”无法识别（应为 是 或 否）")
    unit = None
    unit_name = _text(cell("unit"))
    if unit_name:
        unit = resolve_unit(ctx.units, unit_name)
        if unit is None:
            problems.append(f"承办单位“{unit_name}”不在 units/ 中{unit_hint(ctx.units, unit_name)}")
    dispatched = None
    if unit and _text(cell("dispatched_at")):
        try:
            dispatched = parse_cell_time(cell("dispatched_at"))
        except ValueError as e:
            problems.append(f"派单时间：{e}")
    if problems:
        return problems, {}, None, None
    fields = {
        # no title column: the start of the content, cut from the content masked (never through a number)
        "title": _text(cell("title")) or mask_text(content).splitlines()[0][:30],
        "category": category,
        "emergency": bool(emergency),
        "received_at": format_time(received),
        "citizen_name": _text(cell("citizen_name")) or None,
        "citizen_phone": _text(cell("citizen_phone")) or None,
        "address": _text(cell("address")) or None,
        "content": content,
        "tags": [t for t in re.split(r"[,，;；、\s]+", _text(cell("tags"))) if t],
    }
    return [], fields, unit, dispatched or received


def _is_totals(cells: list, oid: str) -> bool:
    """A footer row of totals: 合计 (总计, 小计) in a cell, and no order id."""
    if oid and _ID.match(oid) and oid not in TOTAL_WORDS:
        return False
    return any(re.sub(r"[\s:：]", "", _text(c)) in TOTAL_WORDS for c in cells)


def import_file(ctx: Context, path: Path, mapping: dict, now: datetime, write: bool = True) -> Report:
    """Every row of ``path`` checked and, with ``write``, written as a new order file."""
    report = Report()
    rows = read_rows(path, mapping.get("sheet"))
    header_at, index = _header(rows, mapping["columns"], path.name)
    seen: dict[str, int] = {}
    for rno, cells in rows:
        if rno <= header_at or not any(_text(c) for c in cells):
            continue

        def cell(f: str, cells: list = cells) -> object:  # called within this iteration only
            i = index.get(f)
            return cells[i] if i is not None and i < len(cells) else None

        oid = _text(cell("id"))
        if _is_totals(cells, oid):
            report.totals.append(rno)
            continue
        why = _id_problem(oid, seen)
        if why:
            report.failed.append((rno, why))
            continue
        seen[oid] = rno
        if paths.find_order(ctx.root, oid):
            report.existing.append((rno, oid))
            continue
        problems, fields, unit, at = _order_fields(cell, index, mapping["values"], ctx)
        if problems:
            report.failed.append((rno, "；".join(problems)))
            continue
        try:
            result = new_order(
                ctx,
                {"id": oid, **fields},
                [(unit, "主办")] if unit else [],
                at,
                str(mapping.get("by") or "县热线办"),
                now,
                comment=f"由市平台导出文件导入：{path.name} 第 {rno} 行",
                write=write,
            )
        except Refused as e:
            report.failed.append((rno, "；".join(e.problems)))
            continue
        report.created.append((rno, oid, result.path))
    return report
