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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from itanb import __version__, paths
from itanb.render.execute import FAILED_SUFFIX
from itanb.render.files import write_atomic

PAGE_AGENCIES = 80  # agencies per province page; more make a second page
NO_PROVINCE = "ไม่ระบุจังหวัด"
NO_PROVINCE_SLUG = "no-province"
INDEX_PREFIX = "index-"
# beside a report's HTML: (suffix, label) of the other files it may have
# (.docx: the Word draft of the agency's analysis, beside the fiscal-year report; itanb.draft)
COMPANIONS = ((".pdf", "PDF"), (".xlsx", "Excel"), (".docx", "Word (ร่าง)"))
_INDEX_PAGE = re.compile(rf"^{INDEX_PREFIX}.+\.html$")


@dataclass
class Agency:
    agency_id: str
    name: str
    district: str | None = None
    province: str | None = None


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
    failed: list[Path] = field(default_factory=list)

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
    found.failed = sorted(p.relative_to(reports_dir) for p in reports_dir.rglob(f"*{FAILED_SUFFIX}"))
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


_LEADING_VOWEL = re.compile(r"([\u0e40-\u0e44])([\u0e01-\u0e2e])")


def province_slugs(names: set[str | None]) -> dict[str | None, str]:
    """Province (Thai name; None: no province) -> the ASCII name of its index pages, unique: two names
    that romanise alike (synthetic ones may) get ``-2``, ``-3``… in Thai order."""
    out: dict[str | None, str] = {None: NO_PROVINCE_SLUG}
    taken = {NO_PROVINCE_SLUG}
    for name in sorted((n for n in names if n), key=_sort_key):
        base = _province_slug(name)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        out[name] = slug
        taken.add(slug)
    return out


def _sort_key(text: str) -> str:
    """Thai dictionary order, near enough for lists of names: a leading vowel (เ แ โ ใ ไ) sorts after the
    consonant it is written before (เมือง under ม)."""
    return _LEADING_VOWEL.sub(r"\2\1", text)


# ------------------------------------------------------------------------------------------- the pages


def _href(path: Path, page_dir: Path) -> str:
    """The relative link from a page in ``page_dir`` to ``path`` (both relative to the reports folder)."""
    import os

    return html.escape(quote(Path(os.path.relpath(path, page_dir)).as_posix()))


# The index pages' own styles: a few rules of the reports' look (itanb.css) for lists and tables of links,
# kept short because a national index has hundreds of pages
INDEX_CSS = """body{margin:0 auto;max-width:190mm;padding:10mm;color:#1f2328;background:#fff;
font-family:"Sarabun","Noto Sans Thai",sans-serif;font-size:11.5pt;line-height:1.65}
h1{font-size:18pt;border-bottom:2px solid #0b5394;line-height:1.4}h2{font-size:14pt;color:#0b5394}
a{color:#0b5394}.m,footer{color:#57606a}footer{font-size:8.5pt;border-top:1px solid #d0d7de;margin-top:2em}
table{border-collapse:collapse;width:100%;font-size:10.5pt}th,td{border:1px solid #d0d7de;
padding:.2em .45em;text-align:left;vertical-align:top}thead th{background:#f6f8fa}
.n td+td,.n th+th{text-align:right;white-space:nowrap}tbody th{color:#0b5394;background:none}"""


def _page(title: str, body: str) -> str:
    from itanb import fonts

    css = INDEX_CSS
    shell = (
        '<!DOCTYPE html>\n<html lang="th">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{html.escape(title)}</title>\n@@FONT@@\n<style>\n{css}\n</style>\n</head>\n"
        f'<body>\n<main>\n{body}\n</main>\n'
        f'<footer><p>สร้างโดย itanb {html.escape(__version__)} · ฟอนต์ Sarabun ใช้ภายใต้ '
        f"SIL Open Font License 1.1 ({html.escape(fonts.license_notice())})</p></footer>\n</body>\n</html>\n"
    )
    return shell.replace("@@FONT@@", fonts.font_css(shell, faces=(("Regular", 400),)))


def _stamp() -> str:
    from zoneinfo import ZoneInfo

    from itanb.thai import format_thai_date

    now = datetime.now(UTC).astimezone(ZoneInfo("Asia/Bangkok"))
    return f"{format_thai_date(now.date(), thai_digits=False)} {now:%H:%M} น."


def _files(reports_dir: Path, report: Path, page_dir: Path, extra: list[tuple[str, Path]] = ()) -> str:
    links = []
    if report.name:
        links = [f'<a href="{_href(report.with_suffix(s), page_dir)}">{label}</a>'
                 for s, label in COMPANIONS if (reports_dir / report.with_suffix(s)).is_file()]
    for label, p in extra:
        links.append(f'<a href="{_href(p, page_dir)}">{html.escape(label)}</a>')
        if p.suffix == ".html":
            links.append(_files(reports_dir, p, page_dir))
    return " ".join(links)


