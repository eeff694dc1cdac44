"""The SYNTHETIC agencies: their kinds in the real mix, and totals that follow the published averages.

Kinds: the agency types of the latest fiscal year whose report counts the agencies of every type
(``itanb/data/agency-type-averages.csv``, FY2566: 5,300 อบต., 2,247 เทศบาลตำบล, 195 เทศบาลเมือง, 76 อบจ., 76
จังหวัด, 30 เทศบาลนคร and 399 agencies of the central types, kind ``other``), apportioned to the number of
agencies asked for (largest remainders) and dealt out in a seeded order.

Totals: 100 - score is log-normal around 100 - the mean of the agency's kind in that year (sigma 0.8), with an
agency effect that carries over from year to year. The mean of a kind is the national average
(``national-averages.csv``, interpolated between the years listed, held at the nearest year outside them) plus
the kind's published difference from it (the type averages, interpolated and held the same way; the central
types averaged together, weighted by their agencies where counted). This gives pass shares close to the
published ones (70% in 2565, 94% in 2568) and the published gaps between kinds.
"""

from __future__ import annotations

import random
from collections import Counter

import numpy as np

from itanb.vocabulary import AGENCY_KINDS, KIND_OTHER

LETTERS = ("AA", "A", "B", "C", "D", "E", "F")
SIGMA = 0.8  # log-normal spread of 100 - score


def _types():
    from itanb.national import type_averages

    frame = type_averages()
    frame["kind"] = frame["kind"].fillna(KIND_OTHER)
    return frame


def kind_mix() -> tuple[dict[str, int], str]:
    """(agencies per kind, the source) of the latest fiscal year that counts every agency type."""
    types = _types()
    counted = types.groupby("fiscal_year")["agencies"].apply(lambda s: bool(s.notna().all()))
    year = int(counted[counted].index.max())
    rows = types[types["fiscal_year"] == year]
    counts = rows.groupby("kind")["agencies"].sum()
    order = [k for k in AGENCY_KINDS if k in counts.index]
    return {k: int(counts[k]) for k in order}, str(rows["source"].iloc[0])


def assign_kinds(agencies: int, seed: int) -> list[str]:
    """The kind of agencies 1..``agencies``: the real mix (:func:`kind_mix`) scaled to ``agencies``."""
    counts, _ = kind_mix()
    total = sum(counts.values())
    quotas = {k: agencies * c / total for k, c in counts.items()}
    shares = {k: int(q) for k, q in quotas.items()}
    by_remainder = sorted(quotas, key=lambda k: (-(quotas[k] - shares[k]), list(quotas).index(k)))
    for k in by_remainder[: agencies - sum(shares.values())]:
        shares[k] += 1
    kinds = [k for k, n in shares.items() for _ in range(n)]
    random.Random(f"{seed}:kinds").shuffle(kinds)
    return kinds


def _kind_means(kinds: set[str], years: list[int]) -> dict[str, np.ndarray]:
    """Kind -> its mean score in each of ``years`` (see the module docstring)."""
    from itanb.national import national_averages

    known = national_averages()  # sorted by fiscal year, as np.interp needs
    national = np.interp(years, known["fiscal_year"], known["national_average"])
    types = _types()
    type_years = types["fiscal_year"].to_numpy()
    types["national"] = np.interp(type_years, known["fiscal_year"], known["national_average"])
    out = {}
    for kind in sorted(kinds):
        rows = types[types["kind"] == kind]
        if rows.empty:
            out[kind] = national
            continue
        offsets = []
        for fy, group in rows.groupby("fiscal_year"):
            weights = group["agencies"].astype("float64")
            weights = weights if weights.notna().all() and weights.sum() > 0 else None
            offset = np.average(group["average"] - group["national"], weights=weights)
            offsets.append((int(fy), float(offset)))
        fys, values = zip(*sorted(offsets), strict=True)
        out[kind] = national + np.interp(years, fys, values)
    return out


def score_matrix(kinds: list[str], first: int, last: int, seed: int) -> dict[int, list[str]]:
    """fy -> scores of agencies 1..n (of ``kinds``) as two-decimal strings, the year before ``first``
    included (for memos)."""
    rng = np.random.default_rng(seed)
    years = list(range(first - 1, last + 1))
    means = _kind_means(set(kinds), years)
    index = np.array([sorted(means).index(k) for k in kinds], dtype=np.int64)
    table = np.array([means[k] for k in sorted(means)])  # kinds x years
    agency_effect = rng.standard_normal(len(kinds))
    out: dict[int, list[str]] = {}
    for j, fy in enumerate(years):
        z = 0.7 * agency_effect + 0.714 * rng.standard_normal(len(kinds))
        gap = (100.0 - table[index, j]) * np.exp(SIGMA * z - SIGMA**2 / 2)
        scores = np.clip(np.round(100.0 - gap, 2), 0.0, 100.0) + 0.0  # + 0.0: no -0.00 (not a score)
        out[fy] = [f"{s:.2f}" for s in scores]
    return out


def kind_counts(kinds: list[str]) -> dict[str, int]:
    """Agencies per kind, in the order of :data:`itanb.vocabulary.AGENCY_KINDS`."""
    counts = Counter(kinds)
    return {k: counts[k] for k in AGENCY_KINDS if counts[k]}


def year_levels(fy: int, totals: list[str], parts: list[dict[str, str]]) -> list[str | None]:
    """The level of each total of ``fy`` given its tool scores (None where several are possible), graded
    together (:func:`itanb.grading.grade_frame`)."""
    import pandas as pd

    from itanb.grading import TOOLS, grade_frame

    frame = pd.DataFrame(parts, index=range(len(totals)), dtype="float64")
    tools = {t: frame[t] for t in TOOLS if t in frame.columns}
    score = pd.Series([float(t) for t in totals], dtype="float64")
    graded = grade_frame(pd.Series([fy] * len(totals)), score, **tools)
    return list(graded["level"])
