"""Word ``.docx`` memos -> :class:`~itanb.memo.document.Document` (kind ``"layout"``), read off the OOXML.

``word/document.xml`` is walked with the standard library's ElementTree (python-docx would hand over the same
XML for what real memos hold): cells spanning columns (``w:gridSpan``: the text in the first column, the
others empty) and merged downwards (``w:vMerge``: empty where it continues), symbols with no text (``w:sym``,
e.g. Wingdings ``F0FC`` or Wingdings 2 ``F050`` for a tick), ticked checkbox content controls
(``w14:checkbox``), tracked changes (the accepted text: insertions kept, deletions dropped). A cell's
paragraphs are joined with line breaks (several owners in one cell stay apart); a tab stays a tab
(``ส่วนราชการ<TAB>…``). Every paragraph and cell then gets :func:`itanb.thai.repair_copied` (in
:mod:`~itanb.memo.read`)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from itanb import limits
from itanb.errors import InputError
from itanb.memo.document import Document, Loc, Paragraph, Row, Table
from itanb.ooxml import open_archive, read_part
from itanb.vocabulary import EMPTY_BOXES

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
TICK = "✓"
# symbol fonts' characters (low byte of w:char) -> text: ticks and crosses are marks, empty boxes are not
_SYMBOLS = {
    "wingdings": {0xFC: TICK, 0xFB: "✗", 0xFD: "☒", 0xFE: "☑", 0xA8: "", 0x6F: "", 0x71: ""},
    "wingdings 2": {0x50: TICK, 0x4F: "✗", 0x52: "☑", 0x54: "☒", 0x51: "☒", 0xA3: "", 0x2A: ""},
}
# subtrees whose text is not the document's: deletions, moved-away text, field codes, properties, fallbacks
_SKIP = frozenset(_W + t for t in ("del", "moveFrom", "delText", "instrText", "pPr", "rPr", "tcPr", "trPr",
                                   "tblPr", "tblGrid", "sdtPr", "sdtEndPr", "fldChar")) | {_MC + "Fallback"}
_OLE_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")


def reject_compound_file(data: bytes, source: str) -> InputError:
    """The one line for a Compound File (an old binary ``.doc``, or a password-protected ``.docx``)."""
    if _OLE_ENCRYPTED in data:
        return InputError("encrypted Word file (password-protected): remove the password in Word and save it "
                          "again as .docx", source=source)
    return InputError("old binary Word .doc file: open it in Word or LibreOffice and save it as .docx (Word "
                      "Document), then ingest the .docx", source=source)


def _document_xml(data: bytes, source: str) -> ET.Element:
    archive = open_archive(data, source, "Word file",  # part sizes checked from the zip directory
                           "corrupt Word file: not a readable .docx (zip) archive; save it again from Word")
    try:
        with archive:
            xml = read_part(archive, "word/document.xml", source)
    except KeyError:
        raise InputError("not a Word document: the .docx archive has no word/document.xml",
                         source=source) from None
    limits.MEMO_ROWS.check(len(_TABLE_ROW.findall(xml)), source=source)  # before the tree is built
    try:
        return ET.fromstring(_without_formatting(xml))  # expat: no external entities, bounded expansion
    except ET.ParseError as exc:
        raise InputError(f"corrupt Word file: word/document.xml is not well-formed XML ({exc})",
                         source=source) from None


_TABLE_ROW = re.compile(rb"<w:tr[\s>]")


# what the reader skips anyway (see _SKIP): run and paragraph formatting, table formatting and grid, cell
# widths, proofing and bookmark marks; none of it holds text, and none nests an element of its own name
_FORMATTING = re.compile(rb"<w:rPr>.*?</w:rPr>|<w:rPr/>|<w:pPr>.*?</w:pPr>|<w:tblPr>.*?</w:tblPr>"
                         rb"|<w:tblGrid>.*?</w:tblGrid>|<w:tcW [^>]*/>"
                         rb"|<w:(?:proofErr|bookmarkStart|bookmarkEnd|lastRenderedPageBreak)\b[^>]*/>",
                         re.DOTALL)


def _without_formatting(xml: bytes) -> bytes:
    """The XML without the formatting the reader skips (fonts, sizes, borders: half of a document's bytes,
    none of its text), so that parsing it takes half the time. Left as it is where formatting changes are
    tracked (properties then nest an older copy of themselves)."""
    return xml if b"PrChange" in xml else _FORMATTING.sub(b"", xml)


def read_word(data: bytes, source: str) -> Document:
    """The document of a ``.docx`` file's bytes; raises InputError for a corrupt or empty file."""
    root = _document_xml(data, source)
    body = root.find(_W + "body")
    if body is None:
        raise InputError("not a Word document: word/document.xml has no body", source=source)
    reader = _Reader()
    reader.blocks_of(body)
    if not any(isinstance(b, Table) or b.text.strip() for b in reader.blocks):
        raise InputError("empty Word document: not a memo", source=source)
    return Document(source, "layout", reader.blocks)


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[Paragraph | Table] = []
        self.seq = self.paras = self.tables = 0

    def _next(self) -> int:
        self.seq += 1
        return self.seq

    def blocks_of(self, parent: ET.Element) -> None:
        for el in parent:
            if el.tag == _W + "p":
                self.paras += 1
                self.blocks.append(Paragraph(_text(el), Loc(self._next(), para=self.paras)))
            elif el.tag == _W + "tbl":
                self.tables += 1
                self.blocks.append(self._table(el))
            elif el.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "moveTo"):
                self.blocks_of(el)

    def _table(self, tbl: ET.Element) -> Table:
        rows = []
        for n, tr in enumerate(tbl.findall(_W + "tr"), start=1):
            tr_pr = _props(tr, "trPr")
            cells: list[str] = [""] * _int_val(_prop(tr_pr, "gridBefore"), 0)
            for tc in tr.findall(_W + "tc"):
                tc_pr = _props(tc, "tcPr")
                span = _int_val(_prop(tc_pr, "gridSpan"), 1)
                vmerge = _prop(tc_pr, "vMerge")
                continues = vmerge is not None and vmerge.get(_W + "val", "continue") == "continue"
                text = "" if continues else _cell_text(tc)
                cells += [text] + [""] * (span - 1)
            cells += [""] * _int_val(_prop(tr_pr, "gridAfter"), 0)
            rows.append(Row(cells, Loc(self._next(), table=self.tables, row=n)))
        first = rows[0].loc if rows else Loc(self._next(), table=self.tables, row=1)
        return Table(rows, first)


