"""render.py: paths, offline HTML with the embedded Thai font, escaping, failures, the A4 PDF, the index."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from conftest import MEMO_AGENCY_NAME, SHIPPED_RAW, run_cli

from itanb import paths, render
from itanb.errors import ItanbError, ParameterError
from itanb.render import export
from itanb.render.kinds import clean_params

SCRIPT = "<script>alert(1)</script>"
# PDFs need Debian's Pango/HarfBuzz (.ci/run installs them): in CI their absence fails, elsewhere it skips
MAKE_PDF = bool(os.environ.get("CI")) or render.pdf_unavailable() is None


def _require_pdf() -> None:
    if not MAKE_PDF:
        pytest.skip(render.pdf_unavailable() or "PDF support missing")


# ---------------------------------------------------------------------------------------------- helpers


class _Refs(HTMLParser):
    """Collects every reference a browser would fetch by itself (not plain <a> links)."""

    FETCHING = frozenset({"src", "href", "srcset", "poster", "data", "action", "formaction", "xlink:href",
                          "background"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "style" and value:
                self.refs += _css_refs(value)
            if name not in self.FETCHING or value is None or (tag == "a" and name == "href"):
                continue
            if not value.startswith(("data:", "#")):
                self.refs.append(f"<{tag} {name}={value[:80]}>")
        if tag == "meta" and any(n == "http-equiv" and (v or "").lower() == "refresh" for n, v in attrs):
            self.refs.append("<meta http-equiv=refresh>")
        if tag == "base":
            self.refs.append("<base>")
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.refs += _css_refs(data)


def _css_refs(css: str) -> list[str]:
    urls = re.findall(r"url\(\s*['\"]?([^'\")]*)", css)
    refs = [f"url({m[:80]})" for m in urls if not m.startswith("data:")]
    refs += [f"@import {m[:80]}" for m in re.findall(r"@import\s+([^;]+)", css)]
    return refs


def remote_references(html_text: str) -> list[str]:
    parser = _Refs()
    parser.feed(html_text)
    return parser.refs


def test_reference_checker_catches_what_it_should():
    page = ('<html><head><script src="https://cdn.example/x.js"></script>'
            '<link rel="stylesheet" href="//cdn.example/x.css"><style>@font-face{src:url(https://f/x.woff)}'
            '@import "https://x/y.css";</style></head><body><img src="a.png"><a href="https://ok">ok</a>'
            '<div style="background:url(http://x/y.png)"></div>'
            '<img src="data:image/png;base64,AA"></body></html>')
    refs = remote_references(page)
    assert len(refs) == 6, refs
    assert not any("https://ok" in r for r in refs)


def _pdf_text(pdf: Path, html_text: str) -> str:
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True)
        return done.stdout.decode("utf-8")
    from weasyprint import HTML  # no poppler: the text of WeasyPrint's own layout of the same HTML

    texts: list[str] = []

    def walk(box):
        if getattr(box, "text", None):
            texts.append(box.text)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in HTML(string=html_text).render().pages:
        walk(page._page_box)
    return " ".join(texts)


def _searchable(text: str) -> str:
    """Text compared without spaces, and with sara am as sara aa: HarfBuzz draws ำ as two glyphs (nikhahit +
    sara aa) and the PDF's text layer keeps only the sara aa, so pdftotext reads ตำบล as ตาบล although
    the page shows ตำบล (see the rendered page)."""
    return re.sub(r"\s+", "", text).replace("\u0e4d", "").replace("\u0e33", "\u0e32")


def _pdf_page_sizes(pdf: Path, html_text: str) -> list[tuple[float, float]]:
    """Page sizes in points, from pdfinfo (poppler) or else from WeasyPrint's layout of the same HTML."""
    if shutil.which("pdfinfo"):
        done = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True,
                              check=True)
        sizes = re.findall(r"Page\s+\d+\s+size:\s+([\d.]+) x ([\d.]+) pts", done.stdout)
        return [(float(w), float(h)) for w, h in sizes]
    from weasyprint import HTML

    return [(p.width * 0.75, p.height * 0.75) for p in HTML(string=html_text).render().pages]  # px -> pt


