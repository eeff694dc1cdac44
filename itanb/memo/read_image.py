"""Memos as images (a scan: a PDF page without a usable text layer, a ``.jpg``/``.png``/``.tif`` file) ->
:class:`~itanb.memo.document.Document`, the same model the other readers give.

Each page: light evened out (the page divided by its blurred background), ink at a fixed threshold, the skew
(±3°) found by the sharpest row profile and undone, ruling lines found as long runs of ink in rows and
columns and handed to :func:`~itanb.memo.pdf_grid.find_grids` in points (the PDF reader's grids), the lines
taken out of the image, the rest read by :mod:`~itanb.memo.ocr`, and the words fed as characters to the PDF
reader's :class:`~itanb.memo.read_pdf.PageReader` (paragraphs, cells, tables over pages). A status is read
from ink, not from a glyph: a table cell holding no letter or digit gets a mark (``✓``) when it holds ink.

Every word read below :data:`CONFIDENT` becomes a :class:`~itanb.memo.document.Doubt` of the document: its
text, page, box (points) and a small PNG of where it was read; the semantics turns the ones a value comes
from into ``ocr_uncertain`` findings. A page under :data:`MIN_DPI` is refused in one line.
"""

from __future__ import annotations

import base64
import io

import numpy as np

from itanb import limits
from itanb.errors import InputError
from itanb.memo.document import Document, Doubt
from itanb.memo.pdf_grid import Grid, find_grids, merge_lines

INK = 150  # grey below this, once the light is evened out, is ink
MIN_DPI = 150
CONFIDENT = 0.75  # a word read with less confidence is a doubt
MARK_INK = 120  # pixels of ink at 300 dpi (a tick's strokes have ~350): a mark; half of it: a doubtful one
_A4_WIDTH_IN = 8.27
SCAN_DPI = 300  # a scanned PDF page is rendered at its image's resolution, at most this


def cached(read):
    """``read(data, source)`` whose document is kept in ``paths.CACHE/ocr`` under the hash of the file's
    bytes and of :data:`itanb.memo.ocr.VERSION`: reading the same file again (a re-ingest) does no OCR and no
    image work."""
    import functools
    import hashlib
    import json

    @functools.wraps(read)
    def wrapper(data: bytes, source: str) -> Document:
        from itanb import paths
        from itanb.memo.document import from_json, to_json
        from itanb.memo.ocr import VERSION

        key = hashlib.sha256(data + f"\0{read.__name__} {VERSION}".encode()).hexdigest()
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
    from itanb.memo.read_pdf import PageReader

    for n, (_, dpi) in enumerate(pages, start=1):
        if dpi < MIN_DPI:
            raise InputError(f"scan too coarse to read: page {n} is {dpi} dpi (at least {MIN_DPI} needed); "
                             "scan it again at 300 dpi", source=source)
    ocr.require(source)
    prepared = [_prepare(img, dpi) for img, dpi in pages]
    words = ocr.read_pages([(p.sheet, p.dpi) for p in prepared])
    reader = PageReader(spaced=False)
    doubts: list[Doubt] = []
    for n, (page, page_words) in enumerate(zip(prepared, words, strict=True), start=1):
        found = ocr.read_levels(fix_numbers(_no_junk(page_words), page.sheet), page.sheet, page.dpi)
        chars = _chars(page, page.to_page(found), doubts, n)
        reader.add(n, chars, page.line_height, page.grids)
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


