"""Hot topics of a month (分析研判 / 热点问题分析): rising keywords and places where orders cluster.

Keywords: each order's title and content are cut into words with jieba (unit names added to its
dictionary); a word counts once per order. Which words are keywords is the vocabulary's rule
(``Vocabulary``, from ``reports`` in ``scoring/rules.yaml``): never a stop word (套话, time, manner, people
in general), and nouns and place or subject terms first — jieba's part-of-speech tag of each dictionary
word, the tag ``jieba.posseg`` gives it, read for the candidate words only from jieba's dictionary file
(running ``jieba.posseg`` over every order would cost its HMM tables and about twice the cutting time);
verbs only fill the list when those are too few. A keyword is *hot* in a month when at least
``reports.keyword_min_count`` orders mention it; the month's hot keywords are listed by their rise in
orders against the month before. Unit and township names are left to the places.
Places: the address without its house number (3号楼, 2单元, …) is the place; a place with at
least ``reports.place_min_orders`` orders in the month is a cluster. Pure apart from jieba's dictionary.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import msgspec

from hotline.records.models import Order, Unit
from hotline.records.rules import ReportRules
from hotline.util import cache
from hotline.util.parallel import Mapper

_HOUSE_NUMBER = re.compile(r"[0-9０-９一二三四五六七八九十百]+\s*(?:号楼|号院|号|栋|幢|单元|楼|层|室|组).*$|[（(].*$")
_WORDLIKE = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9]+$")
UNKNOWN_TAG = "x"  # a word jieba's dictionary lacks (found by its HMM), tagged as ``jieba.posseg`` tags it without HMM

_jieba_words: set[str] = set()


def unit_words(units: Iterable[Unit]) -> tuple[str, ...]:
    """The unit names and short names: jieba learns each as one word, and none is a keyword."""
    return tuple(sorted({u.name for u in units} | {u.short_name for u in units if u.short_name}))


def prepare_search(words: tuple[str, ...]) -> None:
    """Load jieba's dictionary with ``words`` (``unit_words``) in this process: MkDocs-Material's search
    cuts the pages with the same jieba, and the search index must not depend on whether this run cut
    keywords itself (the cutting may all happen in forked workers, or not at all when every order's
    keywords are kept)."""
    _jieba(words)


def _jieba(extra_words: tuple[str, ...]) -> ModuleType:
    import jieba

    jieba.setLogLevel(60)
    for w in extra_words:
        if w not in _jieba_words:
            jieba.add_word(w, freq=50000)
            _jieba_words.add(w)
    return jieba


# words already cut, by a digest of the text they were cut from (``recall``/``keep``: kept in the tools' cache)
_memo: dict[str, list[str]] = {}
_used: dict[str, list[str]] = {}
_tags: dict[str, str] = {}  # each candidate word's part of speech (``learn_tags``), kept too
_tags_used: dict[str, str] = {}
MEMO = "keywords"


class _Memo(msgspec.Struct):
    version: str  # jieba's version and the cutting rule: another version may cut differently
    words: dict[str, list[str]]
    tags: dict[str, str] = {}


def _memo_version() -> str:
    # the installed version, read without importing jieba: its import alone takes ~65 MB (the HMM tables)
    return hashlib.blake2b(f"{importlib.metadata.version('jieba')}\0cut-2".encode(), digest_size=12).hexdigest()


def recall(root: Path) -> None:
    """Load the words cut by earlier runs for the records at ``root`` (``util.cache``; none when it is off)."""
    _used.clear()
    _tags_used.clear()
    kept = cache.load(root, MEMO, _Memo)
    if kept is not None and kept.version == _memo_version():
        _memo.update(kept.words)
        _tags.update(kept.tags)


def keep(root: Path) -> None:
    """Keep the words this run used (and their tags) for the next one."""
    cache.save(root, MEMO, _Memo(_memo_version(), dict(_used), dict(_tags_used)))


def _key(order: Order, extra_words: tuple[str, ...]) -> str:
    text = order.title + "。" + order.content
    return hashlib.blake2b(
        "\0".join([text, *order.tags, "\1", *extra_words]).encode("utf-8", "surrogatepass"), digest_size=16
    ).hexdigest()


def words_of(order: Order, extra_words: tuple[str, ...] = ()) -> list[str]:
    """The distinct words of one order (title, content and tags) that could be keywords, sorted: two or more
    characters, not a unit's name. Which of them are keywords is the ``Vocabulary``'s rule."""
    return _cut(order, extra_words)[1]


def _cut(order: Order, extra_words: tuple[str, ...], key: str | None = None) -> tuple[str, list[str]]:
    """(the digest the words are kept under — ``_key``, given or worked out here —, the order's distinct
    candidate words, sorted)."""
    key = key or _key(order, extra_words)
    hit = _memo.get(key)
    if hit is None:
        hit = _memo[key] = cut_words([_text(order)], extra_words)[0]
    _used[key] = hit
    return key, hit


Text = tuple[str, list[str]]  # what an order's words are cut from: its title and content, its tags


def _text(order: Order) -> Text:
    return order.title + "。" + order.content, list(order.tags)


def cut_words(texts: Sequence[Text], extra_words: tuple[str, ...]) -> list[list[str]]:
    """The distinct candidate words of each text, sorted (``words_of``'s rule): jieba's words and the tags, two
    or more characters, none of ``extra_words`` (which jieba learns first)."""
    jieba = _jieba(extra_words)
    out = []
    for text, tags in texts:
        words = set(jieba.lcut(text))
        words.update(tags)
        out.append(sorted(w for w in words if len(w) >= 2 and w not in extra_words and _WORDLIKE.match(w)))
    return out


def _dict_file() -> str:
    """jieba's dictionary (``jieba/dict.txt``: word, frequency, part of speech — the table ``jieba.posseg``
    tags dictionary words from), found without loading it."""
    spec = importlib.util.find_spec("jieba")
    assert spec is not None and spec.submodule_search_locations is not None
    return os.path.join(spec.submodule_search_locations[0], "dict.txt")


def learn_tags(words: Iterable[str]) -> None:
    """Look up the parts of speech of ``words`` not known yet in one pass over jieba's dictionary, keeping
    only theirs (the whole table would take ~40 MB); a word it lacks is ``UNKNOWN_TAG``."""
    wanted = {w for w in words if w not in _tags}
    if not wanted:
        return
    with open(_dict_file(), encoding="utf-8") as f:  # line by line: the whole file as lines would take ~30 MB
        for line in f:
            word, _, rest = line.partition(" ")
            if word in wanted:
                _tags[word] = rest.rpartition(" ")[2].strip() or UNKNOWN_TAG
                wanted.discard(word)
    for w in wanted:
        _tags[w] = UNKNOWN_TAG


def learn_candidates(keyword_index: dict[str, dict[str, list[str]]], rules: ReportRules) -> None:
    """``learn_tags`` of every word that could be a month's hot keyword, at once (before ``hot_topics`` of
    each month): one pass over jieba's dictionary instead of one a month."""
    stop = set(rules.keyword_stopwords)
    learn_tags(
        w
        for month in keyword_index.values()
        for w, ids in month.items()
        if len(ids) >= rules.keyword_min_count and w not in stop
    )


