"""Analysis at the level of the ten ITA indicators and the tools: pure functions of the loaded tables.

The NACC reads its results indicator by indicator (in FY2566 most agencies below 85 were low on indicators 8,
9 and 10), and an agency answers its weak indicators with measures. These functions give, for one agency and
year, the indicators and tools with their scores against the national figure and the average of the agency's
kind; the weakest indicators and whether this year's measures address them; the trend per indicator; and, for
many agencies, an agencies × indicators table with the indicators that most often fall below 85.

``tables`` is anything with the attributes of :class:`itanb.store.Tables`; ``tool_scores`` and
``indicator_scores`` may be missing (then no agency has indicator scores). An indicator is *weak* below the
pass mark of 85 (:data:`itanb.grading.PASS_MARK`, the national target that the NACC applies to each
indicator too). National figures come from :mod:`itanb.national` (published, with sources); the average of
an agency's kind is computed from the loaded indicator scores of the agencies of that kind (``kind_agencies``
says how many), since the NACC publishes type averages for the total only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from itanb import compare, grading, national
from itanb.errors import ParameterError
from itanb.findings import Finding
from itanb.store import table

WEAK_BELOW = float(grading.PASS_MARK)  # 85: an indicator below the pass mark is weak
INDICATOR_COLUMNS = [
    "indicator", "name", "tool", "score", "prev_year", "prev_score", "change", "national", "gap_to_national",
    "kind_average", "kind_agencies", "gap_to_kind", "weak", "rank_low",
]
TOOL_COLUMNS = ["tool", "label", "score", "computed", "prev_year", "prev_score", "change"]
FEW_ROWS = 2_000  # a kind's rows in a year up to which its average is summed in plain Python (_kind_average)


def _assessed_year(tables: Any, agency_id: str, fiscal_year: int) -> int | None:
    """The latest fiscal year <= ``fiscal_year`` with indicator (else tool, else total) scores."""
    for name in ("indicator_scores", "tool_scores", "assessments"):
        frame = table(tables, name)
        years = frame.loc[(frame["agency_id"] == agency_id) & (frame["fiscal_year"] <= fiscal_year),
                          "fiscal_year"]
        if len(years):
            return int(years.max())
    return None


def _scores(tables: Any, agency_id: str, fiscal_year: int | None) -> pd.Series:
    """Indicator number -> score of one agency and year (empty Series without scores)."""
    ind = table(tables, "indicator_scores")
    rows = ind[(ind["agency_id"] == agency_id) & (ind["fiscal_year"] == fiscal_year)]
    return rows.set_index("indicator")["score"].astype("float64")


def _previous_year(tables: Any, agency_id: str, fiscal_year: int) -> int | None:
    ind = table(tables, "indicator_scores")
    years = ind.loc[(ind["agency_id"] == agency_id) & (ind["fiscal_year"] < fiscal_year), "fiscal_year"]
    return int(years.max()) if len(years) else None


def kind_averages(tables: Any, fiscal_year: int) -> pd.DataFrame:
    """Average indicator scores by agency kind in ``fiscal_year``, over the loaded agencies.

    Returns
    -------
    pandas.DataFrame
        One row per (kind, indicator) with scores: kind object, indicator int64, average float64 (two
        decimals), agencies int64 (how many agencies the average is over). RangeIndex.
    """
    ind = table(tables, "indicator_scores")
    ind = ind[ind["fiscal_year"] == int(fiscal_year)]
    kinds = tables.agencies.set_index("agency_id")["kind"]
    frame = ind.assign(kind=ind["agency_id"].map(kinds))
    out = frame.groupby(["kind", "indicator"], as_index=False).agg(average=("score", "mean"),
                                                                   agencies=("score", "size"))
    out["average"] = out["average"].round(2)
    return out.astype({"indicator": "int64", "agencies": "int64"})


def indicator_table(tables: Any, agency_id: str, fiscal_year: int, *,
                    figures: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ten indicators of one agency in its assessment of ``fiscal_year`` (or the latest before it).

    Parameters
    ----------
    tables : Tables
        The processed tables (see :mod:`itanb.store`).
    agency_id : str
        The agency (ParameterError if unknown).
    fiscal_year : int
        Fiscal year (BE); the latest assessment up to it is used.
    figures : pandas.DataFrame, optional
        National indicator figures (default :func:`itanb.national.national_indicators`).

    Returns
    -------
    pandas.DataFrame
        One row per indicator 1-10 (ascending), columns :data:`INDICATOR_COLUMNS`: indicator int64, name and
        tool object (from ``itanb/data/indicators.csv``), score float64 (NaN without a score), prev_year Int64
        (the latest earlier year with indicator scores), prev_score float64, change float64 (score -
        prev_score), national float64 (the published national figure of that year, NaN where the NACC
        published none), gap_to_national float64, kind_average float64 (average of the loaded agencies of the
        same kind, this agency included), kind_agencies Int64, gap_to_kind float64, weak bool (score below
        85), rank_low Int64 (1 = the lowest score; NA without a score). ``attrs["fiscal_year"]`` is the
        assessment's year (None when the agency has no indicator scores).
    """
    compare.check_agency(tables, agency_id)
    ind = table(tables, "indicator_scores")
    mine = ind[ind["agency_id"] == agency_id]
    years = mine["fiscal_year"].to_numpy()
    up_to = years[years <= int(fiscal_year)]
    year = int(up_to.max()) if len(up_to) else _assessed_year(tables, agency_id, int(fiscal_year))
    earlier = years[years < year] if year is not None else years[:0]
    prev_year = int(earlier.max()) if len(earlier) else None
    base = compare.indicators()
    numbers = [int(i) for i in base["indicator"]]

    def column(values: dict) -> np.ndarray:
        return np.array([values.get(i, np.nan) for i in numbers], dtype="float64")

    score, prev = column(_year_scores(mine, year)), column(_year_scores(mine, prev_year))
    figures = national.national_indicators() if figures is None else figures
    nat = column(_year_scores(figures, year))
    average, agencies = _kind_average(tables, ind, agency_id, year)
    kind_average = column(average)
    out = pd.DataFrame({
        "indicator": base["indicator"].to_numpy(), "name": base["name"].to_numpy(),
        "tool": base["tool"].to_numpy(), "score": score,
        "prev_year": pd.array([prev_year] * len(numbers), dtype="Int64"), "prev_score": prev,
        "change": np.round(score - prev, 2), "national": nat, "gap_to_national": np.round(score - nat, 2),
        "kind_average": kind_average,
        "kind_agencies": pd.array([agencies.get(i) for i in numbers], dtype="Int64"),
        "gap_to_kind": np.round(score - kind_average, 2), "weak": score < WEAK_BELOW,
        "rank_low": pd.Series(score).rank(method="min").astype("Int64")}, columns=INDICATOR_COLUMNS)
    out.attrs["fiscal_year"] = year
    return out


