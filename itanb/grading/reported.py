"""Levels as official texts report them (``reported_levels.csv``): reported-only categories and spellings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from itanb.errors import InputError
from itanb.grading.schemes import Band, bands_for, bands_in, load_schemes
from itanb.grading.values import check_range, rule_path, rule_rows, stat_key
from itanb.paths import PACKAGE_DATA

DEFAULT_REPORTED = PACKAGE_DATA / "reported_levels.csv"
REPORTED_COLUMNS = ("fy_from", "fy_to", "reported", "level", "note", "source")


@dataclass(frozen=True)
class ReportedLevel:
    fy_from: int
    fy_to: int
    reported: str
    level: str | None  # the scheme's level it stands for; None: a reported-only category, never computed
    note: str
    source: str



# --- reported levels ---------------------------------------------------------------------------------------

def load_reported_levels(path: Path | str | None = None) -> tuple[ReportedLevel, ...]:
    """Reported-only levels and spelling variants (default: ``$ITANB_REPORTED_LEVELS`` or the packaged file).

    Checked: the columns, the year range, and that ``level`` (when given) is a level of every scheme in force
    in those years. Raises InputError naming the file and line.
    """
    key = stat_key(rule_path(path, "ITANB_REPORTED_LEVELS", DEFAULT_REPORTED), "reported levels")
    return _load_reported(*key, load_schemes())


@cache
def _load_reported(path: Path, _mtime_ns: int, _size: int,
                   schemes: tuple[Band, ...]) -> tuple[ReportedLevel, ...]:
    out = []
    for n, row in rule_rows(path, REPORTED_COLUMNS, "reported levels"):
        try:
            r = ReportedLevel(int(row["fy_from"]), int(row["fy_to"]), row["reported"].strip(),
                              row["level"].strip() or None, row["note"], row["source"])
        except ValueError as exc:
            raise InputError(f"malformed reported level row ({exc})", source=path, line=n) from None
        check_range(r.fy_from, r.fy_to, path, n)
        if not r.reported:
            raise InputError("reported level row without the reported text", source=path, line=n)
        if r.level is not None:
            for fy in range(r.fy_from, r.fy_to + 1):
                levels = {b.level for b in bands_in(fy, schemes)}
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


