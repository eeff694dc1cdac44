"""The index's HTML pages: the page frame (styles, subset font), links to a report and its files, the
province pages of agencies (several parts when long)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from itanb import __version__
from itanb.render.files import write_atomic

PAGE_AGENCIES = 80  # agencies per province page; more make a second page
# beside a report's HTML: (suffix, label) of the other files it may have
# (.docx: the Word draft of the agency's analysis, beside the fiscal-year report; itanb.draft)
COMPANIONS = ((".pdf", "PDF"), (".xlsx", "Excel"), (".docx", "Word (ร่าง)"))


@dataclass
class Agency:
    agency_id: str
    name: str
    district: str | None = None
    province: str | None = None


_LEADING_VOWEL = re.compile(r"([\u0e40-\u0e44])([\u0e01-\u0e2e])")


def sort_key(text: str) -> str:
    """Thai dictionary order, near enough for lists of names: a leading vowel (เ แ โ ใ ไ) sorts after the
    consonant it is written before (เมือง under ม)."""
    return _LEADING_VOWEL.sub(r"\2\1", text)



def href(path: Path, page_dir: Path) -> str:
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


def page_html(title: str, body: str) -> str:
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


def stamp() -> str:
    from zoneinfo import ZoneInfo

    from itanb.thai import format_thai_date

    now = datetime.now(UTC).astimezone(ZoneInfo("Asia/Bangkok"))
    return f"{format_thai_date(now.date(), thai_digits=False)} {now:%H:%M} น."


def file_links(reports_dir: Path, report: Path, page_dir: Path, extra: list[tuple[str, Path]] = ()) -> str:
    links = []
    if report.name:
        links = [f'<a href="{href(report.with_suffix(s), page_dir)}">{label}</a>'
                 for s, label in COMPANIONS if (reports_dir / report.with_suffix(s)).is_file()]
    for label, p in extra:
        links.append(f'<a href="{href(p, page_dir)}">{html.escape(label)}</a>')
        if p.suffix == ".html":
            links.append(file_links(reports_dir, p, page_dir))
    return " ".join(links)


Entry = tuple[Agency, "Path | None", list[tuple[str, Path]]]  # an agency, its main report, its other files


def agency_rows(reports_dir: Path, page_dir: Path, entries: list[Entry]) -> str:
    """Rows grouped by district: name (linked to the report), its other files."""
    out, district = [], object()
    for agency, report, extra in entries:
        if agency.district != district:
            district = agency.district
            out.append(f'<tr><th colspan="2">{html.escape("อำเภอ" + district if district else "ไม่ระบุอำเภอ")}')
        if report is None:  # other reports only
            files = file_links(reports_dir, Path(), page_dir, extra)
            out.append(f"<tr><td>{html.escape(agency.name)}<td>{files}")
            continue
        out.append(f'<tr><td><a href="{href(report, page_dir)}">{html.escape(agency.name)}</a>'
                   f"<td>{file_links(reports_dir, report, page_dir, extra)}")
    return "<table><tbody>" + "".join(out) + "</tbody></table>"


def page_parts(entries: list, size: int = PAGE_AGENCIES) -> list[list]:
    return [entries[i:i + size] for i in range(0, len(entries), size)] or [[]]


def part_name(slug: str, part: int, prefix: str) -> str:
    return f"{prefix}{slug}{'' if part == 1 else f'-{part}'}.html"


def province_pages(reports_dir: Path, folder: Path, *, prefix: str, heading: str, province: str, slug: str,
                    entries: list[Entry], portfolios: list[Path], titles: dict[str, str]
                    ) -> list[Path]:
    """Write the page(s) of one province in ``folder`` (relative); return their paths (relative)."""
    parts = page_parts(entries)
    written = []
    for number, part in enumerate(parts, start=1):
        page = folder / part_name(slug, number, prefix)
        nav = ""
        if len(parts) > 1:
            links = [str(n) if n == number else f'<a href="{part_name(slug, n, prefix)}">{n}</a>'
                     for n in range(1, len(parts) + 1)]
            nav = f'<p>หน้า {" · ".join(links)}</p>'
        body = [f'<p><a href="{href(Path("index.html"), folder)}">รายงานทั้งหมด</a></p>',
                f"<h1>{html.escape(heading)} · {html.escape(province)}</h1>",
                f'<p class="m">{len(entries)} หน่วยงาน · ปรับปรุงเมื่อ {html.escape(stamp())}</p>', nav]
        if number == 1 and portfolios:
            body.append("<h2>ภาพรวมหลายหน่วยงาน</h2><ul>")
            body += [f'<li><a href="{href(p, folder)}">{html.escape(portfolio_label(p, titles))}</a> '
                     f"{file_links(reports_dir, p, folder)}</li>" for p in portfolios]
            body.append("</ul>")
        body.append(agency_rows(reports_dir, folder, part))
        body.append(nav)
        write_page(reports_dir / page, page_html(f"{heading} · {province}", "\n".join(body)))
        written.append(page)
    return written


def portfolio_label(path: Path, titles: dict[str, str]) -> str:
    """A report per year by its kind's title and its scope: "ภาพรวม… · kalasin--kuchinarai"."""
    scope = "ทุกหน่วยงาน" if path.stem == "all" else path.stem
    return f"{titles.get(path.parent.name, path.parent.name)} · {scope}"


def write_page(path: Path, text: str) -> None:
    write_atomic(path, text.encode("utf-8"))
