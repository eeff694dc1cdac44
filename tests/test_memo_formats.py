"""Memos as agencies keep them: Word (.docx) and PDF files, read into one document model, one semantics.

Fixtures: tests/fixtures/memo_formats/ (built by tests/make_memo_fixtures.py and committed): the real memo's
Word and PDF twins, and fictional memos (ข้อมูลสมมุติสำหรับทดสอบ) of other agencies that exist only as Word or PDF.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pypdfium2
import pytest

from itanb import paths
from itanb.errors import InputError
from itanb.ingest import ingest
from itanb.memo import ParsedMemo, parse_memo_bytes, parse_memo_file
from itanb.memo.document import Paragraph
from itanb.memo.read import read_document
from itanb.memo.read_pdf import read_pdf
from itanb.memo.read_word import read_word
from itanb.store import load_tables
from itanb.thai import PUA_THAI, fold_sara_am, matching_key, repair_copied, repair_thai

REAL = paths.PROJ_ROOT / "data" / "raw" / "memos" / "khoksaat-ita-measures-memo-2565.md"
FORMATS = Path(__file__).parent / "fixtures" / "memo_formats"
BAD = Path(__file__).parent / "fixtures" / "bad_memo_files"
TWINS = [FORMATS / "khoksaat-2565.docx", FORMATS / "khoksaat-2565.pdf",
         FORMATS / "khoksaat-2565-weasyprint.pdf",  # Word; PDF drawn by reportlab; PDF printed by WeasyPrint;
         FORMATS / "khoksaat-2565-libreoffice.pdf"]  # the Word twin exported to PDF by LibreOffice
# a place in the file's own terms: a line in a text file, a page, table and row, or paragraph elsewhere
PLACE = re.compile(r"(?:บรรทัด \d+|หน้า \d+|ตาราง \d+ แถว \d+|ย่อหน้า \d+)"
                   r"(?:[ ,]+(?:หน้า \d+|ตาราง \d+ แถว \d+))*")


def spaceless(text: str) -> str:
    """A text without its spaces: a PDF that wraps a line at a space draws no space there (WeasyPrint), so
    where the Markdown has a space the PDF may not; matching ignores it too."""
    return "".join(text.split())


# display text compared without spaces for the PDF that does not draw a space where it wraps a line
SPACES_LOST = {"khoksaat-2565-weasyprint.pdf", "khoksaat-2565-libreoffice.pdf"}


@pytest.fixture(scope="module")
def markdown() -> ParsedMemo:
    return parse_memo_file(REAL)


# --------------------------------------------------------------------------------- the real memo's twins


@pytest.mark.parametrize("twin", TWINS, ids=lambda p: p.name)
def test_real_memo_twins_parse_to_the_markdown_memo(twin, markdown):
    memo = parse_memo_file(twin)
    assert memo.source == str(twin)
    for name in ("agency", "district", "province", "memo_date", "fiscal_year"):
        assert getattr(memo, name) == getattr(markdown, name), name
    a, b = memo.assessment, markdown.assessment
    assert (a.fiscal_year, a.score, a.level_reported, a.level) == (b.fiscal_year, b.score, b.level_reported,
                                                                   b.level)
    assert len(memo.measures) == len(markdown.measures) == 12
    for got, want in zip(memo.measures, markdown.measures, strict=True):
        for name in ("no", "owners", "due", "due_text", "status", "match_similarity"):
            assert getattr(got, name) == getattr(want, name), (want.no, name)
        for name in ("measure", "steps"):
            same = spaceless if twin.name in SPACES_LOST else str
            assert same(getattr(got, name)) == same(getattr(want, name)), (want.no, name)
    assert [(f.code, f.fiscal_year) for f in memo.findings] == [(f.code, f.fiscal_year)
                                                                for f in markdown.findings]
    assert [f.message for f in memo.findings] == [f.message for f in markdown.findings]
    assert not any(PLACE.search(f.message) for f in memo.findings)  # places go to ``places``, not the message
    assert [PLACE.sub("…", f.places or "") for f in memo.findings] == [PLACE.sub("…", f.places or "")
                                                                       for f in markdown.findings]


def test_twin_findings_name_the_table_and_row_or_the_page():
    word = parse_memo_file(TWINS[0])
    fuzzy = next(f for f in word.findings if f.code == "fuzzy_match")
    assert fuzzy.line is None
    assert fuzzy.source == f"{TWINS[0]}, table 4, row 6"
    assert fuzzy.places == "ตารางผลการดำเนินงาน: ตาราง 4 แถว 6; มาตรการข้อ 4: ตาราง 1 แถว 5"
    pdf = parse_memo_file(TWINS[1])
    fuzzy = next(f for f in pdf.findings if f.code == "fuzzy_match")
    assert fuzzy.source == f"{TWINS[1]}, page 3, table 4, row 6"
    conflict = next(f for f in pdf.findings if f.code == "location_conflict")
    assert conflict.places == "อำเภอเมืองชัย: หน้า 2; อำเภอฆ้องชัย: หน้า 3"
    md = next(f for f in parse_memo_file(REAL).findings if f.code == "location_conflict")
    assert (md.line, md.places) == (73, "อำเภอเมืองชัย: บรรทัด 70; อำเภอฆ้องชัย: บรรทัด 73")


def test_the_libreoffice_export_breaks_rows_over_pages_and_joins_them_back():
    """LibreOffice lets a row that does not fit go on over the page: the first measure's plan row starts at
    the foot of page 1 (with its deadline) and goes on at the top of page 2 (without); its status row breaks
    the same way (the mark on the first part). The memo still has its 12 measures, owners and statuses."""
    doc = read_pdf(TWINS[3].read_bytes(), "lo.pdf")
    plan = doc.tables[0]
    pages = [row.loc.page for row in plan.rows]
    first = pages.index(2)
    assert pages[first - 1] == 1 and plan.rows[first - 1].cells[3] and not plan.rows[first].cells[3]
    memo = parse_memo_file(TWINS[3])
    assert [m.owners for m in memo.measures] == [m.owners for m in parse_memo_file(REAL).measures]
    assert list(memo.measures[0].owners) == ["สำนักปลัด", "กองคลัง"]  # one on each page


def test_the_word_twin_has_words_structures():
    xml = zipfile.ZipFile(TWINS[0]).read("word/document.xml").decode()
    for structure in ('<w:gridSpan w:val="3"/>', '<w:vMerge w:val="restart"/>', "<w:vMerge/>",
                      '<w:sym w:font="Wingdings" w:char="F0FC"/>', "<w:del ", "<w:ins ", "<w:tab/>"):
        assert structure in xml, structure
    assert "/</w:t>" not in xml  # every tick is a symbol, none typed
    doc = read_word(TWINS[0].read_bytes(), "twin")
    status = doc.tables[3]
    assert status.rows[0].cells == ["มาตรการ", "ขั้นตอนหรือวิธีการปฏิบัติ", "สถานการณ์ดำเนินงาน", "", ""]
    assert status.rows[1].cells[:2] == ["", ""]  # merged downwards: empty where the merge continues
    assert status.rows[2].cells[4] == "✓"
    owners = doc.tables[1].rows[5].cells[2]
    assert owners == "สำนักปลัด\nกองคลัง\nกองช่าง กอง\nการศึกษาฯ"  # one paragraph each, line breaks kept
    subject = next(b for b in doc.blocks if isinstance(b, Paragraph) and b.text.startswith("เรื่อง"))
    assert subject.text == "เรื่อง\tรายงานการประเมินคุณธรรมและความโปร่งใสภายในหน่วยงาน"  # deletion dropped


def run_cli(*args: str | Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHAINLP_READ_ONLY": "1"}
    return subprocess.run([sys.executable, "-m", "itanb.cli", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def test_parse_memo_json_is_the_same_in_all_three_formats():
    """Apart from each finding's ``source`` (file, line, places), the JSON is the same for every format."""
    outputs = []
    for path in (REAL, *TWINS):
        result = run_cli("parse-memo", path)
        assert result.returncode == 0, result.stderr
        outputs.append(json.loads(result.stdout))
    sources = [{f["code"]: f.pop("source") for f in out["findings"]} for out in outputs]
    assert sources[0]["location_conflict"] == {"file": str(REAL), "line": 73,
                                               "places": "อำเภอเมืองชัย: บรรทัด 70; อำเภอฆ้องชัย: บรรทัด 73"}
    word = sources[1]["location_conflict"]
    assert word["file"] == f"{TWINS[0]}, paragraph 24" and word["line"] is None
    assert word["places"] == "อำเภอเมืองชัย: ย่อหน้า 23; อำเภอฆ้องชัย: ย่อหน้า 24"
    assert outputs[1] == outputs[0]  # Word
    assert outputs[2] == outputs[0]  # PDF
    for out in (outputs[0], outputs[3], outputs[4]):  # the PDFs that draw no space where they wrap
        for m in out["measures"]:
            m["measure"], m["steps"] = spaceless(m["measure"]), spaceless(m["steps"])
    assert outputs[3] == outputs[0]
    assert outputs[4] == outputs[0]
    assert len(outputs[0]["measures"]) == 12 and outputs[0]["findings"]


