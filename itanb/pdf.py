"""PDF reports from the report's HTML: headless Chromium where installed, WeasyPrint otherwise.

Why Chromium first: its PDF has a true text layer. A Thai cluster is often drawn with more glyphs than it has
characters, or with glyphs shared by other characters (HarfBuzz splits sara am into nikhahit + sara aa, so
the sara-aa glyph stands for both า and part of ำ; tone marks take a shifted glyph over tall vowels). Skia,
Chromium's PDF back end, writes such clusters with ``/ActualText``, so copying or searching the PDF gives the
text as written (ตำบล, อำเภอ, ที่ตั้ง). WeasyPrint (70) maps each glyph to one fixed text in the font's
ToUnicode table, the first it met: its PDFs look right but copy as ตาบล, อาเภอ, ที่ต้ัง. So WeasyPrint is the
fallback for machines without Chromium, and says so (:func:`engine`).

Both engines print the same page: A4, the report's title in the top margin, page numbers ("2 / 5") in the
bottom margin (CSS ``@page`` margin boxes, supported by Chromium >= 131 and WeasyPrint), table rows and
headline boxes kept whole on a page (the template's print styles). Nothing is fetched: the HTML is offline
(embedded font and charts), Chromium gets a dead proxy and no network services, WeasyPrint a fetcher that
accepts ``data:`` URLs only. Chromium's own header and footer (they would print the file's path) are off.

``ITANB_PDF_ENGINE`` = ``chromium`` | ``weasyprint`` | ``auto`` (default) chooses; ``ITANB_CHROMIUM`` names
the browser binary (default: ``/usr/bin/chromium``, then ``chromium`` on PATH).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from itanb.errors import ItanbError

ENGINES = ("chromium", "weasyprint")
CHROMIUM_DEFAULT = Path("/usr/bin/chromium")
CHROMIUM_TIMEOUT_S = 180
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
    "--mute-audio", "--no-pdf-header-footer", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
)
_TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S | re.I)


def chromium() -> Path | None:
    """The headless browser binary, or None."""
    named = os.environ.get("ITANB_CHROMIUM")
    if named:
        return Path(named) if Path(named).is_file() else None
    if CHROMIUM_DEFAULT.is_file():
        return CHROMIUM_DEFAULT
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None


@cache
def weasyprint_unavailable() -> str | None:
    """Why WeasyPrint cannot run here, in one line (None: it can). It loads Pango and HarfBuzz on import."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        return ("PDF reports need Debian's chromium, or Pango and HarfBuzz for WeasyPrint (apt-get install "
                f"chromium, or libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0): {_one_line(str(exc))}")
    return None


def engine() -> str:
    """The engine PDFs are made with here: ``chromium`` or ``weasyprint`` (see the module docstring)."""
    wanted = os.environ.get("ITANB_PDF_ENGINE", "auto").strip().lower() or "auto"
    if wanted not in (*ENGINES, "auto"):
        raise ItanbError(f"ITANB_PDF_ENGINE={wanted!r}; expected one of chromium, weasyprint, auto")
    if wanted == "auto":
        return "chromium" if chromium() else "weasyprint"
    return wanted


def unavailable() -> str | None:
    """Why no PDF can be made on this machine, in one line; None when one can."""
    chosen = engine()
    if chosen == "chromium":
        return None if chromium() else ("ITANB_PDF_ENGINE=chromium but no Chromium was found "
                                        "(apt-get install chromium, or set ITANB_CHROMIUM)")
    return weasyprint_unavailable()


def print_css(title: str) -> str:
    """The report's title in the top margin of each page (the template's ``@page`` rule gives A4, margins
    and the page numbers at the bottom right)."""
    return (f"<style>@page {{ @top-center {{ content: {_css_string(title)}; font-family: \"Sarabun\"; "
            "font-size: 8.5pt; color: #57606a; } }</style>")


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes and line breaks escaped)."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\\n\r\f' or ord(c) < 0x20 else c for c in text)
    return f'"{escaped}"'


def title_of(page: str) -> str:
    match = _TITLE_RE.search(page)
    return html.unescape(match.group(1)).strip() if match else ""


def for_print(page: str, title: str | None = None) -> str:
    """The report's HTML with its print page rules (:func:`print_css`) added to the head."""
    css = print_css(title if title is not None else title_of(page))
    head_end = page.lower().find("</head>")
    if head_end < 0:
        return css + page
    return page[:head_end] + css + "\n" + page[head_end:]


def pdf_bytes(page: str, *, title: str | None = None) -> bytes:
    """The PDF of a report's HTML, made with :func:`engine` (title: default the page's <title>).

    Raises ItanbError with one line when no engine can run or the engine fails.
    """
    reason = unavailable()
    if reason:
        raise ItanbError(reason)
    page = for_print(page, title)
    return _chromium_pdf(page) if engine() == "chromium" else _weasyprint_pdf(page)


def _chromium_pdf(page: str) -> bytes:
    browser = chromium()
    with tempfile.TemporaryDirectory(prefix="itanb-pdf-") as tmp:
        folder = Path(tmp)
        source, out = folder / "report.html", folder / "report.pdf"
        source.write_text(page, encoding="utf-8")
        command = [str(browser), *CHROMIUM_FLAGS, f"--user-data-dir={folder / 'profile'}",
                   f"--print-to-pdf={out}", source.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT_S,
                                  stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            raise ItanbError(f"Chromium did not print the PDF within {CHROMIUM_TIMEOUT_S} s") from None
        if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            errors = [line for line in done.stderr.splitlines() if "ERROR" in line and "dbus" not in line]
            raise ItanbError(f"Chromium could not print the PDF (exit {done.returncode}): "
                             f"{_one_line(errors[-1] if errors else done.stderr)}")
        return out.read_bytes()


def _weasyprint_pdf(page: str) -> bytes:
    import logging

    from weasyprint import HTML

    from itanb.charts.svg import outline_text

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    page = outline_text(page)  # its SVG text would lose Thai mark stacking (charts.svg.outline_text)
    return HTML(string=page, base_url=None, url_fetcher=_offline_fetcher()).write_pdf()


@cache
def _offline_fetcher():
    try:
        from weasyprint import URLFetcher

        return URLFetcher(allowed_protocols=("data",))
    except ImportError:  # older WeasyPrint: a plain function is the documented fetcher
        return _fetch_data_urls_only


def _fetch_data_urls_only(url: str, *args, **kwargs):
    from weasyprint import default_url_fetcher

    if not url.startswith("data:"):
        raise ValueError(f"itanb reports are offline: refusing to fetch {url[:80]}")
    return default_url_fetcher(url, *args, **kwargs)


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