class _Page:
    def __init__(self, gray: np.ndarray, dpi: int):
        self.dpi, self.scale = dpi, 72.0 / dpi
        self.gray = gray
        ink = gray < INK
        hs, vs, lines = _ruling(ink, dpi)
        k = self.scale
        self.grids = find_grids(merge_lines([(y * k, a * k, b * k) for y, a, b in hs]),
                                merge_lines([(x * k, a * k, b * k) for x, a, b in vs]))
        self.clean = ink & ~lines
        self.line_height = 0.0
        self.sheet, self.bands = self._sheet()

    def _sheet(self) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
        """What tesseract reads: the page without its tables, then every table cell on a band of its own
        below it (at its own x), so that no line of text runs across cells or rows. Bands: (top on the
        sheet, bottom, shift back to the page)."""
        prose = self.clean.copy()
        cells = []
        for grid in self.grids:
            x0, y0, x1, y1 = (round(v / self.scale) for v in grid.bbox)
            prose[y0:y1 + 1, x0:x1 + 1] = False
            for cell in _cells(grid):
                cx0, cy0, cx1, cy1 = (round(v / self.scale) for v in _cell_box(grid, cell))
                if cy1 - cy0 > 4 and cx1 - cx0 > 4:
                    cells.append((cx0, cy0, cx1, cy1))
        gap = self.dpi // 6
        height = prose.shape[0] + sum(cy1 - cy0 + gap for _, cy0, _, cy1 in cells)
        sheet = np.zeros((height, prose.shape[1]), dtype=bool)
        sheet[:prose.shape[0]] = prose
        bands, y = [], prose.shape[0] + gap
        for cx0, cy0, cx1, cy1 in cells:
            h = cy1 - cy0
            sheet[y:y + h, cx0:cx1] = self.clean[cy0:cy1, cx0:cx1]
            bands.append((y, y + h, y - cy0))
            y += h + gap
        return sheet, bands

    def to_page(self, words: list) -> list:
        """Words read off the sheet moved back to where they are on the page."""
        for w in words:
            mid = w.top + w.height // 2
            for top, bottom, shift in self.bands:
                if top - self.dpi // 12 <= mid < bottom + self.dpi // 12:
                    w.top -= shift
                    w.line_bottom = min(w.line_bottom, bottom) - shift
                    w.line = (w.line[0] + 1000 * (top + 1), *w.line[1:])
                    break
        return words


