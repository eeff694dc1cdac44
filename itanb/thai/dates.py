"""Thai dates, the Buddhist Era and the fiscal year.

Dates are read with PyThaiNLP's ``thai_strptime`` once a date has been located in the text; a small month
table of our own covers the spellings it does not accept (two-digit years, an abbreviation missing a dot
such as ``มี.ค``). The fiscal-year rule (October–December belong to the next fiscal year) is ours."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import NamedTuple

from pythainlp.util import thai_strftime, thai_strptime

from itanb.thai.text import to_arabic_digits

BE_OFFSET = 543
MIN_BE_YEAR = 2400  # a four-digit year below this is read as CE

# (full name, abbreviation) by month number; the abbreviations as the Royal Institute writes them.
MONTHS: tuple[tuple[str, str], ...] = (
    ("มกราคม", "ม.ค."),
    ("กุมภาพันธ์", "ก.พ."),
    ("มีนาคม", "มี.ค."),
    ("เมษายน", "เม.ย."),
    ("พฤษภาคม", "พ.ค."),
    ("มิถุนายน", "มิ.ย."),
    ("กรกฎาคม", "ก.ค."),
    ("สิงหาคม", "ส.ค."),
    ("กันยายน", "ก.ย."),
    ("ตุลาคม", "ต.ค."),
    ("พฤศจิกายน", "พ.ย."),
    ("ธันวาคม", "ธ.ค."),
)


def _abbr_key(abbr: str) -> str:
    return abbr.replace(".", "")


_MONTH_BY_KEY: dict[str, int] = {}
for _n, (_full, _abbr) in enumerate(MONTHS, start=1):
    _MONTH_BY_KEY[_full] = _n
    _MONTH_BY_KEY[_abbr_key(_abbr)] = _n


def _abbr_pattern(abbr: str) -> str:
    # "มี.ค." also written "มี.ค", "มีค.", "มี. ค." in typed memos
    parts = [p for p in abbr.split(".") if p]
    return r"\.?\s?".join(re.escape(p) for p in parts) + r"\.?"


_MONTH_ALTS = sorted(
    [re.escape(full) for full, _ in MONTHS] + [_abbr_pattern(abbr) for _, abbr in MONTHS],
    key=len,
    reverse=True,
)
_MONTH_RE = "(?:" + "|".join(_MONTH_ALTS) + ")"
# day, month name, optional พ.ศ./ค.ศ., year (2 or 4 digits); digits must be Arabic (convert first)
DATE_RE = re.compile(
    r"(?<!\d)(\d{1,2})\s*(" + _MONTH_RE + r")\s*(?:(พ\.\s?ศ\.?|ค\.\s?ศ\.?)\s*)?(\d{4}|\d{2})(?!\d)"
)
# 31/03/2565, 31-03-65, 31.3.2565
NUMERIC_DATE_RE = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/])")



class ThaiDate(NamedTuple):
    """A date found in a text: ``start``/``end`` index the text as given; ``ce`` when the year was CE."""

    date: dt.date
    start: int
    end: int
    ce: bool


# --- years -------------------------------------------------------------------------------------------------


def be_to_ce(year: int) -> int:
    """Buddhist Era year -> Common Era year (2565 -> 2022)."""
    return int(year) - BE_OFFSET


def ce_to_be(year: int) -> int:
    """Common Era year -> Buddhist Era year (2022 -> 2565)."""
    return int(year) + BE_OFFSET


def year_to_be(year: int | str) -> tuple[int, bool]:
    """A year as written in a Thai document -> (BE year, was_ce).

    Two digits mean 25xx (``65`` -> 2565); four digits below 2400 are CE and converted (``2022`` -> 2565).
    """
    text = to_arabic_digits(str(year)).strip()
    value = int(text)
    if len(text) <= 2:
        return 2500 + value, False
    if value < MIN_BE_YEAR:
        return value + BE_OFFSET, True
    return value, False


def fiscal_year(date: dt.date) -> int:
    """The Thai government fiscal year (BE) of ``date``: 1 October to 30 September, named by the year it ends.

    ``fiscal_year(date(2022, 3, 31)) == 2565``; ``fiscal_year(date(2023, 10, 1)) == 2567``.
    """
    return date.year + BE_OFFSET + (1 if date.month >= 10 else 0)


# --- dates -------------------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _make_date(day: int, month_text: str, year_be: int) -> dt.date | None:
    month_text = re.sub(r"\s+", "", month_text)
    try:
        # thai_strptime knows full and dotted abbreviated names and BE years; it returns an aware datetime
        return thai_strptime(f"{day} {month_text} {year_be}", "%d %B %Y").date()
    except (ValueError, IndexError, KeyError):
        pass
    month = _MONTH_BY_KEY.get(month_text) or _MONTH_BY_KEY.get(_abbr_key(month_text))
    if month is None:
        return None
    try:
        return dt.date(be_to_ce(year_be), month, day)
    except ValueError:
        return None


def find_thai_dates(text: str) -> list[ThaiDate]:
    """Every date in ``text`` written as day, Thai month (full or abbreviated) and year, or as d/m/yyyy (BE).

    Thai or Arabic digits; two-digit years mean 25xx; a four-digit year below 2400 is read as CE
    (``ce=True``). Impossible dates (31 ก.พ.) are skipped.
    """
    arabic = to_arabic_digits(text)
    found: list[ThaiDate] = []
    for m in DATE_RE.finditer(arabic):
        era = m.group(3) or ""
        year, ce = year_to_be(m.group(4))
        if era.startswith("ค"):  # ค.ศ. states a CE year outright
            year, ce = (int(m.group(4)) + BE_OFFSET if len(m.group(4)) == 4 else year), True
        date = _make_date(int(m.group(1)), m.group(2), year)
        if date is not None:
            found.append(ThaiDate(date, m.start(), m.end(), ce))
    if not found:
        for m in NUMERIC_DATE_RE.finditer(arabic):
            year, ce = year_to_be(m.group(4))
            try:
                date = dt.date(be_to_ce(year), int(m.group(3)), int(m.group(1)))
            except ValueError:
                continue
            found.append(ThaiDate(date, m.start(), m.end(), ce))
    return found


def search_thai_date(text: str) -> dt.date | None:
    """The first date in ``text`` (see :func:`find_thai_dates`), or None."""
    dates = find_thai_dates(text)
    return dates[0].date if dates else None


_DATE_NOISE = re.compile(r"^[\s.…:]*(?:วันที่\s*)?|[\s.…]*$")


def parse_thai_date(text: str) -> dt.date:
    """``text`` that is one Thai date (e.g. ``"๓๑ มี.ค. ๖๕"``, ``"31 มีนาคม 2565"``) -> ``datetime.date``.

    Leading ``วันที่`` and dotted leaders are allowed; anything else around the date raises ValueError.
    """
    core = _DATE_NOISE.sub("", text)
    dates = find_thai_dates(core)
    if len(dates) != 1 or dates[0].start != 0 or dates[0].end != len(core):
        raise ValueError(f"not a Thai date: {text!r} (expected e.g. '31 มีนาคม 2565' or '๓๑ มี.ค. ๖๕')")
    return dates[0].date


def format_thai_date(date: dt.date, thai_digits: bool = True, *, abbreviated: bool = False) -> str:
    """``date(2022, 3, 31)`` -> ``"๓๑ มีนาคม ๒๕๖๕"``; Arabic digits and abbreviated: ``"31 มี.ค. 2565"``."""
    fmt = "%-d %b %Y" if abbreviated else "%-d %B %Y"
    return thai_strftime(dt.datetime(date.year, date.month, date.day), fmt, thaidigit=thai_digits)
