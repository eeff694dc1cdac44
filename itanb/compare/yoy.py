"""One agency's record year over year: scores, levels, change, measures by status."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from itanb import grading
from itanb.compare.common import check_agency, grade_rows, level_changes, overdue
from itanb.national import national_averages
from itanb.vocabulary import STATUSES

YOY_COLUMNS = [
    "fiscal_year", "score", "level", "level_reported", "scheme", "passed", "prev_year", "years_gap",
    "score_change", "level_change_steps", "level_change_label", "national_average", "gap_to_national",
    "measures_total", "measures_done", "measures_in_progress", "measures_not_started", "measures_unmarked",
    "completion_share", "measures_overdue", "level_agrees",
]


def year_over_year(tables: Any, agency_id: str, *, averages: pd.DataFrame | None = None) -> pd.DataFrame:
    """One agency's record, one row per fiscal year that has a score or measures.

    Key: fiscal_year (int64, BE, unique, ascending); RangeIndex. A row's score is that fiscal year's
    assessment; its measures are the measures of that fiscal year (a memo's measures respond to the
    previous assessment, so the measures of FY2565 sit on the row of the FY2565 score, not the FY2564 one).

    Columns and dtypes:
      fiscal_year int64; score float64 (NaN: no score that year); level object (computed from the score with
      the year's scheme; None without score or scheme); level_reported object (as published, may disagree);
      scheme object (letters|passfail|five|words|none|None); passed boolean (score >= 85, NA before 2562 or
      without score);
      prev_year Int64 (the latest earlier fiscal year with a score, on rows with a score); years_gap Int64
      (fiscal_year - prev_year: 2 when a year was skipped); score_change float64 (vs prev_year, 2 decimals);
      level_change_steps Int64 (positive = better; only within one scheme, else NA); level_change_label
      object (Thai: "ดีขึ้น 2 ระดับ (C → A)", "ลดลง 3 ระดับ (A → D)", "คงเดิม (A)", "เปลี่ยนเกณฑ์ (A → ผ่าน)",
      None on the first scored year);
      national_average float64 (NaN where unknown); gap_to_national float64 (score - national_average);
      measures_total int64; measures_done, measures_in_progress, measures_not_started int64 (by status);
      measures_unmarked int64 (no status mark); completion_share float64 (done / total, NaN without measures);
      measures_overdue int64 (deadline before the memo date and not done; unmarked counts as not done);
      level_agrees boolean (False exactly when the reported level is none of the possible levels, the rule of
      the ingest's level_mismatch finding, :func:`itanb.grading.contradicts`; NA without a reported level or
      without computed levels).

    Raises ParameterError for an agency_id that is not in ``tables.agencies``.
    """
    check_agency(tables, agency_id)
    assessments = tables.assessments
    a = assessments[assessments["agency_id"] == agency_id]
    m = tables.measures[tables.measures["agency_id"] == agency_id]
    out, graded = _scores_by_year(a, m)
    averages = national_averages() if averages is None else averages
    national = dict(zip(averages["fiscal_year"].astype(int), averages["national_average"], strict=True))
    out["national_average"] = np.array([national.get(y, np.nan) for y in out["fiscal_year"]], dtype="float64")
    out["gap_to_national"] = (out["score"] - out["national_average"]).round(2)
    return _with_measures(out, m, graded)[YOY_COLUMNS]


def _by_year(frame: pd.DataFrame, column: str, years: list[int], missing: object) -> list:
    """``frame[column]`` (one row per fiscal year) for each of ``years``, ``missing`` where it has none."""
    values = dict(zip(frame["fiscal_year"].astype(int), frame[column], strict=True))
    return [values.get(y, missing) for y in years]


def _scores_by_year(a: pd.DataFrame, m: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per fiscal year of the assessments ``a`` or measures ``m``: score, levels, change from the
    previous scored year; and the grades (:func:`_grade`) of those rows."""
    years = sorted({int(y) for y in a["fiscal_year"]} | {int(y) for y in m["fiscal_year"]})
    out = pd.DataFrame({"fiscal_year": np.array(years, dtype="int64")})
    for column in ("score", "iit", "eit", "oit"):
        if column in a.columns:
            out[column] = np.array(_by_year(a, column, years, np.nan), dtype="float64")
    reported = pd.Series(_by_year(a, "level_reported", years, None) if "level_reported" in a.columns
                         else [None] * len(years), dtype=object)
    out["level_reported"] = reported.where(reported.notna(), None)
    graded = grade_rows(out)
    out["level"], out["scheme"], out["passed"] = graded["level"], graded["scheme"], graded["passed"]

    scored = out[out["score"].notna()]
    prev = pd.DataFrame({
        "prev_year": scored["fiscal_year"].shift(1),
        "prev_score": scored["score"].shift(1),
        "prev_level": scored["level"].shift(1),
        "prev_rank": graded.loc[scored.index, "rank"].shift(1),
        "prev_scheme": scored["scheme"].shift(1),
    }, index=scored.index).reindex(out.index)
    has_prev = prev["prev_year"].notna()
    out["prev_year"] = prev["prev_year"].astype("Int64")
    out["years_gap"] = (out["fiscal_year"] - out["prev_year"]).astype("Int64")
    out["score_change"] = (out["score"] - prev["prev_score"].astype("float64")).round(2)
    out["level_change_steps"], out["level_change_label"] = level_changes(
        pd.concat([out[["scheme", "level"]], graded[["rank"]], prev], axis=1), has_prev)
    return out, graded


def _with_measures(out: pd.DataFrame, m: pd.DataFrame, graded: pd.DataFrame) -> pd.DataFrame:
    """``out`` with each year's measure counts and completion, and whether the reported level agrees."""
    counts = _measure_counts(m)
    for column in counts.columns:
        if column != "fiscal_year":
            out[column] = np.array(_by_year(counts, column, list(out["fiscal_year"]), 0), dtype="int64")
    total = out["measures_total"].replace(0, np.nan)
    out["completion_share"] = (out["measures_done"] / total).astype("float64")
    both = (graded["possible"].map(len).gt(0) & out["level_reported"].notna()).to_numpy()
    agrees = pd.array([not grading.contradicts(fy, possible, reported) for fy, possible, reported
                       in zip(out["fiscal_year"], graded["possible"], out["level_reported"], strict=True)],
                      dtype="boolean")
    agrees[~both] = pd.NA
    out["level_agrees"] = agrees
    return out


def _measure_counts(m: pd.DataFrame) -> pd.DataFrame:
    """Per fiscal_year: measures_total/done/in_progress/not_started/unmarked/overdue (int64)."""
    status = m["status"].where(m["status"].isin(STATUSES), None)
    flags = pd.DataFrame({
        "fiscal_year": m["fiscal_year"].astype("int64"),
        "measures_total": 1,
        "measures_done": (status == "done").astype("int64"),
        "measures_in_progress": (status == "in_progress").astype("int64"),
        "measures_not_started": (status == "not_started").astype("int64"),
        "measures_unmarked": status.isna().astype("int64"),
        "measures_overdue": overdue(m).astype("int64"),
    }, index=m.index)
    return flags.groupby("fiscal_year", as_index=False).sum()
