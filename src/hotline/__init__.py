"""hotline — a Git-based records system for the 泽州县12345政务服务热线 (工单记录系统).

One direction of flow: ``load`` (the one pipeline: files → records → findings, running the lists of
``checks``) → compute (``lifecycle``: deadlines and the one status model; ``scoring``: the assessment;
``reports``: monthly figures, registers, the monthly report, what the site publishes) → render (``site``,
the documents in ``reports.documents``, issues and messages in ``host``); ``cli`` is the thin command line over
all of it. The rooms and their layers are listed in README 开发 and checked by the import-linter contracts in
``pyproject.toml``. The root keeps only the entry points and the base (``findings``, ``times``, ``workdays``).
"""

__version__ = "0.1.0"
