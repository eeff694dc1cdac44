"""One ITA measures memo (บันทึกข้อความ) -> :class:`ParsedMemo`, with the data-quality findings it raises.

The memo layer reads in three steps, one module each way down:

- **readers** turn a file into a :class:`~itanb.memo.document.Document`: :mod:`~itanb.memo.read_text`
  (Markdown, plain text), :mod:`~itanb.memo.read_word` (``.docx``), :mod:`~itanb.memo.read_pdf` (PDF with a
  text layer); :mod:`~itanb.memo.read` picks one by the file's suffix;
- the **document model** (:mod:`~itanb.memo.document`): paragraphs and tables of cells, each with its place;
- the **semantics** (:mod:`~itanb.memo.semantics`, using :mod:`~itanb.memo.header`, :mod:`~itanb.memo.score`,
  :mod:`~itanb.memo.tables`, :mod:`~itanb.memo.owners`, :mod:`~itanb.memo.measures`): header, place, score
  paragraph, plan and status tables, matching, findings -> :class:`ParsedMemo` (:mod:`~itanb.memo.result`).
"""

from __future__ import annotations

from pathlib import Path

from itanb.errors import InputError
from itanb.memo.owners import split_owners
from itanb.memo.read import MEMO_SUFFIXES, read_document
from itanb.memo.result import MATCH_CUTOFF, Assessment, Measure, ParsedMemo
from itanb.vocabulary import STATUS_LABELS, STATUSES

__all__ = ["MATCH_CUTOFF", "MEMO_SUFFIXES", "STATUSES", "STATUS_LABELS", "Assessment", "Measure",
           "ParsedMemo", "parse_memo", "parse_memo_bytes", "parse_memo_file", "split_owners"]


def parse_memo_file(path: Path, *, source: str | None = None) -> ParsedMemo:
    """Read a memo file (``.md``, ``.txt``, ``.docx``, ``.pdf``, a ``.jpg``/``.png``/``.tif`` scan) and parse
    it; ``source`` names it in findings and errors (the path's suffix picks the reader).

    A text file may be UTF-8 (with or without BOM) or cp874 (Thai Windows saves .txt memos so):
    :func:`itanb.thai.decode_thai_text` decides, and a cp874 memo parses exactly like its UTF-8 twin. No
    finding records the encoding (findings.CODES has no code for it). Raises InputError (with the source) for
    an unreadable, empty, binary, UTF-16 or undecodable file, an old ``.doc``, a scan under 150 dpi or without
    tesseract installed (scans are read by OCR: :mod:`~itanb.memo.read_image`), an
    encrypted or corrupt Word or PDF file, and for anything :func:`parse_memo` rejects.
    """
    path = Path(path)
    src = source or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read memo: {exc.strerror or exc}", source=src) from None
    return _parsed(read_document(data, src, path.suffix))


def parse_memo_bytes(data: bytes, source: str) -> ParsedMemo:
    """Parse a memo file's bytes (as :func:`parse_memo_file` does, for callers that already read them)."""
    return _parsed(read_document(data, source, Path(source).suffix))


def parse_memo(text: str, source: str) -> ParsedMemo:
    """Parse the text of one memo (Markdown or plain text); ``source`` (a file path or URL) is recorded in
    findings and errors.

    Raises InputError for text that is empty, not a memo, truncated, has no measure tables, a status table
    without three status columns, or a score outside 0–100.
    """
    from itanb.memo.read import repaired
    from itanb.memo.read_text import read_text

    return _parsed(repaired(read_text(text, source)))


def _parsed(doc) -> ParsedMemo:
    from itanb.memo.semantics import interpret

    return interpret(doc)
