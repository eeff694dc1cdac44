"""Year over year, measures over time, portfolio: pure functions of the loaded tables.

``tables`` is anything with the attributes ``agencies``, ``assessments``, ``measures``, ``findings`` (and
``sources``): DataFrames following the processed-table schemas of docs/design.md (``store.load_tables``
returns such a NamedTuple). Nothing here reads raw files or writes anything; levels are recomputed from the
scores with :mod:`itanb.grading` (so an edited scheme file applies), the reported level is kept beside them.

Levels compare only within one scheme; across a scheme change the label says "เปลี่ยนเกณฑ์ (A → ผ่าน)" and no
step count is given. Scores and the harmonised ``passed`` flag (>= 85) compare across all years from 2562.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from itanb import grading
from itanb.errors import InputError, ParameterError
from itanb.matching import greedy_pairs
from itanb.national import national_averages  # re-exported: the reports' callers use compare
from itanb.paths import PACKAGE_DATA, stamp
from itanb.thai import normalize_for_matching
from itanb.vocabulary import STATUSES, level_change_label

INDICATORS = PACKAGE_DATA / "indicators.csv"
INDICATOR_KEYWORDS = PACKAGE_DATA / "indicator_keywords.csv"
CARRY_OVER_THRESHOLD = 80.0  # rapidfuzz ratio (0-100) on normalised names to call a measure carried over


def match_key(text: object) -> str:
    """Text reduced for matching: ``itanb.thai`` normalisation, then no spaces, punctuation or symbols.

    Thai text from PDFs has stray spaces inside words and "E – Service" vs "E-Service": both vanish here.
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    text = normalize_for_matching(str(text)).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


# ------------------------------------------------------------ reference data
def _stat_key(path: Path) -> tuple[Path, int, int]:
    try:
        return stamp(path)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=path) from None


def _read_csv(path: Path, columns: tuple[str, ...], **kwargs: Any) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig", **kwargs)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=path) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; expected {', '.join(columns)}",
                         source=path, line=1)
    return frame


def indicators(path: Path | str | None = None) -> pd.DataFrame:
    """The ten ITA indicators. Columns: indicator int64 (1-10), name str (Thai), tool str (IIT|EIT|OIT),
    source str."""
    path = Path(path) if path else INDICATORS
    return _indicators(*_stat_key(path)).copy()


@cache
def _indicators(path: Path, _mtime_ns: int, _size: int) -> pd.DataFrame:
    frame = _read_csv(path, ("indicator", "name", "tool", "source"), dtype={"name": str, "tool": str})
    frame["indicator"] = frame["indicator"].astype("int64")
    return frame


def indicator_keywords(path: Path | str | None = None) -> pd.DataFrame:
    """Keyword -> indicator numbers (the project's own mapping, editable).

    Columns: keyword str (as written), key str (:func:`match_key` of it), indicators list[int] (first is the
    main one), note str, source str.
    """
    path = Path(path) if path else INDICATOR_KEYWORDS
    return _indicator_keywords(*_stat_key(path)).copy()


@cache
def _indicator_keywords(path: Path, _mtime_ns: int, _size: int) -> pd.DataFrame:
    frame = _read_csv(path, ("keyword", "indicators", "source"), dtype=str, keep_default_na=False)
    try:
        frame["indicators"] = [[int(x) for x in re.split(r"[;/ ]+", s.strip()) if x]
                               for s in frame["indicators"]]
    except ValueError as exc:
        raise InputError(f"indicators must be numbers separated by ';' ({exc})", source=path) from None
    frame["key"] = frame["keyword"].map(match_key)
    if "note" not in frame.columns:
        frame["note"] = ""
    return frame[["keyword", "key", "indicators", "note", "source"]]


# ------------------------------------------------------------ helpers
def _check_agency(tables: Any, agency_id: str) -> None:
    ids = tables.agencies["agency_id"]
    if agency_id not in set(ids):
        examples = ", ".join(sorted(ids.astype(str))[:3])
        raise ParameterError(f"unknown agency_id {agency_id!r}: not among the {len(ids)} loaded agencies"
                             + (f" (e.g. {examples})" if examples else ""))


