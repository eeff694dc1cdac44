"""The levels a total can have given the tool scores known, for many rows of one fiscal year at once.

Scores are integer hundredths in numpy arrays (``NOT_GIVEN`` where a tool score is unknown); a result is a
bit mask per row, bit ``i`` for ``bands[i]`` (the year's graded bands, best first). :func:`grade` is
:func:`possible_levels` on one row, so the rule is written once.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from functools import cache

import numpy as np

from itanb.grading.schemes import Band
from itanb.grading.values import CENT, FULL, TOOLS, TOTAL
from itanb.grading.weights import Weight, tolerance_in, tree_of

Form = tuple[str, int, tuple[tuple[str, int], ...]]  # name = sum(coefficient * part) / denominator


def cents(value: Decimal) -> int:
    return int(value * 100)


def _intervals(cuts: list[Decimal]) -> list[tuple[int, int]]:
    """[0, 100] cut at ``cuts`` into two-decimal intervals (in hundredths): a condition is the same for every
    score in one."""
    edges = [Decimal(0), *sorted(c for c in set(cuts) if 0 < c <= 100)]
    return [(cents(lo), cents((hi - CENT) if hi is not None else Decimal(100)))
            for lo, hi in itertools.zip_longest(edges, edges[1:])]


@cache
def _forms(fiscal_year: int, weights: tuple[Weight, ...], known: frozenset[str], tools: tuple[str, ...]
           ) -> tuple[Form, ...]:
    """Each known composite (the total, a given EIT) as an integer linear form of the parts that are known,
    are the scheme's ``tools`` or have no parts: ``(name, denominator, ((part, coefficient), ...))``, i.e.
    name = sum(coefficient * part) / denominator. Integer arithmetic keeps the check exact and fast."""
    tree = tree_of(fiscal_year, weights)
    forms = []
    for name in sorted(known & set(tree)):
        coeffs: dict[str, Fraction] = {}

        def expand(composite: str, factor: Fraction, coeffs: dict[str, Fraction] = coeffs) -> None:
            for part, weight in tree[composite].items():
                if part in known or part in tools or part not in tree:
                    coeffs[part] = coeffs.get(part, Fraction(0)) + factor * weight
                else:
                    expand(part, factor * weight)

        expand(name, Fraction(1))
        denominator = math.lcm(*(c.denominator for c in coeffs.values()))
        forms.append((name, denominator,
                      tuple((part, int(c * denominator)) for part, c in sorted(coeffs.items()))))
    return tuple(forms)


def _feasible(box: Mapping[str, tuple], given: Mapping[str, np.ndarray], forms: tuple[Form, ...],
              tolerance: int) -> np.ndarray | bool:
    """Per row: can scores in ``box`` (hundredths; parts neither boxed nor given anywhere in 0–100) give
    every known composite within the tolerance (hundredths)?"""
    ok: np.ndarray | bool = True
    for name, denominator, parts in forms:
        lo = hi = 0
        for part, coeff in parts:
            a, b = box.get(part) or ((given[part],) * 2 if part in given else (0, FULL))
            lo, hi = lo + coeff * a, hi + coeff * b
        target = given[name] * denominator
        ok = ok & (lo <= target + tolerance * denominator) & (hi >= target - tolerance * denominator)
    return ok


def _satisfied(band: Band, total: np.ndarray, tools: Mapping[str, object]) -> np.ndarray:
    ok = total >= cents(band.min_total)
    if band.conditioned:
        lowest = np.minimum.reduce([np.broadcast_to(tools[t], total.shape) for t in band.tools])
        if band.min_each_tool is not None:
            ok = ok & (lowest >= cents(band.min_each_tool))
        if band.some_tool_below is not None:
            ok = ok & (lowest < cents(band.some_tool_below))
    return ok


def _first(bands: tuple[Band, ...], total: np.ndarray, tools: Mapping[str, object], *,
           plain: bool = False) -> np.ndarray:
    """The bit of the first band (of those without a tool condition, with ``plain``) each row satisfies."""
    out = np.zeros(total.shape, dtype=np.int64)
    todo = np.ones(total.shape, dtype=bool)
    for i, band in enumerate(bands):
        if plain and band.conditioned:
            continue
        ok = todo & _satisfied(band, total, tools)
        out[ok] = 1 << i
        todo &= ~ok
    return out


def possible_levels(bands: tuple[Band, ...], fiscal_year: int, total: np.ndarray,
                    tools: Mapping[str, np.ndarray], weights: tuple[Weight, ...] | None) -> np.ndarray:
    """Per row, the bit mask of the levels (``bands``: the graded bands, best first) that some tool scores
    consistent with those given reach; 0 where the tools given do not add up to the total with the year's
    weights (``weights`` None: graded as given, whatever they add up to).

    The tool conditions (every tool >= x, some tool < y) depend only on the lowest tool score, so it is enough
    to ask, for each interval between the cut-offs, whether the lowest tool can lie in it: some tool in the
    interval, every other tool at or above it, and the weighted sum equal to the total within the tolerance.
    Rows are taken in groups of the same tools given.
    """
    total = np.asarray(total, dtype=np.int64)
    given_tools = {t: np.asarray(v, dtype=np.int64) for t, v in tools.items() if t in TOOLS}
    pattern = np.zeros(total.shape, dtype=np.int64)
    for k, t in enumerate(TOOLS):
        if t in given_tools:
            pattern |= (given_tools[t] >= 0).astype(np.int64) << k
    out = np.zeros(total.shape, dtype=np.int64)
    for key in np.unique(pattern):
        rows = pattern == key
        given = {t: v[rows] for t, v in given_tools.items() if key >> TOOLS.index(t) & 1}
        out[rows] = _possible(bands, fiscal_year, total[rows], given, weights)
    return out


def _possible(bands: tuple[Band, ...], fiscal_year: int, total: np.ndarray, given: dict[str, np.ndarray],
              weights: tuple[Weight, ...] | None) -> np.ndarray:
    """:func:`possible_levels` for rows that have the same tools given."""
    plain = _first(bands, total, {}, plain=True)
    conditioned = [b for b in bands if b.conditioned]
    if not conditioned:
        return plain
    tools = bands[0].tools
    cuts = [c for b in conditioned for c in (b.min_each_tool, b.some_tool_below) if c is not None]
    known = {TOTAL: total, **given}
    forms = _forms(fiscal_year, weights, frozenset(known), tools) if weights is not None else ()
    tolerance = cents(tolerance_in(fiscal_year, weights) or Decimal(0)) if weights is not None else 0
    if all(t in given for t in tools):  # every tool known: one level, if the tools add up to the total
        found = np.where(_feasible({}, known, forms, tolerance), _first(bands, total, given), 0)
    else:
        found = np.zeros(total.shape, dtype=np.int64)
        for lo, hi in _intervals(cuts):
            level = _first(bands, total, dict.fromkeys(tools, lo))
            reached: np.ndarray | bool = False
            for lowest in tools:
                box, fits = {}, True
                for t in tools:
                    top = hi if t == lowest else FULL
                    a, b = (given[t], given[t]) if t in given else (lo, top)
                    box[t] = (np.maximum(a, lo), np.minimum(b, top))
                    fits = fits & (box[t][0] <= box[t][1])
                reached = reached | (fits & _feasible(box, known, forms, tolerance))
            found |= np.where(reached, level, 0)
    low = total < min(cents(b.min_total) for b in conditioned)
    return np.where(low, plain, found)