# ---------------------------------------------------------------------------------------------- paths


def test_report_paths_come_from_the_parameters(tmp_path):
    assert render.report_path(tmp_path, "fiscal-year", "sao-khok-sa-at", 2565) == \
        tmp_path / "2565" / "fiscal-year" / "sao-khok-sa-at.html"
    assert render.report_path(tmp_path, "year-over-year", "sao-khok-sa-at", None) == \
        tmp_path / "year-over-year" / "sao-khok-sa-at.html"
    assert render.report_path(tmp_path, "portfolio", None, "2565", ext="pdf") == \
        tmp_path / "2565" / "portfolio" / "all.pdf"
    assert render.report_path(tmp_path, "portfolio", "kalasin", 2564) == \
        tmp_path / "2564" / "portfolio" / "kalasin.html"


@pytest.mark.parametrize(("kind", "agency", "year", "message"), [
    ("fiscal-year", "../etc/passwd", 2565, "not a plain file name"),
    ("fiscal-year", "sao-khok-sa-at", "25x5", "not a year"),
    ("fiscal-year", "sao-khok-sa-at", 2022, "Buddhist Era"),
    ("monthly", "sao-khok-sa-at", 2565, "unknown report kind"),
])
def test_report_path_rejects_bad_parameters(tmp_path, kind, agency, year, message):
    with pytest.raises(ParameterError, match=message):
        render.report_path(tmp_path, kind, agency, year)


def test_portfolio_scope_is_ascii():
    assert render.portfolio_scope() == "all"
    assert render.portfolio_scope("กาฬสินธุ์") == "kalasin"
    assert render.portfolio_scope("จังหวัดกาญจนบุรี") == "kanchanaburi"
    scope = render.portfolio_scope("กาฬสินธุ์", "เมืองชัย")
    assert scope.startswith("kalasin--") and scope.isascii()


def test_bad_parameters_raise_before_any_kernel_starts(tmp_path):
    with pytest.raises(ParameterError, match="unknown: color"):
        render.render_report("fiscal-year", {"agency": "x", "fiscal_year": 2565, "color": "red"},
                             reports_dir=tmp_path)
    with pytest.raises(ParameterError, match="needs fiscal_year"):
        render.render_report("fiscal-year", {"agency": "x"}, reports_dir=tmp_path)
    assert not any(tmp_path.rglob("*.html"))


@pytest.mark.parametrize("kind", sorted(render.report_kinds()))
@pytest.mark.parametrize(("value", "expected"), [(True, True), ("false", False), ("True", True), (0, False)])
def test_every_kind_takes_thai_digits_as_a_bool(kind, value, expected):
    params = {"agency": "sao-khok-sa-at", "fiscal_year": 2565}
    if kind == "portfolio":
        params.pop("agency")
    spec = render.kind_of(kind)
    clean = clean_params(spec, {**params, "thai_digits": value})
    assert clean["thai_digits"] is expected  # a bool for papermill: the text "false" would be true
    assert "thai_digits" not in clean_params(spec, params)  # the notebook's default
    assert "thai_digits" not in clean_params(spec, {**params, "thai_digits": None})


def test_bad_thai_digits_raise_before_any_kernel_starts(tmp_path):
    with pytest.raises(ParameterError, match="thai_digits must be True or False, got 'maybe'"):
        render.render_report("fiscal-year", {"agency": "x", "fiscal_year": 2565, "thai_digits": "maybe"},
                             reports_dir=tmp_path)
    with pytest.raises(ParameterError, match=r"takes agency, fiscal_year \(and optionally thai_digits\)"):
        render.render_report("fiscal-year", {"agency": "x", "fiscal_year": 2565, "digits": "thai"},
                             reports_dir=tmp_path)
    assert not any(tmp_path.rglob("*.html"))


