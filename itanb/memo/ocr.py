"""Words off a page image: Debian's Tesseract (``tesseract-ocr``, ``tesseract-ocr-tha``) run as a program,
its TSV read back, and the results cached (numbers are read again by :mod:`~itanb.memo.numbers`).

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
    words = parse_tsv(_tesseract(buf.getvalue(), dpi))
    path.parent.mkdir(parents=True, exist_ok=True)
    paths.write_atomic(path, json.dumps([asdict(w) for w in words], ensure_ascii=False).encode())
    return words


def read_pages(inks: list[tuple[np.ndarray, int]]) -> list[list[Word]]:
    """:func:`read_words` of each (ink, dpi), pages in parallel threads within the cores."""
    if len(inks) == 1:
        return [read_words(*inks[0])]
    with ThreadPoolExecutor(max_workers=min(len(inks), os.cpu_count() or 1)) as pool:
        return list(pool.map(lambda page: read_words(*page), inks))
