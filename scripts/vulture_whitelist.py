"""Names vulture cannot see used (names only: vulture reads this file with ``src/hotline``, nothing runs it).

``scripts/run-tests.sh`` runs ``vulture`` with ``[tool.vulture]`` in ``pyproject.toml``, which also ignores the
functions click and pydantic call (``@click.command``, ``@field_validator``, …). Everything else vulture reports
is dead code: remove it rather than add it here, unless one of the reasons below holds.
"""

from hotline.cli import _Commands
from hotline.history.store import CommitInfo, History
from hotline.host.chat_memory import SentLog
from hotline.host.chat_send import ChatSender
from hotline.records.models import Record, SpotCheckEntry
from hotline.records.rules import AssessmentRules
from hotline.reports.month_end import Plan
from hotline.reports.monthly import UnitMonth
from hotline.site.build import BuildResult


class _Any:
    """Any attribute of a library object (the whitelist only names it)."""

    def __getattr__(self, name: str) -> "_Any":
        return self


_ = _Any()

# click calls these on a group
_Commands.list_commands
_Commands.get_command

# pydantic reads them
Record.model_config
SpotCheckEntry.reply_standard  # fields of a checklist file (the questions are named in rules.Question)
SpotCheckEntry.result_told
AssessmentRules.period_basis  # a rules.yaml setting with one allowed value (scoring.period says what it means)

# what a command or a benchmark reports, and the tests check
CommitInfo.first_parent
History.commits_read  # scripts/bench_history.py
SentLog.damaged
ChatSender.requests_made
Plan.first_workday
UnitMonth.return_requests
BuildResult.docs_dir

# attributes of library objects, set for their effect
_.preserve_quotes  # ruamel.yaml (entry.order_edit)
_.compress_type  # zipfile.ZipInfo (reports.archive)
_.external_attr
_.rgb  # python-docx (reports.documents.report_docx)
_.line_spacing_rule
_.line_spacing
_.space_after
_.space_before
_.first_line_indent
_.alignment
_.orientation
_.page_height
_.page_width
_.bottom_margin
_.top_margin
_.left_margin
_.right_margin
_.footer_distance
_.autofit
_.jc_val
_.odd_and_even_pages_header_footer
_.keep_with_next
