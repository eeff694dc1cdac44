"""A memo's :class:`~itanb.memo.document.Document` -> a PDF with a text layer, as agencies publish them.

Used by ``itanb synth`` (synthetic memos as PDF) and by ``tests/make_memo_fixtures.py``. Drawn with reportlab
in the bundled Sarabun, A4 landscape; tables with ruling lines (merged cells drawn as one box, as Word exports
them); a line wraps at a space where it can, keeping the space in the text layer. :class:`PdfStyle` can give
the text layer the defects of real exports: status marks from a symbol font (``ü``, ``P``), legacy-font
Private Use Area codes for shifted tone marks and vowels, a lost sara am, marks put before their consonant.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from itanb.memo.document import Document, Table
from itanb.memo.layout import joined_blocks, merge_plan
from itanb.memo.write_word import MARK_TEXTS

PAGE_W, PAGE_H = 842.0, 595.0  # A4 landscape, points
MARGIN = 36.0
PROSE_SIZE, PROSE_LEADING, PARAGRAPH_GAP = 10.0, 14.0, 10.0
CELL_SIZE, MIN_CELL_SIZE, LEADING, PAD = 8.5, 5.5, 1.3, 3.0  # a table's font shrinks until its words fit
_FONT = "Sarabun"
_BR = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_TOKENS = re.compile(r"\S+\s*|\s+")
_COMBINING = frozenset(chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)))
_UPPER_VOWELS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47"
_TONE_LOW = dict(zip("\u0e48\u0e49\u0e4a\u0e4b\u0e4c", "\uf70a\uf70b\uf70c\uf70d\uf70e", strict=True))
_VOWEL_LEFT = dict(zip("\u0e34\u0e35\u0e36\u0e37\u0e31", "\uf701\uf702\uf703\uf704\uf710", strict=True))
_CLUSTER = re.compile("([\u0e01-\u0e2e])([" + "".join(sorted(_COMBINING)) + "]+)")


@dataclass(frozen=True)
class PdfStyle:
    merge: bool = True  # merged header and name cells drawn as one box
    mark: str | None = None  # draw a status mark as this text ("ü", "P"); None: as written
    pua: bool = False  # tone marks low and upper vowels after ป ฝ ฟ as legacy fonts' PUA codes
    lost_am: bool = False  # sara am written as sara aa (ตาบล)
    detached: bool = False  # marks before their consonant, after a space (ตัวชี้ -> ัตว ้ีช)
    font: str | None = None  # a TrueType file to draw with (with glyphs at the PUA codes, for ``pua``)


def _defects(text: str, style: PdfStyle) -> str:
    if style.lost_am:
        text = text.replace("\u0e33", "\u0e32")
    if style.pua:
        text = re.sub(f"([\u0e01-\u0e2e])([{''.join(_TONE_LOW)}])",
                      lambda m: m.group(1) + _TONE_LOW[m.group(2)], text)
        text = re.sub(f"([ปฝฟ])([{''.join(_VOWEL_LEFT)}])", lambda m: m.group(1) + _VOWEL_LEFT[m.group(2)],
                      text)
    if style.detached:
        text = _CLUSTER.sub(lambda m: _detach(m, text), text)
    return text


def _detach(m: re.Match[str], text: str) -> str:
    if m.start() > 0 and text[m.start() - 1].isspace():
        return m.group(0)  # a space already before it: a repair could not tell the two apart
    after_thai = m.start() > 0 and "\u0e01" <= text[m.start() - 1] <= "\u0e4e"
    return (" " if after_thai else "") + m.group(2)[::-1] + m.group(1)


@lru_cache(maxsize=8)
def _font(path: str | None = None) -> str:
    """The reportlab name of the font at ``path`` (default: the bundled Sarabun), registered once."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from itanb.fonts import font_path

    name = _FONT if path is None else f"{_FONT}-{Path(path).stem}"
    pdfmetrics.registerFont(TTFont(name, path or str(font_path("Regular"))))
    return name


