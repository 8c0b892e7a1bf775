"""``hotline holidays import``: the State Council's notices as published, read into ``scoring/holidays/YYYY.yaml``.

The notices below are the published texts (public documents, 著作权法 第五条), as on www.gov.cn: the 2025 notice
(国办发明电〔2024〕12号, 2024-11-12), the 2026 notice (国办发明电〔2025〕7号, 2025-11-04), and for a 元旦 that
starts in the December before the 2023 notice (国办发明电〔2022〕16号, 2022-12-08), for days without a count
and advice that is not a day off the 2024 notice (国办发明电〔2023〕7号, 2023-10-25). Each import is compared, day by
day, with ``chinese-calendar``, which knows those years.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import chinese_calendar
import pytest
from click.testing import CliRunner

from hotline.cli import main
from hotline.load import load_context, run_check
from hotline.records.holiday_notice import parse_notice
from hotline.times import parse_time

NOTICE_2025 = """\
国务院办公厅关于2025年部分节假日安排的通知
国办发明电〔2024〕12号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经党中央、国务院批准，根据2024年11月修订的《全国年节及纪念日放假办法》，自2025年1月1日起，全体公民放假的假日增加2天，其中春节、劳动节各增加1天。据此对放假调休原则作进一步优化完善，除个别特殊情形外，春节自农历除夕起放假调休8天，国庆节自10月1日起放假调休7天，劳动节放假调休5天，元旦、清明节、端午节、中秋节分别放假调休或连休3天（如逢周三则只在当日放假），国庆节放假如逢中秋节则合并放假8天。
　　按照上述原则，现将2025年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周三）放假1天，不调休。
　　二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
　　三、清明节：4月4日（周五）至6日（周日）放假，共3天。
　　四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
　　五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
　　六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2024年11月12日
"""

NOTICE_2026 = """\
国务院办公厅关于2026年部分节假日安排的通知
国办发明电〔2025〕7号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
　　二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
　　三、清明节：4月4日（周六）至6日（周一）放假，共3天。
　　四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
　　五、端午节：6月19日（周五）至21日（周日）放假，共3天。
　　六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
　　七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
　　鼓励单位和个人结合落实带薪年休假等制度，实际形成较长假期，推动错峰出行。节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2025年11月4日
"""

NOTICE_2023 = """\
国务院办公厅关于2023年部分节假日安排的通知
国办发明电〔2022〕16号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2023年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。
　　二、春节：1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。
　　三、清明节：4月5日放假，共1天。
　　四、劳动节：4月29日至5月3日放假调休，共5天。4月23日（星期日）、5月6日（星期六）上班。
　　五、端午节：6月22日至24日放假调休，共3天。6月25日（星期日）上班。
　　六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2022年12月8日
"""

NOTICE_2024 = """\
国务院办公厅关于2024年部分节假日安排的通知
国办发明电〔2023〕7号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2024年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日放假，与周末连休。
　　二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。
　　三、清明节：4月4日至6日放假调休，共3天。4月7日（星期日）上班。
　　四、劳动节：5月1日至5日放假调休，共5天。4月28日（星期日）、5月11日（星期六）上班。
　　五、端午节：6月10日放假，与周末连休。
　　六、中秋节：9月15日至17日放假调休，共3天。9月14日（星期六）上班。
　　七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2023年10月25日
"""

NOTICES = {2023: NOTICE_2023, 2024: NOTICE_2024, 2025: NOTICE_2025, 2026: NOTICE_2026}


# --- the ways the office may paste a notice ---------------------------------------------------------------


def as_published(text: str) -> str:
    return text


def half_width(text: str) -> str:
    """As many news sites reprint it: half-width brackets, colons, commas (the 2025 notice on gmw.cn)."""
    return text.translate(str.maketrans("（）：，", "():,"))


def xingqi(text: str) -> str:
    return re.sub(r"周([一二三四五六日])", r"星期\1", text)


def without_lunar(text: str) -> str:
    return re.sub(r"农历[^、）)]*、", "", text)


def one_line(text: str) -> str:
    return text.replace("\n", "")


def wrapped(text: str) -> str:
    """Items broken over several lines, as a narrow window copies them (also inside a date)."""
    return text.replace("，", "，\n").replace("至", "\n至").replace("2月", "2\n月")


def on_a_news_page(text: str) -> str:
    return (
        "来源：新华网 2025-11-04 22:15\n新华社北京电 国务院办公厅关于部分节假日安排的通知，全文如下：\n\n"
        + text.split("\n", 2)[2]
        + "\n[ 责编：张倩 ]\n阅读剩余全文（\n12月13日，人们在公园里散步。\n"
    )


def everything_at_once(text: str) -> str:
    return one_line(xingqi(without_lunar(half_width(text))))


VARIANTS = [as_published, half_width, xingqi, without_lunar, one_line, wrapped, on_a_news_page, everything_at_once]


def import_(root, text: str, year: int, *args: str):
    notice = root / "通知.txt"
    notice.write_text(text, encoding="utf-8")
    return CliRunner().invoke(
        main, ["holidays", "import", str(notice), "--year", str(year), "--root", str(root), *args]
    )


def days(year: int):
    d = date(year, 1, 1)
    while d.year == year:
        yield d
        d += timedelta(days=1)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.__name__)
@pytest.mark.parametrize("year", [2025, 2026])
def test_the_notice_gives_every_day_of_the_year_as_chinese_calendar_does(records, year, variant):
    out = import_(records.root, variant(NOTICES[year]), year)
    assert out.exit_code == 0, out.output
    ctx = load_context(records.root)
    assert ctx.findings == []
    year_file = ctx.calendar.overrides[year]
    assert year_file.source.startswith(f"国务院办公厅关于{year}年部分节假日安排的通知")
    for d in days(year):  # every day, from the file alone (it wins over the package)
        assert ctx.calendar.is_workday(d) == chinese_calendar.is_workday(d), d
    named = {h.date: h.name for h in year_file.holidays + year_file.workdays}
    for d in days(year):  # and each day off or make-up day under the holiday the package names
        on_holiday, holiday = chinese_calendar.get_holiday_detail(d)
        if holiday is not None and (not on_holiday or d.weekday() < 5):
            chinese = chinese_calendar.Holiday(holiday).chinese
            assert any(n.startswith(chinese) for n in named[d].split("、")), (d, named[d], chinese)
    found = run_check(records.root, parse_time(f"{year}-06-01 12:00"), use_cache=False)
    assert [f.code for f in found] == []  # the file and the package agree: no calendar-conflict


@pytest.mark.parametrize("variant", [as_published, everything_at_once], ids=lambda v: v.__name__)
def test_days_without_a_count_and_advice_that_is_not_a_day_off(records, variant):
    """The 2024 notice: 1月1日放假，与周末连休 (no 共N天), and 鼓励……在除夕（2月9日）休息 (a working day)."""
    out = import_(records.root, variant(NOTICE_2024), 2024)
    assert out.exit_code == 0, out.output
    ctx = load_context(records.root)
    for d in days(2024):
        assert ctx.calendar.is_workday(d) == chinese_calendar.is_workday(d), d
    assert ctx.calendar.is_workday(date(2024, 2, 9))


def test_the_file_written_and_the_table_printed(records):
    out = import_(records.root, NOTICE_2025, 2025)
    assert out.exit_code == 0, out.output
    text = (records.root / "scoring/holidays/2025.yaml").read_text(encoding="utf-8")
    assert "source: 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）" in text
    assert "  - {date: 2025-01-28, name: 春节}" in text and "  - {date: 2025-10-11, name: 国庆节、中秋节}" in text
    assert text.count("name: 春节") == 10  # 8 days off, 2 make-up days
    lines = out.stdout.splitlines()
    assert lines[0] == (
        "已写入 scoring/holidays/2025.yaml：国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）"
    )
    assert lines[1].split() == ["节日", "放假", "天数", "调休上班"]
    spring = next(row for row in lines if row.startswith("春节"))
    assert spring.split() == [
        "春节",
        "2025-01-28（二）",
        "至",
        "2025-02-04（二）",
        "8",
        "2025-01-26（日）、2025-02-08（六）",
    ]
    assert next(row for row in lines if row.startswith("元旦")).split() == ["元旦", "2025-01-01（三）", "1", "—"]
    assert "共放假 28 天（含周末），调休上班 5 天" in out.stdout
    again = import_(records.root, one_line(NOTICE_2025), 2025)  # the same days, pasted otherwise: nothing changes
    assert again.exit_code == 0 and "已是这份通知的内容，未改动" in again.stdout
    assert (records.root / "scoring/holidays/2025.yaml").read_text(encoding="utf-8") == text


def test_new_years_day_starting_in_the_december_before(records):
    """The 2023 notice: 元旦 2022-12-31 to 2023-01-02, dates in 星期, none on the days off."""
    out = import_(records.root, NOTICE_2023, 2023)
    assert out.exit_code == 0, out.output
    assert "  - {date: 2022-12-31, name: 元旦}" in (records.root / "scoring/holidays/2023.yaml").read_text(
        encoding="utf-8"
    )
    ctx = load_context(records.root)
    assert ctx.findings == []
    for d in [date(2022, 12, 31), *days(2023)]:
        assert ctx.calendar.is_workday(d) == chinese_calendar.is_workday(d), d
    assert run_check(records.root, parse_time("2023-06-01 12:00"), use_cache=False) == []


ALTERED = {
    "wrong count": (
        NOTICE_2026.replace("放假调休，共9天", "放假调休，共8天"),
        7,
        "第二项（春节）：2月15日至2月23日 共 9 天，通知写的是“共8天”",
    ),
    "wrong weekday": (
        NOTICE_2025.replace("5月1日（周四）", "5月1日（周五）"),
        10,
        "第四项（劳动节）：5月1日 标注为“周五”，实为星期四",
    ),
    "wrong weekday of a make-up day": (
        NOTICE_2026.replace("5月9日（周六）", "5月9日（周日）"),
        9,
        "第四项（劳动节）：5月9日 标注为“周日”，实为星期六",
    ),
    "make-up day on a weekday": (
        NOTICE_2026.replace("5月9日（周六）", "5月11日（周一）"),
        9,
        "第四项（劳动节）：调休上班日 5月11日 是星期一，不是周末",
    ),
    "date outside the year": (
        NOTICE_2026.replace("10月1日（周四）至7日（周三）", "2027年10月1日（周五）至7日（周四）"),
        12,
        "第七项（国庆节）：日期 2027年10月1日 不在 2026 年内",
    ),
    "a day that does not exist": (
        NOTICE_2025.replace("5月31日（周六）至6月2日（周一）", "6月31日（周六）至7月2日（周一）"),
        11,
        "第五项（端午节）：日期“2025年6月31日”不存在",
    ),
    "an item missing": (
        NOTICE_2026.replace("　　五、端午节：6月19日（周五）至21日（周日）放假，共3天。\n", ""),
        10,
        "第六项（中秋节）：编号应为“五”",
    ),
    "another year's notice": (NOTICE_2025, 1, "这是 2025 年的通知，不是 2026 年的"),
}


@pytest.mark.parametrize("name", ALTERED)
def test_an_altered_notice_is_refused_naming_the_item_and_nothing_is_written(records, name):
    text, line, message = ALTERED[name]
    year = 2026 if "2026年部分" in text.splitlines()[0] or name == "another year's notice" else 2025
    out = import_(records.root, text, year)
    assert out.exit_code == 1
    assert "通知未导入（没有写入任何文件）" in out.stderr
    assert f"通知.txt:{line}: {message}" in out.stderr, out.stderr
    assert not (records.root / "scoring" / "holidays").exists()


def test_a_refused_notice_leaves_the_existing_file_and_another_is_replaced_only_with_force(records):
    assert import_(records.root, NOTICE_2026, 2026).exit_code == 0
    path = records.root / "scoring/holidays/2026.yaml"
    before = path.read_text(encoding="utf-8")
    bad = import_(records.root, NOTICE_2026.replace("共7天", "共6天"), 2026, "--force")
    assert bad.exit_code == 1 and "第七项（国庆节）" in bad.stderr
    assert path.read_text(encoding="utf-8") == before
    path.write_text(before.replace("2026-10-07, name: 国庆节", "2026-10-08, name: 国庆节"), encoding="utf-8")
    edited = path.read_text(encoding="utf-8")
    kept = import_(records.root, NOTICE_2026, 2026)
    assert kept.exit_code == 1 and "已存在且内容不同" in kept.stderr and "--force" in kept.stderr
    assert path.read_text(encoding="utf-8") == edited
    forced = import_(records.root, NOTICE_2026, 2026, "--force")
    assert forced.exit_code == 0 and forced.stdout.startswith("已替换 scoring/holidays/2026.yaml")
    assert path.read_text(encoding="utf-8") == before
    assert [p.name for p in path.parent.iterdir()] == ["2026.yaml"]  # no temporary file left behind


def test_every_problem_of_a_text_is_listed_at_once():
    text = NOTICE_2025.replace("（周三）放假1天", "（周四）放假1天").replace("共3天。\n　　四", "共4天。\n　　四")
    notice, problems = parse_notice(text, 2025)
    assert notice is None
    assert [(p.line, p.item) for p in problems] == [(7, "第一项（元旦）"), (9, "第三项（清明节）")]


def test_a_notice_that_is_not_one():
    notice, problems = parse_notice("关于做好2026年元旦春节期间有关工作的通知\n各单位：请做好值班工作。", 2026)
    assert notice is None and "没有找到通知的条目" in problems[0].message
    truncated = NOTICE_2026[: NOTICE_2026.index("　　六、")]
    notice, problems = parse_notice(truncated, 2026)
    assert notice is None and [p.message for p in problems] == ["通知中没有找到 中秋节、国庆节 的安排：是否粘贴不全？"]


def test_a_notice_saved_by_notepad_on_chinese_windows(records):
    """GB18030 (ANSI on Chinese Windows), as well as UTF-8 with a BOM."""
    gbk = records.root / "gbk.txt"
    gbk.write_bytes(NOTICE_2026.replace("\n", "\r\n").encode("gb18030"))
    out = CliRunner().invoke(main, ["holidays", "import", str(gbk), "--year", "2026", "--root", str(records.root)])
    assert out.exit_code == 0, out.output
    bom = records.root / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + NOTICE_2026.encode("utf-8"))
    again = CliRunner().invoke(main, ["holidays", "import", str(bom), "--year", "2026", "--root", str(records.root)])
    assert again.exit_code == 0 and "未改动" in again.stdout
