"""``hotline site build`` as a library call (网站构建): records → Markdown and data → ``mkdocs build --strict``.

The pipeline: load the records (loader), the knowledge base, the archives and — when the records folder
is a Git repository — the Git history (timelines, and the commit times behind assessment item 5); compute the site model;
write every page into the ignored build folder (``build/site-docs``) together with the hand-written pages of
``site_src/``; then build with MkDocs using ``mkdocs.yml`` (its ``docs_dir`` and ``site_dir`` are pointed at the
build folder and the output). Both ship inside the package (``site/theme/``), so an installed ``hotline`` builds the
site of any records folder; a records folder may bring its own complete ``mkdocs.yml`` and ``site_src/`` instead. No
MkDocs hooks or generating plugins: the generated folder is plain Markdown. After MkDocs the builder puts the register
tables and the time the data stand at into the built pages (``site.slots``), and the documents (register ``.xlsx``,
report ``.docx``, order data), made meanwhile, into the docs folder and the site (``site.downloads``).

A build from nothing keeps both cores busy, so the independent parts run side by side in forked processes, each with
memory of its own: the Git history walk (from the start, beside the reading of the records), MkDocs (forked at the
start while this process is small, ``util.parallel.standby``: it imports MkDocs and loads jieba meanwhile, cuts the
keywords while the history is walked, and renders once the pages are written) and the documents (beside the pages and
MkDocs).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

import msgspec

from hotline.checks.attachments import publishable
from hotline.findings import Finding
from hotline.history.unit_versions import read_versions
from hotline.load import Repository, load
from hotline.records.attachments import FOLDER as ATTACHMENTS
from hotline.records.knowledge import Entry, load_entries
from hotline.records.knowledge import pictures as knowledge_pictures
from hotline.reports import archive as archives_mod
from hotline.reports import hot_topics
from hotline.reports.publication import Archive, Publication, compute, keyword_work
from hotline.reports.sources import ADVICE_DIR, read_advice, read_history, walk_history
from hotline.site import assessment, data, downloads, incremental, office_pages, pages, reuse, slots
from hotline.site.render import Page
from hotline.times import now_beijing
from hotline.util import cache, nofollow, parallel

BUILD_DIR = Path("build") / "site-docs"
# the site's configuration and hand-written pages, styles, scripts and template overrides (package data)
THEME = Path(__file__).resolve().parent / "theme"
VENDOR = Path(__file__).resolve().parents[1] / "assets" / "vendor"
VENDOR_FILES = ("echarts.min.js", "ECHARTS-LICENSE.txt", "ECHARTS-NOTICE.txt")


class SiteBuildError(Exception):
    """A build that cannot go on; the message is Chinese and says what to do."""


@dataclass
class BuildResult:
    out: Path
    docs_dir: Path
    pages: int
    files: int
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    phases: list[tuple[str, float, float | None]] = field(default_factory=list)  # (phase, seconds, peak MiB so far)
    rendered: int | None = None  # pages MkDocs rendered again in a dirty build; None: a full build


class _Clock:
    def __init__(self) -> None:
        self.phases: list[tuple[str, float, float | None]] = []
        self._t = time.perf_counter()

    def mark(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases.append((phase, now - self._t, peak_mib()))
        self._t = now


def peak_mib() -> float | None:
    """This process's peak resident memory so far (MiB); None where the system does not say (Windows)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def config_path(root: Path) -> Path:
    """The ``mkdocs.yml`` beside the ``site_src/`` whose pages, styles and overrides the site uses: the records
    folder's own when it has both (a county's own site, complete), else the package's."""
    for d in (root, THEME):
        if (d / "mkdocs.yml").is_file() and (d / "site_src" / "overrides").is_dir():
            return d / "mkdocs.yml"
    raise SiteBuildError(
        f"找不到网站配置 {THEME / 'mkdocs.yml'}：hotline 安装不完整，请重新安装（网站配置随程序包发布）"
    )


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def _write_page(docs: Path, page: Page) -> None:
    _write(docs / page.path, page.text())
    for name, html in page.slots.items():
        slots.write(docs, page.path, name, html)


