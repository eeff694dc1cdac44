"""ITA grading schemes by fiscal year, read from a data file (``itanb/data/grading_schemes.csv``).

Scores are compared as two-decimal :class:`~decimal.Decimal` values (or, vectorised, as integer hundredths) so
that band edges are exact: 84.99 is below 85.00 whatever the float representation. A user may point to an
edited copy of the scheme file with the ``path`` argument or ``$ITANB_GRADING_SCHEMES``; an edited file is
re-read when it changes.

Levels are comparable only within one scheme (``letters`` 2562–2565, ``passfail`` 2566, ``five`` 2567 on):
:func:`level_steps` counts steps within a scheme and labels a change across schemes as such. The harmonised
``passed`` flag (score >= 85, the national target since FY2562) is what compares across schemes.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from itanb.errors import InputError
from itanb.paths import PACKAGE_DATA

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_SCHEMES = PACKAGE_DATA / "grading_schemes.csv"
PASS_MARK = Decimal("85.00")
FIRST_PASS_YEAR = 2562  # the harmonised pass mark applies from FY2562 on
CENT = Decimal("0.01")
COLUMNS = ("scheme", "fy_from", "fy_to", "level", "rank", "min_total", "min_each_tool", "note", "source",
           "confirmed")


@dataclass(frozen=True)
class Band:
    scheme: str
    fy_from: int
    fy_to: int
    level: str | None
    rank: int | None  # higher is better; comparable only within one scheme
    min_total: Decimal | None
    min_each_tool: Decimal | None  # IIT, EIT and OIT must each reach this (None: no tool condition)
    note: str
    source: str
    confirmed: bool


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one score: ``level`` is None exactly when ``reason`` says why.

    ``note`` qualifies a level that was given, e.g. FY2567+ with the total alone (the best claim is ผ่าน).
    """

    fiscal_year: int
    score: Decimal
    scheme: str | None
    level: str | None
    rank: int | None
    reason: str | None = None
    confirmed: bool = False
    note: str | None = None


@dataclass(frozen=True)
class LevelChange:
    """A change of level between two fiscal years.

    ``steps`` (positive = better) only when both levels are known and in the same scheme; ``same_scheme``
    is False across a scheme change, and ``label`` (Thai) then says "เปลี่ยนเกณฑ์ (A → ผ่าน)".
    """

    steps: int | None
    same_scheme: bool
    label: str


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def to_score(value: object, *, where: str | None = None) -> Decimal:
    """A score as a two-decimal Decimal in [0, 100] (half-up rounding); raises InputError otherwise."""
    if isinstance(value, bool):
        raise InputError(f"score {value!r} is not a number", source=where)
    try:
        if isinstance(value, float):  # also numpy.float64, whose repr is "np.float64(...)"
            value = repr(float(value))
        score = Decimal(str(value).strip().replace(",", "")).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise InputError(f"score {value!r} is not a number", source=where) from None
    if not score.is_finite():
        raise InputError(f"score {value!r} is not a number", source=where)
    if not Decimal(0) <= score <= Decimal(100):
        raise InputError(f"score {value} is outside 0–100", source=where)
    return score


def _dec(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def _schemes_path(path: Path | str | None) -> Path:
    return _resolved(str(path or os.environ.get("ITANB_GRADING_SCHEMES") or DEFAULT_SCHEMES))


@cache
def _resolved(path: str) -> Path:
    """Resolving a path costs a system call per component: done once per path (every grade() needs it; the
    file's modification time is still checked on each call, so an edit is seen at once)."""
    return Path(path).resolve()


def load_schemes(path: Path | str | None = None) -> tuple[Band, ...]:
    """All bands of the scheme file (default: ``$ITANB_GRADING_SCHEMES`` or the packaged one).

    Checked: the columns, one year range per scheme, no fiscal year in two schemes, unique ranks and
    levels within a scheme, and a floor band (min_total 0, no tool condition) in every graded scheme so that
    every score gets a level. Raises InputError naming the file and line.
    """
    resolved = _schemes_path(path)
    try:
        stat = resolved.stat()
    except OSError as exc:
        raise InputError(f"cannot read grading schemes: {exc.strerror}", source=resolved) from None
    return _load_schemes(resolved, stat.st_mtime_ns, stat.st_size)


@cache
def _load_schemes(path: Path, _mtime_ns: int, _size: int) -> tuple[Band, ...]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"grading schemes lack column(s) {', '.join(missing)}; "
                                 f"expected {', '.join(COLUMNS)}", source=path, line=1)
            rows = list(reader)
    except OSError as exc:
        raise InputError(f"cannot read grading schemes: {exc.strerror}", source=path) from None
    except UnicodeDecodeError:
        raise InputError("grading schemes are not UTF-8 text", source=path) from None
    bands: list[tuple[Band, int]] = []  # (band, line in the file)
    for n, row in enumerate(rows, start=2):
        if not any((v or "").strip() for v in row.values()):
            continue
        try:
            band = Band(
                scheme=row["scheme"].strip(),
                fy_from=int(row["fy_from"]),
                fy_to=int(row["fy_to"]),
                level=row["level"].strip() or None,
                rank=int(row["rank"]) if row["rank"].strip() else None,
                min_total=_dec(row["min_total"]),
                min_each_tool=_dec(row["min_each_tool"]),
                note=row["note"],
                source=row["source"],
                confirmed=row["confirmed"].strip().lower() == "true",
            )
        except (AttributeError, ValueError, InvalidOperation) as exc:
            raise InputError(f"malformed grading scheme row ({exc})", source=path, line=n) from None
        _check_band(band, path, n)
        bands.append((band, n))
    _check_schemes(bands, path)
    return tuple(band for band, _ in bands)


