"""One report: execute its notebook in-process with papermill, convert it, write HTML (and PDF).

One report is one call to :func:`render_report`: no shell, no ``jupyter nbconvert`` process.

- atomic: HTML and PDF go to a temporary file in the target folder, then ``os.replace``.
- a failed run writes nothing in the reports folder (not even a folder): the executed notebook is kept
  outside it, as ``<cache>/failed/<report's path>.ipynb`` (:data:`itanb.paths.CACHE`), and the result names
  that file, the failing cell (its index in the source notebook and first line) and the error; a later
  run that succeeds removes it.
- the engine: papermill's engine ``itanb`` (:mod:`itanb.render.engine`) runs the cells in this process's
  IPython shell; ``engine="nbclient"`` is papermill's own (a ``python3`` kernel), for the same page.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itanb import paths
from itanb.errors import ItanbError, NotApplicable
from itanb.render.export import html_to_pdf, notebook_to_html, report_title
from itanb.render.files import one_line, write_atomic
from itanb.render.kinds import Kind, clean_params, kind_of, scope_of

KERNEL_NAME = "python3"
ENGINE = "itanb"  # the papermill engine of itanb.render.engine; "nbclient": papermill's own (a kernel)
FAILED_DIR = "failed"  # under paths.CACHE: the executed notebooks of failed runs, never published


class ReportFailed(ItanbError):
    """A report whose notebook did not run to the end (:class:`ReportResult`). ``exit_code`` of ``itanb
    report``: 2 when the notebook rejected a parameter (an unknown agency, a year without data), else 1."""

    def __init__(self, message: str, *, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class ReportResult:
    """What one :func:`render_report` call did. ``ok`` is False exactly when ``error`` says why."""

    kind: str
    params: dict
    html: Path  # where the report is (or would have been) written
    pdf: Path | None = None  # written PDF, if asked for and the run succeeded
    xlsx: Path | None = None  # written Excel workbook, if asked for and the run succeeded
    docx: Path | None = None  # written Word draft (fiscal-year reports), if asked for and the run succeeded
    skipped: list[str] = field(default_factory=list)  # companions that do not apply, one line each (why)
    ok: bool = True
    seconds: float = 0.0
    title: str = ""
    failed_notebook: Path | None = None  # the executed notebook, kept when the run failed
    cell_index: int | None = None  # index of the failing cell in the source notebook
    cell_source: str | None = None  # first line of the failing cell
    error_name: str | None = None  # e.g. "ParameterError", "KeyError"
    error: str | None = None  # the error message (one line)
    notebook: Any = field(default=None, repr=False)  # the executed notebook (in memory, not written)

    def summary(self) -> str:
        """One line: the report path, or where and why it failed."""
        if self.ok:
            return str(self.html) + "".join(f" + {p.name}" for p in (self.pdf, self.xlsx, self.docx) if p)
        where = ""
        if self.cell_index is not None:
            where = f" at cell {self.cell_index} ({self.cell_source!r})"
        kept = f"; executed notebook kept in {self.failed_notebook}" if self.failed_notebook else ""
        return f"{self.kind} report failed{where}: {self.error_name}: {self.error}{kept}"

    def raise_for_error(self) -> ReportResult:
        """``self`` if the report was written; else ReportFailed with the notebook's one line when it
        rejected a parameter, naming the cell and the error otherwise."""
        if self.error_name == "ParameterError":
            raise ReportFailed(self.error, exit_code=2)
        if not self.ok:
            raise ReportFailed(self.summary())
        return self

    def fail(self, name: str, message: str) -> None:
        self.ok = False
        self.error_name = name
        self.error = one_line(message) or name


def failed_path(report: Path, reports_dir: Path | str) -> Path:
    """Where the executed notebook of a failed run of ``report`` (a path in ``reports_dir``) is kept: outside
    the reports folder, under the cache, at the report's relative path with ``.ipynb``."""
    return paths.CACHE / FAILED_DIR / Path(report).relative_to(reports_dir).with_suffix(".ipynb")