def tag(word: str) -> str:
    """The word's part of speech (jieba's tag; ``learn_tags`` first for many words at once)."""
    if word not in _tags:
        learn_tags([word])
    t = _tags[word]
    _tags_used[word] = t
    return t


T = TypeVar("T")


@dataclass(frozen=True)
class Vocabulary:
    """Which words are keywords (``reports`` in ``rules.yaml``): no stop word; words tagged ``prefer`` first,
    ``fill`` only when those are too few; any other part of speech never."""

    stop: frozenset[str]
    prefer: frozenset[str]
    fill: frozenset[str]

    @classmethod
    def of(cls, rules: ReportRules) -> Vocabulary:
        return cls(
            frozenset(rules.keyword_stopwords), frozenset(rules.keyword_tags), frozenset(rules.keyword_fill_tags)
        )

    def tier(self, word: str) -> int | None:
        """0: a preferred keyword, 1: a filler, None: never a keyword."""
        if word in self.stop:
            return None
        t = tag(word)
        return 0 if t in self.prefer else 1 if t in self.fill else None

    def keywords(self, words: Iterable[str]) -> set[str]:
        """The keywords among ``words`` (either tier)."""
        words = [w for w in words if w not in self.stop]
        learn_tags(words)
        return {w for w in words if self.tier(w) is not None}

    def choose(self, ranked: Sequence[T], n: int, word: Callable[[T], str]) -> list[T]:
        """The first ``n`` of ``ranked`` (already in the order to show), preferred words first: fillers only
        when fewer than ``n`` preferred words are there. The order of ``ranked`` is kept."""
        learn_tags(word(x) for x in ranked if word(x) not in self.stop)
        tiers = [self.tier(word(x)) for x in ranked]
        chosen = [i for i, t in enumerate(tiers) if t == 0][:n]
        chosen += [i for i, t in enumerate(tiers) if t == 1][: n - len(chosen)]
        return [ranked[i] for i in sorted(chosen)]


def keywords_of_each(
    orders: Iterable[Order], vocabulary: Vocabulary, extra_words: tuple[str, ...] = ()
) -> dict[str, set[str]]:
    """Order id → its keywords (``words_of`` that the vocabulary keeps), the tags looked up in one pass."""
    cut = {o.id: words_of(o, extra_words) for o in orders}
    kept = vocabulary.keywords({w for ws in cut.values() for w in ws})  # each distinct word judged once
    return {oid: {w for w in ws if w in kept} for oid, ws in cut.items()}


