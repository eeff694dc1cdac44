"""Excel beside each report: every table a sheet, Thai headers, numbers as numbers, dates as dates, BE years,
and text from the input never becomes a formula."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from itanb import compare, workbook
from itanb.vocabulary import STATUS_LABELS

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_RAW = ROOT / "data" / "raw"
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1:A2)", "#N/A"]


def _write(kind: str, params: dict, path: Path, **folders) -> Path:
    path.write_bytes(workbook.report_workbook(kind, params, **folders))
    return path


def _open(path: Path):
    return load_workbook(path)  # formulas are read back as their text ("=..."), never evaluated


def _rows(sheet) -> list[dict]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.fixture(scope="module")
def fiscal_book(tmp_path_factory, shipped_processed, memo_agency_id):
    path = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    _write("fiscal-year", {"agency": memo_agency_id, "fiscal_year": 2565}, path,
           processed_dir=shipped_processed, raw_dir=SHIPPED_RAW, title="รายงานทดสอบ")
    return path


def test_every_table_of_the_fiscal_year_report_is_a_sheet(fiscal_book):
    book = _open(fiscal_book)
    assert book.sheetnames == ["เกี่ยวกับ", "สรุปผล", "มาตรการ", "ตัวชี้วัด", "คะแนนรายเครื่องมือ",
                               "คะแนนรายตัวชี้วัด", "คะแนนรายปี", "ข้อสังเกต", "ที่มาของข้อมูล"]
    headline = {r["รายการ"]: r["ข้อมูล"] for r in _rows(book["สรุปผล"])}
    assert headline["หน่วยงาน"] == "องค์การบริหารส่วนตำบลโคกสะอาด"
    # FY2565's own result (100, the report to the Cabinet in data/raw), a number; Excel keeps 100.0 as 100
    assert headline["คะแนน"] == 100 and isinstance(headline["คะแนน"], int | float)
    assert headline["ปีงบประมาณ"] == 2565 and headline["ปีงบประมาณของผลการประเมิน"] == 2565  # BE, ints
    assert headline["ระดับ"] == "AA" and headline["ระดับที่หน่วยงานรายงาน"] is None
    assert headline["คะแนนเปลี่ยนแปลง"] == 25.17 and headline["ปีก่อนหน้าที่มีคะแนน"] == 2564


def test_measures_are_typed(fiscal_book):
    sheet = _open(fiscal_book)["มาตรการ"]
    rows = _rows(sheet)
    assert len(rows) == 12
    assert [r["ลำดับ"] for r in rows] == list(range(1, 13))
    assert {r["ปีงบประมาณ"] for r in rows} == {2565}
    assert {r["กำหนดเสร็จ"] for r in rows} == {dt.datetime(2022, 3, 31)}  # a date: 31 มีนาคม 2565
    assert sheet["F2"].is_date and sheet["F2"].number_format == workbook.DATE_FORMAT
    assert {r["สถานะ"] for r in rows} == {STATUS_LABELS["done"]}
    assert rows[0]["มาตรการ"].startswith("-มีแนวทางปฏิบัติ") and sheet["C2"].data_type == "s"
    assert all(r["ที่มา"].startswith("memos/") for r in rows)  # relative to the raw folder


def test_the_workbook_names_nothing_of_this_machine(fiscal_book):
    with zipfile.ZipFile(fiscal_book) as archive:
        text = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8", "replace")
    assert str(ROOT) not in text and str(SHIPPED_RAW) not in text
    assert "<f>" not in text  # no formula anywhere


@pytest.fixture(scope="module")
def hostile_processed(tmp_path_factory, shipped_tables, memo_agency_id):
    """The shipped tables with formula-like text in measures, owners and the agency's name."""
    from itanb.store import write_tables

    measures = shipped_tables.measures.copy()
    rows = measures.index[measures["agency_id"] == memo_agency_id][: len(HOSTILE)]
    for index, text in zip(rows, HOSTILE, strict=True):
        measures.loc[index, "measure"] = text
        measures.at[index, "owners"] = [text, "สำนักปลัด"]
    agencies = shipped_tables.agencies.copy()
    agencies.loc[agencies["agency_id"] == memo_agency_id, "name"] = '=HYPERLINK("http://x","y")'
    out = tmp_path_factory.mktemp("hostile-xlsx")
    write_tables(shipped_tables._replace(measures=measures, agencies=agencies), out)
    return out


@pytest.mark.parametrize("kind", ["fiscal-year", "year-over-year", "portfolio"])
def test_formula_like_text_stays_text(tmp_path, hostile_processed, memo_agency_id, kind):
    params = {"fiscal_year": 2565} if kind == "portfolio" else {"agency": memo_agency_id, "fiscal_year": 2565}
    path = _write(kind, params, tmp_path / "x.xlsx", processed_dir=hostile_processed, raw_dir=SHIPPED_RAW)
    seen = set()
    for sheet in _open(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.split(", ")[0] in HOSTILE:
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    assert cell.quotePrefix, (sheet.title, cell.coordinate)
                    seen.add(cell.value.split(", ")[0])
    expected = {'=HYPERLINK("http://x","y")'} if kind == "portfolio" else set(HOSTILE)
    assert expected <= seen
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))
    assert "<f>" not in xml and "HYPERLINK" in xml