def _check_band(band: Band, path: Path, line: int) -> None:
    if not band.scheme:
        raise InputError("grading scheme row without a scheme name", source=path, line=line)
    if band.fy_from > band.fy_to:
        raise InputError(f"fy_from {band.fy_from} is after fy_to {band.fy_to}", source=path, line=line)
    if band.level is not None and (band.rank is None or band.min_total is None):
        raise InputError(f"level {band.level!r} needs a rank and a min_total", source=path, line=line)
    for name, value in (("min_total", band.min_total), ("min_each_tool", band.min_each_tool)):
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            raise InputError(f"{name} {value} is outside 0–100", source=path, line=line)


def _check_schemes(bands: list[tuple[Band, int]], path: Path) -> None:
    by_scheme: dict[str, list[tuple[Band, int]]] = {}
    for band, line in bands:
        by_scheme.setdefault(band.scheme, []).append((band, line))
    spans = []
    for name, group in by_scheme.items():
        first, first_line = group[0]
        for band, line in group[1:]:
            if (band.fy_from, band.fy_to) != (first.fy_from, first.fy_to):
                raise InputError(f"scheme {name!r} has two year ranges ({first.fy_from}–{first.fy_to} and "
                                 f"{band.fy_from}–{band.fy_to})", source=path, line=line)
        graded = [b for b, _ in group if b.level is not None]
        for attr in ("rank", "level"):
            values = [getattr(b, attr) for b in graded]
            if len(set(values)) != len(values):
                raise InputError(f"scheme {name!r} repeats a {attr}", source=path, line=first_line)
        if graded and not any(b.min_total == 0 and b.min_each_tool is None for b in graded):
            raise InputError(f"scheme {name!r} has no floor band (min_total 0 without a tool condition), "
                             "so some scores would get no level", source=path, line=first_line)
        spans.append((first.fy_from, first.fy_to, name, first_line))
    spans.sort()
    for (_, to_a, name_a, _), (from_b, _, name_b, line_b) in itertools.pairwise(spans):
        if from_b <= to_a:
            raise InputError(f"schemes {name_a!r} and {name_b!r} both cover FY{from_b}",
                             source=path, line=line_b)


def bands_for(fiscal_year: int, path: Path | str | None = None) -> list[Band]:
    """The bands of the scheme in force in ``fiscal_year``, best level first (empty list: no scheme)."""
    bands = [b for b in load_schemes(path) if b.fy_from <= fiscal_year <= b.fy_to]
    return sorted(bands, key=lambda b: -(b.rank or 0))


def scheme_of(fiscal_year: int, path: Path | str | None = None) -> str | None:
    """The name of the scheme in force in ``fiscal_year`` (None: no scheme known)."""
    bands = bands_for(fiscal_year, path)
    return bands[0].scheme if bands else None


def grade(
    fiscal_year: int,
    score: object,
    *,
    iit: object = None,
    eit: object = None,
    oit: object = None,
    path: Path | str | None = None,
) -> Grade:
    """Grade ``score`` under the scheme of ``fiscal_year`` (BE).

    A level is given only where the scheme allows one; otherwise ``level`` is None and ``reason`` (Thai
    and English, one line) says why. Bands that need tool scores (IIT/EIT/OIT) are skipped unless all three
    are given; ``note`` then says that a better level may apply.
    """
    total = to_score(score)
    tools = [to_score(t) for t in (iit, eit, oit) if not _is_missing(t)]
    fiscal_year = int(fiscal_year)
    bands = bands_for(fiscal_year, path)
    if not bands:
        return Grade(fiscal_year, total, None, None, None,
                     f"ไม่มีเกณฑ์ระดับสำหรับปีงบประมาณ {fiscal_year} (no grading scheme known for FY{fiscal_year})")
    graded = [b for b in bands if b.level is not None]
    if not graded:
        band = bands[0]
        return Grade(fiscal_year, total, band.scheme, None, None,
                     f"ปีงบประมาณ {fiscal_year} ไม่มีระดับที่คำนวณได้ (FY{fiscal_year}: {band.note})")
    skipped = False
    for band in graded:
        if band.min_total is not None and total < band.min_total:
            continue
        if band.min_each_tool is not None and (len(tools) < 3 or min(tools) < band.min_each_tool):
            skipped = skipped or len(tools) < 3
            continue
        note = None
        if skipped:
            note = ("ไม่มีคะแนนรายเครื่องมือ (IIT/EIT/OIT) ครบ: ระดับที่สูงกว่านี้ต้องใช้คะแนนรายเครื่องมือ "
                    "(without the three tool scores this is the best level that can be claimed)")
        return Grade(fiscal_year, total, band.scheme, band.level, band.rank, None, band.confirmed, note)
    raise InputError(f"grading scheme for FY{fiscal_year} has no band for score {total}")


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


