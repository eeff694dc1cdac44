"""English words on a Thai scan read again by Tesseract's English model: the Thai model reads "E – Service"
as ``ธี-31 ธ 8 ห``, "(No Gift Policy)" as ``(พ๐ 6เหี ๐น๓)``, and reading the whole page with ``tha+eng``
costs 70% more time and turns Thai dates into Latin (``30 nw, 66``).

A suspect is a run of a line's words without a space in it (:data:`~itanb.memo.scan_words.SPACE` letter
heights) that holds a Latin letter or an Arabic digit, mixes digits with Thai letters, or was read unsurely
(under :data:`UNSURE`): what the Thai model makes of Latin letters; short runs beside it join it. The
suspects of a page are cut out and read by ``eng`` in one tesseract run (:func:`itanb.memo.ocr.read_pieces`,
cached); each English word of mostly Latin letters read surely (:data:`SURE`) replaces the Thai words under
it, with the sure brackets and dashes about it. A Thai word or a number keeps its reading: English makes no
sure Latin word of it (ภาครัฐ comes out of English as ``MATH`` at 0.6).
"""

from __future__ import annotations

import numpy as np

from itanb.memo.ocr import Word, piece_of, read_pieces
from itanb.memo.scan_words import SPACE, is_thai

UNSURE = 0.7  # a run read by the Thai model below this mean confidence is a suspect
SURE = 0.8  # an English reading at least this sure (mean) replaces the Thai one


def _lines(words: list[Word]) -> list[list[list[Word]]]:
    """The words of each line in runs without a space, left to right."""
    import itertools

    heights = sorted(w.height for w in words)
    gap = SPACE * heights[len(heights) // 2] if heights else 0
    lines: dict[tuple, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    out = []
    for line in lines.values():
        line.sort(key=lambda w: w.left)
        runs = [[line[0]]]
        for a, b in itertools.pairwise(line):
            if b.left - (a.left + a.width) > gap:
                runs.append([b])
            else:
                runs[-1].append(b)
        out.append(runs)
    return out


def _suspects(words: list[Word]) -> list[list[Word]]:
    """Each line's suspect runs, a short run (up to 3 characters: ``E`` of E-Service, a dash) beside one
    taken in, and suspects side by side joined: one English phrase is read as one."""
    out = []
    for runs in _lines(words):
        marked = [_suspect(r) for r in runs]
        # a short run joins a suspect beside it, but not one with an abbreviation's dot (ก.พ. is Thai)
        short = [len(t) <= 3 and "." not in t for t in ("".join(w.text for w in r) for r in runs)]
        near = list(marked)
        for _ in range(3):  # short runs next to a suspect, or next to such a run (E – of E – Service)
            near = [n or (s and any(near[j] for j in (i - 1, i + 1) if 0 <= j < len(runs)))
                    for i, (n, s) in enumerate(zip(near, short, strict=True))]
        segment: list[Word] = []
        hit = False
        for run, sus, by in zip(runs, marked, near, strict=True):
            if sus or by:
                segment, hit = segment + run, hit or sus
                continue
            if hit:
                out.append(segment)
            segment, hit = [], False
        if hit:
            out.append(segment)
    return out


def _suspect(run: list[Word]) -> bool:
    """A run the Thai model may have made of Latin letters: with a Latin letter or an Arabic digit (English
    read as digits: "E-Service" as ``5-5``; a real number is read by English as itself and kept), or with
    Thai letters and digits or unsure but no dot (an abbreviation's dots, ม.ค. พ.ศ. อบต., are Thai)."""
    text = "".join(w.text for w in run)
    thai = sum(map(is_thai, text))
    digits = sum(ch.isdigit() for ch in text)
    ascii_ = sum(ch.isascii() and ch.isalnum() for ch in text)
    unsure = sum(w.conf for w in run) / len(run) < UNSURE
    return ascii_ > 0 or ("." not in text and thai > 0 and (digits > 0 or unsure))


def read_latin(words: list[Word], ink: np.ndarray, dpi: int) -> list[Word]:
    """``words`` (of one page, on the image ``ink``) with their suspect runs read again in English where that
    reading is mostly Latin letters and sure."""
    suspects = _suspects(words)
    if not suspects:
        return words
    pad = max(dpi // 30, 4)
    h, w = ink.shape
    boxes = [(max(min(x.left for x in r) - pad, 0), max(min(x.top for x in r) - pad, 0),
              min(max(x.left + x.width for x in r) + pad, w), min(max(x.top + x.height for x in r) + pad, h))
             for r in suspects]
    read: dict[int, list[Word]] = {}
    for e in read_pieces([(ink[y0:y1, x0:x1], x0, y0) for x0, y0, x1, y1 in boxes], dpi, "eng"):
        read.setdefault(piece_of(e), []).append(e)
    replaced: set[int] = set()
    added: list[Word] = []
    for i, run in enumerate(suspects):
        english = [e for e in read.get(i, []) if e.conf >= SURE and _latin(e.text)]
        if not english:
            continue
        english += [e for e in read.get(i, [])  # its brackets and dashes too
                    if e.conf >= SURE and e.text and not any(c.isalnum() for c in e.text)]
        # each sure English word in place of the Thai words under it, at the Thai line's height (its row)
        under = [w for w in run if any(e.left <= w.left + w.width / 2 <= e.left + e.width for e in english)]
        if not under or not _noise("".join(w.text for w in under), sum(w.conf for w in under) / len(under)):
            continue
        replaced |= {id(x) for x in under}
        top = min(x.top for x in under)
        bottom = sorted(x.top + x.height for x in under)[len(under) // 2]
        added += [Word(e.text, e.left, top, e.width, max(bottom - top, 1), e.conf, under[0].line,
                       under[0].line_bottom) for e in english]
    return [x for x in words if id(x) not in replaced] + added


def _noise(thai: str, conf: float) -> bool:
    """What the Thai model read under English words is noise, not Thai: it has digits or Latin letters, or was
    read unsurely (อบต. read surely stays อบต., though English reads it as ``juM.``)."""
    return conf < UNSURE or any(ch.isdigit() or (ch.isascii() and ch.isalpha()) for ch in thai)


def _latin(text: str) -> bool:
    """A word mostly of Latin letters (E, Service, ITA, seed=7; not 0002 nor Thai)."""
    letters = [ch for ch in text if ch.isalnum()]
    latin = sum(ch.isascii() and ch.isalpha() for ch in letters)
    return latin >= 1 and latin >= 0.6 * len(letters)
