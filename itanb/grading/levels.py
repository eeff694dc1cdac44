"""The public grading API: :func:`grade` (every level possible given what is known), :func:`passed`,
:func:`level_steps` and the one rule and message of a level mismatch."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache, lru_cache
from pathlib import Path

from itanb.grading.reported import contradicts
from itanb.grading.schemes import Band, bands_for, bands_in, load_schemes, scheme_of
from itanb.grading.values import (
    CENT,
    FIRST_PASS_YEAR,
    PASS_MARK,
    TOOL_LABELS,
    TOOLS,
    TOTAL,
    not_given,
    to_score,
)
from itanb.grading.weights import Weight, load_weights, tree_of


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one score.

    ``possible``: every level consistent with what was given, best first (empty: the year has no computed
    levels). ``level`` is set only when exactly one level is possible. ``reason`` (Thai, with English in
    brackets, one line) says what is missing, why the year has no level, or that the tool scores given do not
    add up to the total.
    """

    fiscal_year: int
    score: Decimal
    scheme: str | None
    level: str | None
    rank: int | None
    reason: str | None = None
    confirmed: bool = False
    possible: tuple[str, ...] = field(default=())

    @property
    def shown(self) -> str:
        """The level, else the possible levels joined by " / " (for messages), else "–"."""
        return self.level or " / ".join(self.possible) or "–"


@dataclass(frozen=True)
class LevelChange:
    """A change of level between two fiscal years.

    ``steps`` (positive = better) only when both levels are known and in the same scheme; ``same_scheme``
    is False across a scheme change, and ``label`` (Thai) then says "เปลี่ยนเกณฑ์ (A → ผ่าน)".
    """

    steps: int | None
    same_scheme: bool
    label: str



# --- grading -----------------------------------------------------------------------------------------------

def _satisfies(band: Band, total: Decimal, tools: Mapping[str, Decimal]) -> bool:
    if band.min_total is not None and total < band.min_total:
        return False
    values = [tools[t] for t in band.tools]
    if band.min_each_tool is not None and min(values) < band.min_each_tool:
        return False
    return band.some_tool_below is None or min(values) < band.some_tool_below


def _intervals(cuts: list[Decimal]) -> list[tuple[Decimal, Decimal]]:
    """[0, 100] cut at ``cuts`` into two-decimal intervals: a condition is the same for every score in one."""
    edges = [Decimal(0), *sorted(c for c in set(cuts) if 0 < c <= 100)]
    return [(lo, (hi - CENT) if hi is not None else Decimal(100))
            for lo, hi in itertools.zip_longest(edges, edges[1:])]


def _cents(value: Decimal) -> int:
    return int(value * 100)


@cache
def _forms(fiscal_year: int, weights: tuple[Weight, ...], known: frozenset[str], tools: tuple[str, ...]
           ) -> tuple[tuple[str, int, tuple[tuple[str, int], ...]], ...]:
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


def _feasible(box: Mapping[str, tuple[int, int]], given: Mapping[str, int],
              forms: tuple[tuple[str, int, tuple[tuple[str, int], ...]], ...], tolerance: int) -> bool:
    """Can scores in ``box`` (cents; parts neither boxed nor given anywhere in 0–100) give every known
    composite within the tolerance (cents)?"""
    for name, denominator, parts in forms:
        lo = hi = 0
        for part, coeff in parts:
            a, b = box.get(part) or ((given[part],) * 2 if part in given else (0, 10000))
            lo, hi = lo + coeff * a, hi + coeff * b
        target = given[name] * denominator
        if lo > target + tolerance * denominator or hi < target - tolerance * denominator:
            return False
    return True


