"""ITA grading schemes by fiscal year, read from a data file (``itanb/data/grading_schemes.csv``).

Scores are compared as two-decimal :class:`~decimal.Decimal` values so that band edges are exact
(84.99 is below 85.00, whatever the float representation). A user may point to an edited copy of the
scheme file with ``ITANB_GRADING_SCHEMES`` or the ``path`` argument.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from itanb.errors import InputError
from itanb.paths import PACKAGE_DATA

DEFAULT_SCHEMES = PACKAGE_DATA / "grading_schemes.csv"
PASS_MARK = Decimal("85.00")
FIRST_PASS_YEAR = 2562  # the harmonised pass mark applies from FY2562 on
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Band:
    scheme: str
    fy_from: int
    fy_to: int
    level: str | None
    rank: int | None
    min_total: Decimal | None
    min_each_tool: Decimal | None
    note: str
    source: str
    confirmed: bool


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one score: ``level`` is None exactly when ``reason`` says why."""

    fiscal_year: int
    score: Decimal
    scheme: str | None
    level: str | None
    rank: int | None
    reason: str | None = None
    confirmed: bool = False


def to_score(value: object, *, where: str | None = None) -> Decimal:
    """A score as a two-decimal Decimal in [0, 100]; raises InputError otherwise."""
    try:
        if isinstance(value, float):
            value = repr(value)
        score = Decimal(str(value).strip()).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise InputError(f"score {value!r} is not a number", source=where) from None
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        raise InputError(f"score {value} is outside 0–100", source=where)
    return score


def _dec(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


@cache
def load_schemes(path: Path | None = None) -> tuple[Band, ...]:
    """All bands of the scheme file (default: the packaged one, or ``$ITANB_GRADING_SCHEMES``)."""
    path = Path(path or os.environ.get("ITANB_GRADING_SCHEMES") or DEFAULT_SCHEMES)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise InputError(f"cannot read grading schemes: {exc.strerror}", source=path) from None
    bands = []
    for n, row in enumerate(rows, start=2):
        try:
            bands.append(
                Band(
                    scheme=row["scheme"],
                    fy_from=int(row["fy_from"]),
                    fy_to=int(row["fy_to"]),
                    level=row["level"] or None,
                    rank=int(row["rank"]) if row["rank"] else None,
                    min_total=_dec(row["min_total"]),
                    min_each_tool=_dec(row["min_each_tool"]),
                    note=row["note"],
                    source=row["source"],
                    confirmed=row["confirmed"].strip().lower() == "true",
                )
            )
        except (KeyError, ValueError, InvalidOperation) as exc:
            raise InputError(f"malformed grading scheme row ({exc})", source=path, line=n) from None
    return tuple(bands)


def bands_for(fiscal_year: int, path: Path | None = None) -> list[Band]:
    """The bands of the scheme in force in ``fiscal_year``, best level first (empty list: no scheme)."""
    bands = [b for b in load_schemes(path) if b.fy_from <= fiscal_year <= b.fy_to]
    return sorted(bands, key=lambda b: -(b.rank or 0))


def scheme_of(fiscal_year: int, path: Path | None = None) -> str | None:
    bands = bands_for(fiscal_year, path)
    return bands[0].scheme if bands else None


def grade(
    fiscal_year: int,
    score: object,
    *,
    iit: object = None,
    eit: object = None,
    oit: object = None,
    path: Path | None = None,
) -> Grade:
    """Grade ``score`` under the scheme of ``fiscal_year`` (BE).

    A level is given only where the scheme allows one; otherwise ``level`` is None and ``reason`` (Thai
    and English) says why. Bands that need tool scores (IIT/EIT/OIT) are skipped when any is missing.
    """
    total = to_score(score)
    tools = [to_score(t) for t in (iit, eit, oit) if t is not None and str(t) != "nan"]
    bands = bands_for(fiscal_year, path)
    if not bands:
        return Grade(fiscal_year, total, None, None, None, f"ไม่มีเกณฑ์ระดับสำหรับปีงบประมาณ {fiscal_year} "
                     f"(no grading scheme known for FY{fiscal_year})")
    graded = [b for b in bands if b.level is not None]
    if not graded:
        band = bands[0]
        return Grade(fiscal_year, total, band.scheme, None, None,
                     f"ปีงบประมาณ {fiscal_year} ไม่มีระดับที่คำนวณได้: {band.note}")
    for band in graded:
        if band.min_total is not None and total < band.min_total:
            continue
        if band.min_each_tool is not None:
            if len(tools) < 3 or min(tools) < band.min_each_tool:
                continue
        return Grade(fiscal_year, total, band.scheme, band.level, band.rank, None, band.confirmed)
    raise InputError(f"grading scheme for FY{fiscal_year} has no band for score {total}")


def passed(fiscal_year: int, score: object) -> bool | None:
    """The harmonised pass flag (score >= 85) from FY2562 on; None before (no comparable pass mark)."""
    if fiscal_year < FIRST_PASS_YEAR:
        return None
    return to_score(score) >= PASS_MARK
