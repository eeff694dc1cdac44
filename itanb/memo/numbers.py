"""Numbers on a scan read again, glyph by glyph, by :mod:`~itanb.memo.digits`: Tesseract's Thai model
misreads Thai digits, cuts their boxes short and drops some (๒๕๖๗ read as ๒ ๕ ๒).

Dates are read first, where the memo's structure says they are (:mod:`~itanb.memo.ocr_dates`). Any other
number is a run of Tesseract's words on one line, without a space, at least half of them digits or the Thai
letters it gives for misread digits (ฒ for ๗, ซ for ๖ ...). Its place is widened to the whole run of ink
(columns with ink, gaps narrower than a third of its height), numbers that then touch are one, and the run is
cut into glyphs (:func:`~itanb.memo.digits.digit_glyphs`: dots, slashes where Tesseract read one, digits)
read in one script. The number becomes one word whose confidence is the least of its digits'.
"""

from __future__ import annotations

import re

import numpy as np

from itanb.memo.digits import DIGITS, not_digits, number_pieces, read_number
from itanb.memo.ocr import Word
from itanb.memo.ocr_dates import find_dates

_LOOKALIKE = set("ฒซฅ")  # ฒ for ๗, ซ for ๖, ฅ for ๓


def _tokens(words: list[Word]) -> list[list[Word]]:
    """Words that touch on one line (no space between them), left to right."""
    out: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.line, w.left)):
        prev = out[-1][-1] if out else None
        if prev is not None and prev.line == w.line and w.left - (prev.left + prev.width) < w.height * 0.25:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _is_number(token: list[Word]) -> bool:
    text = "".join(w.text for w in token)
    digits = sum(ch in DIGITS for ch in text)
    rest = len(re.sub(r"[./:,\-]", "", text))
    return digits > 0 and digits + sum(ch in _LOOKALIKE for ch in text) >= rest / 2


def _widen(cols: np.ndarray, left: int, right: int, gap: int) -> tuple[int, int]:
    """``left``..``right`` widened over ``cols`` (True: a column with ink that no other word holds) while
    such ink follows within ``gap`` columns."""
    while left > 0:
        ahead = cols[max(left - gap, 0):left]
        if not ahead.any():
            break
        left = max(left - gap, 0) + int(np.nonzero(ahead)[0][0])
    while right < len(cols):
        ahead = cols[right:right + gap]
        if not ahead.any():
            break
        right = right + int(np.nonzero(ahead)[0][-1]) + 1
    return left, right


def _spans(line: list[Word], ink: np.ndarray) -> list[list]:
    """[left, right, top, bottom] of each number on one line, widened over ink no other word holds (Tesseract
    cuts digits' boxes short and drops some), numbers that then touch merged."""
    tokens = _tokens(line)
    numbers = [t for t in tokens if _is_number(t)]
    spans: list[list] = []
    for token in numbers:
        top, bottom = min(w.top for w in token), max(w.top + w.height for w in token)
        free = ink[top:bottom].any(axis=0)
        for other in tokens:
            if other not in numbers:
                for w in other:
                    if any(ch.isalpha() and ch not in _LOOKALIKE for ch in w.text):
                        free[max(w.left - 1, 0): w.left + w.width + 1] = False
        left, right = _widen(free, min(w.left for w in token), max(w.left + w.width for w in token),
                             max(2, (bottom - top) // 5))
        if spans and (left <= spans[-1][1] or _dot_between(ink, spans[-1], left, top, bottom)):
            last = spans[-1]
            last[1], last[2], last[3] = max(last[1], right), min(last[2], top), max(last[3], bottom)
            continue
        spans.append([left, right, top, bottom])
    return spans


def _dot_between(ink: np.ndarray, span: list, left: int, top: int, bottom: int) -> bool:
    """Only a dot (or nothing) between the number ``span`` and one starting at ``left`` close after it
    (๙๕.๘๙: Tesseract may leave the dot out of both)."""
    h = bottom - top
    if not 0 < left - span[1] < 0.8 * h:
        return False
    rows = np.nonzero(ink[top - h // 3:bottom + h // 3, span[1]:left].any(axis=1))[0]
    return len(rows) == 0 or rows[-1] - rows[0] < h / 3


def _read(ink: np.ndarray, span: list, inside: list[Word]) -> tuple[str, float, int, int] | None:
    """The number in ``span``, its confidence and its ink's left and right; None for one or two glyphs
    that are surely no digits (a check mark Tesseract read as 4 or 2)."""
    left, right, top, bottom = span
    text = "".join(w.text for w in inside)
    pieces, first, last = number_pieces(ink[:, left:right], (0, top, right - left, bottom), slash="/" in text)
    if first is not None:
        left, right = left + first, left + last
    found = [p for p in pieces if not isinstance(p, str)]
    if len(text) <= 2 and not_digits(found):
        return None
    read, confs = read_number(pieces)
    conf = min([*confs, *(w.conf for w in inside if any(ch in DIGITS for ch in w.text))], default=1.0)
    return read.strip(".-"), conf, left, right


def fix_numbers(words: list[Word], ink: np.ndarray) -> list[Word]:
    """``words`` with every date's words replaced by the date's three words
    (:func:`~itanb.memo.ocr_dates.find_dates`), every other number's words by one word of the number read
    again."""
    dates, words = find_dates(words, ink)
    lines: dict[tuple, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    out: list[Word] = []
    for key, words_of_line in lines.items():
        line = words_of_line
        for span in _spans(words_of_line, ink):
            left, right = span[0], span[1]
            inside = [w for w in line if left <= w.left + w.width / 2 <= right]
            if not inside:
                continue
            line = [w for w in line if w not in inside]
            read = _read(ink, span, inside)
            if read is None:
                continue  # the cell's ink is then a mark (read_image)
            text, conf, left, right = read
            out.append(Word(text, left, span[2], right - left, span[3] - span[2], conf, key,
                            inside[0].line_bottom))
        out += line
    return out + dates
