"""An executed notebook -> the report's HTML (the offline itanb template, Sarabun embedded) -> an A4 PDF.

- offline: the ``itanb`` template (``itanb/templates/itanb``) has no remote script, stylesheet or font; the
  Sarabun font (SIL OFL 1.1), subset to the characters of the finished page (:func:`itanb.fonts.font_css`),
  is embedded as base64 WOFF2 ``data:`` URLs; charts are inline SVG, their text set in that font. The PDF is
  printed from the same HTML by headless Chromium where installed (a true Thai text layer), else WeasyPrint
  (:mod:`itanb.pdf`).
- no code: inputs and prompts are excluded; stderr (warnings, logs) is not part of the report.

The exporter and the font subsets are built once per process and cached, because ``itanb batch`` converts
thousands of notebooks.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from itanb import __version__, paths
from itanb.errors import ItanbError
from itanb.render.files import write_atomic

TEMPLATE_NAME = "itanb"


FONT_PLACEHOLDER = "<!-- itanb: font -->"  # replaced by the font subset to the finished page's characters


def license_notice() -> str:
    """The Sarabun copyright line and licence name, shown in every report's footer."""
    from itanb import fonts

    return fonts.license_notice()


def font_css(page: str) -> str:
    """The font of ``page``: Sarabun subset to its characters (:func:`itanb.fonts.font_css`)."""
    from itanb import fonts

    return fonts.font_css(page)


def template_css() -> str:
    """The report stylesheet of the itanb template (also used by the index page)."""
    return (paths.TEMPLATES / TEMPLATE_NAME / "itanb.css").read_text(encoding="utf-8")


@cache
def _exporter():
    """The HTML exporter, built once per process: the itanb template, no inputs, no prompts.

    nbconvert's HTMLExporter ends with a BeautifulSoup pass over the whole page (alt text, tabindex) that
    re-serialises it, ~250 kB with the embedded font (50 ms a report); the itanb template sets the alt text
    itself, so the page is written as the template made it (and our escaping stays byte for byte): the
    exporter registers the two filters HTMLExporter registers per notebook, then renders as its base class.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            self.register_filter("highlight_code", Highlight2HTML(pygments_lexer="python", parent=self))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=nb.metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(paths.TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=False,  # outputs are built by itanb.views, which escapes every input string
        # no ¶ link and id on headings: nothing links to them, and nbconvert's add_anchor re-serialises the
        # heading with ElementTree, Thai as &#3612;... and the id percent-encoded twice (9 bytes a letter)
        exclude_anchor_links=True,
        # the notebook is validated once, after the last preprocessor, not after each of the twelve (most
        # of them disabled): 0.07 s a report
        optimistic_validation=True,
    )


def _resources(title: str) -> dict:
    return {
        "itanb_title": title,
        "itanb_version": __version__,
        "itanb_font_css": FONT_PLACEHOLDER,
        "itanb_font_notice": license_notice(),
        "metadata": {"name": title},
    }


def notebook_to_html(nb, title: str = "") -> str:
    """HTML of an executed notebook with the itanb template (no code, offline, Thai font embedded)."""
    body, _ = _exporter().from_notebook_node(nb, resources=_resources(title or "itanb"))
    body = compact_markup(body)
    return body.replace(FONT_PLACEHOLDER, font_css(body), 1)


# JupyterLab's cell markup that an offline report does not use: the collapsers (hidden by the CSS, no script
# to work them), the MIME type of each output, the JupyterLab classes the CSS does not style, the cells'
# ids, runs of blank lines. ~400 bytes a cell.
_EMPTY_COLLAPSER = re.compile(r'<div class="jp-Collapser [^"]*">\s*</div>\s*')
_MIME_ATTR = re.compile(r' data-mime-type="[a-z/+.-]+"')
_BLANK_LINES = re.compile(r"\n\s*\n(?=\s*<)")
_CLASS_ATTR = re.compile(r' class="([^"]*\bjp-[^"]*)"')
_KEPT_CLASSES = frozenset({"jp-Cell", "jp-OutputArea-output", "jp-RenderedImage"})  # what itanb.css styles
_CELL_ID = re.compile(r' id="cell-id=[^"]*"')  # nothing links to a cell


def _classes(match: re.Match) -> str:
    kept = [c for c in match.group(1).split() if not c.startswith("jp-") or c in _KEPT_CLASSES]
    return f' class="{" ".join(kept)}"' if kept else ""


def compact_markup(page: str) -> str:
    """``page`` without the JupyterLab markup nothing reads (see above); text is untouched: only blank
    lines before a tag are folded."""
    page = _EMPTY_COLLAPSER.sub("", page)
    page = _MIME_ATTR.sub("", page)
    page = _CELL_ID.sub("", _CLASS_ATTR.sub(_classes, page))
    return _BLANK_LINES.sub("\n", page)


def report_title(nb, fallback: str) -> str:
    """The title the notebook announced (itanb.views.show_title puts it in the output metadata)."""
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            title = output.get("metadata", {}).get("itanb", {}).get("title")
            if title:
                return str(title)
    return fallback


def pdf_unavailable() -> str | None:
    """Why PDF reports cannot be made on this machine, in one line (None: they can); see :mod:`itanb.pdf`."""
    from itanb import pdf

    return pdf.unavailable()


def html_to_pdf(html_text: str, pdf_path: Path, *, title: str | None = None) -> Path:
    """A4 PDF of a report's HTML (:func:`itanb.pdf.pdf_bytes`: headless Chromium, else WeasyPrint), with
    ``title`` (default: the page's <title>) in the top margin, written atomically."""
    from itanb import pdf

    reason = pdf_unavailable()
    if reason:
        raise ItanbError(reason)
    write_atomic(pdf_path, pdf.pdf_bytes(html_text, title=title))
    return pdf_path
