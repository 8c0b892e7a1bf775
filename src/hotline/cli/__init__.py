"""The ``hotline`` command line: a thin layer over the library (命令行).

Each command group lives in its own module and is registered in ``COMMANDS``; library errors become
Chinese messages and exit codes only here (0 clean, 1 findings or failure, 2 wrong usage).
"""

from __future__ import annotations

import click

from .. import __version__
from . import archive, check, codeowners, deadline, demo, imports, intake, log, order, overdue, schema, score, site, status

COMMANDS: list[click.Command] = [
    check.command,
    deadline.command,
    status.command,
    schema.command,
    demo.command,
    log.command,
    order.command,
    imports.command,
    overdue.command,
    codeowners.command,
    intake.command,
    score.command,
    site.command,
    archive.command,
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hotline")
def main() -> None:
    """泽州县12345政务服务热线 工单记录系统。"""


for _cmd in COMMANDS:
    main.add_command(_cmd)
