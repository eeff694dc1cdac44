"""Grading many rows at once: :func:`grade_year` (one fiscal year, integer hundredths) and :func:`grade_frame`
(a frame of any years)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from itanb.errors import InputError
from itanb.grading.possible import cents, possible_levels
from itanb.grading.schemes import Band, bands_in, load_schemes
from itanb.grading.values import FIRST_PASS_YEAR, FULL, NOT_GIVEN, PASS_MARK, TOOL_LABELS, TOOLS
from itanb.grading.weights import Weight, load_weights

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class YearGrades:
    """:func:`grade_year`: the possible levels of each row as a bit mask over ``bands``."""

    scheme: str | None  # the year's scheme (None: no scheme known)
    bands: tuple[Band, ...]  # the year's graded bands, best first; bit i of ``possible`` is bands[i]
    possible: np.ndarray  # int64 bit masks (0: the year has no computed levels)
    inconsistent: np.ndarray  # bool: the tool scores given do not add up to the total (graded as given)

    def levels(self, mask: int) -> tuple[str, ...]:
        """The levels of a bit mask, best first (``Grade.possible``)."""
        return tuple(b.level for i, b in enumerate(self.bands) if mask >> i & 1)

    def level(self) -> np.ndarray:
        """Per row the one possible level (object str), None where none or several are possible."""
        out = np.full(len(self.possible), None, dtype=object)
        for i, band in enumerate(self.bands):
            out[self.possible == 1 << i] = band.level
        return out

    def rank(self) -> np.ndarray:
        """Per row the rank of the one possible level (float, NaN where none or several are possible)."""
        out = np.full(len(self.possible), np.nan)
        for i, band in enumerate(self.bands):
            out[self.possible == 1 << i] = band.rank
        return out


def grade_year(fiscal_year: int, total: np.ndarray, tools: Mapping[str, np.ndarray],
               bands: tuple[Band, ...], weights: tuple[Weight, ...]) -> YearGrades:
    """:func:`grade` for many rows of ``fiscal_year``: ``total`` and ``tools`` (names of :data:`TOOLS`) as
    int64 arrays of hundredths (``NOT_GIVEN`` where a tool is unknown), ``bands`` those of the year
    (:func:`bands_in`) and ``weights`` all the weights (:func:`load_weights`), loaded once by the caller."""
    total = np.asarray(total, dtype=np.int64)
    graded = tuple(b for b in bands if b.level is not None)
    none = np.zeros(total.shape, dtype=bool)
    if not graded:
        return YearGrades(bands[0].scheme if bands else None, (), np.zeros(total.shape, np.int64), none)
    found = possible_levels(graded, fiscal_year, total, tools, weights)
    bad = found == 0
    if bad.any():  # the tool scores given do not add up to the total: grade them as given
        found[bad] = possible_levels(graded, fiscal_year, total[bad], {t: v[bad] for t, v in tools.items()},
                                     None)
    return YearGrades(graded[0].scheme, graded, found, bad)


def _cents_of(values: pd.Series, index: pd.Index, what: str | None) -> np.ndarray:
    """Float scores as integer hundredths (``NOT_GIVEN`` where missing); InputError outside 0–100."""
    import pandas as pd

    x = pd.to_numeric(pd.Series(values, index=index), errors="coerce").to_numpy(dtype="float64")
    out = np.where(np.isnan(x), NOT_GIVEN, np.round(np.nan_to_num(x) * 100)).astype(np.int64)
    bad = ~np.isnan(x) & ((out < 0) | (out > FULL))
    if bad.any():
        raise InputError(f"score {x[bad][0]} is outside 0–100", source=what)
    return out


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

    Returns columns scheme (text: missing is None under pandas 2, NaN under 3), level (text; missing also
    where several levels are possible), possible (object: tuple of str, best first), rank (Int64), passed
    (boolean, NA before FY2562 or without a score). Scores are compared as integer hundredths (exact at band
    edges), a year at a time by :func:`grade_year`. A missing score gives no level. Scores outside 0–100
    raise InputError.
    """
    import pandas as pd

    index = score.index
    years = pd.Series(fiscal_year, index=index).to_numpy(dtype="int64")
    total = _cents_of(score, index, None)
    tools = {name: _cents_of(s, index, TOOL_LABELS[name])
             for name, s in zip(TOOLS, (iit, eit, eit1, eit2, oit), strict=True) if s is not None}
    schemes, weights = load_schemes(path), load_weights()
    scheme = np.full(len(index), None, dtype=object)
    level = np.full(len(index), None, dtype=object)
    possible = np.empty(len(index), dtype=object)
    possible.fill(())
    rank = np.full(len(index), np.nan)
    for year in np.unique(years):
        in_year = years == year
        rows = np.flatnonzero(in_year & (total >= 0))
        bands = bands_in(int(year), schemes)
        scheme[in_year] = bands[0].scheme if bands else None
        graded = grade_year(int(year), total[rows], {t: v[rows] for t, v in tools.items()}, bands, weights)
        level[rows], rank[rows] = graded.level(), graded.rank()
        shown = {int(m): graded.levels(int(m)) for m in np.unique(graded.possible)}
        for i, mask in zip(rows, graded.possible, strict=True):
            possible[i] = shown[int(mask)]
    has_score = total >= 0
    passed_values = pd.array(np.where(has_score, total >= cents(PASS_MARK), False), dtype="boolean")
    passed_values[~has_score | (years < FIRST_PASS_YEAR)] = pd.NA
    return pd.DataFrame({"scheme": scheme, "level": level, "possible": possible,
                         "rank": pd.array(rank, dtype="Float64").astype("Int64"), "passed": passed_values},
                        index=index)
