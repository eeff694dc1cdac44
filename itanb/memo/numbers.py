"""Numbers on a scan read again, glyph by glyph, by :mod:`~itanb.memo.digits`: Tesseract's Thai model
misreads Thai digits, cuts their boxes short and drops some (๒๕๖๗ read as ๒ ๕ ๒).

A number is a run of Tesseract's words on one line, without a space, at least half of them digits or the Thai
letters it gives for misread digits (ฒ for ๗, ซ for ๖ ...). Its place is widened to the whole run of ink
(columns with ink, gaps narrower than a third of its height), numbers that then touch are one, and the run is
cut into glyphs at empty columns: a glyph under a third of the tallest one's height is a dot, a slash where
Tesseract read one is kept, every other glyph is the nearest digit template. The number becomes one word whose
confidence is the least of its glyphs'.
"""

from __future__ import annotations

import re

import numpy as np

from itanb.memo.digits import classify
from itanb.memo.ocr import Word

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
DIGITS = THAI_DIGITS + "0123456789"
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


def _read(ink: np.ndarray, span: list, inside: list[Word]) -> tuple[str, float, int, int]:
    """The number in ``span``, its confidence and its ink's left and right. A glyph taller than the digits
    and narrow is a slash; one wider than 1.4 times its height is two digits that touch, cut at its thinnest
    column."""
    left, right, top, bottom = span
    text = "".join(w.text for w in inside)
    thai = sum(ch in THAI_DIGITS for ch in text) >= sum(ch.isascii() and ch.isdigit() for ch in text)
    placed = glyphs(ink[:, left:right], (0, top, right - left, bottom))
    found = [g for _, g in placed]
    if placed:
        left, right = left + placed[0][0], left + placed[-1][0] + placed[-1][1].shape[1]
    tallest = max((g.shape[0] for g in found), default=0)
    heights = sorted(g.shape[0] for g in found if g.shape[0] > tallest / 2)  # digits (and slashes), no dots
    digit_h = heights[len(heights) // 2] if heights else 0
    read, conf = "", min((w.conf for w in inside), default=1.0)
    for g in [piece for whole in found for piece in _split(whole)]:
        h, w = g.shape
        if h < digit_h / 3:
            read += "-" if w > 2 * h else "."
        elif h > digit_h * 1.15 and w < h * 0.75 and "/" in text:
            read += "/"
        else:
            ch, c = classify(g, thai=thai)
            read, conf = read + ch, min(conf, c)
    return read.strip("."), conf, left, right


def _split(glyph: np.ndarray) -> list[np.ndarray]:
    """Two glyphs that touch, cut at the column with the least ink in the middle of the piece; one glyph
    as it is."""
    h, w = glyph.shape
    if w <= 1.4 * h or h < 8:  # one glyph, or a dash or speck (nothing to cut)
        return [glyph]
    cut = w // 4 + int(np.argmin(glyph.sum(axis=0)[w // 4: w - w // 4]))
    return [p for half in (glyph[:, :cut], glyph[:, cut:]) if half.any() for p in _split(_trim(half))]


def _trim(glyph: np.ndarray) -> np.ndarray:
    """A piece cropped to its ink, thin bridges left at its sides by the cut (columns with little ink)
    dropped."""
    cols = glyph.sum(axis=0)
    solid = np.nonzero(cols > max(1, glyph.shape[0] * 0.15))[0]
    if len(solid):
        glyph = glyph[:, solid[0]:solid[-1] + 1]
    rows, cols = np.nonzero(glyph.any(axis=1))[0], np.nonzero(glyph.any(axis=0))[0]
    return glyph[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def fix_numbers(words: list[Word], ink: np.ndarray) -> list[Word]:
    """``words`` with every number's words replaced by one word of the number read again."""
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
            text, conf, left, right = _read(ink, span, inside)
            out.append(Word(text, left, span[2], right - left, span[3] - span[2], conf, key,
                            inside[0].line_bottom))
        out += line
    return out


def glyphs(ink: np.ndarray, box: tuple[int, int, int, int]) -> list[tuple[int, np.ndarray]]:
    """The glyphs about ``box`` (left, top, right, bottom), with their left edges: the connected pieces of ink
    that reach into the box's rows (Tesseract's boxes may cut a digit's tail, so a third of its height more
    is looked at above and below), pieces over one another in more than half of the narrower's columns
    joined (a glyph the scan broke), specks dropped."""
    left, top, right, bottom = box
    grow = (bottom - top) // 3
    y0, y1 = max(top - grow, 0), min(bottom + grow, ink.shape[0])
    part = ink[y0:y1, left:right]
    pieces = [p for p in _components(part) if p[1] < bottom - y0 and p[3] > top - y0 and p[4] >= 4]
    pieces.sort(key=lambda p: p[0])
    merged: list[list[int]] = []
    for x0, py0, x1, py1, _ in pieces:
        last = merged[-1] if merged else None
        if last and min(x1, last[2]) - max(x0, last[0]) > min(x1 - x0, last[2] - last[0]) / 2:
            m = merged[-1]
            m[:] = [min(m[0], x0), min(m[1], py0), max(m[2], x1), max(m[3], py1)]
        else:
            merged.append([x0, py0, x1, py1])
    return [(left + x0, part[py0:py1, x0:x1]) for x0, py0, x1, py1 in merged]


def _components(ink: np.ndarray) -> list[tuple[int, int, int, int, int]]:
    """(x0, y0, x1, y1, pixels) of each 8-connected piece of ink."""
    seen = np.zeros_like(ink)
    h, w = ink.shape
    out = []
    for y, x in zip(*np.nonzero(ink), strict=True):
        if seen[y, x]:
            continue
        seen[y, x] = True
        stack, box, n = [(y, x)], [x, y, x + 1, y + 1], 0
        while stack:
            cy, cx = stack.pop()
            n += 1
            box[:] = [min(box[0], cx), min(box[1], cy), max(box[2], cx + 1), max(box[3], cy + 1)]
            for ny in range(max(cy - 1, 0), min(cy + 2, h)):
                for nx in range(max(cx - 1, 0), min(cx + 2, w)):
                    if ink[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        stack.append((ny, nx))
        out.append((*box, n))
    return out
