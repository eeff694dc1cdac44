"""Numbers on a scan read where the memo's structure says they are, whatever Tesseract made of them (it
reads years as letters, ๓๑ มี.ค. as ๓๑๕.๔ ค., Arabic digits as Thai letters): dates, a day, a month and a year
set apart by spaces (``๓๐ ก.ย. ๖๖``, ``30 มิ.ย. 2566``, ``วันที่ ๑๕ สิงหาคม ๒๕๖๗``), and the number after a
word of :data:`ANCHORS` (``เท่ากับ ๘๘.๕๖``, ``พ.ศ. ๒๕๖๖``).

A line's ink is cut into pieces at gaps as wide as a space (a third of its letters' height; an
abbreviation's last dot and the digits Tesseract read as one number stay together). A piece whose letters
are a month, read by Tesseract or nearly (its consonants, with the ones Tesseract mistakes for them: ข for
ย, ศ for ค; ม.ค. told from มี.ค. and เม.ย. from มิ.ย. by a mark above the first consonant), between two
pieces that the digit recogniser reads as a day (1-31) and a year (2 or 4 digits), becomes the three
words of the date: the day and the year read from their ink (:func:`~itanb.memo.digits.digit_glyphs`), the
month spelt as it should be. A month recovered from its
consonants alone is left a doubt (confidence :data:`GUESSED`), so the date is flagged for a person to
confirm; so are a day and a year that make no date (a day past its month's end, a year outside the ITA's
years). A piece after an anchor that reads as the number it names becomes that number (a doubt if a year
outside the ITA's).
"""

from __future__ import annotations

import calendar
import itertools
import re
from difflib import SequenceMatcher

import numpy as np

from itanb.memo.digits import DIGITS, digit_glyphs, glyph_boxes, read_number
from itanb.memo.ocr import Word
from itanb.thai import MONTHS
from itanb.vocabulary import BE_MAX, BE_MIN

GUESSED = 0.6  # the confidence of a month recovered from its consonants (below scan_words.CONFIDENT)
DOUBTFUL = 0.5  # the confidence of a day and year that make no date (31 มิ.ย., ๒๔๖๗)
_LOOKS_LIKE = str.maketrans({"ข": "ย", "ศ": "ค", "ฅ": "ค", "ด": "ค", "บ": "ม", "ฆ": "ม", "ท": "ม"})
_CONSONANT = re.compile("[ก-ฮ]")
_TONES = re.compile("[\u0e48-\u0e4c]")
_MARKS = re.compile("[\u0e31\u0e34-\u0e37\u0e47-\u0e4e]+")  # a vowel or tone above (a digit has none)
_LETTER = re.compile("[ก-ฮ]|[0-9๐-๙]+")


def _consonants(text: str) -> str:
    found = "".join(_CONSONANT.findall(text))
    return re.sub(r"(.)\1+", r"\1", found)


_ABBR_KEYS = {abbr: _consonants(abbr) for _, abbr in MONTHS}
_FULL = {_TONES.sub("", full): full for full, _ in MONTHS}
ANCHORS = {  # a word (tone marks aside) -> the number that follows it in a memo
    "เทากับ": r"[0-9๐-๙]{1,3}(?:\.[0-9๐-๙]{1,2})?",  # มีค่าคะแนนเท่ากับ ๘๘.๕๖ คะแนน
    "พ.ศ.": r"[0-9๐-๙]{4}", "พ.ศ": r"[0-9๐-๙]{4}",  # ปีงบประมาณ พ.ศ. ๒๕๖๖
}
_TWINS = {"ม.ค.": "มี.ค.", "มี.ค.": "ม.ค.", "เม.ย.": "มิ.ย.", "มิ.ย.": "เม.ย."}  # told apart by the ink


def month_of(text: str, letters: int | None = None,
             mark_above: bool | None = None) -> tuple[str, float] | None:
    """The month (full name or abbreviation, as spelt in :data:`MONTHS`) that Tesseract's ``text`` is, and
    how sure: 1 as read, :data:`GUESSED` when recovered; None when it is no month or could be two. The ink,
    where known, tells the twins apart: ``mark_above`` (a vowel over the first consonant: มี.ค., not ม.ค.;
    มิ.ย., not เม.ย.), else ``letters`` (its glyphs but dots: เม.ย. 3, มิ.ย. 2)."""
    text = text.replace(" ", "").replace(",", ".")
    twin = _twin(text, letters, mark_above)
    if twin is not None:
        return twin, GUESSED  # Tesseract dropped (or made up) what tells the twins apart
    if text in {a for _, a in MONTHS} or text in {f for f, _ in MONTHS}:
        return text, 1.0
    bare = _TONES.sub("", text)
    if len(bare) >= 5:
        scored = sorted(((SequenceMatcher(None, bare, key).ratio(), full) for key, full in _FULL.items()),
                        reverse=True)
        if scored[0][0] >= 0.8 and scored[0][0] - scored[1][0] >= 0.15:
            return scored[0][1], GUESSED
        if "." not in text:
            return None
    key = _consonants(text.translate(_LOOKS_LIKE))
    if not 2 <= len(key) <= 4 or "." not in text:
        return None
    found = [a for a, k in _ABBR_KEYS.items() if key == k] or [
        a for a, k in _ABBR_KEYS.items() if len(key) > 2 and _subsequence(k, key)]
    if len(found) == 2:  # ม.ค./มี.ค., เม.ย./มิ.ย.
        found = [a for a in found if _twin(a, letters, mark_above) is None]
    return (found[0], GUESSED) if len(found) == 1 else None