# ------------------------------------------------------------------------------- memos never seen in text


def test_word_memo_with_merged_cells_checkboxes_and_tracked_changes():
    memo = parse_memo_file(FORMATS / "nongbua-2566.docx")
    assert (memo.agency, memo.district, memo.province) == ("เทศบาลตำบลหนองบัว", "เมืองสมมุติ", "ทดสอบ")
    assert memo.memo_date == dt.date(2023, 3, 15) and memo.fiscal_year == 2566
    a = memo.assessment
    assert (a.fiscal_year, a.score, a.level_reported, a.level) == (2565, Decimal("88.50"), "A", "A")
    assert [(m.measure, m.status) for m in memo.measures] == [
        ("การเปิดเผยข้อมูลสาธารณะ", "done"),  # Wingdings 2 F050 (no text in the file)
        ("การป้องกันผลประโยชน์ทับซ้อน", "in_progress"),  # a ticked checkbox, an empty one beside it
        ("การจัดซื้อจัดจ้างอย่างโปร่งใส", "not_started"),
    ]
    # the row under a name merged downwards continues its steps
    assert memo.measures[0].steps == "ปรับปรุงเว็บไซต์ให้เป็นปัจจุบัน เผยแพร่รายงานการเงินประจำไตรมาส"
    assert memo.measures[0].owners == ["สำนักปลัดเทศบาล", "กองคลัง"]
    assert memo.measures[2].due == dt.date(2023, 6, 30)  # Thai digits
    # the deleted word of a tracked change is not read: the names match exactly; หมายเหตุ is no status column
    assert memo.findings == []
    xml = zipfile.ZipFile(FORMATS / "nongbua-2566.docx").read("word/document.xml").decode()
    assert '<w:sym w:font="Wingdings 2" w:char="F050"/>' in xml
    assert '<w14:checked w14:val="1"/>' in xml and '<w14:checked w14:val="0"/>' in xml
    assert "<w:delText" in xml and "ขัดกัน" in xml


