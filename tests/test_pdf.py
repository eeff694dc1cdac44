"""PDF reports: a true text layer (pdftotext reads back the report's Thai exactly), the title and page
numbers in the margins, table rows kept on one page."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from itanb import pdf, render, views

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_RAW = ROOT / "data" / "raw"
# In CI (.ci/run installs chromium and poppler-utils) their absence fails; elsewhere it skips.
CI = bool(os.environ.get("CI"))

pytestmark = pytest.mark.slow


def _require(what: str, present: bool) -> None:
    if not present:
        if CI:
            pytest.fail(f"{what} is missing in CI (.ci/run installs it)")
        pytest.skip(f"{what} is not installed")


def pages_lines(pdf_file: Path) -> list[list[str]]:
    """The text lines of each page, as poppler's pdftotext reads them (whitespace-trimmed, none empty)."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_file), "-"], capture_output=True,
                          text=True, check=True)
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in done.stdout.split("\f")]


def _squash(text: str) -> str:
    return "".join(text.split())


def composed(value: str, lines: list[str]) -> bool:
    """Whether ``value`` is exactly a run of extracted lines (a table cell wraps into several; spaces at a
    wrap are not compared). A line may also hold the neighbouring cell ("1 -มีแนวทาง…": the row number
    and the measure's first line), so whole space-separated runs of a line count as pieces too. A corrupted
    character anywhere (ตาบล for ตำบล, ที่ต้ัง for ที่ตั้ง) makes it false."""
    target, pieces = _squash(value), set()
    for line in lines:
        words = line.split()
        pieces |= {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
    # dynamic programming over positions of ``target``: which prefixes are runs of whole lines
    ok = [False] * (len(target) + 1)
    ok[0] = True
    for i in range(len(target)):
        if not ok[i]:
            continue
        for piece in pieces:
            if target.startswith(piece, i):
                ok[i + len(piece)] = True
    return ok[len(target)]


def expected_lines(ctx: views.Context) -> list[str]:
    """Every Thai text of the report's headline and measures table, as the report shows it."""
    values = [v for pair in views.headline_facts(ctx) for v in pair]
    frame = views.measures_frame(ctx)
    for rec in frame.to_dict("records"):
        for column in ("มาตรการ", "ขั้นตอน", "ผู้รับผิดชอบ", "กำหนดเสร็จ", "สถานะ"):
            value = rec[column]
            values.append(", ".join(value) if isinstance(value, list) else str(value))
    return [v for v in values if any("\u0e00" <= ch <= "\u0e7f" for ch in v)]


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory, shipped_processed, memo_agency_id):
    _require("/usr/bin/chromium (or ITANB_CHROMIUM)", pdf.chromium() is not None)
    _require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None)
    folder = tmp_path_factory.mktemp("pdf")
    result = render.render_report("fiscal-year", {"agency": memo_agency_id, "fiscal_year": 2565},
                                  reports_dir=folder, raw_dir=SHIPPED_RAW, processed_dir=shipped_processed,
                                  pdf=True, xlsx=True, docx=True)
    assert result.ok, result.summary()
    out = result.pdf
    assert out == result.html.with_suffix(".pdf") and result.xlsx == result.html.with_suffix(".xlsx")
    assert result.docx == result.html.with_suffix(".docx")
    ctx = views.check_params("fiscal-year", agency=memo_agency_id, fiscal_year=2565,
                             processed_dir=shipped_processed, raw_dir=SHIPPED_RAW)
    return out, result.title, ctx


def test_pdf_text_layer_has_every_thai_line_of_headline_and_measures(report_pdf):
    out, _, ctx = report_pdf
    lines = [line for page in pages_lines(out) for line in page]
    expected = expected_lines(ctx)
    assert len(expected) > 40
    assert [value for value in expected if not composed(value, lines)] == []
    for word in ("องค์การบริหารส่วนตำบลโคกสะอาด", "อำเภอฆ้องชัย จังหวัดกาฬสินธุ์", "ที่ตั้ง"):
        assert any(word in line for line in lines), word


CHART_WORDS = ("คะแนน ITA รายปีงบประมาณ", "ปีงบประมาณ (พ.ศ.)", "คะแนนของหน่วยงาน", "ค่าเฉลี่ยระดับประเทศ")


