"""One agency's record year over year: scores, levels, change, measures by status."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from itanb import grading
from itanb.compare.common import check_agency, grade_rows, level_change, overdue
from itanb.national import national_averages
from itanb.vocabulary import STATUSES

YOY_COLUMNS = [
    "fiscal_year", "score", "level", "level_reported", "scheme", "passed", "prev_year", "years_gap",
    "score_change", "level_change_steps", "level_change_label", "national_average", "gap_to_national",
    "measures_total", "measures_done", "measures_in_progress", "measures_not_started", "measures_unmarked",
    "completion_share", "measures_overdue", "level_agrees",
]
COUNTS = ("measures_total", "measures_done", "measures_in_progress", "measures_not_started",
          "measures_unmarked", "measures_overdue")


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

    A record has a few rows: it is built year by year in plain Python and made a frame once (pandas' cost
    per operation, not the rows, was most of its time).
    """
    check_agency(tables, agency_id)
    assessments, measures = tables.assessments, tables.measures
    a = assessments[assessments["agency_id"] == agency_id]
    m = measures[measures["agency_id"] == agency_id]
    years = sorted({int(y) for y in a["fiscal_year"]} | {int(y) for y in m["fiscal_year"]})
    out: dict[str, Any] = {"fiscal_year": np.array(years, dtype="int64")}
    scores = {c: np.array(_by_year(a, c, years, np.nan), dtype="float64")
              for c in ("score", "iit", "eit", "oit") if c in a.columns}
    out["score"] = scores["score"]
    graded = grade_rows(pd.DataFrame({"fiscal_year": out["fiscal_year"], **scores}))
    reported = (_by_year(a, "level_reported", years, None) if "level_reported" in a.columns
                else [None] * len(years))
    out["level"] = graded["level"].to_numpy()
    out["level_reported"] = np.array([None if pd.isna(r) else r for r in reported], dtype=object)
    out["scheme"], out["passed"] = graded["scheme"].to_numpy(), graded["passed"].array
    out.update(_changes(years, out, graded["rank"].tolist()))
    averages = national_averages() if averages is None else averages
    national = dict(zip(averages["fiscal_year"].astype(int), averages["national_average"], strict=True))
    out["national_average"] = np.array([national.get(y, np.nan) for y in years], dtype="float64")
    out["gap_to_national"] = np.round(out["score"] - out["national_average"], 2)
    counts = _measure_counts(m)
    for column in COUNTS:
        out[column] = np.array([counts.get(y, {}).get(column, 0) for y in years], dtype="int64")
    total = out["measures_total"]
    out["completion_share"] = np.divide(out["measures_done"], total, out=np.full(len(years), np.nan),
                                        where=total > 0)
    out["level_agrees"] = pd.array([
        None if not (possible and isinstance(rep, str)) else not grading.contradicts(fy, possible, rep)
        for fy, possible, rep in zip(years, graded["possible"], out["level_reported"], strict=True)],
        dtype="boolean")
    return pd.DataFrame({c: out[c] for c in YOY_COLUMNS})


def _by_year(frame: pd.DataFrame, column: str, years: list[int], missing: object) -> list:
    """``frame[column]`` (one row per fiscal year) for each of ``years``, ``missing`` where it has none."""
    values = dict(zip(frame["fiscal_year"].astype(int), frame[column], strict=True))
    return [values.get(y, missing) for y in years]


def _changes(years: list[int], out: dict[str, Any], ranks: list) -> dict[str, Any]:
    """Per row with a score, the change from the latest earlier scored row: prev_year, years_gap,
    score_change, level_change_steps and level_change_label (missing elsewhere)."""
    n = len(years)
    prev_year, steps, labels = [None] * n, [None] * n, [None] * n
    change = np.full(n, np.nan)
    last = None
    for i, score in enumerate(out["score"]):
        if np.isnan(score):
            continue
        if last is not None:
            prev_year[i] = years[last]
            change[i] = score - out["score"][last]
            steps[i], labels[i] = level_change((out["scheme"][i], ranks[i], out["level"][i]),
                                               (out["scheme"][last], ranks[last], out["level"][last]))
        last = i
    prev = pd.array(prev_year, dtype="Int64")
    return {"prev_year": prev, "years_gap": pd.array(years, dtype="Int64") - prev,
            "score_change": np.round(change, 2), "level_change_steps": pd.array(steps, dtype="Int64"),
            "level_change_label": np.array(labels, dtype=object)}


def _measure_counts(m: pd.DataFrame) -> dict[int, dict[str, int]]:
    """fiscal_year -> measures_total/done/in_progress/not_started/unmarked/overdue (an unknown status is
    unmarked)."""
    counts: dict[int, dict[str, int]] = {}
    for fy, status, late in zip(m["fiscal_year"], m["status"], overdue(m), strict=True):
        year = counts.setdefault(int(fy), dict.fromkeys(COUNTS, 0))
        year["measures_total"] += 1
        year[f"measures_{status}" if status in STATUSES else "measures_unmarked"] += 1
        year["measures_overdue"] += bool(late)
    return counts
