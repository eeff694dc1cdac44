"""views on the shipped data, no kernel: parameter checks, headline, measures, findings, provenance."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from itanb import views
from itanb.errors import ItanbError, ParameterError

SHIPPED_RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


@pytest.fixture(scope="module")
def ctx(shipped_processed, memo_agency_id):
    return views.check_params("fiscal-year", agency=memo_agency_id, fiscal_year=2565,
                              processed_dir=str(shipped_processed), raw_dir=str(SHIPPED_RAW))


@pytest.mark.parametrize(("params", "message"), [
    ({"agency": "sao-khok-sa-ad"}, "unknown agency 'sao-khok-sa-ad': not among the 3 loaded agencies; "
                                   "did you mean sao-khok-sa-at?"),
    ({"agency": "khok"}, "did you mean sao-khok-sa-at?"),
    ({"agency": "โคกสะอาด"}, "did you mean sao-khok-sa-at?"),
    ({"agency": ""}, "agency must be an agency_id such as sao-khok-sa-at, got ''"),
    ({"agency": 42}, "agency must be an agency_id"),
    ({"fiscal_year": 2570}, "no data for sao-khok-sa-at in fiscal year 2570; years with data: 2564, 2565"),
    ({"fiscal_year": "๒๕๖๕x"}, "fiscal_year must be a Buddhist Era year such as 2565"),
    ({"fiscal_year": 2022}, "fiscal_year 2022 looks like a CE year; fiscal years are Buddhist Era "
                            "(did you mean 2565?)"),
    ({"fiscal_year": 3000}, "outside 2500–2700"),
    ({"fiscal_year": True}, "Buddhist Era year"),
])
def test_check_params_says_what_is_wrong_in_one_line(shipped_processed, params, message):
    params = {"agency": "sao-khok-sa-at", "fiscal_year": 2565, **params}
    with pytest.raises(ParameterError) as info:
        views.check_params("fiscal-year", processed_dir=str(shipped_processed), **params)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_check_params_for_portfolio_and_missing_data(shipped_processed, tmp_path):
    ctx = views.check_params("portfolio", fiscal_year="2565", province="กาญจนบุรี",
                             processed_dir=shipped_processed)
    assert (ctx.fiscal_year, ctx.province, ctx.district) == (2565, "กาญจนบุรี", None)
    with pytest.raises(ParameterError, match="no assessments for fiscal year 2563; years with data: 2564"):
        views.check_params("portfolio", fiscal_year=2563, processed_dir=shipped_processed)
    with pytest.raises(ParameterError, match="province"):
        views.check_params("portfolio", fiscal_year=2565, province="เชียงใหม่", processed_dir=shipped_processed)
    with pytest.raises(ParameterError, match="run `itanb ingest` first"):
        views.check_params("year-over-year", agency="sao-khok-sa-at", processed_dir=tmp_path)


def test_a_place_prefix_is_not_doubled(shipped_processed, monkeypatch):
    """province="จังหวัดกาญจนบุรี" selects like "กาญจนบุรี" and the title says จังหวัดกาญจนบุรี once."""
    ctx = views.check_params("portfolio", fiscal_year=2565, province=" จังหวัดกาญจนบุรี",
                             processed_dir=shipped_processed)
    assert ctx.province == "กาญจนบุรี"
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, metadata: shown.append(metadata))
    views.show_title(ctx)
    assert shown[0]["itanb"]["title"].endswith(" · จังหวัดกาญจนบุรี")
    assert views.place_text({"district": "อำเภอสังเคราะห์", "province": float("nan")}) == "อำเภอสังเคราะห์"


def test_itanb_errors_show_as_one_line_in_ipython():
    error = ParameterError("unknown agency 'x'", source="f.csv", line=3)
    assert error._render_traceback_() == ["ParameterError: f.csv:3: unknown agency 'x'"]
    assert isinstance(error, ItanbError)


def test_headline_facts(ctx):
    facts = dict(views.headline_facts(ctx))
    assert facts["หน่วยงาน"] == "องค์การบริหารส่วนตำบลโคกสะอาด"
    assert facts["ที่ตั้ง"] == f"อำเภอ{ctx.agency['district']} จังหวัดกาฬสินธุ์"
    assert facts["ปีงบประมาณ"] == "พ.ศ. 2565"
    # FY2565's own result (the NACC's report to the Cabinet, in data/raw), against the memo's FY2564 score: no
    # row repeating the year
    assert "ผลการประเมิน" not in facts
    assert facts["คะแนน"] == "100.00"
    assert facts["ระดับ"] == "AA"
    assert facts["เปลี่ยนแปลงจากปีก่อน"] == "+25.17 คะแนน จากปีงบประมาณ พ.ศ. 2564 · ดีขึ้น 3 ระดับ (C → AA)"
    assert facts["ค่าเฉลี่ยทั้งประเทศ"] == "87.57 · สูงกว่าค่าเฉลี่ย 12.43 คะแนน"
    assert facts["ผ่านเกณฑ์"] == "ผ่าน (85 คะแนนขึ้นไป)"
    # the source in Thai with its address; the citation as recorded (English) in a details element
    assert facts["ที่มาของคะแนน"].startswith("รายงานผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2565 ที่ ป.ป.ช.")
    assert facts["ที่มาของคะแนน"].endswith(" · https://www.thaigov.go.th/news/contents/details/64134")
    assert "NACC" not in facts["ที่มาของคะแนน"]
    details = re.search(r"<details[^>]*><summary>ข้อความอ้างอิงเดิม</summary>(.*?)</details>",
                        views.headline(ctx).data)
    assert "not proven" in details.group(1) and "64134" in details.group(1)


def test_the_location_finding_names_the_pinned_district(ctx):
    (text,) = [t for label, t, _ in views.findings_items(ctx) if label == "ระบุที่ตั้งไม่ตรงกัน"]
    assert "ใช้ อำเภอเมืองชัย ซึ่งพบบ่อยที่สุด" not in text  # the memo's choice, not the report's
    assert "รายงานนี้ใช้ อำเภอฆ้องชัย ตามที่กำหนดไว้ในไฟล์ agencies.csv" in text
    assert "https://khoksaad.go.th/" in text


def test_measures_in_thai(ctx):
    frame = views.measures_frame(ctx)
    assert len(frame) == 12
    assert list(frame["ลำดับ"]) == list(range(1, 13))
    assert set(frame["สถานะ"]) == {"ดำเนินงานเสร็จแล้ว"}
    assert set(frame["กำหนดเสร็จ"]) == {"31 มีนาคม 2565"}
    assert not frame["เลยกำหนด"].any()
    assert "กองคลัง" in frame.loc[0, "ผู้รับผิดชอบ"]
    assert views.measures_summary(ctx) == "ดำเนินงานเสร็จแล้ว 12 จาก 12 มาตรการ (100%)"


def test_overdue_and_unmarked_measures_are_flagged(ctx):
    measures = ctx.tables.measures.copy()
    mine = measures.index[measures["agency_id"] == ctx.agency_id]
    measures.loc[mine[0], "status"] = "in_progress"
    measures.loc[mine[0], "due"] = datetime(2022, 1, 31)
    measures.loc[mine[1], "status"] = None
    other = views.Context(kind="fiscal-year", tables=ctx.tables._replace(measures=measures),
                          processed_dir=ctx.processed_dir, raw_dir=ctx.raw_dir, agency_id=ctx.agency_id,
                          fiscal_year=2565, agency=ctx.agency)
    frame = views.measures_frame(other)
    assert frame.loc[0, "สถานะ"] == "อยู่ระหว่างดำเนินงาน" and frame.loc[0, "เลยกำหนด"]
    assert frame.loc[0, "กำหนดเสร็จ"] == "31 มกราคม 2565"
    assert frame.loc[1, "สถานะ"] == "ไม่ระบุสถานะ"
    assert views.measures_summary(other) == ("ดำเนินงานเสร็จแล้ว 10 จาก 12 มาตรการ (83%) · อยู่ระหว่างดำเนินงาน 1 · "
                                             "ไม่ระบุสถานะ 1 · เลยกำหนด 1")
    html = views.measures_table(other).data
    assert 'class="itanb-overdue"' in html and "เลยกำหนด</span>" in html


def test_findings_in_plain_thai(ctx):
    items = views.findings_items(ctx)
    texts = [text for _, text, _ in items]
    assert texts[0] == "ระดับที่รายงาน E ไม่ตรงกับระดับที่คำนวณได้ C จากคะแนน 74.83 (ปีงบประมาณ พ.ศ. 2564)"
    assert items[0][2].startswith("memos/khoksaat-ita-measures-memo-2565.md")
    assert sum("ไม่ตรงกับระดับที่คำนวณได้" in t for t in texts) == 1  # not repeated from the findings table
    labels = {label for label, _, _ in items}
    assert "ระบุที่ตั้งไม่ตรงกัน" in labels and "หัวตารางสถานะไม่ถูกต้อง" in labels


def test_provenance_names_the_raw_files_with_their_sha256(ctx):
    frame = views.provenance_frame(ctx)
    assert list(frame["path"]) == ["memos/khoksaat-ita-measures-memo-2565.md"]
    assert frame["unchanged"].tolist() == [True]
    assert len(frame.loc[0, "sha256"]) == 64
    html = views.provenance(ctx, now=datetime(2025, 1, 2, 3, 4, tzinfo=UTC)).data
    assert "สร้างรายงานเมื่อ 2 มกราคม 2568 10:04 น. ด้วย itanb" in html
    assert frame.loc[0, "sha256"] in html


def test_everything_from_the_data_is_escaped():
    assert views.esc("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert views.esc('"&') == "&quot;&amp;"
    assert views.esc(None) == "–" and views.esc(float("nan")) == "–"
    assert views.esc(views.Raw("<b>ours</b>")) == "<b>ours</b>"
    table = views.html_table(["<h>"], [["<td>"], [views.Raw("<i>x</i>")]])
    assert "&lt;h&gt;" in table and "&lt;td&gt;" in table and "<i>x</i>" in table


def test_formats():
    assert views.fmt_change(1.5) == "+1.50" and views.fmt_change(-2) == "−2.00"
    assert views.fmt_change(None) == "–"
    assert views.fmt_score(74.83) == "74.83"
    assert views.fmt_share(0.7052) == "71%"
    assert views.fmt_passed(None) == "ไม่มีเกณฑ์ผ่านในปีนั้น"


def test_measure_status_chart_only_where_there_are_measures(shipped_processed, memo_agency_id):
    def chart(agency):
        ctx = views.check_params("year-over-year", agency=agency, processed_dir=str(shipped_processed))
        return views.measure_status_chart(ctx)

    image = chart(memo_agency_id)
    assert image is not None and image.data.startswith("<svg ") and "จำนวนมาตรการ" in image.data
    assert chart("prov-kanchanaburi") is None  # scores only: the table below says there are no measures


# ---------------------------------------------------------------------------------------------- thai_digits

ARABIC = re.compile(r"[0-9]")


@pytest.fixture(scope="module")
def thai_ctx(shipped_processed, memo_agency_id):
    return views.check_params("fiscal-year", agency=memo_agency_id, fiscal_year=2565,
                              processed_dir=str(shipped_processed), raw_dir=str(SHIPPED_RAW),
                              thai_digits=True)


def test_thai_digits_in_the_headline(thai_ctx):
    assert thai_ctx.thai_digits
    facts = dict(views.headline_facts(thai_ctx))
    assert facts["ปีงบประมาณ"] == "พ.ศ. ๒๕๖๕"
    assert facts["ที่มาของคะแนน"].startswith("รายงานผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๕")
    assert facts["คะแนน"] == "๑๐๐.๐๐"
    assert facts["เปลี่ยนแปลงจากปีก่อน"] == "+๒๕.๑๗ คะแนน จากปีงบประมาณ พ.ศ. ๒๕๖๔ · ดีขึ้น ๓ ระดับ (C → AA)"
    assert facts["ค่าเฉลี่ยทั้งประเทศ"] == "๘๗.๕๗ · สูงกว่าค่าเฉลี่ย ๑๒.๔๓ คะแนน"
    assert facts["ผ่านเกณฑ์"] == "ผ่าน (๘๕ คะแนนขึ้นไป)"
    html = views.headline(thai_ctx).data
    # the score's address and its citation as recorded keep their digits, everything else is Thai
    address = facts["ที่มาของคะแนน"].rsplit(" · ", 1)[1]
    html = re.sub(r"<details.*?</details>", "", html.replace(views.esc(address), ""))
    assert "๒๕.๑๗" in html and not ARABIC.search(html)


def test_thai_digits_in_the_measures(thai_ctx):
    frame = views.measures_frame(thai_ctx)
    assert set(frame["กำหนดเสร็จ"]) == {"๓๑ มีนาคม ๒๕๖๕"}
    assert list(frame["ลำดับ"]) == list(range(1, 13))  # the frame keeps the number; the table shows ๑..๑๒
    assert views.measures_summary(thai_ctx) == "ดำเนินงานเสร็จแล้ว ๑๒ จาก ๑๒ มาตรการ (๑๐๐%)"
    html = views.measures_table(thai_ctx).data
    assert "<td>๓๑ มีนาคม ๒๕๖๕</td>" in html and "<td class=num>๑๒</td>" in html
    assert not ARABIC.search(html)


def test_thai_digits_in_the_findings_but_not_in_file_names(thai_ctx):
    items = views.findings_items(thai_ctx)
    assert items[0][1] == "ระดับที่รายงาน E ไม่ตรงกับระดับที่คำนวณได้ C จากคะแนน ๗๔.๘๓ (ปีงบประมาณ พ.ศ. ๒๕๖๔)"
    assert items[0][2].startswith("memos/khoksaat-ita-measures-memo-2565.md:")  # where: ASCII
    assert all(where.isascii() for _, _, where in items)
    html = views.findings_list(thai_ctx).data
    assert "จากคะแนน ๗๔.๘๓ (ปีงบประมาณ พ.ศ. ๒๕๖๔)" in html and "74.83" not in html


def test_thai_digits_reach_the_numbers_inside_stored_findings(thai_ctx):
    messages = {label: text for label, text, _ in views.findings_items(thai_ctx)}
    location = messages["ระบุที่ตั้งไม่ตรงกัน"]
    assert "(อำเภอเมืองชัย: บรรทัด ๗๐; อำเภอฆ้องชัย: บรรทัด ๗๓)" in location and not ARABIC.search(location)
    fuzzy = messages["ชื่อมาตรการในตารางสถานะต่างจากตารางแผน"]
    assert "มาตรการข้อ ๔" in fuzzy and "ความคล้าย ๙๖.๗%" in fuzzy and not ARABIC.search(fuzzy)


@pytest.mark.parametrize(("text", "expected"), [
    ("บรรทัด 70 และ 73", "บรรทัด ๗๐ และ ๗๓"),
    ("คะแนน 74.83 (−6.42)", "คะแนน ๗๔.๘๓ (−๖.๔๒)"),
    ("ในไฟล์ memos/memo-2565.md บรรทัด 12", "ในไฟล์ memos/memo-2565.md บรรทัด ๑๒"),
    ("scores/2566.csv:12 แถว 3", "scores/2566.csv:12 แถว ๓"),
    ("IIT 80 EIT2 https://x.org/a1", "IIT ๘๐ EIT2 https://x.org/a1"),
])
def test_prose_digits_keep_names_ascii(text, expected):
    assert views.prose_digits(text, True) == expected
    assert views.prose_digits(text, False) == text


def test_thai_digits_leave_identifiers_and_technical_values_ascii(thai_ctx, memo_agency_id):
    assert thai_ctx.agency_id == memo_agency_id and thai_ctx.agency_id.isascii()
    frame = views.provenance_frame(thai_ctx)
    html = views.provenance(thai_ctx, now=datetime(2025, 1, 2, 3, 4, tzinfo=UTC)).data
    assert "สร้างรายงานเมื่อ ๒ มกราคม ๒๕๖๘ ๑๐:๐๔ น. ด้วย itanb " in html
    assert f"itanb {views.__version__} " in html  # the version stays ASCII
    assert f"<code>{frame.loc[0, 'sha256']}</code>" in html  # SHA-256 stays ASCII
    assert "<td>memos/khoksaat-ita-measures-memo-2565.md</td>" in html  # the file path too
    assert f"<td class=num>{int(frame.loc[0, 'bytes']):,}</td>" in html  # byte sizes: technical, Arabic
    assert str(SHIPPED_RAW) not in html and str(SHIPPED_RAW.parent) not in html  # nothing of this machine


def test_thai_digits_keep_escaping(thai_ctx):
    assert views.digits("<script>alert(1)</script>", True) == "<script>alert(๑)</script>"  # text, not HTML
    assert views.esc(views.digits("'<b>' 2", True)) == "&#x27;&lt;b&gt;&#x27; ๒"  # converted, then escaped
    assert thai_ctx.num(None) == "–" and thai_ctx.num(2565) == "๒๕๖๕"


def test_default_digits_are_arabic(ctx):
    assert not ctx.thai_digits
    assert "25.17" in views.headline(ctx).data and "๗" not in views.headline(ctx).data
    assert "31 มีนาคม 2565" in views.measures_table(ctx).data
    assert views.fmt_score(74.83, True) == "๗๔.๘๓" and views.fmt_change(-6.42, True) == "−๖.๔๒"
    assert views.fmt_share(0.7052, True) == "๗๑%" and views.fmt_passed(True, True) == "ผ่าน (๘๕ คะแนนขึ้นไป)"


@pytest.mark.parametrize(("value", "expected"), [
    (True, True), (False, False), ("true", True), ("False", False), (" TRUE ", True), ("", False),
    (None, False), (1, True),
])
def test_thai_digits_parameter_values(shipped_processed, value, expected):
    ctx = views.check_params("portfolio", fiscal_year=2565, processed_dir=shipped_processed,
                             thai_digits=value)
    assert ctx.thai_digits is expected


@pytest.mark.parametrize("value", ["maybe", 2, 1.5, "๑"])
def test_thai_digits_parameter_rejects_other_values(shipped_processed, value):
    with pytest.raises(ParameterError, match="thai_digits must be True or False"):
        views.check_params("portfolio", fiscal_year=2565, processed_dir=shipped_processed, thai_digits=value)


def test_indicators_table_says_which_indicators_the_measures_address(shipped_processed, memo_agency_id):
    ctx = views.check_params("fiscal-year", agency=memo_agency_id, fiscal_year=2565,
                             processed_dir=str(shipped_processed))
    html_text = views.indicators_table(ctx).data
    rows = dict(re.findall(r"<tr><td class=num>(\d+)</td>(.*?)</tr>", html_text))
    assert len(rows) == 10  # all ten indicators, addressed or not
    # measures 1 and 4 are about the use of state property (ทรัพย์สินของราชการ): indicator 4
    assert "การใช้ทรัพย์สินของราชการ" in rows["4"] and re.search(r">1, 4<", rows["4"])
    assert "ไม่ใช่การประเมินของ ป.ป.ช." in html_text  # the mapping is ours, and the report says so
    assert re.search(r"มาตรการครอบคลุม \d+ จาก 10 ตัวชี้วัด", html_text)
    thai = views.check_params("year-over-year", agency=memo_agency_id, processed_dir=str(shipped_processed),
                              thai_digits=True)
    assert "(พ.ศ. ๒๕๖๕)" in views.indicators_table(thai, all_years=True).data
    none = views.check_params("year-over-year", agency="prov-kanchanaburi",
                              processed_dir=str(shipped_processed))
    assert "ไม่มีมาตรการ" in views.indicators_table(none, all_years=True).data


def test_the_tables_are_loaded_once_per_process_until_a_new_ingest(tmp_path):
    """check_params loads the processed tables once per process (the reports of a kernel, and the kernels
    forked from a process that loaded them, share them); a new ingest into the folder is seen at once."""
    import shutil

    from itanb.ingest import ingest

    raw = tmp_path / "raw"
    shutil.copytree(SHIPPED_RAW, raw)
    processed = tmp_path / "processed"
    ingest(raw_dir=raw, processed_dir=processed)
    first = views.load_tables(processed)
    assert views.load_tables(processed) is first
    (raw / "agencies.csv").unlink()  # re-ingest without the pinned agencies: other tables, other files
    ingest(raw_dir=raw, processed_dir=processed)
    again = views.load_tables(processed)
    assert again is not first
    assert views.load_tables(processed) is again


def test_a_long_table_shows_its_first_rows_and_says_how_many_more(ctx):
    """A memo of thousands of long measures: the report shows the first ones, says how many more, and stays
    far under 1 MB (the Excel workbook has them all)."""
    import dataclasses

    m = ctx.tables.measures
    mine = m[(m["agency_id"] == ctx.agency_id) & (m["fiscal_year"] == ctx.fiscal_year)]
    many = pd.concat([mine] * 500, ignore_index=True).assign(measure="มาตรการ" * 2000)
    many["no"] = range(1, len(many) + 1)
    big = dataclasses.replace(ctx, tables=ctx.tables._replace(measures=many), _cache={})
    html = views.measures_table(big).data
    shown = html.count("<tr") - 2  # the header and the line saying how many more
    assert 0 < shown <= views.REPORT_ROWS and len(html.encode()) < 1 << 20
    assert f"และอีก {len(many) - shown:,} แถว" in html
    assert "มาตรการ" * 200 not in html and "…</td>" in html  # each measure cut at REPORT_CHARS characters
    assert views.measures_table(ctx).data.count("และอีก") == 0  # the shipped memo's 12 measures: all shown
