"""Hot topics of a month (分析研判 / 热点问题分析): rising keywords and places where orders cluster.

Keywords: each order's title and content are cut into words with jieba (unit names added to its
dictionary); a word counts once per order. A keyword is *hot* in a month when at least
``reports.keyword_min_count`` orders mention it; it is listed by its rise against the month before,
weighted by jieba's inverse document frequency (a rise in 燃气 says more than one in 服务). Unit and
township names are left to the places.
Places: the address without its house number (3号楼, 2单元, …) is the place; a place with at
least ``reports.place_min_orders`` orders in the month is a cluster. Thresholds live in
``scoring/rules.yaml``; the stop words in ``data/stopwords.txt``. Pure apart from jieba's dictionary.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import msgspec

from hotline.records.models import Order, Unit
from hotline.records.rules import ReportRules
from hotline.util import cache

_HOUSE_NUMBER = re.compile(r"[0-9０-９一二三四五六七八九十百]+\s*(?:号楼|号院|号|栋|幢|单元|楼|层|室|组).*$|[（(].*$")
_WORDLIKE = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9]+$")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    text = resources.files("hotline").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.split() if w.strip() and not w.startswith("#"))


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


def _jieba(extra_words: tuple[str, ...]):
    import jieba

    jieba.setLogLevel(60)
    for w in extra_words:
        if w not in _jieba_words:
            jieba.add_word(w, freq=50000)
            _jieba_words.add(w)
    return jieba


# keywords already cut, by a digest of the text they were cut from (``recall``/``keep``: kept in the tools' cache)
_memo: dict[str, list[str]] = {}
_used: dict[str, list[str]] = {}
_weights: dict[str, float] = {}  # each keyword's weight (``weight``), kept too: jieba's tables take seconds to load
_weights_used: dict[str, float] = {}
MEMO = "keywords"


class _Memo(msgspec.Struct):
    version: str  # jieba's version and the stop words: another version may cut differently
    words: dict[str, list[str]]
    weights: dict[str, float] = {}


def _memo_version() -> str:
    import jieba

    return hashlib.blake2b(f"{jieba.__version__}\0{sorted(stopwords())}".encode(), digest_size=12).hexdigest()


def recall(root) -> None:
    """Load the keywords cut by earlier runs for the records at ``root`` (``util.cache``; none when it is off)."""
    _used.clear()
    _weights_used.clear()
    kept = cache.load(root, MEMO, _Memo)
    if kept is not None and kept.version == _memo_version():
        _memo.update(kept.words)
        _weights.update(kept.weights)


def keep(root) -> None:
    """Keep the keywords this run used (and their weights) for the next one."""
    cache.save(root, MEMO, _Memo(_memo_version(), dict(_used), dict(_weights_used)))


def _key(order: Order, extra_words: tuple[str, ...]) -> str:
    text = order.title + "。" + order.content
    return hashlib.blake2b(
        "\0".join([text, *order.tags, "\1", *extra_words]).encode("utf-8", "surrogatepass"), digest_size=16
    ).hexdigest()


def keywords_of(order: Order, extra_words: tuple[str, ...] = ()) -> set[str]:
    """The distinct keywords of one order (title, content and tags)."""
    return set(_cut(order, extra_words)[1])


def _cut(order: Order, extra_words: tuple[str, ...], key: str | None = None) -> tuple[str, list[str]]:
    """(the digest the keywords are kept under — ``_key``, given or worked out here —, the order's distinct
    keywords, sorted)."""
    key = key or _key(order, extra_words)
    hit = _memo.get(key)
    if hit is None:
        jieba = _jieba(extra_words)
        stop = stopwords()
        words = set(jieba.lcut(order.title + "。" + order.content))
        words.update(order.tags)
        hit = _memo[key] = sorted(
            w for w in words if len(w) >= 2 and w not in stop and w not in extra_words and _WORDLIKE.match(w)
        )
    _used[key] = hit
    return key, hit


def _idf_file() -> str:
    """jieba's table of inverse document frequencies (``jieba/analyse/idf.txt``), found without importing
    ``jieba.analyse``: that import loads the whole table and part-of-speech tagging, ~100 MB and seconds."""
    spec = importlib.util.find_spec("jieba.analyse")
    assert spec is not None and spec.submodule_search_locations is not None
    return os.path.join(spec.submodule_search_locations[0], "idf.txt")


def weigh(words: Iterable[str]) -> None:
    """Look up the weights of ``words`` not known yet in one pass over jieba's table, keeping only theirs: a
    word's idf, or the table's median for a word it lacks (as ``jieba.analyse.TFIDF`` reads it)."""
    wanted = {w for w in words if w not in _weights}
    if not wanted:
        return
    with open(_idf_file(), "rb") as f:
        text = f.read().decode("utf-8")
    found: dict[str, float] = {}
    values = array("d")
    for line in text.splitlines():
        word, freq = line.strip().split(" ")
        values.append(float(freq))
        if word in wanted:
            found[word] = float(freq)
    median = sorted(values)[len(values) // 2]  # jieba's words are distinct: its median over the same values
    for w in wanted:
        _weights[w] = found.get(w, median)


def weigh_candidates(keyword_index: dict[str, dict[str, list[str]]], rules: ReportRules) -> None:
    """``weigh`` every word that could be a month's hot keyword, at once (before ``hot_topics`` of each month)."""
    weigh(w for month in keyword_index.values() for w, ids in month.items() if len(ids) >= rules.keyword_min_count)


def weight(word: str) -> float:
    """The word's weight: a rise in a rare word says more than one in a common word."""
    if word not in _weights:
        weigh([word])
    w = _weights[word]
    _weights_used[word] = w
    return w


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


def index_keywords(
    orders_by_month: dict[str, list[Order]], extra_words: tuple[str, ...] = (), mapper=None
) -> dict[str, dict[str, list[str]]]:
    """month → keyword → ids of the orders mentioning it. ``mapper`` (like ``map``) may spread the months
    over processes (``parallel.fork_map``)."""
    # jieba's dictionary (~60 MB) is loaded only where an order is cut: in the forked workers, not here

    keys = {m: [_key(o, extra_words) for o in orders] for m, orders in orders_by_month.items()}

    def one(month: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """(keyword → order ids, the month's keywords by text digest: a forked worker's memo is its own)."""
        idx: dict[str, list[str]] = defaultdict(list)
        cut: dict[str, list[str]] = {}
        for o, key in zip(orders_by_month[month], keys[month]):
            words = _cut(o, extra_words, key)[1]
            for w in words:
                idx[w].append(o.id)
            cut[key] = words
        return dict(idx), cut

    # only the months with an order to cut go to the workers: the rest is quicker here than sent back
    months = list(orders_by_month)
    todo = [m for m in months if any(k not in _memo for k in keys[m])]
    done = dict(zip(todo, (mapper or (lambda f, xs: [f(x) for x in xs]))(one, todo)))
    results = [done[m] if m in done else one(m) for m in months]
    for _, cut in results:
        _memo.update(cut)
        _used.update(cut)
    return {m: idx for m, (idx, _) in zip(months, results)}


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
    rising.sort(key=lambda k: (-k.change * weight(k.word), -k.count, k.word))

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
    return HotTopics(rising[: rules.hot_keywords], clusters[: rules.hot_keywords])
