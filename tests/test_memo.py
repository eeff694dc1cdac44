"""itanb.memo: the real memo, fictional variants (fixtures/memos) and bad files (fixtures/bad_memos)."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from itanb import paths
from itanb.errors import InputError
from itanb.memo import ParsedMemo, parse_memo, parse_memo_bytes, parse_memo_file, split_owners
from itanb.thai import to_arabic_digits

REAL = paths.PROJ_ROOT / "data" / "raw" / "memos" / "khoksaat-ita-measures-memo-2565.md"
FIXTURES = Path(__file__).parent / "fixtures"
MEMOS = FIXTURES / "memos"
BAD = FIXTURES / "bad_memos"
FICTIONAL = "ข้อมูลสมมุติสำหรับทดสอบ (fictional test data)"


def codes(memo: ParsedMemo) -> list[str]:
    return [f.code for f in memo.findings]


def findings(memo: ParsedMemo, code: str):
    return [f for f in memo.findings if f.code == code]


def line_containing(path: Path, needle: str, start: int = 0) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(n for n, text in enumerate(lines, start=1) if n > start and needle in text)


def summary(memo: ParsedMemo) -> tuple:
    """What must not change between layouts of the same memo (due_text and lines may)."""
    a = memo.assessment
    return (
        memo.agency, memo.district, memo.province, memo.memo_date, memo.fiscal_year,
        None if a is None else (a.fiscal_year, a.score, a.level_reported, a.level),
        [(m.no, m.measure, m.steps, m.owners, m.due, m.status) for m in memo.measures],
        sorted(codes(memo)),
    )


@pytest.fixture(scope="module")
def real() -> ParsedMemo:
    return parse_memo_file(REAL)


# ---------------------------------------------------------------------------------------------- the real memo


def test_real_memo_header_and_assessment(real):
    assert real.source == str(REAL)
    assert real.agency == "องค์การบริหารส่วนตำบลโคกสะอาด"
    assert real.memo_date == dt.date(2022, 3, 31)
    assert real.fiscal_year == 2565
    assert real.province == "กาฬสินธุ์"
    assert real.district == "เมืองชัย"  # two mentions against one; the conflict is a finding
    a = real.assessment
    assert (a.fiscal_year, a.score, a.level_reported, a.level) == (2564, Decimal("74.83"), "E", "C")


def test_real_memo_measures(real):
    assert len(real.measures) == 12
    assert [m.no for m in real.measures] == list(range(1, 13))
    assert all(m.status == "done" for m in real.measures)
    assert all(m.due == dt.date(2022, 3, 31) and m.due_text == "๓๑ มี.ค. ๖๕" for m in real.measures)
    assert real.measures[0].owners == ["สำนักปลัด", "กองคลัง"]
    assert real.measures[0].measure == "-มีแนวทางปฏิบัติเกี่ยวกับการใช้ทรัพย์สินของราชการที่ถูกต้อง"
    assert real.measures[9].owners == ["สำนักปลัด", "กองคลัง", "กองช่าง", "กองการศึกษาฯ"]
    assert real.measures[8].measure == "E – Service"
    # plan-table order and lines, across the three plan tables of the split table
    assert real.measures[3].measure.startswith("การจัดทำประกาศข้อปฏิบัติในการขอใช้")
    assert real.measures[3].line == line_containing(REAL, "การจัดทำประกาศข้อปฏิบัติในการขอใช้")
    assert real.measures[11].measure == "การเผยแพร่ข้อมูลข่าวสาร"
    assert all(m.match_similarity is not None and m.match_similarity >= 70 for m in real.measures)
    assert real.measures[3].match_similarity < 100  # ขอขืม vs ขอใช้


def test_real_memo_findings(real):
    assert sorted(set(codes(real))) == [
        "fuzzy_match", "level_mismatch", "location_conflict", "status_header_repaired"]
    for f in real.findings:
        assert f.source == str(REAL)
        assert f.message  # Thai, for an analyst

    (mismatch,) = findings(real, "level_mismatch")
    assert mismatch.message == "ระดับที่รายงาน E ไม่ตรงกับระดับที่คำนวณได้ C จากคะแนน 74.83 (ปีงบประมาณ พ.ศ. 2564)"
    assert mismatch.line == real.assessment.line == line_containing(REAL, "๗๔.๘๓")
    assert mismatch.fiscal_year == 2564

    (conflict,) = findings(real, "location_conflict")
    assert "เมืองชัย" in conflict.message and "ฆ้องชัย" in conflict.message
    assert conflict.line == line_containing(REAL, "อำเภอฆ้องชัย")
    assert f"อำเภอเมืองชัย: บรรทัด {line_containing(REAL, 'อำเภอเมืองชัย')}" in conflict.places

    repaired = findings(real, "status_header_repaired")
    first = line_containing(REAL, "| ยังไม่ดำเนินงาน    | ยังไม่ดำเนินงาน |")
    assert [f.line for f in repaired] == [first, line_containing(REAL, "ยังไม่ดำเนินงาน |", first)]

    (fuzzy,) = findings(real, "fuzzy_match")
    assert "ขอขืม" in fuzzy.message and "ขอใช้" in fuzzy.message
    assert fuzzy.line == line_containing(REAL, "ขอขืม")


def test_real_memo_json(real):
    d = real.to_json_dict()
    text = json.dumps(d, ensure_ascii=False)
    assert "องค์การบริหารส่วนตำบลโคกสะอาด" in text
    assert set(d) == {"agency", "district", "province", "memo_date", "fiscal_year", "assessment", "measures",
                      "findings"}
    assert d["memo_date"] == "2022-03-31"
    assert d["assessment"] == {"fiscal_year": 2564, "score": 74.83, "level_reported": "E", "level": "C"}
    assert set(d["measures"][0]) == {"no", "measure", "steps", "owners", "due", "due_text", "status"}
    assert d["measures"][0]["due"] == "2022-03-31"
    assert set(d["findings"][0]) == {"code", "message", "source"}
    assert set(d["findings"][0]["source"]) == {"file", "line", "places"}
    assert json.loads(text) == d


def test_real_memo_parses_the_same_every_time():
    """Parsing holds no state between memos (its speed is in ``itanb bench --memos``, not here)."""
    assert parse_memo_file(REAL) == parse_memo_file(REAL)


# ------------------------------------------------------------------------ the real memo in other layouts


def _real_text() -> str:
    return REAL.read_text(encoding="utf-8")


def _rewrite_tables(text: str, fn) -> str:
    """Apply ``fn(cells, kind) -> cells`` to every pipe row; kind is 'plan' or 'status' (by header)."""
    out, kind = [], None
    for line in text.split("\n"):
        if not line.startswith("|"):
            kind = None
            out.append(line)
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if kind is None:
            kind = "plan" if "ผู้รับผิดชอบ" in line else "status"
        out.append("| " + " | ".join(fn(cells, kind)) + " |")
    return "\n".join(out)


def test_arabic_digits_parse_the_same(real):
    arabic = parse_memo(to_arabic_digits(_real_text()), "arabic.md")
    assert summary(arabic) == summary(real)
    assert arabic.measures[0].due_text == "31 มี.ค. 65"


@pytest.mark.parametrize("mark", ["✓", "✔", "x", "X", "●", "*", "ทำแล้ว"])
def test_other_marks_parse_the_same(real, mark):
    text = _rewrite_tables(_real_text(), lambda c, k: [mark if x == "/" else x for x in c])
    assert summary(parse_memo(text, "marks.md")) == summary(real)


def test_plan_columns_in_another_order_parse_the_same(real):
    text = _rewrite_tables(_real_text(), lambda c, k: [c[3], c[2], c[0], c[1]] if k == "plan" else c)
    assert "| การกำกับติดตาม | ผู้รับผิดชอบ | มาตรการ |" in text
    assert summary(parse_memo(text, "reordered.md")) == summary(real)


def test_plain_text_pipe_tables_parse_the_same(real):
    """A .txt memo: tables without the outer pipes, CRLF line ends, a BOM."""
    lines = []
    for line in _real_text().split("\n"):
        lines.append(line.strip()[1:-1] if line.startswith("|") else line)
    text = "\ufeff" + "\r\n".join(lines)
    assert summary(parse_memo(text, "plain.txt")) == summary(real)


def test_status_rows_in_another_order_match_the_same_plan_rows(real):
    text = _real_text()
    a = "| การใช้อำนาจหน้าที่      | สร้างการรับรู้ของบุคลากรภายใน หน่วยงานต่อการใช้อำนาจของ"
    lines = text.split("\n")
    i = next(n for n, x in enumerate(lines) if x.startswith(a))
    lines[i], lines[i + 1] = lines[i + 1], lines[i]
    assert summary(parse_memo("\n".join(lines), "swapped.md")) == summary(real)


def test_a_changed_status_lands_on_the_right_measure():
    lines = _real_text().split("\n")
    i = next(n for n, x in enumerate(lines)
             if x.startswith("| E – Service") and x.rstrip().endswith("/               |"))
    lines[i] = lines[i].replace("|                    |                 | /               |",
                                "| /                  |                 |                 |")
    memo = parse_memo("\n".join(lines), "changed.md")
    assert [m.no for m in memo.measures if m.status != "done"] == [9]
    assert memo.measures[8].status == "not_started"


# ---------------------------------------------------------------------------------------- fictional memos


def test_every_fixture_says_it_is_fictional():
    for path in [*MEMOS.iterdir(), *BAD.iterdir()]:
        data = path.read_bytes()
        if path.name.startswith(("binary", "empty", "whitespace", "utf16", "windows1252")):
            continue
        assert FICTIONAL.encode("utf-8") in data, path.name
    assert b"(fictional test data)" in (BAD / "windows1252-encoded.md").read_bytes()


def test_tessaban_arabic_digits_checkmarks_column_order():
    memo = parse_memo_file(MEMOS / "tessaban-tambon-arabic-2566.md")
    assert memo.agency == "เทศบาลตำบลตัวอย่าง"
    assert (memo.district, memo.province) == ("สมมุติ", "ทดสอบ")
    assert memo.memo_date == dt.date(2023, 6, 15)
    assert memo.fiscal_year == 2566
    a = memo.assessment
    assert (a.fiscal_year, a.score, a.level_reported, a.level) == (2565, Decimal("86.50"), "A", "A")
    assert [m.measure for m in memo.measures] == [
        "การเปิดเผยข้อมูลการจัดซื้อจัดจ้าง", "การป้องกันผลประโยชน์ทับซ้อน", "การรับเรื่องร้องเรียนการทุจริต",
        "การประชาสัมพันธ์ผลการดำเนินงาน", "การจัดทำคู่มือการปฏิบัติงานด้านพัสดุ"]
    assert [m.status for m in memo.measures] == ["in_progress", "done", "not_started", None, "in_progress"]
    assert [m.owners for m in memo.measures] == [
        ["กองคลัง", "กองช่าง"], ["กองการศึกษา ศาสนาและวัฒนธรรม"],
        ["สำนักปลัด", "กองสาธารณสุขและสิ่งแวดล้อม"], ["งานประชาสัมพันธ์"], []]
    assert [m.due for m in memo.measures] == [
        dt.date(2023, 9, 30), None, dt.date(2023, 3, 31), dt.date(2023, 6, 30), None]
    assert memo.measures[1].due_text == "ทุกไตรมาส"
    assert memo.measures[0].match_similarity < 100  # จัดชื้อ (typo) vs จัดซื้อ
    assert memo.measures[3].match_similarity is None
    assert sorted(codes(memo)) == ["fuzzy_match", "unmatched_plan_row", "unmatched_status_row"]
    (unmatched,) = findings(memo, "unmatched_status_row")
    assert unmatched.line == memo.measures[4].line == line_containing(
        MEMOS / "tessaban-tambon-arabic-2566.md", "| การจัดทำคู่มือการปฏิบัติงานด้านพัสดุ")
    assert findings(memo, "unmatched_plan_row")[0].line == memo.measures[3].line


def test_obj_plain_text_no_score_subject_year():
    memo = parse_memo_file(MEMOS / "obj-no-score-2566.txt")
    assert memo.agency == "องค์การบริหารส่วนจังหวัดสมมุติ"  # "อบจ.สมมุติ" written in full
    assert memo.district is None
    assert memo.province == "สมมุติ"
    assert memo.memo_date == dt.date(2023, 10, 5)  # in FY2567 ...
    assert memo.fiscal_year == 2566  # ... but the subject names FY2566
    assert memo.assessment is None
    assert codes(memo) == ["no_assessment"]
    assert [(m.status, m.due, m.due_text) for m in memo.measures] == [
        ("done", dt.date(2023, 9, 30), "๓๐ ก.ย. ๖๖"), ("in_progress", None, "ตลอดปีงบประมาณ")]
    assert memo.measures[1].owners == ["กองพัสดุและทรัพย์สิน", "กองช่าง"]
    assert memo.measures[0].owners == ["กองยุทธศาสตร์และงบประมาณ"]


def test_abbreviated_agency_thai_digits_marks_and_conflicts():
    path = MEMOS / "abbrev-thai-digits-2566.md"
    memo = parse_memo_file(path)
    assert memo.agency == "องค์การบริหารส่วนตำบลทดลอง"
    assert memo.memo_date == dt.date(2023, 3, 20)
    assert memo.fiscal_year == 2566
    assert memo.province == "ทดสอบ"
    a = memo.assessment
    assert (a.score, a.level_reported, a.level) == (Decimal("90.12"), "AA", "A")
    assert [m.status for m in memo.measures] == ["done", None, "done"]  # two marks: the most advanced
    assert memo.measures[0].due == dt.date(2023, 3, 31)  # the end of "๑ ต.ค. ๖๕ - ๓๑ มี.ค. ๖๖"
    assert memo.measures[0].owners == ["สำนักปลัด", "กองคลัง"]  # "๑. สำนักปลัด ๒. กองคลัง"
    assert memo.measures[1].owners == ["หัวหน้าสำนักปลัด"]
    assert memo.measures[1].match_similarity == 100  # decomposed sara am, E-Service vs E – Service
    assert sorted(codes(memo)) == ["level_mismatch", "location_conflict", "missing_status", "multiple_status"]
    assert "ทดลองสอบ" in findings(memo, "location_conflict")[0].message
    assert findings(memo, "missing_status")[0].line == line_containing(path, "| การนำระบบ E – Service")
    assert findings(memo, "multiple_status")[0].line == line_containing(path, "| ● | ● |")


def test_tessaban_mueang_permuted_status_header_and_continued_table():
    memo = parse_memo_file(MEMOS / "tessaban-mueang-2568.md")
    assert memo.agency == "เทศบาลเมืองตัวอย่าง"
    assert memo.memo_date == dt.date(2024, 12, 10)
    assert memo.fiscal_year == 2568  # December belongs to the next fiscal year
    a = memo.assessment
    # FY2567: 87.25 alone may be ผ่านดี or ผ่าน (the tool scores decide): no level is claimed, no mismatch
    assert (a.fiscal_year, a.score, a.level_reported, a.level) == (2567, Decimal("87.25"), "ผ่านดี", None)
    assert [m.measure for m in memo.measures] == [
        "การเสริมสร้างวัฒนธรรมองค์กร", "การบริหารความเสี่ยงการทุจริต", "การควบคุมภายใน", "การเปิดเผยงบประมาณ"]
    # the header names the statuses in reverse order and is followed
    assert [m.status for m in memo.measures] == ["done", "in_progress", "not_started", "done"]
    assert memo.findings == []


def test_combined_table_ce_year_and_pass_fail():
    memo = parse_memo_file(MEMOS / "combined-ce-2567.md")
    assert memo.agency == "เทศบาลตำบลตัวอย่างใหม่"
    assert (memo.district, memo.province) == ("สมมุติ", "ทดสอบ")  # "อ.สมมุติ จ.ทดสอบ"
    assert memo.memo_date == dt.date(2024, 3, 31)
    assert memo.fiscal_year == 2567
    a = memo.assessment
    assert (a.fiscal_year, a.score, a.level_reported, a.level) == (2566, Decimal("80.00"), "ผ่าน", "ต้องปรับปรุง")
    assert [m.status for m in memo.measures] == ["done", "done", "in_progress", None]
    assert memo.measures[0].steps == "ประกาศประมวลจริยธรรม อบรมบุคลากรเรื่องประมวลจริยธรรม"  # continuation row
    assert memo.measures[2].steps == "สำรวจความพึงพอใจผู้รับบริการ สรุปผลและปรับปรุง"
    assert memo.measures[3].steps == "รับและติดตามเรื่อง ร้องเรียนทุกช่องทาง"  # a cell broken over two lines
    assert memo.measures[1].owners == ["นายกเทศมนตรี", "ปลัดเทศบาล"]
    assert sorted(codes(memo)) == ["ce_year", "level_mismatch", "missing_status"]


def test_every_good_fixture_is_tested_and_serialises():
    tested = {"tessaban-tambon-arabic-2566.md", "obj-no-score-2566.txt", "abbrev-thai-digits-2566.md",
              "tessaban-mueang-2568.md", "combined-ce-2567.md"}
    assert {p.name for p in MEMOS.iterdir()} == tested
    for name in tested:
        memo = parse_memo_file(MEMOS / name, source=f"memos/{name}")
        assert memo.source == f"memos/{name}"
        assert all(f.source == f"memos/{name}" for f in memo.findings)
        json.dumps(memo.to_json_dict(), ensure_ascii=False)


# ------------------------------------------------------------------------------ cp874 (Thai Windows) memos

# cp874 has no ✓ or ●: an analyst typing on Thai Windows writes / and •
CP874_SPELLING = str.maketrans({"✓": "/", "●": "•"})


@pytest.mark.parametrize("path", [REAL, *sorted(MEMOS.iterdir())], ids=lambda p: p.name)
def test_cp874_memo_parses_like_its_utf8_twin(path, tmp_path):
    text = path.read_text(encoding="utf-8").translate(CP874_SPELLING)
    utf8, cp874 = tmp_path / f"utf8{path.suffix}", tmp_path / f"cp874{path.suffix}"
    utf8.write_bytes(text.encode("utf-8"))
    cp874.write_bytes(text.encode("cp874"))
    with pytest.raises(UnicodeDecodeError):
        cp874.read_bytes().decode("utf-8")
    src = f"memos/{path.name}"
    twin = parse_memo_file(utf8, source=src)
    memo = parse_memo_file(cp874, source=src)
    assert memo == twin  # agency, header, assessment, measures, statuses, findings, lines: all of it
    assert memo.to_json_dict() == twin.to_json_dict()
    assert memo.measures
    if text == path.read_text(encoding="utf-8"):
        assert memo == parse_memo_file(path, source=src)


def test_cp874_txt_memo_with_windows_line_ends(tmp_path):
    """A .txt memo saved by Notepad on Thai Windows: cp874 with CRLF line ends."""
    path = MEMOS / "obj-no-score-2566.txt"
    text = path.read_text(encoding="utf-8")
    saved = tmp_path / "memo.txt"
    saved.write_bytes(text.replace("\n", "\r\n").encode("cp874"))
    assert summary(parse_memo_file(saved)) == summary(parse_memo_file(path))


# -------------------------------------------------------------------------------------------- bad memos

BAD_MEMOS = {
    "empty.md": "empty file",
    "whitespace-only.md": "empty file",
    "not-a-memo.md": "not a memo",
    "score-table.csv": "not a memo",
    "header-only.md": "no measure tables",
    "no-tables-body-only.txt": "no measure tables",
    "no-agency.md": "no agency name",
    "truncated-mid-row.md": "truncated memo: table row cut off",
    "truncated-after-table-header.md": "truncated memo: the last table has a header and no rows",
    "utf16-encoded.md": "cannot decode: UTF-16 text; save it as UTF-8",
    "binary-garbage.md": "cannot decode: binary file (NUL bytes)",
    "binary-no-nul.md": "cannot decode: not UTF-8 (byte 0xfa at offset 2), nor cp874",
    # a UTF-8 memo with one table row pasted from a cp874 file: neither encoding reads all of it
    "mixed-utf8-and-cp874.md": "cannot decode: not UTF-8 (byte 0xa1 at offset 2123), nor cp874",
    # Windows-1252 (French): valid cp874 bytes, but é, à, ç become Thai marks and vowels inside Latin words
    "windows1252-encoded.md": "cannot decode: not UTF-8 (byte 0xe9 at offset 3), and not plausible Thai",
    "score-over-100.md": "score ๑๒๐.๕๐ คะแนน is outside 0–100",
    "two-status-columns.md": "status table has 2 status column(s); expected 3",
    "status-free-text.md": "status table has 1 status column(s); expected 3",
}


def test_every_bad_memo_is_tested():
    assert {p.name for p in BAD.iterdir()} == set(BAD_MEMOS)


@pytest.mark.parametrize(("name", "problem"), sorted(BAD_MEMOS.items()))
def test_bad_memo_raises_input_error(name, problem):
    path = BAD / name
    with pytest.raises(InputError) as caught:
        parse_memo_file(path)
    err = caught.value
    assert err.source == str(path)
    assert str(err).startswith(str(path))
    assert problem in err.message
    assert "\n" not in str(err)


def test_bad_memo_errors_say_where():
    mixed = BAD / "mixed-utf8-and-cp874.md"
    with pytest.raises(InputError, match="save it as UTF-8"):
        parse_memo_file(mixed)
    assert mixed.read_bytes()[2123:2126] == "การ".encode("cp874")  # the first byte of the pasted cp874 row
    with pytest.raises(InputError) as caught:
        parse_memo_file(BAD / "score-over-100.md")
    assert caught.value.line == line_containing(BAD / "score-over-100.md", "๑๒๐.๕๐")
    with pytest.raises(InputError) as caught:
        parse_memo_file(BAD / "truncated-mid-row.md")
    assert caught.value.line == line_containing(BAD / "truncated-mid-row.md", "| กองคลัง, กองช่าง")
    with pytest.raises(InputError) as caught:
        parse_memo_file(BAD / "two-status-columns.md")
    header = "| ยังไม่ดำเนินการ | ดำเนินการแล้ว |"
    assert caught.value.line == line_containing(BAD / "two-status-columns.md", header)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read memo"):
        parse_memo_file(tmp_path / "nope.md")


# ---------------------------------------------------------------------------------------------- owners


@pytest.mark.parametrize(
    ("cell", "owners"),
    [
        ("สำนักปลัด<br>กองคลัง<br>กองช่าง กอง<br>การศึกษาฯ", ["สำนักปลัด", "กองคลัง", "กองช่าง", "กองการศึกษาฯ"]),
        ("สำนักปลัด<br/>กองคลัง", ["สำนักปลัด", "กองคลัง"]),
        ("สำนักปลัด\nกองคลัง", ["สำนักปลัด", "กองคลัง"]),
        ("กองคลัง, กองช่าง", ["กองคลัง", "กองช่าง"]),
        ("สำนักปลัดและกองคลัง", ["สำนักปลัด", "กองคลัง"]),
        ("สำนักปลัด และ กองคลัง", ["สำนักปลัด", "กองคลัง"]),
        ("กองการศึกษา ศาสนาและวัฒนธรรม", ["กองการศึกษา ศาสนาและวัฒนธรรม"]),
        ("กองการศึกษา ศาสนา<br>และวัฒนธรรม", ["กองการศึกษา ศาสนาและวัฒนธรรม"]),
        ("1. สำนักปลัด 2. กองคลัง", ["สำนักปลัด", "กองคลัง"]),
        ("- ปลัด อบต.<br>- หัวหน้า สำนักปลัด", ["ปลัด อบต.", "หัวหน้าสำนักปลัด"]),
        ("สำนักปลัด<br>สำนักปลัด", ["สำนักปลัด"]),
        ("", []),
    ],
)
def test_split_owners(cell, owners):
    assert split_owners(cell) == owners


# ---------------------------------------------------------------------------------------- small memos

HEADER = f"""# บันทึกข้อความ

