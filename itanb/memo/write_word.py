"""A memo's :class:`~itanb.memo.document.Document` -> a ``.docx`` file, as agencies type them in Word.

Used by ``itanb synth`` (synthetic memos in Word) and by ``tests/make_memo_fixtures.py`` (test fixtures). The
package is the minimum Word and LibreOffice open: ``[Content_Types].xml``, ``_rels/.rels``,
``word/document.xml``. :class:`WordStyle` picks the structures real memos have: status headers merged across
columns (``gridSpan``) and name cells merged downwards (``vMerge``), a cell's lines as separate paragraphs,
header labels followed by a tab, status marks as typed text, Wingdings symbols (``w:sym``) or ticked checkbox
content controls (a cell ``[x]`` or ``[ ]``: a ticked or an empty checkbox). Text may carry tracked changes
written ``{-deleted-}`` and ``{+inserted+}``.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from itanb.memo.document import Document, Paragraph, Table
from itanb.memo.layout import joined_blocks, merge_plan

MARK_TEXTS = frozenset({"/", "✓", "✔", "√", "x", "X", "●", "*"})
CHECKBOXES = frozenset({"[x]", "[ ]"})  # a cell written so: a checkbox content control, ticked or not
_HEADER_LABELS = ("ส่วนราชการ", "เรื่อง", "เรียน")
_LABEL_FILL = re.compile(r"^[.…\s]*")
_BR = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_CHANGE = re.compile(r"\{([-+])(.*?)\1\}", re.DOTALL)
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
_RPR = ('<w:rPr><w:rFonts w:ascii="TH SarabunPSK" w:hAnsi="TH SarabunPSK" w:cs="TH SarabunPSK"/>'
        '<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr>')
_SYM = {"wingdings": ("Wingdings", "F0FC"), "wingdings2": ("Wingdings 2", "F050")}
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>')


@dataclass(frozen=True)
class WordStyle:
    merge: bool = True  # gridSpan / vMerge for two-row headers and empty name cells below a name
    mark: str = "text"  # a status mark as: "text" (as written), "wingdings", "wingdings2", "checkbox"
    tab_labels: bool = True  # "ส่วนราชการ<TAB>…" rather than "ส่วนราชการ... …"
    cell_paragraphs: bool = True  # a cell's line breaks as separate paragraphs


def write_docx(doc: Document, style: WordStyle = WordStyle()) -> bytes:
    """The ``.docx`` bytes of ``doc`` (a text document: consecutive lines make one paragraph)."""
    body = "".join(_table(b, style) if isinstance(b, Table) else _paragraph(b, style)
                   for b in joined_blocks(doc))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W_NS}" '
           f'xmlns:w14="{_W14_NS}"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
           f'<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134"/></w:sectPr></w:body>'
           '</w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, part in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                           ("word/document.xml", xml)):
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))  # the same text, the same bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, part)
    return out.getvalue()


def _paragraph(p: Paragraph, style: WordStyle) -> str:
    text = p.text
    if style.tab_labels:
        for label in _HEADER_LABELS:
            if text.startswith(label):
                text = label + "\t" + _LABEL_FILL.sub("", text[len(label):])
                break
    return f"<w:p>{_runs(text)}</w:p>"


def _runs(text: str) -> str:
    """Runs of ``text``: tabs and line breaks as Word's, ``{-x-}`` / ``{+x+}`` as tracked changes."""
    out = []
    at = 0
    for n, m in enumerate(_CHANGE.finditer(text), start=1):
        out.append(_plain(text[at:m.start()]))
        kind = "del" if m.group(1) == "-" else "ins"
        tag = "w:delText" if kind == "del" else "w:t"
        out.append(f'<w:{kind} w:id="{n}" w:author="itanb" w:date="2022-03-30T09:00:00Z"><w:r>{_RPR}'
                   f'<{tag} xml:space="preserve">{escape(m.group(2))}</{tag}></w:r></w:{kind}>')
        at = m.end()
    out.append(_plain(text[at:]))
    return "".join(out)


def _plain(text: str) -> str:
    parts = []
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return f"<w:r>{_RPR}{''.join(parts)}</w:r>" if parts else ""


def _checkbox(ticked: bool) -> str:
    return (f'<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="{int(ticked)}"/></w14:checkbox></w:sdtPr>'
            f'<w:sdtContent><w:r>{_RPR}<w:t>{"☒" if ticked else "☐"}</w:t></w:r></w:sdtContent></w:sdt>')


def _mark(style: WordStyle) -> str:
    if style.mark == "checkbox":
        return _checkbox(True)
    font, char = _SYM[style.mark]
    return f'<w:r>{_RPR}<w:sym w:font="{font}" w:char="{char}"/></w:r>'


def _cell(text: str, style: WordStyle, props: str) -> str:
    text = _BR.sub("\n", text)
    if text.strip() in CHECKBOXES:
        paras = f"<w:p>{_checkbox(text.strip() == '[x]')}</w:p>"
    elif text.strip() in MARK_TEXTS and style.mark != "text":
        paras = f"<w:p>{_mark(style)}</w:p>"
    elif style.cell_paragraphs:
        paras = "".join(f"<w:p>{_runs(line)}</w:p>" for line in text.split("\n")) or "<w:p/>"
    else:
        paras = f"<w:p>{_runs(text)}</w:p>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paras}</w:tc>"


def _table(t: Table, style: WordStyle) -> str:
    ncols = max(len(r.cells) for r in t.rows) if t.rows else 1
    rows = [r.cells + [""] * (ncols - len(r.cells)) for r in t.rows]
    plan = merge_plan(rows, style.merge)
    width = 9600 // ncols
    out = ['<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>',
           *(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
             for s in ("top", "left", "bottom", "right", "insideH", "insideV")),
           "</w:tblBorders></w:tblPr><w:tblGrid>", f'<w:gridCol w:w="{width}"/>' * ncols, "</w:tblGrid>"]
    for cells, merges in zip(rows, plan, strict=True):
        out.append("<w:tr>")
        for text, (span, vmerge) in zip(cells, merges, strict=True):
            if span == 0:
                continue
            props = f'<w:tcW w:w="{width * span}" w:type="dxa"/>'
            props += f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            props += {"restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}.get(vmerge, "")
            out.append(_cell("" if vmerge == "continue" else text, style, props))
        out.append("</w:tr>")
    out.append("</w:tbl><w:p/>")
    return "".join(out)
