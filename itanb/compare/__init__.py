"""Year over year, measures over time, portfolio: pure functions of the loaded tables.

``tables`` is anything with the attributes ``agencies``, ``assessments``, ``measures``, ``findings`` (and
``sources``): DataFrames following the processed-table schemas of docs/design.md (``store.load_tables``
returns such a NamedTuple). Nothing here reads raw files or writes anything; levels are recomputed from the
scores with :mod:`itanb.grading` (so an edited scheme file applies), the reported level is kept beside them.

Levels compare only within one scheme; across a scheme change the label says "เปลี่ยนเกณฑ์ (A → ผ่าน)" and no
step count is given. Scores and the harmonised ``passed`` flag (>= 85) compare across all years from 2562.

The package by job, in import order: ``common`` (reference data and what the others share), ``yoy``,
``measures``, ``portfolio``. Import from ``itanb.compare``.
"""

from __future__ import annotations

from itanb.compare.common import (
    CARRY_OVER_THRESHOLD,
    INDICATOR_KEYWORDS,
    INDICATORS,
    check_agency,
    grade_rows,
    indicator_keywords,
    indicators,
    level_changes,
    match_key,
    overdue,
)
from itanb.compare.measures import (
    MOT_COLUMNS,
    indicator_summary,
    measure_indicators,
    measures_over_time,
)
from itanb.compare.portfolio import (
    RANKING_COLUMNS,
    Portfolio,
    place_name,
    portfolio,
    select_agencies,
)
from itanb.compare.yoy import (
    YOY_COLUMNS,
    year_over_year,
)
from itanb.national import national_averages  # re-exported: the reports' callers use compare

__all__ = [
    "CARRY_OVER_THRESHOLD",
    "INDICATORS",
    "INDICATOR_KEYWORDS",
    "MOT_COLUMNS",
    "RANKING_COLUMNS",
    "YOY_COLUMNS",
    "Portfolio",
    "check_agency",
    "grade_rows",
    "indicator_keywords",
    "indicator_summary",
    "indicators",
    "level_changes",
    "match_key",
    "measure_indicators",
    "measures_over_time",
    "national_averages",
    "overdue",
    "place_name",
    "portfolio",
    "select_agencies",
    "year_over_year",
]
