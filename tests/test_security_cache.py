"""Attack 1: a cache committed by a unit cannot run code, and no cache is read with --no-cache."""

from __future__ import annotations

import os
import pickle
import re
from pathlib import Path

from click.testing import CliRunner
from test_history import ACCEPT, DISPATCH, ORDER, WANGLI, Repo

from hotline.cli import main
from hotline.util import cache

SRC = Path(__file__).resolve().parents[1] / "src"


class Boom:
    """What the attacker pickled: loading it runs a command."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_committed_pickles_are_never_loaded(records, tmp_path, cache_dir):
    repo = Repo(records)
    repo.commit("new", "2026-11-20 10:10", WANGLI, {ORDER: repo.order(DISPATCH)})
    marker = tmp_path / "pwned"
    payload = pickle.dumps(Boom(marker))
    for name in ("audit.pickle", "history.pickle", "check.pickle"):
        repo.records.write(f".cache/hotline/{name}", payload)
    repo.git("add", "-f", ".cache")
    repo.commit("rewrite another unit's reply", "2026-11-21 10:00", WANGLI, {ORDER: repo.order(DISPATCH, ACCEPT)})
    # the attacker also plants the payload where the cache really lives, under every name
    folder = cache.repo_dir(repo.root)
    folder.mkdir(parents=True)
    for name in ("audit", "history", "check"):
        (folder / f"{name}.msgpack").write_bytes(payload)
    runner = CliRunner()
    res = runner.invoke(main, ["check", "--root", str(repo.root), "--as-of", "2026-11-30 12:00"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    assert not marker.exists()
    # the bad entries were dropped and rebuilt as plain data
    assert cache.load(repo.root, "audit", object) is not None
    assert not (folder / "check.msgpack").read_bytes().startswith(b"\x80")


def test_no_cache_reads_and_writes_no_cache(records, cache_dir):
    repo = Repo(records)
    repo.commit("new", "2026-11-20 10:10", WANGLI, {ORDER: repo.order(DISPATCH)})
    res = CliRunner().invoke(main, ["check", "--root", str(repo.root), "--no-cache", "--as-of", "2026-11-30 12:00"])
    assert res.exit_code == 0, res.output
    assert list(cache_dir.rglob("*")) == []  # nothing written
    # a warm cache is not read either: a poisoned but well-formed entry changes nothing
    CliRunner().invoke(main, ["check", "--root", str(repo.root), "--as-of", "2026-11-30 12:00"])
    assert cache.entry_path(repo.root, "audit").exists()
    from hotline.findings import Finding
    from hotline.history.audit import AUDIT_CACHE, _AuditEntry

    hit = cache.load(repo.root, AUDIT_CACHE, _AuditEntry)
    hit.found = [Finding("orders/x.yaml", 1, "history-rewritten", "伪造的发现")]
    cache.save(repo.root, AUDIT_CACHE, hit)
    res = CliRunner().invoke(main, ["check", "--root", str(repo.root), "--no-cache", "--as-of", "2026-11-30 12:00"])
    assert res.exit_code == 0 and "伪造" not in res.output
    res = CliRunner().invoke(main, ["check", "--root", str(repo.root), "--as-of", "2026-11-30 12:00"])
    assert "伪造" in res.output  # (the cache is really used when allowed)


def test_corrupt_cache_is_dropped_and_rebuilt(records, cache_dir):
    repo = Repo(records)
    repo.commit("new", "2026-11-20 10:10", WANGLI, {ORDER: repo.order(DISPATCH)})
    runner = CliRunner()
    args = ["check", "--root", str(repo.root), "--as-of", "2026-11-30 12:00"]
    assert runner.invoke(main, args).exit_code == 0
    for name in ("audit", "history", "check"):
        path = cache.entry_path(repo.root, name)
        good = path.read_bytes()
        for bad in (b"\xff\x00garbage", good[: len(good) // 2], b"\x80\x04\x95"):
            path.write_bytes(bad)
            if name == "history":
                cache.drop(repo.root, "audit")  # so that check reads the history again
            res = runner.invoke(main, args)
            assert res.exit_code == 0, (name, res.output, res.exception)
            assert path.read_bytes() != bad


def test_history_entry_with_inconsistent_arrays_is_rebuilt(records):
    from hotline.history import reader as store

    repo = Repo(records)
    repo.commit("new", "2026-11-20 10:10", WANGLI, {ORDER: repo.order(DISPATCH)})
    assert store.read(repo.root).cold
    data = cache.load(repo.root, store.CACHE_NAME, store._StoreData)
    data.arrays["parents"] = (10**6).to_bytes(4, "little") * (len(data.arrays["parents"]) // 4)
    cache.save(repo.root, store.CACHE_NAME, data)
    again = store.read(repo.root)
    assert again.cold and again.items(ORDER)


def test_cache_lives_outside_the_records_and_env_overrides(records, tmp_path, monkeypatch):
    monkeypatch.delenv("HOTLINE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.repo_dir(records.root).is_relative_to(tmp_path / "xdg" / "hotline")
    assert cache.repo_dir(records.root) != cache.repo_dir(tmp_path)
    monkeypatch.setenv("HOTLINE_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache.repo_dir(records.root).parent == tmp_path / "elsewhere"


def test_no_pickle_marshal_or_shelve_in_the_package():
    rx = re.compile(r"^\s*(import|from)\s+(pickle|marshal|shelve|dill|cloudpickle)\b", re.M)
    hits = [p for p in SRC.rglob("*.py") if rx.search(p.read_text(encoding="utf-8"))]
    assert hits == []
    # and one cache module: nothing else under the package writes files named like a cache
    users = sorted(
        p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py") if "util import cache" in p.read_text(encoding="utf-8")
    )
    assert users == [
        "hotline/cli/common.py",
        "hotline/entry/order_edit.py",
        "hotline/history/audit.py",
        "hotline/history/reader.py",
        "hotline/history/recorded.py",
        "hotline/history/unit_versions.py",
        "hotline/load.py",
        "hotline/reports/hot_topics.py",
        "hotline/site/build.py",
        "hotline/site/downloads.py",
        "hotline/site/incremental.py",
        "hotline/site/reuse.py",
        "hotline/util/filecache.py",
    ]  # order_edit: only its lock file lives in the cache folder; cli: --no-cache
