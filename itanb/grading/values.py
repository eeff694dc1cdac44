"""Scores as the rules compare them, the names of the tools and indicators, and the reading of rule files.

A score is a two-decimal :class:`~decimal.Decimal` (:func:`to_score`), so band edges are exact: 84.99 is below
85.00 whatever the float representation.
"""

from __future__ import annotations

import csv
import math
import os
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from itanb.errors import InputError

PASS_MARK = Decimal("85.00")
FIRST_PASS_YEAR = 2562  # the harmonised pass mark applies from FY2562 on
CENT = Decimal("0.01")
# the tool scores, in the order the NACC lists them; eit1/eit2 are EIT's two parts from FY2566
TOOLS = ("iit", "eit", "eit1", "eit2", "oit")
TOOL_LABELS = {"iit": "IIT", "eit": "EIT", "eit1": "EIT ส่วนที่ 1", "eit2": "EIT ส่วนที่ 2", "oit": "OIT"}
INDICATORS = tuple(f"i{n}" for n in range(1, 11))  # the ten indicators (ตัวชี้วัดที่ 1-10)
TOTAL = "total"
NOT_GIVEN = -1  # a score not given, in arrays of integer hundredths (cents)
FULL = 10000  # 100.00 in hundredths


def not_given(value: object) -> bool:
    """True for a score that was not given: None, NaN, pandas NA, or a blank string.

    A blank string counts here, unlike in :func:`itanb.views.is_missing` (what a report shows as '–'): score
    tables, the command line and ``derive``'s callers hand over an empty cell as ``""``, and an empty cell is
    no score, while a report must show a blank text as it is."""
    if value is None:
        return True
    if type(value) is Decimal:  # what score tables hand over: checked first, it is most of the calls
        return value.is_nan()
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
    if type(value) is Decimal and value.is_finite() and 0 <= value <= 100:  # a score already read
        return value if value.as_tuple().exponent == -2 else value.quantize(CENT, rounding=ROUND_HALF_UP)
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


def decimal_or_none(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def rule_path(path: Path | str | None, env: str, default: Path) -> Path:
    return _resolved(str(path or os.environ.get(env) or default))


@cache
def _resolved(path: str) -> Path:
    """Resolving a path costs a system call per component: done once per path (every grade() needs it; the
    file's modification time is still checked on each call, so an edit is seen at once)."""
    return Path(path).resolve()


def stat_key(path: Path, what: str) -> tuple[Path, int, int]:
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", source=path) from None
    return path, stat.st_mtime_ns, stat.st_size


def rule_rows(path: Path, columns: tuple[str, ...], what: str) -> list[tuple[int, dict[str, str]]]:
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


def check_range(fy_from: int, fy_to: int, path: Path, line: int) -> None:
    if fy_from > fy_to:
        raise InputError(f"fy_from {fy_from} is after fy_to {fy_to}", source=path, line=line)


