"""The index at national scale: a top page of fiscal years x provinces, a page per year and province, every
report linked exactly once, every page offline and within 60 KB."""

from __future__ import annotations

import random
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from itanb import render
from itanb.render import index as catalog

INDEX_LIMIT = 60 * 1024
YEARS = range(2564, 2569)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href" and v]


def links(page: Path, reports: Path) -> list[Path]:
    """The targets of a page's links, relative to the reports folder."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return [(page.parent / unquote(href)).resolve().relative_to(reports.resolve()) for href in parser.links]


def make_reports(reports: Path, agency_ids: list[str], *, companions=(".pdf", ".xlsx"),
                 years=YEARS) -> set[Path]:
    """Report files where :func:`itanb.render.report_path` puts them, for every agency and year (the index
    reads names only, so the files hold a placeholder); returns them, relative to ``reports``."""
    made = set()

    def touch(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("placeholder: the index reads the file name only", encoding="utf-8")
        made.add(path.relative_to(reports))

    for year in years:
        for agency_id in agency_ids:
            html = render.report_path(reports, "fiscal-year", agency_id, year)
            for suffix in (".html", *companions):
                touch(html.with_suffix(suffix))
        touch(render.report_path(reports, "portfolio", None, year))
    for agency_id in agency_ids:
        touch(render.report_path(reports, "year-over-year", agency_id, None))
    return made


def check_index(reports: Path, made: set[Path]) -> dict[Path, list[Path]]:
    from test_render import remote_references

    top = reports / "index.html"
    pages = [top, *sorted(reports.glob("[0-9]*/*.html")),
             *sorted(reports.glob(f"year-over-year/{catalog.INDEX_PREFIX}*.html"))]
    pages = list(dict.fromkeys(pages))
    for page in pages:
        assert page.stat().st_size <= INDEX_LIMIT, (page, page.stat().st_size)
        text = page.read_text(encoding="utf-8")
        assert remote_references(text) == [] and "<script" not in text, page
        assert "@font-face" in text and "/work" not in text and str(reports) not in text
    targets = {page.relative_to(reports): links(page, reports) for page in pages}
    counts = Counter(t for ts in targets.values() for t in ts if t not in targets)
    assert set(counts) == made  # every report and file linked, nothing else
    assert [t for t, n in counts.items() if n != 1] == []  # each exactly once
    from_top = set(targets[Path("index.html")])
    for page, ts in targets.items():
        if page != Path("index.html"):
            assert page in from_top, f"{page} is not one click from the top page"
            assert Path("index.html") in ts  # and links back
    return targets


@pytest.fixture(scope="module")
def synthetic_national(tmp_path_factory):
    """A SYNTHETIC batch of 300 agencies in 20 synthetic provinces (itanb synth, then ingest)."""
    from itanb.ingest import ingest
    from itanb.synth import write_synthetic

    base = tmp_path_factory.mktemp("national")
    write_synthetic(base / "raw", 300, (YEARS[0], YEARS[-1]))
    ingest(raw_dir=base / "raw", processed_dir=base / "processed")
    return base


@pytest.mark.slow  # national scale: the full suite's
def test_synthetic_national_batch_index(synthetic_national):
    processed, reports = synthetic_national / "processed", synthetic_national / "reports"
    agencies = pq.read_table(processed / "agencies.parquet").to_pydict()
    assert len(agencies["agency_id"]) == 300 and len(set(agencies["province"])) > 5
    made = make_reports(reports, agencies["agency_id"])
    top = catalog.write_index(reports, processed)
    targets = check_index(reports, made)
    text = top.read_text(encoding="utf-8")
    for province in set(agencies["province"]):
        assert province in text
    assert f"ทั้งหมด {len(made) - 2 * 300 * len(YEARS)} รายงาน" in text  # PDFs and Excel files are not reports
    # one agency: its page of FY2566 lists its report, one click from the top page
    agency_id, province = agencies["agency_id"][7], agencies["province"][7]
    page = next(p for p, ts in targets.items() if Path(f"2566/fiscal-year/{agency_id}.html") in ts)
    assert page.parent == Path("2566")
    assert province in (reports / page).read_text(encoding="utf-8")


@pytest.mark.slow  # national scale: the full suite's
def test_index_pages_are_split_and_stay_small_at_national_scale(tmp_path):
    """77 provinces (their real names), one with 330 agencies with long names: pages of 80, all linked
    from the top page, each within 60 KB."""
    from itanb.agencies import PROVINCE_SLUGS

    rnd = random.Random(5)
    letters = "กขฃคฅฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรฤลฦวศษสหฬอฮ"
    rows: dict[str, list] = {"agency_id": [], "name": [], "district": [], "province": []}
    for k, province in enumerate(PROVINCE_SLUGS):
        for j in range(330 if k == 0 else 2):
            rows["agency_id"].append(f"synthetic-{len(rows['agency_id']):05d}-sao-ban-long-name")
            rows["name"].append("หน่วยงานสังเคราะห์ องค์การบริหารส่วนตำบล"
                                + "".join(rnd.choice(letters) for _ in range(10)) + "น้ำใจ")
            rows["district"].append(f"สังเคราะห์{j % 12}" if j % 5 else None)
            rows["province"].append(province)
    processed = tmp_path / "processed"
    processed.mkdir()
    pq.write_table(pa.table(rows), processed / "agencies.parquet")
    reports = tmp_path / "reports"
    made = make_reports(reports, rows["agency_id"], years=range(2562, 2569))  # seven years, as FY2562-2568
    catalog.write_index(reports, processed)
    check_index(reports, made)
    first = catalog._province_slug(next(iter(PROVINCE_SLUGS)))
    parts = sorted((reports / "2565").glob(f"{first}*.html"))
    assert len(parts) == 5  # 330 agencies, 80 a page


def test_stale_index_pages_go_and_an_empty_folder_says_so(tmp_path):
    reports = tmp_path / "reports"
    made = make_reports(reports, ["synthetic-a", "synthetic-b"], companions=())
    catalog.write_index(reports, tmp_path / "no-processed-tables")
    check_index(reports, made)
    assert {p.name for p in reports.glob("2564/*.html")} == {f"{catalog.NO_PROVINCE_SLUG}.html"}
    assert {p.name for p in reports.glob("year-over-year/index-*.html")} == {
        f"{catalog.INDEX_PREFIX}{catalog.NO_PROVINCE_SLUG}.html"}
    assert catalog.NO_PROVINCE in (reports / "index.html").read_text(encoding="utf-8")
    for path in reports.rglob("*"):
        if path.is_file() and "fiscal-year" in path.parts and path.parent.parent.name == "2564":
            path.unlink()
    catalog.write_index(reports, tmp_path / "no-processed-tables")
    stale = reports / "2564" / f"{catalog.NO_PROVINCE_SLUG}.html"
    assert not stale.exists()
    empty = tmp_path / "empty"
    text = catalog.write_index(empty, tmp_path).read_text(encoding="utf-8")
    assert "ยังไม่มีรายงาน" in text and re.search(r"ทั้งหมด 0 รายงาน", text)
