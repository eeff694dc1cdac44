"""A scanned page's words (:mod:`~itanb.memo.ocr`) as the PDF reader's characters: junk lines dropped, the
status cells' ink read as marks, spaces put where Thai sets words apart, and every word read below
:data:`CONFIDENT` kept as a :class:`~itanb.memo.document.Doubt` with the picture of where it was read. Used by
:mod:`~itanb.memo.read_image`.
"""

from __future__ import annotations

from itanb.memo.document import Doubt
from itanb.memo.scan_page import ScanPage, cell_box, cells, crop

CONFIDENT = 0.75  # a word read with less confidence is a doubt
_BOX_LIKE = frozenset("0๐oOอดDロ")
_NO_SPACE_BEFORE = frozenset("ะาำๆฯ\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a"
                             "\u0e4b\u0e4c\u0e4d\u0e4e")  # no Thai word starts with these
_NO_SPACE_AFTER = frozenset("เแโใไ")  # nor ends with these
SPACE = 0.33  # a gap without ink this many times a letter's usual height is a space (letters: under 0.27)
MARK_INNER = 8  # pixels of ink at 300 dpi in the middle third of a status cell's ink: a (doubtful) mark


def chars(page: ScanPage, words: list, doubts: list[Doubt], number: int) -> list[tuple[str, float, float]]:
    """The words as the PDF reader's characters (text, x, baseline y in points), a space between words set
    apart (:func:`_spaced`); a status cell's ink as a mark; doubts noted."""
    from itanb.memo.ocr import Word

    s = page.scale
    heights = sorted(w.line_bottom - w.top for w in words) or [page.dpi // 5]
    page.line_height = heights[len(heights) // 2] * s * 1.1
    marked = [w for w in _marks(page, words) if w.text]
    sizes = sorted(w.height for w in words) or [page.dpi // 8]
    space = SPACE * sizes[len(sizes) // 2]
    out: list[tuple[str, float, float]] = []
    prev: Word | None = None
    lines: dict[tuple, list[Word]] = {}
    for w in marked:
        lines.setdefault(w.line, []).append(w)
    # a line's baseline: where most of its letters end (a line's box reaches down to its lowest vowel, which
    # may be past the table rule below it)
    base = {key: sorted(w.top + w.height for w in ws)[len(ws) // 2] for key, ws in lines.items()}
    bands = {key: (min(w.top for w in ws), max(w.top + w.height for w in ws)) for key, ws in lines.items()}
    for w in sorted(marked, key=lambda w: (w.line, w.left)):
        text = w.text
        y = base[w.line] * s
        if prev is not None and prev.line == w.line and _spaced(page, prev, w, bands[w.line], space):
            out.append((" ", prev.left * s, y))
        out.append((text, w.left * s, y))
        if w.conf < CONFIDENT:
            box = (w.left * s, w.top * s, (w.left + w.width) * s, (w.top + w.height) * s)
            doubts.append(Doubt(text, number, box, round(w.conf, 2), crop(page, w)))
        prev = w
    return out


def _spaced(page: ScanPage, prev, w, band: tuple[int, int], space: float) -> bool:
    """A space between two words of a line: a run of columns without ink between their middles at least
    ``space`` wide (Tesseract's letter boxes overlap and miss a space; the ink shows it: letters of a word
    stand ~0.1 em apart, words ~0.3 em), or a number next to Thai letters (Thai sets a number apart from the
    words about it: วันที่ ๒๘ มิถุนายน ๒๕๖๗)."""
    import numpy as np

    if {_has_digit(prev.text), _has_digit(w.text)} == {True, False} and (
            is_thai(prev.text[-1]) or is_thai(w.text[0])):
        return True
    if w.text[0] in _NO_SPACE_BEFORE or prev.text[-1] in _NO_SPACE_AFTER:
        return False
    x0, x1 = prev.left + prev.width // 2, w.left + w.width // 2
    if x1 - x0 < space:
        return False
    empty = ~page.clean[band[0]:band[1], x0:x1].any(axis=0)
    edges = np.diff(np.concatenate(([0], empty.astype(np.int8), [0])))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    return bool(len(starts)) and int((ends - starts).max()) >= space


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def is_thai(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e4e"


def no_junk(words: list) -> list:
    """Without what Tesseract reads off specks and stray marks: lines of small pieces only, unsure lines, a
    line lying over a surer, longer one (the marks above a line, read as a line of their own), and unsure
    words of punctuation alone."""
    sizes = sorted(w.height for w in words)
    usual = sizes[len(sizes) // 2] if sizes else 0
    lines: dict[tuple, list] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    boxes = {key: (min(w.left for w in ws), min(w.top for w in ws), max(w.left + w.width for w in ws),
                   max(w.top + w.height for w in ws), sum(w.conf for w in ws) / len(ws), len(ws))
             for key, ws in lines.items()}
    junk = {key for key, ws in lines.items()
            if sorted(w.height for w in ws)[len(ws) // 2] < usual * 0.6 or boxes[key][4] < 0.5}
    for key, (x0, y0, x1, y1, conf, n) in boxes.items():
        for other, (ox0, oy0, ox1, oy1, oconf, on) in boxes.items():
            if other != key and on > n and oconf > conf and min(x1, ox1) > max(x0, ox0) \
                    and min(y1, oy1) - max(y0, oy0) > 0.5 * min(y1 - y0, oy1 - oy0):
                junk.add(key)
                break
    return [w for w in words if w.line not in junk
            and not (w.conf < 0.5 and not any(ch.isalnum() for ch in w.text))]


def _marks(page: ScanPage, words: list) -> list:
    """``words`` with each table cell that holds no word, or a single character (an empty box may be read as
    ``๐`` or ``อ``), read by its ink (:func:`mark_confidence`): a mark (``✓``) at its centre, doubtful near
    the threshold; none for a clean cell, an empty check box or a dash."""
    from itanb.memo.ocr import Word

    s = page.scale
    judged: set[int] = set()  # the words of cells read by their ink
    marks = []
    for grid in page.grids:
        held: dict[int, list] = {}
        for w in words:
            cell = grid.cell_of((w.left + w.width / 2) * s, (w.top + w.height / 2) * s)
            if cell is not None:
                held.setdefault(cell, []).append(w)
        for cell in cells(grid):
            inside = held.get(cell, [])
            text = "".join(w.text for w in inside).strip()
            if not _unread(text, inside):
                continue
            x0, y0, x1, y1 = (round(v / s) for v in cell_box(grid, cell))
            m = max(page.dpi // 50, 2)  # what is left of the ruling lines stays out
            conf = mark_confidence(page.clean[y0 + m:y1 - m, x0 + m:x1 - m], page.dpi)
            judged |= {id(w) for w in inside}
            if conf > 0:
                cy = (y0 + y1) // 2
                marks.append(Word("✓", (x0 + x1) // 2, cy - 10, 20, 20, conf, (-1, cell, id(grid)), cy + 10))
    return [w for w in words if id(w) not in judged] + marks


def _unread(text: str, inside: list) -> bool:
    """A cell's words are no reading of it but of a mark or a box: nothing, or up to two characters that are
    box-like or not letters, or read unsurely (tesseract reads ☐ as ๐, อ, [], a tick as / or ง)."""
    if not text:
        return True
    if len(text) > 2:
        return False
    return all(ch in _BOX_LIKE or not ch.isalnum() for ch in text) or min(w.conf for w in inside) < CONFIDENT


def mark_confidence(ink, dpi: int) -> float:
    """How surely the ink of a status cell is a mark, 0 (none) to 1. A mark (a tick, a slash, a cross, a
    ticked box) has ink in the middle of its own extent; an empty box has its ink on its edges, a dash is
    flat, specks are few: :data:`MARK_INNER` pixels (at 300 dpi) in the middle third give 0.5,
    twice that 1."""
    import numpy as np

    k = (dpi / 300) ** 2
    rows, cols = np.nonzero(ink.sum(axis=1) >= 2)[0], np.nonzero(ink.sum(axis=0) >= 2)[0]
    if not len(rows) or not len(cols) or ink.sum() / k < MARK_INNER * 2:
        return 0.0
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    h, w = bottom - top, right - left
    if h < dpi / 30 or h < 0.3 * w:
        return 0.0
    middle = ink[top + h // 3: bottom - h // 3, left + w // 3: right - w // 3].sum() / k
    return 0.0 if middle < MARK_INNER else min(1.0, middle / (2 * MARK_INNER))
