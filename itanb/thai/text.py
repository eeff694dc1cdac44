"""Thai text for matching and display: digits (๐–๙ and 0–9), :func:`normalize_for_matching` (a comparison
key), :func:`tidy` (a display form), sara am composed, and the tolerance for a lost sara am
(:func:`fold_sara_am`, :func:`matching_key`, :func:`sara_am_restorer`). Nothing here alters its input: callers
keep the original for display."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from pythainlp.util import arabic_digit_to_thai_digit, thai_digit_to_arabic_digit

_THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_HAS_THAI_DIGIT = re.compile("[" + _THAI_DIGITS + "]")

# --- digits ------------------------------------------------------------------------------------------------


def to_arabic_digits(text: str) -> str:
    """Thai digits ๐–๙ replaced by 0–9; everything else unchanged (same length, so indexes carry over)."""
    if not _HAS_THAI_DIGIT.search(text):
        return text
    return thai_digit_to_arabic_digit(text)


def to_thai_digits(text: str) -> str:
    """Arabic digits 0–9 replaced by ๐–๙."""
    return arabic_digit_to_thai_digit(text)


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
