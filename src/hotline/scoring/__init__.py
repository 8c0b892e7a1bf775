"""The assessment (考核, 泽政办发〔2020〕29号 §三): 16 items, bonus, vetoes, grades and rectification.

Pure: it reads the rules (``scoring/rules.yaml``: every item, maximum, formula, cap and band), the units,
the orders' derived lifecycle, the assessment events and — for item 5 — the commit time of each unit
change, with an explicit ``as_of``; it holds no scoring constant. Modules: ``period`` (考核期),
``inputs`` (what is read, and the period's dispatches by unit), ``setup`` (items 1–6), ``rates``
(items 7–11), ``deductions`` (items 12–16, bonus, vetoes), ``engine`` (totals, grades, ranks, both
profiles), ``rectification`` (整改), ``results`` (the values returned), ``usable`` (events the assessment cannot
use, also reported by ``hotline check``), ``measures`` (the five rates, counted once for the assessment and the
monthly figures). It reaches no Git, history, cache or loader (an import-linter contract): the unit files' versions
come in as ``records.units.UnitVersions``.

The API (stable)::

    inputs = ScoringInputs.from_repository(repo, change_commits=None)
    result = score_units(inputs, "2026-11", "consistent", as_of=now)   # -> Assessment
    result.units[0].items[9].points, .formula, .evidence; result.as_dict()
    both = compare_profiles(inputs, "2026", as_of=now)                  # -> ProfileComparison
"""

from hotline.scoring.engine import (
    ProfileComparison,
    compare_profiles,
    grade_of,
    score_collected,
    score_units,
)
from hotline.scoring.inputs import (
    ChangeKey,
    Collected,
    ScoringInputs,
    change_key,
    collect,
)
from hotline.scoring.numbers import rounded, shown
from hotline.scoring.period import Period, parse_period
from hotline.scoring.rates import formula_text
from hotline.scoring.results import (
    Assessment,
    Evidence,
    ItemScore,
    RectificationCase,
    UnitScore,
)

__all__ = [
    "Assessment",
    "ChangeKey",
    "Collected",
    "Evidence",
    "ItemScore",
    "Period",
    "ProfileComparison",
    "RectificationCase",
    "ScoringInputs",
    "UnitScore",
    "change_key",
    "collect",
    "compare_profiles",
    "formula_text",
    "grade_of",
    "parse_period",
    "rounded",
    "score_collected",
    "score_units",
    "shown",
]
