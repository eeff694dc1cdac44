"""Every report notebook executed by papermill on an ingest of the shipped data, checked on what it says."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import MEMO_AGENCY_NAME, SHIPPED_RAW

from itanb.paths import NOTEBOOKS

pytestmark = pytest.mark.slow


def run(notebook: str, out: Path, **parameters):
    import papermill

    return papermill.execute_notebook(
        str(NOTEBOOKS / notebook), str(out), parameters=parameters, kernel_name="python3",
        progress_bar=False, cwd=str(out.parent), extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )


def said(nb) -> str:
    """Everything the executed notebook shows, as plain text (HTML tags dropped, entities decoded)."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            data = output.get("data", {})
            if "text/html" in data:
                parts.append(html.unescape(re.sub(r"<[^>]+>", " ", data["text/html"])))
            elif "text/plain" in data:
                parts.append(data["text/plain"])
            if output.get("output_type") == "stream":
                parts.append(output["text"])
            if output.get("output_type") == "error":
                parts.append(f"{output['ename']}: {output['evalue']}")
    return re.sub(r"\s+", " ", " ".join(parts))


def stderr_of(nb) -> str:
    return "".join(o["text"] for c in nb.cells for o in c.get("outputs", ())
                   if o.get("output_type") == "stream" and o.get("name") == "stderr")


def assert_clean(nb) -> None:
    """No Thai glyph fell back to a font without it, no warning leaked into the outputs."""
    err = stderr_of(nb)
    assert "missing from font" not in err
    assert "Glyph" not in err
    assert "Warning" not in err, err[:500]


