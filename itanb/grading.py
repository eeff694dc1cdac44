"""ITA rules by fiscal year, read from data files shipped in the package (``itanb/data``).

- ``grading_schemes.csv``: the levels of each scheme and their conditions (a band on the total, and from
  FY2566 conditions on the four tool scores IIT, EIT part 1, EIT part 2 and OIT);
- ``score_weights.csv``: how the total is made of the tools and each tool of its indicators, with the
  tolerance of published (rounded) figures;
- ``reported_levels.csv``: levels that appear in official texts but are not computed (FY2562's
  ดำเนินการไม่ครบขั้นตอน) and spelling variants of a scheme's level (ต้องปรับปรุงด่วน).

Scores are compared as two-decimal :class:`~decimal.Decimal` values (weights as exact fractions), so band
edges are exact: 84.99 is below 85.00 whatever the float representation. A user may point to edited copies
with the ``path`` arguments or ``$ITANB_GRADING_SCHEMES``, ``$ITANB_SCORE_WEIGHTS``,
``$ITANB_REPORTED_LEVELS``; an edited file is re-read when it changes.

:func:`grade` says which levels are *possible* given what is known: with the total alone a FY2566+ total of 85
or more may be any of the top three levels, and no single level is claimed. Levels are comparable only within
one scheme (``letters`` 2562–2565, ``five`` 2566 on): :func:`level_steps` counts steps within a scheme and
labels a change across schemes as such. The harmonised ``passed`` flag (score >= 85, the national target since
FY2562) is what compares across schemes.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from itanb.errors import InputError
from itanb.paths import PACKAGE_DATA

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_SCHEMES = PACKAGE_DATA / "grading_schemes.csv"
DEFAULT_WEIGHTS = PACKAGE_DATA / "score_weights.csv"
DEFAULT_REPORTED = PACKAGE_DATA / "reported_levels.csv"
PASS_MARK = Decimal("85.00")
FIRST_PASS_YEAR = 2562  # the harmonised pass mark applies from FY2562 on
CENT = Decimal("0.01")
COLUMNS = ("scheme", "fy_from", "fy_to", "level", "rank", "min_total", "min_each_tool", "some_tool_below",
           "tools", "note", "source", "confirmed_to")
WEIGHT_COLUMNS = ("fy_from", "fy_to", "composite", "component", "weight", "tolerance", "source")
REPORTED_COLUMNS = ("fy_from", "fy_to", "reported", "level", "note", "source")
# the tool scores, in the order the NACC lists them; eit1/eit2 are EIT's two parts from FY2566
TOOLS = ("iit", "eit", "eit1", "eit2", "oit")
TOOL_LABELS = {"iit": "IIT", "eit": "EIT", "eit1": "EIT ส่วนที่ 1", "eit2": "EIT ส่วนที่ 2", "oit": "OIT"}
INDICATORS = tuple(f"i{n}" for n in range(1, 11))  # the ten indicators (ตัวชี้วัดที่ 1-10)
TOTAL = "total"


@dataclass(frozen=True, eq=False)  # hashed by identity: the loaded bands are cache keys
class Band:
    scheme: str
    fy_from: int
    fy_to: int
    level: str | None
    rank: int | None  # higher is better; comparable only within one scheme
    min_total: Decimal | None
    min_each_tool: Decimal | None  # every tool of ``tools`` must reach this (None: no such condition)
    some_tool_below: Decimal | None  # at least one tool of ``tools`` is below this (None: no such condition)
    tools: tuple[str, ...]  # the tool scores the conditions are about
    note: str
    source: str
    confirmed_to: int | None  # the rule is confirmed by an official source up to this fiscal year

    @property
    def conditioned(self) -> bool:
        return self.min_each_tool is not None or self.some_tool_below is not None


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
class ReportedLevel:
    fy_from: int
    fy_to: int
    reported: str
    level: str | None  # the scheme's level it stands for; None: a reported-only category, never computed
    note: str
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


def _env_path(path: Path | str | None, env: str, default: Path) -> Path:
    return _resolved(str(path or os.environ.get(env) or default))


@cache
def _resolved(path: str) -> Path:
    """Resolving a path costs a system call per component: done once per path (every grade() needs it; the
    file's modification time is still checked on each call, so an edit is seen at once)."""
    return Path(path).resolve()


def _stat_key(path: Path, what: str) -> tuple[Path, int, int]:
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", source=path) from None
    return path, stat.st_mtime_ns, stat.st_size


def _csv_rows(path: Path, columns: tuple[str, ...], what: str) -> list[tuple[int, dict[str, str]]]:
    """(line, row) of a rule file, blank rows skipped; raises InputError for a missing column or bad text."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"{what} lack column(s) {', '.join(missing)}; expected {', '.join(columns)}",
                                 source=path, line=1)
            rows = [(n, {k: (v or "") for k, v in row.items() if k is not None})
                    for n, row in enumerate(reader, start=2)]
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", source=path) from None
    except UnicodeDecodeError:
        raise InputError(f"{what} are not UTF-8 text", source=path) from None
    return [(n, row) for n, row in rows if any(v.strip() for v in row.values())]


def _check_range(fy_from: int, fy_to: int, path: Path, line: int) -> None:
    if fy_from > fy_to:
        raise InputError(f"fy_from {fy_from} is after fy_to {fy_to}", source=path, line=line)


# --- grading schemes ---------------------------------------------------------------------------------------

def load_schemes(path: Path | str | None = None) -> tuple[Band, ...]:
    """All bands of the scheme file (default: ``$ITANB_GRADING_SCHEMES`` or the packaged one).

    Checked: the columns, one year range per scheme, no fiscal year in two schemes, unique ranks and
    levels within a scheme, known tool names (the same in every row of a scheme), and a floor band
    (min_total 0, no tool condition) in every graded scheme so that every score gets a level. Raises
    InputError naming the file and line.
    """
    return _load_schemes(*_stat_key(_env_path(path, "ITANB_GRADING_SCHEMES", DEFAULT_SCHEMES),
                                    "grading schemes"))


@cache
def _load_schemes(path: Path, _mtime_ns: int, _size: int) -> tuple[Band, ...]:
    bands: list[tuple[Band, int]] = []  # (band, line in the file)
    for n, row in _csv_rows(path, COLUMNS, "grading schemes"):
        try:
            band = Band(
                scheme=row["scheme"].strip(),
                fy_from=int(row["fy_from"]),
                fy_to=int(row["fy_to"]),
                level=row["level"].strip() or None,
                rank=int(row["rank"]) if row["rank"].strip() else None,
                min_total=_dec(row["min_total"]),
                min_each_tool=_dec(row["min_each_tool"]),
                some_tool_below=_dec(row["some_tool_below"]),
                tools=tuple(row["tools"].split()),
                note=row["note"],
                source=row["source"],
                confirmed_to=int(row["confirmed_to"]) if row["confirmed_to"].strip() else None,
            )
        except (ValueError, InvalidOperation) as exc:
            raise InputError(f"malformed grading scheme row ({exc})", source=path, line=n) from None
        _check_band(band, path, n)
        bands.append((band, n))
    _check_schemes(bands, path)
    return tuple(band for band, _ in bands)


def _check_band(band: Band, path: Path, line: int) -> None:
    if not band.scheme:
        raise InputError("grading scheme row without a scheme name", source=path, line=line)
    _check_range(band.fy_from, band.fy_to, path, line)
    if band.level is not None and (band.rank is None or band.min_total is None):
        raise InputError(f"level {band.level!r} needs a rank and a min_total", source=path, line=line)
    for name in ("min_total", "min_each_tool", "some_tool_below"):
        value = getattr(band, name)
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            raise InputError(f"{name} {value} is outside 0–100", source=path, line=line)
    unknown = [t for t in band.tools if t not in TOOLS]
    if unknown:
        raise InputError(f"unknown tool {unknown[0]!r} (known: {', '.join(TOOLS)})", source=path, line=line)
    if band.conditioned and not band.tools:
        raise InputError(f"level {band.level!r} has a tool condition but names no tools", source=path,
                         line=line)


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
            if band.tools != first.tools:
                raise InputError(f"scheme {name!r} names two sets of tools", source=path, line=line)
        graded = [b for b, _ in group if b.level is not None]
        for attr in ("rank", "level"):
            values = [getattr(b, attr) for b in graded]
            if len(set(values)) != len(values):
                raise InputError(f"scheme {name!r} repeats a {attr}", source=path, line=first_line)
        if graded and not any(b.min_total == 0 and not b.conditioned for b in graded):
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
    return list(_bands_for(int(fiscal_year), load_schemes(path)))


@cache
def _bands_for(fiscal_year: int, bands: tuple[Band, ...]) -> tuple[Band, ...]:
    found = [b for b in bands if b.fy_from <= fiscal_year <= b.fy_to]
    return tuple(sorted(found, key=lambda b: -(b.rank or 0)))


def scheme_of(fiscal_year: int, path: Path | str | None = None) -> str | None:
    """The name of the scheme in force in ``fiscal_year`` (None: no scheme known)."""
    bands = bands_for(fiscal_year, path)
    return bands[0].scheme if bands else None


# --- weights -----------------------------------------------------------------------------------------------

def load_weights(path: Path | str | None = None) -> tuple[Weight, ...]:
    """All rows of the weights file (default: ``$ITANB_SCORE_WEIGHTS`` or the packaged one).

    Checked: known names (total, the tools, i1..i10), positive weights written as decimals or fractions
    (``1/3``), the weights of each composite summing to 1 in each year range, no composite defined twice for
    one fiscal year, and no composite made (directly or not) of itself. Raises InputError naming the file and
    line.
    """
    return _load_weights(*_stat_key(_env_path(path, "ITANB_SCORE_WEIGHTS", DEFAULT_WEIGHTS), "score weights"))


@cache
def _load_weights(path: Path, _mtime_ns: int, _size: int) -> tuple[Weight, ...]:
    rows: list[tuple[Weight, int]] = []
    for n, row in _csv_rows(path, WEIGHT_COLUMNS, "score weights"):
        try:
            w = Weight(int(row["fy_from"]), int(row["fy_to"]), row["composite"].strip(),
                       row["component"].strip(), Fraction(row["weight"].strip()),
                       Decimal(row["tolerance"].strip()), row["source"])
        except (ValueError, ZeroDivisionError, InvalidOperation) as exc:
            raise InputError(f"malformed score weight row ({exc})", source=path, line=n) from None
        _check_range(w.fy_from, w.fy_to, path, n)
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
        _order(_weights_of(fy, weights), source=path)
    return weights


def _weights_of(fiscal_year: int, weights: tuple[Weight, ...]) -> dict[str, dict[str, Fraction]]:
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
    return _weights_of(int(fiscal_year), load_weights(path))


def tolerance_for(fiscal_year: int, path: Path | str | None = None) -> Decimal | None:
    """The largest difference accepted between a published composite and its recomputed value (0.01)."""
    found = [w.tolerance for w in load_weights(path) if w.fy_from <= int(fiscal_year) <= w.fy_to]
    return max(found) if found else None


def derive(fiscal_year: int, values: Mapping[str, object], *, path: Path | str | None = None) -> Derived:
    """Recompute every composite (tools, total) of ``fiscal_year`` whose components are all known.

    ``values``: scores by name (``total``, tools, ``i1``..``i10``; missing or NaN = unknown). A composite that
    was given is checked against its recomputed value (a :class:`Mismatch` when they differ by more than the
    tolerance, never overwritten); one that was not given is added to ``values`` (rounded half-up to two
    decimals). Composites are computed from exact values, so rounding is applied once.
    """
    fiscal_year = int(fiscal_year)
    given = {k: to_score(v, where=k) for k, v in values.items() if not _is_missing(v)}
    tree = weights_for(fiscal_year, path)
    tolerance = tolerance_for(fiscal_year, path) or Decimal(0)
    exact: dict[str, Fraction] = {k: Fraction(v) for k, v in given.items()}
    out = dict(given)
    computed: set[str] = set()
    mismatches = []
    for name in _order(tree):
        parts = tree[name]
        if not all(p in exact for p in parts):
            continue
        value = sum((w * exact[p] for p, w in parts.items()), Fraction(0))
        shown = _round(value)
        if name in given:
            if abs(Fraction(given[name]) - value) > Fraction(tolerance):
                mismatches.append(Mismatch(name, given[name], shown, tuple(parts)))
            continue
        exact[name] = value
        out[name] = shown
        computed.add(name)
    return Derived(out, frozenset(computed), tuple(mismatches))


def _round(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


# --- reported levels ---------------------------------------------------------------------------------------

def load_reported_levels(path: Path | str | None = None) -> tuple[ReportedLevel, ...]:
    """Reported-only levels and spelling variants (default: ``$ITANB_REPORTED_LEVELS`` or the packaged file).

    Checked: the columns, the year range, and that ``level`` (when given) is a level of every scheme in force
    in those years. Raises InputError naming the file and line.
    """
    key = _stat_key(_env_path(path, "ITANB_REPORTED_LEVELS", DEFAULT_REPORTED), "reported levels")
    return _load_reported(*key, load_schemes())


@cache
def _load_reported(path: Path, _mtime_ns: int, _size: int,
                   schemes: tuple[Band, ...]) -> tuple[ReportedLevel, ...]:
    out = []
    for n, row in _csv_rows(path, REPORTED_COLUMNS, "reported levels"):
        try:
            r = ReportedLevel(int(row["fy_from"]), int(row["fy_to"]), row["reported"].strip(),
                              row["level"].strip() or None, row["note"], row["source"])
        except ValueError as exc:
            raise InputError(f"malformed reported level row ({exc})", source=path, line=n) from None
        _check_range(r.fy_from, r.fy_to, path, n)
        if not r.reported:
            raise InputError("reported level row without the reported text", source=path, line=n)
        if r.level is not None:
            for fy in range(r.fy_from, r.fy_to + 1):
                levels = {b.level for b in _bands_for(fy, schemes)}
                for level in r.level.split("|"):
                    if level not in levels:
                        raise InputError(f"{level!r} is not a level of FY{fy}", source=path, line=n)
        out.append(r)
    return tuple(out)


def _level_key(text: str) -> str:
    return "".join(text.split()).casefold()


def _reported_entry(fiscal_year: int, reported: str) -> ReportedLevel | None:
    key = _level_key(reported)
    for r in load_reported_levels():
        if r.fy_from <= fiscal_year <= r.fy_to and _level_key(r.reported) == key:
            return r
    return None


def reported_levels(fiscal_year: int, reported: str | None) -> tuple[str, ...]:
    """Every level of the fiscal year's scheme that a reported text may stand for: the level itself, a
    spelling variant's level, or the levels of a word like ไม่ผ่าน (``level`` ``a|b`` in reported_levels.csv);
    empty for a reported-only category or an unknown text."""
    if not isinstance(reported, str) or not reported.strip():
        return ()
    key = _level_key(reported)
    for band in bands_for(int(fiscal_year)):
        if band.level is not None and _level_key(band.level) == key:
            return (band.level,)
    entry = _reported_entry(int(fiscal_year), reported)
    return tuple(entry.level.split("|")) if entry and entry.level else ()


def canonical_level(fiscal_year: int, reported: str | None) -> str | None:
    """The level of the fiscal year's scheme that a reported text stands for (spaces and case ignored,
    spelling variants of ``reported_levels.csv`` mapped); None for a reported-only category, an unknown text
    or a word standing for several levels.

    >>> canonical_level(2567, "ต้องปรับปรุงด่วน")
    'ต้องปรับปรุงโดยด่วน'
    """
    levels = reported_levels(fiscal_year, reported)
    return levels[0] if len(levels) == 1 else None


def reported_only(fiscal_year: int, reported: str | None) -> bool:
    """True for an official category that is never computed (FY2562 ดำเนินการไม่ครบขั้นตอน, N/A)."""
    if not isinstance(reported, str) or not reported.strip():
        return False
    entry = _reported_entry(int(fiscal_year), reported)
    return entry is not None and entry.level is None


def contradicts(fiscal_year: int, possible: tuple[str, ...], reported: str | None) -> bool:
    """True when a reported level cannot be the level of a score with these ``possible`` levels (see
    :class:`Grade`): it names a level of the scheme that is not possible, or a text that is no level of the
    year at all. A reported-only category, a year without computed levels and an empty report contradict
    nothing."""
    if not isinstance(reported, str) or not reported.strip() or not possible:
        return False
    if reported_only(fiscal_year, reported):
        return False
    return not set(reported_levels(fiscal_year, reported)) & set(possible)


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
    tree = _weights_of(fiscal_year, weights)
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
    total = to_score(score)
    given = {name: to_score(value, where=TOOL_LABELS[name])
             for name, value in (("iit", iit), ("eit", eit), ("eit1", eit1), ("eit2", eit2), ("oit", oit))
             if not _is_missing(value)}
    fiscal_year = int(fiscal_year)
    return _grade(fiscal_year, total, tuple(given.items()), _bands_for(fiscal_year, load_schemes(path)),
                  load_weights())


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
    has_score = ~np.isnan(cents)
    names = ("iit", "eit", "eit1", "eit2", "oit")
    tools = {name: pd.to_numeric(pd.Series(s, index=index), errors="coerce").to_numpy(dtype="float64")
             for name, s in zip(names, (iit, eit, eit1, eit2, oit), strict=True) if s is not None}

    scheme = np.full(len(index), None, dtype=object)
    level = np.full(len(index), None, dtype=object)
    possible = np.empty(len(index), dtype=object)
    for i in range(len(index)):
        possible[i] = ()
    rank = np.full(len(index), np.nan)
    for year in np.unique(years):
        in_year = years == year
        bands = bands_for(int(year), path)
        if not bands:
            continue
        scheme[in_year] = bands[0].scheme
        graded = [b for b in bands if b.level is not None]
        todo = in_year & has_score
        if any(b.conditioned for b in graded):
            memo: dict[tuple, Grade] = {}
            for i in np.flatnonzero(todo):
                args = {n: (None if np.isnan(v[i]) else round(float(v[i]), 2)) for n, v in tools.items()}
                key = (round(float(total.iloc[i]), 2), *args.values())
                if key not in memo:
                    memo[key] = grade(int(year), key[0], path=path, **args)
                g = memo[key]
                level[i], possible[i] = g.level, g.possible
                rank[i] = g.rank if g.rank is not None else np.nan
            continue
        for band in graded:
            ok = todo & (cents >= float(band.min_total * 100))
            level[ok] = band.level
            for i in np.flatnonzero(ok):  # element by element: numpy would unpack the tuples
                possible[i] = (band.level,)
            rank[ok] = band.rank
            todo &= ~ok
    passed_values = pd.array(np.where(has_score, cents >= float(PASS_MARK * 100), False), dtype="boolean")
    passed_values[~has_score | (years < FIRST_PASS_YEAR)] = pd.NA
    rank_values = pd.array(rank, dtype="Float64").astype("Int64")
    return pd.DataFrame({"scheme": scheme, "level": level, "possible": possible, "rank": rank_values,
                         "passed": passed_values}, index=index)


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
