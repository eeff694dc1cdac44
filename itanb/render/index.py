"""The index of the reports folder, at national scale: a top page and a page per fiscal year and province.

- ``<reports>/index.html``: every fiscal year and province with its number of reports, as a table (a row
  per province, "ไม่ระบุจังหวัด" for agencies without one; a column per fiscal year, and one for the
  year-over-year reports); each count links to the page listing those reports, so an agency's reports are
  one click away. The country-wide portfolios are listed there too.
- ``<reports>/<FY>/<province>.html``: the fiscal-year reports of that year and province (with their PDF,
  Excel and Word files), grouped by district, and the province's portfolios of that year;
  ``<reports>/year-over-year/index-<province>.html`` the same for the year-over-year reports. A province
  with more agencies than :data:`PAGE_AGENCIES` gets several pages (``<province>-2.html``…), each
  linked from the top page.

Every report file is linked exactly once. Agencies' names, districts and provinces come from the processed
agencies table (a report of an agency no longer there is listed under its file name). Offline like the
reports: the Sarabun regular face, subset to the page's characters, is the only font (bold is drawn by the
browser), so each page stays small (:data:`PAGE_AGENCIES` keeps it under 60 KB).
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from itanb import paths
from itanb.render.index_pages import (
    Agency,
    Entry,
    file_links,
    href,
    page_html,
    portfolio_label,
    province_pages,
    sort_key,
    stamp,
    write_page,
)

NO_PROVINCE = "ไม่ระบุจังหวัด"
NO_PROVINCE_SLUG = "no-province"
INDEX_PREFIX = "index-"
_INDEX_PAGE = re.compile(rf"^{INDEX_PREFIX}.+\.html$")



MAIN_KIND = "fiscal-year"  # the agency-year kind an agency's name links to on a province page


@dataclass
class Scan:
    """What is in a reports folder (paths relative to it), by report kind (:func:`itanb.render.report_kinds`):
    per agency-year, per year (portfolios) and per agency."""

    fiscal: dict[int, dict[str, Path]] = field(default_factory=lambda: defaultdict(dict))  # fy -> id -> html
    # fy -> id -> [(label, path)]: the agency's other reports of that year (other kinds)
    extras: dict[int, dict[str, list[tuple[str, Path]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    portfolios: dict[int, list[Path]] = field(default_factory=lambda: defaultdict(list))
    per_agency: dict[str, dict[str, Path]] = field(default_factory=dict)  # kind -> id -> html
    titles: dict[str, str] = field(default_factory=dict)  # kind -> Thai title
    failed: list[str] = field(default_factory=list)  # the reports the batch writing the index failed to make

    def count(self) -> int:
        return (sum(len(v) for v in self.fiscal.values())
                + sum(len(x) for v in self.extras.values() for x in v.values())
                + sum(len(v) for v in self.portfolios.values())
                + sum(len(v) for v in self.per_agency.values()))


def scan(reports_dir: Path, notebooks_dir: Path | str = paths.NOTEBOOKS) -> Scan:
    from itanb.render.kinds import report_kinds

    found = Scan()
    kinds = report_kinds(notebooks_dir)
    found.titles = {k.name: k.title for k in kinds.values()}
    year_dirs = sorted(p for p in reports_dir.iterdir() if p.is_dir() and p.name.isdigit())
    for kind in kinds.values():
        if kind.per == "agency":
            found.per_agency[kind.name] = {p.stem: p.relative_to(reports_dir)
                                           for p in sorted((reports_dir / kind.name).glob("*.html"))
                                           if not _INDEX_PAGE.match(p.name)}
            continue
        for year_dir in year_dirs:
            year = int(year_dir.name)
            for path in sorted((year_dir / kind.name).glob("*.html")):
                rel = path.relative_to(reports_dir)
                if kind.per == "year":
                    found.portfolios[year].append(rel)
                elif kind.name == MAIN_KIND:
                    found.fiscal[year][path.stem] = rel
                else:
                    found.extras[year][path.stem].append((kind.title, rel))
    found.per_agency = {k: v for k, v in found.per_agency.items() if v}
    return found


def load_agencies(processed_dir: Path) -> dict[str, Agency]:
    """agency_id -> Agency from the processed agencies table ({} when there is none)."""
    table = Path(processed_dir) / "agencies.parquet"
    if not table.is_file():
        return {}
    import pyarrow.parquet as pq

    data = pq.read_table(table, columns=["agency_id", "name", "district", "province"]).to_pydict()
    return {a: Agency(a, n or a, d or None, p or None)
            for a, n, d, p in zip(data["agency_id"], data["name"], data["district"], data["province"],
                                  strict=True)}


def _province_slug(province: str | None) -> str:
    if not province:
        return NO_PROVINCE_SLUG
    from itanb.agencies import province_slug

    return province_slug(province) or NO_PROVINCE_SLUG


def province_slugs(names: set[str | None]) -> dict[str | None, str]:
    """Province (Thai name; None: no province) -> the ASCII name of its index pages, unique: two names
    that romanise alike (synthetic ones may) get ``-2``, ``-3``… in Thai order."""
    out: dict[str | None, str] = {None: NO_PROVINCE_SLUG}
    taken = {NO_PROVINCE_SLUG}
    for name in sorted((n for n in names if n), key=sort_key):
        base = _province_slug(name)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        out[name] = slug
        taken.add(slug)
    return out


def write_index(reports_dir: Path | str = paths.REPORTS, processed_dir: Path | str = paths.PROCESSED, *,
                failed: Iterable[str] = (), notebooks_dir: Path | str = paths.NOTEBOOKS) -> Path:
    """Write the top page and the province pages (see the module docstring); returns the top page's path.

    ``failed``: the reports (paths relative to the reports folder) that the run writing the index failed to
    make, listed on the top page without a link (their executed notebooks are kept outside the folder):
    the failures of now, never those of an earlier run. Index pages of an earlier run that no longer apply
    are removed.
    """
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    found = scan(reports_dir, notebooks_dir)
    found.failed = sorted(failed)
    places = _Places(load_agencies(Path(processed_dir)))
    cells: dict[tuple[str, int | str], tuple[int, list[Path]]] = {}  # (slug, year|kind) -> (count, pages)
    country: dict[int, list[Path]] = defaultdict(list)
    years = sorted({y for y, v in found.fiscal.items() if v} | {y for y, v in found.extras.items() if v}
                   | {y for y, v in found.portfolios.items() if v}, reverse=True)
    for year in years:
        cells |= _year_pages(reports_dir, found, places, year, country)
    for kind in found.per_agency:
        cells |= _kind_pages(reports_dir, found, places, kind)
    _remove_stale(reports_dir, found, {p for _, pages in cells.values() for p in pages})
    top = reports_dir / "index.html"
    write_page(top, _top_page(reports_dir, found, provinces=places.provinces, cells=cells, country=country,
                              years=years))
    return top


class _Places:
    """The agencies of the processed tables by id, and the province page (slug) each is listed on."""

    def __init__(self, agencies: dict[str, Agency]) -> None:
        self.agencies = agencies
        self.slugs = province_slugs({a.province for a in agencies.values()})
        self.provinces = {slug: name or NO_PROVINCE for name, slug in self.slugs.items()}  # slug -> Thai
        # a portfolio's file name has the plain slug of its province (itanb.render.portfolio_scope)
        named = [(name, slug) for name, slug in reversed(list(self.slugs.items())) if name]
        self.portfolio_slugs = {_province_slug(name): slug for name, slug in named}

    def agency(self, agency_id: str) -> Agency:
        return self.agencies.get(agency_id) or Agency(agency_id, agency_id)

    def slug_of(self, a: Agency) -> str:
        return self.slugs[a.province] if a.province in self.slugs else self.slugs[None]


def _by_place(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (sort_key(e[0].district or "\uffff"), sort_key(e[0].name)))


def _year_pages(reports_dir: Path, found: Scan, places: _Places, year: int,
                country: dict[int, list[Path]]) -> dict[tuple[str, int | str], tuple[int, list[Path]]]:
    """The pages of one fiscal year, a province each: {(slug, year): (reports, pages)}; the country-wide
    portfolios of that year go to ``country``."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for agency_id in sorted(set(found.fiscal[year]) | set(found.extras[year])):
        a = places.agency(agency_id)
        groups[places.slug_of(a)].append((a, found.fiscal[year].get(agency_id),
                                          found.extras[year].get(agency_id, [])))
    by_slug: dict[str, list[Path]] = defaultdict(list)
    for p in found.portfolios[year]:
        scope = places.portfolio_slugs.get(p.stem.split("--")[0])
        (by_slug[scope] if scope else country[year]).append(p)
    cells = {}
    for slug in sorted(set(groups) | set(by_slug)):
        entries = _by_place(groups[slug])
        pages = province_pages(reports_dir, Path(str(year)), prefix="", heading=f"ปีงบประมาณ พ.ศ. {year}",
                               province=places.provinces[slug], slug=slug, entries=entries,
                               portfolios=by_slug[slug], titles=found.titles)
        count = sum((r is not None) + len(x) for _, r, x in entries) + len(by_slug[slug])
        cells[(slug, year)] = (count, pages)
    return cells


