"""Identity numbers however they are written (issue 20, finding 3), and what is not a person's number.

The 30 writings of the review each passed ``check`` and were published in full; each is now found by
``privacy.find``, masked by ``mask_text`` and an error of ``hotline check`` that never quotes it. Every
class of number that is *not* a person's (order ids, dates and times, amounts, article numbers, the
hotline's own numbers) has a test too: a false positive blocks a unit's pull request. Hypothesis writes
numbers in random scripts with random separators and invisible characters, and random texts of dates,
amounts and ids.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.load import run_check
from hotline.records import hidden, numerals
from hotline.records import privacy as pii
from hotline.records.numerals import digits_of
from hotline.times import parse_time

AS_OF = parse_time("2026-11-30 12:00")

# (what the review tried, the writing, the masked form)
WRITINGS = [
    ("zero-width space", "138\u200b1234\u200b5678", "138****5678"),
    ("soft hyphen", "138\u00ad1234\u00ad5678", "138****5678"),
    ("word joiner", "138\u20601234\u20605678", "138****5678"),
    ("no-break space", "138\u00a01234\u00a05678", "138****5678"),
    ("narrow no-break space", "138\u202f1234\u202f5678", "138****5678"),
    ("en dash", "138–1234–5678", "138****5678"),
    ("em dash", "138—1234—5678", "138****5678"),
    ("middle dot", "138·1234·5678", "138****5678"),
    ("slash", "138/1234/5678", "138****5678"),
    ("spaced dash", "138 - 1234 - 5678", "138****5678"),
    ("two spaces", "138  1234  5678", "138****5678"),
    ("line break inside", "138\n1234 5678", "138****5678"),
    ("brackets", "(138)1234-5678", "138****5678"),
    ("3-3-5", "138 123 45678", "138****5678"),
    ("4-4-3", "1381 2345 678", "138****5678"),
    ("Chinese numerals", "一三八一二三四五六七八", "138****5678"),
    ("幺 for one", "幺三八幺二三四五六七八", "138****5678"),
    ("Chinese and ASCII mixed", "138一二三四5678", "138****5678"),
    ("一 written as a dash", "138一1234一5678", "138****5678"),
    ("mathematical bold", "𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "138****5678"),
    ("Arabic-Indic digits", "١٣٨١٢٣٤٥٦٧٨", "138****5678"),
    ("every digit spaced", "1 3 8 1 2 3 4 5 6 7 8", "138****5678"),
    ("ID with dots", "140525.19900101.1234", "140525********1234"),
    ("ID with no-break spaces", "140525\u00a019900101\u00a01234", "140525********1234"),
    ("ID with a line break", "14052519900101\n123X", "140525********123X"),
    ("ID in Chinese numerals", "一四〇五二五一九九〇〇一〇一一二三四", "140525********1234"),
    ("old 15-digit ID", "140525900101123", "140525*****1123"),
    ("landline with no-break space", "0356\u00a02123456", "035****3456"),
    ("landline with en dash", "0356–2123456", "035****3456"),
    ("landline in Chinese numerals", "〇三五六 二一二三四五六", "035****3456"),
]

HEADER = """\
id: {oid}
title: 诉求人来电
category: 咨询
received_at: 2026-11-20 09:40
citizen: {{name: 张**, phone: 138****1234}}
content: |
{content}
events:
  - {{at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}}