def _prepare(img, dpi: int) -> _Page:
    from PIL import Image, ImageFilter

    small = img.resize((max(img.width // 16, 1), max(img.height // 16, 1))).filter(ImageFilter.MaxFilter(5))
    background = np.asarray(small.resize(img.size, Image.BILINEAR), dtype=np.float32)
    even = np.asarray(img, dtype=np.float32) / np.maximum(background, 1) * 255
    even = np.clip(even, 0, 255).astype(np.uint8)
    angle = _skew(even < INK)
    if abs(angle) >= 0.1:
        even = np.asarray(Image.fromarray(even).rotate(angle, resample=Image.BILINEAR, fillcolor=255))
    return _Page(even, dpi)


def _skew(ink: np.ndarray) -> float:
    """The rotation (degrees, within ±3) that makes the text's rows sharpest."""
    from PIL import Image

    small = Image.fromarray((ink[::4, ::4] * 255).astype(np.uint8))
    best, best_angle = -1.0, 0.0
    for angle in np.arange(-3.0, 3.01, 0.2):
        rows = np.asarray(small.rotate(angle, resample=Image.NEAREST)).sum(axis=1, dtype=np.float64)
        score = float(np.square(np.diff(rows)).sum())
        if score > best:
            best, best_angle = score, float(angle)
    return best_angle


def _runs(ink: np.ndarray, min_len: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every run of ink at least ``min_len`` long in each row."""
    padded = np.zeros((ink.shape[0], ink.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = ink
    d = np.diff(padded, axis=1)
    rs, starts = np.nonzero(d == 1)
    _, ends = np.nonzero(d == -1)
    keep = ends - starts >= min_len
    return list(zip(rs[keep].tolist(), starts[keep].tolist(), ends[keep].tolist(), strict=True))


def _ruling(ink: np.ndarray, dpi: int):
    """Horizontal (y, x0, x1) and vertical (x, y0, y1) ruling lines in pixels, and their pixels."""
    min_len = int(dpi * 0.35)
    hs = _runs(ink, min_len)
    vs = _runs(ink.T, min_len)
    lines = np.zeros_like(ink)
    pad = max(1, dpi // 100)
    for y, a, b in hs:
        lines[max(y - pad, 0):y + pad + 1, a:b] = True
    for x, a, b in vs:
        lines[a:b, max(x - pad, 0):x + pad + 1] = True
    return hs, vs, lines


def _chars(page: _Page, words: list, doubts: list[Doubt], number: int) -> list[tuple[str, float, float]]:
    """The words as the PDF reader's characters (text, x, baseline y in points), a space between words
    apart; a status cell's ink as a mark; doubts noted."""
    from itanb.memo.ocr import Word

    s = page.scale
    heights = sorted(w.line_bottom - w.top for w in words) or [page.dpi // 5]
    page.line_height = heights[len(heights) // 2] * s * 1.1
    marked = _marks(page, words)
    sizes = sorted(w.height for w in words) or [page.dpi // 8]
    space = 0.8 * sizes[len(sizes) // 2]  # Thai letters' gaps overlap spaces' widths: only wide gaps
    out: list[tuple[str, float, float]] = []
    prev: Word | None = None
    bottoms: dict[tuple, list[int]] = {}
    for w in marked:
        bottoms.setdefault(w.line, []).append(w.top + w.height)
    # a line's baseline: where most of its letters end (a line's box reaches down to its lowest vowel, which
    # may be past the table rule below it)
    base = {key: sorted(b)[len(b) // 2] for key, b in bottoms.items()}
    for w in sorted(marked, key=lambda w: (w.line, w.left)):
        text = w.text
        y = base[w.line] * s
        gap = w.left - (prev.left + prev.width) if prev is not None else 0
        # Thai sets a number apart from the words about it (วันที่ ๒๘ มิถุนายน ๒๕๖๗): Tesseract's letter boxes
        # are too wide to show that space
        apart = prev is not None and {_has_digit(prev.text), _has_digit(w.text)} == {True, False} and (
            _is_thai(prev.text[-1]) or _is_thai(w.text[0]))
        if prev is not None and prev.line == w.line and (gap > space or apart):
            out.append((" ", prev.left * s, y))
        out.append((text, w.left * s, y))
        if w.conf < CONFIDENT:
            box = (w.left * s, w.top * s, (w.left + w.width) * s, (w.top + w.height) * s)
            doubts.append(Doubt(text, number, box, round(w.conf, 2), _crop(page, w)))
        prev = w
    return out


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _is_thai(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e4e"


def _no_junk(words: list) -> list:
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


def _marks(page: _Page, words: list) -> list:
    """``words`` with each table cell that holds no letter or digit but ink read as a mark (``✓``) at its
    centre; a cell whose ink is near the threshold gets a doubtful mark."""
    from itanb.memo.ocr import Word

    s = page.scale
    out = list(words)
    for grid in page.grids:
        cells: dict[int, list] = {}
        for w in words:
            cell = grid.cell_of((w.left + w.width / 2) * s, (w.top + w.height / 2) * s)
            if cell is not None:
                cells.setdefault(cell, []).append(w)
        for cell in _cells(grid):
            inside = cells.get(cell, [])
            text = "".join(w.text for w in inside)
            if any(ch.isdigit() for ch in text) or (len(text) > 2 and any(ch.isalnum() for ch in text)):
                continue
            x0, y0, x1, y1 = (round(v / s) for v in _cell_box(grid, cell))
            m = max(page.dpi // 50, 2)  # what is left of the ruling lines stays out
            ink = float(page.clean[y0 + m:y1 - m, x0 + m:x1 - m].sum()) / (page.dpi / 300) ** 2
            out = [w for w in out if w not in inside]
            if ink >= MARK_INK / 2:
                conf = min(1.0, ink / MARK_INK)
                cy = (y0 + y1) // 2
                out.append(Word("✓", (x0 + x1) // 2, cy - 10, 20, 20, conf, (-1, cell, id(grid)), cy + 10))
    return out


def _cells(grid: Grid) -> list[int]:
    return sorted({grid.cell_of((grid.xs[c] + grid.xs[c + 1]) / 2, (grid.ys[r] + grid.ys[r + 1]) / 2)
                   for r in range(grid.nr) for c in range(grid.nc)} - {None})


def _cell_box(grid: Grid, cell: int) -> tuple[float, float, float, float]:
    r, c = divmod(cell, grid.nc)
    return grid.xs[c], grid.ys[r], grid.xs[c + 1], grid.ys[r + 1]


def _crop(page: _Page, w) -> str:
    """A small black-and-white PNG (``data:`` URI, about 1 kB) of where word ``w`` was read, with some of its
    surroundings."""
    from PIL import Image

    m = page.dpi // 6
    x0, y0 = max(w.left - 3 * m, 0), max(w.top - m, 0)
    x1, y1 = min(w.left + w.width + 3 * m, page.gray.shape[1]), min(w.top + w.height + m, page.gray.shape[0])
    img = Image.fromarray(page.gray[y0:y1, x0:x1])
    img.thumbnail((240, 60))
    buf = io.BytesIO()
    img.point(lambda v: 255 if v >= INK else 0).convert("1").save(buf, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
