"""The grading schemes (``grading_schemes.csv``): the levels of each scheme and their conditions."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from itanb.errors import InputError
from itanb.grading.values import TOOLS, check_range, decimal_or_none, rule_path, rule_rows, stat_key
from itanb.paths import PACKAGE_DATA

DEFAULT_SCHEMES = PACKAGE_DATA / "grading_schemes.csv"
COLUMNS = ("scheme", "fy_from", "fy_to", "level", "rank", "min_total", "min_each_tool", "some_tool_below",
           "tools", "note", "source", "confirmed_to")


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



# --- grading schemes ---------------------------------------------------------------------------------------

def load_schemes(path: Path | str | None = None) -> tuple[Band, ...]:
    """All bands of the scheme file (default: ``$ITANB_GRADING_SCHEMES`` or the packaged one).

    Checked: the columns, one year range per scheme, no fiscal year in two schemes, unique ranks and
    levels within a scheme, known tool names (the same in every row of a scheme), and a floor band
    (min_total 0, no tool condition) in every graded scheme so that every score gets a level. Raises
    InputError naming the file and line.
    """
    return _load_schemes(*stat_key(rule_path(path, "ITANB_GRADING_SCHEMES", DEFAULT_SCHEMES),
                                    "grading schemes"))


@cache
def _load_schemes(path: Path, _mtime_ns: int, _size: int) -> tuple[Band, ...]:
    bands: list[tuple[Band, int]] = []  # (band, line in the file)
    for n, row in rule_rows(path, COLUMNS, "grading schemes"):
        try:
            band = Band(
                scheme=row["scheme"].strip(),
                fy_from=int(row["fy_from"]),
                fy_to=int(row["fy_to"]),
                level=row["level"].strip() or None,
                rank=int(row["rank"]) if row["rank"].strip() else None,
                min_total=decimal_or_none(row["min_total"]),
                min_each_tool=decimal_or_none(row["min_each_tool"]),
                some_tool_below=decimal_or_none(row["some_tool_below"]),
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
    check_range(band.fy_from, band.fy_to, path, line)
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
    return list(bands_in(int(fiscal_year), load_schemes(path)))


@cache
def bands_in(fiscal_year: int, bands: tuple[Band, ...]) -> tuple[Band, ...]:
    found = [b for b in bands if b.fy_from <= fiscal_year <= b.fy_to]
    return tuple(sorted(found, key=lambda b: -(b.rank or 0)))


def scheme_of(fiscal_year: int, path: Path | str | None = None) -> str | None:
    """The name of the scheme in force in ``fiscal_year`` (None: no scheme known)."""
    bands = bands_for(fiscal_year, path)
    return bands[0].scheme if bands else None