def test_word_memo_with_typed_marks():
    memo = parse_memo_file(FORMATS / "pao-2566.docx")
    assert memo.agency == "องค์การบริหารส่วนจังหวัดทดสอบ"
    assert [m.status for m in memo.measures] == ["in_progress", "done", None, "done"]  # ✓; x twice; none; /
    assert memo.measures[0].owners == ["สำนักปลัด", "กองกฎหมาย"]  # <w:br/> inside one paragraph
    assert [f.code for f in memo.findings] == ["multiple_status", "missing_status"]
    assert memo.findings[0].source.endswith("pao-2566.docx, table 2, row 3")


def test_pdf_memo_with_pua_codes_lost_sara_am_and_symbol_ticks():
    data = (FORMATS / "ban-mai-2567.pdf").read_bytes()
    raw = "".join(b.text if isinstance(b, Paragraph) else "" for b in read_pdf(data, "x").blocks)
    assert "ข\uf70bอมูล" in raw and "ตาบล" in raw  # PUA codes and a lost sara am in the text layer
    blocks = read_document(data, "x", ".pdf").blocks
    layer = "".join(b.text if isinstance(b, Paragraph) else "" for b in blocks)
    assert "ข้อมูล" in layer and "ตำบล" in layer and "ตาบล" not in layer  # repaired on reading, in known words
    memo = parse_memo_bytes(data, "ban-mai-2567.pdf")
    text = json.dumps(memo.to_json_dict(), ensure_ascii=False)
    assert not any(code in text for code in PUA_THAI)
    assert memo.agency == "องค์การบริหารส่วนตำบลบ้านใหม่"  # the kind matched despite ตาบล, written in full
    assert memo.district == "ท่าน้า"  # น้า is a word of its own: not in thai.LOST_SARA_AM_WORDS, kept
    assert memo.fiscal_year == 2567 and memo.assessment.fiscal_year == 2566  # ประจาปีงบประมาณ
    assert [(m.measure, m.status) for m in memo.measures] == [
        ("การเผยแพร่ข้อมูลผลการดำเนินงาน", "done"),  # ticks extracted as "ü"; ดาเนิน restored
        ("การรับฟังความคิดเห็นของประชาชน", "in_progress"),
        ("การลดขั้นตอนการให้บริการ", "not_started"),
    ]
    assert memo.measures[0].due == dt.date(2024, 6, 30)  # การกากับติดตาม still read as the deadline column
    assert memo.findings == []  # status labels ดาเนินงาน… read as the three statuses, in order


