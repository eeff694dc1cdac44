"""Generators of crafted raw files (made in memory, small on disk: the bombs are highly compressible or lie in
their zip directory), for tests/test_hostile.py. Each returns the file's bytes."""

from __future__ import annotations

import io
import struct
import zipfile

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
       'officedocument.spreadsheetml.worksheet+xml"/>'
       '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
       'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
         'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
         'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
       'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
       'relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER = ("agency", "fiscal_year", "score")


def _sheet(rows: str, dimension: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}>{dim}<sheetData>{rows}</sheetData>'
            "</worksheet>")


def _sst(strings: list[str], count: str | None = None) -> str:
    n = count or str(len(strings))
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS} count="{n}" uniqueCount="{n}">{items}</sst>'


def _header_row() -> str:
    cells = "".join(f'<c r="{c}1" t="s"><v>{i}</v></c>' for i, c in enumerate("ABC"))
    return f'<row r="1">{cells}</row>'


def xlsx(sheet: str | bytes, sst: str | bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in {"[Content_Types].xml": _CT, "_rels/.rels": _RELS, "xl/workbook.xml": _WB,
                           "xl/_rels/workbook.xml.rels": _WB_RELS, "xl/worksheets/sheet1.xml": sheet,
                           "xl/sharedStrings.xml": sst, **(extra or {})}.items():
            z.writestr(name, text)
    return buf.getvalue()


def xlsx_far_cell() -> bytes:
    """One cell at XFD1048576: calamine builds the 17-billion-cell grid from A1."""
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return xlsx(_sheet(_header_row() + far), _sst(list(HEADER)))


def xlsx_far_column() -> bytes:
    """A cell at XFD1000: 16 million cells from A1, in 1,000 rows."""
    return xlsx(_sheet(_header_row() + '<row r="1000"><c r="XFD1000"><v>1</v></c></row>'), _sst(list(HEADER)))


def xlsx_far_dimension() -> bytes:
    """A <dimension> claiming the whole sheet, over three real cells."""
    return xlsx(_sheet(_header_row(), "A1:XFD1048576"), _sst(list(HEADER)))


def xlsx_claimed_strings() -> bytes:
    """Shared strings claiming four billion entries."""
    return xlsx(_sheet(_header_row()), _sst(list(HEADER), count="4000000000"))


def xlsx_shared_amplified(cells: int = 20_000, size: int = 1 << 20) -> bytes:
    """One 1 MB shared string used by 20,000 cells: 20 GB once each cell has its own copy."""
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>3</v></c></row>' for n in range(2, cells + 2))
    return xlsx(_sheet(_header_row() + rows), _sst([*HEADER, "ก" * (size // 3)]))


def xlsx_many_rows(rows: int = 200_001) -> bytes:
    """More rows than a score table may have (each a distinct agency): refused before calamine reads it."""
    body = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>a{n}</t></is></c>'
                   f'<c r="B{n}"><v>2565</v></c><c r="C{n}"><v>90</v></c></row>' for n in range(2, rows + 2))
    return xlsx(_sheet(_header_row() + body), _sst(list(HEADER)))


def xlsx_rows_without_r(rows: int = 200_001) -> bytes:
    """The same rows with no r attributes (allowed by OOXML): counted by position."""
    body = "".join("<row><c><v>1</v></c><c><v>2565</v></c><c><v>90</v></c></row>" for _ in range(rows))
    return xlsx(_sheet(_header_row() + body), _sst(list(HEADER)))


def xlsx_big_part() -> bytes:
    """A sheet whose zip directory says it unpacks to 4 GB: refused from the directory, nothing inflated."""
    book = xlsx(_sheet(_header_row()), _sst(list(HEADER)))
    return lying_zip(book, "xl/worksheets/sheet1.xml", 4_000_000_000)


def lying_zip(data: bytes, part: str, claimed: int = 1000) -> bytes:
    """``data`` (a zip) with ``part``'s uncompressed size rewritten to ``claimed`` in both headers: the part
    inflates to more than its directory says."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(part)
    struct.pack_into("<I", out, info.header_offset + 22, claimed)  # local header: uncompressed size
    at = 0
    while (at := out.find(b"PK\x01\x02", at)) >= 0:
        name_len = struct.unpack_from("<H", out, at + 28)[0]
        if bytes(out[at + 46: at + 46 + name_len]).decode() == part:
            struct.pack_into("<I", out, at + 24, claimed)  # central directory: uncompressed size
        at += 4
    return bytes(out)


def xlsx_lying() -> bytes:
    """A sheet whose 2 MB of XML claims 1,000 bytes in the zip directory."""
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(2, 60_000))
    return lying_zip(xlsx(_sheet(_header_row() + rows), _sst(list(HEADER))), "xl/worksheets/sheet1.xml")


_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                     for i in range(1, 10))
           + "]>")


def xlsx_laughs() -> bytes:
    """Billion laughs in the shared strings."""
    return xlsx(_sheet(_header_row()), _LAUGHS + f"<sst {_NS}><si><t>&lol9;</t></si></sst>")


def xlsx_xxe() -> bytes:
    """An external entity (a local file) in the shared strings."""
    return xlsx(_sheet(_header_row()), '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                f"<sst {_NS}><si><t>&e;</t></si></sst>")


# --- Word -------------------------------------------------------------------------------------------------

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx(document: bytes | str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.'
                   'org/package/2006/content-types"/>')
        z.writestr("word/document.xml", document)
    return buf.getvalue()


def docx_rows(rows: int = 1_000_000) -> bytes:
    """A memo of a million table rows."""
    row = "<w:tr><w:tc><w:p><w:r><w:t>มาตรการ</w:t></w:r></w:p></w:tc></w:tr>"
    return docx(f'<?xml version="1.0"?><w:document {_W}><w:body><w:tbl>{row * rows}</w:tbl></w:body>'
                "</w:document>")


def docx_big_part() -> bytes:
    """word/document.xml claiming 4 GB unpacked."""
    document = docx(f'<?xml version="1.0"?><w:document {_W}><w:body/></w:document>')
    return lying_zip(document, "word/document.xml", 4_000_000_000)


def docx_lying() -> bytes:
    body = "<w:p><w:r><w:t>ก</w:t></w:r></w:p>" * 50_000
    return lying_zip(docx(f'<?xml version="1.0"?><w:document {_W}><w:body>{body}</w:body></w:document>'),
                     "word/document.xml")


def docx_laughs() -> bytes:
    return docx(_LAUGHS + f"<w:document {_W}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>"
                "</w:document>")


def docx_xxe() -> bytes:
    return docx('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                f"<w:document {_W}><w:body><w:p><w:r><w:t>&e;</w:t></w:r></w:p></w:body></w:document>")


def docx_quadratic(size: int = 100_000) -> bytes:
    """Quadratic blow-up: one large entity used many times."""
    return docx(f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "{"a" * size}">]>'
                f"<w:document {_W}><w:body><w:p><w:r><w:t>{'&a;' * size}</w:t></w:r></w:p></w:body>"
                "</w:document>")


# --- PDF and text -----------------------------------------------------------------------------------------

def pdf_pages(pages: int = 2_000) -> bytes:
    """A PDF of many blank pages, written by hand (one page object reused by every entry of the tree)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(b"3 0 R" for _ in range(pages)) + b"] /Count "
               + str(pages).encode() + b" >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def text_memo(size: int = (1 << 20) + 1) -> bytes:
    return ("บันทึกข้อความ\n" + "|ก|ข|\n" * (size // 10)).encode()[:size].ljust(size, b"\n")


def csv_rows(rows: int = 200_001) -> bytes:
    """A score table of more rows than allowed (distinct agencies)."""
    return ("agency,fiscal_year,score\n" + "".join(f"a{n},2565,90\n" for n in range(rows))).encode()


def csv_wide(columns: int = 100_000) -> bytes:
    """A header of a hundred thousand unknown columns: the line naming them stays short."""
    return (",".join(f"c{i}" for i in range(columns)) + "\n").encode()
