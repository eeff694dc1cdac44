"""Score tables: headers, encodings, Thai digits, CE years, validation errors that name file and row."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from itanb.errors import InputError
from itanb.scores import canonical_header, decode_bytes, read_scores, read_scores_file
from itanb.thai import decode_thai_text

FIXTURES = Path(__file__).parent / "fixtures" / "scores"
BAD = FIXTURES / "bad"
H = "agency,fiscal_year,score\n"


def table(tmp_path: Path, text: str | bytes, name: str = "t.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return read_scores_file(path, file=f"scores/{name}")


def test_english_headers_and_source_column():
    t = read_scores_file(FIXTURES / "valid-english.csv", file="scores/valid-english.csv")
    first, second, third = t.rows
    assert (first.agency, first.fiscal_year, first.score, first.level_reported) == \
        ("อบต.โคกสะอาด", 2563, Decimal("70.12"), "C")
    assert first.source == "scores/valid-english.csv:2"  # no source cell: file and line
    assert second.source == "https://example.org/ita-2565"
    assert third.fiscal_year == 2564  # 2021 CE
    assert [(f.code, f.line, f.fiscal_year) for f in t.findings] == [("ce_year", 4, 2564)]
    assert t.finding_agencies == ["จังหวัดกาญจนบุรี"]


def test_thai_headers_bom_spaces_thai_digits_and_tools():
    t = read_scores_file(FIXTURES / "valid-thai-headers-bom.csv")
    a, b = t.rows
    assert (a.agency, a.fiscal_year, a.score, a.level_reported) == ("ทต.บ้านใหม่", 2564, Decimal("88.50"), "A")
    assert (a.iit, a.eit, a.oit) == (Decimal("90.10"), Decimal("85.00"), Decimal("89.33"))
    assert (b.score, b.iit) == (Decimal("54.99"), None)
    assert not t.findings


def test_cp874_csv_is_read_correctly():
    raw = (FIXTURES / "valid-cp874.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    t = read_scores_file(FIXTURES / "valid-cp874.csv")
    assert [(r.agency, r.fiscal_year, r.score, r.level_reported) for r in t.rows] == [
        ("องค์การบริหารส่วนจังหวัดกาฬสินธุ์", 2565, Decimal("84.99"), "B"),
        ("อบต. โคกสะอาด", 2564, Decimal("74.83"), "E"),
    ]
    assert t.rows[0].line == 2 and t.rows[1].line == 3


def test_xlsx_with_float_year_ce_and_trailing_empty_column():
    t = read_scores_file(FIXTURES / "valid.xlsx", file="scores/valid.xlsx")
    assert [(r.agency, r.fiscal_year, r.score, r.source) for r in t.rows] == [
        ("อบต.โคกสะอาด", 2565, Decimal("86.00"), "scores/valid.xlsx:2"),
        ("จังหวัดนราธิวาส", 2565, Decimal("74.57"), "scores/valid.xlsx:3"),
    ]
    assert [f.code for f in t.findings] == ["ce_year"]


def test_xlsx_scores_keep_two_decimals_exactly(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["agency", "fiscal_year", "score"])
    wb.active.append(["อบต.ก", 2565, 84.99])
    wb.active.append(["อบต.ข", 2565, 85])
    buf = io.BytesIO()
    wb.save(buf)
    t = table(tmp_path, buf.getvalue(), "x.xlsx")
    assert [r.score for r in t.rows] == [Decimal("84.99"), Decimal("85.00")]


@pytest.mark.parametrize("header", ["Agency", " AGENCY ", "\ufeffagency", "หน่วยงาน", "หน่วย งาน"])
def test_header_spellings(header):
    assert canonical_header(header) == "agency"


def test_same_score_twice_is_kept_once_with_a_finding(tmp_path):
    t = table(tmp_path, H + "อบต.โคกสะอาด,2565,80\nอบต. โคกสะอาด,2565,80.00\n")
    assert len(t.rows) == 1
    assert [(f.code, f.line) for f in t.findings] == [("duplicate_assessment", 3)]


def test_duplicates_across_files(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(H + "อบต.โคกสะอาด,2565,80\n", encoding="utf-8")
    b.write_text(H + "อบต.โคกสะอาด,2565,80\n", encoding="utf-8")
    merged = read_scores([(a, "scores/a.csv"), (b, "scores/b.csv")])
    assert len(merged.rows) == 1 and merged.findings[0].source == "scores/b.csv"
    b.write_text(H + "อบต.โคกสะอาด,2565,81\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"scores/b\.csv:2: .*81\.00.*80\.00 at scores/a\.csv:2"):
        read_scores([(a, "scores/a.csv"), (b, "scores/b.csv")])


@pytest.mark.parametrize(("name", "pattern"), [
    ("score-120.csv", r"score-120\.csv:2: score 120 is outside 0–100"),
    ("score-abc.csv", r":2: score 'abc' is not a number"),
    ("score-comma-decimal.csv", r":2: score '74,83' is not a number"),
    ("iit-not-a-number.csv", r":2: iit: "),
    ("unknown-column.csv", r":1: unknown column 'province'; required: agency, fiscal_year, score.*found: "),
    ("missing-score-column.csv", r":1: missing required column score"),
    ("duplicate-different-scores.csv", r":3: .*81\.00.*80\.00 at .*duplicate-different-scores\.csv:2"),
    ("empty.csv", r"empty\.csv: empty table"),
    ("header-only.csv", r"empty table: a header but no rows"),
    ("year-not-integer.csv", r":2: fiscal_year '2565\.5' is not an integer"),
    ("year-out-of-range.csv", r":2: fiscal_year 25650 is outside"),
    ("extra-cells.csv", r":2: a value in column 4, which has no header"),
    ("cp874-garbage.csv", r"cannot decode"),
    ("utf16.csv", r"cannot decode"),
    ("not-xlsx.xlsx", r"not-xlsx\.xlsx: not a readable \.xlsx"),
    ("xlsx-score-150.xlsx", r"xlsx-score-150\.xlsx:2: score 150"),
    ("xlsx-unknown-column.xlsx", r":1: unknown column 'หมายเหตุ'"),
])
def test_bad_tables(name, pattern):
    with pytest.raises(InputError, match=pattern):
        read_scores_file(BAD / name)


def test_every_bad_fixture_is_rejected():
    for path in sorted(BAD.iterdir()):
        with pytest.raises(InputError) as info:
            read_scores_file(path)
        assert path.name in str(info.value)


def test_decoding_is_strict():
    thai = "หน่วยงาน,คะแนน\nองค์การบริหารส่วนตำบลโคกสะอาด,74.83\n"
    assert decode_bytes(thai.encode("utf-8"), where="x") == thai
    assert decode_bytes(b"\xef\xbb\xbf" + thai.encode("utf-8"), where="x") == thai
    assert decode_bytes(thai.encode("cp874"), where="x") == thai
    with pytest.raises(InputError, match="cannot decode"):
        decode_bytes(bytes(range(0xA1, 0xFB)), where="x")  # every Thai byte in code order: not text
    with pytest.raises(InputError, match="cannot decode"):
        decode_bytes("café,1\n".encode("latin-1"), where="x")  # latin-1, not Thai


def test_decode_bytes_is_the_shared_thai_decoder():
    data = "หน่วยงาน,คะแนน\nอบต.โคกสะอาด,74.83\n".encode("cp874")
    assert decode_bytes(data, where="t.csv") == decode_thai_text(data, where="t.csv").text
    for bad in (b"\xff\xfea\x00", b"a\x00b", "café".encode("latin-1")):
        with pytest.raises(InputError) as ours:
            decode_bytes(bad, where="t.csv")
        with pytest.raises(InputError) as shared:
            decode_thai_text(bad, where="t.csv")
        assert str(ours.value) == str(shared.value)


def test_unsupported_suffix(tmp_path):
    with pytest.raises(InputError, match=r"unsupported score table type \.xls"):
        table(tmp_path, "x", "t.xls")
