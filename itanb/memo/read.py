"""A memo file's bytes -> its :class:`~itanb.memo.document.Document`, by the reader of its format.

The format is the file name's suffix (:data:`MEMO_SUFFIXES`); bytes that belong to another format than the
suffix says (an old binary Word file named ``.docx``) get the one line that says what to do. Whatever the
reader, every paragraph and cell then goes through :func:`itanb.thai.repair_copied` here, the one place
(legacy-font PUA codes, detached marks, a sara am lost in known words), text files included.
"""

from __future__ import annotations

from itanb import limits
from itanb.errors import InputError
from itanb.memo.document import Document, Paragraph, Row, Table
from itanb.thai import decode_thai_text, repair_copied

TEXT_SUFFIXES = (".md", ".txt")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")  # scans, read by OCR (memo/read_image.py)
MEMO_SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf", *IMAGE_SUFFIXES)
KNOWN_SUFFIXES = (*MEMO_SUFFIXES, ".doc")  # a .doc is read only to say: save it as .docx
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: old Word .doc, or an encrypted .docx


def has_signature(suffix: str, head: bytes) -> bool:
    """False for a file named as Word or PDF whose first bytes are no such file at all (a note saved as
    ``notes.pdf``): ingest lists it among the ignored files. A damaged file of that format still has its
    signature and is read, so that its error is reported."""
    suffix = suffix.lower()
    if suffix == ".pdf":
        return b"%PDF" in head[:1024]
    if suffix in (".docx", ".doc"):
        return head.startswith((b"PK\x03\x04", OLE_MAGIC))
    return True


def read_text_bytes(data: bytes, source: str) -> Document:
    """A Markdown or plain-text memo: UTF-8, UTF-8 with BOM or cp874 (:func:`itanb.thai.decode_thai_text`)."""
    from itanb.memo.read_text import read_text

    limits.TEXT_MEMO.check(len(data), source=source)
    if not data.strip():
        raise InputError("empty file: not a memo", source=source)
    return read_text(decode_thai_text(data, where=source).text, source)


def repaired(doc: Document) -> Document:
    """``doc`` with every paragraph's and cell's text through :func:`itanb.thai.repair_copied`."""
    for block in doc.blocks:
        if isinstance(block, Table):
            block.rows = [Row([repair_copied(c) for c in row.cells], row.loc) for row in block.rows]
        elif isinstance(block, Paragraph):
            block.text = repair_copied(block.text)
    return doc


def read_document(data: bytes, source: str, suffix: str) -> Document:
    """The document of a memo file (``suffix``: its name's, e.g. ``".docx"``), repaired (:func:`repaired`);
    raises InputError naming ``source`` for anything unreadable or past a limit (:mod:`itanb.limits`)."""
    document = _read(data, source, suffix)
    limits.MEMO_ROWS.check(sum(len(b.rows) for b in document.blocks if isinstance(b, Table)), source=source)
    return repaired(document)


def _read(data: bytes, source: str, suffix: str) -> Document:
    suffix = suffix.lower()
    if suffix == ".doc" or (suffix == ".docx" and data.startswith(OLE_MAGIC)):
        from itanb.memo.read_word import reject_compound_file

        raise reject_compound_file(data, source)
    if suffix == ".docx":
        from itanb.memo.read_word import read_word

        return read_word(data, source)
    if suffix == ".pdf":
        from itanb.memo.read_pdf import NoTextLayer, read_pdf

        try:
            return read_pdf(data, source)
        except NoTextLayer:
            from itanb.memo.read_image import read_scan

            return read_scan(data, source)
    if suffix in IMAGE_SUFFIXES:
        from itanb.memo.read_image import read_image

        return read_image(data, source)
    return read_text_bytes(data, source)
