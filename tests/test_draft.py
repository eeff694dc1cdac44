"""The Word draft of an agency's own analysis (itanb.draft, ``--docx``): opened with python-docx, it holds
the ten indicators as the fiscal-year report shows them and every measure of the real memo with its owners,
deadline and status, is marked as a draft, is set in TH Sarabun New 16 pt (the complex-script attributes
too), leaves marked places for the agency's text, and renders its Thai exactly in headless LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from conftest import SHIPPED_RAW, run_cli
from docx.oxml.ns import qn
from fixtures import libreoffice
from fixtures.synthetic_agency import AGENCY_ID, SCORES, synthetic_indicator_tables

from itanb import compare, draft, views
from itanb.errors import ParameterError
from itanb.render.execute import ReportResult, _companion
from itanb.store import load_tables, write_tables

CI = bool(os.environ.get("CI"))  # .ci/run installs LibreOffice and poppler-utils: their absence fails there


def _open(data: bytes, path: Path) -> docx.document.Document:
    path.write_bytes(data)
    return docx.Document(str(path))


def _rows(document) -> list[list[str]]:
    return [[c.text for c in row.cells] for table in document.tables for row in table.rows]


@pytest.fixture(scope="module")
def shipped_draft(tmp_path_factory, shipped_processed, memo_agency_id):
    path = tmp_path_factory.mktemp("draft") / "draft.docx"
    data = draft.report_draft("fiscal-year", {"agency": memo_agency_id, "fiscal_year": 2565},
                              processed_dir=shipped_processed, raw_dir=SHIPPED_RAW)
    return _open(data, path), path


@pytest.fixture(scope="module")
def synthetic_processed(tmp_path_factory) -> Path:
    """The SYNTHETIC example agencies with SYNTHETIC indicator and tool scores, as a processed folder."""
    out = tmp_path_factory.mktemp("synthetic") / "processed"
    write_tables(synthetic_indicator_tables(), out)
    return out


def test_marked_as_draft_in_title_header_footer_and_properties(shipped_draft):
    document, _ = shipped_draft
    title = document.paragraphs[0]
    assert title.style.name == "Title"
    assert title.text.startswith("ร่างรายงานการวิเคราะห์ผลการประเมิน ITA ปีงบประมาณ พ.ศ. 2565")
    assert "องค์การบริหารส่วนตำบลโคกสะอาด" in title.text
    section = document.sections[0]
    assert section.header.paragraphs[0].text.startswith("ร่าง")
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("ร่าง")
    assert footer._p.find(qn("w:fldSimple")).get(qn("w:instr")) == "PAGE"  # the page number
    assert "ร่าง" in document.core_properties.title and document.core_properties.category == "ร่าง"
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7  # A4


def _fonts_and_size(rpr) -> tuple[dict, str | None, str | None]:
    fonts = rpr.find(qn("w:rFonts"))
    size, size_cs = rpr.find(qn("w:sz")), rpr.find(qn("w:szCs"))
    return (dict(fonts.attrib) if fonts is not None else {},
            size.get(qn("w:val")) if size is not None else None,
            size_cs.get(qn("w:val")) if size_cs is not None else None)


def test_th_sarabun_new_16pt_as_a_complex_script(shipped_draft):
    document, path = shipped_draft
    styles = document.styles.element
    default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for rpr in (default, document.styles["Normal"].element.rPr):
        fonts, size, size_cs = _fonts_and_size(rpr)
        assert {fonts[qn(a)] for a in ("w:ascii", "w:hAnsi", "w:cs")} == {"TH Sarabun New"}
        assert not [a for a in fonts if a.lower().endswith("theme")]  # a theme font would win
        assert size == size_cs == "32"  # 16 pt, for Latin and for Thai (complex script)
    assert default.find(qn("w:lang")).get(qn("w:bidi")) == "th-TH"
    # headings keep the font (no theme font left in the styles a draft uses)
    for name in ("Title", "Heading 1", "Heading 2", "Header", "Footer", draft.TABLE_STYLE):
        fonts, _, size_cs = _fonts_and_size(document.styles[name].element.rPr)
        assert fonts[qn("w:cs")] == "TH Sarabun New", name
    _, size, size_cs = _fonts_and_size(document.styles[draft.TABLE_STYLE].element.rPr)
    assert size == size_cs == "28"  # table text at 14 pt, the wide indicator table fits the page
    assert {p.style.name for t in document.tables for row in t.rows for c in row.cells
            for p in c.paragraphs} == {draft.TABLE_STYLE}
    # no run of the body sets another font or size
    body = document.element.body
    assert all(set(el.attrib.values()) == {"TH Sarabun New"} for el in body.iter(qn("w:rFonts")))
    assert not list(body.iter(qn("w:sz"))) and not list(body.iter(qn("w:szCs")))
    # the font table offers Sarabun, which itanb ships, for TH Sarabun New
    import zipfile

    with zipfile.ZipFile(path) as archive:
        table = archive.read("word/fontTable.xml").decode("utf-8")
    assert 'w:name="TH Sarabun New"' in table and 'w:altName w:val="Sarabun"' in table


def test_every_measure_with_owners_deadline_and_status(shipped_draft, shipped_tables, memo_agency_id):
    document, _ = shipped_draft
    rows = {r[1]: r for r in _rows(document) if len(r) == 5}
    m = shipped_tables.measures
    m = m[(m["agency_id"] == memo_agency_id) & (m["fiscal_year"] == 2565)]
    assert len(m) == 12
    for rec in m.itertuples(index=False):
        row = rows[rec.measure]
        assert row[0] == str(rec.no)
        assert row[2] == ", ".join(rec.owners)
        assert row[3] == views.fmt_date(rec.due)
        assert row[4].startswith(views.STATUS_LABELS[rec.status])


def test_the_ten_indicators_without_scores_are_listed_to_fill_in(shipped_draft):
    document, _ = shipped_draft
    names = compare.indicators()["name"].tolist()
    rows = [r for r in _rows(document) if len(r) == 4 and r[1] in names]
    assert [r[1] for r in rows] == names and {r[3] for r in rows} == {"–"}
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ยังไม่มีคะแนนรายตัวชี้วัด" in text


def test_places_for_the_agency_are_marked_and_shaded(shipped_draft):
    document, _ = shipped_draft
    for key in draft.PROMPTS:
        [place] = [p for p in document.paragraphs if p.text == draft.placeholder(key)]
        assert place.text.startswith("[หน่วยงานเขียนการวิเคราะห์ของตนที่นี่")
        assert place._p.pPr.find(qn("w:shd")).get(qn("w:fill")) == draft.PLACE_FILL


def test_published_score_is_cited(shipped_draft):
    document, _ = shipped_draft
    facts = {r[0]: r[1] for r in _rows(document) if len(r) == 2}
    assert facts["คะแนน"] == "100.00"
    assert facts["ที่มาของคะแนน"].startswith("รายงานผลการประเมิน ITA")  # in Thai, with its address
    assert facts["ที่มาของคะแนน"].endswith("https://www.thaigov.go.th/news/contents/details/64134")


def test_indicator_scores_are_those_of_the_fiscal_year_report(tmp_path, synthetic_processed):
    """SYNTHETIC scores: the draft's indicator and tool rows are the cells of the report's own tables."""
    data = draft.report_draft("fiscal-year", {"agency": AGENCY_ID, "fiscal_year": 2566},
                              processed_dir=synthetic_processed, raw_dir=tmp_path)
    document = _open(data, tmp_path / "s.docx")
    ctx = views.check_params("fiscal-year", agency=AGENCY_ID, fiscal_year=2566,
                             processed_dir=str(synthetic_processed), raw_dir=str(tmp_path))
    report = views.indicator_scores_table(ctx).data  # what the fiscal-year report shows
    rows = [r for r in _rows(document) if len(r) == 9]
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, 11)]
    assert [r[3] for r in rows[1:]] == [f"{s:.2f}" for s in SCORES[(AGENCY_ID, 2566)]]
    for row in rows[1:]:
        assert "".join(f"<td{' class=num' if i in {0, 3, 4, 5, 6} else ''}>{views.esc(c)}</td>"
                       for i, c in enumerate(row)) in report
    tools = [r for r in _rows(document) if len(r) == 3 and r[0].startswith(("IIT", "EIT", "OIT"))]
    assert [r[0] for r in tools] == ["IIT", "EIT", "EIT ส่วนที่ 1", "EIT ส่วนที่ 2", "OIT"]
    text = "\n".join(p.text for p in document.paragraphs)
    # the weak indicators of FY2565 against FY2566's measures: indicator 10 (60.00) is answered by none
    assert "ตัวชี้วัดที่ 10" in text and "ไม่มีมาตรการของปีนี้ที่ตอบตัวชี้วัดนี้" in text
    assert "SYNTHETIC" in document.paragraphs[0].text  # synthetic data says so in the title


def test_thai_digits_follow_the_parameter(tmp_path, synthetic_processed):
    data = draft.report_draft("fiscal-year", {"agency": AGENCY_ID, "fiscal_year": 2566, "thai_digits": True},
                              processed_dir=synthetic_processed, raw_dir=tmp_path)
    document = _open(data, tmp_path / "t.docx")
    assert "พ.ศ. ๒๕๖๖" in document.paragraphs[0].text
    assert any(r[0] == "๑๐" and r[3] == "๖๒.๐๐" for r in _rows(document))


def test_bad_input_is_one_line_and_writes_nothing(tmp_path, shipped_processed, shipped_tables,
                                                   memo_agency_id):
    with pytest.raises(ParameterError, match="unknown agency 'nobody'"):
        draft.report_draft("fiscal-year", {"agency": "nobody", "fiscal_year": 2565},
                           processed_dir=shipped_processed, raw_dir=tmp_path)
    with pytest.raises(ParameterError, match="not portfolio"):
        draft.report_draft("portfolio", {"fiscal_year": 2565}, processed_dir=shipped_processed,
                           raw_dir=tmp_path)

    # measures of FY2565 but no score up to it: no result to analyse; the report stands, no draft is made
    unscored = _unscored(tmp_path, shipped_tables, memo_agency_id)
    tables = load_tables(unscored)
    assert not draft.applies(tables, memo_agency_id, 2565)
    assert draft.applies(shipped_tables, memo_agency_id, 2565)
    reports = tmp_path / "reports"
    reports.mkdir()
    result = ReportResult(kind="fiscal-year", params={}, html=reports / f"{memo_agency_id}.html")
    _companion(result, "fiscal-year", {"agency": memo_agency_id, "fiscal_year": 2565},
               (".docx", "Word", "draft.report_draft"), processed_dir=unscored, raw_dir=tmp_path)
    assert result.ok and result.docx is None
    [line] = result.skipped
    assert line.startswith("Word not written: no ITA score for sao-khok-sa-at up to fiscal year 2565")
    assert "\n" not in line
    assert list(reports.iterdir()) == []  # no .docx, no temporary file


def _unscored(tmp_path: Path, tables, agency_id: str) -> Path:
    """The shipped tables without ``agency_id``'s scores (its FY2565 measures stay), as a processed folder."""
    out = tmp_path / "unscored"
    a = tables.assessments
    write_tables(tables._replace(assessments=a[a["agency_id"] != agency_id]), out)
    return out