def _possible(bands: tuple[Band, ...], total: Decimal, given: dict[str, Decimal], fiscal_year: int,
              weights: tuple[Weight, ...] | None) -> set[str]:
    """The levels reachable by some tool scores consistent with ``given`` (the total and any tools).

    The tool conditions (every tool >= x, some tool < y) depend only on the lowest tool score, so it is enough
    to ask, for each interval between the cut-offs, whether the lowest tool can lie in it: some tool in the
    interval, every other tool at or above it, and the weighted sum equal to the total within the tolerance.
    """
    conditioned = [b for b in bands if b.conditioned]
    if not conditioned or total < min(b.min_total for b in conditioned):
        return {next(b.level for b in bands if not b.conditioned and total >= b.min_total)}
    tools = bands[0].tools
    cuts = [c for b in conditioned for c in (b.min_each_tool, b.some_tool_below) if c is not None]
    known = {TOTAL: total, **given}
    cents = {name: _cents(v) for name, v in known.items()}
    forms = _forms(fiscal_year, weights, frozenset(known), tools) if weights is not None else ()
    tolerance = _cents(max((w.tolerance for w in weights or () if w.fy_from <= fiscal_year <= w.fy_to),
                           default=Decimal(0)))
    if all(t in given for t in tools):  # every tool known: one level, if the tools add up to the total
        if not _feasible({}, cents, forms, tolerance):
            return set()
        return {next(b.level for b in bands if _satisfies(b, total, given))}
    found: set[str] = set()
    for lo, hi in _intervals(cuts):
        level = next(b.level for b in bands if _satisfies(b, total, dict.fromkeys(tools, lo)))
        if level in found:
            continue
        lo_c, hi_c = _cents(lo), _cents(hi)
        for lowest in tools:
            box = {}
            for t in tools:
                top = hi_c if t == lowest else 10000
                a, b = (cents[t], cents[t]) if t in cents else (lo_c, top)
                box[t] = (max(a, lo_c), min(b, top))
            if all(a <= b for a, b in box.values()) and _feasible(box, cents, forms, tolerance):
                found.add(level)
                break
    return found


def grade(
    fiscal_year: int,
    score: object,
    *,
    iit: object = None,
    eit: object = None,
    eit1: object = None,
    eit2: object = None,
    oit: object = None,
    path: Path | str | None = None,
) -> Grade:
    """Grade ``score`` (the total) under the scheme of ``fiscal_year`` (BE), with the tool scores known.

    Every level that some values of the missing tool scores could give is ``possible`` (the tool scores must
    add up to the total with that year's weights, within the tolerance); ``level`` is set only when exactly
    one is possible. Tool scores that do not add up to the total are graded as given, and ``reason`` says so.
    """
    tools = {"iit": iit, "eit": eit, "eit1": eit1, "eit2": eit2, "oit": oit}
    return grade_with(rules_for(fiscal_year, path), fiscal_year, score, tools)


Rules = tuple[tuple[Band, ...], tuple[Weight, ...]]  # a year's bands, best first, and all the weights


def rules_for(fiscal_year: int, path: Path | str | None = None) -> Rules:
    """What :func:`grade_with` needs for ``fiscal_year``, loaded once (the files are checked on each load)."""
    return bands_in(int(fiscal_year), load_schemes(path)), load_weights()


def grade_with(rules: Rules, fiscal_year: int, score: object, tools: Mapping[str, object]) -> Grade:
    """:func:`grade` with the rules already loaded by :func:`rules_for` (for many rows of one year);
    ``tools`` maps tool names (iit, eit, eit1, eit2, oit) to scores, missing ones absent or not given."""
    total = to_score(score)
    given = {name: to_score(tools[name], where=TOOL_LABELS[name])
             for name in TOOLS if name in tools and not not_given(tools[name])}
    return _grade(int(fiscal_year), total, tuple(given.items()), *rules)


