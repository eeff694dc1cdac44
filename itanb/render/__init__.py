"""Reports, one module per job:

- :mod:`itanb.render.files`: atomic writes, one-line errors
- :mod:`itanb.render.kinds`: report kinds declared by their notebooks, parameters, where each report goes
- :mod:`itanb.render.export`: an executed notebook -> offline HTML (template, embedded font) -> A4 PDF
- :mod:`itanb.render.engine`: the papermill engine ``itanb`` (cells in this process's IPython shell)
- :mod:`itanb.render.execute`: one report: papermill in-process, then export (:func:`render_report`)
- :mod:`itanb.render.index`: ``reports/index.html``
"""

from itanb.render.execute import (
    FAILED_DIR,
    KERNEL_NAME,
    ReportFailed,
    ReportResult,
    render_report,
)
from itanb.render.export import font_css, html_to_pdf, notebook_to_html, pdf_unavailable
from itanb.render.files import write_atomic
from itanb.render.index import write_index
from itanb.render.kinds import Kind, kind_of, portfolio_scope, report_kinds, report_params, report_path

__all__ = [
    "FAILED_DIR", "KERNEL_NAME", "Kind", "ReportFailed", "ReportResult", "font_css",
    "html_to_pdf", "kind_of", "notebook_to_html", "pdf_unavailable", "portfolio_scope", "render_report",
    "report_kinds", "report_params", "report_path", "write_atomic", "write_index",
]