def _copy_hand_written(site_src: Path, docs: Path) -> None:
    for p in nofollow.files(site_src, hidden=True):  # symbolic links are never followed nor copied
        rel = p.relative_to(site_src)
        if rel.parts[0] in ("overrides", "knowledge"):
            continue
        _write(docs / rel, nofollow.read_bytes(p))


def _compute(
    root: Path,
    as_of: datetime,
    progress: Callable[[str], None],
    read_git: bool,
    clock: _Clock,
    helper: parallel.Standby,
) -> tuple[Repository, Publication, list[Entry], list[Finding], list[Archive]]:
    """Load the records, the knowledge base, the archives and the history, and compute the publication; the
    keywords are cut by ``helper`` (the MkDocs process, which has jieba loaded) meanwhile."""
    # the Git history is walked in a forked process meanwhile (it leaves the history cache; read below): the walk
    # runs beside the reading of the records, and its working memory never adds to theirs
    walking = parallel.in_background(lambda: walk_history(root)) if read_git and cache.enabled() else None
    repo = load(root)
    if repo.context.rules is None:
        raise SiteBuildError("无法读取 scoring/rules.yaml：请先运行 hotline check 查看原因")
    progress(f"读取 {len(repo.orders)} 件工单")
    # memory (the peak decides whether a county's runner copes): what is done with goes before the next is built
    repo.findings  # noqa: B018 — the cross-file checks now, and their references go
    states = repo.states(as_of)
    repo.release_facts()  # settled as of the build: the cached replays go
    hot_topics.recall(root)  # keywords cut by the last build (jieba is slow)
    work = keyword_work(repo.orders, repo.units)
    if work.texts:  # cut while the history is walked: the answer is read below
        helper.send(msgspec.msgpack.encode(_KeywordsJob(work.extra_words, work.texts)))
    clock.mark("读取记录")
    entries, kfindings = load_entries(root, set(repo.units))
    archives = archives_mod.list_archives(root)
    cut = msgspec.msgpack.decode(_answer(helper), type=list[list[str]]) if work.texts else []
    keywords = hot_topics.index_cut(work, cut)
    if walking is not None:
        walking.wait()  # whatever its outcome, read_history answers (from the cache the walk left, or by walking)
    history, change_commits, scoring_orders = (
        read_history(root, repo, partial(parallel.fork_map, fresh=True)) if read_git else (None, None, None)
    )
    progress(
        "读取 Git 历史："
        + (f"{len(history)} 件工单有入库记录" if history is not None else "不是 Git 仓库，时间线只显示声明的时间")
    )
    clock.mark("关键词分词，读取 Git 历史")
    versions = read_versions(root) if read_git else None
    model = compute(
        repo,
        as_of,
        entries=entries,
        archives=archives,
        history=history,
        advice=read_advice(root),
        mapper=parallel.fork_map,
        change_commits=change_commits,
        scoring_orders=scoring_orders,
        unit_versions=versions,
        states=states,
        keywords=keywords,
    )
    progress(f"计算完成：{len(model.months)} 个月，{len(model.registers)} 张登记表")
    clock.mark("计算")
    return repo, model, entries, kfindings, archives


def _start_docs(root: Path, docs: Path, site_src: Path) -> None:
    """A fresh docs folder (never through a link) with the hand-written pages and the chart library."""
    nofollow.fresh_folder(root, docs.relative_to(root))
    _copy_hand_written(site_src, docs)
    missing = [f for f in VENDOR_FILES if not (VENDOR / f).is_file()]
    if missing:
        raise SiteBuildError(
            f"缺少图表库文件 {VENDOR / missing[0]}：hotline 安装不完整，请重新安装（图表库随程序包发布）"
        )
    for f in VENDOR_FILES:
        _write(docs / "assets" / "vendor" / f, (VENDOR / f).read_bytes())