@pytest.mark.parametrize("tick", ["ü", "P", "\uf0fc", "\uf050"])
def test_symbol_font_ticks_as_pdfs_extract_them_are_marks(tick):
    text = REAL.read_text(encoding="utf-8").replace("| /", f"| {tick}")
    assert text.count(tick) == 12
    memo = parse_memo_bytes(text.encode(), "ticks.md")
    assert [m.status for m in memo.measures] == [m.status for m in parse_memo_file(REAL).measures]


def test_pdf_memo_with_marks_before_their_consonants_and_one_combined_table():
    data = (FORMATS / "tha-kham-2568.pdf").read_bytes()
    raw_layer = pypdfium2.PdfDocument(data)[0].get_textpage().get_text_range()
    assert "ัตว ้ีช" in raw_layer and "ตัวชี้วัด" not in raw_layer  # what a careless export leaves
    memo = parse_memo_bytes(data, "tha-kham-2568.pdf")
    assert (memo.agency, memo.district, memo.province) == ("เทศบาลเมืองท่าข้าม", "พุนพิน", "สุราษฎร์ธานี")
    assert memo.measures[0].measure == "ตัวชี้วัดที่ ๑ การเปิดเผยข้อมูล"
    assert [m.status for m in memo.measures] == ["done", "in_progress", "not_started"]  # ticks as "P"
    assert all(m.match_similarity is None for m in memo.measures)  # plan and status in one table
    assert memo.findings == []


# ------------------------------------------------------------------------------------------------- thai/


def test_repair_thai():
    assert repair_thai("ัตว ้ีชวัด ี่ท") == "ตัวชี้วัดที่"
    assert repair_thai("ข\uf70bอมูลใหม\uf70a ป\uf702") == "ข้อมูลใหม่ ปี"
    assert repair_thai("ผู้รับผิดชอบ E – Service") == "ผู้รับผิดชอบ E – Service"
    assert set(PUA_THAI.values()) <= {chr(c) for c in range(0x0E01, 0x0E4F)}
    assert len(PUA_THAI) == 0xF71A - 0xF700 + 1


def test_matching_tolerates_a_lost_sara_am():
    assert matching_key("ดาเนินงาน") == matching_key("ดำเนินงาน") == matching_key("ด ํา เนินงาน")
    assert fold_sara_am("ตำบล") == "ตาบล" and fold_sara_am("ตาม") == "ตาม"


# ------------------------------------------------------------------------------------------------- bad files


@pytest.mark.parametrize(("name", "says"), [
    ("old-binary.doc", "save it as .docx"),
    ("password-protected.docx", "encrypted Word file"),
    ("encrypted.pdf", "encrypted PDF"),
    ("corrupt.docx", "corrupt Word file"),
    ("corrupt.pdf", "corrupt PDF"),
])
def test_bad_files_raise_one_clear_line(name, says):
    with pytest.raises(InputError) as caught:
        parse_memo_file(BAD / name)
    assert says in str(caught.value)
    assert str(caught.value).startswith(str(BAD / name) + ": ")
    assert "\n" not in str(caught.value)


def test_the_password_protected_docx_is_really_encrypted_as_word_does_it():
    """Not a stand-in: with its password the file opens to the Word memo it was made from."""
    from msoffcrypto import OfficeFile

    office = OfficeFile(io.BytesIO((BAD / "password-protected.docx").read_bytes()))
    assert office.is_encrypted()
    office.load_key(password="secret")
    plain = io.BytesIO()
    office.decrypt(plain)
    memo = parse_memo_bytes(plain.getvalue(), "decrypted.docx")
    assert memo.to_json_dict()["measures"] == parse_memo_file(TWINS[0]).to_json_dict()["measures"]


