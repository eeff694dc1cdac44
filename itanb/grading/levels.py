"""The public grading API: :func:`grade` (every level possible given what is known), :func:`passed`,
:func:`level_steps` and the one rule and message of a level mismatch."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

from itanb.grading.possible import cents, possible_levels
from itanb.grading.reported import contradicts
from itanb.grading.schemes import Band, bands_for, bands_in, load_schemes, scheme_of
from itanb.grading.values import (
    FIRST_PASS_YEAR,
    FULL,
    PASS_MARK,
    TOOL_LABELS,
    TOOLS,
    not_given,
    to_score,
)
from itanb.grading.weights import Weight, load_weights


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
    row = np.array([cents(total)])
    cents_given = {name: np.array([cents(value)]) for name, value in given.items()}
    if given:
        found = int(possible_levels(graded, fiscal_year, row, cents_given, weights)[0])
    else:  # the total alone (memos, reports): every total of the year graded at once, then looked up
        found = int(_totals_alone(fiscal_year, graded, weights)[row[0]])
    reason = None
    if not found:  # the tool scores given do not add up to the total: grade them as given
        found = int(possible_levels(graded, fiscal_year, row, cents_given, None)[0])
        reason = ("คะแนนรายเครื่องมือที่ให้มารวมตามน้ำหนักแล้วไม่เท่ากับคะแนนรวม "
                  f"(the tool scores given do not add up to the total {total} with the FY{fiscal_year} "
                  "weights)")
    possible = tuple(b.level for i, b in enumerate(graded) if found >> i & 1)
    if len(possible) == 1:
        band = next(b for b in graded if b.level == possible[0])
        return Grade(fiscal_year, total, band.scheme, band.level, band.rank, reason, confirmed, possible)
    missing = [TOOL_LABELS[t] for t in graded[0].tools if t not in given]
    reason = (f"ต้องมีคะแนน {', '.join(missing)} จึงจะบอกได้ว่าเป็นระดับใดใน {' / '.join(possible)} "
              f"(tool scores needed to tell these levels apart: {', '.join(missing)})")
    return Grade(fiscal_year, total, graded[0].scheme, None, None, reason, confirmed, possible)


@cache
def _totals_alone(fiscal_year: int, graded: tuple[Band, ...], weights: tuple[Weight, ...]) -> np.ndarray:
    """:func:`possible_levels` of every total 0.00-100.00 of the year without tool scores (index: hundredths),
    computed once per year and rules."""
    return possible_levels(graded, fiscal_year, np.arange(FULL + 1), {}, weights)


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