def _main_pages(model: Publication, repo: Repository, root: Path, docs: Path) -> list[Page]:
    """Home, indexes, supervision, office, analysis, reports and the assessment pages (and the order attachments)."""
    supervision = pages.supervision(model)
    supervision.body += "\n" + office_pages.supervision_sections(model, repo)  # 待转派, 疑似重复诉求
    out_pages = [
        pages.home(model),
        pages.reports_index(model),
        pages.registers_index(model),
        pages.units_index(model),
        supervision,
        pages.orders_page(model),
        pages.knowledge_index(model),
        office_pages.office_page(model, repo),
    ]
    for st in model.states:  # attachments (领导批示、佐证) that pass the checks, for the order view
        for name, path in publishable(root, st.order, repo.rules.attachments):
            _write(docs / ATTACHMENTS / st.order.id / name, path.read_bytes())
    for page, docx, content in office_pages.analysis_pages(model, repo):  # 分析研判, one per quarter
        out_pages.append(page)
        if docx:
            _write(docs / docx, content)
    hot_topics.keep(root)
    out_pages += [pages.report_page(model, m) for m in model.months]
    out_pages += [
        assessment.index_page(model, model.assessments),
        assessment.rules_page(model, repo.rules.assessment, model.assessments),
    ]
    for scores in model.assessments:
        out_pages.append(assessment.period_page(model, scores))
        out_pages += [assessment.unit_page(model, scores, u.unit) for u in scores.default.units]
    return out_pages


def _unit_and_archive_pages(
    model: Publication, entries: list[Entry], archives: list[Archive], root: Path, docs: Path
) -> list[Page]:
    """Unit pages, knowledge entries (with their pictures — no other file, never through a link) and the archive
    page."""
    out_pages = [pages.unit_page(model, uid) for uid in model.handling_units]
    for e in entries:
        out_pages.append(pages.knowledge_page(model, e))
        for asset in knowledge_pictures(root, e.meta.unit):  # the pictures next to the entries, nothing else
            dest = docs / "knowledge" / e.meta.unit / asset.name
            if not dest.exists():
                _write(dest, nofollow.read_bytes(asset))
    zip_links: dict[str, str] = {}
    for ar in archives:
        if ar.zip_path and not (root / ar.zip_path).is_symlink():  # a link is never followed
            zip_rel = f"archives/{ar.month}.zip"
            _write(docs / zip_rel, nofollow.read_bytes(root / ar.zip_path))
            zip_links[ar.month] = zip_rel
    out_pages.append(pages.archive_page(model, zip_links))
    return out_pages


def generate(
    root: Path,
    docs: Path,
    as_of: datetime,
    site_src: Path,
    progress: Callable[[str], None],
    read_git: bool,
    clock: _Clock,
    helper: parallel.Standby,
) -> tuple[int, list[Finding], str, tuple[str, ...], downloads.Downloads]:
    """Write the whole docs folder but the documents, and start making those (``site.downloads``: placed after
    MkDocs); returns (number of generated pages, findings about the inputs, the build's key:
    ``site.reuse.build_key``, the words the search must know: ``hot_topics.prepare_search``, the documents).
    ``helper``: the MkDocs process (``_helper_call``), which cuts the keywords meanwhile."""
    repo, model, entries, kfindings, archives = _compute(root, as_of, progress, read_git, clock, helper)
    key = reuse.build_key(repo.context.fingerprint, site_src, site_src.parent / "mkdocs.yml")
    try:
        _start_docs(root, docs, site_src)
        made = downloads.start(model, root, key, repo.digests())  # meanwhile: the pages here, then MkDocs
    except nofollow.LinkedFolder as e:
        raise SiteBuildError(str(e)) from None
    try:
        out_pages = _main_pages(model, repo, root, docs)
        clock.mark("页面")
        for p in out_pages:
            _write_page(docs, p)
        for reg in model.registers.values():  # written as made: together their tables are tens of MB
            _write_page(docs, pages.register_page(model, reg))
        rest = _unit_and_archive_pages(model, entries, archives, root, docs)
        for p in rest:
            _write_page(docs, p)
        _write(docs / "assets" / "data" / "orders-index.json", data.index(model))
    except BaseException:
        made.stop()
        raise
    progress(
        f"月报 {len(model.months)} 期（Word），登记表 {len(model.registers)} 张（页面和 Excel），"
        f"工单数据 {len(model.states)} 件；页面 {len(out_pages) + len(model.registers) + len(rest)} 个"
    )
    words = hot_topics.unit_words(model.units.values())
    return len(out_pages) + len(model.registers) + len(rest), repo.findings + kfindings, key, words, made


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class _NoDirtyWarning(logging.Filter):
    """A dirty build is our decision (``site.incremental``), not a problem: its notice is not a warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


def run_mkdocs(config_file: Path, docs: Path, out: Path, dirty: bool = False) -> list[str]:
    """``mkdocs build --strict`` with the top-level config, its docs and site folders pointed here;
    ``dirty``: only the pages whose Markdown is newer than their HTML are rendered again."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    logger = logging.getLogger("mkdocs")
    quiet = _NoDirtyWarning()
    logging.getLogger("mkdocs.commands.build").addFilter(quiet)
    handler = _Collect()
    logger.addHandler(handler)
    old_level, old_propagate = logger.level, logger.propagate
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        cfg = load_config(config_file=str(config_file), docs_dir=str(docs), site_dir=str(out), strict=True)
        if not cfg.use_directory_urls:
            raise SiteBuildError("mkdocs.yml 中 use_directory_urls 必须为 true：生成的页面按目录式地址互相链接")
        cfg.plugins.on_startup(command="build", dirty=dirty)
        try:
            build(cfg, dirty=dirty)
        finally:
            cfg.plugins.on_shutdown()
    except (Abort, ConfigurationError) as e:
        detail = "\n".join(handler.messages[:20]) or str(e)
        raise SiteBuildError(f"mkdocs build --strict 失败：\n{detail}") from None
    finally:
        logging.getLogger("mkdocs.commands.build").removeFilter(quiet)
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
    return handler.messages