def _props(el: ET.Element, name: str) -> ET.Element | None:
    """``el``'s ``w:<name>`` properties element (``w:tcPr`` of a cell, ``w:trPr`` of a row), or None."""
    return el[0] if len(el) and el[0].tag == _W + name else el.find(_W + name)  # properties come first


def _prop(props: ET.Element | None, name: str) -> ET.Element | None:
    """The property ``w:<name>`` (``gridSpan``, ``vMerge`` …) in ``props``, or None."""
    return None if props is None else props.find(_W + name)


def _int_val(el: ET.Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return max(0, int(el.get(_W + "val", default)))
    except ValueError:
        return default


def _cell_text(tc: ET.Element) -> str:
    """A cell's paragraphs (and nested tables' text) joined by line breaks."""
    parts = []
    for el in tc:
        if el.tag == _W + "p":
            parts.append(_text(el))
        elif el.tag in (_W + "tbl", _W + "sdt"):
            parts.extend(_text(p) for p in el.iter(_W + "p"))
    return "\n".join(p for p in parts if p.strip())


def _text(el: ET.Element) -> str:
    out: list[str] = []
    _collect(el, out)
    return "".join(out)


def _collect(el: ET.Element, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if tag in _SKIP or not isinstance(tag, str):
            continue
        if tag == _W + "t":
            text = child.text or ""
            out.append("" if text.strip() in EMPTY_BOXES and text.strip() else text)
        elif tag == _W + "tab":
            out.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            out.append("\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        elif tag == _W + "sym":
            out.append(_symbol(child))
        elif tag == _W + "sdt" and _checkbox(child) is not None:
            out.append(TICK if _checkbox(child) else "")
        else:
            _collect(child, out)


def _symbol(sym: ET.Element) -> str:
    """A ``w:sym``'s text: a symbol font's tick or cross; an empty box is no text; another symbol is kept as
    its Private Use Area code (U+F0xx), which is text (a mark in a status cell)."""
    font = (sym.get(_W + "font") or "").strip().lower()
    try:
        code = int(sym.get(_W + "char") or "", 16)
    except ValueError:
        return ""
    known = _SYMBOLS.get(font, {})
    low = code & 0xFF if code >= 0xF000 else code
    if low in known:
        return known[low]
    return chr(code if code >= 0xF000 else 0xF000 + code)


def _checkbox(sdt: ET.Element) -> bool | None:
    """True or False for a checkbox content control (ticked or not), None for another content control."""
    box = sdt.find(f"{_W}sdtPr/{_W14}checkbox")
    if box is None:
        return None
    checked = box.find(_W14 + "checked")
    return checked is not None and checked.get(_W14 + "val", "1") in ("1", "true", "on")
