"""PDF memos with a text layer -> :class:`~itanb.memo.document.Document` (kind ``"layout"``), with pypdfium2.

PDFium (through pypdfium2) gives each character and its baseline origin, in the order the PDF draws them, and
the page's path objects. Tables are found from their ruling lines: the paths' thin boxes are lines, other
boxes give their four edges; lines that touch make one table; its grid is every distinct row and column
line, and a grid cell without a line between it and its neighbour is merged with it (its text goes to the
first row and column of the merged cell, the others are empty). A cell's lines are kept apart by line breaks;
the lines of a paragraph outside tables are joined (with nothing between two Thai characters, which a wrap
splits without a space); a gap between lines over :data:`PARAGRAPH_GAP` line heights starts a paragraph. Every
text is repaired afterwards, as every reader's is (:func:`itanb.memo.read.repaired`: legacy-font PUA codes,
marks detached from or before their consonant, a lost sara am).
Check marks from symbol fonts arrive as ``ü``, ``P`` or a PUA code: text, so a mark, in a status cell.

pdfplumber (pdfminer.six) finds tables the same way but reads a memo page in ~0.3 s; PDFium in ~0.01 s.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterable
from dataclasses import replace
from typing import NamedTuple

from itanb import limits
from itanb.errors import InputError
from itanb.memo.document import Document, Loc, Paragraph, Row, Table
from itanb.memo.pdf_grid import SNAP, Grid, edges, find_grids, owns_any

PARAGRAPH_GAP = 1.6  # baselines further apart than this many line heights: a new paragraph
SHORT_LINE = 2  # a line ending this many line heights short of the right edge ends its paragraph
WORD_MAX = 8  # line heights: a first word wider than this is no word that a wrap moved to the next line
_ERR_PASSWORD = 4


class NoTextLayer(InputError):
    """A PDF whose pages must be read as images (:func:`itanb.memo.read_image.read_scan`)."""


def open_pdf(data: bytes, source: str):
    import pypdfium2 as pdfium

    if not data.startswith(b"%PDF"):
        raise InputError("corrupt PDF: the file does not start with %PDF", source=source)
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == _ERR_PASSWORD:
            raise InputError("encrypted PDF (password-protected): remove the password or supply the Word "
                             "(.docx) file", source=source) from None
        raise InputError(f"corrupt PDF ({exc}): export it again or supply the Word (.docx) file",
                         source=source) from None


def read_pdf(data: bytes, source: str) -> Document:
    """The document of a PDF's bytes; raises InputError for a scan without text, an encrypted or corrupt
    PDF."""
    pdf = open_pdf(data, source)
    reader = PageReader()
    try:
        limits.PDF_PAGES.check(len(pdf), source=source)
        for number in range(len(pdf)):
            page = pdf[number]
            try:
                reader.page(page, number + 1)
            finally:
                page.close()
    finally:
        pdf.close()
    if not usable(reader):
        raise NoTextLayer("scanned PDF without a usable text layer", source=source)
    return Document(source, "layout", reader.joined())


def usable(reader: PageReader) -> bool:
    """Whether a text layer can be read: it has Thai letters, and few characters that are neither standard
    Thai nor ASCII (the layer OCR software or a broken font leaves)."""
    text = "".join(b.text if isinstance(b, Paragraph) else "".join("".join(r.cells) for r in b.rows)
                   for b in reader.blocks)
    thai = sum("\u0e01" <= ch <= "\u0e5b" for ch in text)
    odd = sum(not ch.isascii() and not ("\u0e01" <= ch <= "\u0e5b") and not ("\uf700" <= ch <= "\uf71a")
              and ch not in "\u200b✓✔☑☒□" for ch in text)
    return thai >= 20 and odd <= max(5, len(text) // 50)


# --- characters --------------------------------------------------------------------------------------------


def _chars(page) -> tuple[list[tuple[str, float, float]], float]:
    """(character, x, y down from the page top) of every drawn character in drawing order, and the text's
    usual line height. Whitespace PDFium generates or draws takes the place of the character before it."""
    from pypdfium2 import raw

    height = page.get_height()
    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        text = tp.get_text_range(0, n) if n else ""
        x, y = ctypes.c_double(), ctypes.c_double()
        rx, ry = ctypes.byref(x), ctypes.byref(y)
        origin, handle = raw.FPDFText_GetCharOrigin, tp.raw
        out: list[tuple[str, float, float]] = []
        for i, ch in enumerate(text[:n]):
            if ch in "\r\n\x02\ufffe":
                continue
            if ch.isspace():
                if out:
                    out.append((" ", out[-1][1], out[-1][2]))
                continue
            origin(handle, i, rx, ry)
            out.append((ch, x.value, height - y.value))
        size = _font_size(handle, [i for i, ch in enumerate(text[:n]) if not ch.isspace()][:40])
    finally:
        tp.close()
    return out, max(size, 4.0) * 1.2


def _font_size(handle, indices: list[int]) -> float:
    """The usual font size on the page in page units: the characters' size times their matrix's scale (a
    producer may draw 13.33-unit text scaled by 0.75)."""
    from pypdfium2 import raw

    sizes = []
    matrix = raw.FS_MATRIX()
    for i in indices:
        size = raw.FPDFText_GetFontSize(handle, i)
        scale = abs(matrix.d) if raw.FPDFText_GetMatrix(handle, i, matrix) else 1.0
        sizes.append(size * (scale or 1.0))
    return sorted(sizes)[len(sizes) // 2] if sizes else 10.0


def _line_key(keys: dict[int, int], y: float) -> int:
    """The line (a rounded baseline) ``y`` sits on; baselines within a point or so are one line."""
    k = round(y)
    for near in (k, k - 1, k + 1, k - 2, k + 2):
        if near in keys:
            return keys[near]
    keys[k] = k
    return k


class _Line(NamedTuple):
    y: int  # the baseline (rounded)
    text: str
    end: float  # the last glyph's origin
    word: float  # the width of its first word (to the first space), roughly


def _rows(chars: Iterable[tuple[str, float, float]]) -> list[_Line]:
    """Characters grouped into lines by baseline, top to bottom, in drawing order; leading spaces dropped,
    trailing ones kept (a line wrapped at a space ends with it)."""
    rows: dict[int, list[tuple[str, float]]] = {}
    keys: dict[int, int] = {}
    for ch, x, y in chars:
        rows.setdefault(_line_key(keys, y), []).append((ch, x))
    out = []
    for k in sorted(rows):
        line = rows[k]
        while line and line[0][0].isspace():
            line = line[1:]
        if not any(not ch.isspace() for ch, _ in line):
            continue
        xs = [x for ch, x in line if not ch.isspace()]
        first = next((i for i, (ch, _) in enumerate(line) if ch.isspace()), len(line))
        word = max(x for _, x in line[:first]) - min(x for _, x in line[:first]) if first else 0.0
        out.append(_Line(k, "".join(ch for ch, _ in line), max(xs), word))
    return out


def _lines(chars: Iterable[tuple[str, float, float]]) -> list[str]:
    return [line.text for line in _rows(chars)]


def _cell_text(lines: list[str]) -> str:
    """A cell's lines as its text. A line ending with a space was wrapped there: joined. Between two Thai
    characters a wrap (Thai breaks lines between words without a space) and a line break look the same: a
    zero-width space, which display text drops and :func:`~itanb.memo.owners.split_owners` reads as a word
    boundary. Any other line ended at a line break, kept."""
    text = ""
    for piece in lines:
        if text and not text[-1].isspace():
            text += "\u200b" if _is_thai(text[-1]) and _is_thai(piece[0]) else "\n"
        text += piece
    return text.strip()


def _is_thai(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e5b"


def _join_prose(lines: list[str]) -> str:
    """A paragraph's lines as one text: nothing after a space or between two Thai characters, else a space."""
    text = ""
    for piece in lines:
        if text and not text[-1].isspace() and not (_is_thai(text[-1]) and _is_thai(piece[0])):
            text += " "
        text += piece
    return text.strip()




