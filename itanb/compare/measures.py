"""Measures over time (carried over, new, dropped) and measures mapped to the ITA indicators."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from itanb.compare.common import CARRY_OVER_THRESHOLD, check_agency, indicator_keywords, indicators, match_key
from itanb.matching import greedy_pairs

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
    check_agency(tables, agency_id)
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
    texts = [match_key(f"{'' if _absent(name) else name} {'' if _absent(step) else step}")
             for name, step in zip(measures["measure"], steps, strict=True)]
    keys = {keyword: key for keyword, key in zip(keywords["keyword"], keywords["key"], strict=True) if key}
    matched = [[keyword for keyword, key in keys.items() if key in text] for text in texts]
    numbers = dict(zip(keywords["keyword"], keywords["indicators"], strict=True))
    out = measures[[c for c in ("agency_id", "fiscal_year", "no", "measure") if c in measures.columns]].copy()
    out["indicators"] = [sorted({n for kw in kws for n in numbers[kw]}) for kws in matched]
    out["keywords"] = matched
    return out


def _absent(value: object) -> bool:
    """What ``Series.fillna("")`` empties: None, NA and NaN."""
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def indicator_summary(mapped: pd.DataFrame, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which indicators a set of measures addresses (``mapped`` from :func:`measure_indicators`).

    One row per indicator (all ten, ascending): indicator int64, name object, tool object, measures int64
    (measures addressing it), addressed bool, fiscal_years object (sorted list[int] of the years).
    """
    table = indicators() if table is None else table
    counts: dict[int, int] = {}
    years: dict[int, set[int]] = {}
    fiscal_years = mapped["fiscal_year"] if "fiscal_year" in mapped.columns else [None] * len(mapped)
    for numbers, year in zip(mapped["indicators"], fiscal_years, strict=True):
        for number in numbers if isinstance(numbers, list | tuple) else ():
            counts[int(number)] = counts.get(int(number), 0) + 1
            if year is not None:
                years.setdefault(int(number), set()).add(int(year))
    out = table[["indicator", "name", "tool"]].copy()
    out["measures"] = np.array([counts.get(int(i), 0) for i in out["indicator"]], dtype="int64")
    out["addressed"] = out["measures"] > 0
    out["fiscal_years"] = [sorted(years.get(int(i), ())) for i in out["indicator"]]
    return out.sort_values("indicator", ignore_index=True)
