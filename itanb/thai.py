"""Thai text helpers: decoding, digits, Thai dates, Buddhist Era, fiscal year, normalisation for matching.

Dates are read with PyThaiNLP's ``thai_strptime`` once a date has been located in the text; a small month
table of our own covers the spellings it does not accept (two-digit years, an abbreviation missing a dot
such as ``มี.ค``). The fiscal-year rule (October–December belong to the next fiscal year) is ours.

:func:`decode_thai_text` is the one decoder of text files (memos, score tables, the agencies list): UTF-8,
UTF-8 with BOM, or cp874 (Thai Windows) when the bytes are not UTF-8 and read as Thai in cp874.

Nothing here alters its input: :func:`normalize_for_matching` returns a key for comparing texts, :func:`tidy`
returns a display form; callers keep the original.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import NamedTuple

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")  # PyThaiNLP must write nothing to the home folder

from pythainlp.util import (
    arabic_digit_to_thai_digit,
    thai_digit_to_arabic_digit,
    thai_strftime,
    thai_strptime,
)

from itanb.errors import InputError

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

_THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_HAS_THAI_DIGIT = re.compile("[" + _THAI_DIGITS + "]")


class ThaiDate(NamedTuple):
    """A date found in a text: ``start``/``end`` index the text as given; ``ce`` when the year was CE."""

    date: dt.date
    start: int
    end: int
    ce: bool


# --- digits ------------------------------------------------------------------------------------------------


def to_arabic_digits(text: str) -> str:
    """Thai digits ๐–๙ replaced by 0–9; everything else unchanged (same length, so indexes carry over)."""
    if not _HAS_THAI_DIGIT.search(text):
        return text
    return thai_digit_to_arabic_digit(text)


def to_thai_digits(text: str) -> str:
    """Arabic digits 0–9 replaced by ๐–๙."""
    return arabic_digit_to_thai_digit(text)


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


# --- text --------------------------------------------------------------------------------------------------

ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width spaces/joiners, BOM, soft hyphen
_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH_CHARS}]")
_BR = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_DOT_LEADER = re.compile(r"\.{3,}|…+")
_WS = re.compile(r"\s+")
# zero-width characters dropped, dashes (hyphen, en/em dash, minus ...) unified to "-"
_MATCH_TABLE = str.maketrans(
    {**dict.fromkeys(ZERO_WIDTH_CHARS),
     **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-")}
)
_MATCH_CHARS = re.compile("[" + "".join(chr(c) for c in _MATCH_TABLE) + "]")
# a decomposed sara am (nikhahit + sara aa), with a tone mark on either side of the nikhahit
_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32|([\u0e48-\u0e4b])\u0e4d\u0e32")
_BULLET = re.compile(r"[-•●▪◦·*]+(\s*)")
_BULLET_CHARS = re.compile(r"[-•●▪◦·*]")
_GLUE = frozenset("-")  # besides Thai characters, whitespace next to these is dropped for matching


def _compose_sara_am(match: re.Match[str]) -> str:
    return (match.group(1) or match.group(2) or "") + "\u0e33"


def compose_sara_am(text: str) -> str:
    """Decomposed sara am (nikhahit U+0E4D + sara aa U+0E32, a tone mark on either side of the nikhahit)
    composed to U+0E33, the tone mark first: the one spelling :func:`normalize_for_matching` compares."""
    return _SARA_AM.sub(_compose_sara_am, text) if "\u0e4d" in text else text


def _drop_bullet(m: re.Match[str]) -> str:
    # a bullet starts the text or a line, or follows a space and sticks to its item (" -สร้าง"), unlike the
    # dash of "E - Service" or "1-2"
    text, start = m.string, m.start()
    if not text[text.rfind("\n", 0, start) + 1: start].strip():
        return " "
    if text[start - 1].isspace() and not m.group(1) and m.end() < len(text) and not text[m.end()].isdigit():
        return " "
    return m.group(0)


def _gap(m: re.Match[str]) -> str:
    # whitespace next to a Thai character or a dash carries no meaning for matching (OCR splits Thai words)
    text, start, end = m.string, m.start(), m.end()
    if start == 0 or end == len(text):
        return ""
    before, after = text[start - 1], text[end]
    if "\u0e00" <= before <= "\u0e7f" or "\u0e00" <= after <= "\u0e7f" or before in _GLUE or after in _GLUE:
        return ""
    return " "


def normalize_for_matching(text: str) -> str:
    """A comparison key for ``text``; the original is not changed and should be kept for display.

    NFC; decomposed sara am (U+0E4D U+0E32) composed to U+0E33; zero-width characters and ``<br>`` removed;
    dashes and en/em dashes unified to ``-``; bullets (``-``, ``•``) at the start of an item dropped;
    Thai digits to Arabic; dotted leaders dropped; whitespace next to Thai text or a dash removed (OCR splits
    Thai words), other whitespace runs collapsed to one space; lower case.
    """
    if not text:
        return ""
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if _MATCH_CHARS.search(text):  # str.translate is slow on Thai text: only when needed
            text = text.translate(_MATCH_TABLE)
        text = to_arabic_digits(compose_sara_am(text))
    if "<" in text:
        text = _BR.sub("\n", text)
    if "..." in text or "…" in text:
        text = _DOT_LEADER.sub(" ", text)
    if _BULLET_CHARS.search(text):
        text = _BULLET.sub(_drop_bullet, text)
    return _WS.sub(_gap, text).lower()


def tidy(text: str) -> str:
    """Display form: ``<br>`` to a space; zero-width characters and dotted leaders removed; spaces collapsed.

    Spelling and digits are kept as written.
    """
    if not text:
        return ""
    if "<" in text:  # each step only where it has something to do: tidy runs on every cell
        text = _BR.sub(" ", text)
    if not text.isascii():
        text = _ZERO_WIDTH.sub("", text)
    if "..." in text or "…" in text:
        text = _DOT_LEADER.sub(" ", text)
    return " ".join(text.split())  # what _WS.sub(" ", text).strip() gives, faster


# --- decoding ----------------------------------------------------------------------------------------------

_THAI_CONSONANTS = frozenset(chr(c) for c in range(0x0E01, 0x0E2F))
_THAI_MARKS = frozenset(chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)))
# a mark may sit on a consonant, on another mark, or follow sara am (น + ำ + ้ is a common typing order)
_MARK_BASES = _THAI_CONSONANTS | _THAI_MARKS | {"\u0e33"}
_LEADING_VOWELS = frozenset(chr(c) for c in range(0x0E40, 0x0E45))
_LATIN_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_HARMLESS_CONTROLS = frozenset("\r\n\t\f")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class DecodedText(NamedTuple):
    """A decoded file; ``encoding``: ``"utf-8"``, ``"utf-8-sig"`` (UTF-8 with BOM, removed) or ``"cp874"``."""

    text: str
    encoding: str


def plausible_thai(text: str) -> bool:
    """True when ``text`` reads like Thai: it has Thai consonants, marks sit on consonants, leading vowels
    precede consonants, no Thai character touches a Latin letter, there are no control characters; at most 1 %
    of its Thai characters break these rules (a typo, "ITAของ").

    Used on the cp874 reading of bytes that are not UTF-8: another 8-bit encoding (Latin-1, Windows-1252)
    read as cp874 turns accented letters into Thai characters inside Latin words (é is ้, à is เ, ñ is ๑).
    The typographic characters cp874 shares with Windows-1252 (quotes, dashes, bullet, ellipsis, no-break
    space) count neither way.
    """
    thai = consonants = bad = 0
    prev = ""
    for i, ch in enumerate(text):
        if "\u0e00" <= ch <= "\u0e7f":
            thai += 1
            if ch in _THAI_CONSONANTS:
                consonants += 1
            elif ch in _THAI_MARKS:
                bad += prev not in _MARK_BASES
            elif ch in _LEADING_VOWELS:
                bad += text[i + 1: i + 2] not in _THAI_CONSONANTS
            bad += prev in _LATIN_LETTERS or text[i + 1: i + 2] in _LATIN_LETTERS
        elif ch < " " and ch not in _HARMLESS_CONTROLS:
            bad += 1  # control bytes mean binary data
        prev = ch
    return consonants > 0 and bad <= thai // 100


def _looks_like_utf16(data: bytes) -> bool:
    """NUL bytes mostly at even (UTF-16BE) or odd (UTF-16LE) offsets: ASCII text in UTF-16 without a BOM."""
    head = data[:4096]
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    return max(even, odd) >= len(head) // 4 and min(even, odd) <= max(even, odd) // 20


def decode_thai_text(data: bytes, *, where: str) -> DecodedText:
    """Decode a text file strictly: UTF-8 (a BOM is removed), else cp874 (Thai Windows) if it reads as Thai.

    Returns the text and the encoding used. Raises :class:`InputError` with ``where`` as its source, one line
    starting "cannot decode:", for NUL bytes (binary data), UTF-16 (with a BOM, or ASCII-heavy without one:
    rejected with "save it as UTF-8" rather than decoded, because a table or memo in UTF-16 is almost always a
    spreadsheet export saved with the wrong option), and bytes that are neither UTF-8 nor plausible Thai in
    cp874 (see :func:`plausible_thai`). Nothing is replaced or guessed: a byte undefined in cp874 (0x81, 0xDB–
    0xDE, 0xFC–0xFF, …) fails the cp874 reading outright.

    UTF-8 is tried first: cp874 Thai text is practically never valid UTF-8 (Thai letters are 0xA1–0xFB, and a
    lead byte 0xC2–0xF4 must be followed by continuation bytes 0x80–0xBF), and UTF-8 Thai is never valid cp874
    (ก is E0 B8 81; 0x81 is undefined in cp874), so a file mixing both is rejected.
    """
    if data.startswith(_UTF16_BOMS):
        raise InputError("cannot decode: UTF-16 text; save it as UTF-8", source=where)
    if b"\x00" in data:
        if _looks_like_utf16(data):
            raise InputError("cannot decode: looks like UTF-16 text without a byte-order mark; "
                             "save it as UTF-8", source=where)
        raise InputError("cannot decode: binary file (NUL bytes), not text; "
                         "expected UTF-8 or cp874 (Thai Windows)", source=where)
    bom = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    try:
        return DecodedText(data[bom:].decode("utf-8"), "utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as exc:
        at = bom + exc.start
        not_utf8 = f"not UTF-8 (byte 0x{data[at]:02x} at offset {at})"
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError as exc:
        undefined = f"byte 0x{data[exc.start]:02x} at offset {exc.start} is undefined there"
        raise InputError(f"cannot decode: {not_utf8}, nor cp874 (Thai Windows: {undefined}); "
                         f"save it as UTF-8", source=where) from None
    if not plausible_thai(text):
        raise InputError(f"cannot decode: {not_utf8}, and not plausible Thai when read as cp874 "
                         f"(Thai Windows); save it as UTF-8", source=where)
    return DecodedText(text, "cp874")


# --- text as PDFs and legacy fonts leave it --------------------------------------------------------------

# Legacy Thai fonts (the TH SarabunPSK generation, after Microsoft's and Apple's Thai fonts) draw shifted tone
# marks and vowels with Private Use Area glyphs U+F700–U+F71A; text copied out of a PDF keeps those codes.
# Each maps back to the standard character it shows (the shift is only where the glyph sits).
PUA_THAI = {
    "\uf700": "\u0e10",  # ฐ without its lower part (before a lower vowel)
    "\uf701": "\u0e34", "\uf702": "\u0e35", "\uf703": "\u0e36", "\uf704": "\u0e37",  # ิ ี ึ ื shifted left
    "\uf705": "\u0e48", "\uf706": "\u0e49", "\uf707": "\u0e4a", "\uf708": "\u0e4b",  # ่ ้ ๊ ๋ low, left
    "\uf709": "\u0e4c",  # ์ low, left
    "\uf70a": "\u0e48", "\uf70b": "\u0e49", "\uf70c": "\u0e4a", "\uf70d": "\u0e4b", "\uf70e": "\u0e4c",  # low
    "\uf70f": "\u0e0d",  # ญ without its lower part
    "\uf710": "\u0e31", "\uf711": "\u0e4d", "\uf712": "\u0e47",  # ั ํ ็ shifted left
    "\uf713": "\u0e48", "\uf714": "\u0e49", "\uf715": "\u0e4a", "\uf716": "\u0e4b",  # ่ ้ ๊ ๋ left
    "\uf717": "\u0e4c",  # ์ left
    "\uf718": "\u0e38", "\uf719": "\u0e39", "\uf71a": "\u0e3a",  # ุ ู ฺ lowered
}
_PUA_TABLE = str.maketrans(PUA_THAI)
_PUA = re.compile("[\uf700-\uf71a]")
# above/below vowels and marks that combine with the consonant before them
_COMBINING = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_TONES = "\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"  # drawn above the vowel marks: they follow them
# a mark after a space, or before its consonant with nothing to sit on (the start, a leading vowel, a non-Thai
# character): PDF text extraction puts a mark drawn left of its consonant before it, often after a space
_SPACED = re.compile(f"[ \t]+([{_COMBINING}]+)([\u0e01-\u0e2e])")
_NO_BASE = f"[^\u0e01-\u0e2e{_COMBINING}\u0e30-\u0e33\u0e45]"  # nothing a mark can sit on
_LEADING = re.compile(f"(^|{_NO_BASE})([{_COMBINING}]+)([\u0e01-\u0e2e])", re.MULTILINE)
_STRAY = re.compile(f"(?:^|{_NO_BASE})[{_COMBINING}]|[ \t][{_COMBINING}]", re.MULTILINE)
# a sara am whose nikhahit glyph a PDF producer mapped to a spacing modifier letter (WeasyPrint/cairo with
# Sarabun: ต U+02F8 า for ตำ)
_NIKHAHIT_STANDIN = re.compile("([\u0e01-\u0e2e\u0e48-\u0e4b])[\u02b0-\u02ff]\u0e32")


def _after_consonant(consonant: str, marks: str) -> str:
    return consonant + "".join(sorted(marks, key=lambda ch: ch in _TONES))  # vowel marks, then tone marks


def repair_thai(text: str) -> str:
    """Display text repaired of what PDFs and legacy fonts do to Thai: Private Use Area codes U+F700–U+F71A
    mapped to the standard characters (:data:`PUA_THAI`), a sara am written as consonant, modifier letter,
    sara aa (``ต˸าบล``), and combining marks detached from their consonant or put before it
    (``ัตว ้ีชวัด ี่ท`` -> ``ตัวชี้วัดที่``; a space before a stray mark goes too) put back after it. Text
    without these defects is returned unchanged."""
    if not text or text.isascii():
        return text
    if _PUA.search(text):
        text = text.translate(_PUA_TABLE)
    if _NIKHAHIT_STANDIN.search(text):
        text = _NIKHAHIT_STANDIN.sub("\\1\u0e33", text)
    if _STRAY.search(text):
        text = _SPACED.sub(lambda m: _after_consonant(m.group(2), m.group(1)), text)
        text = _LEADING.sub(lambda m: m.group(1) + _after_consonant(m.group(3), m.group(2)), text)
    return text


def fold_sara_am(text: str) -> str:
    """Sara am (U+0E33) written as sara aa (U+0E32): the key under which ``ตำบล`` and ``ตาบล`` (a PDF copy
    that lost the nikhahit) are the same word. For matching only."""
    return text.replace("\u0e33", "\u0e32")  # str.replace: translate is slow on Thai text


def sara_am_restorer(words: Iterable[str]) -> Callable[[str], str]:
    """A function that gives back the sara am a copy lost in any of ``words`` (``ตาบล`` -> ``ตำบล``).

    Only words that hold a sara am and whose folded spelling (:func:`fold_sara_am`) is no Thai word of its own
    belong in ``words``: kind prefixes, อำเภอ, province names. Longer words are tried first.
    """
    lost = {fold_sara_am(w): w for w in words if "\u0e33" in w}
    if not lost:
        return lambda text: text
    pattern = re.compile("|".join(map(re.escape, sorted(lost, key=len, reverse=True))))

    def restore(text: str) -> str:
        if "\u0e32" not in text:  # no sara aa: nothing was lost
            return text
        return pattern.sub(lambda m: lost[m.group(0)], text)

    return restore


def matching_key(text: str) -> str:
    """:func:`normalize_for_matching`, then :func:`fold_sara_am`: the key for names, headers and labels."""
    return fold_sara_am(normalize_for_matching(text))
