"""Options and output helpers shared by the commands."""

from __future__ import annotations

import contextlib
import gc
import json
import sys
from collections.abc import Callable, Mapping
from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, overload

import click

from hotline.records import paths
from hotline.records.context import Context
from hotline.records.models import Unit
from hotline.records.privacy import mask_text
from hotline.records.rules import Rules
from hotline.records.unit_names import nearest, resolve_unit, unknown_unit_message
from hotline.times import now_beijing, parse_date, parse_time
from hotline.util import cache

if TYPE_CHECKING:  # ``load`` (and what it imports) only for the commands that read every record
    from hotline.load import Repository

F = TypeVar("F", bound=Callable[..., Any])  # a click command, as an option decorator returns it


class AsOf(click.ParamType):
    """``YYYY-MM-DD HH:MM`` (or a date: the end of that day), Beijing time."""

    name = "时间"
    date_alone = "end of day"  # what a date without a time means here

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_time(value)
        except ValueError:
            pass
        try:
            day = parse_date(value)
        except ValueError:
            self.fail(f'“{value}”不是有效的时间，应写成 "YYYY-MM-DD HH:MM"', param, ctx)
        if self.date_alone == "refused":
            self.fail(f'“{value}”只有日期，没有时刻：请写明几点几分，如 "{day:%Y-%m-%d} 09:30"', param, ctx)
        return datetime.combine(day, time(23, 59))


class EventTime(AsOf):
    """An event's time, ``YYYY-MM-DD HH:MM`` (Beijing time): a date alone is refused, never taken as some hour of
    it (decided 2026-12-07: times are minutes)."""

    date_alone = "refused"


def _records_root(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """``--root`` (or the current folder) is a records folder, or the command stops and says where to run it."""
    if ctx.resilient_parsing or paths.is_records_root(value):
        return value
    where = "当前目录" if str(value) == "." else f"目录 {value}"
    fail(f"{where}不是记录仓库（没有 scoring/rules.yaml、units/ 或 orders/）：请在记录仓库中运行，或用 --root 指定", 2)


def root_option(f: F, records: bool = True) -> F:
    """``--root``: the records folder (default: the current one); ``records=False`` for a command that only writes
    into the folder it is given (``schema``)."""
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=".",
        envvar="HOTLINE_ROOT",
        show_default=True,
        callback=_records_root if records else None,
        help="记录仓库的目录",
    )(f)


def as_of_option(f: F) -> F:
    return click.option(
        "--as-of",
        "as_of",
        type=AsOf(),
        default=None,
        envvar="HOTLINE_AS_OF",
        help='以此时间为"当前"（北京时间 "YYYY-MM-DD HH:MM"；也可用环境变量 HOTLINE_AS_OF，供补跑和测试）',
    )(f)


def no_cache_option(f: F) -> F:
    return click.option(
        "--no-cache",
        "no_cache",
        is_flag=True,
        help="不读也不写缓存：重新读取每个文件、重新生成每个文件（结果与使用缓存时相同）",
    )(f)


def uncached(no_cache: bool) -> contextlib.AbstractContextManager[object]:
    """A block without any cache (``--no-cache``), or an ordinary block."""
    return cache.disabled() if no_cache else contextlib.nullcontext()


# --- the records of a read-only command, held until the process ends ----------------------------
# ``status``, ``overdue list`` and ``score`` read every record, print, and end. Run as the program (``hotline.cli.run``,
# not a test's ``CliRunner``), their records are held until the end and the process then leaves without freeing them
# one by one (``os._exit``); and the cyclic collector does not run meanwhile. Every collection traverses the young
# objects and reads every object they refer to, scattered over all the records: at 100,000 orders 0.2 s of
# ``status``, four times what it costs for a county-year. These commands make no cyclic garbage to collect (a
# collection at their end found none, at either size), and they end soon after.
_as_program = False
_held: list[object] = []


def as_program() -> None:
    """This process is the program itself (``hotline.cli.run``): ``load_records`` may hold the records."""
    global _as_program
    _as_program = True


def held() -> bool:
    """Whether a command holds its records until the process ends (``hotline.cli.run`` then leaves with ``_exit``)."""
    return bool(_held)


def load_records(root: Path, no_cache: bool = False) -> Repository:
    """``load(root)`` for a read-only command that prints and ends; run as the program, the records are held
    until the end and no cyclic collection runs from now on (see above)."""
    from hotline.load import load  # not at the top: most commands never read every record

    if _as_program:
        gc.disable()
    repo = load(root, use_cache=not no_cache)
    if _as_program:
        _held.append(repo)
    return repo


def hold(*objects: object) -> None:
    """Hold what a command built from the records (its rows) until the end, as ``load_records`` holds them."""
    if _as_program:
        _held.extend(objects)


def resolve_as_of(as_of: datetime | None) -> datetime:
    return as_of if as_of is not None else now_beijing()