def test_portfolio_has_the_full_ranking(tmp_path, shipped_processed, shipped_tables):
    path = _write("portfolio", {"fiscal_year": 2565}, tmp_path / "p.xlsx", processed_dir=shipped_processed,
                  raw_dir=SHIPPED_RAW)
    book = _open(path)
    ranking = _rows(book["อันดับทั้งหมด"])
    expected = compare.portfolio(shipped_tables, 2565).ranking
    assert len(ranking) == len(expected) > 0
    assert [r["คะแนน"] for r in ranking] == [float(s) for s in expected["score"]]
    assert all(isinstance(r["อันดับ"], int) for r in ranking)
    summary = {r["รายการ"]: r["ข้อมูล"] for r in _rows(book["สรุป"])}
    assert summary["ปีงบประมาณ"] == 2565 and isinstance(summary["คะแนนเฉลี่ย"], float)


def test_synthetic_data_is_labelled(tmp_path, synthetic_example):
    from fixtures.synthetic_agency import AGENCY_ID

    from itanb.store import write_tables

    processed = tmp_path / "processed"
    write_tables(synthetic_example, processed)
    path = _write("year-over-year", {"agency": AGENCY_ID}, tmp_path / "s.xlsx", processed_dir=processed,
                  raw_dir=tmp_path)
    about = {r["รายการ"]: r["ข้อมูล"] for r in _rows(_open(path)["เกี่ยวกับ"])}
    assert "สังเคราะห์" in about["ข้อมูล"] and "SYNTHETIC" in about["ข้อมูล"]


@pytest.fixture(scope="module")
def indicator_processed(tmp_path_factory) -> Path:
    """The SYNTHETIC example agencies with SYNTHETIC indicator and tool scores, as a processed folder."""
    from fixtures.synthetic_agency import synthetic_indicator_tables

    from itanb.store import write_tables

    out = tmp_path_factory.mktemp("indicators") / "processed"
    write_tables(synthetic_indicator_tables(), out)
    return out


def test_tool_and_indicator_scores_are_numbers(tmp_path, indicator_processed):
    """The fiscal-year report's tool and indicator tables as sheets: scores as numbers (SYNTHETIC data)."""
    from fixtures.synthetic_agency import AGENCY_ID, SCORES

    path = _write("fiscal-year", {"agency": AGENCY_ID, "fiscal_year": 2566}, tmp_path / "i.xlsx",
                  processed_dir=indicator_processed, raw_dir=tmp_path)
    book = _open(path)
    indicators = _rows(book["คะแนนรายตัวชี้วัด"])
    assert [r["ตัวชี้วัด"] for r in indicators] == list(range(1, 11))
    assert [r["คะแนน"] for r in indicators] == SCORES[(AGENCY_ID, 2566)]
    assert [r["คะแนนปีก่อน"] for r in indicators] == SCORES[(AGENCY_ID, 2565)]
    assert indicators[9]["คะแนนเปลี่ยนแปลง"] == 2.0 and indicators[9]["ต่ำกว่า 85"] == "ใช่"
    assert {r["ปีงบประมาณของผลการประเมิน"] for r in indicators} == {2566}
    assert book["คะแนนรายตัวชี้วัด"]["E2"].number_format == workbook.SCORE_FORMAT
    tools = {r["เครื่องมือ"]: r for r in _rows(book["คะแนนรายเครื่องมือ"])}
    assert tools["OIT"]["คะแนน"] == 76.0 and tools["EIT ส่วนที่ 1"]["คำนวณจากส่วนย่อย"] == "ไม่"
    assert tools["IIT"]["คะแนนเปลี่ยนแปลง"] == pytest.approx(1.70)

    trend = _rows(_open(_write("year-over-year", {"agency": AGENCY_ID}, tmp_path / "y.xlsx",
                               processed_dir=indicator_processed, raw_dir=tmp_path))["คะแนนรายตัวชี้วัดรายปี"])
    assert [(r["ปีงบประมาณ"], r["คะแนน"]) for r in trend if r["ตัวชี้วัด"] == 10] == [(2565, 60.0), (2566, 62.0)]

    portfolio = _open(_write("portfolio", {"fiscal_year": 2566}, tmp_path / "p.xlsx",
                             processed_dir=indicator_processed, raw_dir=tmp_path))
    matrix = {r["รหัสหน่วยงาน"]: r for r in _rows(portfolio["คะแนนรายตัวชี้วัด"])}
    assert matrix["synthetic-third"]["คะแนนตัวชี้วัดที่ 5"] == 50.0
    below = {r["ตัวชี้วัด"]: r for r in _rows(portfolio["ตัวชี้วัดที่ต่ำกว่า 85"])}
    assert below[10]["ต่ำกว่า 85"] == 2 and below[10]["หน่วยงานที่มีคะแนน"] == 3


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    first = workbook.sheet_name("a/b:c*d?e[f]g\\h", taken)
    assert first == "a b c d e f g h"
    taken.add(first)
    long = "ก" * 40
    names = [workbook.sheet_name(long, taken)]
    taken.add(names[0])
    names.append(workbook.sheet_name(long, taken))
    assert all(len(n) <= 31 for n in names) and names[0] != names[1] and names[1].endswith("(2)")