def test_the_old_doc_is_a_real_word_97_file():
    """Saved by LibreOffice as Word 97-2003: a Compound File whose WordDocument stream holds the memo's text
    (UTF-16)."""
    import olefile

    with olefile.OleFileIO(str(BAD / "old-binary.doc")) as ole:
        assert ole.exists("WordDocument") and ole.exists("1Table")
        assert "เทศบาลตำบลหนองบัว".encode("utf-16-le") in ole.openstream("WordDocument").read()


def test_parse_memo_of_a_coarse_scan_exits_2_in_one_line():
    """The scan fixture is a 620-pixel picture of an A4 page (75 dpi): too coarse to read, said in one line
    before any OCR (so the same with or without tesseract)."""
    result = run_cli("parse-memo", BAD / "scanned.pdf")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"itanb: {BAD / 'scanned.pdf'}: scan too coarse to read: page 1 is "
                                          "75 dpi (at least 150 needed); scan it again at 300 dpi"]


# ------------------------------------------------------------------------------------------------- ingest


def test_ingest_a_raw_folder_mixing_markdown_word_and_pdf(tmp_path):
    raw = tmp_path / "raw"
    (raw / "memos" / "word").mkdir(parents=True)
    (raw / "memos" / "pdf").mkdir()
    (raw / "memos" / "a.md").write_bytes((Path(__file__).parent / "fixtures" / "memos" /
                                          "tessaban-mueang-2568.md").read_bytes())
    (raw / "memos" / "word" / "nongbua.docx").write_bytes((FORMATS / "nongbua-2566.docx").read_bytes())
    (raw / "memos" / "pdf" / "ban-mai.pdf").write_bytes((FORMATS / "ban-mai-2567.pdf").read_bytes())
    (raw / "memos" / "pdf" / "pao.docx").write_bytes((FORMATS / "pao-2566.docx").read_bytes())
    summary = ingest(raw_dir=raw, processed_dir=tmp_path / "processed")
    assert summary.memos == 4 and summary.ignored == []
    t = load_tables(tmp_path / "processed")
    by_source = t.measures.groupby("source")["no"].count().to_dict()
    assert by_source == {"memos/a.md": 4, "memos/word/nongbua.docx": 3, "memos/pdf/ban-mai.pdf": 3,
                         "memos/pdf/pao.docx": 4}
    assert set(t.sources["path"]) == {"memos/a.md", "memos/word/nongbua.docx", "memos/pdf/ban-mai.pdf",
                                      "memos/pdf/pao.docx"}
    assert set(t.agencies["name"]) >= {"เทศบาลตำบลหนองบัว", "องค์การบริหารส่วนตำบลบ้านใหม่"}
    multiple = t.findings[t.findings["code"] == "multiple_status"]
    assert list(multiple["source"]) == ["memos/pdf/pao.docx, table 2, row 3"]
    assert multiple["line"].isna().all()


# ------------------------------------------------------------------------------------------------- synth


def test_synthetic_memos_in_word_and_pdf_parse_like_their_text(tmp_path):
    from itanb.synth import LABEL, plan_synthetic, write_synthetic

    formats = ("md", "docx", "pdf")
    write_synthetic(tmp_path / "raw", agencies=12, years=(2565, 2566), seed=3, memo_formats=formats)
    plan = plan_synthetic(12, (2565, 2566), 3, memo_formats=formats)
    assert sorted({Path(m.path).suffix for m in plan.memos}) == [".docx", ".md", ".pdf", ".txt"]
    for m in plan.memos:
        path = tmp_path / "raw" / m.path
        parsed = parse_memo_file(path)
        assert len(parsed.measures) == m.measures, m.path
        assert sum(x.status is None for x in parsed.measures) == m.unmarked_rows, m.path
        text = parse_memo_bytes(m.text.encode(), "twin.md")
        assert [(x.measure, x.status, x.owners, x.due) for x in parsed.measures] == [
            (x.measure, x.status, x.owners, x.due) for x in text.measures], m.path
        if path.suffix == ".docx":
            assert LABEL in zipfile.ZipFile(path).read("word/document.xml").decode()
        elif path.suffix == ".pdf":
            assert LABEL in pypdfium2.PdfDocument(path.read_bytes())[0].get_textpage().get_text_range()


# ------------------------------------------------------------------------ text-layer fixes (issue 20)

NONG_RUEA = FORMATS / "nong-ruea-2567.md"  # fictional; as Word, and that Word file printed by LibreOffice


def _fields(memo: ParsedMemo) -> dict:
    """Every field of a memo's JSON but the findings' sources (they name the file)."""
    out = memo.to_json_dict()
    out["findings"] = [(f["code"], f["message"]) for f in out["findings"]]
    return out


