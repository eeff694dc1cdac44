"""``reports/index.html``: every report of every kind in a reports folder, relative links, Thai, offline."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from itanb import __version__, paths
from itanb.render.execute import FAILED_SUFFIX
from itanb.render.export import font_css, license_notice, template_css
from itanb.render.files import write_atomic
from itanb.render.kinds import Kind, report_kinds

_TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S | re.I)


def _title_of(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            head = fh.read(4096).decode("utf-8", "replace")
    except OSError:
        return path.stem
    match = _TITLE_RE.search(head)
    return html.unescape(match.group(1)).strip() if match else path.stem


def _link(reports_dir: Path, path: Path, text: str) -> str:
    href = quote(path.relative_to(reports_dir).as_posix())
    return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'


def _entry(reports_dir: Path, path: Path) -> str:
    extra = ""
    pdf = path.with_suffix(".pdf")
    if pdf.exists():
        extra = " · " + _link(reports_dir, pdf, "PDF")
    return f"<li>{_link(reports_dir, path, _title_of(path))} <span class=\"itanb-muted\">" \
           f"({html.escape(path.stem)})</span>{extra}</li>"


def _listing(reports_dir: Path, kinds: dict[str, Kind]):
    """(fiscal year -> [(kind, reports)] for the kinds with a year, [(kind, reports)] for those without)."""
    by_year: dict[int, list[tuple[Kind, list[Path]]]] = {}
    # a report per year (a portfolio) before the reports per agency of that year
    dated = sorted((k for k in kinds.values() if k.per != "agency"), key=lambda k: (k.per != "year", k.name))
    for kind in dated:
        found: dict[int, list[Path]] = {}
        for path in sorted(reports_dir.glob(f"*/{kind.name}/*.html")):
            if path.parent.parent.name.isdigit():
                found.setdefault(int(path.parent.parent.name), []).append(path)
        for year, reports in found.items():
            by_year.setdefault(year, []).append((kind, reports))
    undated = [(k, sorted((reports_dir / k.name).glob("*.html"))) for k in kinds.values()
               if k.per == "agency"]
    return by_year, [(k, r) for k, r in undated if r]


def _page(parts: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="th">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>รายงาน ITA ทั้งหมด</title>\n{font_css()}\n<style>\n{template_css()}\n</style>\n</head>\n"
        '<body class="itanb-report">\n<main>\n' + "\n".join(parts) + "\n</main>\n"
        f'<footer class="itanb-footer"><p>สร้างโดย itanb {html.escape(__version__)} · ฟอนต์ Sarabun ใช้ภายใต้ '
        f"SIL Open Font License 1.1 ({html.escape(license_notice())})</p></footer>\n</body>\n</html>\n"
    )


def write_index(reports_dir: Path | str = paths.REPORTS, *,
                notebooks_dir: Path | str = paths.NOTEBOOKS) -> Path:
    """Write ``<reports>/index.html``: every report of every kind (:func:`itanb.render.kinds.report_kinds`)
    under ``reports_dir``, by fiscal year, then the reports without a year; failed runs
    (``*.failed.ipynb``) at the end. Titles come from each report's <title>; everything shown is HTML-escaped.
    """
    from zoneinfo import ZoneInfo

    from itanb.thai import format_thai_date

    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    by_year, undated = _listing(reports_dir, report_kinds(notebooks_dir))
    failed = sorted(reports_dir.rglob(f"*{FAILED_SUFFIX}"))

    parts = ['<h1>รายงานผลการประเมินคุณธรรมและความโปร่งใส (ITA)</h1>']
    count = sum(len(r) for listed in by_year.values() for _, r in listed) + sum(len(r) for _, r in undated)
    now = datetime.now(UTC).astimezone(ZoneInfo("Asia/Bangkok"))
    stamp = f"{format_thai_date(now.date(), thai_digits=False)} {now:%H:%M} น."
    parts.append(f'<p class="itanb-muted">ทั้งหมด {count} รายงาน · ปรับปรุงเมื่อ {html.escape(stamp)}</p>')
    if not count:
        parts.append("<p>ยังไม่มีรายงาน</p>")
    for year in sorted(by_year, reverse=True):
        parts.append(f"<h2>ปีงบประมาณ พ.ศ. {year}</h2>")
        for kind, reports in by_year[year]:
            parts.append(f"<h3>{html.escape(kind.title)}</h3><ul>")
            parts.extend(_entry(reports_dir, p) for p in reports)
            parts.append("</ul>")
    for kind, reports in undated:
        parts.append(f"<h2>{html.escape(kind.title)}</h2><ul>")
        parts.extend(_entry(reports_dir, p) for p in reports)
        parts.append("</ul>")
    if failed:
        parts.append("<h2>รายงานที่สร้างไม่สำเร็จ</h2><ul>")
        parts.extend(f"<li>{_link(reports_dir, p, p.relative_to(reports_dir).as_posix())}</li>"
                     for p in failed)
        parts.append("</ul>")
    index = reports_dir / "index.html"
    write_atomic(index, _page(parts).encode("utf-8"))
    return index
