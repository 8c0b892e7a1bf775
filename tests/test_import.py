"""``hotline import``: a real .xlsx written by openpyxl (and CSV files) → masked order files; bad rows listed."""

from __future__ import annotations

from datetime import datetime

from click.testing import CliRunner
from gitrepo import commit_all, git
from openpyxl import Workbook

from hotline.cli import main
from hotline.load import load, run_check
from hotline.times import parse_time

NOW = "2026-11-28 12:00"
HEADER = ["工单编号", "标题", "诉求类别", "受理时间", "诉求人", "联系电话", "地址", "诉求内容", "承办单位", "派单时间"]
ROWS = [
    [
        "JC2026112000123",
        "金村镇某小区供暖温度不达标",
        "投诉",
        "2026-11-20 09:40:12",
        "张三",
        "13812345678",
        "金村镇某小区3号楼",
        "诉求人（身份证140525199001011234，电话13812345678）反映室内温度低于18摄氏度。",
        None,
        None,
    ],
    [
        "JC2026112100045",
        "咨询医保报销",
        "咨询类",
        datetime(2026, 11, 21, 10, 2, 33),
        "李四",
        "0356-1234567",
        None,
        "诉求人咨询异地就医报销流程。",
        "县医疗保障局",
        datetime(2026, 11, 21, 10, 30),
    ],
    ["JC2026112100046", "表扬热线", "表扬", "2026-11-21 11:00", "王五", None, None, "表扬。", None, None],
    ["JC2026112100047", "道路破损", "投诉", "2026-13-45 10:00", "赵六", None, None, "道路破损。", None, None],
    [None, "没有编号", "求助", "2026-11-21 12:00", "钱七", None, None, "求助。", None, None],
    ["JC2026112000123", "重复编号", "投诉", "2026-11-20 09:40", "孙八", None, None, "重复。", None, None],
    ["JC2026112100048", "停电", "求助", "2026/11/21 14:05", "周九", "139 8765 4321", None, "停电。", "不存在局", None],
    [None, None, None, None, None, None, None, None, None, None],
    ["JC 2026", "编号有空格", "咨询", "2026-11-21 15:00", "吴十", None, None, "咨询。", None, None],
]


