"""The state one memo's interpretation shares: its prose as lines with their places, and pending findings.

The prose is the document's paragraphs as lines of text, every table replaced by blank lines (as many as it
spans in a text file, one elsewhere), paragraphs of a Word or PDF document separated by a blank line, so that
the score paragraph, header lines and place names are found the same way in every format.
"""

from __future__ import annotations

from bisect import bisect_right

from itanb.errors import InputError
from itanb.findings import Finding
from itanb.memo.document import Document, Loc, Paragraph, Table
from itanb.thai import to_arabic_digits


class Context:
    def __init__(self, doc: Document):
        self.doc = doc
        self.source = doc.source
        # code, message, where, fiscal year, places, field
        self.pending: list[tuple[str, str, Loc | None, int | None, str | None, str | None]] = []
        self.combined = False  # a table carries both the plan and the status columns
        self.lines: list[str] = []
        self.locs: list[Loc | None] = []
        self.first_table = 0  # index into lines of the first table (len(lines) without tables)
        self._flatten(doc)
        self.prose = "\n".join(self.lines)
        self.prose_arabic = to_arabic_digits(self.prose)
        self.line_starts = [0]
        for ln in self.lines[:-1]:
            self.line_starts.append(self.line_starts[-1] + len(ln) + 1)

    def _flatten(self, doc: Document) -> None:
        gap = doc.kind != "text"
        first: int | None = None
        for block in doc.blocks:
            if gap and self.lines:
                self._add("", None)
            if isinstance(block, Table):
                if first is None:
                    first = len(self.lines)
                for _ in range(block.span):
                    self._add("", None)
            else:
                for piece in block.text.split("\n"):
                    self._add(piece, block.loc)
        self.first_table = len(self.lines) if first is None else first

    def _add(self, text: str, loc: Loc | None) -> None:
        self.lines.append(text)
        self.locs.append(loc)

    def loc_of(self, pos: int) -> Loc | None:
        """The location of the prose line holding character ``pos``."""
        return self.locs[bisect_right(self.line_starts, pos) - 1]

    def is_last(self, table: Table) -> bool:
        """Nothing but blank paragraphs follows ``table``."""
        blocks = self.doc.blocks
        after = blocks[next(i for i, b in enumerate(blocks) if b is table) + 1:]
        return all(isinstance(b, Paragraph) and not b.text.strip() for b in after)

    def where(self, loc: Loc | None) -> tuple[str, int | None]:
        """(source, line) of a finding or error at ``loc``: a text file's line, else the place in source."""
        if loc is None:
            return self.source, None
        return self.source + loc.suffix(), loc.line

    def fail(self, message: str, loc: Loc | None = None) -> InputError:
        source, line = self.where(loc)
        return InputError(message, source=source, line=line)

    def note(self, code: str, message: str, loc: Loc | None, fiscal_year: int | None = None,
             places: str | None = None, *, field: str | None = None) -> None:
        """A finding at ``loc``; ``places`` says where each of several things the message names is, ``field``
        which of the memo's values it is about (:data:`itanb.findings.VALUE_FIELDS`)."""
        self.pending.append((code, message, loc, fiscal_year, places, field))

    def findings(self, measures_fy: int) -> list[Finding]:
        out = []
        for code, message, loc, fy, places, field in self.pending:
            source, line = self.where(loc)
            year = fy if fy is not None else measures_fy
            out.append(Finding(code, message, source, line, None, year, places, field=field))
        return out