@lru_cache(maxsize=65536)  # national tables repeat the same scores
def _grade(fiscal_year: int, total: Decimal, tools: tuple[tuple[str, Decimal], ...], bands: tuple[Band, ...],
           weights: tuple[Weight, ...]) -> Grade:
    given = dict(tools)
    if not bands:
        return Grade(fiscal_year, total, None, None, None,
                     f"ไม่มีเกณฑ์ระดับสำหรับปีงบประมาณ {fiscal_year} (no grading scheme known for FY{fiscal_year})")
    graded = [b for b in bands if b.level is not None]
    if not graded:
        band = bands[0]
        return Grade(fiscal_year, total, band.scheme, None, None,
                     f"ปีงบประมาณ {fiscal_year} ไม่มีระดับที่คำนวณได้ (FY{fiscal_year}: {band.note})")
    confirmed = graded[0].confirmed_to is not None and fiscal_year <= graded[0].confirmed_to
    graded = tuple(graded)
    found = _possible(graded, total, given, fiscal_year, weights)
    reason = None
    if not found:  # the tool scores given do not add up to the total: grade them as given
        found = _possible(graded, total, given, fiscal_year, None)
        reason = ("คะแนนรายเครื่องมือที่ให้มารวมตามน้ำหนักแล้วไม่เท่ากับคะแนนรวม "
                  f"(the tool scores given do not add up to the total {total} with the FY{fiscal_year} "
                  "weights)")
    possible = tuple(b.level for b in graded if b.level in found)
    if len(possible) == 1:
        band = next(b for b in graded if b.level == possible[0])
        return Grade(fiscal_year, total, band.scheme, band.level, band.rank, reason, confirmed, possible)
    missing = [TOOL_LABELS[t] for t in graded[0].tools if t not in given]
    reason = (f"ต้องมีคะแนน {', '.join(missing)} จึงจะบอกได้ว่าเป็นระดับใดใน {' / '.join(possible)} "
              f"(tool scores needed to tell these levels apart: {', '.join(missing)})")
    return Grade(fiscal_year, total, graded[0].scheme, None, None, reason, confirmed, possible)


def passed(fiscal_year: int, score: object) -> bool | None:
    """The harmonised pass flag (score >= 85) from FY2562 on; None before (no comparable pass mark)."""
    if int(fiscal_year) < FIRST_PASS_YEAR:
        return None
    return to_score(score) >= PASS_MARK


def level_steps(fy_a: int, level_a: str | None, fy_b: int, level_b: str | None,
                path: Path | str | None = None) -> LevelChange:
    """The change from ``level_a`` (in ``fy_a``) to ``level_b`` (in ``fy_b``), counted within one scheme.

    >>> level_steps(2564, "C", 2565, "A").label
    'ดีขึ้น 2 ระดับ (C → A)'
    >>> level_steps(2565, "A", 2566, "ผ่าน").label
    'เปลี่ยนเกณฑ์ (A → ผ่าน)'
    """
    from itanb.vocabulary import level_change_label

    scheme_a, scheme_b = scheme_of(int(fy_a), path), scheme_of(int(fy_b), path)
    shown_a = level_a if isinstance(level_a, str) and level_a else None
    shown_b = level_b if isinstance(level_b, str) and level_b else None
    if scheme_a is None or scheme_b is None or scheme_a != scheme_b:
        return LevelChange(None, False, level_change_label("scheme", shown_a, shown_b))
    ranks = {b.level: b.rank for b in bands_for(int(fy_a), path) if b.level is not None}
    if shown_a not in ranks or shown_b not in ranks:
        return LevelChange(None, True, level_change_label("incomparable", shown_a, shown_b))
    steps = ranks[shown_b] - ranks[shown_a]
    change = "up" if steps > 0 else "down" if steps < 0 else "same"
    return LevelChange(steps, True, level_change_label(change, shown_a, shown_b, steps))




# ------------------------------------------------------------ a reported level against the score
def level_disagrees(fiscal_year: int, score: object, reported: str | None, *,
                    tools: Mapping[str, object] | None = None, path: Path | str | None = None) -> bool:
    """The one rule for a level mismatch: the reported level is none of the levels the score (and the tool
    scores given, see :func:`grade`) allows (:func:`contradicts`). Not a mismatch: nothing reported, no level
    computable, a reported-only category, or a level that only the missing tool scores could decide."""
    g = grade(fiscal_year, score, path=path, **dict(tools or {}))
    return contradicts(int(fiscal_year), g.possible, reported)


def level_mismatch_message(fiscal_year: object, score: object, reported: str, computed: str) -> str:
    """The one Thai sentence of a level mismatch, from values already written as they are to be shown
    (``ระดับที่รายงาน E ไม่ตรงกับระดับที่คำนวณได้ C จากคะแนน 74.83 (ปีงบประมาณ พ.ศ. 2564)``); ``computed`` may
    be several possible levels (``Grade.shown``)."""
    return (f"ระดับที่รายงาน {reported} ไม่ตรงกับระดับที่คำนวณได้ {computed} จากคะแนน {score} "
            f"(ปีงบประมาณ พ.ศ. {fiscal_year})")

