"""Hot topics that name a subject (issue 21, point 7): no filler words, nouns and place/subject terms first,
the stop list editable in ``scoring/rules.yaml``, the rising keywords in the order their heading promises."""

from __future__ import annotations

import re
from datetime import datetime

from hotline.load import load
from hotline.reports import analysis, hot_topics
from hotline.reports.hot_topics import Vocabulary, index_keywords, unit_words
from hotline.reports.hot_topics import hot_topics as month_topics

FILLER = ["时间", "申请", "哪些", "方式", "查询", "困难"]  # listed as 热点问题 by the Q4 分析研判 of the issue


def order(oid: str, title: str, content: str, received: str) -> str:
    return f"""
id: {oid}
title: {title}
category: 咨询
received_at: {received}
content: {content}
events:
  - {{at: {received}, type: 派单, unit: minzheng, role: 主办, by: 县热线办}}
"""


def write_month(records, prefix: str, month: str, subjects: dict[tuple[str, str], int]) -> None:
    n = 0
    for (title, content), count in subjects.items():
        for _ in range(count):
            n += 1
            day = 1 + n % 27
            records.order(
                f"{prefix}{n:03d}", order(f"{prefix}{n:03d}", title, content, f"{month}-{day:02d} 09:{n % 60:02d}")
            )


FILLED = ("咨询办事时间", "诉求人询问哪些时间可以申请，查询方式有哪些，有困难怎么办。")


def about(word: str) -> tuple[str, str]:
    return f"{word}问题", f"诉求人反映{word}问题。"


OCTOBER = {about("物业"): 1, FILLED: 2}
NOVEMBER = {
    FILLED: 12,  # the filler words rise most: +10
    about("停水"): 7,  # 停水 (a verb in jieba's dictionary) +7
    about("垃圾"): 6,  # a noun, +6
    about("物业"): 5,  # +4
    about("噪音"): 3,  # +3
}


def model(records):
    write_month(records, "A", "2026-10", OCTOBER)
    write_month(records, "B", "2026-11", NOVEMBER)
    repo = load(records.root)
    by_month = {m: [o for o in repo.orders if f"{o.received_at:%Y-%m}" == m] for m in ("2026-10", "2026-11")}
    return repo, by_month, index_keywords(by_month, unit_words(repo.units.values()))


def test_rising_keywords_name_subjects_in_the_order_the_report_says(records):
    repo, by_month, idx = model(records)
    rules = repo.rules.reports.model_copy(update={"hot_keywords": 3, "keyword_min_count": 3})
    hot = month_topics("2026-11", "2026-10", by_month, idx, rules)
    words = [k.word for k in hot.keywords]
    assert not set(words) & set(FILLER), words
    # nouns first: three of them rise, so the verb 停水 (+7) does not take a place
    assert words == ["垃圾", "物业", "噪音"], words
    # 按涉及工单数的增加排列
    assert [k.change for k in hot.keywords] == sorted((k.change for k in hot.keywords), reverse=True)
    # with room for more, the verb fills the list, still in the order of the increase
    more = month_topics("2026-11", "2026-10", by_month, idx, rules.model_copy(update={"hot_keywords": 10}))
    assert [k.word for k in more.keywords][:2] == ["停水", "垃圾"] and not {k.word for k in more.keywords} & set(FILLER)
    changes = [k.change for k in more.keywords]
    assert changes == sorted(changes, reverse=True)


def test_the_stop_list_is_in_the_rules_and_editable(records):
    rules_file = records.root / "scoring" / "rules.yaml"
    text = rules_file.read_text(encoding="utf-8")
    listed = re.search(r"keyword_stopwords: \[([^\]]*)\]", text)
    assert listed, "the stop list lives in scoring/rules.yaml (reports.keyword_stopwords)"
    assert set(FILLER) <= {w.strip() for w in listed.group(1).split(",")}
    rules_file.write_text(text.replace("keyword_stopwords: [", "keyword_stopwords: [垃圾, "), encoding="utf-8")
    repo, by_month, idx = model(records)
    assert "垃圾" in repo.rules.reports.keyword_stopwords
    rules = repo.rules.reports.model_copy(update={"hot_keywords": 3, "keyword_min_count": 3})
    assert [k.word for k in month_topics("2026-11", "2026-10", by_month, idx, rules).keywords] == [
        "停水",
        "物业",
        "噪音",
    ]


def test_quarterly_analysis_lists_subjects_not_filler(records):
    repo, _, _ = model(records)
    report = analysis.compose(
        repo.orders,
        repo.units,
        repo.rules,
        "2026-Q4",
        datetime(2026, 12, 31, 18),
        "热线办",
        unit_words(repo.units.values()),
    )
    table = next(b for s in report.sections for b in s.blocks if getattr(b, "caption", "") == "热点问题")
    words = [r[0] for r in table.rows]
    assert not set(words) & set(FILLER), words
    # by the number of orders (7, 6, 5 + 1, 3); the verb 停水 is there because fewer than ten nouns are
    assert words == ["停水", "垃圾", "物业", "噪音"]
    counts = [int(r[1]) for r in table.rows]
    assert counts[:3] == sorted(counts[:3], reverse=True)


def test_parts_of_speech_are_jiebas_posseg_tags_read_without_its_tables():
    """``hot_topics.learn_tags`` reads jieba's dictionary file itself, keeping only the words asked for: a
    dictionary word gets the tag ``jieba.posseg`` gives it; a word the dictionary lacks is ``x``."""
    import jieba.posseg

    words = ["垃圾", "停水", "物业", "时间", "哪些", "噪音", "并不存在的词语甲乙丙"]
    hot_topics._tags.clear()
    hot_topics.learn_tags(words)
    tagger = jieba.posseg.dt
    for w in words[:-1]:
        assert hot_topics.tag(w) == tagger.word_tag_tab[w], w
    assert hot_topics.tag("并不存在的词语甲乙丙") == "x"
    assert len(hot_topics._tags) == len(words)
    vocab = Vocabulary(frozenset({"时间"}), frozenset({"n"}), frozenset({"v"}))
    assert vocab.keywords(words) == {"垃圾", "停水", "物业", "噪音"}
