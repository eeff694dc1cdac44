"""The picture of a value read uncertainly off a scan, beside that value in the fiscal-year report
(itanb/views/scans.py, views.headline, views.measures_table), with hand-made SYNTHETIC tables and findings: no
tesseract. The scan itself is read, ingested and rendered in tests/test_ocr.py (slow)."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fixtures.synthetic_agency import AGENCY_ID, findings_frame, synthetic_tables
from PIL import Image

from itanb import views
from itanb.findings import Finding, field_label, measure_field, split_field
from itanb.store import load_table, write_tables

SCAN = "memos/scan.pdf"  # the (made-up) scanned memo the SYNTHETIC measures and score are read from


def png(shade: int) -> str:
    """A tiny real PNG as a data: URI, a different one for each ``shade``."""
    buf = io.BytesIO()
    Image.new("L", (24, 6), shade).save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


PICTURES = {name: png(shade) for shade, name in enumerate(
    ("score", "level_reported", "memo_date", "measures[2].due", "measures[1].status", "elsewhere", "quote"),
    start=10)}


def _uncertain(field: str | None, image: str | None, *, source: str = f"{SCAN}, page 1",
               fiscal_year: int = 2567) -> dict:
    return {"code": "ocr_uncertain", "message": f"ค่า {field} อ่านจากภาพสแกนได้ไม่แน่ชัด", "source": source,
            "line": None, "agency_id": AGENCY_ID, "fiscal_year": fiscal_year, "places": "หน้า 1",
            "image": image, "field": field}


def context(findings: list[dict], *, scored_from: str = SCAN, thai_digits: bool = False) -> views.Context:
    """The SYNTHETIC agency's FY2567 report, its measures and score read from ``memos/scan.pdf``."""
    t = synthetic_tables()
    measures, assessments = t.measures.copy(), t.assessments.copy()
    measures.loc[measures["fiscal_year"] == 2567, "source"] = SCAN
    assessments.loc[(assessments["agency_id"] == AGENCY_ID) & (assessments["fiscal_year"] == 2567),
                    "source"] = scored_from
    tables = t._replace(measures=measures, assessments=assessments, findings=findings_frame(findings))
    agency = t.agencies[t.agencies["agency_id"] == AGENCY_ID].iloc[0].to_dict()
    return views.Context(kind="fiscal-year", tables=tables, processed_dir=Path(), raw_dir=Path(),
                         agency_id=AGENCY_ID, fiscal_year=2567, agency=agency, thai_digits=thai_digits)


def cells(html: str) -> dict[str, list[str]]:
    """The measures table's body: measure number -> its cells' HTML."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html.split("<tbody>", 1)[1])
    out = {}
    for row in rows:
        tds = re.findall(r"<td[^>]*>(.*?)</td>", row)
        out[tds[0]] = tds
    return out


def facts(html: str) -> dict[str, str]:
    """The headline: label -> its value's HTML."""
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html))


def test_fields_are_named_once_and_checked():
    assert measure_field(3, "due") == "measures[3].due"
    assert split_field("measures[3].due") == ("due", 3) and split_field("score") == ("score", None)
    assert field_label("measures[2].status") == "สถานะ มาตรการข้อ 2"
    for bad in ("measures[0].due", "measures[2].owner", "scor", "measures[x].due"):
        with pytest.raises(ValueError, match="unknown field"):
            split_field(bad)
    with pytest.raises(ValueError, match="unknown field"):
        Finding("ocr_uncertain", "x", "f.pdf", field="measure.due")


