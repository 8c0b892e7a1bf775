"""The list-item scanner the history reader uses on every version of every record, and the record writer."""

from __future__ import annotations

import json

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hotline.records import yaml_reader
from hotline.records.writer import event_line, flow_mapping, scalar
from hotline.records.yaml_items import (
    at_type_unit,
    fields,
    items,
    items_or_yaml,
    key_of,
    same_item,
    tail_items,
)

ORDER = """\
id: JC1
events:   # 事件
  # 派单
  - {at: 2026-11-20 10:05, type: 派单,  unit: jincun, role: 主办, by: 县热线办}   # 派单说明
  - at: 2026-11-20 11:30
    type: 接收
    unit: jincun
    by: 王丽

  - {at: 2026-11-20 14:10, type: 联系, unit: jincun, by: 王丽, note: "电话 #1 已联系"}
tags: [a]
"""


def test_items_of_flow_block_and_commented_events():
    assert items(ORDER, "events") == [
        ("{at: 2026-11-20 10:05, type: 派单, unit: jincun, role: 主办, by: 县热线办}", 4),
        ("at: 2026-11-20 11:30\ntype: 接收\nunit: jincun\nby: 王丽", 5),
        ('{at: 2026-11-20 14:10, type: 联系, unit: jincun, by: 王丽, note: "电话 #1 已联系"}', 10),
    ]
    assert items(ORDER, "changes") == []
    assert items("events: []\n", "events") == []
    assert items("events:\n- {a: 1}\n- {a: 2}\nx: 1\n", "events") == [("{a: 1}", 2), ("{a: 2}", 3)]


def test_layouts_the_scan_does_not_trust_go_through_yaml():
    text = "id: X\nevents: [{at: 2026-11-20 10:05, type: 派单}, {at: 2026-11-20 11:00, type: 接收}]\n"
    assert items(text, "events") is None
    got = items_or_yaml(text, "events")
    assert [t for t, _ in got] == [
        '{"at": "2026-11-20 10:05", "type": "派单"}',
        '{"at": "2026-11-20 11:00", "type": "接收"}',
    ]
    assert at_type_unit(got[0][0]) == ("2026-11-20 10:05", "派单", None)
    assert same_item(got[0][0], "{at: 2026-11-20 10:05, type: 派单}")
    assert not same_item(got[0][0], "{at: 2026-11-20 10:06, type: 派单}")
    assert items_or_yaml("events:\n\t- x\n", "events") == []  # unreadable: no items


def test_tail_items_accept_whole_items_only():
    assert tail_items("  - {at: 2026-11-21 09:00, type: 联系}\n", 2, 12) == [("{at: 2026-11-21 09:00, type: 联系}", 12)]
    assert tail_items("  - at: x\n    type: y\n", 2, 5) == [("at: x\ntype: y", 5)]
    assert tail_items("    type: 接收\n", 2, 5) is None  # continues the last old item
    assert tail_items("tags: [a]\n", 2, 5) is None  # not an item
    assert tail_items("  - {at: x}  # note\n", 2, 5) is None  # comments: the full scan decides


def test_fields_and_keys():
    assert at_type_unit("{at: 2026-11-20 10:05, type: 回访, result: 满意, by: 县热线办}") == (
        "2026-11-20 10:05",
        "回访",
        None,
    )
    assert at_type_unit("{effective: 2026-11-16, note: 调整}") == ("2026-11-16", None, None)
    assert fields("{at: '2026-11-20 10:05', type: \"接收\", unit: jincun}") == {
        "at": "2026-11-20 10:05",
        "type": "接收",
        "unit": "jincun",
    }
    assert key_of("a") == key_of("a") != key_of("b") and -(1 << 63) <= key_of("a") < 1 << 63


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_scalar_reads_back_as_the_same_text(text):
    assert yaml.safe_load(f"k: {scalar(text)}")["k"] == text
    assert yaml.safe_load(flow_mapping({"note": text, "at": "2026-11-20 10:05"}))["note"] == text
    line = event_line({"at": "2026-11-20 10:05", "type": "联系", "note": text})
    assert yaml.safe_load("events:\n" + line)["events"][0]["note"] == text


# --- the reader's resolver short-cut gives PyYAML's own tags ------------------------------------------

_SCALARS = [
    "",
    "yes",
    "No",
    "on",
    "OFF",
    "~",
    "null",
    "Null",
    "12",
    "0x1f",
    "0o17",
    "1_000",
    "1.5",
    ".inf",
    "-.inf",
    ".nan",
    "2026-11-27",
    "2026-11-27 17:50",
    "2026-11-27T17:50:00+08:00",
    "<<",
    "=",
    "张三",
    "JC2026112700001",
    "true",
    "False",
    "+1",
    "-3",
    "1e5",
    "1:20",
    "190:20:30",
    "'quoted'",
    '"q"',
    "a b",
    "y",
    "Y",
    "n",
    "N",
]


def _tags(node: yaml.Node) -> list[str]:
    if isinstance(node, yaml.ScalarNode):
        return [node.tag]
    if isinstance(node, yaml.SequenceNode):
        return [node.tag] + [t for c in node.value for t in _tags(c)]
    return [node.tag] + [t for k, v in node.value for t in _tags(k) + _tags(v)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_SCALARS), st.text(max_size=12)), min_size=1, max_size=6))
@example(["!"])
def test_the_readers_resolver_tags_every_scalar_as_pyyaml_does(values):
    text = "".join(f"- {json.dumps(v, ensure_ascii=False)}\n- {v}\n" for v in values if "\n" not in v)
    try:  # the same parser (libyaml's, whose events differ from pure PyYAML's for "- !"), PyYAML's own resolver
        node = yaml.compose(text, Loader=yaml_reader._SafeLoader)
    except yaml.YAMLError:
        return  # not a record: the reader reports it (its own tests)
    ours = yaml.compose(text, Loader=yaml_reader._Loader)
    assert (ours is None and node is None) or _tags(ours) == _tags(node)
