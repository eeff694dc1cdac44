"""Builds the Word and PDF memo fixtures in tests/fixtures/memo_formats/ and tests/fixtures/bad_memo_files/.

Run it from the repository root (``.venv/bin/python tests/make_memo_fixtures.py``); the generated files are
committed, so the tests need neither an office suite nor this script. What it writes:

- ``khoksaat-2565.docx``, ``khoksaat-2565.pdf``, ``khoksaat-2565-weasyprint.pdf``: the real memo
  (data/raw/memos/khoksaat-ita-measures-memo-2565.md) rebuilt as Word does it (status header merged across
  three columns, name cells merged downwards, owners as separate paragraphs in one cell,
  ``ส่วนราชการ<TAB>…``, Wingdings ``F0FC`` ticks, tracked changes)
  and as its PDF export (drawn by reportlab, and printed from HTML by WeasyPrint). Same content, so they must
  parse to the same memo.
- four fictional memos (ข้อมูลสมมุติสำหรับทดสอบ, fictional test data) of other agencies, in Word or PDF only,
  with the other defects real files have: Wingdings 2 ``F050`` and checkbox content controls (ticked and not),
  a หมายเหตุ column, typed ``✓``/``x`` marks, legacy-font PUA codes, a lost sara am, marks put before their
  consonant, ``ü`` and ``P`` ticks from symbol fonts.
- ``nong-ruea-2567.md`` (fictional, committed as written) as Word and as that Word file exported to PDF by
  LibreOffice: an owner's name wraps inside its cell (กองยุทธศาสตร์และงบ | ประมาณ).
- a scanned memo (an image, no text layer), and bad files: a Word 97 .doc (saved by LibreOffice), a .docx
  encrypted with a password as Word does it (msoffcrypto-tool), an encrypted
  .pdf, a corrupt .docx and .pdf.
"""

from __future__ import annotations

import io
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from itanb.memo.read_text import read_text  # noqa: E402
from itanb.memo.write_pdf import PdfStyle, write_pdf  # noqa: E402
from itanb.memo.write_word import WordStyle, write_docx  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "memo_formats"
BAD = ROOT / "tests" / "fixtures" / "bad_memo_files"
REAL = ROOT / "data" / "raw" / "memos" / "khoksaat-ita-measures-memo-2565.md"
FICTIONAL = "ข้อมูลสมมุติสำหรับทดสอบ (fictional test data)"
NONG_RUEA = OUT / "nong-ruea-2567.md"

# Word: gridSpan/vMerge, owners as paragraphs, Wingdings 2 ticks, a checkbox ticked and one not, a หมายเหตุ
# column, a tracked change (the deleted word must not count), a steps row continuing a merged name cell
NONGBUA = f"""# บันทึกข้อความ

{FICTIONAL}

ส่วนราชการ สำนักปลัดเทศบาล เทศบาลตำบลหนองบัว

ที่ นบ ๕๒๑๐๑/๑๒๓ วันที่ ๑๕ มีนาคม ๒๕๖๖

เรื่อง {{-ร่าง -}}รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๖๖

เรียน นายกเทศมนตรีตำบลหนองบัว

ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๕ ของเทศบาลตำบลหนองบัว อำเภอเมืองสมมุติ
จังหวัดทดสอบ ได้คะแนนรวมเท่ากับ ๘๘.๕๐ คะแนน อยู่ในระดับ A

| มาตรการ | ขั้นตอนหรือวิธีการปฏิบัติ | ผู้รับผิดชอบ | การกำกับติดตาม |
|---|---|---|---|
| การเปิดเผยข้อมูลสาธารณะ | ปรับปรุงเว็บไซต์ให้เป็นปัจจุบัน | สำนักปลัดเทศบาล<br>กองคลัง | ๓๑ มี.ค. ๖๖ |
| | เผยแพร่รายงานการเงินประจำไตรมาส | | |
| การป้องกันผลประโยชน์ทับซ้อน | จัดอบรมบุคลากรเรื่องผลประโยชน์ทับซ้อน | กองการศึกษา | ๓๐ เม.ย. ๖๖ |
| การจัดซื้อจัดจ้างอย่างโปร่งใส | เผยแพร่แผนการจัดซื้อจัดจ้าง | กองคลัง<br>กองช่าง | ๓๐ มิ.ย. ๖๖ |

| มาตรการ | ขั้นตอนหรือวิธีการปฏิบัติ | ผลการดำเนินงาน | | | หมายเหตุ |
|---|---|---|---|---|---|
| | | ยังไม่ดำเนินงาน | อยู่ระหว่างดำเนินงาน | ดำเนินงานเสร็จแล้ว | |
| การเปิดเผยข้อมูลสาธารณะ | ปรับปรุงเว็บไซต์ให้เป็นปัจจุบัน | | | / | เสร็จก่อนกำหนด |
| การป้องกันผลประโยชน์{{-ขัดกัน-}}{{+ทับซ้อน+}} | จัดอบรมบุคลากรเรื่องผลประโยชน์ทับซ้อน | [ ] | [x] | | |
| การจัดซื้อจัดจ้างอย่างโปร่งใส | เผยแพร่แผนการจัดซื้อจัดจ้าง | / | | | รอจัดสรรงบประมาณ |
"""

