"""Candidates derived and graded a fiscal year at a time: their scores as integer hundredths in numpy arrays
through :func:`itanb.grading.derive_year` and :func:`itanb.grading.grade_year`, with the rule files read once
(:class:`Rules`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from itanb.grading import (
    FIRST_PASS_YEAR,
    INDICATORS,
    NOT_GIVEN,
    PASS_MARK,
    TOOLS,
    TOTAL,
    Band,
    DerivedYear,
    Weight,
    YearGrades,
    bands_in,
    derive_year,
    grade_year,
    load_schemes,
    load_weights,
)

SCORED = (TOTAL, *TOOLS, *INDICATORS)


@dataclass(frozen=True)
class Rules:
    """The grading schemes and score weights, read once for one ingest."""

    schemes: tuple[Band, ...]
    weights: tuple[Weight, ...]

    @classmethod
    def load(cls) -> Rules:
        return cls(load_schemes(), load_weights())


@dataclass(frozen=True)
class ScoredYear:
    """The candidates of one fiscal year (row i is ``candidates[i]``), derived and graded."""

    fiscal_year: int
    candidates: list  # of itanb.ingest.assessments.Candidate
    derived: DerivedYear
    grades: YearGrades

    def passed(self) -> np.ndarray:
        """The harmonised pass flag per row (object: True/False, None before FY2562)."""
        if self.fiscal_year < FIRST_PASS_YEAR:
            return np.full(len(self.candidates), None, dtype=object)
        return (self.derived.values[TOTAL] >= int(PASS_MARK * 100)).astype(object)


def _cents(candidates: list, name: str) -> np.ndarray:
    if name == TOTAL:
        return np.fromiter((int(c.score * 100) for c in candidates), np.int64, len(candidates))
    return np.fromiter((int(c.parts[name] * 100) if name in c.parts else NOT_GIVEN for c in candidates),
                       np.int64, len(candidates))


def score_year(fiscal_year: int, candidates: list, rules: Rules) -> ScoredYear:
    """Derive the tools and total of ``candidates`` (all of ``fiscal_year``) from their parts, and grade the
    total with the tools (given or derived)."""
    present = {TOTAL} | {name for c in candidates for name in c.parts}
    given = {name: _cents(candidates, name) for name in SCORED if name in present}
    derived = derive_year(fiscal_year, given, rules.weights, rows=len(candidates))
    tools = {t: derived.values[t] for t in TOOLS if t in derived.values}
    grades = grade_year(fiscal_year, derived.values[TOTAL], tools, bands_in(fiscal_year, rules.schemes),
                        rules.weights)
    return ScoredYear(fiscal_year, candidates, derived, grades)


class Scored:
    """Every candidate scored, a fiscal year at a time; :meth:`of` finds a candidate's year and row."""

    def __init__(self, candidates: Iterable, rules: Rules):
        self.rules = rules
        self.years: list[ScoredYear] = []
        self._where: dict[int, tuple[ScoredYear, int]] = {}
        self.add(candidates)

    def add(self, candidates: Iterable) -> None:
        """Score the candidates not scored yet (a merged candidate is a new one)."""
        by_year: dict[int, list] = {}
        for c in candidates:
            if id(c) not in self._where:
                by_year.setdefault(c.fiscal_year, []).append(c)
        for fy, group in sorted(by_year.items()):
            year = score_year(fy, group, self.rules)
            self.years.append(year)
            self._where.update((id(c), (year, i)) for i, c in enumerate(group))

    def of(self, candidate: object) -> tuple[ScoredYear, int]:
        return self._where[id(candidate)]