def _year_scores(frame: pd.DataFrame, year: int | None) -> dict[int, float]:
    """Indicator number -> score of ``frame``'s rows of ``year`` (one agency's scores, or the national
    figures)."""
    if year is None:
        return {}
    rows = frame["fiscal_year"].to_numpy() == year
    return dict(zip(frame["indicator"].to_numpy()[rows].tolist(), frame["score"].to_numpy()[rows].tolist(),
                    strict=True))


def _kind_average(tables: Any, ind: pd.DataFrame, agency_id: str, year: int | None) -> tuple[dict, dict]:
    """The row of :func:`kind_averages` of the agency's kind in ``year``: indicator -> average, indicator ->
    number of agencies (the same grouping, over the agencies of that kind only). Up to :data:`FEW_ROWS`
    rows are averaged here (pandas' groupby costs ~3 ms whatever the rows), more by pandas' groupby: the
    same bits either way (tested)."""
    if year is None:
        return {}, {}
    agencies = tables.agencies
    kind = agencies.loc[agencies["agency_id"] == agency_id, "kind"].iloc[0]
    same = agencies.loc[agencies["kind"] == kind, "agency_id"]
    rows = ind[(ind["fiscal_year"] == int(year)) & ind["agency_id"].isin(same)]
    if len(rows) > FEW_ROWS:
        grouped = rows.groupby("indicator")["score"].agg(["mean", "size"])
        return grouped["mean"].round(2).to_dict(), grouped["size"].astype("int64").to_dict()
    scores: dict[int, list[float]] = {}
    for indicator, score in zip(rows["indicator"].tolist(), rows["score"].astype("float64").tolist(),
                                strict=True):
        scores.setdefault(int(indicator), []).append(score)
    return ({i: _mean(values) for i, values in scores.items()},
            {i: len(values) for i, values in scores.items()})