def write_xlsx(path, rows=ROWS, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.title = "工单"
    ws.append(["泽州县12345政务服务热线工单导出（2026年11月）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def invoke(records, *args):
    return CliRunner().invoke(main, ["import", "--root", str(records.root), "--as-of", NOW, *args])


def test_import_xlsx_creates_masked_orders_and_lists_bad_rows(records, tmp_path, clerk):
    commit_all(records.root, "记录仓库")
    src = write_xlsx(tmp_path / "导出.xlsx")
    dry = invoke(records, str(src))  # without --commit: a dry run that writes nothing (issue 21, point 10)
    assert dry.exit_code == 1  # some rows could not be imported
    assert "演练（未写入任何文件）：可新建 2 件；已存在而跳过 0 件；无法导入 6 行" in dry.output
    assert not (records.root / "orders").exists()
    res = invoke(records, str(src), "--commit")
    assert res.exit_code == 1  # some rows could not be imported
    assert "新建 2 件；已存在而跳过 0 件；无法导入 6 行" in res.output
    assert git(records.root, "status", "--porcelain") == ""  # all written and committed
    assert git(records.root, "log", "-1", "--format=%an %s").strip() == "王丽 导入 导出.xlsx：新建工单 2 件"
    for line in [
        "导出.xlsx 第 5 行：诉求类别“表扬”无法识别",
        "导出.xlsx 第 6 行：受理时间：时间“2026-13-45 10:00”不存在",
        "导出.xlsx 第 7 行：缺少工单编号",
        "导出.xlsx 第 8 行：工单编号 JC2026112000123 与第 3 行重复",
        "导出.xlsx 第 9 行：承办单位“不存在局”不在 units/ 中",
        "导出.xlsx 第 11 行：工单编号“JC 2026”只能由字母、数字和 - 组成",
    ]:
        assert line in res.output, line
    first = (records.root / "orders/2026/11/JC2026112000123.yaml").read_text(encoding="utf-8")
    assert "张三" not in first and "13812345678" not in first and "199001011234" not in first
    assert "citizen: {name: 张**, phone: 138****5678}" in first
    assert "诉求人（身份证140525********1234，电话138****5678）反映室内温度低于18摄氏度。" in first
    assert "received_at: 2026-11-20 09:40\n" in first and "events: []" in first
    assert "# 由市平台导出文件导入：导出.xlsx 第 3 行" in first
    second = (records.root / "orders/2026/11/JC2026112100045.yaml").read_text(encoding="utf-8")
    assert "category: 咨询" in second and "phone: 035****4567" in second
    assert second.endswith("events:\n  - {at: 2026-11-21 10:30, type: 派单, unit: yibao, role: 主办, by: 县热线办}\n")
    assert run_check(records.root, parse_time(NOW), extra=False) == []
    assert sorted(o.id for o in load(records.root).orders) == ["JC2026112000123", "JC2026112100045"]

    # importing the same file again creates nothing new
    before = {p: p.read_bytes() for p in (records.root / "orders").rglob("*.yaml")}
    again = invoke(records, str(src), "--commit")
    assert "新建 0 件；已存在而跳过 2 件；无法导入 6 行" in again.output
    assert "已存在：第 3 行 JC2026112000123、第 4 行 JC2026112100045" in again.output
    assert {p: p.read_bytes() for p in (records.root / "orders").rglob("*.yaml")} == before


def test_import_gbk_csv_with_a_custom_mapping(records, tmp_path, clerk):
    commit_all(records.root, "记录仓库")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "columns:\n  id: 单号\n  category: 类型\n  received_at: 时间\n  content: 内容\n"
        "values:\n  category: {意见: 建议}\n",
        encoding="utf-8",
    )
    csv = tmp_path / "platform.csv"
    csv.write_bytes(
        "单号,类型,时间,内容,来电人\r\nJC2026112200001,意见,2026年11月22日 9时05分,建议增设公交站点。电话13700001111,马某某\r\n".encode(
            "gb18030"
        )
    )
    res = invoke(records, str(csv), "--mapping", str(mapping), "--commit")
    assert res.exit_code == 0, res.output
    text = (records.root / "orders/2026/11/JC2026112200001.yaml").read_text(encoding="utf-8")
    assert "title: 建议增设公交站点。电话137****1111" in text  # no title column: the content's first line
    assert "category: 建议" in text and "received_at: 2026-11-22 09:05" in text
    assert "citizen: {name: 马**}" in text
    assert run_check(records.root, parse_time(NOW), extra=False) == []


def test_import_refuses_a_file_without_the_needed_columns(records, tmp_path):
    src = write_xlsx(tmp_path / "x.xlsx", rows=[["A1", "t"]], header=["工单编号", "标题"])
    res = invoke(records, str(src))
    assert res.exit_code == 1
    assert "缺少必需的列：category（诉求类别/诉求类型/工单类型/类别）" in res.output
    other = tmp_path / "x.txt"
    other.write_text("x")
    assert "只能导入 .xlsx 或 .csv 文件" in invoke(records, str(other)).output
    assert not (records.root / "orders").exists()


def test_a_title_cut_from_the_content_never_cuts_through_a_number(records, tmp_path, clerk):
    """No title column: the title is the start of the content, cut from the content *masked* — cut from the
    raw content it kept ``本人身份证号1405251990`` (a piece no pattern recognises) while the content was masked."""
    commit_all(records.root, "记录仓库")
    csv = tmp_path / "platform.csv"
    content = "诉求人反映小区供暖问题，本人身份证号140525199001011234，电话一三八 一二三四 五六七八。"
    csv.write_text(
        f"工单编号,诉求类别,受理时间,诉求内容\nJC2026112200002,求助,2026-11-22 09:05,{content}\n", encoding="utf-8"
    )
    res = invoke(records, str(csv), "--commit")
    assert res.exit_code == 0, res.output
    text = (records.root / "orders/2026/11/JC2026112200002.yaml").read_text(encoding="utf-8")
    assert "title: 诉求人反映小区供暖问题，本人身份证号140525******\n" in text
    assert "199001" not in text and "一二三四" not in text and "138****5678" in text
    assert run_check(records.root, parse_time(NOW), extra=False) == []


def test_a_clerks_export_totals_row_official_names_old_and_damaged_workbooks(records, tmp_path, clerk):
    """Issue 21, points 8–10: what a clerk's export really holds, and what they are told."""
    commit_all(records.root, "记录仓库")
    rows = [
        ["JC2026112200001", "路灯不亮", "求助", "2026-11-22 09:00", "张三", None, None, "村口路灯不亮。",
         "泽州县金村镇人民政府", "2026-11-22 09:30"],
        ["JC2026112200002", "医保咨询", "咨询", "2026-11-22 10:00", "李四", None, None, "咨询医保。",
         "泽州县医疗保障局", "2026-11-22 10:30"],
        ["合计", None, None, None, None, None, None, "共 2 件", None, None],
    ]  # fmt: skip
    src = write_xlsx(tmp_path / "十一月.xlsx", rows=rows)
    res = invoke(records, str(src), "--commit")
    assert res.exit_code == 0, res.output  # the 合计 footer is no error
    assert "新建 2 件；已存在而跳过 0 件；无法导入 0 行；跳过合计行 1 行" in res.output
    first = (records.root / "orders/2026/11/JC2026112200001.yaml").read_text(encoding="utf-8")
    second = (records.root / "orders/2026/11/JC2026112200002.yaml").read_text(encoding="utf-8")
    assert "unit: jincun, role: 主办" in first and "unit: yibao, role: 主办" in second

    # files an earlier run left behind uncommitted are committed now, and the clerk is told
    left = records.root / "orders/2026/11/JC2026112200003.yaml"
    left.write_text(first.replace("JC2026112200001", "JC2026112200003"), encoding="utf-8")
    rows3 = [["JC2026112200003", *rows[0][1:]]]
    again = invoke(records, str(write_xlsx(tmp_path / "补.xlsx", rows=rows3)), "--commit")
    assert "新建 0 件；已存在而跳过 1 件" in again.output and "尚未提交" in again.output and "一并提交" in again.output
    assert git(records.root, "status", "--porcelain") == ""

    old = tmp_path / "旧版.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    r = invoke(records, str(old))
    assert r.exit_code == 1 and "请在 Excel 或 WPS 中打开，另存为 .xlsx 后再导入" in r.output
    damaged = tmp_path / "坏.xlsx"
    damaged.write_bytes(src.read_bytes()[:300])
    r = invoke(records, str(damaged))
    assert r.exit_code == 1 and "无法打开 坏.xlsx：文件已损坏" in r.output
    assert "zip" not in r.output.lower() and "Error" not in r.output
    r = invoke(records, str(tmp_path / "没有这个文件.xlsx"))
    assert r.exit_code == 1 and "找不到要导入的文件" in r.output and "的取值无效" not in r.output
    assert "'FILE'" not in r.output