# PDF: legacy-font PUA codes, sara am lost everywhere (ตาบล, อาเภอ, ดาเนินงาน), ticks extracted as "ü"
BAN_MAI = f"""# บันทึกข้อความ

{FICTIONAL}

ส่วนราชการ สำนักปลัด องค์การบริหารส่วนตำบลบ้านใหม่

ที่ บม ๘๘๒๐๑/๔๕ วันที่ ๒๐ เมษายน ๒๕๖๗

เรื่อง รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๖๗

เรียน นายกองค์การบริหารส่วนตำบลบ้านใหม่

ผลการประเมินคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๖๖ ขององค์การบริหารส่วนตำบลบ้านใหม่
อำเภอท่าน้ำ จังหวัดทดสอบ ได้คะแนนรวมเท่ากับ ๗๙.๑๐ คะแนน อยู่ในระดับ ไม่ผ่าน

| มาตรการ | ขั้นตอนหรือวิธีการปฏิบัติ | ผู้รับผิดชอบ | การกำกับติดตาม |
|---|---|---|---|
| การเผยแพร่ข้อมูลผลการดำเนินงาน | จัดทำรายงานผลการดำเนินงานประจำปี | สำนักปลัด | ๓๐ มิ.ย. ๖๗ |
| การรับฟังความคิดเห็นของประชาชน | ประชุมประชาคมหมู่บ้านทุกไตรมาส | กองช่าง | ๓๑ ก.ค. ๖๗ |
| การลดขั้นตอนการให้บริการ | ให้บริการ ณ จุดเดียว | สำนักปลัด<br>กองคลัง | ๓๑ ส.ค. ๖๗ |

| มาตรการ | ขั้นตอนหรือวิธีการปฏิบัติ | สถานะการดำเนินงาน | | |
|---|---|---|---|---|
| | | ยังไม่ดำเนินงาน | อยู่ระหว่างดำเนินงาน | ดำเนินงานเสร็จแล้ว |
| การเผยแพร่ข้อมูลผลการดำเนินงาน | จัดทำรายงานผลการดำเนินงานประจำปี | | | / |
| การรับฟังความคิดเห็นของประชาชน | ประชุมประชาคมหมู่บ้านทุกไตรมาส | | / | |
| การลดขั้นตอนการให้บริการ | ให้บริการ ณ จุดเดียว | / | | |
"""