def _mean(values: list[float]) -> float:
    """The mean of the scores given (NaN left out; NaN when none), to two decimals, summed in order with
    compensation (Kahan) as pandas' groupby mean sums: the same average to the last bit."""
    total = compensation = 0.0
    given = 0
    for value in values:
        if not np.isnan(value):
            given += 1
            y = value - compensation
            t = total + y
            compensation = t - total - y
            total = t
    return float(np.round(total / given, 2)) if given else np.nan  # rounded as pandas rounds


def tool_table(tables: Any, agency_id: str, fiscal_year: int) -> pd.DataFrame:
    """The tool scores (IIT, EIT and, from FY2566, its two parts, OIT) of one agency's assessment.

    Returns
    -------
    pandas.DataFrame
        One row per tool with a score, in the order of :data:`itanb.grading.TOOLS`; columns
        :data:`TOOL_COLUMNS`: tool object, label object (IIT, EIT ส่วนที่ 1 ...), score float64, computed bool
        (computed at ingest from the indicators or the EIT parts), prev_year Int64, prev_score float64, change
        float64. Empty when the agency has no tool scores up to ``fiscal_year``.
    """
    compare.check_agency(tables, agency_id)
    tools = table(tables, "tool_scores")
    mine = tools[tools["agency_id"] == agency_id]
    years = mine["fiscal_year"].to_numpy()
    if not (years <= int(fiscal_year)).any():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TOOL_COLUMNS})
    year = int(years[years <= int(fiscal_year)].max())
    earlier = years[years < year]
    prev_year = int(earlier.max()) if len(earlier) else None
    rows = list(zip(years.tolist(), mine["tool"], mine["score"].astype(float), mine["computed"].astype(bool),
                    strict=True))
    cur = {tool: (score, computed) for fy, tool, score, computed in rows if fy == year}
    prev = {tool: score for fy, tool, score, _ in rows if fy == prev_year}
    names = [t for t in grading.TOOLS if t in cur]
    score = np.array([cur[t][0] for t in names], dtype="float64")
    before = np.array([prev.get(t, np.nan) for t in names], dtype="float64")
    out = pd.DataFrame({"tool": names, "label": [grading.TOOL_LABELS[t] for t in names], "score": score,
                        "computed": np.array([cur[t][1] for t in names], dtype=bool),
                        "prev_year": pd.array([prev_year] * len(names), dtype="Int64"), "prev_score": before,
                        "change": np.round(score - before, 2)}, columns=TOOL_COLUMNS)
    out.attrs["fiscal_year"] = year
    return out


def weakest(indicator_frame: pd.DataFrame, *, lowest: int = 3) -> pd.DataFrame:
    """The weakest indicators of an :func:`indicator_table`: every weak one (below 85), else the ``lowest``
    lowest scores (then ``weak`` is False for them). Lowest score first; same columns; RangeIndex."""
    score = indicator_frame["score"].to_numpy(dtype="float64")
    scored = np.flatnonzero(~np.isnan(score))
    scored = scored[np.lexsort((indicator_frame["indicator"].to_numpy()[scored], score[scored]))]
    weak = scored[indicator_frame["weak"].to_numpy(dtype=bool)[scored]]
    return indicator_frame.iloc[weak if len(weak) else scored[:lowest]].reset_index(drop=True)


@dataclass
class MeasuresAnswer:
    """:func:`measures_answer`: do this year's measures address the weakest indicators?

    rows: one row per weakest indicator (see :func:`weakest`): indicator int64, name object, score float64,
    weak bool, measures int64 (this year's measures that address it), addressed bool, measure_names object
    (list[str]). findings: one ``weak_indicator_unaddressed`` :class:`~itanb.findings.Finding` per weak
    indicator that no measure addresses. assessment_year: the year of the scores; measures_year: the year of
    the measures (``fiscal_year``).
    """

    rows: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    assessment_year: int | None = None
    measures_year: int | None = None