def test_each_picture_sits_beside_its_own_value():
    ctx = context([
        *(_uncertain(f, PICTURES[f]) for f in ("score", "level_reported", "memo_date", "measures[2].due",
                                               "measures[1].status")),
        # read from another file than the measures: not theirs
        _uncertain("measures[1].due", PICTURES["elsewhere"], source="memos/other.pdf, page 1"),
        _uncertain("measures[2].status", "https://example.org/x.png"),  # not an embedded PNG: the note alone
        _uncertain("fiscal_year", None),  # contradicted by the memo's date: no picture, the note alone
        _uncertain(None, png(99)),  # a doubtful mark of no measure: the findings list only
    ])
    head = facts(views.headline(ctx).data)
    assert f'data-field="score"><img src="{PICTURES["score"]}"' in head["คะแนน"]
    assert head["คะแนน"].startswith("72.30<span class=\"itanb-scan\"")  # right after the value
    assert PICTURES["level_reported"] in head["ระดับ"]
    assert "ระดับที่รายงาน: อ่านจากสแกน โปรดตรวจ · หน้า 1" in head["ระดับ"]
    assert PICTURES["memo_date"] in head["ปีงบประมาณ"] and "วันที่ของบันทึก: อ่านจากสแกน" in head["ปีงบประมาณ"]
    assert sum(v.count("itanb-scan") for v in head.values()) == 4
    note = "<small>ปีงบประมาณของมาตรการ: อ่านจากสแกน โปรดตรวจ · หน้า 1</small>"
    assert f'<span class="itanb-scan" data-field="fiscal_year">{note}' in head["ปีงบประมาณ"]
    rows = cells(views.measures_table(ctx).data)
    due, status = 4, 5
    assert PICTURES["measures[2].due"] in rows["2"][due] and 'data-field="measures[2].due"' in rows["2"][due]
    assert "อ่านจากสแกน โปรดตรวจ · หน้า 1" in rows["2"][due]
    assert PICTURES["measures[1].status"] in rows["1"][status]
    assert "itanb-scan" not in rows["1"][due]
    assert '<span class="itanb-scan" data-field="measures[2].status"><small>' in rows["2"][status]
    everything = views.headline(ctx).data + views.measures_table(ctx).data
    assert PICTURES["elsewhere"] not in everything and "example.org" not in everything
    assert png(99) not in everything
    assert png(99) in views.findings_list(ctx).data  # kept in the findings list, with every other picture
    assert views.findings_list(ctx).data.count('<img class="itanb-ocr"') == 7  # the PNGs


def test_a_score_that_gave_way_to_a_score_table_gets_no_picture_and_thai_digits_reach_the_note():
    ctx = context([_uncertain("score", PICTURES["score"]), _uncertain("measures[2].due", PICTURES["quote"])],
                  scored_from="scores/published.csv:4", thai_digits=True)
    assert "itanb-scan" not in views.headline(ctx).data
    assert "หน้า ๑" in cells(views.measures_table(ctx).data)["๒"][4]


def test_a_picture_is_escaped_and_a_memo_without_uncertain_values_shows_none():
    hostile = 'data:image/png;base64,AAAA"><script>alert(1)</script>'
    ctx = context([_uncertain("measures[2].due", hostile)])
    html = views.measures_table(ctx).data
    assert "<script>" not in html and "&quot;&gt;&lt;script&gt;" in html
    plain = context([])
    assert "itanb-scan" not in views.headline(plain).data + views.measures_table(plain).data
    assert views.scan_pictures(plain, 2567) == {}


def test_processed_findings_written_before_the_field_column_still_load(tmp_path):
    """A findings table of an earlier itanb (no ``image``, no ``field``) reads with them null."""
    t = synthetic_tables()
    write_tables(t, tmp_path)
    path = tmp_path / "findings.parquet"
    old = pq.read_table(path).drop_columns(["image", "field"])
    pq.write_table(old, tmp_path / "old.parquet")
    (tmp_path / "old").mkdir()
    (tmp_path / "old.parquet").rename(tmp_path / "old" / "findings.parquet")
    loaded = load_table("findings", tmp_path / "old", manifest=False)
    assert list(loaded.columns)[-2:] == ["image", "field"] and loaded[["image", "field"]].isna().all().all()
    assert len(loaded) == len(t.findings)


def test_the_year_over_year_table_pictures_a_scans_uncertain_score_in_its_years_row():
    ctx = context([_uncertain(f, PICTURES[f]) for f in ("score", "level_reported", "measures[2].due")])
    rows = cells(views.yoy_table(ctx).data)
    year = rows.pop("พ.ศ. 2567")
    assert PICTURES["score"] in year[1] and year[1].startswith("72.30<span")
    assert PICTURES["level_reported"] in year[2] and "ระดับที่รายงาน: อ่านจากสแกน" in year[2]
    others = "".join("".join(row) for row in rows.values())
    assert "itanb-scan" not in others
    assert PICTURES["measures[2].due"] not in views.yoy_table(ctx).data  # a deadline is not in this table