# PDF: marks before their consonant after a space (ัตว ้ีชวัด ี่ท), ticks extracted as "P", one table with both
# the plan and the status columns
THA_KHAM = f"""# บันทึกข้อความ

{FICTIONAL}

ส่วนราชการ กองยุทธศาสตร์และงบประมาณ เทศบาลเมืองท่าข้าม

ที่ ทข ๕๒๐๐๑/๗๗ วันที่ ๕ กุมภาพันธ์ ๒๕๖๘

เรื่อง รายงานผลการดำเนินงานตามตัวชี้วัดที่ ๑ มาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๖๘

เรียน นายกเทศมนตรีเมืองท่าข้าม

ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๗ ของเทศบาลเมืองท่าข้าม อำเภอพุนพิน
จังหวัดสุราษฎร์ธานี ได้คะแนนรวมเท่ากับ ๙๑.๒๕ คะแนน อยู่ในระดับ ผ่าน

| มาตรการ | ขั้นตอนหรือวิธีการปฏิบัติ | ผู้รับผิดชอบ | การกำกับติดตาม | ยังไม่ดำเนินงาน | อยู่ระหว่างดำเนินงาน | ดำเนินงานเสร็จแล้ว |
|---|---|---|---|---|---|---|
| ตัวชี้วัดที่ ๑ การเปิดเผยข้อมูล | ปรับปรุงหน้าเว็บไซต์ของเทศบาล | กองยุทธศาสตร์และงบประมาณ | ๓๑ มี.ค. ๖๘ | | | / |
| การส่งเสริมความโปร่งใสในการจัดซื้อจัดจ้าง | เผยแพร่ผลการจัดซื้อจัดจ้างรายเดือน | กองคลัง | ๓๐ เม.ย. ๖๘ | | / | |
| การป้องกันการรับสินบน | ประกาศนโยบายไม่รับของขวัญ | สำนักปลัดเทศบาล | ๓๑ พ.ค. ๖๘ | / | | |
"""

# Word without merged cells: typed ✓, x and /, owners split by line breaks inside one paragraph, one row
# ticked twice (multiple_status), one row with no tick (missing_status)
PAO = f"""# บันทึกข้อความ

{FICTIONAL}

ส่วนราชการ กองแผนและงบประมาณ องค์การบริหารส่วนจังหวัดทดสอบ

ที่ ทส ๕๑๐๐๑/๙ วันที่ ๓๐ กันยายน ๒๕๖๖

เรื่อง รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๖๖

เรียน นายกองค์การบริหารส่วนจังหวัดทดสอบ

ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๕ ขององค์การบริหารส่วนจังหวัดทดสอบ จังหวัดทดสอบ ได้คะแนน ๙๕.๕๐ คะแนน

| มาตรการ | ขั้นตอนหรือวิธีการปฏิบัติ | ผู้รับผิดชอบ | การกำกับติดตาม |
|---|---|---|---|
| การจัดการเรื่องร้องเรียน | เปิดช่องทางร้องเรียนออนไลน์ | สำนักปลัด<br>กองกฎหมาย | ๓๑ ธ.ค. ๖๕ |
| การประเมินความเสี่ยงการทุจริต | จัดทำแผนบริหารความเสี่ยง | กองแผนและงบประมาณ | ๓๑ มี.ค. ๖๖ |
| การเปิดเผยราคากลาง | ประกาศราคากลางทางเว็บไซต์ | กองพัสดุและทรัพย์สิน | ๓๐ มิ.ย. ๖๖ |
| การประชุมคณะทำงานด้านความโปร่งใส | ประชุมทุกไตรมาส | สำนักปลัด | ๓๐ ก.ย. ๖๖ |

| มาตรการ | ยังไม่ดำเนินงาน | อยู่ระหว่างดำเนินงาน | ดำเนินงานเสร็จแล้ว |
|---|---|---|---|
| การจัดการเรื่องร้องเรียน | | ✓ | |
| การประเมินความเสี่ยงการทุจริต | | x | x |
| การเปิดเผยราคากลาง | | | |
| การประชุมคณะทำงานด้านความโปร่งใส | | | / |
"""


def _real_memo_for_word() -> str:
    """The real memo's text with two tracked changes that leave its accepted text as it is."""
    text = REAL.read_text(encoding="utf-8")
    text = text.replace("เรื่อง รายงานการประเมิน", "เรื่อง {-ร่าง -}รายงานการประเมิน", 1)
    return text.replace("| การใช้อำนาจหน้าที่      |", "| การใช้อำนาจ{+หน้าที่+}      |", 1)


def _doc(text: str, name: str):
    return read_text(text, name)