{FICTIONAL}

ส่วนราชการ สำนักปลัด ทน.ตัวอย่าง

ที่ ตย 1/2566 วันที่ 1 มีนาคม 2566

เรื่อง รายงานผล
"""


def test_only_a_plan_table_gives_measures_without_status():
    text = HEADER + """
| มาตรการ | ขั้นตอนหรือวิธีการปฏิบัติ | ผู้รับผิดชอบ | การกำกับติดตาม |
|---|---|---|---|
| ก | ข | กองคลัง | 31 มี.ค. 66 |
"""
    memo = parse_memo(text, "plan-only.md")
    assert memo.agency == "เทศบาลนครตัวอย่าง"
    assert [(m.measure, m.status) for m in memo.measures] == [("ก", None)]
    assert codes(memo) == ["no_assessment", "unmatched_plan_row"]


def test_only_a_status_table_gives_measures_from_its_rows():
    text = HEADER + """
| มาตรการ | ขั้นตอน | ยังไม่ดำเนินงาน | อยู่ระหว่างดำเนินงาน | ดำเนินงานเสร็จแล้ว |
|---|---|---|---|---|
| ก | ข | | / | |
| ค | ง | / | / | |
"""
    memo = parse_memo(text, "status-only.md")
    assert [(m.no, m.measure, m.status, m.owners) for m in memo.measures] == [
        (1, "ก", "in_progress", []), (2, "ค", "in_progress", [])]
    assert sorted(codes(memo)) == ["multiple_status", "no_assessment", "unmatched_status_row"]


def test_score_in_fy2561_has_no_computable_level():
    text = HEADER + """