def _grade(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`itanb.grading.grade_frame` on the columns fiscal_year, score and iit/eit/oit where present."""
    tools = [frame[c] if c in frame.columns else None for c in ("iit", "eit", "oit")]
    return grading.grade_frame(frame["fiscal_year"], frame["score"], *tools)


def overdue(measures: pd.DataFrame) -> pd.Series:
    """Per measure (same index): the deadline is before the memo date (``status_as_of``) and the status is not
    "done" (an unmarked measure counts as not done). False without a deadline or without a memo date."""
    late = pd.to_datetime(measures["due"]) < pd.to_datetime(measures["status_as_of"])  # NaT compares False
    return late & ~measures["status"].isin(("done",))  # isin: a missing status is simply not done


def _level_change(frame: pd.DataFrame, has_prev: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised :func:`itanb.grading.level_steps` on columns scheme, rank, level and prev_scheme,
    prev_rank, prev_level: (steps Int64, label object), label None where there is no previous year."""
    scheme, rank, level = frame["scheme"], frame["rank"], frame["level"]
    prev_scheme, prev_rank, prev_level = frame["prev_scheme"], frame["prev_rank"], frame["prev_level"]
    same = has_prev & scheme.notna() & prev_scheme.notna() & (scheme == prev_scheme)
    both = same & rank.notna() & prev_rank.notna()
    steps = (rank.astype("Int64") - prev_rank.astype("Int64")).where(both, pd.NA).astype("Int64")
    up = both & (steps > 0).fillna(False)
    down = both & (steps < 0).fillna(False)
    change = np.select([~has_prev, ~same, ~both, up, down], [None, "scheme", "incomparable", "up", "down"],
                       default="same")
    n = steps.astype("float64").fillna(0).astype("int64").to_numpy()
    label = [None if c is None else level_change_label(c, _text(b), _text(a), k)
             for c, b, a, k in zip(change, prev_level, level, n, strict=True)]
    return steps, pd.Series(label, index=scheme.index, dtype=object)


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


# ------------------------------------------------------------ year over year
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
    _check_agency(tables, agency_id)
    assessments = tables.assessments
    a = assessments[assessments["agency_id"] == agency_id].sort_values("fiscal_year")
    m = tables.measures[tables.measures["agency_id"] == agency_id]
    out, graded = _scores_by_year(a, m)
    averages = national_averages() if averages is None else averages
    out = out.merge(averages[["fiscal_year", "national_average"]], on="fiscal_year", how="left")
    out["gap_to_national"] = (out["score"] - out["national_average"]).round(2)
    return _with_measures(out, m, graded)[YOY_COLUMNS]


def _scores_by_year(a: pd.DataFrame, m: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per fiscal year of the assessments ``a`` or measures ``m``: score, levels, change from the
    previous scored year; and the grades (:func:`_grade`) of those rows."""
    years = sorted(set(a["fiscal_year"].astype(int)) | set(m["fiscal_year"].astype(int)))
    out = pd.DataFrame({"fiscal_year": pd.Series(years, dtype="int64")})
    keep = [c for c in ("fiscal_year", "score", "level_reported", "iit", "eit", "oit") if c in a.columns]
    out = out.merge(a[keep].astype({"fiscal_year": "int64"}), on="fiscal_year", how="left")
    out["score"] = pd.to_numeric(out["score"]).astype("float64")
    if "level_reported" not in out.columns:
        out["level_reported"] = None
    out["level_reported"] = out["level_reported"].astype(object).where(out["level_reported"].notna(), None)
    graded = _grade(out)
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
    out["level_change_steps"], out["level_change_label"] = _level_change(
        pd.concat([out[["scheme", "level"]], graded[["rank"]], prev], axis=1), has_prev)
    return out, graded


def _with_measures(out: pd.DataFrame, m: pd.DataFrame, graded: pd.DataFrame) -> pd.DataFrame:
    """``out`` with each year's measure counts and completion, and whether the reported level agrees."""
    counts = _measure_counts(m)
    out = out.merge(counts, on="fiscal_year", how="left")
    count_cols = [c for c in counts.columns if c != "fiscal_year"]
    out[count_cols] = out[count_cols].fillna(0).astype("int64")
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


# ------------------------------------------------------------ measures over time
MOT_COLUMNS = ["fiscal_year", "prev_year", "change", "no", "measure", "status", "prev_no", "prev_measure",
               "prev_status", "similarity"]


def measures_over_time(tables: Any, agency_id: str, *,
                       threshold: float = CARRY_OVER_THRESHOLD) -> pd.DataFrame:
    """How one agency's measures change between consecutive years that have measures.

    For each fiscal year with measures, every measure of that year and every measure of the previous such
    year (``prev_year``; may be more than one year back) appears once:
      change "first_year" (the agency's first year with measures), "carried_over" (matched to a measure of
      prev_year: the best one-to-one matches of :func:`match_key` names by rapidfuzz ratio >= ``threshold``),
      "new" (no match) or "dropped" (a prev_year measure matched by none; fiscal_year is the year it is gone).

    Columns: fiscal_year int64; prev_year Int64; change object; no Int64 (NA for dropped); measure object
    (display text; None for dropped); status object; prev_no Int64; prev_measure object; prev_status object;
    similarity float64 (0-100, carried_over only). Sorted by fiscal_year, then no (dropped last by prev_no).
    Raises ParameterError for an unknown agency_id.
    """
    _check_agency(tables, agency_id)
    m = tables.measures[tables.measures["agency_id"] == agency_id].sort_values(["fiscal_year", "no"])
    years = sorted(m["fiscal_year"].astype(int).unique())
    parts = []
    for i, year in enumerate(years):  # a handful of years per agency
        cur = m[m["fiscal_year"] == year]
        if i == 0:
            parts.append(pd.DataFrame({"fiscal_year": year, "prev_year": pd.NA, "change": "first_year",
                                       "no": cur["no"].to_numpy(), "measure": cur["measure"].to_numpy(),
                                       "status": cur["status"].to_numpy()}))
            continue
        prev_year = years[i - 1]
        parts.append(pd.DataFrame(_carried_over(year, cur, prev_year, m[m["fiscal_year"] == prev_year],
                                                threshold)))
    return _measures_frame(parts)


def _carried_over(year: int, cur: pd.DataFrame, prev_year: int, prev: pd.DataFrame,
                  threshold: float) -> list[dict]:
    """The rows of :func:`measures_over_time` for ``year``: its measures carried over from ``prev_year`` or
    new, then the measures of ``prev_year`` that are gone."""
    from rapidfuzz import fuzz, process

    cur_keys = [match_key(t) for t in cur["measure"]]
    prev_keys = [match_key(t) for t in prev["measure"]]
    sim = (process.cdist(cur_keys, prev_keys, scorer=fuzz.ratio, dtype=np.float64)
           if prev_keys and cur_keys else np.zeros((len(cur_keys), len(prev_keys))))
    pairs = sorted(((sim[r, c], r, c) for r, c in zip(*np.nonzero(sim >= threshold), strict=True)),
                   key=lambda t: (-t[0], t[1], t[2]))
    cur_match = greedy_pairs((int(r), int(c), float(score)) for score, r, c in pairs)
    taken = {c for c, _ in cur_match.values()}
    rows = []
    for r in range(len(cur)):
        c, score = cur_match.get(r, (None, np.nan))
        rows.append({
            "fiscal_year": year, "prev_year": prev_year,
            "change": "carried_over" if c is not None else "new",
            "no": cur["no"].iloc[r], "measure": cur["measure"].iloc[r], "status": cur["status"].iloc[r],
            "prev_no": prev["no"].iloc[c] if c is not None else pd.NA,
            "prev_measure": prev["measure"].iloc[c] if c is not None else None,
            "prev_status": prev["status"].iloc[c] if c is not None else None,
            "similarity": round(score, 2),
        })
    rows.extend({
        "fiscal_year": year, "prev_year": prev_year, "change": "dropped", "no": pd.NA, "measure": None,
        "status": None, "prev_no": prev["no"].iloc[c], "prev_measure": prev["measure"].iloc[c],
        "prev_status": prev["status"].iloc[c], "similarity": np.nan,
    } for c in range(len(prev)) if c not in taken)
    return rows


def _measures_frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts of :func:`measures_over_time` as one frame of its columns and dtypes, in its order."""
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=MOT_COLUMNS)
    for col in MOT_COLUMNS:
        if col not in out.columns:
            out[col] = None
    out = out[MOT_COLUMNS].astype({"fiscal_year": "int64", "prev_year": "Int64", "no": "Int64",
                                   "prev_no": "Int64", "similarity": "float64"})
    for col in ("change", "measure", "status", "prev_measure", "prev_status"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    order = out["no"].astype("float64").fillna(1e9) + out["prev_no"].astype("float64").fillna(0) / 1e6
    return out.assign(_o=order).sort_values(["fiscal_year", "_o"], kind="stable").drop(columns="_o") \
        .reset_index(drop=True)


def measure_indicators(measures: pd.DataFrame, *, keywords: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each measure mapped to ITA indicator numbers by the keyword table (:func:`indicator_keywords`).

    Matches :func:`match_key` of the measure name and its steps against each keyword's key (substring).
    Same index as ``measures``; columns: the key columns present in ``measures`` (agency_id, fiscal_year,
    no), measure object, indicators object (sorted list[int], empty when nothing matched), keywords object
    (list[str] of the keywords that matched, in table order).
    """
    keywords = indicator_keywords() if keywords is None else keywords
    steps = measures["steps"] if "steps" in measures.columns else pd.Series("", index=measures.index)
    text = (measures["measure"].fillna("").astype(str) + " " + steps.fillna("").astype(str)).map(match_key)
    hits = {row.keyword: text.str.contains(row.key, regex=False).to_numpy()
            for row in keywords.itertuples() if row.key}
    hit_matrix = np.column_stack(list(hits.values())) if hits else np.zeros((len(measures), 0), dtype=bool)
    names = np.array(list(hits.keys()), dtype=object)
    numbers = dict(zip(keywords["keyword"], keywords["indicators"], strict=True))
    matched = [list(names[row]) for row in hit_matrix]
    out = measures[[c for c in ("agency_id", "fiscal_year", "no", "measure") if c in measures.columns]].copy()
    out["indicators"] = [sorted({n for kw in kws for n in numbers[kw]}) for kws in matched]
    out["keywords"] = matched
    return out


def indicator_summary(mapped: pd.DataFrame, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which indicators a set of measures addresses (``mapped`` from :func:`measure_indicators`).

    One row per indicator (all ten, ascending): indicator int64, name object, tool object, measures int64
    (measures addressing it), addressed bool, fiscal_years object (sorted list[int] of the years).
    """
    table = indicators() if table is None else table
    exploded = mapped.explode("indicators").dropna(subset=["indicators"])
    exploded = exploded.assign(indicator=exploded["indicators"].astype("int64"))
    counts = exploded.groupby("indicator").size()
    if "fiscal_year" in exploded.columns:
        years = exploded.groupby("indicator")["fiscal_year"].agg(lambda s: sorted({int(y) for y in s}))
    else:
        years = pd.Series(dtype=object)
    out = table[["indicator", "name", "tool"]].copy()
    out["measures"] = out["indicator"].map(counts).fillna(0).astype("int64")
    out["addressed"] = out["measures"] > 0
    out["fiscal_years"] = [years.get(i, []) for i in out["indicator"]]
    return out.sort_values("indicator", ignore_index=True)


# ------------------------------------------------------------ portfolio
RANKING_COLUMNS = [
    "rank", "agency_id", "name", "kind", "district", "province", "score", "level", "scheme", "passed",
    "prev_year", "years_gap", "prev_score", "prev_level", "score_change", "level_change_steps",
    "level_change_label", "gap_to_national",
]


@dataclass
class Portfolio:
    """Many agencies in one fiscal year. All frames have a RangeIndex.

    ranking: one row per selected agency with a score that year, best first. Columns RANKING_COLUMNS:
      rank Int64 (competition ranking "1, 2, 2, 4" by score), agency_id, name, kind, district, province
      (object), score float64, level object (computed), scheme object, passed boolean, prev_year Int64
      (latest earlier year with a score), years_gap Int64, prev_score float64, prev_level object,
      score_change float64,
      level_change_steps Int64 (within one scheme only), level_change_label object, gap_to_national float64.
    level_distribution: level object, rank Int64, agencies int64, share float64, computed bool (False: the
      year has no computable levels and the reported level is counted). Best level first; every level of the
      scheme appears, also with 0 agencies; then one row (rank <NA>) per set of levels that a total without
      its tool scores leaves open, labelled e.g. "ผ่านดีเยี่ยม / ผ่านดี / ผ่าน".
    summary: one row: fiscal_year, scheme, agencies_selected, agencies_scored, agencies_without_score,
      passed (int64), passed_share, mean, median, min, max, national_average, mean_gap_to_national (float64).
    gains / drops: the ``top`` largest score rises / falls vs prev_year (ranking columns).
    data_quality: selected agencies with findings for that year (or for no particular year): agency_id, name,
      findings int64, codes object ("code, code").
    missing: selected agencies without a score that year: agency_id, name, district, province,
      last_year Int64 (latest earlier year with a score).
    """

    fiscal_year: int
    filters: dict[str, Any] = field(default_factory=dict)
    ranking: pd.DataFrame = field(default_factory=pd.DataFrame)
    level_distribution: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    gains: pd.DataFrame = field(default_factory=pd.DataFrame)
    drops: pd.DataFrame = field(default_factory=pd.DataFrame)
    data_quality: pd.DataFrame = field(default_factory=pd.DataFrame)
    missing: pd.DataFrame = field(default_factory=pd.DataFrame)


_PLACE_PREFIX = re.compile(r"^(จังหวัด|จ\.|อำเภอ|อ\.|เขต)\s*")


def place_name(text: str) -> str:
    """A province or district name without its จังหวัด/จ./อำเภอ/อ./เขต prefix (as the agencies table has it)."""
    return _PLACE_PREFIX.sub("", text.strip())


def _place_key(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str).str.strip().str.replace(_PLACE_PREFIX, "", regex=True)


def _select_agencies(agencies: pd.DataFrame, province: str | None, district: str | None,
                     agency_ids: list[str] | None) -> pd.DataFrame:
    selected = agencies
    if agency_ids is not None:
        wanted = list(dict.fromkeys(agency_ids))
        unknown = sorted(set(wanted) - set(agencies["agency_id"]))
        if unknown:
            raise ParameterError(f"unknown agency_id(s) {', '.join(map(repr, unknown[:5]))}"
                                 + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""))
        selected = selected[selected["agency_id"].isin(wanted)]
    for column, value in (("province", province), ("district", district)):
        if value is None:
            continue
        key = place_name(str(value))
        mask = _place_key(selected[column]) == key
        if not mask.any():
            known = sorted(set(_place_key(agencies[column])) - {""})
            raise ParameterError(f"no agency with {column} {value!r}"
                                 + (f" (known e.g. {', '.join(known[:5])})" if known else ""))
        selected = selected[mask]
    return selected


def portfolio(tables: Any, fiscal_year: int, *, province: str | None = None, district: str | None = None,
              agency_ids: list[str] | None = None, top: int = 10,
              averages: pd.DataFrame | None = None) -> Portfolio:
    """Rank and summarise the selected agencies in ``fiscal_year`` (see :class:`Portfolio` for the frames).

    Selection: all agencies, narrowed by ``agency_ids``, ``province`` and ``district`` (matched with or
    without the จังหวัด/อำเภอ prefix). Vectorised: ~0.1 s for 8,300 agencies × 7 years.
    Raises ParameterError when no assessment at all exists for ``fiscal_year`` or a filter matches nothing.
    """
    fiscal_year = int(fiscal_year)
    filters = {"province": province, "district": district, "agency_ids": agency_ids}
    assessments = tables.assessments
    if not (assessments["fiscal_year"] == fiscal_year).any():
        years = sorted(int(y) for y in assessments["fiscal_year"].unique())
        raise ParameterError(f"no assessments for fiscal year {fiscal_year}"
                             + (f"; years with data: {', '.join(map(str, years))}" if years else ""))
    agencies = tables.agencies
    for col in ("name", "kind", "district", "province"):
        if col not in agencies.columns:
            agencies = agencies.assign(**{col: None})
    selected = _select_agencies(agencies, province, district, agency_ids)
    ids = selected["agency_id"]
    averages = national_averages() if averages is None else averages
    avg = averages.set_index("fiscal_year")["national_average"].get(fiscal_year, np.nan)
    r, earlier = _ranked(assessments, selected, fiscal_year, avg)
    ranking = r[RANKING_COLUMNS]

    changed = ranking[ranking["score_change"].notna()]
    gains = changed[changed["score_change"] > 0].sort_values(["score_change", "rank"],
                                                             ascending=[False, True])
    drops = changed[changed["score_change"] < 0].sort_values(["score_change", "rank"],
                                                             ascending=[True, True])
    bands = grading.bands_for(fiscal_year)
    return Portfolio(
        fiscal_year=fiscal_year,
        filters=filters,
        ranking=ranking,
        level_distribution=_level_distribution(fiscal_year, bands, r, assessments, ids),
        summary=_summary(fiscal_year, bands[0].scheme if bands else None, ranking, len(selected), avg),
        gains=gains.head(top).reset_index(drop=True),
        drops=drops.head(top).reset_index(drop=True),
        data_quality=_data_quality(getattr(tables, "findings", None), selected, fiscal_year),
        missing=_missing(selected, set(ranking["agency_id"]), earlier),
    )


def _ranked(assessments: pd.DataFrame, selected: pd.DataFrame, fiscal_year: int,
            avg: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The selected agencies scored in ``fiscal_year``, best first, each against its latest earlier score;
    and those latest earlier assessments."""
    a = assessments[assessments["agency_id"].isin(selected["agency_id"]) & assessments["score"].notna()
                    & (assessments["fiscal_year"] <= fiscal_year)]
    current = a[a["fiscal_year"] == fiscal_year].drop_duplicates("agency_id")
    earlier = (a[a["fiscal_year"] < fiscal_year].sort_values("fiscal_year")
               .drop_duplicates("agency_id", keep="last"))
    cur, prev = _graded(current), _graded(earlier)
    prev = prev.rename(columns={"fiscal_year": "prev_year", "score": "prev_score", "level": "prev_level",
                                "rank": "prev_rank", "scheme": "prev_scheme", "passed": "prev_passed",
                                "possible": "prev_possible"})
    r = (cur.merge(prev, on="agency_id", how="left")
         .merge(selected[["agency_id", "name", "kind", "district", "province"]], on="agency_id", how="left"))
    r["prev_year"] = r["prev_year"].astype("Int64")
    r["years_gap"] = (r["fiscal_year"] - r["prev_year"]).astype("Int64")
    r["score_change"] = (r["score"] - r["prev_score"]).round(2)
    r["level_change_steps"], r["level_change_label"] = _level_change(r, r["prev_year"].notna())
    r["gap_to_national"] = (r["score"] - avg).round(2)
    r = r.sort_values(["score", "name", "agency_id"], ascending=[False, True, True], ignore_index=True)
    r["rank"] = r["score"].rank(method="min", ascending=False).astype("Int64")
    return r, earlier


def _graded(frame: pd.DataFrame) -> pd.DataFrame:
    g = _grade(frame)
    return pd.DataFrame({"agency_id": frame["agency_id"], "fiscal_year": frame["fiscal_year"].astype("int64"),
                         "score": frame["score"].astype("float64"), **{c: g[c] for c in g.columns}})


def _level_distribution(fiscal_year: int, bands: list[grading.Band], ranking: pd.DataFrame,
                        assessments: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    bands = [b for b in bands if b.level is not None]
    n = len(ranking)
    if bands:
        counts = ranking["level"].value_counts()
        out = pd.DataFrame({"level": [b.level for b in bands],
                            "rank": pd.array([b.rank for b in bands], "Int64")})
        out["agencies"] = out["level"].map(counts).fillna(0).astype("int64")
        out["computed"] = True
        # a total without the tool scores that decide between levels: one row per set of possible levels
        open_rows = ranking[ranking["level"].isna() & ranking["possible"].map(len).gt(1)]
        if len(open_rows):
            sets = open_rows["possible"].map(" / ".join).value_counts()
            out = pd.concat([out, pd.DataFrame({"level": sets.index.astype(object),
                                                "rank": pd.array([pd.NA] * len(sets), "Int64"),
                                                "agencies": sets.to_numpy(dtype="int64"),
                                                "computed": True})], ignore_index=True)
    else:  # e.g. FY2561: only the reported word levels exist
        reported = assessments.loc[assessments["agency_id"].isin(ids)
                                   & (assessments["fiscal_year"] == fiscal_year)
                                   & assessments["score"].notna()]
        col = reported["level_reported"] if "level_reported" in reported.columns else pd.Series(dtype=object)
        counts = col.fillna("ไม่ระบุ").value_counts()
        out = pd.DataFrame({"level": counts.index.astype(object),
                            "rank": pd.array([pd.NA] * len(counts), "Int64"),
                            "agencies": counts.to_numpy(dtype="int64"), "computed": False})
    out["share"] = out["agencies"] / n if n else np.nan
    return out[["level", "rank", "agencies", "share", "computed"]].reset_index(drop=True)


def _summary(fiscal_year: int, scheme: str | None, ranking: pd.DataFrame, n_selected: int,
             avg: float) -> pd.DataFrame:
    score = ranking["score"]
    passed = ranking["passed"]
    n_passed = int(passed.fillna(False).sum())
    n_known = int(passed.notna().sum())
    return pd.DataFrame([{
        "fiscal_year": fiscal_year,
        "scheme": scheme,
        "agencies_selected": n_selected,
        "agencies_scored": len(ranking),
        "agencies_without_score": n_selected - len(ranking),
        "passed": n_passed,
        "passed_share": n_passed / n_known if n_known else np.nan,
        "mean": round(float(score.mean()), 2) if len(score) else np.nan,
        "median": round(float(score.median()), 2) if len(score) else np.nan,
        "min": float(score.min()) if len(score) else np.nan,
        "max": float(score.max()) if len(score) else np.nan,
        "national_average": float(avg),
        "mean_gap_to_national": round(float(score.mean()) - float(avg), 2) if len(score) else np.nan,
    }]).astype({"fiscal_year": "int64", "agencies_selected": "int64", "agencies_scored": "int64",
                "agencies_without_score": "int64", "passed": "int64"})


def _data_quality(findings: pd.DataFrame | None, selected: pd.DataFrame, fiscal_year: int) -> pd.DataFrame:
    columns = ["agency_id", "name", "findings", "codes"]
    if findings is None or findings.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "findings" else object) for c in columns})
    fy = pd.to_numeric(findings["fiscal_year"], errors="coerce")
    f = findings[findings["agency_id"].isin(selected["agency_id"]) & (fy.isna() | (fy == fiscal_year))]
    grouped = f.groupby("agency_id").agg(findings=("code", "size"),
                                         codes=("code", lambda s: ", ".join(sorted(set(s)))))
    out = grouped.reset_index().merge(selected[["agency_id", "name"]], on="agency_id", how="left")
    out["findings"] = out["findings"].astype("int64")
    return out.sort_values(["findings", "agency_id"], ascending=[False, True], ignore_index=True)[columns]


def _missing(selected: pd.DataFrame, ranked: set[str], earlier: pd.DataFrame) -> pd.DataFrame:
    out = selected.loc[~selected["agency_id"].isin(ranked), ["agency_id", "name", "district", "province"]]
    last = earlier.set_index("agency_id")["fiscal_year"]
    out = out.assign(last_year=out["agency_id"].map(last).astype("Int64"))
    return out.sort_values("agency_id", ignore_index=True)