# ---------------------------------------------------------------------------------------------- a real report


@pytest.fixture(scope="module")
def fiscal_report(tmp_path_factory, shipped_processed, memo_agency_id):
    reports = tmp_path_factory.mktemp("reports")
    result = render.render_report("fiscal-year", {"agency": memo_agency_id, "fiscal_year": 2565},
                                  reports_dir=reports, raw_dir=SHIPPED_RAW, processed_dir=shipped_processed,
                                  pdf=MAKE_PDF)
    assert result.ok, result.summary()
    return result


@pytest.mark.slow
def test_report_is_written_where_report_path_says(fiscal_report, memo_agency_id):
    _require_pdf()
    reports = fiscal_report.html.parents[2]
    assert fiscal_report.html == render.report_path(reports, "fiscal-year", memo_agency_id, 2565)
    assert fiscal_report.pdf == fiscal_report.html.with_suffix(".pdf")
    leftovers = sorted(p.name for p in fiscal_report.html.parent.iterdir())
    assert leftovers == [f"{memo_agency_id}.html", f"{memo_agency_id}.pdf"]  # no temp or failed files


@pytest.mark.slow
def test_report_is_offline(fiscal_report):
    text = fiscal_report.html.read_text(encoding="utf-8")
    assert remote_references(text) == []
    assert "<script" not in text.lower()  # no require.js, MathJax, mermaid, widgets: no script at all
    for cdn in ("cdnjs", "unpkg", "jsdelivr", "mathjax", "require.js", "mermaid", "fonts.googleapis"):
        assert cdn not in text.lower()


