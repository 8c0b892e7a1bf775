"""The masking's quick pre-check (``privacy._CANDIDATE``: the patterns are tried only near a candidate) never
hides a number: with random text built from digits (ASCII and full-width), separators, ``+86`` prefixes,
letters and Chinese — short, and long with numbers far apart — the spans found with the pre-check equal the
spans the three patterns find over the whole text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.records import privacy

PIECES = st.sampled_from(
    list("0123456789０１２３４５６７８９ .-－．　()（）+＋Xx张王")
    + ["86", "0086", "138", "0356", "1990", "20", "号楼", "(+86)", "（００８６）", "+86-", "(0356)", "1234", "5678"]
)


EVERYTHING = re.compile("")  # a pre-check that lets every text through to the patterns


SHORT = st.lists(PIECES, max_size=40).map("".join)
FILLER = st.sampled_from(["", "。", "说明文字" * 8, "x" * 31, "共" * 33, "0" * 40])
LONG = st.lists(st.tuples(SHORT, FILLER).map("".join), max_size=6).map("".join)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(SHORT, LONG))
def test_the_pre_check_never_hides_a_number(text):
    assert privacy._spans(text) == _whole(text)


def _whole(text: str) -> list:
    kept, privacy._CANDIDATE = privacy._CANDIDATE, EVERYTHING
    try:
        return privacy._spans(text)
    finally:
        privacy._CANDIDATE = kept


def test_the_usual_writings_are_still_found():
    far = "说明" * 40
    for text in (
        "13812345678",
        "(+86) 138-1234-5678",
        "１３８１２３４５６７８",
        "(0356)2123456",
        "140525 19900101 1234",
    ):
        assert privacy._spans(text), text
        assert privacy._spans(far + text + far) == _whole(far + text + far)