def _pua_font() -> str:
    """Sarabun with copies of its tone-mark and vowel glyphs under the PUA codes legacy Thai fonts use (as
    the TH SarabunPSK generation has them), so the PDF's text layer holds those codes."""
    import copy

    from fontTools.ttLib import TTFont

    from itanb.fonts import font_path
    from itanb.thai import PUA_THAI

    font = TTFont(str(font_path("Regular")), recalcTimestamp=False)
    cmap = font.getBestCmap()
    order = list(font.getGlyphOrder())
    glyf, hmtx = font["glyf"], font["hmtx"]
    added = {}
    for pua, std in PUA_THAI.items():
        name = f"uni{ord(pua):04X}"
        glyf.glyphs[name] = copy.deepcopy(glyf[cmap[ord(std)]])
        hmtx.metrics[name] = hmtx.metrics[cmap[ord(std)]]
        order.append(name)
        added[ord(pua)] = name
    font.setGlyphOrder(order)
    glyf.glyphOrder = order
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap.update(added)
    for record in font["name"].names:  # its own name: reportlab shares faces by PostScript name
        if record.nameID in (1, 3, 4, 6):
            record.string = str(record).replace("Sarabun", "SarabunPUA")
    path = Path(tempfile.gettempdir()) / "itanb-sarabun-pua.ttf"
    font.save(str(path))
    return str(path)


def _weasyprint_pdf(doc) -> bytes:
    """``doc`` as HTML (cells merged with colspan/rowspan) printed by WeasyPrint: another producer's PDF, with
    cairo's ruling lines, its own line breaking and page breaks (a two-row header split over two pages), and
    its sara am as consonant, U+02F8, sara aa in the text layer."""
    import html

    import weasyprint

    from itanb.fonts import font_path
    from itanb.memo.document import Table
    from itanb.memo.layout import joined_blocks, merge_plan

    parts = [f"<html><head><style>@font-face {{font-family: S; src: url('{font_path('Regular').as_uri()}');}}"
             "body {font-family: S; font-size: 10pt}"
             "table {border-collapse: collapse; width: 100%; margin: 8pt 0}"
             "td {border: 0.6pt solid black; padding: 2pt; font-size: 8pt; vertical-align: top}"
             "@page {size: A4 landscape; margin: 1cm}</style></head><body>"]
    for block in joined_blocks(doc):
        if not isinstance(block, Table):
            parts.append("<p>" + html.escape(block.text).replace("\n", "<br>") + "</p>")
            continue
        ncols = max(len(r.cells) for r in block.rows)
        rows = [r.cells + [""] * (ncols - len(r.cells)) for r in block.rows]
        parts.append("<table>")
        for cells, merges in zip(rows, merge_plan(rows, True), strict=True):
            tds = [f"<td{f' colspan={span}' if span > 1 else ''}{' rowspan=2' if v == 'restart' else ''}>"
                   + html.escape(c).replace("&lt;br&gt;", "<br>") + "</td>"
                   for c, (span, v) in zip(cells, merges, strict=True) if span and v != "continue"]
            parts.append("<tr>" + "".join(tds) + "</tr>")
        parts.append("</table>")
    return weasyprint.HTML(string="".join(parts) + "</body></html>").write_pdf()


