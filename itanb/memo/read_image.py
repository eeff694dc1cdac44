"""Memos as images (a scan: a PDF page without a usable text layer, a ``.jpg``/``.png``/``.tif`` file) ->
:class:`~itanb.memo.document.Document`, the same model the other readers give.

Each page is made ready by :mod:`~itanb.memo.scan_page` (light, skew, ruling lines, the table grids, the
pieces tesseract reads), read by :mod:`~itanb.memo.ocr` (English words again by
:mod:`~itanb.memo.ocr_latin`, numbers by :mod:`~itanb.memo.numbers`), and its words fed as characters
(:mod:`~itanb.memo.scan_words`: marks from ink, spaces, doubts) to the PDF reader's
:class:`~itanb.memo.read_pdf.PageReader` (paragraphs, cells, tables over pages). A page under
:data:`MIN_DPI` is refused in one line. A scan's document is cached under the hash of its bytes and of the
code and model that read it (:func:`cached`).
"""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from itanb import limits
from itanb.errors import InputError
from itanb.memo.document import Document, Doubt
from itanb.memo.scan_page import prepare
from itanb.memo.scan_words import chars, no_junk

MIN_DPI = 150
_A4_WIDTH_IN = 8.27
SCAN_DPI = 300  # a scanned PDF page is rendered at its image's resolution, at most this


@lru_cache(maxsize=1)
def reader_digest() -> str:
    """The hash of what turns a scan into a document: the memo readers' code (``itanb/memo/*.py``), the
    package's models (``itanb/data/*.npz``) and the tesseract that runs (:func:`itanb.memo.ocr.version`). A
    change to any of them reads a cached scan again."""
    import hashlib
    from pathlib import Path

    from itanb.memo.ocr import version

    here = Path(__file__).resolve().parent
    h = hashlib.blake2b(version().encode(), digest_size=16)
    for path in sorted([*here.glob("*.py"), *(here.parent / "data").glob("*.npz")]):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def cached(read):
    """``read(data, source)`` whose document is kept in ``paths.CACHE/ocr`` under the hash of the file's
    bytes and of :func:`reader_digest`: reading the same file again (a re-ingest) does no OCR and no image
    work; a new version of the reader reads it again."""
    import functools
    import hashlib
    import json

    @functools.wraps(read)
    def wrapper(data: bytes, source: str) -> Document:
        from itanb import paths
        from itanb.memo.document import from_json, to_json
        key = hashlib.sha256(data + f"\0{read.__name__} {reader_digest()}".encode()).hexdigest()
        path = paths.CACHE / "ocr" / f"doc-{key}.json"
        try:
            return from_json(json.loads(path.read_text(encoding="utf-8")), source)
        except (OSError, ValueError, KeyError, TypeError):
            pass
        doc = read(data, source)
        paths.write_atomic(path, json.dumps(to_json(doc), ensure_ascii=False).encode())
        return doc

    return wrapper


@cached
def read_image(data: bytes, source: str) -> Document:
    """An image file of a memo, every frame of a TIFF a page."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
        limits.SCAN_PAGES.check(getattr(img, "n_frames", 1), source=source)
        frames = [(f.convert("L"), _dpi_of(f)) for f in ImageSequence.Iterator(img)]
    except UnidentifiedImageError:
        raise InputError("not a picture that can be read (PNG, JPEG or TIFF)", source=source) from None
    except (Image.DecompressionBombError, OSError, ValueError) as exc:
        raise InputError(f"unreadable image ({exc})", source=source) from None
    return read_pages(frames, source)


@cached
def read_scan(data: bytes, source: str) -> Document:
    """The PDF's pages rendered at :data:`SCAN_DPI` and read as images (:mod:`~itanb.memo.read_image`)."""
    from itanb.memo.read_pdf import open_pdf

    pdf = open_pdf(data, source)
    pages = []
    try:
        limits.SCAN_PAGES.check(len(pdf), source=source)
        for number in range(len(pdf)):
            page = pdf[number]
            try:
                dpi = min(SCAN_DPI, max(_image_dpi(page), 1))
                pages.append((page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"), dpi))
            finally:
                page.close()
    finally:
        pdf.close()
    return read_pages(pages, source)


def _image_dpi(page) -> int:
    """The resolution of the page's largest image (a scan's), SCAN_DPI where the page has none."""
    from pypdfium2 import raw

    best = 0
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        width_px = obj.get_px_size()[0]
        left, _, right, _ = obj.get_bounds()
        if right > left:
            best = max(best, round(width_px / ((right - left) / 72)))
    return best or SCAN_DPI


def _dpi_of(img) -> int:
    """The image's resolution: as stored, else from its width taken as an A4 page's."""
    dpi = img.info.get("dpi")
    if dpi and dpi[0] and dpi[0] > 30:
        return round(float(dpi[0]))
    return round(img.width / _A4_WIDTH_IN)


def read_pages(pages: list, source: str) -> Document:
    """Pages as (greyscale PIL image, dpi) -> the document; InputError for a page under :data:`MIN_DPI` or
    without tesseract."""
    from itanb.memo import ocr
    from itanb.memo.numbers import fix_numbers
    from itanb.memo.ocr_latin import read_latin
    from itanb.memo.read_pdf import PageReader

    for n, (_, dpi) in enumerate(pages, start=1):
        if dpi < MIN_DPI:
            raise InputError(f"scan too coarse to read: page {n} is {dpi} dpi (at least {MIN_DPI} needed); "
                             "scan it again at 300 dpi", source=source)
    ocr.require(source)
    reader = PageReader(spaced=False)
    doubts: list[Doubt] = []
    # each page goes to tesseract as soon as it is prepared, in threads as many as the cores (each waits on a
    # tesseract process): the next pages are prepared, and the first ones read back, while it runs
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        prepared, words = [], []
        for img, dpi in pages:
            prepared.append(prepare(img, dpi))
            words.append(pool.submit(ocr.read_pieces, prepared[-1].pieces(), dpi))
        for n, (page, page_words) in enumerate(zip(prepared, words, strict=True), start=1):
            found = fix_numbers(read_latin(no_junk(page_words.result()), page.clean, page.dpi), page.clean)
            found = ocr.read_levels(found, page.clean, page.dpi)
            reader.add(n, chars(page, found, doubts, n), page.line_height, page.grids)
    if not reader.chars:
        raise InputError("scan without readable text (OCR found none)", source=source)
    return Document(source, "layout", [_corrected(b) for b in reader.joined()], doubts, scanned=True)


def _corrected(block):
    """A block's text with what Tesseract gets wrong put right (:func:`~itanb.memo.ocr_text.correct`)."""
    from itanb.memo.document import Row, Table
    from itanb.memo.ocr_text import correct

    if isinstance(block, Table):
        block.rows = [Row([correct(c) for c in row.cells], row.loc) for row in block.rows]
    else:
        block.text = correct(block.text)
    return block