def _twin(abbr: str, letters: int | None, mark_above: bool | None) -> str | None:
    """The twin of the abbreviation ``abbr`` when the ink says it is that one, else None."""
    if abbr in ("เม.ย.", "มิ.ย."):  # มิ has a mark above; เ is a letter more (unless it touches ม)
        mi = mark_above if mark_above is not None else (letters == 2 if letters in (2, 3) else None)
        return _TWINS[abbr] if mi is not None and mi != (abbr == "มิ.ย.") else None
    if abbr in ("ม.ค.", "มี.ค.") and mark_above is not None and mark_above != (abbr == "มี.ค."):
        return _TWINS[abbr]
    return None


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def find_dates(words: list[Word], ink: np.ndarray) -> tuple[list[Word], list[Word]]:
    """The words of every date found as above (three a date) and the rest of ``words``."""
    lines: dict[tuple, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    dates: list[Word] = []
    rest: list[Word] = []
    for line in lines.values():
        found, others = _line(sorted(line, key=lambda w: w.left), ink)
        dates += found
        rest += others
    return dates, rest


def _line(line: list[Word], ink: np.ndarray) -> tuple[list[Word], list[Word]]:
    # the letters' height: single consonants and numbers (Tesseract's boxes of some reach over the line)
    heights = sorted(w.height for w in line if _LETTER.fullmatch(w.text))
    if len(heights) < 3:
        return [], line
    xh = heights[len(heights) * 2 // 5]
    tops = sorted(w.top for w in line if _LETTER.fullmatch(w.text) and abs(w.height - xh) <= xh * 0.3)
    top = tops[len(tops) // 2]
    pieces = _pieces(line, ink, top, top + xh, xh)
    found = _dates(pieces, ink, top, xh)
    found += [f for f in _anchored(pieces, ink, top, xh) if not any(f[0] is q for q, _, _ in found)]
    used = {id(w) for piece, text, _ in found for w in piece[2] if _inside(w, text[0] in DIGITS)}
    words = [Word(text, piece[0], top, piece[1] - piece[0], xh, conf, line[0].line, line[0].line_bottom)
             for piece, text, conf in found]
    return words, [w for w in line if id(w) not in used]


def _inside(word: Word, number: bool) -> bool:
    """Whether Tesseract's ``word``, which overlaps a piece most, is part of what the piece was read as: not
    a mark above a number (a digit has none: it is the letter's before)."""
    return not (number and _MARKS.fullmatch(word.text))


def _dates(pieces: list[tuple], ink: np.ndarray, top: int, xh: int) -> list[tuple[tuple, str, float]]:
    """(piece, text, confidence) of each day, month and year found."""
    out: list[tuple[tuple, str, float]] = []
    for at, (before, month, next_) in enumerate(zip(pieces, pieces[1:], pieces[2:], strict=False)):
        text = "".join(w.text for w in month[2])
        if not month[2] or any(ch.isdigit() for ch in text) or any(month is p for p, _, _ in out):
            continue
        found = month_of(text, *_shape(ink, month, top, xh))
        after = next_
        day, year = _number(ink, before, top, top + xh), _number(ink, after, top, top + xh)
        rest = pieces[at + 3] if at + 3 < len(pieces) else None
        if year is not None and len(year[0]) == 1 and rest is not None and rest[0] - after[1] < xh * 0.8:
            after = (after[0], rest[1], after[2] + rest[2])  # a year's digits a little apart (๖ ๗)
            year = _number(ink, after, top, top + xh)
        if found is None or day is None or year is None:
            continue
        year = (year[0].rstrip("."), year[1])  # ๒๕๖๗..... (a dotted leader)
        if not day[0].isdigit() or not 1 <= int(_arabic(day[0])) <= 31 or not re.fullmatch(
                r"\d\d|\d{4}", year[0]):
            continue
        if not any(ch in DIGITS for w in before[2] for ch in w.text) and day[1] < 0.9:
            continue  # Tesseract saw no digit there and the ink is no sure number either
        if not _possible(int(_arabic(day[0])), found[0], _arabic(year[0])):
            day, year = (day[0], min(day[1], DOUBTFUL)), (year[0], min(year[1], DOUBTFUL))
        out += [(before, *day), (month, *found), (after, *year)]
    return out


def _possible(day: int, month: str, year: str) -> bool:
    """Whether the date read can be: the day within its month (29 ก.พ. in any year: a leap year is not
    checked), a four-digit year a Buddhist year of the ITA's span or its Christian one."""
    number = next(n for n, names in enumerate(MONTHS, start=1) if month in names)
    if day > calendar.monthrange(2024, number)[1]:
        return False
    return len(year) == 2 or BE_MIN <= int(year) <= BE_MAX or BE_MIN - 543 <= int(year) <= BE_MAX - 543


def _anchored(pieces: list[tuple], ink: np.ndarray, top: int, xh: int) -> list[tuple[tuple, str, float]]:
    """(piece, text, confidence) of each number that a word of :data:`ANCHORS` says follows it."""
    out: list[tuple[tuple, str, float]] = []
    before = ""
    for label, piece in itertools.pairwise(pieces):
        before += _TONES.sub("", "".join(w.text for w in label[2]))  # the line's text up to the piece
        pattern = next((p for anchor, p in ANCHORS.items() if before.endswith(anchor)), None)
        found = _number(ink, piece, top, top + xh) if pattern else None
        if found is not None and re.fullmatch(pattern, found[0].rstrip(".")):
            text = found[0].rstrip(".")
            year = len(text) == 4 and "." not in text
            doubtful = year and not BE_MIN <= int(_arabic(text)) <= BE_MAX  # ๒๔๖๖ is no year of the ITA
            out.append((piece, text, min(found[1], DOUBTFUL) if doubtful else found[1]))
    return out


def _arabic(digits: str) -> str:
    return "".join(str("๐๑๒๓๔๕๖๗๘๙".index(ch)) if ch in "๐๑๒๓๔๕๖๗๘๙" else ch for ch in digits)


def _pieces(line: list[Word], ink: np.ndarray, top: int, bottom: int, xh: int) -> list[tuple[int, int, list]]:
    """(left, right, words) of each piece of the line's ink between gaps of a space."""
    x0 = max(min(w.left for w in line) - 2 * xh, 0)
    x1 = min(max(w.left + w.width for w in line) + 2 * xh, ink.shape[1])
    cols = ink[top:bottom, x0:x1].any(axis=0)
    on = np.nonzero(cols)[0]
    gap = max(2, xh // 3)
    pieces: list[list] = []
    for x in on:
        if pieces and x - pieces[-1][1] <= gap:
            pieces[-1][1] = x + 1
        else:
            pieces.append([x, x + 1])
    numbers = [(w.left - x0, w.left + w.width - x0) for w in line if len(w.text) > 1 and w.text.isdigit()]
    merged: list[list[int]] = []
    for a, b in pieces:
        low = np.nonzero(ink[top:bottom + xh // 2, x0 + a:x0 + b].any(axis=1))[0]
        # an abbreviation's last dot may stand a space off (ก.ย .), Arabic digits nearly so (6 7): a dot
        # stays with what it ends, digits that Tesseract read as one number stay one
        dot = len(low) and low[0] > (bottom - top) * 2 // 3 and merged and a - merged[-1][1] <= 2 * gap
        if dot or (merged and any(n0 <= merged[-1][1] - 2 and a + 2 <= n1 for n0, n1 in numbers)):
            merged[-1][1] = b
        else:
            merged.append([a, b])
    out: list[tuple[int, int, list]] = [(x0 + a, x0 + b, []) for a, b in merged]
    for w in line:  # each word to the piece it overlaps most (Tesseract's boxes of Thai letters drift)
        overlap = [min(p[1], w.left + w.width) - max(p[0], w.left) for p in out]
        if overlap and max(overlap) > 0:
            out[overlap.index(max(overlap))][2].append(w)
    return out


def _shape(ink: np.ndarray, piece: tuple, top: int, xh: int) -> tuple[int, bool]:
    """How many letters the month's ink has (dots aside: เม.ย. 3, มิ.ย. 2) and whether its first letter has a
    mark above it (มี, มิ: the vowel joins its consonant's glyph, which then rises over the line's letters'
    top or over the month's plain letters' top: the line's is less sure where Arabic digits stand taller)."""
    boxes = [b for b in glyph_boxes(ink, (piece[0], top - xh // 2, piece[1], top + xh))
             if b[3] - b[1] >= xh // 2 and b[3] > top + xh // 2]
    if not boxes:
        return 0, False
    plain = max(b[1] for b in boxes)  # the top of a letter with nothing above it (ค, ย)
    return len(boxes), boxes[0][1] < max(plain, top) - xh // 4  # over either the line's top or that


def _number(ink: np.ndarray, piece: tuple, top: int, bottom: int) -> tuple[str, float] | None:
    """The number in ``piece`` read from its ink (digits, and dots where they are) and its digits' least
    confidence; None unless all its glyphs are digits or dots."""
    x0, x1, _ = piece
    found = digit_glyphs(ink, (x0, top - (bottom - top) // 3, x1, bottom))  # Arabic digits stand taller
    digits = [g for g in found if not isinstance(g, str)]
    if not digits or any(g not in (".",) for g in found if isinstance(g, str)) or len(digits) > 5:
        return None
    text, confs = read_number(found)
    return text.lstrip("."), min(confs)
