"""itanb.thai: digits, Thai dates, BE/CE, fiscal year, normalisation for matching."""

from __future__ import annotations

import datetime as dt

import pytest

from itanb import thai
from itanb.errors import InputError


def test_digits_round_trip():
    assert thai.to_arabic_digits("๓๑ มี.ค. ๖๕ / 74.83 / ๗๔.๘๓") == "31 มี.ค. 65 / 74.83 / 74.83"
    assert thai.to_thai_digits("31 มีนาคม 2565") == "๓๑ มีนาคม ๒๕๖๕"
    assert thai.to_arabic_digits("ไม่มีตัวเลข") == "ไม่มีตัวเลข"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("๓๑ มี.ค. ๖๕", dt.date(2022, 3, 31)),  # the real memo's deadline
        ("31 มีนาคม 2565", dt.date(2022, 3, 31)),
        ("๓๑ มีนาคม ๒๕๖๕", dt.date(2022, 3, 31)),  # the real memo's date
        ("วันที่ ๓๑ มีนาคม ๒๕๖๕.....", dt.date(2022, 3, 31)),
        ("31 มี.ค 2565", dt.date(2022, 3, 31)),  # abbreviation missing its last dot: own month table
        ("31มี.ค.65", dt.date(2022, 3, 31)),
        ("1 ต.ค. 2566", dt.date(2023, 10, 1)),
        ("30 ก.ย. 2566", dt.date(2023, 9, 30)),
        ("29 ก.พ. 2567", dt.date(2024, 2, 29)),  # 2024 is a leap year
        ("5 ธันวาคม พ.ศ. 2566", dt.date(2023, 12, 5)),
        ("31 มีนาคม 2022", dt.date(2022, 3, 31)),  # a CE year
        ("31/03/2565", dt.date(2022, 3, 31)),
    ],
)
def test_parse_thai_date(text, expected):
    assert thai.parse_thai_date(text) == expected


@pytest.mark.parametrize(
    "text", ["ทุกไตรมาส", "29 ก.พ. 2566", "31 เมษายน 2566", "มีนาคม 2565", "ภายใน 31 มี.ค. 65"]
)
def test_parse_thai_date_rejects(text):
    with pytest.raises(ValueError, match="not a Thai date"):
        thai.parse_thai_date(text)


def test_find_thai_dates_in_text_marks_ce_years():
    found = thai.find_thai_dates("ระหว่าง ๑ ต.ค. ๖๕ - ๓๑ มี.ค. ๖๖ และ 1 มกราคม 2023")
    assert [d.date for d in found] == [dt.date(2022, 10, 1), dt.date(2023, 3, 31), dt.date(2023, 1, 1)]
    assert [d.ce for d in found] == [False, False, True]
    assert thai.search_thai_date("ไม่มีวันที่") is None


def test_every_day_round_trips_through_format():
    """An independent check: Python's calendar against format -> parse, in every display form."""
    day = dt.date(2019, 9, 25)
    while day < dt.date(2025, 1, 10):
        for thai_digits in (True, False):
            for abbreviated in (True, False):
                text = thai.format_thai_date(day, thai_digits, abbreviated=abbreviated)
                assert thai.parse_thai_date(text) == day, text
        day += dt.timedelta(days=3)


def test_format_thai_date():
    assert thai.format_thai_date(dt.date(2022, 3, 31)) == "๓๑ มีนาคม ๒๕๖๕"
    assert thai.format_thai_date(dt.date(2023, 10, 1), thai_digits=False) == "1 ตุลาคม 2566"
    assert thai.format_thai_date(dt.date(2023, 10, 1), False, abbreviated=True) == "1 ต.ค. 2566"


def test_be_ce_and_year_to_be():
    assert thai.be_to_ce(2565) == 2022
    assert thai.ce_to_be(2022) == 2565
    assert thai.year_to_be("๖๕") == (2565, False)
    assert thai.year_to_be(2566) == (2566, False)
    assert thai.year_to_be("2023") == (2566, True)


