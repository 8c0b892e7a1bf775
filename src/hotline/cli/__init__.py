"""The ``hotline`` command line: a thin layer over the library (命令行).

Each command group lives in its own module and is registered in ``COMMANDS``; library errors become
Chinese messages and exit codes only here (0 clean, 1 findings or failure, 2 wrong usage).
"""

from __future__ import annotations

import difflib
import importlib
import os
import sys

import click

from hotline import __version__
from hotline.cli import common, zh

zh.install()  # click's own messages in Chinese, before any command is declared

# name → module (in this package) defining ``command``; imported only when the command runs, so
# ``hotline check`` does not pay for loading the site builder, the Word and Excel writers and the rest
COMMANDS: dict[str, str] = {
    "check": "check",
    "deadline": "deadline",
    "status": "status",
    "schema": "schema",
    "demo": "demo",
    "log": "log",
    "order": "order",
    "import": "imports",
    "import-uploads": "import_uploads",
    "overdue": "overdue",
    "codeowners": "codeowners",
    "intake": "intake",
    "score": "score",
    "site": "site",
    "archive": "archive",
    "spot-check": "spot_check",
    "repeats": "repeats",
    "analysis": "analysis",
    "month-end": "month_end",
    "pr-comment": "pr_comment",
    "holidays": "holidays",
    "lock-update": "lock_update",
    "cache": "cache",
}


class _Commands(click.Group):
    """A group whose subcommands are imported on first use (click's documented lazy-loading pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        return importlib.import_module(f"{__name__}.{COMMANDS[name]}").command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if args and name not in COMMANDS and not name.startswith("-"):
            near = difflib.get_close_matches(name, sorted(COMMANDS), n=3, cutoff=0.5)
            hint = f"：是否想写 {' 或 '.join(near)}？" if near else "；运行 hotline --help 查看全部命令"
            ctx.fail(f"没有命令 “{name}”{hint}")
        return super().resolve_command(ctx, args)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hotline")
def main() -> None:
    """泽州县12345政务服务热线 工单记录系统。"""


def run() -> None:
    """The program (the ``hotline`` script and ``python -m hotline``): ``main``; after a command that held its
    records until the end (``common.load_records``), the output is flushed and the process leaves at once
    (``os._exit``) instead of freeing them object by object (0.4 s for 100,000 orders). Such a command has
    written every file it writes (caches are written before it prints) and leaves no thread, child process
    or temporary file behind; no ``atexit`` handler of ours exists to be skipped."""
    common.as_program()
    try:
        main()
    except SystemExit as e:
        code = e.code
        if not common.held() or not (code is None or isinstance(code, int)):
            raise
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:  # e.g. a closed pipe: the ordinary exit reports it
            raise e from None
        os._exit(code or 0)