def test_fiscal_year_report_says_what_the_memo_says(tmp_path, shipped_processed, shipped_tables,
                                                    memo_agency_id):
    nb = run("fiscal_year_report.ipynb", tmp_path / "out.ipynb", agency=memo_agency_id, fiscal_year=2565,
             processed_dir=str(shipped_processed), raw_dir=str(SHIPPED_RAW))
    text = said(nb)
    assert MEMO_AGENCY_NAME in text
    agencies = shipped_tables.agencies
    district = agencies.loc[agencies["agency_id"] == memo_agency_id, "district"].item()
    assert f"อำเภอ{district} จังหวัดกาฬสินธุ์" in text
    assert "พ.ศ. 2565" in text
    # FY2565: 100 (the NACC's report to the Cabinet, shipped in data/raw) after the memo's 74.83 of FY2564
    assert "+25.17 คะแนน จากปีงบประมาณ พ.ศ. 2564 · ดีขึ้น 3 ระดับ (C → AA)" in text
    assert "not proven" in text  # the score's citation as recorded says how it was matched (in a details)
    assert "จับคู่กับหน่วยงานจากชื่อและจังหวัด" in text  # and in Thai
    shown = [o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", ())]
    assert any("<details" in h for h in shown)
    assert "รายงานนี้ใช้ อำเภอฆ้องชัย ตามที่กำหนดไว้ในไฟล์ agencies.csv" in text  # the district, and why
    assert "ระดับที่รายงาน E ไม่ตรงกับระดับที่คำนวณได้ C จากคะแนน 74.83" in text
    assert "ดำเนินงานเสร็จแล้ว 12 จาก 12 มาตรการ (100%)" in text
    assert "31 มีนาคม 2565" in text  # deadlines as Thai dates
    assert "87.57" in text and "สูงกว่าค่าเฉลี่ย 12.43 คะแนน" in text  # national average FY2565 and the gap
    assert "ผ่าน (85 คะแนนขึ้นไป)" in text
    assert "ยังไม่มีคะแนนรายตัวชี้วัด" in text  # the indicator section says plainly that there are none
    charts = [o for c in nb.cells for o in c.get("outputs", ()) if "image/svg+xml" in o.get("data", {})]
    assert len(charts) == 1  # the score trend; no empty indicator chart under that sentence
    assert "ตรงกับไฟล์ปัจจุบัน" in text  # provenance: the raw memo still has the ingested sha256
    assert_clean(nb)


def test_fiscal_year_report_in_thai_digits(tmp_path, shipped_processed, memo_agency_id):
    nb = run("fiscal_year_report.ipynb", tmp_path / "out.ipynb", agency=memo_agency_id, fiscal_year=2565,
             processed_dir=str(shipped_processed), raw_dir=str(SHIPPED_RAW), thai_digits=True)
    text = said(nb)
    assert "พ.ศ. ๒๕๖๕" in text and "๗๔.๘๓" in text and "74.83" not in text
    assert "ระดับที่รายงาน E ไม่ตรงกับระดับที่คำนวณได้ C จากคะแนน ๗๔.๘๓" in text
    assert "ดำเนินงานเสร็จแล้ว ๑๒ จาก ๑๒ มาตรการ (๑๐๐%)" in text
    assert "๓๑ มีนาคม ๒๕๖๕" in text and "31 มีนาคม 2565" not in text
    assert "memos/khoksaat-ita-measures-memo-2565.md" in text  # file names stay as they are
    assert any("image/svg+xml" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", ()))
    assert_clean(nb)


def test_year_over_year_report(tmp_path, shipped_processed, memo_agency_id):
    nb = run("year_over_year.ipynb", tmp_path / "out.ipynb", agency=memo_agency_id,
             processed_dir=str(shipped_processed), raw_dir=str(SHIPPED_RAW))
    text = said(nb)
    assert MEMO_AGENCY_NAME in text
    assert "74.83" in text and "C (รายงาน E)" in text
    assert "12/12 (100%)" in text
    assert "ระดับที่รายงาน E ไม่ตรงกับระดับที่คำนวณได้ C จากคะแนน 74.83" in text
    assert_clean(nb)


def test_portfolio_report_ranks_the_agencies(tmp_path, shipped_processed):
    nb = run("portfolio.ipynb", tmp_path / "out.ipynb", fiscal_year=2564,
             processed_dir=str(shipped_processed), raw_dir=str(SHIPPED_RAW))
    text = said(nb)
    assert "ปีงบประมาณ พ.ศ. 2564" in text
    assert re.search(r"1 จังหวัดกาญจนบุรี .*91\.10", text)
    assert re.search(rf"2 {MEMO_AGENCY_NAME} .*74\.83 C", text)
    assert_clean(nb)


def test_portfolio_of_one_province(tmp_path, shipped_processed):
    nb = run("portfolio.ipynb", tmp_path / "out.ipynb", fiscal_year=2565, province="กาญจนบุรี",
             processed_dir=str(shipped_processed))
    text = said(nb)
    assert "จังหวัดกาญจนบุรี" in text and "58.13" in text
    assert "นราธิวาส" not in text.split("ที่มาของข้อมูล")[0]
    assert "−32.97" in text  # 58.13 - 91.10, shown as a fall


@pytest.mark.parametrize(("params", "message"), [
    ({"agency": "sao-khok-sa-ad", "fiscal_year": 2565}, "unknown agency 'sao-khok-sa-ad'"),
    ({"fiscal_year": 2570}, "no data for sao-khok-sa-at in fiscal year 2570; years with data: 2564, 2565"),
    ({"fiscal_year": "2565x"}, "fiscal_year must be a Buddhist Era year such as 2565, got '2565x'"),
    ({"fiscal_year": 2022}, "fiscal_year 2022 looks like a CE year"),
])
def test_bad_parameter_stops_in_the_first_cell_with_one_line(tmp_path, shipped_processed, memo_agency_id,
                                                             params, message):
    from papermill.exceptions import PapermillExecutionError

    out = tmp_path / "out.ipynb"
    params = {"agency": memo_agency_id, **params, "processed_dir": str(shipped_processed)}
    with pytest.raises(PapermillExecutionError) as info:
        run("fiscal_year_report.ipynb", out, **params)
    assert info.value.ename == "ParameterError"
    assert message in info.value.evalue
    if "agency" in message:
        assert "did you mean sao-khok-sa-at?" in info.value.evalue

    nb = nbformat.read(out, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tags = [c.metadata.get("tags", []) for c in code]
    first_after = next(i for i, t in enumerate(tags) if "injected-parameters" in t) + 1
    failing = code[first_after]
    errors = [o for o in failing.outputs if o.output_type == "error"]
    assert len(errors) == 1
    assert errors[0].traceback == [f"ParameterError: {errors[0].evalue}"]  # one line, no traceback
    assert all(c.execution_count is None for c in code[first_after + 1:])  # nothing ran after it


@pytest.mark.parametrize("notebook", ["fiscal_year_report.ipynb", "year_over_year.ipynb", "portfolio.ipynb"])
def test_defaults_run_with_plain_papermill_from_any_folder(tmp_path, shipped_processed, notebook):
    """`papermill <notebook> out.ipynb` with no -p, from another working directory; the project's processed
    folder is pointed at the test's ingest through ITANB_PROCESSED (data/processed is never written)."""
    env = {**os.environ, "ITANB_PROCESSED": str(shipped_processed), "PYTHAINLP_READ_ONLY": "1"}
    papermill = Path(sys.executable).with_name("papermill")
    done = subprocess.run([str(papermill), str(NOTEBOOKS / notebook), "out.ipynb", "--kernel", "python3",
                           "--no-progress-bar"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    text = said(nb)
    assert ("74.83" in text) or ("58.13" in text)
    assert_clean(nb)
