"""An executed notebook -> the report's HTML (the offline itanb template, Sarabun embedded) -> an A4 PDF.

- offline: the ``itanb`` template (``itanb/templates/itanb``) has no remote script, stylesheet or font; the
  Sarabun font (SIL OFL 1.1) is embedded as base64 ``data:`` URLs and charts as inline PNG. The PDF is made by
  WeasyPrint from the same HTML with a URL fetcher that allows ``data:`` URLs only.
- no code: inputs and prompts are excluded; stderr (warnings, logs) is not part of the report.

The exporter and the font CSS are built once per process and cached, because ``itanb batch`` converts
thousands of notebooks.
"""

from __future__ import annotations

import base64
import html
from functools import cache
from pathlib import Path

from itanb import __version__, paths
from itanb.errors import ItanbError
from itanb.render.files import one_line, write_atomic

TEMPLATE_NAME = "itanb"


@cache
def license_notice() -> str:
    """The Sarabun copyright line and licence name, shown in every report's footer."""
    from itanb import fonts

    try:
        first = fonts.LICENSE.read_text(encoding="utf-8").splitlines()[0].strip()
    except (OSError, IndexError):
        first = "Sarabun, The Sarabun Project Authors"
    return f"{first}. {fonts.LICENSE_NAME}."


@cache
def font_css() -> str:
    """A <style> element with the Sarabun faces as base64 data: URLs, and the OFL notice in a comment."""
    from itanb import fonts

    faces = []
    for style, weight in (("Regular", 400), ("Bold", 700)):
        data = base64.b64encode(fonts.font_path(style).read_bytes()).decode("ascii")
        faces.append(
            f'@font-face {{ font-family: "{fonts.FAMILY}"; font-style: normal; font-weight: {weight}; '
            f'font-display: block; src: url(data:font/ttf;base64,{data}) format("truetype"); }}'
        )
    notice = html.escape(license_notice()).replace("--", "- -")
    return (f"<!-- Font: {fonts.FAMILY}. {notice} Embedded unmodified. -->\n"
            "<style>\n" + "\n".join(faces) + "\n</style>")


def template_css() -> str:
    """The report stylesheet of the itanb template (also used by the index page)."""
    return (paths.TEMPLATES / TEMPLATE_NAME / "itanb.css").read_text(encoding="utf-8")


@cache
def _exporter():
    """The HTML exporter, built once per process: the itanb template, no inputs, no prompts.

    nbconvert's HTMLExporter ends with a BeautifulSoup pass over the whole page (alt text, tabindex) that
    re-serialises it, ~250 kB with the embedded font; the itanb template sets the alt text itself, so the
    page is written exactly as the template made it (and our escaping stays byte for byte).
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", Highlight2HTML(pygments_lexer="python", parent=self))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(paths.TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=False,  # outputs are built by itanb.views, which escapes every input string
    )


def _resources(title: str) -> dict:
    return {
        "itanb_title": title,
        "itanb_version": __version__,
        "itanb_font_css": font_css(),
        "itanb_font_notice": license_notice(),
        "metadata": {"name": title},
    }


def notebook_to_html(nb, title: str = "") -> str:
    """HTML of an executed notebook with the itanb template (no code, offline, Thai font embedded)."""
    body, _ = _exporter().from_notebook_node(nb, resources=_resources(title or "itanb"))
    return body


def report_title(nb, fallback: str) -> str:
    """The title the notebook announced (itanb.views.show_title puts it in the output metadata)."""
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            title = output.get("metadata", {}).get("itanb", {}).get("title")
            if title:
                return str(title)
    return fallback


def _fetch_data_urls_only(url: str, *args, **kwargs):
    from weasyprint import default_url_fetcher

    if not url.startswith("data:"):
        raise ValueError(f"itanb reports are offline: refusing to fetch {url[:80]}")
    return default_url_fetcher(url, *args, **kwargs)


@cache
def pdf_unavailable() -> str | None:
    """Why PDF reports cannot be made on this machine, in one line (None: they can). WeasyPrint loads
    Debian's Pango and HarfBuzz libraries when imported; HTML reports need none of them."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        return ("PDF reports need Debian's Pango and HarfBuzz libraries (apt-get install libpango-1.0-0 "
                f"libpangoft2-1.0-0 libharfbuzz-subset0): {one_line(str(exc), 200)}")
    return None


def html_to_pdf(html_text: str, pdf_path: Path, base_url: Path | None = None) -> Path:
    """A4 PDF of a report's HTML with WeasyPrint (Pango/HarfBuzz shape Thai; print styles of the template)."""
    import logging

    reason = pdf_unavailable()
    if reason:
        raise ItanbError(reason)
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        fetcher = _offline_fetcher()
    except Exception:  # older WeasyPrint: a plain function is the documented fetcher
        fetcher = _fetch_data_urls_only
    pdf = HTML(string=html_text, base_url=str(base_url or pdf_path.parent), url_fetcher=fetcher).write_pdf()
    write_atomic(pdf_path, pdf)
    return pdf_path


@cache
def _offline_fetcher():
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols=("data",))
