"""Thai text helpers: decoding, digits, Thai dates, Buddhist Era, fiscal year, normalisation for matching.

Dates are read with PyThaiNLP's ``thai_strptime`` once a date has been located in the text; a small month
table of our own covers the spellings it does not accept (two-digit years, an abbreviation missing a dot
such as ``มี.ค``). The fiscal-year rule (October–December belong to the next fiscal year) is ours.

:func:`decode_thai_text` is the one decoder of text files (memos, score tables, the agencies list): UTF-8,
UTF-8 with BOM, or cp874 (Thai Windows) when the bytes are not UTF-8 and read as Thai in cp874.

Nothing here alters its input: :func:`normalize_for_matching` returns a key for comparing texts, :func:`tidy`
returns a display form; callers keep the original.

The package by job: ``text`` (digits, normalisation for matching, tidy, a lost sara am), ``dates`` (Thai
dates, BE/CE, fiscal year), ``decode`` (the decoder of text files), ``repair`` (what PDFs and legacy fonts do
to Thai). Import from ``itanb.thai``.
"""

from __future__ import annotations

import os

# before any of the modules below imports PyThaiNLP (importing one of them runs this file first): PyThaiNLP
# must write nothing to the home folder
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

from itanb.thai.dates import (
    BE_OFFSET,
    DATE_RE,
    MIN_BE_YEAR,
    MONTHS,
    NUMERIC_DATE_RE,
    ThaiDate,
    be_to_ce,
    ce_to_be,
    find_thai_dates,
    fiscal_year,
    format_thai_date,
    parse_thai_date,
    search_thai_date,
    year_to_be,
)
from itanb.thai.decode import (
    DecodedText,
    decode_thai_text,
    plausible_thai,
)
from itanb.thai.repair import (
    LOST_SARA_AM_WORDS,
    PUA_THAI,
    repair_copied,
    repair_thai,
)
from itanb.thai.text import (
    ZERO_WIDTH_CHARS,
    compose_sara_am,
    fold_sara_am,
    matching_key,
    normalize_for_matching,
    sara_am_restorer,
    tidy,
    to_arabic_digits,
    to_thai_digits,
)

__all__ = [
    "BE_OFFSET",
    "DATE_RE",
    "LOST_SARA_AM_WORDS",
    "MIN_BE_YEAR",
    "MONTHS",
    "NUMERIC_DATE_RE",
    "PUA_THAI",
    "ZERO_WIDTH_CHARS",
    "DecodedText",
    "ThaiDate",
    "be_to_ce",
    "ce_to_be",
    "compose_sara_am",
    "decode_thai_text",
    "find_thai_dates",
    "fiscal_year",
    "fold_sara_am",
    "format_thai_date",
    "matching_key",
    "normalize_for_matching",
    "parse_thai_date",
    "plausible_thai",
    "repair_copied",
    "repair_thai",
    "sara_am_restorer",
    "search_thai_date",
    "tidy",
    "to_arabic_digits",
    "to_thai_digits",
    "year_to_be",
]