ผลการประเมินประจำปีงบประมาณ พ.ศ. 2561 ได้คะแนน 81.20 คะแนน อยู่ในระดับ สูง

| มาตรการ | ขั้นตอนหรือวิธีการปฏิบัติ | ผู้รับผิดชอบ | การกำกับติดตาม |
|---|---|---|---|
| ก | ข | กองคลัง | 31 มี.ค. 66 |
"""
    a = parse_memo(text, "fy2561.md").assessment
    assert (a.fiscal_year, a.score, a.level_reported, a.level) == (2561, Decimal("81.20"), "สูง", None)
    assert "unknown_level_scheme" in codes(parse_memo(text, "fy2561.md"))


def test_agency_from_the_body_when_the_header_lacks_it():
    text = f"""# บันทึกข้อความ

{FICTIONAL}

ที่ ตย 1/2566 วันที่ 1 มีนาคม 2566

เรื่อง รายงานผล

ปลัดองค์การบริหารส่วนตำบล ปฏิบัติหน้าที่ นายกองค์การบริหารส่วนตำบลในเมืองสมมุติ

(ลงชื่อ) ปลัดองค์การบริหารส่วนตำบลในเมืองสมมุติ ในจังหวัดที่ตั้ง จังหวัดทดสอบ

| มาตรการ | ขั้นตอนหรือวิธีการปฏิบัติ | ผู้รับผิดชอบ | การกำกับติดตาม |
|---|---|---|---|
| ก | ข | กองคลัง | 31 มี.ค. 66 |
"""
    memo = parse_memo(text, "signature.md")
    assert memo.agency == "องค์การบริหารส่วนตำบลในเมืองสมมุติ"
    assert memo.province == "ทดสอบ"
    assert "location_conflict" not in codes(memo)


def test_check_boxes_and_a_header_repeated_inside_a_table():
    """A status table of check boxes (☒ ticked, ☐ not: an empty box is no mark), with the plan and status
    tables each continued as one table that repeats its header rows inside (as the PDF reader joins a table
    continued after a page break): the repeated headers are no measures."""
    from tests.scans import boxed

    src = Path(__file__).parent / "fixtures" / "memo_formats" / "nong-ruea-2567.md"
    text = src.read_text(encoding="utf-8")
    truth = parse_memo_file(src)
    lines = text.split("\n")
    heads = [i for i, x in enumerate(lines) if x.startswith("| มาตรการ")]
    plan, status = heads[0], heads[-1]
    # the plan header again after the first plan row; the status header and labels after the first status row
    # ... and the labels' ends alone, as when a page break cuts the labels row (ยังไม่ดำเนิน | งาน)
    # (the repeated status header misread by a letter, as on a scan: มาตรคการ)
    lines = [*lines[:plan + 3], lines[plan], *lines[plan + 3:status + 4],
             lines[status].replace("| มาตรการ |", "| มาตรคการ |"), lines[status + 2],
             "| | | งาน | งาน | งานแล้ว |", *lines[status + 4:]]
    memo = parse_memo_bytes(boxed("\n".join(lines)).replace("[x]", "☒").replace("[ ]", "☐").encode(), "m.md")
    assert [(m.measure, m.status, m.due) for m in memo.measures] == [
        (m.measure, m.status, m.due) for m in truth.measures]


@pytest.mark.parametrize("cut", ["อำเภอ", "ระดับ"])
@pytest.mark.parametrize("scanned", [False, True])
def test_a_score_paragraph_broken_over_a_page_keeps_its_year(scanned, cut):
    """Word and LibreOffice break a paragraph over a page (and a scan's reader at a line that ends short): the
    PDF reader gives two paragraphs, the year assessed in the first, the score (and the next year) in the
    second. The year is the one before the score, not the next year after it."""
    from itanb.memo.document import Document, Loc, Paragraph
    from itanb.memo.read_text import read_text
    from itanb.memo.semantics import interpret
    from itanb.synth.plan import plan_synthetic

    # SYNTHETIC: "... ประจำปีงบประมาณ พ.ศ. ๒๕๖๖ ... อำเภอ ... คะแนน ... ปีงบประมาณ พ.ศ. ๒๕๖๗ ..."
    text = plan_synthetic(1, (2565, 2567), seed=3).memos[0].text
    truth = parse_memo(text, "m.md")
    doc = read_text(text, "m.pdf")
    blocks = []
    for seq, b in enumerate(doc.blocks, start=1):
        page = 1 if not blocks or blocks[-1].loc.page == 1 else 2
        if isinstance(b, Paragraph) and "คะแนน" in b.text and cut in b.text:
            at = b.text.index(cut)
            rest = Paragraph(b.text[at:], Loc(seq, page=1 if scanned else 2))
            blocks += [Paragraph(b.text[:at], Loc(seq, page=1)), rest]
            continue
        b.loc = Loc(seq, page=page)
        blocks.append(b)
    memo = interpret(Document("m.pdf", "layout", blocks, scanned=scanned))
    assert memo.assessment.fiscal_year == truth.assessment.fiscal_year
    assert memo.assessment.score == truth.assessment.score
    assert memo.assessment.level_reported == truth.assessment.level_reported is not None


@pytest.mark.parametrize("name", ["abbrev-thai-digits-2566.md", "tessaban-mueang-2568.md"])
def test_a_province_without_the_space_after_it_ends_at_the_next_word(name):
    """A scan loses the space after a place's name (จังหวัดทดสอบมีค่าคะแนน): the name ends where the sentence's
    next word begins, as with the space."""
    text = (MEMOS / name).read_text(encoding="utf-8")
    spaced = parse_memo(text, name)
    joined = parse_memo(re.sub(r"(จังหวัด\S+) (มีค่าคะแนน|ได้คะแนน)", r"\1\2", text), name)
    assert joined.province == spaced.province == "ทดสอบ"


def test_header_words_misread_by_one_letter_still_name_their_columns():
    """A scan's header row reads ผู้รับผิดขอบ and ภารกำกับติดตาม: still the owners and deadline columns."""
    src = Path(__file__).parent / "fixtures" / "memo_formats" / "nong-ruea-2567.md"
    text = src.read_text(encoding="utf-8")
    truth = parse_memo(text, "m.md")
    misread = text.replace("| ผู้รับผิดชอบ |", "| ผู้รับผิดขอบ |").replace("| การกำกับติดตาม |", "| ภารกำกับติดตาม |")
    assert misread != text
    memo = parse_memo(misread, "m.md")
    assert [(m.owners, m.due) for m in memo.measures] == [(m.owners, m.due) for m in truth.measures]


def test_a_level_word_read_ill_is_no_shorter_level_and_a_lost_space_keeps_the_agency():
    """On a scan ผ่านดีเยี่ยม may come out as ผ่านดีเยยม: that is no ผ่านดี (the level is then not read,
    which a scan flags); ผ่านดีและ without its space is still ผ่านดี. "สำนักปลัด หน่วยงาน…" without its space
    still names the agency after the unit. (SYNTHETIC memo.)"""
    from itanb.synth.plan import plan_synthetic

    memo = next(m for m in plan_synthetic(12, (2565, 2567), seed=5).memos if "ระดับ ผ่านดี " in m.text)
    text = memo.text
    truth = parse_memo(text, "m.md")
    assert truth.assessment.level_reported == "ผ่านดี"
    assert parse_memo(text.replace("ระดับ ผ่านดี ", "ระดับ ผ่านดี"), "m.md").assessment.level_reported == "ผ่านดี"
    ill = parse_memo(text.replace("ระดับ ผ่านดี ", "ระดับ ผ่านดีเยยม "), "m.md")
    assert ill.assessment.level_reported is None
    joined = parse_memo(text.replace("สำนักปลัด หน่วยงาน", "สำนักปลัดหน่วยงาน", 1), "m.md")
    assert joined.agency == truth.agency and truth.agency.startswith("หน่วยงาน")


def test_a_scans_assessed_year_out_of_range_gives_way_and_is_flagged():
    """A year misread off a scan (๕๕๖๖ for ๒๕๖๖) is no year to grade or chart: the assessed year is the one
    before the measures', with an ocr_uncertain finding on that field; the level on the line after the score's
    (a scan cuts a paragraph at a line ending short) is still the level. (SYNTHETIC memo.)"""
    from itanb.memo.document import Document, Paragraph
    from itanb.memo.read_text import read_text
    from itanb.memo.semantics import interpret
    from itanb.synth.plan import plan_synthetic

    text = next(m.text for m in plan_synthetic(8, (2565, 2567), seed=3).memos if "พ.ศ. ๒๕๖๖ ของ" in m.text)
    truth = parse_memo(text, "m.md")
    doc = read_text(text.replace("พ.ศ. ๒๕๖๖ ของ", "พ.ศ. ๕๕๖๖ ของ"), "m.pdf")
    blocks = []
    for b in doc.blocks:
        if isinstance(b, Paragraph) and "อยู่ในระดับ" in b.text:
            at = b.text.index("ระดับ")
            blocks += [Paragraph(b.text[:at], b.loc), Paragraph(b.text[at:], b.loc)]
        else:
            blocks.append(b)
    memo = interpret(Document("m.pdf", "layout", blocks, scanned=True))
    assert memo.assessment.fiscal_year == truth.assessment.fiscal_year == memo.fiscal_year - 1
    assert memo.assessment.level_reported == truth.assessment.level_reported is not None
    assert [f.field for f in memo.findings if f.code == "ocr_uncertain"] == ["assessed_fiscal_year"]


def test_the_row_after_the_rest_of_a_broken_row_is_a_row_of_its_own():
    """A status row broken over a page (its mark before the break, its rest on the next page) is joined; the
    unmarked row after the rest is a measure of its own, not more of the row before."""
    from itanb.memo.document import Document, Loc, Paragraph, Row, Table
    from itanb.memo.semantics import interpret

    head = ["มาตรการ", "ขั้นตอนหรือวิธีการปฏิบัติ", "ยังไม่ดำเนินงาน", "อยู่ระหว่างดำเนินงาน", "ดำเนินงานเสร็จแล้ว"]
    rows = [(1, head), (1, ["การดำเนินงาน", "จัดทำขั้นตอนและระยะเวลา", "", "", "✓"]),
            (2, ["", "การปฏิบัติงานอย่างชัดเจน", "", "", ""]),
            (2, ["หลักเกณฑ์การบริหารบุคคล", "จัดทำประกาศหลักเกณฑ์", "", "", ""])]
    table = Table([Row(cells, Loc(i + 10, page=page, table=1, row=i + 1))
                   for i, (page, cells) in enumerate(rows)], Loc(10, page=1, table=1, row=1))
    prose = [Paragraph("บันทึกข้อความ", Loc(1, page=1)),
             Paragraph("ส่วนราชการ องค์การบริหารส่วนตำบลทดสอบ", Loc(2, page=1)),
             Paragraph("วันที่ ๑๐ มีนาคม ๒๕๖๗", Loc(3, page=1)),
             Paragraph("เรื่อง รายงานผลการดำเนินงานตามมาตรการ", Loc(4, page=1))]
    memo = interpret(Document("m.pdf", "layout", [*prose, table]))
    assert [(m.measure, m.status) for m in memo.measures] == [
        ("การดำเนินงาน", "done"), ("หลักเกณฑ์การบริหารบุคคล", None)]
    assert memo.measures[0].steps == "จัดทำขั้นตอนและระยะเวลาการปฏิบัติงานอย่างชัดเจน"  # Thai wraps unspaced


def test_a_deadline_and_a_header_broken_over_a_page_are_joined():
    """Word breaks a plan row over a page inside its deadline (๓๐ มิถุนายน | ๒๕๖๖) and a status table's two
    header rows over a page (its steps header's last words stay with the status labels): the deadline is one
    date, and the broken header no measure."""
    from itanb.memo.document import Document, Loc, Paragraph, Row, Table
    from itanb.memo.semantics import interpret

    plan = [(1, ["มาตรการ", "ขั้นตอนหรือวิธีการปฏิบัติ", "ผู้รับผิดชอบ", "การกำกับติดตาม"]),
            (1, ["การดำเนินงาน", "จัดทำขั้นตอน", "กองคลัง", "๓๐ มิถุนายน"]),
            (2, ["และระยะเวลา", "การปฏิบัติงาน", "", "๒๕๖๖"]),
            (2, ["หลักเกณฑ์การบริหารบุคคล", "จัดทำประกาศ", "สำนักปลัด", "๓๑ มีนาคม ๒๕๖๖"])]
    status = [(2, ["มาตรการ", "ขั้นตอนหรือ", "สถานการณ์ดำเนินงาน", "", ""]),
              (3, ["", "วิธีการปฏิบัติ", "ยังไม่ดำเนินงาน", "อยู่ระหว่างดำเนินงาน", "ดำเนินงานเสร็จแล้ว"]),
              (3, ["การดำเนินงานและระยะเวลา", "จัดทำขั้นตอนการปฏิบัติงาน", "", "", "✓"]),
              (3, ["หลักเกณฑ์การบริหารบุคคล", "จัดทำประกาศ", "", "✓", ""])]

    def table(rows, n):
        return Table([Row(cells, Loc(10 * n + i, page=page, table=n, row=i + 1))
                      for i, (page, cells) in enumerate(rows)], Loc(10 * n, page=rows[0][0], table=n, row=1))

    prose = [Paragraph("บันทึกข้อความ", Loc(1, page=1)),
             Paragraph("ส่วนราชการ องค์การบริหารส่วนตำบลทดสอบ", Loc(2, page=1)),
             Paragraph("วันที่ ๑๐ มีนาคม ๒๕๖๖", Loc(3, page=1)),
             Paragraph("เรื่อง รายงานผลการดำเนินงานตามมาตรการ", Loc(4, page=1))]
    memo = interpret(Document("m.pdf", "layout", [*prose, table(plan, 1), table(status, 2)]))
    assert [(m.measure, m.due, m.status) for m in memo.measures] == [
        ("การดำเนินงานและระยะเวลา", dt.date(2023, 6, 30), "done"),
        ("หลักเกณฑ์การบริหารบุคคล", dt.date(2023, 3, 31), "in_progress")]


def test_a_scans_deadline_read_as_nothing_or_as_no_date_is_flagged():
    """On a scan, a deadline whose digits gave no date (๓๑ ฮิ.ค. ๖๗), or an empty one where the other
    measures have theirs, is an ocr_uncertain finding naming it: a deadline is never silently lost."""
    from itanb.memo.document import Document, Row, Table
    from itanb.memo.read_text import read_text
    from itanb.memo.semantics import interpret

    src = Path(__file__).parent / "fixtures" / "memo_formats" / "nong-ruea-2567.md"
    doc = read_text(src.read_text(encoding="utf-8"), "m.pdf")
    plan = next(b for b in doc.blocks if isinstance(b, Table) and "ผู้รับผิดชอบ" in b.rows[0].cells)
    plan.rows[1] = Row([*plan.rows[1].cells[:3], "๓๑ ฮิ.ค. ๖๗"], plan.rows[1].loc)
    plan.rows[2] = Row([*plan.rows[2].cells[:3], ""], plan.rows[2].loc)
    memo = interpret(Document("m.pdf", "layout", doc.blocks, scanned=True))
    flagged = {f.field for f in memo.findings if f.code == "ocr_uncertain"}
    assert {"measures[1].due", "measures[2].due"} <= flagged and "measures[3].due" not in flagged
