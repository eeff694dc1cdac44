"""Markdown and plain-text memos -> :class:`~itanb.memo.document.Document` (kind ``"text"``).

Every line of the file is a paragraph (blank lines included, so paragraph breaks and line numbers stay as in
the file); pipe tables (leading pipe optional) and tab-separated tables become tables, separator rows dropped.
A row whose last cell holds a line break continues on the next line and is joined with ``<br>``.
"""

from __future__ import annotations

import re

from itanb.errors import InputError
from itanb.memo.document import Document, Loc, Paragraph, Row, Table

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_SEPARATOR_CELL = re.compile(r"^\s*:?-{1,}:?\s*$")


def read_text(text: str, source: str) -> Document:
    """The document of a memo's text. Raises InputError for empty or binary text and a row cut off mid-row."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("empty file: not a memo", source=source)
    if len(_CONTROL.findall(text, 0, 20000)) > 10:
        raise InputError("binary or garbled data (control characters), not a text memo", source=source)
    lines = text.split("\n")
    blocks: list[Paragraph | Table] = []
    table_at = {t.loc.line: t for t in _find_tables(lines, source)}
    n = 1
    while n <= len(lines):
        table = table_at.get(n)
        if table is not None:
            blocks.append(table)
            n += table.span
            continue
        blocks.append(Paragraph(lines[n - 1], _at(n)))
        n += 1
    return Document(source, "text", blocks)


def _at(line: int) -> Loc:
    return Loc(seq=line, line=line)


def _split_pipe_row(stripped: str, piped: bool = True) -> tuple[list[str], bool]:
    """Cells of a pipe row and whether it is complete: a table whose rows open with '|' closes them with one.

    ``piped=False`` (a plain-text table written ``a | b | c``): nothing is stripped, so an empty first cell
    (``| | ยังไม่ดำเนินงาน …`` after stripping) is kept.
    """
    body = stripped
    complete = True
    if piped and body.startswith("|"):
        body = body[1:]
        if body.endswith("|") and not body.endswith("\\|"):
            body = body[:-1]
        else:
            complete = False
    if "\\|" in body:
        cells = [c.replace("\x00", "|") for c in body.replace("\\|", "\x00").split("|")]
    else:
        cells = body.split("|")
    return [c.strip() for c in cells], complete


def _is_separator(cells: list[str]) -> bool:
    return any(c for c in cells) and all(not c or _SEPARATOR_CELL.match(c) for c in cells)


def _find_tables(lines: list[str], source: str) -> list[Table]:
    """Pipe tables (leading pipe optional) and tab-separated tables; a row broken over lines is joined."""
    tables: list[Table] = []
    current: list[Row] = []
    piped = True
    start = 0
    n = len(lines)
    i = 0

    def close(end: int) -> None:
        nonlocal current
        if current:
            rows = [r for r in current if not _is_separator(r.cells)]
            tables.append(Table(rows, _at(start), span=end - start + 1))
        current = []

    while i < n:
        raw = lines[i]
        s = raw.strip()
        if s.startswith("|") or s.count("|") >= 2:
            if not current:
                start, piped = i + 1, s.startswith("|")
            first = i
            cells, i = _pipe_row(lines, i, piped, len(current[0].cells) if current else 0, source)
            current.append(Row(cells, _at(first + 1)))
        elif raw.count("\t") >= 2 and s:
            if not current:
                start = i + 1
            current.append(Row([c.strip() for c in raw.rstrip("\r\n").split("\t")], _at(i + 1)))
        else:
            close(i)
        i += 1
    close(n)
    return tables


def _pipe_row(lines: list[str], i: int, piped: bool, header_cols: int, source: str) -> tuple[list[str], int]:
    """The cells of the pipe row starting at ``lines[i]`` and the index of its last line."""
    first = i
    cells, complete = _split_pipe_row(lines[i].strip(), piped)
    while not complete:
        # a cell holding a line break continues on the next line; a blank line or the end: cut off
        if i + 1 >= len(lines) or not lines[i + 1].strip() or (header_cols and len(cells) > header_cols):
            raise InputError(
                f"truncated memo: table row cut off mid-row ({len(cells)} cell(s), no closing '|')",
                source=source, line=first + 1)
        i += 1
        more, complete = _split_pipe_row("|" + cells.pop() + "<br>" + lines[i].strip())
        cells.extend(more)
    return cells, i
