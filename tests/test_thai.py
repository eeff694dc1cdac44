"""itanb.thai: digits, Thai dates, BE/CE, fiscal year, normalisation for matching."""

from __future__ import annotations

import datetime as dt

import pytest

from itanb import thai


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
