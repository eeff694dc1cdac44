"""A scanned page made ready for OCR: light evened out (the page divided by its blurred background), ink at
a fixed threshold, the skew (±3°) found by the sharpest row profile and undone, ruling lines found as long
runs of ink in rows and columns and handed to :func:`~itanb.memo.pdf_grid.find_grids` in points (the PDF
reader's grids), the lines taken out, and the pieces tesseract reads: the page without its tables, and
every table cell on its own (so no line of text runs across cells). Used by :mod:`~itanb.memo.read_image`.
"""

from __future__ import annotations

import base64
import io

import numpy as np

from itanb.memo.pdf_grid import Grid, find_grids, merge_lines

INK = 150  # grey below this, once the light is evened out, is ink


class ScanPage:
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

    def pieces(self) -> list[tuple[np.ndarray, int, int]]:
        """What tesseract reads, each piece on its own as (ink, left, top on the page): the page without its
        tables, then every table cell that holds ink, cut to its ink. Read as separate images
        (:func:`itanb.memo.ocr.read_pieces`), no line of text runs across cells, and no cell's first line is
        taken for the marks above a line of another (a sheet of all the cells lost such lines)."""
        prose = self.clean.copy()
        out = []
        for grid in self.grids:
            x0, y0, x1, y1 = (round(v / self.scale) for v in grid.bbox)
            prose[y0:y1 + 1, x0:x1 + 1] = False
            for cell in cells(grid):
                cx0, cy0, cx1, cy1 = (round(v / self.scale) for v in cell_box(grid, cell))
                part = self.clean[cy0:cy1, cx0:cx1]
                rows, cols = np.nonzero(part.any(axis=1))[0], np.nonzero(part.any(axis=0))[0]
                if len(rows):
                    ink = part[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
                    out.append((ink, cx0 + int(cols[0]), cy0 + int(rows[0])))
        return [(prose, 0, 0), *out]


def prepare(img, dpi: int) -> ScanPage:
    from PIL import Image, ImageFilter

    small = img.resize((max(img.width // 16, 1), max(img.height // 16, 1))).filter(ImageFilter.MaxFilter(5))
    background = np.asarray(small.resize(img.size, Image.BILINEAR), dtype=np.float32)
    even = np.asarray(img, dtype=np.float32) / np.maximum(background, 1) * 255
    even = np.clip(even, 0, 255).astype(np.uint8)
    angle = _skew(even < INK)
    if abs(angle) >= 0.1:
        even = np.asarray(Image.fromarray(even).rotate(angle, resample=Image.BILINEAR, fillcolor=255))
    return ScanPage(even, dpi)


def _skew(ink: np.ndarray) -> float:
    """The rotation (degrees, within ±3, to 0.1°) that makes the text's rows sharpest: every half degree,
    then in tenths about the best."""
    from PIL import Image

    small = Image.fromarray((ink[::4, ::4] * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        rows = np.asarray(small.rotate(angle, resample=Image.NEAREST)).sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    coarse = max(np.arange(-3.0, 3.01, 0.5), key=sharpness)
    return round(float(max(np.arange(coarse - 0.4, coarse + 0.41, 0.1), key=sharpness)), 1)


def _runs(ink: np.ndarray, min_len: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every run of ink at least ``min_len`` long in each row (rows with less ink than
    that are not looked at)."""
    rows = np.nonzero(np.count_nonzero(ink, axis=1) >= min_len)[0]
    padded = np.zeros((len(rows), ink.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = ink[rows]
    d = np.diff(padded, axis=1)
    rs, starts = np.nonzero(d == 1)
    _, ends = np.nonzero(d == -1)
    keep = ends - starts >= min_len
    return list(zip(rows[rs[keep]].tolist(), starts[keep].tolist(), ends[keep].tolist(), strict=True))


def _ruling(ink: np.ndarray, dpi: int):
    """Horizontal (y, x0, x1) and vertical (x, y0, y1) ruling lines in pixels, and their pixels. A vertical
    line shorter than a long one (a table of one row: its cell borders are one line of text high) counts
    when both its ends meet a horizontal line."""
    min_len = int(dpi * 0.35)
    hs = _runs(ink, min_len)
    pad = max(1, dpi // 100)
    across = np.zeros_like(ink)
    for y, a, b in hs:
        across[max(y - 2 * pad, 0):y + 2 * pad + 1, max(a - 2 * pad, 0):b + 2 * pad] = True
    top = max(min((y for y, _, _ in hs), default=0) - 2 * pad, 0)
    bottom = max((y for y, _, _ in hs), default=-1) + 2 * pad + 1  # tables lie between horizontal lines
    vs = [(x, a + top, b + top) for x, a, b in _runs(ink[top:bottom].T, dpi // 12)
          if b - a >= min_len or (across[a + top, x] and across[b + top - 1, x])]
    lines = np.zeros_like(ink)
    for y, a, b in hs:
        lines[max(y - pad, 0):y + pad + 1, a:b] = True
    for x, a, b in vs:
        lines[a:b, max(x - pad, 0):x + pad + 1] = True
    return hs, vs, lines


def cells(grid: Grid) -> list[int]:
    return sorted({grid.cell_of((grid.xs[c] + grid.xs[c + 1]) / 2, (grid.ys[r] + grid.ys[r + 1]) / 2)
                   for r in range(grid.nr) for c in range(grid.nc)} - {None})


def cell_box(grid: Grid, cell: int) -> tuple[float, float, float, float]:
    r, c = divmod(cell, grid.nc)
    return grid.xs[c], grid.ys[r], grid.xs[c + 1], grid.ys[r + 1]


def crop(page: ScanPage, w) -> str:
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
