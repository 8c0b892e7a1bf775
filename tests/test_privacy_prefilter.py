"""The masking's quick pre-check (``privacy._windows``: the patterns are tried only around a run of eleven
digits with separators) never hides a number: with random text built from digits of every writing
(ASCII, full-width, other scripts, Chinese numerals), separators, invisible characters, ``+86`` prefixes,
line breaks with indentation, letters and Chinese — short, and long with numbers far apart — the spans
found with the pre-check equal the spans the patterns find over the whole text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.records import privacy

PIECES = st.sampled_from(
    list("0123456789０１２３４５６７８９ .-－．　()（）+＋Xx张王一三八幺〇两")
    + ["\u200b", "\u00ad", "\u2060", "\u00a0", "\u202f", "–", "—", "·", "/", "\n", "\n    ", "\n          "]
    + ["𝟏", "𝟑", "𝟖", "١", "٣", "८", "\ufe0f\u20e3", "\U000e0041", " - ", "  "]
    + ["86", "0086", "138", "0356", "1990", "20", "号楼", "(+86)", "（００８６）", "+86-", "(0356)", "1234", "5678"]
    + ["140525", "19900101", "123X", "900101"]
)


SHORT = st.lists(PIECES, max_size=40).map("".join)
FILLER = st.sampled_from(["", "。", "说明文字" * 8, "x" * 31, "共" * 33, "0" * 40, " " * 40, "\u200b" * 20])
LONG = st.lists(st.tuples(SHORT, FILLER).map("".join), max_size=6).map("".join)


@settings(max_examples=2000, deadline=None)
@given(st.one_of(SHORT, LONG))
def test_the_pre_check_never_hides_a_number(text):
    assert privacy._spans(text) == privacy._spans(text, whole=True)


def test_the_usual_writings_are_still_found():
    far = "说明" * 40
    for text in (
        "13812345678",
        "(+86) 138-1234-5678",
        "１３８１２３４５６７８",
        "(0356)2123456",
        "140525 19900101 1234",
        "一三八 一二三四 五六七八",
        "138\u200b1234\u200b5678",
        "14052519900101\n    1234",
    ):
        assert privacy._spans(text), text
        assert privacy._spans(far + text + far) == privacy._spans(far + text + far, whole=True)


@settings(max_examples=1000, deadline=None)
@given(SHORT, st.integers(0, 40), st.integers(0, 40))
def test_normalising_a_stretch_at_once_is_normalising_each_character(text, a, b):
    """``numerals.normalise`` translates a stretch without invisible or astral characters in one go: the same
    as the character-by-character rule (each its short form, "#" for any other, invisible ones left out)."""
    from hotline.records import numerals

    a, b = min(a, b, len(text)), min(max(a, b), len(text))
    out, where = [], []
    for i in range(a, b):
        n = numerals.tables().normal.get(text[i])
        if n is None:
            n = numerals._astral(text[i]) if text[i] > "\uffff" else "#"
        if n:
            out.append(n)
            where.append(i)
    norm, at = numerals.normalise(text, a, b)
    assert (norm, list(at)) == ("".join(out), where)