def grade_frame(
    fiscal_year: pd.Series,
    score: pd.Series,
    iit: pd.Series | None = None,
    eit: pd.Series | None = None,
    oit: pd.Series | None = None,
    *,
    path: Path | str | None = None,
) -> pd.DataFrame:
    """Vectorised :func:`grade` and :func:`passed` for many rows (same index as ``score``).

    Returns columns scheme (object str|None), level (object str|None), rank (Int64), passed (boolean, NA
    before FY2562 or without a score). Scores are compared as integer hundredths (exact at band edges); a
    missing score gives no level. Scores outside 0–100 raise InputError.
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
    has_score = ~np.isnan(cents)
    tools = np.vstack([
        pd.to_numeric(pd.Series(tool, index=index), errors="coerce").to_numpy(dtype="float64")
        if tool is not None else np.full(len(index), np.nan)
        for tool in (iit, eit, oit)
    ])
    min_tool = np.round(tools * 100).min(axis=0)  # NaN unless all three tools are known

    scheme = np.full(len(index), None, dtype=object)
    level = np.full(len(index), None, dtype=object)
    rank = np.full(len(index), np.nan)
    for year in np.unique(years):
        in_year = years == year
        bands = bands_for(int(year), path)
        if not bands:
            continue
        scheme[in_year] = bands[0].scheme
        todo = in_year & has_score
        for band in bands:
            if band.level is None:
                continue
            ok = todo & (cents >= float(band.min_total * 100))
            if band.min_each_tool is not None:
                ok &= ~np.isnan(min_tool) & (min_tool >= float(band.min_each_tool * 100))
            level[ok] = band.level
            rank[ok] = band.rank
            todo &= ~ok
    passed_values = pd.array(np.where(has_score, cents >= float(PASS_MARK * 100), False), dtype="boolean")
    passed_values[~has_score | (years < FIRST_PASS_YEAR)] = pd.NA
    rank_values = pd.array(rank, dtype="Float64").astype("Int64")
    return pd.DataFrame({"scheme": scheme, "level": level, "rank": rank_values, "passed": passed_values},
                        index=index)


# ------------------------------------------------------------ a reported level against the score
def same_level(a: str, b: str) -> bool:
    """Two spellings of one level (``"A"`` and ``" a "``; ``"ผ่าน"``): spaces and case do not count."""
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def unverifiable_levels(fiscal_year: int, score: object, path: Path | str | None = None) -> frozenset[str]:
    """The levels of ``fiscal_year`` that need IIT/EIT/OIT scores and that ``score`` (the total) allows: a
    reported one cannot be checked without the tool scores."""
    total = to_score(score)
    tool_bands = [b for b in bands_for(int(fiscal_year), path) if b.level and b.min_each_tool is not None]
    return frozenset(b.level for b in tool_bands if b.min_total is None or total >= b.min_total)


def level_disagrees(fiscal_year: int, score: object, reported: str | None, computed: str | None, *,
                    tools_missing: bool = True, path: Path | str | None = None) -> bool:
    """The one rule for a level mismatch: a reported level that differs from the level computed from the
    score. Not a mismatch: nothing reported, no level computable, or (``tools_missing``) a reported level
    that needs the tool scores and that the total allows (:func:`unverifiable_levels`)."""
    if not reported or not computed or same_level(reported, computed):
        return False
    return not (tools_missing and any(same_level(reported, u)
                                      for u in unverifiable_levels(fiscal_year, score, path)))


def level_mismatch_message(fiscal_year: object, score: object, reported: str, computed: str) -> str:
    """The one Thai sentence of a level mismatch, from values already written as they are to be shown
    (``ระดับที่รายงาน E ไม่ตรงกับระดับที่คำนวณได้ C จากคะแนน 74.83 (ปีงบประมาณ พ.ศ. 2564)``)."""
    return (f"ระดับที่รายงาน {reported} ไม่ตรงกับระดับที่คำนวณได้ {computed} จากคะแนน {score} "
            f"(ปีงบประมาณ พ.ศ. {fiscal_year})")