def measures_answer(tables: Any, agency_id: str, fiscal_year: int, *,
                    mapped: pd.DataFrame | None = None) -> MeasuresAnswer:
    """Meet the measures of ``fiscal_year`` with the weakest indicators of the assessment they respond to.

    The assessment is the latest before ``fiscal_year`` (a memo's measures respond to the previous year's
    assessment: the memo of FY2565 answers the FY2564 score); each measure is mapped to indicators by the
    keyword table (:func:`itanb.compare.measure_indicators`). A weak indicator that no measure addresses is
    a finding.

    ``mapped``: :func:`itanb.compare.measure_indicators` of those measures (in the order of
    ``tables.measures``) when the caller has it already.

    Returns
    -------
    MeasuresAnswer
        See the class; empty rows when the agency has no indicator scores.
    """
    ind = indicator_table(tables, agency_id, int(fiscal_year) - 1)
    weak = weakest(ind)
    if mapped is None:
        m = tables.measures
        m = m[(m["agency_id"] == agency_id) & (m["fiscal_year"] == int(fiscal_year))]
        mapped = compare.measure_indicators(m) if len(m) else pd.DataFrame({"measure": [], "indicators": []})
    measures = list(zip(mapped["measure"], mapped["indicators"], strict=True))
    names = [[measure for measure, numbers in measures if i in numbers] for i in weak["indicator"]]
    rows = weak[["indicator", "name", "score", "weak"]].copy()
    rows["measures"] = np.array([len(n) for n in names], dtype="int64")
    rows["addressed"] = rows["measures"] > 0
    rows["measure_names"] = names
    year = ind.attrs.get("fiscal_year")
    findings = [Finding("weak_indicator_unaddressed",
                        f"ตัวชี้วัดที่ {i} {name} ได้ {score:.2f} คะแนน (ต่ำกว่า 85) ในปีงบประมาณ {year} "
                        f"แต่ไม่มีมาตรการของปีงบประมาณ {fiscal_year} ที่ตอบตัวชี้วัดนี้",
                        "indicator_scores", None, agency_id, int(fiscal_year))
                for i, name, score, is_weak, n in zip(rows["indicator"], rows["name"], rows["score"],
                                                      rows["weak"], rows["measures"], strict=True)
                if is_weak and not n]
    return MeasuresAnswer(rows.reset_index(drop=True), findings, year, int(fiscal_year))


def indicator_trend(tables: Any, agency_id: str) -> pd.DataFrame:
    """One agency's indicator scores over the years (scores compare across all schemes).

    Returns
    -------
    pandas.DataFrame
        Long form, one row per (fiscal_year, indicator) with a score, sorted by indicator then year:
        fiscal_year int64, indicator int64, name object, score float64, change float64 (from the previous
        year with a score for that indicator; NaN for the first), years_gap Int64. RangeIndex.
    """
    compare.check_agency(tables, agency_id)
    ind = table(tables, "indicator_scores")
    mine = ind[ind["agency_id"] == agency_id].sort_values(["indicator", "fiscal_year"])
    names = compare.indicators().set_index("indicator")["name"]
    out = mine[["fiscal_year", "indicator", "score"]].copy()
    out.insert(2, "name", out["indicator"].map(names))
    grouped = out.groupby("indicator")
    out["change"] = (out["score"] - grouped["score"].shift(1)).round(2)
    out["years_gap"] = (out["fiscal_year"] - grouped["fiscal_year"].shift(1)).astype("Int64")
    return out.astype({"fiscal_year": "int64", "indicator": "int64"}).reset_index(drop=True)