def _width(text: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, _font(), size)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of ``text`` no wider than ``width``: broken after a space where one fits, else between
    characters (never before a combining mark). Each line keeps its trailing spaces."""
    lines: list[str] = []
    for part in text.split("\n"):
        cur = ""
        for tok in _TOKENS.findall(part):
            if not cur or _width((cur + tok).rstrip(), size) <= width:
                cur += tok
                continue
            lines.append(cur)
            cur = tok
        while _width(cur.rstrip(), size) > width and len(cur) > 1:
            cut = len(cur) - 1
            while cut > 1 and (_width(cur[:cut], size) > width or cur[cut] in _COMBINING):
                cut -= 1
            lines.append(cur[:cut])
            cur = cur[cut:]
        lines.append(cur)
    return lines


def _longest_token(text: str, size: float) -> float:
    return max((_width(t.strip(), size) for t in _TOKENS.findall(text)), default=0.0)


def _cell_size(rows: list[list[str]], avail: float) -> float:
    """The largest table font size (down to MIN_CELL_SIZE) at which every column holds its longest word."""
    size = CELL_SIZE
    while size > MIN_CELL_SIZE and sum(max(_longest_token(r[i], size) for r in rows) + 2 * PAD + 1
                                       for i in range(len(rows[0]))) > avail:
        size -= 0.5
    return size


def _col_widths(rows: list[list[str]], avail: float, size: float) -> list[float]:
    """Each column as wide as its longest word, the room left shared out by how much more its text needs."""
    ncols = len(rows[0])
    need = [max(_longest_token(r[i], size) for r in rows) + 2 * PAD + 1 for i in range(ncols)]
    want = [max(_width(line, size) for r in rows for line in r[i].split("\n")) + 2 * PAD + 1
            for i in range(ncols)]
    if sum(need) >= avail:
        return [w * avail / sum(need) for w in need]
    extra = [max(0.0, w - n) for w, n in zip(want, need, strict=True)]
    room = avail - sum(need)
    if sum(extra) > room:
        return [n + room * e / sum(extra) for n, e in zip(need, extra, strict=True)]
    return [n + e + (room - sum(extra)) / ncols for n, e in zip(need, extra, strict=True)]


class _Pdf:
    def __init__(self, style: PdfStyle):
        from reportlab.pdfgen import canvas

        self.style = style
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=(PAGE_W, PAGE_H), pageCompression=1, invariant=1)
        self.c.setLineWidth(0.6)
        self.y = PAGE_H - MARGIN
        self.size = CELL_SIZE  # of the table being drawn

    def text(self, x: float, y: float, line: str, size: float) -> None:
        if line.strip():
            self.c.setFont(_font(self.style.font), size)
            self.c.drawString(x, y, _defects(line, self.style))

    def room(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.c.showPage()
            self.c.setLineWidth(0.6)
            self.y = PAGE_H - MARGIN

    def paragraph(self, text: str) -> None:
        for line in wrap(text, PAGE_W - 2 * MARGIN, PROSE_SIZE):
            self.room(PROSE_LEADING)
            self.text(MARGIN, self.y - PROSE_SIZE, line, PROSE_SIZE)
            self.y -= PROSE_LEADING
        self.y -= PARAGRAPH_GAP

    def table(self, t: Table) -> None:
        ncols = max(len(r.cells) for r in t.rows)
        rows = [[_BR.sub("\n", c) for c in r.cells] + [""] * (ncols - len(r.cells)) for r in t.rows]
        plan = merge_plan(rows, self.style.merge)
        self.size = _cell_size(rows, PAGE_W - 2 * MARGIN)
        widths = _col_widths(rows, PAGE_W - 2 * MARGIN, self.size)
        xs = [MARGIN]
        for w in widths:
            xs.append(xs[-1] + w)
        lines = [[wrap(self._shown(c), self._span_width(widths, c_i, plan[r_i][c_i][0]) - 2 * PAD, self.size)
                  for c_i, c in enumerate(row)] for r_i, row in enumerate(rows)]
        line_h = self.size * LEADING
        heights = [max(len(ls) for ls, (span, _) in zip(row, plan[i], strict=True) if span) * line_h + 2 * PAD
                   for i, row in enumerate(lines)]
        r = 0
        while r < len(rows):
            group = 2 if r + 1 < len(rows) and any(v == "restart" for _, v in plan[r]) else 1
            self.room(sum(heights[r: r + group]))
            for g in range(r, r + group):
                self._row(xs, lines[g], plan, g, heights)
            r += group
        self.y -= PARAGRAPH_GAP

    def _shown(self, cell: str) -> str:
        if self.style.mark and cell.strip() in MARK_TEXTS:
            return self.style.mark
        return cell

    @staticmethod
    def _span_width(widths: list[float], c: int, span: int) -> float:
        return sum(widths[c: c + max(span, 1)])

    def _row(self, xs: list[float], lines: list[list[str]], plan: list, r: int, heights: list[float]) -> None:
        top = self.y
        for c, (span, vmerge) in enumerate(plan[r]):
            if span == 0 or vmerge == "continue":
                continue
            height = heights[r] + (heights[r + 1] if vmerge == "restart" else 0)
            x0, x1 = xs[c], xs[c + span]
            self.c.rect(x0, top - height, x1 - x0, height, stroke=1, fill=0)
            for k, line in enumerate(lines[c]):
                self.text(x0 + PAD, top - PAD - self.size * (1 + k * LEADING), line, self.size)
        self.y -= heights[r]

    def finish(self) -> bytes:
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue()


def write_pdf(doc: Document, style: PdfStyle = PdfStyle()) -> bytes:
    """The PDF bytes of ``doc`` (a text document: consecutive lines make one paragraph)."""
    pdf = _Pdf(style)
    for block in joined_blocks(doc):
        if isinstance(block, Table):
            if block.rows:
                pdf.table(block)
        else:
            pdf.paragraph(block.text)
    return pdf.finish()
