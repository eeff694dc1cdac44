"""Scores as the rules compare them, the names of the tools and indicators, and the reading of rule files.

A score is a two-decimal :class:`~decimal.Decimal` (:func:`to_score`), so band edges are exact: 84.99 is below
85.00 whatever the float representation.
"""

from __future__ import annotations

import csv
import math
import os
import re
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



# a score written as text: ASCII or Thai digits, then a dot and one or two decimals; nothing else (no sign,
# exponent, underscore, comma, or the other scripts' digits that Decimal() and float() would accept)
_SCORE_TEXT = re.compile(r"[0-9๐-๙]{1,3}(?:\.[0-9๐-๙]{1,2})?")
_THAI_TO_ASCII = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
SCORE_FORM = "digits (0-9 or ๐-๙), a dot and at most two decimals, 0–100"


def to_score(value: object, *, where: str | None = None) -> Decimal:
    """A score as a two-decimal Decimal in [0, 100]; raises InputError (naming ``where`` and the value)
    otherwise. The one score parser: every score read from a file, a memo or the command line comes here.

    Text must be :data:`SCORE_FORM` (``"๑๐๐"`` and ``"100"`` are 100; ``"-0"``, ``"9_5.5"``, ``"٩٥"``,
    ``"９５"``, ``"1e2"``, ``"74.835"`` are refused). A number already typed (a spreadsheet's numeric cell, a
    computed value) is rounded half-up to two decimals and must not be negative (``-0.0`` neither)."""
    if isinstance(value, bool):
        raise InputError(f"score {value!r} is not a number", source=where)
    if type(value) is Decimal and value.is_finite() and 0 <= value <= 100 and not value.is_signed():
        return value if value.as_tuple().exponent == -2 else value.quantize(CENT, rounding=ROUND_HALF_UP)
    if isinstance(value, str):
        text = value.strip()
        if not _SCORE_TEXT.fullmatch(text):
            raise InputError(f"score {value!r} is not a number: write {SCORE_FORM}", source=where)
        score = Decimal(text.translate(_THAI_TO_ASCII)).quantize(CENT)
    else:
        try:
            if isinstance(value, float):  # also numpy.float64, whose repr is "np.float64(...)"
                value = repr(float(value))
            score = Decimal(str(value).strip())
            if score.is_finite():
                score = score.quantize(CENT, rounding=ROUND_HALF_UP) if not score.is_signed() else score
        except (InvalidOperation, ValueError, TypeError):
            raise InputError(f"score {value!r} is not a number", source=where) from None
        if not score.is_finite():
            raise InputError(f"score {value!r} is not a number", source=where)
    if score.is_signed() or score > 100:
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