@pytest.mark.slow
def test_report_docx_without_a_score_is_one_line_exit_2(tmp_path, shipped_tables, memo_agency_id):
    unscored = _unscored(tmp_path, shipped_tables, memo_agency_id)
    done = run_cli("report", "--agency", memo_agency_id, "--year", "2565", "--docx", "--raw", SHIPPED_RAW,
                   "--processed", unscored, "--reports", tmp_path / "reports")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "itanb: HTML written; Word not written: no ITA score for sao-khok-sa-at up to fiscal year 2565, so "
        "there is no result to analyse; years with a score: none"]
    folder = tmp_path / "reports" / "2565" / "fiscal-year"
    assert sorted(p.name for p in folder.iterdir()) == [f"{memo_agency_id}.html"]  # the report, no draft


def test_cli_refuses_docx_for_another_kind(tmp_path):
    done = run_cli("report", "--kind", "portfolio", "--year", "2565", "--docx", "--reports", tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "itanb: --docx (the Word draft of an agency's analysis) goes with --kind fiscal-year, not portfolio"]
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------ LibreOffice


def _require(what: str, present: bool) -> None:
    if not present:
        if CI:
            pytest.fail(f"{what} is missing in CI (.ci/run installs it)")
        pytest.skip(f"{what} is not installed")


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.slow
def test_libreoffice_renders_the_thai_exactly_in_sarabun(tmp_path, shipped_draft, shipped_tables,
                                                          memo_agency_id):
    """Headless LibreOffice (Debian's libreoffice-writer-nogui) prints the draft to PDF; fontconfig sees only
    the Sarabun that itanb ships, with TH Sarabun New mapped to it, so no system font is involved."""
    _require("LibreOffice (libreoffice-writer-nogui)", shutil.which("soffice") is not None)
    _require("pdftotext and pdffonts (poppler-utils)", shutil.which("pdftotext") and shutil.which("pdffonts"))
    _, source = shipped_draft
    pdf = libreoffice.convert(source, "pdf", tmp_path, alias="TH Sarabun New")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert names and all(n.split("+")[-1].startswith("Sarabun-") for n in names), fonts
    # -raw: the order the text was drawn in (the layout mode sorts marks by their position)
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for line in ("ร่างรายงานการวิเคราะห์ผลการประเมิน ITA", draft.DRAFT_MARK, "ที่ตั้ง อำเภอฆ้องชัย จังหวัดกาฬสินธุ์",
                 "ดีขึ้น"):
        assert line in text, line
    squashed = _squash(text)
    m = shipped_tables.measures
    m = m[(m["agency_id"] == memo_agency_id) & (m["fiscal_year"] == 2565)]
    expected = [*m["measure"], *(", ".join(o) for o in m["owners"]), *map(draft.placeholder, draft.PROMPTS),
                "องค์การบริหารส่วนตำบลโคกสะอาด", *compare.indicators()["name"]]
    missing = [e for e in expected if _squash(e) not in squashed]
    assert not missing, missing