class _KeywordsJob(msgspec.Struct, array_like=True, tag="keywords"):
    words: tuple[str, ...]  # ``hot_topics.unit_words``: jieba learns them first
    texts: list[tuple[str, list[str]]]  # ``hot_topics.cut_words``


class _MkdocsJob(msgspec.Struct, array_like=True, tag="mkdocs"):
    config: str
    docs: str
    out: str
    dirty: bool
    words: tuple[str, ...]  # ``hot_topics.prepare_search``


def _helper_call(arg: bytes) -> bytes:
    """A job in the standby process (MessagePack both ways): the keywords of texts, or ``run_mkdocs`` (its
    warnings, or its ``SiteBuildError`` as a refusal)."""
    job = msgspec.msgpack.decode(arg, type=_KeywordsJob | _MkdocsJob)
    if isinstance(job, _KeywordsJob):
        return msgspec.msgpack.encode(hot_topics.cut_words(job.texts, job.words))
    hot_topics.prepare_search(job.words)  # MkDocs-Material's search cuts the pages with jieba, here
    collecting = gc.isenabled()
    gc.disable()  # MkDocs' objects live until it is done: no cyclic collection meanwhile (~200 MB at county scale)
    try:
        return msgspec.msgpack.encode(run_mkdocs(Path(job.config), Path(job.docs), Path(job.out), dirty=job.dirty))
    except SiteBuildError as e:
        raise parallel.Refusal(str(e)) from None
    finally:
        if collecting:
            gc.enable()


def _answer(helper: parallel.Standby) -> bytes:
    """The standby's answer to the job sent first; its refusal or failure as a ``SiteBuildError``."""
    try:
        return helper.receive()
    except parallel.Refusal as e:
        raise SiteBuildError(str(e)) from None
    except parallel.StandbyError as e:  # not a refusal: it failed (its traceback follows)
        raise SiteBuildError(f"运行 MkDocs 的进程出错：\n{e}") from None


def _mkdocs_ready(config_file: Path) -> None:
    """While the records are read: import MkDocs, the theme, the search and the Markdown extensions, and load
    jieba's dictionary. Only a warm-up: whatever fails here fails again, and is reported, in the build itself."""
    import tempfile

    with contextlib.suppress(Exception), tempfile.TemporaryDirectory() as empty:
        from markdown import Markdown
        from mkdocs.commands import build  # noqa: F401
        from mkdocs.config import load_config

        docs = os.path.join(empty, "docs")
        os.mkdir(docs)
        cfg = load_config(config_file=str(config_file), docs_dir=docs, site_dir=os.path.join(empty, "site"))
        Markdown(extensions=cfg.markdown_extensions, extension_configs=cfg.mdx_configs)
        cfg.theme.get_env()
    with contextlib.suppress(Exception):
        hot_topics.prepare_search(())