@pytest.mark.slow
def test_report_embeds_the_thai_font_and_its_licence(fiscal_report):
    text = fiscal_report.html.read_text(encoding="utf-8")
    import io

    from fontTools.ttLib import TTFont

    faces = re.findall(r"@font-face\s*\{[^}]*font-family:\s*\"Sarabun\"[^}]*"
                       r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", text)
    assert len(faces) == 2
    font = TTFont(io.BytesIO(base64.b64decode(faces[0])))  # subset to the page, shaping tables kept
    assert {"GSUB", "GPOS", "GDEF"} <= set(font.keys())
    assert {ord(c) for c in MEMO_AGENCY_NAME} <= set(font.getBestCmap())
    assert len(text.encode("utf-8")) <= 100 * 1024  # a fiscal-year report: at most 100 KB
    assert "SIL Open Font License" in text
    assert 'lang="th"' in text
    assert "font-family: \"Sarabun\"" in text


@pytest.mark.slow
def test_report_shows_no_code_and_no_prompts(fiscal_report):
    text = fiscal_report.html.read_text(encoding="utf-8")
    assert "check_params" not in text and "import" not in text.split("</head>")[1]
    assert "In&nbsp;[" not in text and "Out[" not in text
    assert MEMO_AGENCY_NAME in text and "74.83" in text
    title = re.search(r"<title>(.*?)</title>", text).group(1)
    assert MEMO_AGENCY_NAME in title and "2565" in title


@pytest.mark.slow
def test_report_outputs_have_no_font_warnings(fiscal_report):
    streams = [o.get("text", "") for c in fiscal_report.notebook.cells for o in c.get("outputs", ())
               if o.get("output_type") == "stream"]
    joined = "".join(streams)
    assert "missing from font" not in joined and "Glyph" not in joined


@pytest.mark.slow
def test_pdf_is_a4_and_has_the_thai_text(fiscal_report):
    _require_pdf()
    html_text = fiscal_report.html.read_text(encoding="utf-8")
    assert fiscal_report.pdf.read_bytes().startswith(b"%PDF-")
    sizes = _pdf_page_sizes(fiscal_report.pdf, html_text)
    assert sizes, "no page in the PDF"
    for width, height in sizes:
        assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1  # A4 in points
    text = _searchable(_pdf_text(fiscal_report.pdf, html_text))
    assert _searchable(MEMO_AGENCY_NAME) in text
    assert "74.83" in text
    assert _searchable("ดำเนินงานเสร็จแล้ว 12 จาก 12 มาตรการ") in text
    assert _searchable("ระดับที่รายงาน E ไม่ตรงกับระดับที่คำนวณได้ C จากคะแนน 74.83") in text
    if shutil.which("pdffonts"):
        fonts_used = subprocess.run(["pdffonts", str(fiscal_report.pdf)], capture_output=True, text=True,
                                    check=True).stdout
        assert "Sarabun" in fonts_used
        assert all("Sarabun" in line for line in fonts_used.splitlines()[2:] if line.strip())


# ---------------------------------------------------------------------------------------------- escaping


@pytest.fixture(scope="module")
def hostile_processed(tmp_path_factory, shipped_tables, memo_agency_id):
    """The shipped tables with markup in a measure, an owner and the agency's district."""
    from itanb.store import write_tables

    measures = shipped_tables.measures.copy()
    first = measures.index[measures["agency_id"] == memo_agency_id][0]
    measures.loc[first, "measure"] = SCRIPT
    measures.at[first, "owners"] = ['<img src=x onerror="alert(2)">', "สำนักปลัด"]
    agencies = shipped_tables.agencies.copy()
    agencies.loc[agencies["agency_id"] == memo_agency_id, "district"] = "<b>เมืองชัย</b>&amp;"
    out = tmp_path_factory.mktemp("hostile")
    write_tables(shipped_tables._replace(measures=measures, agencies=agencies), out)
    return out


@pytest.mark.slow
def test_markup_in_the_data_is_shown_as_text(tmp_path, hostile_processed, memo_agency_id):
    result = render.render_report("fiscal-year", {"agency": memo_agency_id, "fiscal_year": 2565},
                                  reports_dir=tmp_path, raw_dir=SHIPPED_RAW, processed_dir=hostile_processed)
    assert result.ok, result.summary()
    text = result.html.read_text(encoding="utf-8")
    assert SCRIPT not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script" not in text.lower()
    assert "<img src=x" not in text and "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in text
    assert "<b>เมืองชัย</b>" not in text and "&lt;b&gt;เมืองชัย&lt;/b&gt;&amp;amp;" in text
    assert remote_references(text) == []


# ---------------------------------------------------------------------------------------------- failures


@pytest.mark.slow
def test_failed_run_keeps_the_executed_notebook_and_names_the_cell(tmp_path, shipped_processed):
    result = render.render_report("fiscal-year", {"agency": "sao-khok-sa-ad", "fiscal_year": 2565},
                                  reports_dir=tmp_path, processed_dir=shipped_processed)
    assert not result.ok
    assert not result.html.exists()
    assert result.error_name == "ParameterError"
    assert "unknown agency 'sao-khok-sa-ad'" in result.error
    assert "did you mean sao-khok-sa-at?" in result.error
    source = nbformat.read(paths.NOTEBOOKS / "fiscal_year_report.ipynb", as_version=4)
    check_cell = next(i for i, c in enumerate(source.cells)
                      if c.source.startswith("ctx = views.check_params"))
    assert result.cell_index == check_cell
    assert result.cell_source.startswith("ctx = views.check_params(")
    assert result.failed_notebook == paths.CACHE / "failed" / "2565" / "fiscal-year" / "sao-khok-sa-ad.ipynb"
    assert list(tmp_path.iterdir()) == []  # the reports folder: nothing written, not even a folder
    kept = nbformat.read(result.failed_notebook, as_version=4)
    assert any(o.get("ename") == "ParameterError" for c in kept.cells for o in c.get("outputs", ()))
    assert f"at cell {check_cell}" in result.summary()
    with pytest.raises(render.ReportFailed, match="unknown agency"):
        result.raise_for_error()


@pytest.mark.slow
def test_failure_in_a_later_cell_is_named_by_its_index(tmp_path, shipped_processed,
                                                        memo_agency_id):
    book = nbformat.read(paths.NOTEBOOKS / "fiscal_year_report.ipynb", as_version=4)
    book.cells.insert(7, nbformat.v4.new_code_cell("1 / 0  # a broken cell"))
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(book, folder / "fiscal_year_report.ipynb")
    result = render.render_report("fiscal-year", {"agency": memo_agency_id, "fiscal_year": 2565},
                                  reports_dir=tmp_path / "reports", processed_dir=shipped_processed,
                                  notebooks_dir=folder)
    assert not result.ok
    assert (result.cell_index, result.cell_source) == (7, "1 / 0  # a broken cell")
    assert result.error_name == "ZeroDivisionError" and "division by zero" in result.error
    assert result.failed_notebook.exists() and not result.html.exists()


# ---------------------------------------------------------------------------------------------- index and CLI


@pytest.mark.slow
def test_index_lists_every_report_with_relative_links(fiscal_report, memo_agency_id, shipped_processed):
    _require_pdf()
    reports = fiscal_report.html.parents[2]
    evil = reports / "2565" / "fiscal-year" / "evil.html"
    evil.write_text("<html><head><title>&lt;script&gt;alert(1)&lt;/script&gt;</title></head></html>",
                    encoding="utf-8")
    try:
        index = render.write_index(reports, shipped_processed)
        text = index.read_text(encoding="utf-8")
        province = (reports / "2565" / "kalasin.html").read_text(encoding="utf-8")
        unknown = (reports / "2565" / "no-province.html").read_text(encoding="utf-8")
    finally:
        evil.unlink()
    assert index == reports / "index.html"
    assert 'href="2565/kalasin.html"' in text and "กาฬสินธุ์" in text and "พ.ศ. 2565" in text
    assert f'href="fiscal-year/{memo_agency_id}.html"' in province
    assert f'href="fiscal-year/{memo_agency_id}.pdf"' in province
    assert MEMO_AGENCY_NAME in province and "ปีงบประมาณ พ.ศ. 2565" in province
    assert 'href="fiscal-year/evil.html"' in unknown  # a report of no known agency: by its file name
    for page in (text, province, unknown):
        assert SCRIPT not in page and remote_references(page) == []
        assert "<script" not in page.lower()


def test_index_of_an_empty_folder(tmp_path):
    text = render.write_index(tmp_path).read_text(encoding="utf-8")
    assert "ยังไม่มีรายงาน" in text


@pytest.mark.slow
def test_report_cli(tmp_path, shipped_processed, memo_agency_id):
    common = ["--raw", SHIPPED_RAW, "--processed", shipped_processed, "--reports", tmp_path]
    done = run_cli("report", "--kind", "year-over-year", "--agency", memo_agency_id, *common)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "year-over-year" / f"{memo_agency_id}.html")

    refused = tmp_path / "refused"
    done = run_cli("report", "--agency", "no-such-agency", "--year", "2565", *common[:-1], refused)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "unknown agency 'no-such-agency'" in done.stderr
    assert not refused.exists()  # a refused parameter writes nothing, not even the reports folder

    done = run_cli("report", "--agency", memo_agency_id, *common)
    assert (done.returncode, done.stderr.strip()) == (2, "itanb: fiscal-year report needs fiscal_year")
    done = run_cli("report", "--kind", "portfolio", "--agency", memo_agency_id, "--year", "2565", *common)
    assert done.returncode == 2 and "does not apply to a portfolio report" in done.stderr
    done = run_cli("report", "--kind", "monthly", "--year", "2565", *common)
    assert done.returncode == 2
    assert "unknown report kind 'monthly'; known: fiscal-year, portfolio" in done.stderr


def test_pdf_without_the_system_libraries_is_one_clear_line(monkeypatch, tmp_path):
    monkeypatch.setattr(export, "pdf_unavailable", lambda: "PDF reports need Debian's Pango (test)")
    with pytest.raises(ItanbError, match=r"^PDF reports need Debian's Pango \(test\)$"):
        export.html_to_pdf("<p>x</p>", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
