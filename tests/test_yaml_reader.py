"""The record reader's short cut for the records' common shape gives exactly what libyaml's node tree gives."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hotline.records import yaml_reader
from hotline.records.writer import event_line, flow_mapping, scalar

ORDER = """\
# yaml-language-server: $schema=../../../schemas/order.schema.json
id: JC2026100100124
title: 北石店镇书香门第小区楼下烧烤店噪音扰民
category: 投诉
received_at: 2026-10-01 09:41
sample: true
citizen: {name: 常**, phone: 181****9670}
address: 北石店镇3#楼
content: |
  诉求人反映楼下商户营业至凌晨，噪音和油烟扰民。

    （附：营业时间 22:00 后）
  请求管理。

tags: [噪音, 环境]
count: 3
ratio: 0.5
none:
events:
  - {at: 2026-10-08 09:28, type: 派单, unit: shengtai, role: 主办, by: 县热线办}
# a comment between items
  - {at: 2026-10-16 09:47, type: 答复, unit: shengtai, by: 秦芳, text: 已约谈商户，已加装隔音设施。}

  - {}
  - 9:28
remarks:
- 一
- [甲, 乙]
"""


def typed(value: object) -> object:
    """The value with each scalar's type beside it (True == 1, but a bool is not an int here)."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


def assert_same(text: str) -> bool:
    """Whether the short cut read ``text``; if it did, its reading is libyaml's."""
    short = yaml_reader.parse_text("o.yaml", text)
    full = yaml_reader.composed("o.yaml", text)
    read = yaml_reader._common_shape(text) is not None
    if read:
        assert not full.findings, full.findings
        assert typed(short.data) == typed(full.data)
        assert short.lines == full.lines
    assert short.findings == full.findings
    return read


def test_the_common_shape_is_read_as_libyaml_reads_it():
    assert assert_same(ORDER)
    doc = yaml_reader.parse_text("o.yaml", ORDER)
    assert (
        doc.data["content"]
        == "诉求人反映楼下商户营业至凌晨，噪音和油烟扰民。\n\n  （附：营业时间 22:00 后）\n请求管理。\n"
    )
    assert doc.data["events"][3] == 568  # YAML 1.1: 9:28 is a sexagesimal integer, as libyaml reads it
    assert doc.data["none"] is None and doc.data["sample"] is True and doc.data["ratio"] == 0.5
    assert doc.line_of(("events", 1, "text")) == 22 and doc.line_of(("remarks", 1, 0)) == 28


def test_what_the_writer_writes_is_read_by_the_short_cut():
    line = event_line({"at": "2026-11-20 10:05", "type": "派单", "unit": "jincun", "role": "主办", "by": "县热线办"})
    text = f"id: JC1\ncitizen: {flow_mapping({'name': '王**', 'phone': '138****1234'})}\nevents:\n{line}\n"
    assert assert_same(text)


ODD = [
    'title: "引号"\n',  # quoted
    "title: 噪音 # 注释\n",  # a comment after a value
    "title: 噪音\n  扰民\n",  # plain text over two lines
    "a: &x 1\nb: *x\n",  # anchor and alias
    "a: !!str 1\n",  # a tag
    "a: b: c\n",  # not a mapping value
    "a: 1\na: 2\n",  # a duplicate key: libyaml's reading reports it
    "a:\tb\n",  # a tab
    "a: b\r\n",  # a carriage return
    "a: b\u2028c\n",  # a YAML line break
    "a: b",  # no final line break
    "events:\n  - at: 2026-11-20 10:05\n    type: 派单\n",  # a block mapping in a list
    "events:\n  - {at: 2026-11-20 10:05,\n     type: 派单}\n",  # a flow mapping over two lines
    "a: |-\n  text\n",  # another chomping
    "a: |\n\n  text\n",  # an empty first line in a block
    "a: {b: [1]}\n",  # nested flow collections
    "a: {b: http://x}\n",  # a colon in a flow value
    "- a\n",  # not a mapping
    "# only a comment\n",
]


def test_everything_else_goes_to_libyaml():
    for text in ODD:
        assert not assert_same(text), text


# --- any document built from the shape's parts, with any scalar in it ------------------------------------------
TRICKY = st.text(
    alphabet=st.sampled_from(
        list("aZ09 .:-#,{}[]&*!|>'\"%@`~?=<+_") + ["\t", "\r", "\x85", "\u2028", "\ufeff"] + list("诉求人，：")
    ),
    max_size=8,
)
PLAIN = st.text(alphabet=st.sampled_from(list("aZ09 .:-#_诉求人，：")), min_size=1, max_size=8)
WORDS = st.sampled_from(
    ["true", "no", "~", "null", "1_000", "0x1F", "1.5e3", ".inf", "12:30:00", "9:28", "2026-11-20", "2026-11-20 10:05"]
    + ["-1", "+1", "0o7", "=", "<<", "县热线办", "138****1234", "张**"]
)
NAMES = st.sampled_from(["id", "at", "type", "note", "a_1", "on", "yes"])


def _flow(items: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"


def documents(scalars: st.SearchStrategy[str], keys: st.SearchStrategy[str], unique: bool) -> st.SearchStrategy[str]:
    """Documents built from the common shape's parts, with these scalars and keys in them (``unique``: no key twice
    in a mapping)."""
    by_key = (lambda t: t[0]) if unique else None
    value = st.one_of(
        scalars,
        st.lists(st.tuples(keys, scalars), max_size=4, unique_by=by_key).map(_flow),
        st.lists(scalars, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
    )
    block = st.one_of(
        value.map(lambda v: " " + v if v else ""),
        st.lists(scalars, min_size=1, max_size=4).map(lambda ls: " |\n" + "".join(f"  {x}\n" for x in ls).rstrip("\n")),
        st.tuples(st.sampled_from(["", "  ", "    "]), st.lists(value, min_size=1, max_size=4)).map(
            lambda t: "\n" + "\n".join(f"{t[0]}- {v}" for v in t[1])
        ),
    )
    gaps = st.sampled_from(["", "\n", "\n# 注释\n", "\n   \n"])
    return st.lists(st.tuples(keys, block, gaps), min_size=1, max_size=6, unique_by=by_key).map(
        lambda parts: "".join(f"{k}:{b}\n{gap}" for k, b, gap in parts)
    )


SCALAR = st.one_of(PLAIN, PLAIN, WORDS, TRICKY)


def test_any_plain_document_short_cut_or_not_reads_as_libyaml():
    """Documents of plain words: the property holds, and the short cut read many of them (it had work to do)."""
    read = {True: 0, False: 0}

    @settings(max_examples=400, deadline=None, database=None)
    @given(documents(st.one_of(PLAIN, WORDS), NAMES, unique=True))
    @example("a: b\n")
    def check(text: str) -> None:
        read[assert_same(text)] += 1

    check()
    assert read[True] >= 100 and read[False] > 0, read


@settings(max_examples=400, deadline=None)
@given(documents(SCALAR, st.one_of(NAMES, NAMES, TRICKY), unique=False))
def test_any_document_short_cut_or_not_reads_as_libyaml(text):
    assert_same(text)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["at", "type", "unit", "by", "note", "text"]), SCALAR, min_size=1))
def test_any_event_the_writer_writes_reads_back(fields):
    """What the writer writes (quoting what needs it) reads back the same, by the short cut or by libyaml."""
    text = "events:\n" + event_line(fields) + "\nnote: " + scalar("x") + "\n"
    assert_same(text)