# --- pages -------------------------------------------------------------------------------------------------


class PageReader:
    """Pages of characters and grids -> blocks (this reader's, and the image reader's)."""

    def __init__(self, *, spaced: bool = True) -> None:
        self.spaced = spaced  # spaces are where the text has them (not OCR's guesses): wraps can be told
        self.blocks: list[Paragraph | Table] = []
        self.seq = self.tables = self.chars = 0
        self.columns: dict[int, list[float]] = {}  # id of a Table -> its column lines

    def joined(self) -> list[Paragraph | Table]:
        """The blocks, a table that goes on over a page break joined to its first part: the first block of a
        page a table with the same outer sides as the table just before it, one's column lines among the
        other's (a header cell spanning columns has fewer lines). The rows go onto the finer grid."""
        out: list[Paragraph | Table] = []
        for block in self.blocks:
            prev = out[-1] if out else None
            if (isinstance(block, Table) and isinstance(prev, Table) and block.rows and prev.rows
                    and block.loc.page != prev.rows[-1].loc.page):
                grid = _finer(self.columns[id(prev)], self.columns[id(block)])
                if grid is not None:
                    rows = [_regrid(r, self.columns[id(t)], grid) for t in (prev, block) for r in t.rows]
                    out[-1] = Table(rows, prev.loc)
                    self.columns[id(out[-1])] = grid
                    continue
            out.append(block)
        return out

    def _loc(self, page: int, **where: float) -> Loc:
        self.seq += 1
        return Loc(self.seq, page=page, **where)

    def page(self, page, number: int) -> None:
        chars, line_height = _chars(page)
        self.add(number, chars, line_height, find_grids(*edges(page)))

    def add(self, number: int, chars: list[tuple[str, float, float]], line_height: float,
            grids: list[Grid]) -> None:
        """Page ``number``'s characters (text, x, baseline y; page units, y down) and table grids."""
        self.chars += sum(1 for ch, _, _ in chars if not ch.isspace())
        in_table: list[list[tuple[str, float, float]]] = [[] for _ in grids]
        prose = []
        boxes = [(i, *grid.bbox) for i, grid in enumerate(grids)]
        for ch in chars:
            _, x, y = ch
            for i, x0, y0, x1, y1 in boxes:
                if x0 <= x <= x1 and y0 <= y <= y1:
                    in_table[i].append(ch)
                    break
            else:
                prose.append(ch)
        items: list[tuple[float, object]] = [(g.bbox[1], (g, in_table[i])) for i, g in enumerate(grids)]
        items += [(para.top, para) for para in _paragraphs(prose, line_height, self.spaced)]
        for _, item in sorted(items, key=lambda x: x[0]):
            if isinstance(item, _Para):  # its sides: a line height above its first baseline, below its last
                self.blocks.append(Paragraph(_join_prose(item.lines), self._loc(
                    number, top=item.top - line_height, bottom=item.bottom + 0.4 * line_height)))
            else:
                self.tables += 1
                self.blocks.append(self._table(*item, number))
                self.columns[id(self.blocks[-1])] = item[0].xs

    def _table(self, grid: Grid, chars: list[tuple[str, float, float]], number: int) -> Table:
        by_cell: dict[int, list[tuple[str, float, float]]] = {}
        for ch in chars:
            cell = grid.cell_of(ch[1], ch[2])
            if cell is not None:
                by_cell.setdefault(cell, []).append(ch)
        rows = []
        for r in range(grid.nr):
            cells = []
            for key in range(r * grid.nc, (r + 1) * grid.nc):
                lines = _lines(by_cell.get(key, ()))
                cells.append(_cell_text(lines) if lines else "")
            if r and not any(cells) and not owns_any(grid, r):
                if rows:  # a grid row only merged cells pass through: the row above goes on down to its foot
                    rows[-1].loc = replace(rows[-1].loc, bottom=grid.ys[r + 1])
                continue
            rows.append(Row(cells, self._loc(number, table=self.tables, row=len(rows) + 1, top=grid.ys[r],
                                             bottom=grid.ys[r + 1])))
        return Table(rows, rows[0].loc)