def echo(text: str, err: bool = False) -> None:
    """Print a line of output: never an identity (``privacy.mask_text``, the one masking function)."""
    click.echo(mask_text(text), err=err)


def echo_json(data: object) -> None:
    echo(json.dumps(data, ensure_ascii=False, indent=2))


def fail(message: str, code: int = 1) -> NoReturn:
    echo(message, err=True)
    sys.exit(code)


def require_rules(ctx: Context) -> Rules:
    """The repository's rules; exits with a message when scoring/rules.yaml could not be read."""
    if ctx.rules is None:
        fail("无法读取 scoring/rules.yaml：请先运行 hotline check 查看原因", 1)
    return ctx.rules


@overload
def unit_id(units: Mapping[str, Unit], value: str, option: str = ...) -> str: ...
@overload
def unit_id(units: Mapping[str, Unit], value: str | None, option: str = ...) -> str | None: ...
def unit_id(units: Mapping[str, Unit], value: str | None, option: str = "--unit") -> str | None:
    """The unit id that ``value`` (an id, a full or short Chinese name) names; usage error otherwise."""
    if value is None:
        return None
    found = resolve_unit(units, value)
    if found is None:
        raise click.UsageError(f"{option}：" + unknown_unit_message(units, value))
    return found


def order_hint(root: Path, order_id: str) -> str:
    """ "：是否想写 …？" with the nearest order ids on disk; "" when nothing is close."""
    from_disk = [rel.rsplit("/", 1)[-1].rsplit(".", 1)[0] for _, rel in paths.order_files(root)]
    near = nearest(order_id, from_disk, cutoff=0.8)
    return f"：是否想写 {' 或 '.join(near)}？" if near else ""


def _plain(cell: object) -> bool:
    return isinstance(cell, str) and cell == cell.strip() and cell.isprintable()


def _cell_width(cell: str) -> int:
    """The display width of a cell as ``tabulate`` measures it (with ``wcwidth``: Chinese characters are wide)."""
    if cell.isascii():
        return len(cell)
    from wcwidth import wcswidth  # imported when first needed: most commands print no table

    return wcswidth(cell)


def simple_table(rows: list[list], headers: list[str]) -> str:
    """``tabulate(rows, headers, tablefmt="simple", disable_numparse=True)``, the same text, for tables of
    tens of thousands of plain text cells (tabulate spends seconds guessing each cell's type): each column's
    distinct cells are measured and padded once."""
    by_column = list(zip(*rows)) if rows else [() for _ in headers]
    try:
        distinct = [set(column) for column in by_column]
    except TypeError:  # an unhashable cell
        distinct = []
    if (
        any(len(row) != len(headers) for row in rows)
        or len(distinct) != len(headers)
        or not all(_plain(h) for h in headers)
        or not all(_plain(c) for cells in distinct for c in cells)
    ):
        from tabulate import tabulate

        return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
    widths, columns = [], []
    for h, cells, column in zip(headers, distinct, by_column):
        if "".join(cells).isascii():  # ids and times: as wide as they are long
            w = max([_cell_width(h) + 2, *map(len, cells)])
            columns.append(list(map(str.ljust, column, [w] * len(column))))
        else:  # names and status words: few distinct cells, measured and padded once each
            measured = {c: _cell_width(c) for c in cells}
            w = max([_cell_width(h) + 2, *measured.values()])
            padded = {c: c + " " * (w - n) for c, n in measured.items()}
            columns.append(list(map(padded.__getitem__, column)))
        widths.append(w)
    head = "  ".join(h + " " * (w - _cell_width(h)) for h, w in zip(headers, widths)).rstrip()
    lines = [head, "  ".join("-" * w for w in widths)]
    lines += ["  ".join(cells).rstrip() for cells in zip(*columns)]
    return "\n".join(lines)


def host_options(token_env: str, required: bool = True) -> Callable[[F], F]:
    """The Git host's options shared by every command that talks to it (``--host``, ``--api-url``, ``--repo``,
    ``--token-env``, each also from the workflow's environment); ``token_env`` is the default variable.
    ``required=False``: a command that needs the host only for some of its work checks them itself."""
    options = [
        click.option("--host", "flavour", type=click.Choice(["github", "gitea"]), required=required,
                     envvar="HOTLINE_HOST", help="代码托管平台"),
        click.option("--api-url", required=required, envvar="HOTLINE_API_URL",
                     help="接口地址，如 https://api.github.com 或 https://git.example.cn/api/v1"),
        click.option("--repo", "repo_name", required=required, envvar="HOTLINE_REPO", help="仓库：所有者/仓库名"),
        click.option("--token-env", default=token_env, show_default=True, help="存放访问令牌的环境变量名"),
    ]  # fmt: skip

    def apply(f: F) -> F:
        for option in reversed(options):
            f = option(f)
        return f

    return apply