Entry = tuple[Agency, "Path | None", list[tuple[str, Path]]]  # an agency, its main report, its other files


def _agency_rows(reports_dir: Path, page_dir: Path, entries: list[Entry]) -> str:
    """Rows grouped by district: name (linked to the report), its other files."""
    out, district = [], object()
    for agency, report, extra in entries:
        if agency.district != district:
            district = agency.district
            out.append(f'<tr><th colspan="2">{html.escape("อำเภอ" + district if district else "ไม่ระบุอำเภอ")}')
        if report is None:  # other reports only
            files = _files(reports_dir, Path(), page_dir, extra)
            out.append(f"<tr><td>{html.escape(agency.name)}<td>{files}")
            continue
        out.append(f'<tr><td><a href="{_href(report, page_dir)}">{html.escape(agency.name)}</a>'
                   f"<td>{_files(reports_dir, report, page_dir, extra)}")
    return "<table><tbody>" + "".join(out) + "</tbody></table>"


def _parts(entries: list, size: int = PAGE_AGENCIES) -> list[list]:
    return [entries[i:i + size] for i in range(0, len(entries), size)] or [[]]


def _part_name(slug: str, part: int, prefix: str) -> str:
    return f"{prefix}{slug}{'' if part == 1 else f'-{part}'}.html"


def _province_pages(reports_dir: Path, folder: Path, *, prefix: str, heading: str, province: str, slug: str,
                    entries: list[Entry], portfolios: list[Path], titles: dict[str, str]
                    ) -> list[Path]:
    """Write the page(s) of one province in ``folder`` (relative); return their paths (relative)."""
    parts = _parts(entries)
    written = []
    for number, part in enumerate(parts, start=1):
        page = folder / _part_name(slug, number, prefix)
        nav = ""
        if len(parts) > 1:
            links = [str(n) if n == number else f'<a href="{_part_name(slug, n, prefix)}">{n}</a>'
                     for n in range(1, len(parts) + 1)]
            nav = f'<p>หน้า {" · ".join(links)}</p>'
        body = [f'<p><a href="{_href(Path("index.html"), folder)}">รายงานทั้งหมด</a></p>',
                f"<h1>{html.escape(heading)} · {html.escape(province)}</h1>",
                f'<p class="m">{len(entries)} หน่วยงาน · ปรับปรุงเมื่อ {html.escape(_stamp())}</p>', nav]
        if number == 1 and portfolios:
            body.append("<h2>ภาพรวมหลายหน่วยงาน</h2><ul>")
            body += [f'<li><a href="{_href(p, folder)}">{html.escape(_portfolio_label(p, titles))}</a> '
                     f"{_files(reports_dir, p, folder)}</li>" for p in portfolios]
            body.append("</ul>")
        body.append(_agency_rows(reports_dir, folder, part))
        body.append(nav)
        _write(reports_dir / page, _page(f"{heading} · {province}", "\n".join(body)))
        written.append(page)
    return written


def _portfolio_label(path: Path, titles: dict[str, str]) -> str:
    """A report per year by its kind's title and its scope: "ภาพรวม… · kalasin--kuchinarai"."""
    scope = "ทุกหน่วยงาน" if path.stem == "all" else path.stem
    return f"{titles.get(path.parent.name, path.parent.name)} · {scope}"


def _write(path: Path, text: str) -> None:
    write_atomic(path, text.encode("utf-8"))


