"""A report opened in headless Chromium with the network off: nothing fails, Thai text in Sarabun."""

from __future__ import annotations

from pathlib import Path

import pytest

from itanb import render

SHIPPED_RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
MEMO_AGENCY_NAME = "องค์การบริหารส่วนตำบลโคกสะอาด"

pytestmark = pytest.mark.slow


# Each chart (inline SVG): its name, its width on the page, and the width the browser gives its first Thai
# text, against the same text set in an HTML span in Sarabun and in a serif font at the same size: equal
# to the first when the chart's text is set in the page's embedded Sarabun.
CHARTS_JS = """() => [...document.querySelectorAll('.itanb-chart svg')].map(svg => {
  const text = [...svg.querySelectorAll('text')].find(t => /[\u0e00-\u0e7f]/.test(t.textContent));
  const size = getComputedStyle(text).fontSize;
  const span = family => {
    const s = document.createElement('span');
    s.style.font = size + ' ' + family;
    s.style.whiteSpace = 'pre';
    s.textContent = text.textContent;
    document.body.appendChild(s);
    const width = s.getBoundingClientRect().width;
    s.remove();
    return width;
  };
  return {role: svg.getAttribute('role'), label: svg.getAttribute('aria-label'),
          width: svg.getBoundingClientRect().width, text: text.textContent,
          in_svg: text.getComputedTextLength(), sarabun: span('Sarabun'), serif: span('serif')};
})"""


