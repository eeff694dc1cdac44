"""What a process does once for all the charts it will draw (:func:`warm_up`)."""

from __future__ import annotations

import gc

import pandas as pd

from itanb import grading
from itanb.charts import base
from itanb.charts.bars import indicator_bars, measure_status
from itanb.charts.trend import score_trend

YEARS = range(2561, 2570)  # the years of the reports' charts: every grading scheme since FY2561 and ahead
SCORES = (71.0, 97.5, 90.0, 82.0, 70.0, 96.0, 90.0, 86.0, 60.0)  # by year; the lowest sets the lowest y tick


def _record(scores: tuple[float, ...]) -> pd.DataFrame:
    """A made-up record in the columns of :func:`itanb.compare.year_over_year` that the charts read."""
    years = list(YEARS)
    return pd.DataFrame({
        "fiscal_year": years, "score": scores,
        "level": [grading.grade(y, s).level for y, s in zip(years, scores, strict=True)],
        "national_average": [s + 3 for s in scores],
        "measures_total": 6, "measures_done": 2, "measures_in_progress": 2, "measures_not_started": 1,
        "measures_unmarked": 1, "measures_overdue": 1,
    })


def _indicators() -> pd.DataFrame:
    scores = [92.5, 88.0, 79.5, 95.0, 84.0, 91.0, 86.5, 70.0, 75.5, 65.0]
    return pd.DataFrame({"indicator": range(1, 11), "score": scores,
                         "weak": [s < base.PASS_MARK for s in scores], "national": [s + 2 for s in scores]})


def _level_names() -> None:
    """Every graded level's name in the size of a score's label (:func:`score_trend` writes the level under
    the score), on one small figure: a record has only some of them."""
    with base.thai_rc():
        fig, (ax,) = base.new_figure((2.0, 1.0))
        names = sorted({b.level for y in YEARS for b in grading.bands_for(y) if b.level})
        for name in names:
            ax.annotate(name, (0.5, 0.5), textcoords="offset points", xytext=(0, 8), fontsize=8)
        base.png_bytes(fig)


def warm_up() -> None:
    """Draw the reports' charts once on made-up figures (Arabic digits, as a batch's reports) to PNG in
    memory, and forget them: the first-use work of matplotlib, the font and PIL, and the shaping of the texts
    every report's charts share (titles, axis and tick labels, legends, the grading bands' and levels'
    names), which the charts' canvas keeps in the process's text cache (:data:`itanb.charts.agg.TEXTS`),
    and the blank figures the charts start from (:data:`itanb.charts.base.FIGURES`). A batch's zygote calls
    it once before it forks the reports' kernels, so each kernel starts with it done;
    no report's figures are involved. Last, what the process holds is frozen out of the garbage collector's
    walks (:func:`gc.freeze`)."""
    record = _record(SCORES)
    base.png_bytes(score_trend(record))
    base.png_bytes(measure_status(record))
    base.png_bytes(indicator_bars(_indicators()))
    _level_names()
    # what the process holds now (modules, loaded tables, these tables of texts) lives as long as it does:
    # kept out of the cyclic garbage collector's walks (gc.freeze, as Python's docs advise before fork), a
    # kernel's collections walk only its report's own objects (about 5 % of a report's CPU time)
    gc.collect()
    gc.freeze()