def write_index(reports_dir: Path | str = paths.REPORTS, processed_dir: Path | str = paths.PROCESSED, *,
                notebooks_dir: Path | str = paths.NOTEBOOKS) -> Path:
    """Write the top page and the province pages (see the module docstring); returns the top page's path.

    Index pages of an earlier run that no longer apply are removed.
    """
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    found = scan(reports_dir, notebooks_dir)
    agencies = load_agencies(Path(processed_dir))

    def agency(agency_id: str) -> Agency:
        return agencies.get(agency_id) or Agency(agency_id, agency_id)

    slugs = province_slugs({a.province for a in agencies.values()})
    provinces = {slug: name or NO_PROVINCE for name, slug in slugs.items()}  # slug -> Thai name
    # a portfolio's file name has the plain slug of its province (itanb.render.portfolio_scope)
    portfolio_slugs = {_province_slug(name): slug for name, slug in reversed(list(slugs.items())) if name}

    def slug_of(a: Agency) -> str:
        return slugs[a.province] if a.province in slugs else slugs[None]

    written: set[Path] = set()
    cells: dict[tuple[str, int | str], tuple[int, list[Path]]] = {}  # (slug, year|kind) -> (count, pages)
    country: dict[int, list[Path]] = defaultdict(list)
    years = sorted({y for y, v in found.fiscal.items() if v} | {y for y, v in found.extras.items() if v}
                   | {y for y, v in found.portfolios.items() if v}, reverse=True)
    for year in years:
        groups: dict[str, list[Entry]] = defaultdict(list)
        for agency_id in sorted(set(found.fiscal[year]) | set(found.extras[year])):
            a = agency(agency_id)
            entry = (a, found.fiscal[year].get(agency_id), found.extras[year].get(agency_id, []))
            groups[slug_of(a)].append(entry)
        by_slug: dict[str, list[Path]] = defaultdict(list)
        for p in found.portfolios[year]:
            scope = portfolio_slugs.get(p.stem.split("--")[0])
            (by_slug[scope] if scope else country[year]).append(p)
        for slug in sorted(set(groups) | set(by_slug)):
            entries = sorted(groups[slug], key=lambda e: (_sort_key(e[0].district or "\uffff"),
                                                          _sort_key(e[0].name)))
            pages = _province_pages(reports_dir, Path(str(year)), prefix="",
                                    heading=f"ปีงบประมาณ พ.ศ. {year}",
                                    province=provinces[slug], slug=slug, entries=entries,
                                    portfolios=by_slug[slug], titles=found.titles)
            written |= set(pages)
            count = sum((r is not None) + len(x) for _, r, x in entries) + len(by_slug[slug])
            cells[(slug, year)] = (count, pages)
    for kind, reports in found.per_agency.items():
        kind_groups: dict[str, list[Entry]] = defaultdict(list)
        for agency_id, path in reports.items():
            a = agency(agency_id)
            kind_groups[slug_of(a)].append((a, path, []))
        for slug, entries in kind_groups.items():
            entries.sort(key=lambda e: (_sort_key(e[0].district or "\uffff"), _sort_key(e[0].name)))
            pages = _province_pages(reports_dir, Path(kind), prefix=INDEX_PREFIX, heading=found.titles[kind],
                                    province=provinces[slug], slug=slug, entries=entries, portfolios=[],
                                    titles=found.titles)
            written |= set(pages)
            cells[(slug, kind)] = (len(entries), pages)

    year_dirs = [d for d in reports_dir.iterdir() if d.is_dir() and d.name.isdigit()]
    stale_pages = [p for d in year_dirs for p in d.glob("*.html")]
    for kind in found.titles:
        stale_pages += (reports_dir / kind).glob(f"{INDEX_PREFIX}*.html")
    for stale in stale_pages:
        if stale.relative_to(reports_dir) not in written:
            stale.unlink()
    top = reports_dir / "index.html"
    _write(top, _top_page(reports_dir, found, provinces=provinces, cells=cells, country=country, years=years))
    return top


def _top_page(reports_dir: Path, found: Scan, *, provinces: dict[str, str],
              cells: dict[tuple[str, int | str], tuple[int, list[Path]]], country: dict[int, list[Path]],
              years: list[int]) -> str:
    here = Path()
    body = ["<h1>รายงานผลการประเมินคุณธรรมและความโปร่งใส (ITA)</h1>",
            f'<p class="m">ทั้งหมด {found.count()} รายงาน · ปรับปรุงเมื่อ {html.escape(_stamp())}</p>']
    if not found.count():
        body.append("<p>ยังไม่มีรายงาน</p>")
    if any(country.values()):
        body.append("<h2>ภาพรวมทั้งประเทศ</h2><ul>")
        for year in years:
            for p in country.get(year, []):
                link = f'<a href="{_href(p, here)}">{html.escape(_portfolio_label(p, found.titles))}</a>'
                body.append(f"<li>ปีงบประมาณ พ.ศ. {year}: {link} {_files(reports_dir, p, here)}</li>")
        body.append("</ul>")
    columns: list[int | str] = [*years, *found.per_agency]
    used = sorted({slug for slug, _ in cells}, key=lambda s: (s == NO_PROVINCE_SLUG, _sort_key(provinces[s])))
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
                more = "".join(f' <a href="{_href(p, here)}">{n}</a>'
                               for n, p in enumerate(pages[1:], start=2))
                tds.append(f'<td><a href="{_href(pages[0], here)}">{count}</a>{more}')
            rows.append(f"<tr><td>{html.escape(provinces[slug])}{''.join(tds)}")
        rows.append("</tbody><tfoot><tr><th>รวม" + "".join(f"<th>{totals[c]}" for c in columns)
                    + "</tfoot></table>")
        body.append("".join(rows))
    if found.failed:
        body.append("<h2>รายงานที่สร้างไม่สำเร็จ</h2><ul>")
        body += [f'<li><a href="{_href(p, here)}">{html.escape(p.as_posix())}</a></li>' for p in found.failed]
        body.append("</ul>")
    return _page("รายงาน ITA ทั้งหมด", "\n".join(body))


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
