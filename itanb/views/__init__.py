"""What the report notebooks display, built by tested functions (the notebooks only call and display).

Every function returns an :class:`IPython.display.HTML` (or an Image) whose text is built here with every
value from the data passed through :func:`html.escape`: agency names, measure names, owners, finding messages
and file names are shown as text, whatever they contain. Nothing is rendered as Markdown.

A notebook starts with :func:`check_params`, which loads the processed tables and raises
:class:`~itanb.errors.ParameterError` with one line for an unknown agency (with close ids), a fiscal year
without data or a malformed value; :class:`~itanb.errors.ItanbError` shows as that one line in a notebook.

The package by job, in import order: ``format`` (escaped HTML, Thai numbers and dates, figures), ``context``
(parameters, tables), ``sources`` (a score's source in Thai, the district used), ``scans`` (the
picture beside a value read uncertainly off a scan), ``yoy``, ``agency`` (the fiscal-year report's pieces),
``portfolio``, ``indicators``.
Import from ``itanb.views``.
"""

from __future__ import annotations

from itanb import __version__
from itanb.views.agency import (
    assessment_row,
    findings_items,
    findings_list,
    headline,
    headline_facts,
    indicators_table,
    level_mismatch_text,
    measures_frame,
    measures_summary,
    measures_table,
    place_text,
    provenance,
    provenance_frame,
    provenance_paths,
    provenance_paths_of,
    show_title,
)
from itanb.views.context import (
    Context,
    check_params,
    load_tables,
    suggest_agencies,
)
from itanb.views.format import (
    BANGKOK,
    PASS_MARK,
    REPORT_ROWS,
    STATUS_LABELS,
    Raw,
    digits,
    esc,
    figure,
    fmt_change,
    fmt_date,
    fmt_datetime,
    fmt_passed,
    fmt_score,
    fmt_share,
    html_block,
    html_list,
    html_table,
    is_missing,
    prose_digits,
)
from itanb.views.indicators import (
    INDICATORS_NOTE,
    TOOLS_NOTE,
    TextTable,
    indicator_chart,
    indicator_portfolio_table,
    indicator_score_rows,
    indicator_scores_table,
    indicator_trend_table,
    tool_score_rows,
    weak_indicator_lines,
    weak_indicators_answer,
)
from itanb.views.portfolio import (
    changes_table,
    data_quality_table,
    level_distribution_table,
    portfolio_summary,
    ranking_table,
)
from itanb.views.scans import Picture, beside, scan_pictures
from itanb.views.sources import SOURCE_LABEL, district_used, score_source
from itanb.views.yoy import (
    CHANGE_LABELS,
    level_shown,
    measure_status_chart,
    measures_changes,
    yoy_table,
)

__all__ = [
    "BANGKOK",
    "CHANGE_LABELS",
    "INDICATORS_NOTE",
    "PASS_MARK",
    "REPORT_ROWS",
    "SOURCE_LABEL",
    "STATUS_LABELS",
    "TOOLS_NOTE",
    "Context",
    "Picture",
    "Raw",
    "TextTable",
    "__version__",
    "assessment_row",
    "beside",
    "changes_table",
    "check_params",
    "data_quality_table",
    "digits",
    "district_used",
    "esc",
    "figure",
    "findings_items",
    "findings_list",
    "fmt_change",
    "fmt_date",
    "fmt_datetime",
    "fmt_passed",
    "fmt_score",
    "fmt_share",
    "headline",
    "headline_facts",
    "html_block",
    "html_list",
    "html_table",
    "indicator_chart",
    "indicator_portfolio_table",
    "indicator_score_rows",
    "indicator_scores_table",
    "indicator_trend_table",
    "indicators_table",
    "is_missing",
    "level_distribution_table",
    "level_mismatch_text",
    "level_shown",
    "load_tables",
    "measure_status_chart",
    "measures_changes",
    "measures_frame",
    "measures_summary",
    "measures_table",
    "place_text",
    "portfolio_summary",
    "prose_digits",
    "provenance",
    "provenance_frame",
    "provenance_paths",
    "provenance_paths_of",
    "ranking_table",
    "scan_pictures",
    "score_source",
    "show_title",
    "suggest_agencies",
    "tool_score_rows",
    "weak_indicator_lines",
    "weak_indicators_answer",
    "yoy_table",
]
