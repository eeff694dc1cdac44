"""How the total is made of the tools and each tool of its indicators (``score_weights.csv``); :func:`derive`
recomputes what the parts give."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np

from itanb.errors import InputError
from itanb.grading.values import (
    CENT,
    INDICATORS,
    NOT_GIVEN,
    TOOLS,
    TOTAL,
    check_range,
    not_given,
    rule_path,
    rule_rows,
    stat_key,
    to_score,
)
from itanb.paths import PACKAGE_DATA

DEFAULT_WEIGHTS = PACKAGE_DATA / "score_weights.csv"
WEIGHT_COLUMNS = ("fy_from", "fy_to", "composite", "component", "weight", "tolerance", "source")


@dataclass(frozen=True, eq=False)  # hashed by identity: the loaded weights are cache keys
class Weight:
    fy_from: int
    fy_to: int
    composite: str  # "total" or a tool
    component: str  # a tool or an indicator (i1..i10)
    weight: Fraction
    tolerance: Decimal
    source: str



@dataclass(frozen=True)
class Mismatch:
    """A published composite score (total or tool) that its components do not give within the tolerance."""

    name: str  # "total" or a tool
    reported: Decimal
    computed: Decimal  # from the components, rounded half-up to two decimals
    components: tuple[str, ...]  # what it was computed from


@dataclass(frozen=True)
class Derived:
    """:func:`derive`: every score known or computable, and the published ones that disagree."""

    values: dict[str, Decimal]  # given values, plus composites computed where they were not given
    computed: frozenset[str]  # the names in ``values`` that were computed, not given
    mismatches: tuple[Mismatch, ...]



# --- weights -----------------------------------------------------------------------------------------------

def load_weights(path: Path | str | None = None) -> tuple[Weight, ...]:
    """All rows of the weights file (default: ``$ITANB_SCORE_WEIGHTS`` or the packaged one).

    Checked: known names (total, the tools, i1..i10), positive weights written as decimals or fractions
    (``1/3``), the weights of each composite summing to 1 in each year range, no composite defined twice for
    one fiscal year, and no composite made (directly or not) of itself. Raises InputError naming the file and
    line.
    """
    return _load_weights(*stat_key(rule_path(path, "ITANB_SCORE_WEIGHTS", DEFAULT_WEIGHTS), "score weights"))


@cache
def _load_weights(path: Path, _mtime_ns: int, _size: int) -> tuple[Weight, ...]:
    rows: list[tuple[Weight, int]] = []
    for n, row in rule_rows(path, WEIGHT_COLUMNS, "score weights"):
        try:
            w = Weight(int(row["fy_from"]), int(row["fy_to"]), row["composite"].strip(),
                       row["component"].strip(), Fraction(row["weight"].strip()),
                       Decimal(row["tolerance"].strip()), row["source"])
        except (ValueError, ZeroDivisionError, InvalidOperation) as exc:
            raise InputError(f"malformed score weight row ({exc})", source=path, line=n) from None
        check_range(w.fy_from, w.fy_to, path, n)
        if w.composite not in (TOTAL, *TOOLS):
            raise InputError(f"composite {w.composite!r} is not total or a tool ({', '.join(TOOLS)})",
                             source=path, line=n)
        if w.component not in (*TOOLS, *INDICATORS) or w.component == w.composite:
            raise InputError(f"component {w.component!r} is not a tool or an indicator i1..i10 other than "
                             f"{w.composite!r}", source=path, line=n)
        if w.weight <= 0 or w.tolerance < 0:
            raise InputError("weights must be positive and the tolerance not negative", source=path, line=n)
        rows.append((w, n))
    groups: dict[tuple[int, int, str], list[tuple[Weight, int]]] = {}
    for w, n in rows:
        groups.setdefault((w.fy_from, w.fy_to, w.composite), []).append((w, n))
    for (fy_from, fy_to, composite), group in groups.items():
        line = group[0][1]
        if sum(w.weight for w, _ in group) != 1:
            raise InputError(f"the weights of {composite} for FY{fy_from}–{fy_to} do not sum to 1",
                             source=path, line=line)
        components = [w.component for w, _ in group]
        if len(set(components)) != len(components):
            raise InputError(f"{composite} for FY{fy_from}–{fy_to} repeats a component", source=path,
                             line=line)
        for (a_from, a_to, a_comp), other in groups.items():
            overlaps = a_from <= fy_to and fy_from <= a_to
            if a_comp == composite and (a_from, a_to) != (fy_from, fy_to) and overlaps:
                raise InputError(f"{composite} is defined twice for FY{max(a_from, fy_from)}",
                                 source=path, line=other[0][1])
    weights = tuple(w for w, _ in rows)
    for fy in sorted({y for w in weights for y in (w.fy_from, w.fy_to)}):
        _order(tree_of(fy, weights), source=path)
    return weights


def tree_of(fiscal_year: int, weights: tuple[Weight, ...]) -> dict[str, dict[str, Fraction]]:
    out: dict[str, dict[str, Fraction]] = {}
    for w in weights:
        if w.fy_from <= fiscal_year <= w.fy_to:
            out.setdefault(w.composite, {})[w.component] = w.weight
    return out


def _order(tree: Mapping[str, Mapping[str, Fraction]], *, source: Path | None = None) -> list[str]:
    """The composites, each after the composites it is made of; raises InputError on a cycle."""
    done: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in done or name not in tree:
            return
        if name in visiting:
            raise InputError(f"{name} is made (directly or not) of itself", source=source)
        visiting.add(name)
        for part in tree[name]:
            visit(part)
        visiting.discard(name)
        done.append(name)

    for name in tree:
        visit(name)
    return done


def weights_for(fiscal_year: int, path: Path | str | None = None) -> dict[str, dict[str, Fraction]]:
    """``{composite: {component: weight}}`` in force in ``fiscal_year`` (empty: no weights known), e.g. for
    FY2566 ``{"total": {"iit": 3/10, "eit": 3/10, "oit": 2/5}, "eit": {"eit1": 1/2, "eit2": 1/2}, ...}``."""
    return tree_of(int(fiscal_year), load_weights(path))


def tolerance_for(fiscal_year: int, path: Path | str | None = None) -> Decimal | None:
    """The largest difference accepted between a published composite and its recomputed value (0.01)."""
    return tolerance_in(int(fiscal_year), load_weights(path))


@cache
def tolerance_in(fiscal_year: int, weights: tuple[Weight, ...]) -> Decimal | None:
    """:func:`tolerance_for` in weights already loaded."""
    found = [w.tolerance for w in weights if w.fy_from <= fiscal_year <= w.fy_to]
    return max(found) if found else None


def derive(fiscal_year: int, values: Mapping[str, object], *, path: Path | str | None = None) -> Derived:
    """Recompute every composite (tools, total) of ``fiscal_year`` whose components are all known.

    ``values``: scores by name (``total``, tools, ``i1``..``i10``; missing or NaN = unknown). A composite that
    was given is checked against its recomputed value (a :class:`Mismatch` when they differ by more than the
    tolerance, never overwritten); one that was not given is added to ``values`` (rounded half-up to two
    decimals). Composites are computed from exact values, so rounding is applied once. This is
    :func:`derive_year` on one row.
    """
    given = {k: to_score(v, where=k) for k, v in values.items() if not not_given(v)}
    year = derive_year(int(fiscal_year), {k: np.array([int(v * 100)]) for k, v in given.items()},
                       load_weights(path), rows=1)
    out = dict(given)
    computed: set[str] = set()
    mismatches = []
    for name in year.order:
        if year.computed[name][0]:
            out[name] = cents_decimal(year.values[name][0])
            computed.add(name)
        elif year.mismatched[name][0]:
            mismatches.append(Mismatch(name, given[name], cents_decimal(year.recomputed[name][0]),
                                       year.components[name]))
    return Derived(out, frozenset(computed), tuple(mismatches))


def cents_decimal(cents: int) -> Decimal:
    """Integer hundredths as the two-decimal Decimal of :func:`to_score`."""
    return (Decimal(int(cents)) / 100).quantize(CENT)


@dataclass(frozen=True)
class DerivedYear:
    """:func:`derive_year`: many rows of one fiscal year, as integer hundredths (``NOT_GIVEN`` = unknown)."""

    values: dict[str, np.ndarray]  # every score given, plus the composites computed where not given
    computed: dict[str, np.ndarray]  # per composite: True where its value was computed, not given
    recomputed: dict[str, np.ndarray]  # per composite: what its parts give (NOT_GIVEN: a part unknown)
    mismatched: dict[str, np.ndarray]  # per composite: given, and over the tolerance from ``recomputed``
    components: dict[str, tuple[str, ...]]  # per composite: what it is computed from
    order: tuple[str, ...]  # the composites in computing order (each after its parts)


def derive_year(fiscal_year: int, given: Mapping[str, np.ndarray], weights: tuple[Weight, ...], *,
                rows: int) -> DerivedYear:
    """:func:`derive` for ``rows`` rows of ``fiscal_year`` at once: ``given`` maps names to int64 arrays of
    hundredths, ``NOT_GIVEN`` (-1) where a row has no such score (a name absent: no row has it).

    Exact as :func:`derive`: a composite's value is an integer numerator over one denominator per composite
    (the least common multiple of its weights' and its parts' denominators), rounded half up once; a given
    composite is kept and compared with what its parts give, within the year's tolerance.
    """
    tree, order = _year_tree(int(fiscal_year), weights)
    tolerance = Fraction(tolerance_in(int(fiscal_year), weights) or Decimal(0)) * 100  # in hundredths
    values = {k: np.asarray(v, dtype=np.int64) for k, v in given.items()}
    exact = {k: (v, 1) for k, v in values.items()}  # (numerators, denominator) in hundredths
    none = np.zeros(rows, dtype=bool)
    computed, recomputed, mismatched = {}, {}, {}
    for name in order:
        parts = tree[name]
        known = np.ones(rows, dtype=bool)
        for p in parts:
            known &= values[p] >= 0 if p in values else none
        den = math.lcm(*(w.denominator * exact[p][1] for p, w in parts.items() if p in exact))
        if den >= 2 ** 40:
            raise InputError(f"the weights of {name} for FY{fiscal_year} are too fine to compute exactly")
        num = np.zeros(rows, dtype=np.int64)
        for p, w in parts.items():
            if p in exact:
                num += w.numerator * (den // (w.denominator * exact[p][1])) * np.where(known, exact[p][0], 0)
        shown = np.where(known, (2 * num + den) // (2 * den), NOT_GIVEN)  # half up, once
        had = values[name] >= 0 if name in values else none
        mismatched[name] = known & had & (
            np.abs(values.get(name, shown) * den - num) * tolerance.denominator > tolerance.numerator * den)
        computed[name] = known & ~had
        recomputed[name] = shown
        values[name] = np.where(had, values.get(name, shown), shown)
        exact[name] = (np.where(had, values[name] * den, num), den)
    return DerivedYear(values, computed, recomputed, mismatched, {n: tuple(tree[n]) for n in order},
                       tuple(order))


@cache
def _year_tree(fiscal_year: int,
               weights: tuple[Weight, ...]) -> tuple[dict[str, dict[str, Fraction]], list[str]]:
    """The weights tree of ``fiscal_year`` and its composites in computing order (once per loaded file)."""
    tree = tree_of(fiscal_year, weights)
    return tree, _order(tree)



