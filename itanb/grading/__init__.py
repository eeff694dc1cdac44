"""ITA rules by fiscal year, read from data files shipped in the package (``itanb/data``).

- ``grading_schemes.csv``: the levels of each scheme and their conditions (a band on the total, and from
  FY2566 conditions on the four tool scores IIT, EIT part 1, EIT part 2 and OIT);
- ``score_weights.csv``: how the total is made of the tools and each tool of its indicators, with the
  tolerance of published (rounded) figures;
- ``reported_levels.csv``: levels that appear in official texts but are not computed (FY2562's
  ดำเนินการไม่ครบขั้นตอน) and spelling variants of a scheme's level (ต้องปรับปรุงด่วน).

Scores are compared as two-decimal :class:`~decimal.Decimal` values (weights as exact fractions), so band
edges are exact: 84.99 is below 85.00 whatever the float representation. A user may point to edited copies
with the ``path`` arguments or ``$ITANB_GRADING_SCHEMES``, ``$ITANB_SCORE_WEIGHTS``,
``$ITANB_REPORTED_LEVELS``; an edited file is re-read when it changes.

:func:`grade` says which levels are *possible* given what is known: with the total alone a FY2566+ total of 85
or more may be any of the top three levels, and no single level is claimed. Levels are comparable only within
one scheme (``letters`` 2562–2565, ``five`` 2566 on): :func:`level_steps` counts steps within a scheme and
labels a change across schemes as such. The harmonised ``passed`` flag (score >= 85, the national target since
FY2562) is what compares across schemes.
"""

from itanb.grading.frame import YearGrades, grade_frame, grade_year
from itanb.grading.levels import (
    Grade,
    LevelChange,
    grade,
    level_disagrees,
    level_mismatch_message,
    level_steps,
    passed,
)
from itanb.grading.reported import (
    DEFAULT_REPORTED,
    REPORTED_COLUMNS,
    ReportedLevel,
    canonical_level,
    contradicts,
    load_reported_levels,
    reported_levels,
    reported_only,
)
from itanb.grading.schemes import COLUMNS, DEFAULT_SCHEMES, Band, bands_for, bands_in, load_schemes, scheme_of
from itanb.grading.values import (
    CENT,
    FIRST_PASS_YEAR,
    INDICATORS,
    NOT_GIVEN,
    PASS_MARK,
    TOOL_LABELS,
    TOOLS,
    TOTAL,
    to_score,
)
from itanb.grading.weights import (
    DEFAULT_WEIGHTS,
    WEIGHT_COLUMNS,
    Derived,
    DerivedYear,
    Mismatch,
    Weight,
    cents_decimal,
    derive,
    derive_year,
    load_weights,
    tolerance_for,
    tolerance_in,
    weights_for,
)

__all__ = [
    "CENT", "COLUMNS", "DEFAULT_REPORTED", "DEFAULT_SCHEMES", "DEFAULT_WEIGHTS", "FIRST_PASS_YEAR",
    "INDICATORS", "NOT_GIVEN", "PASS_MARK", "REPORTED_COLUMNS", "TOOLS", "TOOL_LABELS", "TOTAL",
    "WEIGHT_COLUMNS", "Band", "Derived", "DerivedYear", "Grade", "LevelChange", "Mismatch", "ReportedLevel",
    "Weight", "YearGrades", "bands_for", "bands_in", "canonical_level", "cents_decimal", "contradicts",
    "derive", "derive_year", "grade", "grade_frame", "grade_year", "level_disagrees",
    "level_mismatch_message", "level_steps", "load_reported_levels", "load_schemes", "load_weights", "passed",
    "reported_levels", "reported_only", "scheme_of", "to_score", "tolerance_for", "tolerance_in",
    "weights_for",
]