@dataclass
class IndicatorPortfolio:
    """:func:`portfolio_indicators`: many agencies in one fiscal year, indicator by indicator.

    matrix: one row per selected agency with indicator scores that year (by name), columns agency_id, name,
    kind, district, province (object), then ``i1`` … ``i10`` float64 (NaN where not published).
    below: one row per indicator 1-10: indicator int64, name object, tool object, agencies int64 (with a
    score), below int64 (below 85), share_below float64 (NaN without scores), mean float64, national float64
    (published, NaN where none), gap_to_national float64; sorted by ``below`` descending, then indicator.
    by_kind: one row per (kind, indicator): kind object, indicator int64, mean float64, agencies int64,
    kind_average float64 (all loaded agencies of that kind), gap_to_kind float64.
    """

    fiscal_year: int
    matrix: pd.DataFrame
    below: pd.DataFrame
    by_kind: pd.DataFrame


def portfolio_indicators(tables: Any, fiscal_year: int, *, province: str | None = None,
                         district: str | None = None,
                         agency_ids: list[str] | None = None) -> IndicatorPortfolio:
    """Agencies × indicators for a selection (as :func:`itanb.compare.portfolio` selects) in ``fiscal_year``.

    Returns
    -------
    IndicatorPortfolio
        See the class. Raises ParameterError when a filter matches no agency.
    """
    fiscal_year = int(fiscal_year)
    agencies = tables.agencies
    selected = compare.select_agencies(agencies, province, district, agency_ids)
    ind = table(tables, "indicator_scores")
    ind = ind[(ind["fiscal_year"] == fiscal_year) & ind["agency_id"].isin(selected["agency_id"])]
    wide = ind.pivot_table(index="agency_id", columns="indicator", values="score", aggfunc="first")
    wide = wide.reindex(columns=range(1, 11))
    wide.columns = [f"i{i}" for i in wide.columns]
    info = selected.set_index("agency_id")[["name", "kind", "district", "province"]]
    matrix = info.join(wide, how="inner").reset_index().rename(columns={"index": "agency_id"})
    matrix = matrix.sort_values(["name", "agency_id"], ignore_index=True)
    figures = national.national_indicators()
    nat = figures[figures["fiscal_year"] == fiscal_year].set_index("indicator")["score"]
    table_ = compare.indicators()[["indicator", "name", "tool"]].copy()
    values = [matrix[f"i{i}"] for i in table_["indicator"]]
    table_["agencies"] = [int(v.notna().sum()) for v in values]
    table_["below"] = [int((v < WEAK_BELOW).sum()) for v in values]
    table_["share_below"] = [b / n if n else np.nan for b, n in zip(table_["below"], table_["agencies"],
                                                                       strict=True)]
    table_["mean"] = [round(float(v.mean()), 2) if v.notna().any() else np.nan for v in values]
    table_["national"] = table_["indicator"].map(nat).astype("float64")
    table_["gap_to_national"] = (table_["mean"] - table_["national"]).round(2)
    below = table_.sort_values(["below", "indicator"], ascending=[False, True], ignore_index=True)
    long = ind.assign(kind=ind["agency_id"].map(info["kind"]))
    by_kind = long.groupby(["kind", "indicator"], as_index=False).agg(mean=("score", "mean"),
                                                                      agencies=("score", "size"))
    by_kind["mean"] = by_kind["mean"].round(2)
    ka = kind_averages(tables, fiscal_year).rename(columns={"average": "kind_average", "agencies": "_n"})
    by_kind = by_kind.merge(ka[["kind", "indicator", "kind_average"]], on=["kind", "indicator"], how="left")
    by_kind["gap_to_kind"] = (by_kind["mean"] - by_kind["kind_average"]).round(2)
    return IndicatorPortfolio(fiscal_year, matrix, below,
                              by_kind.astype({"indicator": "int64", "agencies": "int64"}))


def require_indicator_year(tables: Any, agency_id: str, fiscal_year: int) -> int:
    """The assessment year with indicator scores for ``agency_id`` up to ``fiscal_year``; ParameterError
    naming the years that have some when there is none."""
    year = _assessed_year(tables, agency_id, int(fiscal_year))
    if year is None or _scores(tables, agency_id, year).empty:
        ind = table(tables, "indicator_scores")
        years = sorted({int(y) for y in ind.loc[ind["agency_id"] == agency_id, "fiscal_year"]})
        raise ParameterError(f"{agency_id} has no indicator scores up to FY{fiscal_year}"
                             + (f"; years with some: {', '.join(map(str, years))}" if years else ""))
    return year