def _pdf_copy(text: str) -> str:
    """``text`` as a copy out of a legacy-font PDF gives it: tone marks after a consonant as the fonts' PUA
    codes (U+F70A ่, U+F70B ้), sara am as sara aa (จัดทา, สารวจ)."""
    text = re.sub("([\u0e01-\u0e2e])\u0e48", "\\1\uf70a", text)
    text = re.sub("([\u0e01-\u0e2e])\u0e49", "\\1\uf70b", text)
    return text.replace("\u0e33", "\u0e32")


def test_libreoffice_pdf_of_a_word_memo_parses_field_exact():
    """The Word memo printed by LibreOffice: an owner's name wraps inside its cell ("กองยุทธศาสตร์และงบ" |
    "ประมาณ") and is read as one name, like everything else, exactly as the Markdown says."""
    pdf = FORMATS / "nong-ruea-2567-libreoffice.pdf"
    cell = read_pdf(pdf.read_bytes(), "x").tables[0].rows[1].cells[2]
    assert "\u200b" in cell and cell.replace("\u200b", "") == "กองยุทธศาสตร์และงบประมาณ"  # wrapped in the cell
    want = _fields(parse_memo_file(NONG_RUEA))
    assert want["measures"][0]["owners"] == ["กองยุทธศาสตร์และงบประมาณ"]
    for path in (FORMATS / "nong-ruea-2567.docx", pdf):
        assert _fields(parse_memo_file(path)) == want, path.name


def test_a_pdf_copied_text_memo_with_pua_codes_and_lost_sara_am_parses_field_exact(tmp_path):
    text = NONG_RUEA.read_text(encoding="utf-8")
    copied = _pdf_copy(text)
    assert "\uf70b" in copied and "จัดทา" in copied and "สารวจ" in copied and "ตาบล" in copied
    for suffix in (".md", ".txt"):
        path = tmp_path / f"copied{suffix}"
        path.write_text(copied, encoding="utf-8")
        memo = parse_memo_file(path)
        assert _fields(memo) == _fields(parse_memo_file(NONG_RUEA)), suffix
    assert memo.measures[0].measure == "การส่งเสริมการใช้ทรัพย์สินของราชการอย่างถูกต้อง"


def test_a_lost_sara_am_is_restored_only_in_known_words():
    assert repair_copied("จัดทาคู่มือ สารวจ ดาเนินงาน ตาบล") == "จัดทำคู่มือ สำรวจ ดำเนินงาน ตำบล"
    assert repair_copied("ทาสี นาข้าว น้าชาย") == "ทาสี นาข้าว น้าชาย"  # words of their own: kept
    assert repair_copied("ข\uf70bอมูล") == "ข้อมูล"


def _chars_of(lines: list[tuple[str, float]], size: float = 16.0) -> list[tuple[str, float, float]]:
    """Characters of text lines (text, left x) as a PDF gives them, 0.5 em apart, a line every 1.2 em."""
    out = []
    for n, (text, x0) in enumerate(lines):
        out += [(ch, x0 + i * size / 2, 100 + n * size * 1.2) for i, ch in enumerate(text)]
    return out


def test_a_line_that_wrapped_before_a_long_word_continues_its_paragraph():
    """A line that stops short of the right edge ends its paragraph, unless the next line's first word would
    not have fitted there: then the line wrapped (``จังหวัด`` | ``ขอนแก่นใหม่``, ``อยู่ในระดับ`` | ``ผ่าน``)."""
    from itanb.memo.read_pdf import _paragraphs

    full = "ก" * 60
    wrapped = _chars_of([(full, 50), ("ส่วนราชการ จังหวัด" + "ข" * 30, 50), ("ขอนแก่นใหม่ ทดสอบ", 50)])
    assert len(_paragraphs(wrapped, 19.2)) == 1
    ended = _chars_of([(full, 50), ("ส่วนราชการ จังหวัด" + "ข" * 30, 50), ("ที่ ขก ๑๒", 50)])
    assert [len(p.lines) for p in _paragraphs(ended, 19.2)] == [2, 1]  # "ที่" would have fitted: ended
    sentence = _chars_of([(full, 50), ("ขอ" * 10, 50), ("ผลการประเมิน" * 4 + " ของ", 50)])
    assert len(_paragraphs(sentence, 19.2)) == 2  # a long unspaced run starts a sentence: no wrap