@pytest.mark.parametrize(
    ("date", "fy"),
    [
        (dt.date(2022, 3, 31), 2565),
        (dt.date(2023, 10, 1), 2567),
        (dt.date(2023, 9, 30), 2566),
        (dt.date(2022, 12, 31), 2566),
        (dt.date(2023, 1, 1), 2566),
    ],
)
def test_fiscal_year(date, fy):
    assert thai.fiscal_year(date) == fy


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("E – Service", "E-Service"),  # en dash with spaces vs hyphen
        ("หลักเกณฑ์การบริหารและพัฒนา ทรัพยากรบุคคล", "หลักเกณฑ์การบริหารและพัฒนาทรัพยากรบุคคล"),
        ("จัดทำมาให้", "จัดท\u0e4d\u0e32มาให้"),  # decomposed sara am
        ("น้ำ", "น\u0e49\u0e4d\u0e32"),  # ... with a tone mark before the nikhahit
        ("-มีแนวทางปฏิบัติ", "มีแนวทางปฏิบัติ"),  # a leading bullet
        ("ชัดเจน<br>-สร้างจิตสำนึก", "ชัดเจน -สร้างจิตสำนึก"),
        ("ตรวจ\u200bสอบ", "ตรวจสอบ"),  # zero-width space
        ("ข้อ ๑๒", "ข้อ 12"),
        ("One  stop\tservice", "one stop service"),
    ],
)
def test_normalize_for_matching_equates(a, b):
    assert thai.normalize_for_matching(a) == thai.normalize_for_matching(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("ขอขืม", "ขอยืม"), ("1-2", "12"), ("one stop", "onestop"), ("การใช้อำนาจ", "การใช้ทรัพย์สิน")],
)
def test_normalize_for_matching_keeps_differences(a, b):
    assert thai.normalize_for_matching(a) != thai.normalize_for_matching(b)


def test_normalize_keeps_inner_dashes_and_the_original():
    original = "  - E – Service ๑-๒ "
    assert thai.normalize_for_matching(original) == "e-service 1-2"
    assert original == "  - E – Service ๑-๒ "
    assert thai.normalize_for_matching("") == ""


def test_tidy_for_display():
    assert thai.tidy("ส่วนราชการ... สำนักปลัด  องค์การ<br>บริหาร.....") == "ส่วนราชการ สำนักปลัด องค์การ บริหาร"
    assert thai.tidy("จัดท\u0e4d\u0e32 ๓๑ มี.ค.") == "จัดท\u0e4d\u0e32 ๓๑ มี.ค."  # spelling, digits, one dot kept
    assert thai.tidy("") == ""


# --- decoding ----------------------------------------------------------------------------------------------

MEMO_LINE = "ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๕ ขององค์การบริหารส่วนตำบลโคกสะอาด ได้คะแนน ๗๔.๘๓ คะแนน\n"


def test_decode_utf8_with_and_without_bom():
    assert thai.decode_thai_text(MEMO_LINE.encode("utf-8"), where="m.md") == (MEMO_LINE, "utf-8")
    text, encoding = thai.decode_thai_text(b"\xef\xbb\xbf" + MEMO_LINE.encode("utf-8"), where="m.md")
    assert (text, encoding) == (MEMO_LINE, "utf-8-sig")  # the BOM is removed
    assert thai.decode_thai_text(b"agency,score\n", where="t.csv") == ("agency,score\n", "utf-8")
    assert thai.decode_thai_text(b"", where="t.csv") == ("", "utf-8")


def test_decode_cp874_thai():
    # Thai Windows text, with the typographic characters cp874 has (quotes, dashes, ellipsis, bullet, NBSP)
    line = "เรื่อง “รายงานผลการดำเนินการ” – มาตรการ ITA … \u00a0• ประกาศเจตจำนงสุจริต — น้ำ ๆ ฿\r\n"
    text = (line + MEMO_LINE) * 3
    data = text.encode("cp874")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    decoded = thai.decode_thai_text(data, where="m.txt")
    assert decoded == (text, "cp874")
    assert (decoded.text, decoded.encoding) == (text, "cp874")


def test_decode_cp874_tolerates_a_rare_typo():
    # one tone mark typed after a space in 100+ Thai characters is a typo, not another encoding
    text = MEMO_LINE * 2 + "ผู้รับผิดชอบ ่กองคลัง\n"
    assert thai.decode_thai_text(text.encode("cp874"), where="m.txt").encoding == "cp874"
    with pytest.raises(InputError, match="not plausible Thai"):
        thai.decode_thai_text("ผู้รับผิดชอบ ่กองคลัง\n".encode("cp874"), where="m.txt")  # but not in 20


