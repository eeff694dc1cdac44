"""What the comparisons share: the indicator tables (reference data), match_key, grading a frame, overdue
measures, level-change labels, check_agency."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from itanb import grading
from itanb.errors import InputError, ParameterError
from itanb.paths import PACKAGE_DATA, stamp
from itanb.thai import normalize_for_matching
from itanb.vocabulary import level_change_label

INDICATORS = PACKAGE_DATA / "indicators.csv"
INDICATOR_KEYWORDS = PACKAGE_DATA / "indicator_keywords.csv"
CARRY_OVER_THRESHOLD = 80.0  # rapidfuzz ratio (0-100) on normalised names to call a measure carried over


def match_key(text: object) -> str:
    """Text reduced for matching: ``itanb.thai`` normalisation, then no spaces, punctuation or symbols.

    Thai text from PDFs has stray spaces inside words and "E – Service" vs "E-Service": both vanish here.
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    text = normalize_for_matching(str(text)).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


def _stat_key(path: Path) -> tuple[Path, int, int]:
    try:
        return stamp(path)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=path) from None


def _read_csv(path: Path, columns: tuple[str, ...], **kwargs: Any) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig", **kwargs)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=path) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; expected {', '.join(columns)}",
                         source=path, line=1)
    return frame


def indicators(path: Path | str | None = None) -> pd.DataFrame:
    """The ten ITA indicators. Columns: indicator int64 (1-10), name str (Thai), tool str (IIT|EIT|OIT),
    source str."""
    path = Path(path) if path else INDICATORS
    return _indicators(*_stat_key(path)).copy()


@cache
def _indicators(path: Path, _mtime_ns: int, _size: int) -> pd.DataFrame:
    frame = _read_csv(path, ("indicator", "name", "tool", "source"), dtype={"name": str, "tool": str})
    frame["indicator"] = frame["indicator"].astype("int64")
    return frame


def indicator_keywords(path: Path | str | None = None) -> pd.DataFrame:
    """Keyword -> indicator numbers (the project's own mapping, editable).

    Columns: keyword str (as written), key str (:func:`match_key` of it), indicators list[int] (first is the
    main one), note str, source str.
    """
    path = Path(path) if path else INDICATOR_KEYWORDS
    return _indicator_keywords(*_stat_key(path)).copy()


@cache
def _indicator_keywords(path: Path, _mtime_ns: int, _size: int) -> pd.DataFrame:
    frame = _read_csv(path, ("keyword", "indicators", "source"), dtype=str, keep_default_na=False)
    try:
        frame["indicators"] = [[int(x) for x in re.split(r"[;/ ]+", s.strip()) if x]
                               for s in frame["indicators"]]
    except ValueError as exc:
        raise InputError(f"indicators must be numbers separated by ';' ({exc})", source=path) from None
    frame["key"] = frame["keyword"].map(match_key)
    if "note" not in frame.columns:
        frame["note"] = ""
    return frame[["keyword", "key", "indicators", "note", "source"]]


def check_agency(tables: Any, agency_id: str) -> None:
    """Raise ParameterError (naming a few known ids) unless ``agency_id`` is in ``tables.agencies``."""
    ids = tables.agencies["agency_id"]
    if agency_id not in set(ids):
        examples = ", ".join(sorted(ids.astype(str))[:3])
        raise ParameterError(f"unknown agency_id {agency_id!r}: not among the {len(ids)} loaded agencies"
                             + (f" (e.g. {examples})" if examples else ""))


def grade_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`itanb.grading.grade_frame` on the columns fiscal_year, score and iit/eit/oit where present."""
    tools = [frame[c] if c in frame.columns else None for c in ("iit", "eit", "oit")]
    return grading.grade_frame(frame["fiscal_year"], frame["score"], *tools)


def overdue(measures: pd.DataFrame) -> pd.Series:
    """Per measure (same index): the deadline is before the memo date (``status_as_of``) and the status is not
    "done" (an unmarked measure counts as not done). False without a deadline or without a memo date."""
    late = pd.to_datetime(measures["due"]) < pd.to_datetime(measures["status_as_of"])  # NaT compares False
    return late & ~measures["status"].isin(("done",))  # isin: a missing status is simply not done


def level_change(now: tuple, before: tuple) -> tuple[int | None, str]:
    """:func:`itanb.grading.level_steps` from graded values: ``now`` and ``before`` each (scheme, rank,
    level), any of them missing as None or NA. Returns (steps, positive = better; None across schemes or
    without both ranks) and the Thai label."""
    (scheme, rank, level), (prev_scheme, prev_rank, prev_level) = now, before
    same = not pd.isna(scheme) and not pd.isna(prev_scheme) and scheme == prev_scheme
    steps = int(rank) - int(prev_rank) if same and not pd.isna(rank) and not pd.isna(prev_rank) else None
    if not same:
        change = "scheme"
    elif steps is None:
        change = "incomparable"
    else:
        change = "up" if steps > 0 else "down" if steps < 0 else "same"
    return steps, level_change_label(change, _text(prev_level), _text(level), steps)


def level_changes(frame: pd.DataFrame, has_prev: pd.Series) -> tuple[pd.Series, pd.Series]:
    """:func:`level_change` of each row of the columns scheme, rank, level and prev_scheme, prev_rank,
    prev_level: (steps Int64, label object), both missing where ``has_prev`` is False."""
    now = zip(frame["scheme"], frame["rank"], frame["level"], strict=True)
    before = zip(frame["prev_scheme"], frame["prev_rank"], frame["prev_level"], strict=True)
    changes = [level_change(n, b) if prev else (None, None) for prev, n, b in zip(has_prev, now, before,
                                                                                   strict=True)]
    return (pd.Series(pd.array([steps for steps, _ in changes], dtype="Int64"), index=frame.index),
            pd.Series([label for _, label in changes], index=frame.index, dtype=object))


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None