SITE_MARKER = ".hotline-site"  # in every built site: only such a folder (or an empty one) is emptied by a build


def check_out(root: Path, out: Path) -> None:
    """Refuse an output folder the build would wrongly empty: the records, a folder holding them, or a
    non-empty folder that is not a site built earlier."""
    guarded = [
        root,
        root / ".git",
        *(root / d for d in nofollow.RECORD_FOLDERS),
        root / archives_mod.ARCHIVE_DIR,
        root / ADVICE_DIR,
    ]
    if (
        any(out == g or g.is_relative_to(out) or out.is_relative_to(g) for g in guarded if g != root)
        or out == root
        or root.is_relative_to(out)
    ):
        raise SiteBuildError(
            f"不能输出到 {out}：构建会清空输出目录，而它是记录目录或包含记录；请换一个目录（如 site/）"
        )
    if out.exists() and (not out.is_dir() or out.is_symlink()):
        raise SiteBuildError(f"不能输出到 {out}：它不是普通目录")
    if out.is_dir() and any(out.iterdir()) and not (out / SITE_MARKER).is_file():
        raise SiteBuildError(
            f"不能输出到 {out}：目录不为空，也不是之前构建的网站（没有 {SITE_MARKER}）；构建会清空它，请换一个空目录"
        )


def build_site(
    root: Path | str,
    out: Path | str | None = None,
    as_of: datetime | None = None,
    progress: Callable[[str], None] | None = None,
    read_git: bool = True,
) -> BuildResult:
    root = Path(root).resolve()
    say = progress or (lambda msg: None)
    config_file = config_path(root)
    docs = root / BUILD_DIR
    out = Path(out).resolve() if out else root / "site"
    check_out(root, out)
    when = as_of or now_beijing()
    t0 = time.perf_counter()
    clock = _Clock()
    # MkDocs runs in a process forked now, while this one is small: the records' memory and MkDocs' never add up
    mkdocs = parallel.standby(_helper_call, prepare=lambda: _mkdocs_ready(config_file))
    try:
        n, findings, key, words, made = generate(
            root, docs, when, config_file.parent / "site_src", say, read_git, clock, mkdocs
        )
    except BaseException:
        mkdocs.stop()
        raise
    try:
        plan = incremental.plan(root, docs, out, key, SITE_MARKER)
        clock.mark("其余页面，比对上次构建")
        say(
            f"生成 Markdown 与数据用时 {time.perf_counter() - t0:.1f} 秒；运行 mkdocs build --strict"
            + (f"（只重新渲染改动的 {plan.changed} 个文件）" if plan.dirty else "")
        )
        t1 = time.perf_counter()
        search_before = incremental.read_search(out) if plan.dirty else None
        mkdocs.send(msgspec.msgpack.encode(_MkdocsJob(str(config_file), str(docs), str(out), plan.dirty, words)))
        warnings = msgspec.msgpack.decode(_answer(mkdocs), type=list[str])
        mkdocs.close()
        try:
            slots.finish(docs, out, when)
        except slots.SlotError as e:
            raise SiteBuildError(str(e)) from None
        if search_before is not None:
            incremental.merge_search(out, search_before)
    except BaseException:
        made.stop()
        mkdocs.stop()
        raise
    clock.mark("mkdocs build" + (f"（只渲染改动的 {plan.changed} 个文件）" if plan.dirty else "（全部页面）"))
    try:
        n_files = made.place(docs, out)
    except downloads.DownloadsError as e:
        raise SiteBuildError(str(e)) from None
    clock.mark("等待并放入月报、登记表和工单数据文件")
    say(f"月报、登记表和工单数据文件 {n_files} 个")
    (out / SITE_MARKER).write_text(
        "由 hotline site build 生成；再次构建会清空本目录。\n" + plan.stamp + "\n", encoding="utf-8"
    )
    incremental.save(root, out, plan)
    files = sum(1 for f in out.rglob("*") if f.is_file())
    say(f"mkdocs 完成：共 {files} 个文件，用时 {time.perf_counter() - t1:.1f} 秒")
    return BuildResult(out, docs, n, files, findings, warnings, clock.phases, plan.changed if plan.dirty else None)