def open_offline(browser, page_path: Path, screenshot: Path) -> dict:
    """Open ``page_path`` with the network off; return what happened (requests, failures, console errors)."""
    context = browser.new_context(offline=True, viewport={"width": 1000, "height": 1400})
    seen = {"requests": [], "blocked": [], "failed": [], "console_errors": [], "page_errors": []}

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:")):
            r.continue_()
        else:
            seen["blocked"].append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda req: seen["requests"].append(req.url[:100]))
    page.on("requestfailed", lambda req: seen["failed"].append(req.url[:100]))
    page.on("console", lambda msg: msg.type == "error" and seen["console_errors"].append(msg.text))
    page.on("pageerror", lambda exc: seen["page_errors"].append(str(exc)))
    try:
        page.goto(page_path.as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        seen["text"] = page.inner_text("body")
        seen["sarabun_loaded"] = page.evaluate(
            "[...document.fonts].some(f => f.family.replace(/\"/g, '') === 'Sarabun'"
            " && f.status === 'loaded')")
        seen["body_font"] = page.evaluate("getComputedStyle(document.body).fontFamily")
        seen["images_ok"] = page.evaluate(
            "[...document.images].every(img => img.complete && img.naturalWidth > 0)")
        seen["charts"] = page.evaluate(CHARTS_JS)
        page.screenshot(path=str(screenshot), full_page=True)
    finally:
        context.close()
    return seen


@pytest.fixture(scope="module")
def reports(tmp_path_factory, shipped_processed, memo_agency_id) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    for kind, params in (("fiscal-year", {"agency": memo_agency_id, "fiscal_year": 2565}),
                         ("portfolio", {"fiscal_year": 2564})):
        result = render.render_report(kind, params, reports_dir=folder, raw_dir=SHIPPED_RAW,
                                      processed_dir=shipped_processed)
        assert result.ok, result.summary()
    render.write_index(folder)
    return folder


def test_report_opens_offline_without_errors(chromium, reports, memo_agency_id, tmp_path):
    shot = tmp_path / "fiscal-year.png"
    seen = open_offline(chromium, reports / "2565" / "fiscal-year" / f"{memo_agency_id}.html", shot)
    assert seen["blocked"] == [] and seen["failed"] == []
    assert seen["console_errors"] == [] and seen["page_errors"] == []
    assert all(url.startswith(("file:", "data:")) for url in seen["requests"])
    assert MEMO_AGENCY_NAME in seen["text"]
    assert "ระดับที่รายงาน E ไม่ตรงกับระดับที่คำนวณได้ C จากคะแนน 74.83" in seen["text"]
    assert seen["sarabun_loaded"], "the embedded Sarabun font was not used"
    assert seen["body_font"].startswith('Sarabun') or seen["body_font"].startswith('"Sarabun"')
    assert seen["images_ok"]
    assert shot.stat().st_size > 10_000
    charts = seen["charts"]
    assert [c["label"] for c in charts] == ["คะแนน ITA รายปีงบประมาณ"]  # the agency has no indicator scores
    for chart in charts:
        assert chart["role"] == "img" and chart["label"], chart
        assert 300 < chart["width"] <= 720, chart  # the column's width, at most 720 px
        assert abs(chart["in_svg"] - chart["sarabun"]) < 0.5, chart  # set in the page's Sarabun
        assert abs(chart["serif"] - chart["sarabun"]) > 1, chart  # (another font would show)


def test_index_and_portfolio_open_offline(chromium, reports, tmp_path):
    for page in (reports / "index.html", reports / "2564" / "portfolio" / "all.html"):
        seen = open_offline(chromium, page, tmp_path / f"{page.stem}.png")
        assert seen["blocked"] == [] and seen["failed"] == [] and seen["console_errors"] == []
        assert seen["sarabun_loaded"]
        assert "จังหวัดกาญจนบุรี" in seen["text"] or "รายงาน" in seen["text"]



# Each picture of a value read off a scan (views/scans.py): the field, the headline row or table cell it is in
# (its label, or its row's measure number and column), whether it lies wholly inside that cell, its size.
SCAN_PICTURES_JS = """() => [...document.querySelectorAll('.itanb-scan')].map(s => {
  const home = s.closest('td, dd'), img = s.querySelector('img');
  const a = s.getBoundingClientRect(), h = home.getBoundingClientRect();
  const i = img.getBoundingClientRect();
  const row = home.closest('tr');
  return {field: s.dataset.field, home: home.tagName, label: home.previousElementSibling?.textContent,
          column: home.cellIndex, no: row ? row.cells[0].textContent : null,
          inside: a.left >= h.left - 0.5 && a.right <= h.right + 0.5 && a.top >= h.top - 0.5
                  && a.bottom <= h.bottom + 0.5,
          img: [i.width, i.height, img.naturalWidth], font: getComputedStyle(s).fontFamily};
})"""


def scanned_report(tmp_path: Path, fields: tuple[str, ...]) -> Path:
    """The fiscal-year report of SYNTHETIC tables whose FY2567 measures and score are read from a (made-up)
    scan, with an ocr_uncertain finding and a 240 x 60 picture for each of ``fields``."""
    import base64
    import io

    from fixtures.synthetic_agency import AGENCY_ID, findings_frame, synthetic_tables
    from PIL import Image, ImageDraw

    from itanb.store import write_tables

    def picture(text: str) -> str:
        img = Image.new("L", (240, 60), 255)
        ImageDraw.Draw(img).text((10, 20), text, fill=0)
        buf = io.BytesIO()
        img.save(buf, "PNG")
        return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")

    t = synthetic_tables()
    measures, assessments = t.measures.copy(), t.assessments.copy()
    measures.loc[measures["fiscal_year"] == 2567, "source"] = "memos/scan.pdf"
    assessments.loc[(assessments["agency_id"] == AGENCY_ID) & (assessments["fiscal_year"] == 2567),
                    "source"] = "memos/scan.pdf"
    findings = findings_frame([{"code": "ocr_uncertain", "message": f"ค่า {f} อ่านจากภาพสแกนได้ไม่แน่ชัด",
                                "source": "memos/scan.pdf, page 1", "line": None, "agency_id": AGENCY_ID,
                                "fiscal_year": 2567, "places": "หน้า 1", "image": picture(f), "field": f}
                               for f in fields])
    write_tables(t._replace(measures=measures, assessments=assessments, findings=findings), tmp_path / "p")
    result = render.render_report("fiscal-year", {"agency": AGENCY_ID, "fiscal_year": 2567},
                                  reports_dir=tmp_path / "r", raw_dir=tmp_path, processed_dir=tmp_path / "p")
    assert result.ok, result.summary()
    return result.html


def test_the_picture_of_a_value_read_off_a_scan_sits_beside_that_value(chromium, tmp_path):
    """Each picture is drawn (loaded, small, whole) inside the headline row or table cell of its value."""
    report = scanned_report(tmp_path, ("score", "fiscal_year", "measures[1].due", "measures[2].status"))
    seen = open_offline(chromium, report, tmp_path / "scanned.png")
    assert seen["images_ok"] and seen["blocked"] == [] and seen["console_errors"] == []
    assert "อ่านจากสแกน โปรดตรวจ · หน้า 1" in seen["text"]
    context = chromium.new_context(offline=True, viewport={"width": 1000, "height": 1400})
    try:
        page = context.new_page()
        page.goto(report.as_uri(), wait_until="load")
        placed = page.evaluate(SCAN_PICTURES_JS)
    finally:
        context.close()
    assert {p["field"]: (p["home"], p["label"] if p["home"] == "DD" else (p["no"], p["column"]))
            for p in placed} == {"score": ("DD", "คะแนน"), "fiscal_year": ("DD", "ปีงบประมาณ"),
                                 "measures[1].due": ("TD", ("1", 4)), "measures[2].status": ("TD", ("2", 5))}
    for p in placed:
        width, height, natural = p["img"]
        assert p["inside"], p  # within its value's cell, nothing spills over
        assert natural == 240 and 0 < height <= 45 and 0 < width <= 240, p  # small, drawn whole
        assert "Sarabun" in p["font"]