def _finer(a: list[float], b: list[float]) -> list[float] | None:
    """The finer of two tables' column lines when they share their outer sides and one's lines are all among
    the other's; None when they are not parts of one table."""
    def among(small: list[float], big: list[float]) -> bool:
        return all(any(abs(x - y) <= SNAP for y in big) for x in small)

    if abs(a[0] - b[0]) > SNAP or abs(a[-1] - b[-1]) > SNAP:
        return None
    fine, coarse = (a, b) if len(a) >= len(b) else (b, a)
    return fine if among(coarse, fine) else None


def _regrid(row: Row, xs: list[float], grid: list[float]) -> Row:
    """A row of a table with column lines ``xs`` on the finer ``grid``: each cell in the grid column its left
    side starts, the columns it spans empty."""
    cells = [""] * (len(grid) - 1)
    for x, text in zip(xs, row.cells, strict=False):
        cells[min(range(len(grid) - 1), key=lambda j: abs(grid[j] - x))] = text
    return Row(cells, row.loc)


class _Para(NamedTuple):
    top: float  # the first line's baseline
    lines: list[str]
    bottom: float  # the last line's baseline


def _paragraphs(chars: list[tuple[str, float, float]], line_height: float,
                spaced: bool = True) -> list[_Para]:
    """Prose characters as paragraphs (their first and last baselines, lines). A gap between baselines starts
    a new one, and so does a line after one that stops short of the text's right edge (a paragraph's last
    line: Word and LibreOffice put no space between paragraphs of a memo's header), unless the next line's
    first word would not have fitted there (``จังหวัด`` | ``ขอนแก่น``, ``อยู่ในระดับ`` | ``ผ่าน``: the line was
    wrapped). A first word is what comes before the first space; a long unspaced Thai run (:data:`WORD_MAX`
    line heights or more) is the start of a sentence, not one word. Not ``spaced`` (OCR: spaces are
    guesses), no line is a wrap."""
    rows = _rows(chars)
    right = max((line.end for line in rows), default=0.0)
    paras: list[_Para] = []
    last: _Line | None = None
    for line in rows:
        room = right - last.end if last is not None else 0.0
        wrapped = spaced and room < line.word + line_height < WORD_MAX * line_height
        short = last is not None and room > SHORT_LINE * line_height and not wrapped
        if last is not None and line.y - last.y <= PARAGRAPH_GAP * line_height and not short:
            paras[-1].lines.append(line.text)
            paras[-1] = paras[-1]._replace(bottom=line.y)
        else:
            paras.append(_Para(line.y, [line.text], line.y))
        last = line
    return paras
