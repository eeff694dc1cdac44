"""The NACC's published national figures, as data files in ``itanb/data`` with the source of every row.

- ``national-averages.csv``: per fiscal year the agencies assessed, the national average, the number and
  share at >= 85;
- ``national-levels.csv``: agencies per level (FY2562 shares only, FY2566 and FY2567 counts);
- ``national-indicators.csv``: national indicator scores (all ten for FY2562, the highest and lowest later);
- ``agency-type-averages.csv``: averages by agency type (17 types, FY2564–FY2566).

Sources are the NACC's reports to the Cabinet as the Cabinet's meeting summaries give them (the
``source`` column; copies in ``shared/sources``). Each loader checks its file (columns, numbers, ranges,
keys, a source on every row) and raises InputError naming the file and the line.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from itanb.errors import InputError
from itanb.paths import PACKAGE_DATA, stamp

NATIONAL_AVERAGES = PACKAGE_DATA / "national-averages.csv"
NATIONAL_LEVELS = PACKAGE_DATA / "national-levels.csv"
NATIONAL_INDICATORS = PACKAGE_DATA / "national-indicators.csv"
TYPE_AVERAGES = PACKAGE_DATA / "agency-type-averages.csv"
YEARS = (2557, 2600)  # fiscal years (BE) a published figure may have


def _read(path: Path | str | None, default: Path, columns: tuple[str, ...], numeric: dict[str, tuple],
          key: tuple[str, ...], *, sort: bool = True) -> pd.DataFrame:
    """Read a figures file: ``numeric`` maps a column to (dtype, low, high); every row needs a source.
    Sorted by ``key`` (unique), or in the file's order with ``sort=False``. Read and checked once per process
    while the file is unchanged (its modification time and size are looked at on every call); each call gets
    its own copy."""
    path = Path(path) if path else default
    try:
        key_of_file = stamp(path)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=path) from None
    return _parsed(*key_of_file, columns, tuple(numeric.items()), key, sort).copy()


@cache
def _parsed(path: Path, _mtime_ns: int, _size: int, columns: tuple[str, ...],
            numeric_items: tuple[tuple[str, tuple], ...], key: tuple[str, ...], sort: bool) -> pd.DataFrame:
    numeric = dict(numeric_items)
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=path) from None
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"not a readable UTF-8 CSV ({type(exc).__name__})", source=path) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; expected {', '.join(columns)}",
                         source=path, line=1)
    frame = frame[list(columns)].apply(lambda s: s.str.strip())
    out = {}
    for col in columns:
        if col not in numeric:
            out[col] = frame[col].astype(object).where(frame[col] != "", None)
            continue
        dtype, low, high = numeric[col]
        values = pd.to_numeric(frame[col].where(frame[col] != ""), errors="coerce")
        bad = (values.isna() & (frame[col] != "")) | (values < low) | (values > high)
        if dtype in ("int64", "Int64"):
            bad |= values.notna() & (values % 1 != 0)
        if dtype == "int64":
            bad |= values.isna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(f"{col} {frame[col].iloc[row]!r} is not a number in {low}–{high}", source=path,
                             line=row + 2)
        out[col] = values.astype(dtype)
    result = pd.DataFrame(out)
    unsourced = result["source"].isna() | ~result["source"].fillna("").str.startswith("https://")
    if unsourced.any():
        raise InputError("every row needs a source (an https:// address)", source=path,
                         line=int(unsourced.to_numpy().nonzero()[0][0]) + 2)
    dup = result.duplicated(list(key), keep="first")
    if dup.any():
        row = int(dup.to_numpy().nonzero()[0][0])
        shown = ", ".join(str(result[k].iloc[row]) for k in key)
        raise InputError(f"({shown}) appears twice (unique: {', '.join(key)})", source=path, line=row + 2)
    return result.sort_values(list(key), ignore_index=True) if sort else result


def national_averages(path: Path | str | None = None) -> pd.DataFrame:
    """National averages by fiscal year from ``itanb/data/national-averages.csv`` (or ``path``).

    Columns: fiscal_year int64 (BE, unique, ascending), agencies Int64 (assessed agencies, NA unknown),
    national_average float64, passed_85 Int64 (agencies at >= 85, NA unknown), passed_share float64 (0-1,
    NaN unknown), source str (URL).
    """
    frame = _read(path, NATIONAL_AVERAGES,
                  ("fiscal_year", "agencies", "national_average", "passed_85", "passed_share", "source"),
                  {"fiscal_year": ("int64", *YEARS), "agencies": ("Int64", 0, 100_000),
                   "national_average": ("float64", 0, 100), "passed_85": ("Int64", 0, 100_000),
                   "passed_share": ("float64", 0, 1)},
                  ("fiscal_year",))
    frame["source"] = frame["source"].astype(str)
    return frame


def national_levels(path: Path | str | None = None) -> pd.DataFrame:
    """Agencies per level and fiscal year as published; unique (fiscal_year, level).

    Columns: fiscal_year int64 (BE), level str (as published, incl. FY2562's reported-only ดำเนินการไม่ครบ
    ขั้นตอน (N/A)), agencies Int64 (NA where only the share was published), percent float64 (0-100), source
    str. Sorted by fiscal_year, then best level first (as the file lists them).
    """
    path = Path(path) if path else NATIONAL_LEVELS
    frame = _read(path, NATIONAL_LEVELS, ("fiscal_year", "level", "agencies", "percent", "source"),
                  {"fiscal_year": ("int64", *YEARS), "agencies": ("Int64", 0, 100_000),
                   "percent": ("float64", 0, 100)}, ("fiscal_year", "level"), sort=False)
    from itanb.grading import canonical_level, reported_only

    for i, (fy, level) in enumerate(zip(frame["fiscal_year"], frame["level"], strict=True)):
        if level is None or (canonical_level(fy, level) is None and not reported_only(fy, level)):
            raise InputError(f"{level!r} is not a level of FY{fy} (see grading_schemes.csv and "
                             "reported_levels.csv)", source=path, line=i + 2)
    return frame.sort_values("fiscal_year", kind="stable", ignore_index=True)


def national_indicators(path: Path | str | None = None) -> pd.DataFrame:
    """National indicator scores as published; unique (fiscal_year, indicator).

    Columns: fiscal_year int64 (BE), indicator int64 (1-10), score float64 (0-100), note str|None (e.g. "the
    lowest indicator"), source str. Sorted by fiscal_year, indicator. Only FY2562 has all ten.
    """
    return _read(path, NATIONAL_INDICATORS, ("fiscal_year", "indicator", "score", "note", "source"),
                 {"fiscal_year": ("int64", *YEARS), "indicator": ("int64", 1, 10),
                  "score": ("float64", 0, 100)}, ("fiscal_year", "indicator"))


def type_averages(path: Path | str | None = None) -> pd.DataFrame:
    """Averages by agency type as published; unique (fiscal_year, agency_type).

    Columns: fiscal_year int64 (BE), agency_type str (the report's name, e.g. องค์การบริหารส่วนตำบล),
    kind str|None (the matching ``agencies.kind``: อบต., เทศบาลตำบล, เทศบาลเมือง, เทศบาลนคร, อบจ., จังหวัด;
    None for the central types), agencies Int64 (NA where not given), average float64, passed_share float64
    (0-1, share at >= 85; NaN where not given), source str. Sorted by fiscal_year, agency_type. At most one
    row per (fiscal_year, kind).
    """
    path = Path(path) if path else TYPE_AVERAGES
    frame = _read(path, TYPE_AVERAGES,
                  ("fiscal_year", "agency_type", "kind", "agencies", "average", "passed_percent", "source"),
                  {"fiscal_year": ("int64", *YEARS), "agencies": ("Int64", 0, 100_000),
                   "average": ("float64", 0, 100), "passed_percent": ("float64", 0, 100)},
                  ("fiscal_year", "agency_type"))
    kinds = frame.dropna(subset=["kind"])
    dup = kinds.duplicated(["fiscal_year", "kind"])
    if dup.any():
        row = kinds[dup].iloc[0]
        raise InputError(f"kind {row['kind']!r} has two types in FY{row['fiscal_year']}", source=path)
    frame["passed_share"] = (frame.pop("passed_percent") / 100).round(6)
    return frame[["fiscal_year", "agency_type", "kind", "agencies", "average", "passed_share", "source"]]