def _scan() -> bytes:
    """A one-page PDF holding only a picture of a page (lines of grey, a table's rules): no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    rng = random.Random(8)
    img = Image.new("L", (620, 877), 250)
    draw = ImageDraw.Draw(img)
    for y in range(60, 330, 22):
        draw.rectangle((60, y, 60 + rng.randint(200, 500), y + 8), fill=150)
    for y in range(360, 760, 40):
        draw.line((50, y, 570, y), fill=40, width=2)
    for x in (50, 200, 380, 470, 570):
        draw.line((x, 360, x, 720), fill=40, width=2)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=40)
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(595, 842), invariant=1)
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, 595, 842)
    c.showPage()
    c.save()
    return out.getvalue()


def _encrypted_pdf() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, encrypt=StandardEncryption("secret", canPrint=0), invariant=1)
    c.drawString(72, 720, "memo")
    c.showPage()
    c.save()
    return out.getvalue()


def _libreoffice(docx: bytes, target: str) -> bytes | None:
    """``docx`` saved by headless LibreOffice (``soffice --convert-to target``, as the Word draft's test uses:
    tests/fixtures/libreoffice.py), TH SarabunPSK (the memos' font) mapped to the Sarabun itanb ships and
    DejaVu shown for the marks Sarabun lacks (✓, ☒: without it they print as empty boxes, which a scan of the
    page could not tell from a box left unticked); None where LibreOffice is not installed (the committed file
    is kept then). Its timestamps differ each time it is made."""
    import shutil

    from tests.fixtures import libreoffice
    from tests.scans import SYMBOL_FONTS

    if shutil.which("soffice") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "memo.docx"
        src.write_bytes(docx)
        out = libreoffice.convert(src, target, Path(tmp), alias="TH SarabunPSK", fonts=SYMBOL_FONTS)
        return out.read_bytes()


def _encrypted_docx(docx: bytes) -> bytes:
    """A .docx protected with a password ("secret") as Word does it: ECMA-376 agile encryption inside a
    Compound File (msoffcrypto-tool). Its salts are random, so the file differs each time it is made."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(docx)).encrypt("secret", out)
    return out.getvalue()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    BAD.mkdir(parents=True, exist_ok=True)
    real = _doc(_real_memo_for_word(), "khoksaat-2565")
    files = {
        OUT / "khoksaat-2565.docx": write_docx(real, WordStyle(mark="wingdings")),
        OUT / "khoksaat-2565.pdf": write_pdf(_doc(REAL.read_text(encoding="utf-8"), "khoksaat-2565")),
        OUT / "khoksaat-2565-weasyprint.pdf": _weasyprint_pdf(_doc(REAL.read_text(encoding="utf-8"), "real")),
        OUT / "nongbua-2566.docx": write_docx(_doc(NONGBUA, "nongbua"), WordStyle(mark="wingdings2")),
        OUT / "ban-mai-2567.pdf": write_pdf(_doc(BAN_MAI, "ban-mai"),
                                            PdfStyle(mark="ü", pua=True, lost_am=True, font=_pua_font())),
        OUT / "tha-kham-2568.pdf": write_pdf(_doc(THA_KHAM, "tha-kham"), PdfStyle(mark="P", detached=True)),
        OUT / "pao-2566.docx": write_docx(_doc(PAO, "pao"), WordStyle(merge=False, cell_paragraphs=False,
                                                                     tab_labels=False)),
        OUT / "nong-ruea-2567.docx": write_docx(_doc(NONG_RUEA.read_text(encoding="utf-8"), "nong-ruea"),
                                                WordStyle(mark="wingdings")),
        BAD / "scanned.pdf": _scan(),
        BAD / "encrypted.pdf": _encrypted_pdf(),
    }
    made = {BAD / "old-binary.doc": _libreoffice(files[OUT / "nongbua-2566.docx"], "doc:MS Word 97"),
            # the real memo's Word twin exported to PDF by LibreOffice: Sarabun sets it larger than TH
            # SarabunPSK would, so rows break over pages (and the deletion shows, struck through)
            OUT / "khoksaat-2565-libreoffice.pdf": _libreoffice(files[OUT / "khoksaat-2565.docx"], "pdf"),
            OUT / "nong-ruea-2567-libreoffice.pdf": _libreoffice(files[OUT / "nong-ruea-2567.docx"], "pdf")}
    files.update({path: data for path, data in made.items() if data is not None})
    # the real memo's twin: msoffcrypto-tool 6.1 writes the 2.5 kB nongbua memo so that it cannot be decrypted
    files[BAD / "password-protected.docx"] = _encrypted_docx(files[OUT / "khoksaat-2565.docx"])
    files[BAD / "corrupt.docx"] = files[OUT / "nongbua-2566.docx"][:700]
    files[BAD / "corrupt.pdf"] = b"%PDF-1.7\n" + bytes(random.Random(3).randrange(256) for _ in range(600))
    for path, data in files.items():
        path.write_bytes(data)
        print(f"{path.relative_to(ROOT)}: {len(data)} bytes")


if __name__ == "__main__":
    main()
