"""Words off a page image: Debian's Tesseract (``tesseract-ocr``, ``tesseract-ocr-tha``) run as a program,
its TSV read back, every number's glyphs read again by :mod:`~itanb.memo.digits`, and the results cached.

The ``tesseract`` binary is called with :mod:`subprocess` (the page as PNG on its standard input, TSV on its
standard output): pytesseract does the same with temporary files and adds nothing we use. Tesseract's TSV
gives a Thai text one "word" per character (tesseract issue 2702), so a :class:`Word` is what it gives and
the reader groups them by position. Pages run in threads, as many as the cores (each thread waits on its own
tesseract process; ``OMP_THREAD_LIMIT=1`` keeps each process to one core). Results are cached under
``paths.CACHE/ocr`` by the hash of the page image and of what reads it, so a re-ingest never runs OCR again.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

import numpy as np

from itanb import paths
from itanb.errors import InputError

LANG = "tha"
PSM = "6"  # one uniform block: the ruling lines are gone from the image tesseract gets
INSTALL = ("tesseract is not installed: a scan needs OCR; install Debian's tesseract-ocr and "
           "tesseract-ocr-tha (apt-get install tesseract-ocr tesseract-ocr-tha), or supply the Word (.docx) "
           "or a PDF with a text layer")
VERSION = "1"  # bump when what a page's words are changes (the cache key)
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
DIGITS = THAI_DIGITS + "0123456789"
# Thai letters Tesseract gives for Thai digits it misreads (ฒ for ๗, ซ for ๖ ...): a digit inside a number
_LOOKALIKE = set("ฒซดตถภฅคศฯ")


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


def require(source: str) -> None:
    if not available():
        raise InputError(INSTALL, source=source)


def _tesseract(png: bytes, dpi: int) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    argv = ["tesseract", "stdin", "stdout", "-l", LANG, "--psm", PSM, "--dpi", str(dpi), "tsv"]
    done = subprocess.run(argv, check=False, input=png, capture_output=True, env=env, timeout=300)
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
        level, key = int(f[0]), (int(f[2]), int(f[3]), int(f[4]))
        left, top, width, height = map(int, f[6:10])
        if level == 4:
            lines[key] = top + height
        elif level == 5 and f[11].strip():
            words.append(Word(f[11].strip(), left, top, width, height, max(float(f[10]), 0.0) / 100, key, 0))
    for w in words:
        w.line_bottom = lines.get(w.line, w.top + w.height)
    return words


def _cache_key(ink: np.ndarray, dpi: int) -> str:
    h = hashlib.sha256(np.packbits(ink).tobytes())
    h.update(f"{ink.shape} {dpi} {LANG} {PSM} {VERSION}".encode())
    return h.hexdigest()


def read_words(ink: np.ndarray, dpi: int) -> list[Word]:
    """The words of a page whose ink (True) is ``ink``, ruling lines already removed; cached."""
    key = _cache_key(ink, dpi)
    path = paths.CACHE / "ocr" / f"{key}.json"
    if path.is_file():
        return [Word(**{**w, "line": tuple(w["line"])}) for w in json.loads(path.read_text(encoding="utf-8"))]
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(~ink).convert("1").save(buf, "PNG")
    words = fix_numbers(parse_tsv(_tesseract(buf.getvalue(), dpi)), ink)
    path.parent.mkdir(parents=True, exist_ok=True)
    paths.write_atomic(path, json.dumps([asdict(w) for w in words], ensure_ascii=False).encode())
    return words


def read_pages(inks: list[tuple[np.ndarray, int]]) -> list[list[Word]]:
    """:func:`read_words` of each (ink, dpi), pages in parallel threads within the cores."""
    if len(inks) == 1:
        return [read_words(*inks[0])]
    with ThreadPoolExecutor(max_workers=min(len(inks), os.cpu_count() or 1)) as pool:
        return list(pool.map(lambda page: read_words(*page), inks))


# --- numbers ----------------------------------------------------------------------------------------------


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


def glyphs(ink: np.ndarray, box: tuple[int, int, int, int]) -> list[tuple[int, np.ndarray]]:
    """The glyphs in ``box`` (left, top, right, bottom): runs of columns with ink, each cropped to its ink,
    with its left edge."""
    left, top, right, bottom = box
    part = ink[top:bottom, left:right]
    cols = part.any(axis=0)
    out, start = [], None
    for x, on in enumerate([*cols, False]):
        if on and start is None:
            start = x
        elif not on and start is not None:
            piece = part[:, start:x]
            rows = np.nonzero(piece.any(axis=1))[0]
            out.append((left + start, piece[rows[0]:rows[-1] + 1]))
            start = None
    return out


def fix_numbers(words: list[Word], ink: np.ndarray) -> list[Word]:
    """Every number's glyphs read again by :func:`itanb.memo.digits.classify`: the token's words replaced by
    one word of what was read, its confidence the least of its glyphs'. A glyph under a third of the tallest
    one's height is a dot."""
    from itanb.memo.digits import classify

    out: list[Word] = []
    for token in _tokens(words):
        if not _is_number(token):
            out += token
            continue
        text = "".join(w.text for w in token)
        arabic = any(ch.isdigit() and ch.isascii() for ch in text)
        thai = True if any(ch in THAI_DIGITS for ch in text) else (False if arabic else None)
        left = min(w.left for w in token)
        top = min(w.top for w in token)
        right = max(w.left + w.width for w in token)
        bottom = max(w.top + w.height for w in token)
        found = glyphs(ink, (left, top, right, bottom))
        tall = max((g.shape[0] for _, g in found), default=0)
        read, conf = "", min(w.conf for w in token)
        for _, g in found:
            if g.shape[0] < tall / 3 and g.shape[1] < tall / 2:
                read += "/" if "/" in text and "." not in text else "."
                continue
            ch, c = classify(g, thai=thai)
            read, conf = read + ch, min(conf, c)
        if "/" in text and "/" not in read:
            read = text  # a slash joins its neighbours into one glyph: keep what tesseract read, doubtful
            conf = min(conf, 0.3)
        first = token[0]
        out.append(Word(read, left, top, right - left, bottom - top, conf, first.line, first.line_bottom))
    return out