@pytest.mark.parametrize(("data", "problem"), [
    # every Thai byte of cp874 in code order: marks and vowels out of place
    (bytes(b for b in range(0xA1, 0xFC) if not 0xDB <= b <= 0xDE), "and not plausible Thai when read as"),
    ("café,1\n".encode("latin-1"), "and not plausible Thai"),  # é is a tone mark after a Latin letter
    ("Réunion à Paris : année".encode("cp1252"), "and not plausible Thai"),
    ("año, información".encode("latin-1"), "and not plausible Thai"),  # ñ, ó are Thai digits inside words
    (b"\xfa\xfb\xfc\xfd\xfe", "nor cp874 (Thai Windows: byte 0xfc at offset 2 is undefined there)"),
    ("หน่วยงาน\n".encode() + "คะแนน\n".encode("cp874"), "not UTF-8 (byte 0xa4 at offset 25), nor cp874"),
    (b"ok\n\x1b[31m\xe0\xb8", "not UTF-8 (byte 0xe0 at offset 8)"),  # truncated UTF-8, no Thai in cp874
], ids=["thai-in-order", "latin-1", "cp1252", "latin-1-digits", "undefined-in-cp874", "mixed", "control"])
def test_decode_rejects_undecodable_bytes(data, problem):
    with pytest.raises(InputError) as caught:
        thai.decode_thai_text(data, where="raw/memos/x.md")
    err = caught.value
    assert err.source == "raw/memos/x.md"
    assert str(err).startswith("raw/memos/x.md: cannot decode: not UTF-8 (byte 0x")
    assert problem in err.message
    assert err.message.endswith("; save it as UTF-8")
    assert "\n" not in str(err)


def test_decode_error_offsets_count_the_bom():
    with pytest.raises(InputError, match=r"not UTF-8 \(byte 0xa1 at offset 5\)"):
        thai.decode_thai_text(b"\xef\xbb\xbfab\xa1", where="x")


@pytest.mark.parametrize("data", [
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00",  # an .xlsx (zip) saved as .csv
    MEMO_LINE.encode("utf-8") + b"\x00\x00" + MEMO_LINE.encode("utf-8"),
], ids=["zip", "nul-in-text"])
def test_decode_rejects_binary_nul_bytes(data):
    message = r"^x: cannot decode: binary file \(NUL bytes\), not text; expected UTF-8 or cp874 \(Thai W"
    with pytest.raises(InputError, match=message):
        thai.decode_thai_text(data, where="x")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_rejects_utf16(encoding):
    text = "agency,fiscal_year,score\nองค์การบริหารส่วนตำบลโคกสะอาด,2565,74.83\n"
    data = text.encode(encoding)
    if encoding == "utf-16":  # with a BOM
        message = r"^x: cannot decode: UTF-16 text; save it as UTF-8$"
    else:
        message = r"^x: cannot decode: looks like UTF-16 text without a byte-order mark; save it as UTF-8$"
    with pytest.raises(InputError, match=message):
        thai.decode_thai_text(data, where="x")
    with pytest.raises(InputError, match=r"UTF-16 text; save it as UTF-8"):
        thai.decode_thai_text(b"\xfe\xff" + text.encode("utf-16-be"), where="x")


def test_plausible_thai():
    assert thai.plausible_thai(MEMO_LINE)
    assert thai.plausible_thai("น้ำ น้ำ")  # the tone mark on the consonant
    assert thai.plausible_thai("น" + "ำ้" + "า" * 120)  # typed after sara am: a common order, accepted
    assert not thai.plausible_thai("")
    assert not thai.plausible_thai("๑๒๓ 74.83")  # digits only: no Thai consonant
    assert not thai.plausible_thai("เ")  # a leading vowel with no consonant after it
    assert not thai.plausible_thai("ก" * 10 + "\x1b")  # a control character
    assert not thai.plausible_thai("ITAของ")  # Thai touching Latin letters: fine only as a rare exception
    assert thai.plausible_thai("ITAของ " + "ก" * 200)


def test_thai_module_imports_no_later_module():
    """docs/design.md: paths, errors, findings, thai, grading, memo, scores…; thai imports none after it."""
    import ast
    from pathlib import Path

    files = Path(thai.__file__).parent.glob("*.py")  # the package's modules
    tree = ast.parse("\n".join(p.read_text(encoding="utf-8") for p in files))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    own = {m for m in imported if m.startswith("itanb")}
    assert {m for m in own if not m.startswith("itanb.thai.")} <= {"itanb.paths", "itanb.errors",
                                                                  "itanb.findings"}


def test_compose_sara_am():
    assert thai.compose_sara_am("น\u0e4d\u0e49\u0e32 จัดท\u0e4d\u0e32 น\u0e49\u0e4d\u0e32") == "น้ำ จัดทำ น้ำ"
    assert thai.compose_sara_am("น้ำ") == "น้ำ"


def test_sara_am_restorer_gives_back_only_the_words_it_knows():
    from itanb.thai import sara_am_restorer

    restore = sara_am_restorer(["ตำบล", "อำเภอ", "ลำปาง", "บ้าน"])
    assert restore("เทศบาลตาบลท่าน้า อาเภอเมืองลาปาง") == "เทศบาลตำบลท่าน้า อำเภอเมืองลำปาง"  # ท่าน้า unknown
    assert restore("บ้านนา") == "บ้านนา"  # a word without sara am is never a target
    assert sara_am_restorer([])("ตาบล") == "ตาบล"