"""


def order(oid: str, content: str) -> str:
    return HEADER.format(oid=oid, content=textwrap.indent(content, "  "))


@pytest.mark.parametrize(("what", "writing", "masked"), WRITINGS, ids=[w[0] for w in WRITINGS])
def test_every_writing_is_found_and_masked(what, writing, masked):
    text = f"诉求人留下号码{writing}，请回电。"
    found = list(pii.find(text))
    assert [f[3] for f in found] == [masked], what
    out = pii.mask_text(text)
    assert masked in out and not list(pii.find(out)), out
    assert digits_of(writing)[3:-4] not in digits_of(out), out  # the middle digits are gone


def test_every_writing_is_an_error_of_the_check_that_never_quotes_it(records):
    for i, (_, writing, _) in enumerate(WRITINGS):
        oid = f"JC20261120{i:05d}"
        records.write(f"orders/2026/11/{oid}.yaml", order(oid, f"诉求人留下号码\n{writing}，请回电。"))
    found = run_check(records.root, AS_OF, extra=False)
    for i, (what, _, _) in enumerate(WRITINGS):
        mine = [f for f in found if f.path.endswith(f"JC20261120{i:05d}.yaml") and f.code.startswith("pii-")]
        assert [f.line for f in mine] == [8], (what, mine)
    for f in found:
        assert not list(pii.find(f.message)), f


def test_a_yaml_escape_hides_nothing(records):
    """``"\\u200b"`` and ``"\\_"`` (a no-break space) write what the text as written does not show."""
    records.write(
        "orders/2026/11/JC2026112000001.yaml",
        order("JC2026112000001", "诉求人反映供暖问题。").replace(
            "title: 诉求人来电", 'title: "回电138\\u200b1234\\_5678"'
        ),
    )
    found = run_check(records.root, AS_OF, extra=False)
    assert {(f.code, f.line) for f in found} == {("pii-phone", 2), ("hidden-character", 2)}


def test_the_hotlines_own_numbers_are_not_flagged(records):
    rules = records.root / "scoring" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("public_numbers: []", "public_numbers: [0356-2022345]"), encoding="utf-8")
    content = "请拨打12345热线或0356-12345，也可致电县热线办 (0356) 202 2345、0356－2022345 咨询。"
    records.write("orders/2026/11/JC2026112000001.yaml", order("JC2026112000001", content))
    assert run_check(records.root, AS_OF, extra=False) == []
    records.write("orders/2026/11/JC2026112000002.yaml", order("JC2026112000002", "诉求人座机 0356-2022346"))
    assert [f.code for f in run_check(records.root, AS_OF, extra=False)] == ["pii-phone"]


# --- what is not a person's number ---------------------------------------------------------------

NOT_A_PERSON = {
    "order ids": [
        "JC2026112000123",
        "并入工单 JC2026112000123，原工单 BM20260219000000",
        "市平台工单号 202611200000123、2026112012345678901",
        "工单 JC-20261120-00123 已办结",
    ],
    "dates and times": [
        "2026-11-20 10:05",
        "2026.02.03-2026.02.05",
        "2026/11/20 13:45—2026/11/21 09:30",
        "2026年11月20日13时45分至2026年11月21日9时",
        "20261120 1345",
        "2026-11-13 14:00 至 2026-11-14 09:00",
        "自 2026.11.13 至 2026.12.01",
    ],
    "amounts": [
        "拖欠工资 1,380,000.00 元",
        "13800.00元",
        "共计 1380 元 1234 件",
        "补助 138 元/月，共 12 个月，合计 1656 元",
        "¥13,812,345.67",
    ],
    "article numbers": [
        "泽政办发〔2020〕29号",
        "GB/T 19001-2016、GB 50016-2014",
        "商品编号 6901234567890",
        "第13 14 15号楼 2单元 301室",
        "车牌 晋E·12345",
        "依据《条例》第十三条第二款",
    ],
    "the hotline's own numbers": ["12345", "拨打 12345 热线", "0356-12345", "（0356）12345"],
}


@pytest.mark.parametrize("kind", list(NOT_A_PERSON))
def test_what_is_not_a_persons_number_is_not_flagged(records, kind):
    text = "\n".join(NOT_A_PERSON[kind])
    assert list(pii.find(text)) == [] and pii.mask_text(text) == text
    records.write("orders/2026/11/JC2026112000123.yaml", order("JC2026112000123", text))
    assert run_check(records.root, AS_OF, extra=False) == []


# --- names and hidden characters -------------------------------------------------------------------


def test_a_callers_name_after_the_words_is_a_warning_and_masked(records):
    content = "本人姓名陈明，家住某村。\n联系人：张先生；本人叫王小明反映\n姓名不详，联系人那边\n请联系人社局"
    records.write("orders/2026/11/JC2026112000123.yaml", order("JC2026112000123", content))
    found = run_check(records.root, AS_OF, extra=False)
    assert [(f.code, f.severity, f.line) for f in found] == [
        ("pii-name-text", "warning", 7),
        ("pii-name-text", "warning", 8),
    ]
    assert "陈明" not in found[0].message and "陈**" in found[0].message
    assert pii.mask_text(content) == content.replace("陈明", "陈**").replace("王小明", "王**")


def test_hidden_characters_in_by_or_any_text_are_errors_naming_file_and_line(records):
    text = order("JC2026112000123", "诉求人反映供暖问题。").replace("by: 县热线办", "by: 县热线\u202e办")
    records.write("orders/2026/11/JC2026112000123.yaml", text.replace("诉求人来电", "诉求人\u2066来电"))
    unit = records.root / "units" / "jincun.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("金村镇", "金村\u200f镇", 1), encoding="utf-8")
    found = run_check(records.root, AS_OF, extra=False)
    got = {(f.path, f.line, f.code) for f in found}
    assert got == {
        ("orders/2026/11/JC2026112000123.yaml", 2, "hidden-character"),
        ("orders/2026/11/JC2026112000123.yaml", 9, "hidden-character"),
        ("units/jincun.yaml", _line_of(unit, "\u200f"), "hidden-character"),
    }
    assert all("U+" in f.message and "\u202e" not in f.message for f in found)


def _line_of(path, needle: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text.count("\n", 0, text.index(needle)) + 1


def test_a_staff_name_with_digits_of_any_script_is_refused(records):
    for by in ("𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "王丽١٢"):
        records.write(
            "orders/2026/11/JC2026112000123.yaml",
            order("JC2026112000123", "诉求人反映供暖问题。").replace("by: 县热线办", f"by: {by}"),
        )
        found = run_check(records.root, AS_OF, extra=False)
        assert "invalid-value" in [f.code for f in found], by
    records.write("orders/2026/11/JC2026112000123.yaml", order("JC2026112000123", "x").replace("县热线办", "张三"))
    assert run_check(records.root, AS_OF, extra=False) == []


# --- generated writings ------------------------------------------------------------------------------

SCRIPTS = [
    "0123456789",
    "０１２３４５６７８９",
    "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
    "𝟢𝟣𝟤𝟥𝟦𝟧𝟨𝟩𝟪𝟫",
    "٠١٢٣٤٥٦٧٨٩",
    "०१२३४५६७८९",
    "〇一二三四五六七八九",
    "零幺两三四五六七八九",
    "⓪①②③④⑤⑥⑦⑧⑨",
]
SEPARATORS = [
    " ",
    "-",
    " - ",
    "  ",
    "\u00a0",
    "\u202f",
    "–",
    "—",
    "·",
    "/",
    ".",
    "．",
    "。",
    "\n",
    "\n      ",
    "(",
    ")",
    "　",
]
INVISIBLE = ["\u200b", "\u00ad", "\u2060", "\ufeff", "\u202e", "\u2066"]


@st.composite
def numbers(draw) -> tuple[str, str]:
    """(kind, digits) of a mobile, an 18- or 15-digit ID or a landline."""
    d = st.integers(0, 9).map(str)
    kind = draw(st.sampled_from(["mobile", "id", "id15", "landline"]))
    if kind == "mobile":
        return "phone", "1" + str(draw(st.integers(3, 9))) + "".join(draw(st.lists(d, min_size=9, max_size=9)))
    if kind == "landline":
        area = draw(st.sampled_from(["0356", "0351", "0898", "010", "021"]))
        local = str(draw(st.integers(2, 9))) + "".join(draw(st.lists(d, min_size=7, max_size=7)))
        return "landline", area + (local if len(area) == 3 else local[: draw(st.sampled_from([7, 8]))])
    birth = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2025, 12, 31)))
    area = draw(st.sampled_from(["140525", "110101", "652901", "330106"]))
    serial = "".join(draw(st.lists(d, min_size=3, max_size=3)))
    if kind == "id15":
        return "id", area + f"{birth:%y%m%d}" + serial
    return "id", area + f"{birth:%Y%m%d}" + serial + draw(st.sampled_from([*"0123456789", "X"]))


@st.composite
def writings(draw) -> tuple[str, str, str]:
    """(kind, digits, how they are written): each digit in some script, separators of up to three
    characters and invisible characters between them (an area code in one piece), perhaps a +86."""
    kind, digits = draw(numbers())
    script = draw(st.sampled_from(SCRIPTS))
    per_digit = draw(st.booleans())
    area = (3 if digits[1] in "12" else 4) if kind == "landline" else 1
    cuts = sorted({i for i in range(area, len(digits)) if draw(st.integers(0, 3)) == 0})
    out = []
    for i, c in enumerate(digits):
        if i in cuts:
            sep = draw(st.sampled_from(SEPARATORS))
            group = min([j for j in cuts if j > i] + [len(digits)]) - i
            if sep not in ".．" or group > 2:  # a dot before a group of one or two digits is a decimal point
                out.append(sep)
        if i and draw(st.integers(0, 6)) == 0:
            out.append(draw(st.sampled_from(INVISIBLE)))
        if c == "X":
            out.append(draw(st.sampled_from("XxＸ")))
        else:
            out.append((draw(st.sampled_from(SCRIPTS)) if per_digit else script)[int(c)])
    prefix = draw(st.sampled_from(["", "+86 ", "(+86)", "0086-", "+86"])) if kind == "phone" else ""
    return kind, digits, prefix + "".join(out)


AROUND = st.sampled_from(["", "回电", "联系电话：", "诉求人称", "。", "，", "（", "号码是 ", "\n"])
AFTER = st.sampled_from(["", "。", "，谢谢", "）", "，工单已转办", "\n"])


@settings(max_examples=600, deadline=None)
@given(writings(), AROUND, AFTER)
def test_a_number_however_written_is_found_and_masked(written, before, after):
    kind, digits, writing = written
    text = before + writing + after
    found = list(pii.find(text))
    assert len(found) == 1, (text, found)
    masked = pii.mask_phone(digits) if kind != "id" else pii.mask_id_number(digits)
    assert found[0][3] == masked, (text, found)
    out = pii.mask_text(text)
    assert masked in out and digits_of(out) == digits_of(masked), out  # nothing else of it is left


YEARS = st.integers(1990, 2030).map(str)
MONTHS = st.integers(1, 12).map(lambda m: f"{m:02d}")
DAYS = st.integers(1, 28).map(lambda d: f"{d:02d}")
HOURS = st.integers(0, 23).map(lambda h: f"{h:02d}")


@st.composite
def dates(draw) -> str:
    sep = draw(st.sampled_from(["-", "/", ".", "年"]))
    y, m, d = draw(YEARS), draw(MONTHS), draw(DAYS)
    day = f"{y}年{m}月{d}日" if sep == "年" else f"{y}{sep}{m}{sep}{d}"
    time = draw(st.sampled_from(["", " {h}:{mi}", " {h}:{mi}:00", "{h}时{mi}分", " {h}点"]))
    return day + time.format(h=draw(HOURS), mi=draw(st.integers(0, 59).map(lambda x: f"{x:02d}")))


ORDER_IDS = st.builds(
    lambda p, y, m, d, n: f"{p}{y}{m}{d}{n:05d}",
    st.sampled_from(["JC", "BM", "SL", "ZZ"]),
    YEARS,
    MONTHS,
    DAYS,
    st.integers(0, 99999),
)
AMOUNTS = st.builds(
    lambda n, c, unit: (f"{n:,}" if c else str(n)) + unit,
    st.integers(0, 10**9),
    st.booleans(),
    st.sampled_from(["元", ".00元", " 元", "万元", " 户", "人", "平方米"]),
)
ARTICLES = st.sampled_from(
    ["泽政办发〔2020〕29号", "GB/T 19001-2016", "第13条", "12345", "0356-12345", "国发〔2023〕5号"]
)
JOINERS = st.sampled_from(["，", "；", "、", " 至 ", "：", "；\n", "\n共", "。约 "])


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(st.one_of(dates(), ORDER_IDS, AMOUNTS, ARTICLES), JOINERS), min_size=1, max_size=8))
def test_dates_ids_amounts_and_articles_are_never_a_persons_number(parts):
    text = "".join(a + b for a, b in parts)
    assert list(pii.find(text)) == [], text


def test_decimals_are_an_amount_but_a_unit_after_a_number_is_no_hiding_place():
    assert list(pii.find("拖欠工程款 130000000.00 元、13812345.67 元")) == []
    for text in ("回电13812345678元", "¥13812345678", "13812345678 万"):
        assert [f[3] for f in pii.find(text)] == ["138****5678"], text


def test_the_check_letter_and_the_prefix_are_masked_with_the_number():
    assert pii.mask_text("身份证 14052519900101123x 号") == "身份证 140525********123X 号"
    assert pii.mask_text("电话 +86 138 1234 5678。") == "电话 138****5678。"
    assert re.fullmatch(r"\(?138\*{4}5678", pii.mask_text("(138)1234-5678"))


def test_the_tables_know_every_dash_and_every_format_character():
    """``numerals`` lists the dashes by hand (Pd has no regular-expression class): none is missing, and every
    format character of the first planes is hidden — as Python's Unicode database says, whatever its version."""
    bmp = [chr(c) for c in range(0x10000)]
    assert {c for c in bmp if unicodedata.category(c) == "Pd"} <= set(numerals.DASHES)
    format_chars = [chr(c) for c in range(0x20000) if unicodedata.category(chr(c)) == "Cf"]
    assert all(numerals.is_hidden(c) for c in format_chars)
    assert all(list(hidden.characters(f"王{c}丽")) for c in format_chars)
    assert pii.mask_text("县热线\u202e办\u200b") == "县热线办"
