"""The document model every memo reader produces and the semantics layer reads.

A :class:`Document` is the memo's blocks in reading order: paragraphs (header lines, body) and tables. A
table is rows of cells, each cell one string: merged cells are resolved by the reader (a cell spanning columns
keeps its text in its first column and leaves the others empty; a cell merged downwards is empty in the rows
it continues), line breaks inside a cell are kept as ``"\\n"``. Every paragraph and row carries its
:class:`Loc`.

``kind`` tells the semantics how the blocks sit on the page: ``"text"`` (Markdown and plain text: one
paragraph per line of the file, blank lines included, a table spanning ``span`` lines) or ``"layout"`` (Word
and PDF: one paragraph per paragraph of the document).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Loc:
    """Where a paragraph or row is. ``seq``: its 1-based position in reading order (a text file's line).

    Text files give ``line``; Word gives ``table`` and ``row`` for a row, ``para`` for a paragraph; PDF gives
    ``page`` (and ``table``/``row`` for a row of a table found on that page), with ``top`` and ``bottom``: the
    paragraph's or grid row's sides in points from the page's top, which tell where a scan's doubtful word
    was read.
    """

    seq: int
    line: int | None = None
    page: int | None = None
    table: int | None = None
    row: int | None = None
    para: int | None = None
    top: float | None = None
    bottom: float | None = None

    def _parts(self, words: dict[str, str]) -> list[str]:
        parts = []
        if self.page is not None:
            parts.append(words["page"].format(self.page))
        if self.table is not None:
            parts.append(words["table"].format(self.table, self.row))
        elif self.para is not None and self.page is None:
            parts.append(words["para"].format(self.para))
        return parts

    def thai(self) -> str:
        """The location in a Thai finding message: ``บรรทัด 81``, ``หน้า 2``, ``ตาราง 4 แถว 2``, ``ย่อหน้า 7``."""
        if self.line is not None:
            return f"บรรทัด {self.line}"
        return " ".join(self._parts(_THAI_WORDS))

    def suffix(self) -> str:
        """What a finding's ``source`` adds to the file name where there is no line: ``, page 2``,
        ``, table 4, row 2``, ``, paragraph 7``; empty for a text file (its line goes into ``line``)."""
        if self.line is not None:
            return ""
        return "".join(", " + p for p in self._parts(_WORDS))


_THAI_WORDS = {"page": "หน้า {}", "table": "ตาราง {} แถว {}", "para": "ย่อหน้า {}"}
_WORDS = {"page": "page {}", "table": "table {}, row {}", "para": "paragraph {}"}


def thai_many(locs: Iterable[Loc]) -> str:
    """Several locations in one message: ``บรรทัด 70, 73`` for lines, else each one (``หน้า 1, หน้า 2``)."""
    locs = list(locs)
    if all(loc.line is not None for loc in locs):
        return "บรรทัด " + ", ".join(str(n) for n in sorted({loc.line for loc in locs}))
    return ", ".join(dict.fromkeys(loc.thai() for loc in sorted(locs, key=lambda x: x.seq)))


@dataclass
class Paragraph:
    text: str  # may hold "\n" (a line break inside the paragraph)
    loc: Loc


@dataclass
class Row:
    cells: list[str]
    loc: Loc


@dataclass
class Table:
    rows: list[Row]
    loc: Loc
    span: int = 1  # lines of the file the table occupies (text files; 1 elsewhere)


@dataclass(frozen=True)
class Doubt:
    """A word read off an image below the reader's confidence: what was read, where (page, box in points:
    x0, y0, x1, y1 from the top left) and a small PNG of the place (a ``data:`` URI)."""

    text: str
    page: int
    box: tuple[float, float, float, float]
    conf: float
    image: str


@dataclass
class Document:
    source: str
    kind: str  # "text" | "layout"
    blocks: list[Paragraph | Table] = field(default_factory=list)
    doubts: list[Doubt] = field(default_factory=list)  # words read with too little confidence (scans)
    scanned: bool = False  # read off images by OCR: a value out of range is a misreading, not the memo's

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def to_json(doc: Document) -> dict:
    """``doc`` as plain JSON data (the OCR cache keeps a scan's document so; :func:`from_json` reads it)."""
    def loc(x: Loc) -> dict:
        return {k: v for k, v in asdict(x).items() if v is not None}

    blocks = [{"table": [{"cells": r.cells, "loc": loc(r.loc)} for r in b.rows], "loc": loc(b.loc),
               "span": b.span} if isinstance(b, Table) else {"text": b.text, "loc": loc(b.loc)}
              for b in doc.blocks]
    return {"source": doc.source, "kind": doc.kind, "blocks": blocks, "scanned": doc.scanned,
            "doubts": [asdict(d) for d in doc.doubts]}


def from_json(data: dict, source: str) -> Document:
    """The document :func:`to_json` gave, named ``source``."""
    blocks: list[Paragraph | Table] = []
    for b in data["blocks"]:
        if "table" in b:
            rows = [Row(r["cells"], Loc(**r["loc"])) for r in b["table"]]
            blocks.append(Table(rows, Loc(**b["loc"]), b["span"]))
        else:
            blocks.append(Paragraph(b["text"], Loc(**b["loc"])))
    doubts = [Doubt(d["text"], d["page"], tuple(d["box"]), d["conf"], d["image"]) for d in data["doubts"]]
    return Document(source, data["kind"], blocks, doubts, scanned=data["scanned"])