def _kind_pages(reports_dir: Path, found: Scan, places: _Places,
                kind: str) -> dict[tuple[str, int | str], tuple[int, list[Path]]]:
    """The pages of one per-agency kind, a province each: {(slug, kind): (reports, pages)}."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for agency_id, path in found.per_agency[kind].items():
        a = places.agency(agency_id)
        groups[places.slug_of(a)].append((a, path, []))
    cells = {}
    for slug, entries in groups.items():
        pages = province_pages(reports_dir, Path(kind), prefix=INDEX_PREFIX, heading=found.titles[kind],
                               province=places.provinces[slug], slug=slug, entries=_by_place(entries),
                               portfolios=[], titles=found.titles)
        cells[(slug, kind)] = (len(entries), pages)
    return cells


def _remove_stale(reports_dir: Path, found: Scan, written: set[Path]) -> None:
    """Index pages of an earlier run that this run did not write."""
    year_dirs = [d for d in reports_dir.iterdir() if d.is_dir() and d.name.isdigit()]
    stale_pages = [p for d in year_dirs for p in d.glob("*.html")]
    for kind in found.titles:
        stale_pages += (reports_dir / kind).glob(f"{INDEX_PREFIX}*.html")
    for stale in stale_pages:
        if stale.relative_to(reports_dir) not in written:
            stale.unlink()


def _top_page(reports_dir: Path, found: Scan, *, provinces: dict[str, str],
              cells: dict[tuple[str, int | str], tuple[int, list[Path]]], country: dict[int, list[Path]],
              years: list[int]) -> str:
    here = Path()
    body = ["<h1>รายงานผลการประเมินคุณธรรมและความโปร่งใส (ITA)</h1>",
            f'<p class="m">ทั้งหมด {found.count()} รายงาน · ปรับปรุงเมื่อ {html.escape(stamp())}</p>']
    if not found.count():
        body.append("<p>ยังไม่มีรายงาน</p>")
    if any(country.values()):
        body.append("<h2>ภาพรวมทั้งประเทศ</h2><ul>")
        for year in years:
            for p in country.get(year, []):
                link = f'<a href="{href(p, here)}">{html.escape(portfolio_label(p, found.titles))}</a>'
                body.append(f"<li>ปีงบประมาณ พ.ศ. {year}: {link} {file_links(reports_dir, p, here)}</li>")
        body.append("</ul>")
    columns: list[int | str] = [*years, *found.per_agency]
    used = sorted({slug for slug, _ in cells}, key=lambda s: (s == NO_PROVINCE_SLUG, sort_key(provinces[s])))
    if used:
        body.append("<h2>รายงานตามจังหวัดและปีงบประมาณ</h2>")
        body.append('<p class="m">ตัวเลขคือจำนวนรายงาน คลิกเพื่อดูรายชื่อหน่วยงานและรายงาน</p>')
        head = "".join(f"<th>{html.escape(found.titles[c]) if isinstance(c, str) else f'พ.ศ. {c}'}"
                       for c in columns)
        rows = [f'<table class="n"><thead><tr><th>จังหวัด{head}</thead><tbody>']
        totals = dict.fromkeys(columns, 0)
        for slug in used:
            tds = []
            for column in columns:
                count, pages = cells.get((slug, column), (0, []))
                totals[column] += count
                if not pages:
                    tds.append("<td>–")
                    continue
                more = "".join(f' <a href="{href(p, here)}">{n}</a>'
                               for n, p in enumerate(pages[1:], start=2))
                tds.append(f'<td><a href="{href(pages[0], here)}">{count}</a>{more}')
            rows.append(f"<tr><td>{html.escape(provinces[slug])}{''.join(tds)}")
        rows.append("</tbody><tfoot><tr><th>รวม" + "".join(f"<th>{totals[c]}" for c in columns)
                    + "</tfoot></table>")
        body.append("".join(rows))
    if found.failed:
        body.append("<h2>รายงานที่สร้างไม่สำเร็จ</h2><ul>")
        body += [f"<li>{html.escape(key)}</li>" for key in found.failed]
        body.append("</ul>")
    return page_html("รายงาน ITA ทั้งหมด", "\n".join(body))


def pages(reports_dir: Path | str, notebooks_dir: Path | str = paths.NOTEBOOKS) -> list[Path]:
    """Every index page :func:`write_index` wrote in ``reports_dir``: the top page first."""
    from itanb.render.kinds import report_kinds

    reports_dir = Path(reports_dir)
    found = [reports_dir / "index.html"] if (reports_dir / "index.html").is_file() else []
    years = [d for d in reports_dir.iterdir() if d.is_dir() and d.name.isdigit()]
    found += sorted(p for d in years for p in d.glob("*.html"))
    for kind in report_kinds(notebooks_dir):
        found += sorted((reports_dir / kind).glob(f"{INDEX_PREFIX}*.html"))
    return found


def linked(reports_dir: Path | str, notebooks_dir: Path | str = paths.NOTEBOOKS) -> list[str]:
    """What the index pages link to (relative to ``reports_dir``, POSIX), one entry per link."""
    from html.parser import HTMLParser
    from urllib.parse import unquote

    reports_dir = Path(reports_dir).resolve()
    out: list[str] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "a":
                out.extend(((page.parent / unquote(v)).resolve().relative_to(reports_dir).as_posix())
                           for k, v in attrs if k == "href" and v)

    for page in pages(reports_dir, notebooks_dir):
        Links().feed(page.read_text(encoding="utf-8"))
    return out