def _charts_are_vectors_with_their_text(pdf_file: Path) -> None:
    """The report's charts are in ``pdf_file`` as vectors (no raster image at all) with their Thai text in
    the text layer, and every font is the embedded Sarabun."""
    text = " ".join(line for page in pages_lines(pdf_file) for line in page)
    assert [words for words in CHART_WORDS if words not in text] == []
    images = subprocess.run(["pdfimages", "-list", str(pdf_file)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert images == []
    fonts = subprocess.run(["pdffonts", str(pdf_file)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all("Sarabun" in line.split()[0] for line in fonts), fonts


def test_the_charts_are_vectors_with_their_text_in_the_text_layer(report_pdf):
    out, _, _ = report_pdf
    _charts_are_vectors_with_their_text(out)


def test_weasyprint_draws_the_charts_with_their_text_searchable(report_pdf, tmp_path, monkeypatch):
    """WeasyPrint (the fallback) lays an SVG text out one code point at a time: its PDF gets each chart text
    as its outline shaped by matplotlib (tests/test_charts.py checks the stacking) over the text itself,
    unpainted, which search and copy still find."""
    out, _, _ = report_pdf
    _require("WeasyPrint", pdf.weasyprint_unavailable() is None)
    monkeypatch.setenv("ITANB_PDF_ENGINE", "weasyprint")
    printed = tmp_path / "weasyprint.pdf"
    printed.write_bytes(pdf.pdf_bytes(out.with_suffix(".html").read_text(encoding="utf-8")))
    _charts_are_vectors_with_their_text(printed)


def test_the_line_check_would_catch_a_broken_sara_am():
    assert composed("องค์การบริหารส่วนตำบลโคกสะอาด", ["องค์การบริหารส่วนตำบลโคก", "สะอาด"])
    assert not composed("องค์การบริหารส่วนตำบลโคกสะอาด", ["องค์การบริหารส่วนตาบลโคก", "สะอาด"])
    assert not composed("ที่ตั้ง", ["ที่ต้ัง"])
    assert not composed("ขั้นตอน", ["ขั้น"])  # a part is not the whole


def test_every_measure_is_on_one_page(report_pdf):
    """Table rows are not split across pages: each measure's cells are read back from a single page."""
    out, _, ctx = report_pdf
    pages = pages_lines(out)
    assert len(pages) > 1
    for rec in views.measures_frame(ctx).to_dict("records"):
        cells = [rec["มาตรการ"], rec["ขั้นตอน"]]
        assert any(all(composed(c, page) for c in cells) for page in pages), rec["มาตรการ"]


def test_title_and_page_numbers_in_the_margins(report_pdf):
    out, title, _ = report_pdf
    pages = [p for p in pages_lines(out) if p]
    count = len(pages)
    assert count > 1
    for number, page in enumerate(pages, start=1):
        assert page[0] == title, number  # the top margin comes first on every page
        assert _squash(page[-1]) == f"{number}/{count}", page[-1]


def test_pdf_is_a4_and_names_no_path(report_pdf, tmp_path):
    out, title, _ = report_pdf
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    width, height = (float(x) for x in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1
    assert title in info  # the document title is the report's
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for where in (str(ROOT), str(tmp_path.parent), "file:"):
        assert where not in text and where.encode() not in out.read_bytes()


def test_css_string_escapes_quotes_and_line_breaks():
    assert pdf._css_string('a "b" \\ c\nd') == '"a \\22 b\\22  \\5c  c\\a d"'
    page = "<html><head><title>x &amp; y</title></head><body></body></html>"
    printed = pdf.for_print(page)
    assert '@top-center { content: "x & y"' in printed
    assert printed.index("@top-center") < printed.index("</head>")


def test_an_unknown_engine_is_one_clear_line(monkeypatch):
    from itanb.errors import ItanbError

    monkeypatch.setenv("ITANB_PDF_ENGINE", "acrobat")
    with pytest.raises(ItanbError, match="ITANB_PDF_ENGINE='acrobat'"):
        pdf.engine()
    monkeypatch.setenv("ITANB_PDF_ENGINE", "chromium")
    monkeypatch.setenv("ITANB_CHROMIUM", "/nonexistent/chromium")
    assert "no Chromium" in pdf.unavailable()


def _generated_text(path: Path) -> str:
    """A generated file as text to search: HTML as is (base64 data left out), a PDF's bytes and its text
    layer, an Office file's unzipped parts."""
    import re
    import zipfile

    data = path.read_bytes()
    if path.suffix in (".xlsx", ".docx"):
        with zipfile.ZipFile(path) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    text = data.decode("utf-8", "replace")
    if path.suffix == ".pdf":
        layer = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
        text += layer.stdout
    return re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,", text)


def test_no_generated_file_names_this_machine(report_pdf, tmp_path, shipped_processed):
    import socket

    out, _, _ = report_pdf
    folder = out.parents[2]
    for kind, params in (("portfolio", {"fiscal_year": 2564}), ("year-over-year", {"agency": out.stem})):
        result = render.render_report(kind, params, reports_dir=folder, raw_dir=SHIPPED_RAW,
                                      processed_dir=shipped_processed, pdf=True, xlsx=True)
        assert result.ok, result.summary()
    render.write_index(folder, shipped_processed)
    files = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert {p.suffix for p in files} >= {".html", ".pdf", ".xlsx", ".docx"} and len(files) >= 10
    machine = [str(ROOT), str(shipped_processed), str(folder), str(Path.home())]
    host = socket.gethostname()
    for path in files:
        text = _generated_text(path)
        for where in machine:
            assert where not in text, (path.relative_to(folder), where)
        if len(host) >= 6:
            assert host not in text, (path.relative_to(folder), "host name")