def _tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _source_index(nb, executed_index: int) -> int:
    """Index in the source notebook of a cell of the executed notebook (papermill injects one cell)."""
    injected = [i for i, c in enumerate(nb.cells) if "injected-parameters" in _tags(c)]
    return executed_index - sum(1 for i in injected if i < executed_index)


def _keep_failed(result: ReportResult, tmp_nb: Path, failed: Path, cell_index: int | None) -> None:
    """Keep the executed notebook of a failed run at ``failed``; point ``cell_index`` at the source."""
    if not (tmp_nb.exists() and tmp_nb.stat().st_size):
        return
    if cell_index is not None:
        import nbformat

        kept = nbformat.read(tmp_nb, as_version=4)
        # papermill put two marker cells in the kept notebook; the index we report is the source's
        kept.cells = [c for c in kept.cells if "papermill-error-cell-tag" not in _tags(c)]
        result.cell_index = _source_index(kept, cell_index)
    tmp_nb.replace(failed)
    result.failed_notebook = failed


def _execute(result: ReportResult, notebook: Path, nb_params: dict, failed: Path, *, engine: str | None,
             engine_kwargs: dict):
    """The executed notebook, or None with ``result`` saying why it failed."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    if engine != ENGINE:
        # the kernel's own log ("running over TCP without encryption", "KeyboardInterrupt caught" when a
        # failed run is stopped) is noise on our stderr; errors of cells are in the notebook
        engine_kwargs = {"extra_arguments": ["--IPKernelApp.log_level=CRITICAL"], **engine_kwargs}
    failed.parent.mkdir(parents=True, exist_ok=True)  # the reports folder is written only by finish()
    fd, tmp_name = tempfile.mkstemp(dir=failed.parent, prefix=f".{failed.stem}.", suffix=".ipynb")
    os.close(fd)
    tmp_nb = Path(tmp_name)
    try:
        return papermill.execute_notebook(
            str(notebook), str(tmp_nb), parameters=nb_params, engine_name=engine,
            kernel_name=KERNEL_NAME, progress_bar=False, log_output=False,
            request_save_on_cell_execute=False, **engine_kwargs,
        )
    except PapermillExecutionError as exc:
        result.fail(exc.ename, exc.evalue)
        source = (exc.source or "").strip()
        result.cell_source = source.splitlines()[0] if source else ""
        result.cell_index = exc.cell_index
        _keep_failed(result, tmp_nb, failed, exc.cell_index)
    except Exception as exc:  # the kernel could not start or died: no cell to blame
        result.fail(type(exc).__name__, str(exc))
        _keep_failed(result, tmp_nb, failed, None)
    finally:
        tmp_nb.unlink(missing_ok=True)
    return None


def _companion(result: ReportResult, kind: str, params: dict, companion: tuple[str, str, str], *,
               processed_dir: Path | str, raw_dir: Path | str) -> None:
    """The file beside the report (``companion``: its suffix, what it is, and ``module.function`` of itanb
    that makes its bytes: the Excel workbook, the Word draft), if that module knows the kind; an error
    leaves the HTML report standing and says why the file is missing."""
    import importlib

    suffix, label, writer = companion
    module_name, function = writer.split(".")
    module = importlib.import_module(f"itanb.{module_name}")
    if not module.knows(kind):
        return
    path = result.html.with_suffix(suffix)
    try:
        data = getattr(module, function)(kind, params, processed_dir=processed_dir, raw_dir=raw_dir,
                                   title=result.title)
    except NotApplicable as exc:  # not an error of this report: nothing to write (the draft of no result)
        result.skipped.append(f"{label} not written: {one_line(str(exc))}")
        path.unlink(missing_ok=True)  # one made from earlier data would no longer match the report
        return
    except Exception as exc:  # the HTML report stands; say why its companion is missing
        result.fail(type(exc).__name__, f"HTML written, {label} not: {one_line(str(exc))}")
        return
    write_atomic(path, data)
    setattr(result, suffix[1:], path)


def render_report(kind: str | Kind, params: dict, *, reports_dir: Path | str = paths.REPORTS,
                  raw_dir: Path | str = paths.RAW, processed_dir: Path | str = paths.PROCESSED,
                  pdf: bool = False, xlsx: bool = False, docx: bool = False,
                  notebooks_dir: Path | str = paths.NOTEBOOKS,
                  engine: str | None = ENGINE, engine_kwargs: dict | None = None) -> ReportResult:
    """Execute the notebook of report kind ``kind`` with ``params`` and write its report.

    Parameters
    ----------
    kind
        A report kind (:func:`itanb.render.kinds.report_kinds`) or its slug, e.g. ``fiscal-year``.
    params
        The notebook's parameters besides the folders: ``agency`` and/or ``fiscal_year`` as the kind is per
        agency-year, agency or year, and any optional parameter of its notebook (``thai_digits``; a report
        per year also ``province``, ``district``). The report path depends on the required ones only.
    reports_dir, raw_dir, processed_dir
        Where the report goes and where the notebook reads its data.
    pdf
        Also write the PDF next to the HTML.
    xlsx
        Also write the Excel workbook of the report's tables next to the HTML (:mod:`itanb.workbook`; the
        kinds it knows: fiscal-year, year-over-year, portfolio).
    docx
        Also write the editable Word draft of the agency's analysis next to a fiscal-year report
        (:mod:`itanb.draft`; other kinds have none).
    notebooks_dir
        Where the report notebooks are (the package's by default).
    engine, engine_kwargs
        A papermill engine name and the arguments it takes: ``itanb`` (the cells in this process's IPython
        shell, :mod:`itanb.render.engine`), or ``nbclient`` (papermill's own: a ``python3`` kernel).

    Returns
    -------
    ReportResult
        ``ok`` False when something found while running failed (unknown agency, a year without data, an
        error in a cell, a PDF that could not be made), with the failing cell and error.

    Raises
    ------
    ParameterError
        Bad parameters that can be seen without data: unknown kind or key, a year that is not a year, an
        agency_id that is not a file name.
    """
    spec = kind if isinstance(kind, Kind) else kind_of(kind, notebooks_dir)
    clean = clean_params(spec, params)
    scope = scope_of(spec, clean)
    out = spec.path(reports_dir, scope, clean.get("fiscal_year"))
    failed = failed_path(out, reports_dir)
    result = ReportResult(kind=spec.name, params=clean, html=out)
    started = time.perf_counter()
    nb_params = {**clean, "raw_dir": str(Path(raw_dir).resolve()),
                 "processed_dir": str(Path(processed_dir).resolve())}
    nb = _execute(result, spec.notebook, nb_params, failed, engine=engine,
                  engine_kwargs=dict(engine_kwargs or {}))
    if nb is not None:
        _write(result, nb, f"{spec.title} · {scope or ''} {clean.get('fiscal_year', '')}".strip(), pdf=pdf)
        for wanted, companion in ((xlsx, (".xlsx", "Excel", "workbook.report_workbook")),
                                  (docx, (".docx", "Word", "draft.report_draft"))):
            if wanted:
                _companion(result, spec.name, clean, companion, processed_dir=processed_dir, raw_dir=raw_dir)
        failed.unlink(missing_ok=True)
    result.seconds = time.perf_counter() - started
    return result


def _write(result: ReportResult, nb, fallback_title: str, *, pdf: bool) -> None:
    """The report's HTML (and PDF) from the executed notebook."""
    result.notebook = nb
    result.title = report_title(nb, fallback_title)
    html_text = notebook_to_html(nb, result.title)
    write_atomic(result.html, html_text.encode("utf-8"))
    if pdf:
        try:
            result.pdf = html_to_pdf(html_text, result.html.with_suffix(".pdf"), title=result.title)
        except Exception as exc:  # the HTML report stands; say why its PDF is missing
            result.fail(type(exc).__name__, f"HTML written, PDF not: {one_line(str(exc))}")
