"""Words off a page image: Debian's Tesseract (``tesseract-ocr``, ``tesseract-ocr-tha``) run as a program,
its TSV read back, and the results cached (numbers are read again by :mod:`~itanb.memo.numbers`).

The ``tesseract`` binary is called with :mod:`subprocess` (the page as PNG on its standard input, TSV on its
standard output): pytesseract does the same with temporary files and adds nothing we use. Tesseract's TSV
gives a Thai text one "word" per character (tesseract issue 2702), so a :class:`Word` is what it gives and
the reader groups them by position. The image reader runs pages in threads, as many as the cores (each
waits on its own tesseract process; ``OMP_THREAD_LIMIT=1`` keeps each process to one core). Words are
cached in ``paths.CACHE/ocr`` by the hash of the page image and of what reads it, so a re-ingest never runs
OCR again.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from itanb import paths
from itanb.errors import InputError

LANG = "tha"
PSM = "6"  # one uniform block: the ruling lines are gone from the image tesseract gets
INSTALL = ("tesseract is not installed: a scan needs OCR; install Debian's tesseract-ocr and "
           "tesseract-ocr-tha (apt-get install tesseract-ocr tesseract-ocr-tha), or supply the Word (.docx) "
           "or a PDF with a text layer")
VERSION = "2"  # bump when what tesseract is asked for a page changes (the words' cache key)


@dataclass
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float  # 0-1
    line: tuple[int, int, int]  # tesseract's block, paragraph, line
    line_bottom: int  # the bottom of its line's box


def available() -> bool:
    """Tesseract and its Thai model are installed."""
    exe = shutil.which("tesseract")
    if exe is None:
        return False
    try:
        done = subprocess.run([exe, "--list-langs"], check=False, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return LANG in done.stdout.split()


@lru_cache(maxsize=1)
def version() -> str:
    """The tesseract that runs (its ``--version`` first line), part of the caches' keys: another tesseract
    reads a page again; "" without one."""
    exe = shutil.which("tesseract")
    if exe is None:
        return ""
    try:
        done = subprocess.run([exe, "--version"], check=False, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return (done.stdout or done.stderr).split("\n", 1)[0].strip()


def require(source: str) -> None:
    if not available():
        raise InputError(INSTALL, source=source)


def _tesseract(listing: str, dpi: int, lang: str = LANG) -> str:
    """Tesseract's TSV of the images a file lists, one per line, read in one run (the model loads once;
    each image is a page of the TSV)."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    argv = ["tesseract", listing, "stdout", "-l", lang, "--psm", PSM, "--dpi", str(dpi), "tsv"]
    done = subprocess.run(argv, check=False, capture_output=True, env=env, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace").strip()[-300:])
    return done.stdout.decode("utf-8", errors="replace")


def parse_tsv(tsv: str) -> list[Word]:
    lines: dict[tuple[int, int, int], int] = {}
    words = []
    for row in tsv.splitlines()[1:]:
        f = row.split("\t")
        if len(f) < 12:
            continue
        level, key = int(f[0]), (_PAGE * int(f[1]) + int(f[2]), int(f[3]), int(f[4]))  # page, block: one key
        left, top, width, height = map(int, f[6:10])
        if level == 4:
            lines[key] = top + height
        elif level == 5 and f[11].strip():
            words.append(Word(f[11].strip(), left, top, width, height, max(float(f[10]), 0.0) / 100, key, 0))
    for w in words:
        w.line_bottom = lines.get(w.line, w.top + w.height)
    return words


PAD = 20  # pixels of white about each piece of a page tesseract reads
_PAGE = 1000  # a word's line key holds its TSV page (the piece it is of) times this plus its block


def piece_of(word: Word) -> int:
    """The index of the piece (:func:`read_pieces`) ``word`` was read from."""
    return word.line[0] // _PAGE - 1


def read_pieces(pieces: list[tuple[np.ndarray, int, int]], dpi: int, lang: str = LANG) -> list[Word]:
    """The words of a page read as pieces (ink, left, top on the page: its prose, each table cell), all in
    one tesseract run of a list of images, placed back on the page; a line of one piece is a line of none
    other. Cached under the hash of the pieces and of what reads them."""
    import tempfile
    from pathlib import Path

    from PIL import Image

    h = hashlib.sha256(f"pieces {dpi} {lang} {PSM} {PAD} {VERSION} {version()}".encode())
    for ink, left, top in pieces:
        h.update(f"{ink.shape} {left} {top}".encode() + np.packbits(ink).tobytes())
    path = paths.CACHE / "ocr" / f"{h.hexdigest()}.json"
    if path.is_file():
        return [Word(**{**w, "line": tuple(w["line"])}) for w in json.loads(path.read_text(encoding="utf-8"))]
    with tempfile.TemporaryDirectory(prefix="itanb-ocr-") as tmp:
        names = []
        for i, (ink, _, _) in enumerate(pieces):
            names.append(str(Path(tmp) / f"{i:05d}.png"))
            Image.fromarray(~np.pad(ink, PAD)).convert("1").save(names[-1], dpi=(dpi, dpi))
        listing = Path(tmp) / "pieces.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        words = parse_tsv(_tesseract(str(listing), dpi, lang))
    for w in words:  # back on the page, inside its piece (tesseract's boxes reach into the white about it)
        ink, left, top = pieces[piece_of(w)]
        x0, y0 = max(w.left - PAD, 0), max(w.top - PAD, 0)
        x1, y1 = min(w.left + w.width - PAD, ink.shape[1]), min(w.top + w.height - PAD, ink.shape[0])
        w.left, w.top, w.width, w.height = left + x0, top + y0, max(x1 - x0, 1), max(y1 - y0, 1)
        w.line_bottom = top + min(max(w.line_bottom - PAD, 0), ink.shape[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    paths.write_atomic(path, json.dumps([asdict(w) for w in words], ensure_ascii=False).encode())
    return words


# --- the reported level ------------------------------------------------------------------------------------

LEVELS = ("AA", "A", "B", "C", "D", "E", "F")


def read_levels(words: list[Word], ink: np.ndarray, dpi: int) -> list[Word]:
    """``words`` with what follows ``ระดับ`` read again by Tesseract's English model (a level written AA, A,
    B ... comes out of the Thai model as Thai letters): the first run of ink after the word, up to a gap (past
    a sliver of the word's own last letter), is kept as the level where the first word English reads in it
    is one, with that reading's confidence; only the Thai words under that level give way."""
    out = list(words)
    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    for line in by_line.values():
        line.sort(key=lambda w: w.left)
        text, ends = "", []
        for w in line:
            text += w.text
            ends.append((len(text), w))
        at = text.find("ระดับ")
        if at < 0:
            continue
        last = next(w for n, w in ends if n >= at + len("ระดับ"))
        top, bottom = min(w.top for w in line), max(w.top + w.height for w in line)
        box = _ink_after(ink, last.left + last.width, top, bottom)
        if box is None:
            continue
        level = _read_latin(ink, box, dpi)
        if level is not None:
            text, conf, x0, x1 = level
            inside = [w for w in line if x0 <= w.left + w.width / 2 <= x1]
            out = [w for w in out if w not in inside]
            out.append(Word(text, x0, box[1], x1 - x0, box[3] - box[1], conf, last.line, last.line_bottom))
    return out


def _ink_after(ink: np.ndarray, x: int, top: int, bottom: int) -> tuple[int, int, int, int] | None:
    """The box of the first run of ink right of ``x`` between ``top`` and ``bottom``, up to a gap of a
    seventh of that height (a space); None when nothing follows within twice the height."""
    h = bottom - top
    cols = ink[top:bottom, x:x + 6 * h].any(axis=0)
    runs: list[list[int]] = []
    for i in np.nonzero(cols)[0]:
        if runs and i - runs[-1][1] <= h // 7:
            runs[-1][1] = int(i) + 1
        else:
            runs.append([int(i), int(i) + 1])
    if runs and runs[0][0] < h // 10 and runs[0][1] - runs[0][0] < h // 3 and len(runs) > 1:
        runs = runs[1:]  # the tail of ระดับ's last letter, which Tesseract's box cut short
    if not runs or runs[0][0] > 2 * h:
        return None
    return x + runs[0][0], top, x + runs[0][1], bottom


def _read_latin(ink: np.ndarray, box: tuple[int, int, int, int],
                dpi: int) -> tuple[str, float, int, int] | None:
    """The level English reads first in ``box``, its confidence, and its left and right on the page (the
    run of ink may hold the next word too where the space is narrow)."""
    from PIL import Image

    pad = dpi // 20
    x0, y0, x1, y1 = box
    buf = io.BytesIO()
    Image.fromarray(~np.pad(ink[y0:y1, x0:x1], pad)).convert("1").save(buf, "PNG")
    argv = ["tesseract", "stdin", "stdout", "-l", "eng", "--psm", "7", "--dpi", str(dpi), "tsv"]
    done = subprocess.run(argv, check=False, input=buf.getvalue(), capture_output=True, timeout=60)
    found = parse_tsv(done.stdout.decode("utf-8", errors="replace"))
    if not found or found[0].text not in LEVELS or found[0].conf < 0.5:
        return None
    left = x0 + found[0].left - pad
    return found[0].text, found[0].conf, left, left + found[0].width