def place_of(address: str | None) -> str | None:
    if not address:
        return None
    place = _HOUSE_NUMBER.sub("", re.sub(r"\s+", "", address)).rstrip("附近旁边对面")
    return place if len(place) >= 2 else None


@dataclass
class Keyword:
    word: str
    count: int
    previous: int
    examples: list[str]  # order ids

    @property
    def change(self) -> int:
        return self.count - self.previous


@dataclass
class Place:
    place: str
    count: int
    previous: int
    examples: list[str]
    categories: Counter


@dataclass
class HotTopics:
    keywords: list[Keyword]
    places: list[Place]


@dataclass
class KeywordWork:
    """What ``index_keywords`` has to do: each month's orders (id, text digest), and the texts not cut yet
    (``cut_words``; their digests and months beside them) — cut here, in workers, or in another process (the
    site build's standby)."""

    months: dict[str, list[tuple[str, str]]]
    todo: list[str]
    todo_months: list[str]
    texts: list[Text]
    extra_words: tuple[str, ...]


def keyword_work(orders_by_month: dict[str, list[Order]], extra_words: tuple[str, ...] = ()) -> KeywordWork:
    work = KeywordWork(
        {m: [(o.id, _key(o, extra_words)) for o in os] for m, os in orders_by_month.items()}, [], [], [], extra_words
    )
    seen: set[str] = set()
    for m, orders in orders_by_month.items():
        for o, (_, key) in zip(orders, work.months[m]):
            if key not in _memo and key not in seen:
                seen.add(key)
                work.todo.append(key)
                work.todo_months.append(m)
                work.texts.append(_text(o))
    return work


def index_cut(work: KeywordWork, cut: Sequence[list[str]]) -> dict[str, dict[str, list[str]]]:
    """month → keyword → ids of the orders mentioning it, once the texts of ``work`` are cut (``cut_words``)."""
    _memo.update(zip(work.todo, cut))
    out: dict[str, dict[str, list[str]]] = {}
    for month, orders in work.months.items():
        idx: dict[str, list[str]] = defaultdict(list)
        for oid, key in orders:
            words = _used[key] = _memo[key]
            for w in words:
                idx[w].append(oid)
        out[month] = dict(idx)
    return out


def index_keywords(
    orders_by_month: dict[str, list[Order]], extra_words: tuple[str, ...] = (), mapper: Mapper | None = None
) -> dict[str, dict[str, list[str]]]:
    """month → keyword → ids of the orders mentioning it. ``mapper`` (like ``map``) may spread the months with
    texts to cut over processes (``parallel.fork_map``); the rest is indexed here."""
    # jieba's dictionary (~60 MB) is loaded only where a text is cut: in the forked workers, not here
    work = keyword_work(orders_by_month, extra_words)
    at: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(work.todo_months):
        at[m].append(i)
    months = list(at)
    cut_months = (mapper or (lambda f, xs: [f(x) for x in xs]))(
        lambda m: cut_words([work.texts[i] for i in at[m]], extra_words), months
    )
    cut: list[list[str]] = [[] for _ in work.texts]
    for m, words in zip(months, cut_months):
        for i, w in zip(at[m], words):
            cut[i] = w
    return index_cut(work, cut)


def hot_topics(
    month: str,
    previous: str,
    orders_by_month: dict[str, list[Order]],
    keyword_index: dict[str, dict[str, list[str]]],
    rules: ReportRules,
) -> HotTopics:
    now = keyword_index.get(month, {})
    before = keyword_index.get(previous, {})
    kws = [
        Keyword(w, len(ids), len(before.get(w, ())), sorted(ids)[: rules.examples])
        for w, ids in now.items()
        if len(ids) >= rules.keyword_min_count
    ]
    rising = [k for k in kws if k.change > 0]
    rising.sort(key=lambda k: (-k.change, -k.count, k.word))  # 按涉及工单数的增加排列
    rising = Vocabulary.of(rules).choose(rising, rules.hot_keywords, lambda k: k.word)

    def places(orders: list[Order]) -> dict[str, list[Order]]:
        by: dict[str, list[Order]] = defaultdict(list)
        for o in orders:
            p = place_of(o.address)
            if p:
                by[p].append(o)
        return by

    now_p = places(orders_by_month.get(month, []))
    before_p = places(orders_by_month.get(previous, []))
    clusters = [
        Place(
            p,
            len(os),
            len(before_p.get(p, ())),
            sorted(o.id for o in os)[: rules.examples],
            Counter(o.category for o in os),
        )
        for p, os in now_p.items()
        if len(os) >= rules.place_min_orders
    ]
    clusters.sort(key=lambda c: (-c.count, -(c.count - c.previous), c.place))
    return HotTopics(rising, clusters[: rules.hot_keywords])
