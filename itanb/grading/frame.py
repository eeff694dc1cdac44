"""Grading many rows at once: :func:`grade_frame`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from itanb.errors import InputError
from itanb.grading.levels import Grade, grade_with, rules_for
from itanb.grading.schemes import bands_for
from itanb.grading.values import FIRST_PASS_YEAR, PASS_MARK, TOOLS

if TYPE_CHECKING:
    import pandas as pd


def grade_frame(
    fiscal_year: pd.Series,
    score: pd.Series,
    iit: pd.Series | None = None,
    eit: pd.Series | None = None,
    oit: pd.Series | None = None,
    *,
    eit1: pd.Series | None = None,
    eit2: pd.Series | None = None,
    path: Path | str | None = None,
) -> pd.DataFrame:
    """Vectorised :func:`grade` and :func:`passed` for many rows (same index as ``score``).

    Returns columns scheme (object str|None), level (object str|None: None also where several levels are
    possible), possible (object: tuple of str, best first), rank (Int64), passed (boolean, NA before FY2562 or
    without a score). Bands on the total alone are compared as integer hundredths (exact at band edges);
    years with tool conditions go through :func:`grade` once per distinct row. A missing score gives no level.
    Scores outside 0–100 raise InputError.
    """
    import numpy as np
    import pandas as pd

    index = score.index
    years = pd.Series(fiscal_year, index=index).to_numpy(dtype="int64")
    total = pd.to_numeric(pd.Series(score, index=index), errors="coerce")
    if ((total < 0) | (total > 100)).any():
        bad = total[(total < 0) | (total > 100)].iloc[0]
        raise InputError(f"score {bad} is outside 0–100")
    cents = np.round(total.to_numpy(dtype="float64") * 100)
    tools = {name: pd.to_numeric(pd.Series(s, index=index), errors="coerce").to_numpy(dtype="float64")
             for name, s in zip(TOOLS, (iit, eit, eit1, eit2, oit), strict=True) if s is not None}
    out = _Columns(len(index))
    for year in np.unique(years):
        in_year = years == year
        bands = bands_for(int(year), path)
        if not bands:
            continue
        out.scheme[in_year] = bands[0].scheme
        todo = in_year & ~np.isnan(cents)
        if any(b.conditioned for b in bands if b.level is not None):
            _by_row(out, int(year), np.flatnonzero(todo), total.to_numpy(dtype="float64"), tools, path=path)
        else:
            _by_band(out, [b for b in bands if b.level is not None], todo, cents)
    has_score = ~np.isnan(cents)
    passed_values = pd.array(np.where(has_score, cents >= float(PASS_MARK * 100), False), dtype="boolean")
    passed_values[~has_score | (years < FIRST_PASS_YEAR)] = pd.NA
    rank_values = pd.array(out.rank, dtype="Float64").astype("Int64")
    return pd.DataFrame({"scheme": out.scheme, "level": out.level, "possible": out.possible,
                         "rank": rank_values, "passed": passed_values}, index=index)


class _Columns:
    """The result columns of :func:`grade_frame`, filled year by year."""

    def __init__(self, n: int):
        import numpy as np

        self.scheme = np.full(n, None, dtype=object)
        self.level = np.full(n, None, dtype=object)
        self.possible = np.empty(n, dtype=object)
        for i in range(n):  # element by element: numpy would unpack the tuples
            self.possible[i] = ()
        self.rank = np.full(n, np.nan)


def _by_row(out: _Columns, year: int, rows, total, tools: dict, *, path: Path | str | None) -> None:
    """A year with tool conditions: :func:`grade` once per distinct (total, tools), the rules loaded once."""
    import numpy as np

    rules = rules_for(year, path)
    memo: dict[tuple, Grade] = {}
    for i in rows:
        args = {n: (None if np.isnan(v[i]) else round(float(v[i]), 2)) for n, v in tools.items()}
        key = (round(float(total[i]), 2), *args.values())
        if key not in memo:
            memo[key] = grade_with(rules, year, key[0], args)
        g = memo[key]
        out.level[i], out.possible[i] = g.level, g.possible
        out.rank[i] = g.rank if g.rank is not None else np.nan


def _by_band(out: _Columns, graded: list, todo, cents) -> None:
    """A year of bands on the total alone: integer hundredths against each band's floor, best band first."""
    import numpy as np

    for band in graded:
        ok = todo & (cents >= float(band.min_total * 100))
        out.level[ok] = band.level
        for i in np.flatnonzero(ok):
            out.possible[i] = (band.level,)
        out.rank[ok] = band.rank
        todo &= ~ok
