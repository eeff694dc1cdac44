"""Reports: execute a notebook in-process with papermill, convert it with nbconvert, write HTML (and PDF).

One report is one call to :func:`render_report`: no shell, no ``jupyter nbconvert`` process. The exporter and
the template are built once per process and cached, because ``itanb batch`` calls this thousands of times.

Guarantees of a written report:

- offline: the ``itanb`` template (``itanb/templates/itanb``) has no remote script, stylesheet or font; the
  Sarabun font (SIL OFL 1.1) is embedded as base64 ``data:`` URLs and charts as inline PNG. The PDF is made by
  WeasyPrint from the same HTML with a URL fetcher that allows ``data:`` URLs only.
- no code: inputs and prompts are excluded; stderr (warnings, logs) is not part of the report.
- atomic: HTML and PDF go to a temporary file in the target folder, then ``os.replace``.
- a failed run writes no report; the executed notebook is kept as ``<report>.failed.ipynb`` and the result
  names the failing cell (its index in ``notebooks/<file>.ipynb`` and first line) and the error.
"""

from __future__ import annotations

import base64
import html
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from itanb import __version__, paths
from itanb.errors import ItanbError, ParameterError
from itanb.vocabulary import BE_MAX, BE_MIN

TEMPLATE_NAME = "itanb"
KERNEL_NAME = "python3"
FAILED_SUFFIX = ".failed.ipynb"
ALL_SCOPE = "all"
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


@dataclass(frozen=True)
class Kind:
    """A kind of report: its notebook, its parameters (besides raw_dir/processed_dir), a Thai title."""

    name: str
    notebook: str
    params: tuple[str, ...]
    required: tuple[str, ...]
    title: str


KINDS: dict[str, Kind] = {
    "fiscal-year": Kind("fiscal-year", "fiscal_year_report.ipynb", ("agency", "fiscal_year"),
                        ("agency", "fiscal_year"), "รายงานผลการประเมิน ITA ประจำปีงบประมาณ"),
    # every loaded year is shown; a fiscal_year passed along (e.g. by a batch loop) is ignored
    "year-over-year": Kind("year-over-year", "year_over_year.ipynb", ("agency",), ("agency",),
                           "ผลการประเมิน ITA เปรียบเทียบรายปี"),
    "portfolio": Kind("portfolio", "portfolio.ipynb", ("fiscal_year", "province", "district"),
                      ("fiscal_year",), "ภาพรวมผลการประเมิน ITA หลายหน่วยงาน"),
}


# optional parameters every kind takes; absent (as from a batch), the notebook's default applies
OPTIONS: tuple[str, ...] = ("thai_digits",)  # True: numbers and dates in Thai digits (๐–๙)


class ReportFailed(ItanbError):
    """A report whose notebook did not run to the end (see :class:`ReportResult`)."""


@dataclass
class ReportResult:
    """What one :func:`render_report` call did. ``ok`` is False exactly when ``error`` says why."""

    kind: str
    params: dict
    html: Path  # where the report is (or would have been) written
    pdf: Path | None = None  # written PDF, if asked for and the run succeeded
    ok: bool = True
    seconds: float = 0.0
    title: str = ""
    failed_notebook: Path | None = None  # the executed notebook, kept when the run failed
    cell_index: int | None = None  # index of the failing cell in notebooks/<file>.ipynb
    cell_source: str | None = None  # first line of the failing cell
    error_name: str | None = None  # e.g. "ParameterError", "KeyError"
    error: str | None = None  # the error message (one line)
    notebook: Any = field(default=None, repr=False)  # the executed notebook (in memory, not written)

    def summary(self) -> str:
        """One line: the report path, or where and why it failed."""
        if self.ok:
            return str(self.html) + (f" + {self.pdf.name}" if self.pdf else "")
        where = ""
        if self.cell_index is not None:
            where = f" at cell {self.cell_index} ({self.cell_source!r})"
        kept = f"; executed notebook kept in {self.failed_notebook}" if self.failed_notebook else ""
        return f"{self.kind} report failed{where}: {self.error_name}: {self.error}{kept}"

    def raise_for_error(self) -> ReportResult:
        if not self.ok:
            raise ReportFailed(self.summary())
        return self


# ---------------------------------------------------------------------------------------------------- paths


def _kind(kind: str) -> Kind:
    try:
        return KINDS[kind]
    except KeyError:
        raise ParameterError(f"unknown report kind {kind!r}; known: {', '.join(KINDS)}") from None


def _safe_id(value: str, what: str) -> str:
    if not isinstance(value, str) or not _SAFE_ID.match(value) or value in {".", ".."}:
        raise ParameterError(f"{what} {value!r} is not a plain file name (letters, digits, '-', '_', '.')")
    return value


def _fiscal_year(value: object) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise ParameterError(f"fiscal_year {value!r} is not a year; expected a Buddhist Era year such as 2565"
                             ) from None
    if not BE_MIN <= year <= BE_MAX:
        raise ParameterError(f"fiscal_year {year} is not a Buddhist Era year ({BE_MIN}–{BE_MAX}), e.g. 2565")
    return year


def report_path(reports_dir: Path | str, kind: str, agency_id: str | None, fiscal_year: int | None,
                ext: str = "html") -> Path:
    """Where a report goes, built from its parameters only.

    - fiscal-year: ``<reports>/<fiscal_year>/fiscal-year/<agency_id>.<ext>``
    - year-over-year: ``<reports>/year-over-year/<agency_id>.<ext>`` (fiscal_year ignored)
    - portfolio: ``<reports>/<fiscal_year>/portfolio/<scope>.<ext>``; ``agency_id`` is the scope
      (:func:`portfolio_scope`, ``all`` when None).
    """
    spec = _kind(kind)
    reports_dir = Path(reports_dir)
    ext = ext.lstrip(".")
    if spec.name == "year-over-year":
        return reports_dir / "year-over-year" / f"{_safe_id(agency_id, 'agency_id')}.{ext}"
    year = _fiscal_year(fiscal_year)
    if spec.name == "portfolio":
        scope = _safe_id(agency_id or ALL_SCOPE, "portfolio scope")
        return reports_dir / str(year) / "portfolio" / f"{scope}.{ext}"
    return reports_dir / str(year) / "fiscal-year" / f"{_safe_id(agency_id, 'agency_id')}.{ext}"


def portfolio_scope(province: str | None = None, district: str | None = None) -> str:
    """The file-name scope of a portfolio: ``all``, ``<province>`` or ``<province>--<district>`` (ASCII,
    provinces by their official English names, e.g. ``kalasin--kuchinarai``)."""
    if not province and not district:
        return ALL_SCOPE
    from itanb.agencies import province_slug, slugify

    parts = [province_slug(province) if province else ALL_SCOPE]
    if district:
        parts.append(slugify(re.sub(r"^(อำเภอ|อ\.)\s*", "", district.strip())))
    return "--".join(parts)


# ---------------------------------------------------------------------------------------------- templates


@cache
def _license_notice() -> str:
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
    notice = html.escape(_license_notice()).replace("--", "- -")
    return (f"<!-- Font: {fonts.FAMILY}. {notice} Embedded unmodified. -->\n"
            "<style>\n" + "\n".join(faces) + "\n</style>")


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
        "itanb_font_notice": _license_notice(),
        "metadata": {"name": title},
    }


def notebook_to_html(nb, title: str = "") -> str:
    """HTML of an executed notebook with the itanb template (no code, offline, Thai font embedded)."""
    body, _ = _exporter().from_notebook_node(nb, resources=_resources(title or "itanb"))
    return body


def _report_title(nb, fallback: str) -> str:
    """The title the notebook announced (itanb.views.show_title puts it in the output metadata)."""
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            title = output.get("metadata", {}).get("itanb", {}).get("title")
            if title:
                return str(title)
    return fallback


# ---------------------------------------------------------------------------------------------- writing


def write_atomic(path: Path, data: bytes, *, fsync: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary ``.<name>.*.tmp`` file in the same folder and a rename,
    so a reader (or a kill) never sees half a file; ``fsync``: on disk before the rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        Path(tmp).chmod(0o644)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
                f"libpangoft2-1.0-0 libharfbuzz-subset0): {_one_line(str(exc), 200)}")
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


# ---------------------------------------------------------------------------------------------- rendering


def _clean_params(spec: Kind, params: dict) -> dict:
    params = dict(params or {})
    if spec.name == "year-over-year":
        params.pop("fiscal_year", None)
    if "agency_id" in params and "agency" not in params:
        params["agency"] = params.pop("agency_id")
    unknown = sorted(set(params) - {*spec.params, *OPTIONS})
    if unknown:
        raise ParameterError(f"{spec.name} report takes {', '.join(spec.params)} (and optionally "
                             f"{', '.join(OPTIONS)}); unknown: {', '.join(unknown)}")
    missing = [p for p in spec.required if params.get(p) in (None, "")]
    if missing:
        raise ParameterError(f"{spec.name} report needs {', '.join(missing)}")
    clean = {}
    for name, value in params.items():
        if value is None:
            continue
        if name == "fiscal_year":
            clean[name] = _fiscal_year(value)
        elif name == "agency":
            clean[name] = _safe_id(str(value), "agency_id")
        elif name == "thai_digits":
            clean[name] = _flag(value, name)  # a bool for the notebook: the text "False" would be true
        else:
            clean[name] = str(value)
    return clean


def _flag(value: object, what: str) -> bool:
    """A yes/no parameter: a bool, 0/1, or the text true/false (yes/no, 1/0; any case; empty is false), as
    :func:`itanb.views.check_params` reads it (not imported: render stays free of pandas)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = value.strip().lower() if isinstance(value, str) else None
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0", ""):
        return False
    raise ParameterError(f"{what} must be True or False, got {value!r}")


def _tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _source_index(nb, executed_index: int) -> int:
    """Index in notebooks/<file>.ipynb of a cell of the executed notebook (papermill injects one cell)."""
    injected = [i for i, c in enumerate(nb.cells) if "injected-parameters" in _tags(c)]
    return executed_index - sum(1 for i in injected if i < executed_index)


def _one_line(text: str, limit: int = 500) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text or "")).strip()
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def render_report(kind: str, params: dict, *, reports_dir: Path | str = paths.REPORTS,
                  raw_dir: Path | str = paths.RAW, processed_dir: Path | str = paths.PROCESSED,
                  pdf: bool = False) -> ReportResult:
    """Execute ``notebooks/<kind>.ipynb`` with ``params`` and write its report; see the module docstring.

    ``params``: fiscal-year ``{"agency", "fiscal_year"}``; year-over-year ``{"agency"}``; portfolio
    ``{"fiscal_year", "province"?, "district"?}``; any kind also ``"thai_digits"?`` (bool, or "true"/"false";
    the report path does not depend on it). Bad parameters that can be seen without data (unknown
    kind, unknown key, a year that is not a year, an agency_id that is not a file name) raise ParameterError;
    anything found while running (unknown agency, a year without data, an error in a cell) gives
    ``ok=False``.
    """
    spec = _kind(kind)
    clean = _clean_params(spec, params)
    scope = clean.get("agency")
    if spec.name == "portfolio":
        scope = portfolio_scope(clean.get("province"), clean.get("district"))
    out = report_path(reports_dir, spec.name, scope, clean.get("fiscal_year"))
    out.parent.mkdir(parents=True, exist_ok=True)
    failed = out.with_name(out.stem + FAILED_SUFFIX)
    result = ReportResult(kind=spec.name, params=clean, html=out)

    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}.", suffix=".ipynb")
    os.close(fd)
    tmp_nb = Path(tmp_name)
    nb_params = {**clean, "raw_dir": str(Path(raw_dir).resolve()),
                 "processed_dir": str(Path(processed_dir).resolve())}
    try:
        nb = papermill.execute_notebook(
            str(paths.NOTEBOOKS / spec.notebook), str(tmp_nb), parameters=nb_params,
            kernel_name=KERNEL_NAME, progress_bar=False, log_output=False,
            request_save_on_cell_execute=False,
            # the kernel's own log (e.g. "running over TCP without encryption") is noise on our stderr
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except PapermillExecutionError as exc:
        result.ok = False
        result.error_name = exc.ename
        result.error = _one_line(exc.evalue) or exc.ename
        result.cell_source = (exc.source or "").strip().splitlines()[0] if (exc.source or "").strip() else ""
        result.cell_index = exc.cell_index
        if tmp_nb.exists() and tmp_nb.stat().st_size:
            import nbformat

            kept = nbformat.read(tmp_nb, as_version=4)
            # papermill put two marker cells in the kept notebook; the index we report is the source's
            kept.cells = [c for c in kept.cells if "papermill-error-cell-tag" not in _tags(c)]
            result.cell_index = _source_index(kept, exc.cell_index)
            tmp_nb.replace(failed)
            result.failed_notebook = failed
    except Exception as exc:  # the kernel could not start or died: no cell to blame
        result.ok = False
        result.error_name = type(exc).__name__
        result.error = _one_line(str(exc)) or type(exc).__name__
        if tmp_nb.exists() and tmp_nb.stat().st_size:
            tmp_nb.replace(failed)
            result.failed_notebook = failed
    finally:
        tmp_nb.unlink(missing_ok=True)
    if not result.ok:
        result.seconds = time.perf_counter() - started
        return result

    default_title = f"{spec.title} · {scope or ''} {clean.get('fiscal_year', '')}".strip()
    result.notebook = nb
    result.title = _report_title(nb, default_title)
    html_text = notebook_to_html(nb, result.title)
    write_atomic(out, html_text.encode("utf-8"))
    if pdf:
        try:
            result.pdf = html_to_pdf(html_text, out.with_suffix(".pdf"), base_url=out.parent)
        except Exception as exc:  # the HTML report stands; say why its PDF is missing
            result.ok = False
            result.error_name = type(exc).__name__
            result.error = f"HTML written, PDF not: {_one_line(str(exc))}"
    failed.unlink(missing_ok=True)
    result.seconds = time.perf_counter() - started
    return result


# ---------------------------------------------------------------------------------------------- index

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


def write_index(reports_dir: Path | str = paths.REPORTS) -> Path:
    """Write ``<reports>/index.html``: every report under ``reports_dir``, relative links (Thai, offline).

    Titles come from each report's <title>; everything shown is HTML-escaped. Failed runs
    (``*.failed.ipynb``) are listed at the end.
    """
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    by_year: dict[int, dict[str, list[Path]]] = {}
    for kind in ("fiscal-year", "portfolio"):
        for path in sorted(reports_dir.glob(f"*/{kind}/*.html")):
            if path.parent.parent.name.isdigit():
                by_year.setdefault(int(path.parent.parent.name), {}).setdefault(kind, []).append(path)
    yoy = sorted((reports_dir / "year-over-year").glob("*.html"))
    failed = sorted(reports_dir.rglob(f"*{FAILED_SUFFIX}"))

    parts = ['<h1>รายงานผลการประเมินคุณธรรมและความโปร่งใส (ITA)</h1>']
    count = sum(len(v) for y in by_year.values() for v in y.values()) + len(yoy)
    from zoneinfo import ZoneInfo

    from itanb.thai import format_thai_date

    now = datetime.now(UTC).astimezone(ZoneInfo("Asia/Bangkok"))
    stamp = f"{format_thai_date(now.date(), thai_digits=False)} {now:%H:%M} น."
    parts.append(f'<p class="itanb-muted">ทั้งหมด {count} รายงาน · ปรับปรุงเมื่อ {html.escape(stamp)}</p>')
    if not count:
        parts.append("<p>ยังไม่มีรายงาน</p>")
    for year in sorted(by_year, reverse=True):
        parts.append(f"<h2>ปีงบประมาณ พ.ศ. {year}</h2>")
        for kind, heading in (("portfolio", "ภาพรวมหลายหน่วยงาน"), ("fiscal-year", "รายหน่วยงาน")):
            if by_year[year].get(kind):
                parts.append(f"<h3>{heading}</h3><ul>")
                parts.extend(_entry(reports_dir, p) for p in by_year[year][kind])
                parts.append("</ul>")
    if yoy:
        parts.append("<h2>เปรียบเทียบรายปี</h2><ul>")
        parts.extend(_entry(reports_dir, p) for p in yoy)
        parts.append("</ul>")
    if failed:
        parts.append("<h2>รายงานที่สร้างไม่สำเร็จ</h2><ul>")
        parts.extend(f"<li>{_link(reports_dir, p, p.relative_to(reports_dir).as_posix())}</li>"
                     for p in failed)
        parts.append("</ul>")

    css = (paths.TEMPLATES / TEMPLATE_NAME / "itanb.css").read_text(encoding="utf-8")
    page = (
        '<!DOCTYPE html>\n<html lang="th">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>รายงาน ITA ทั้งหมด</title>\n{font_css()}\n<style>\n{css}\n</style>\n</head>\n"
        '<body class="itanb-report">\n<main>\n' + "\n".join(parts) + "\n</main>\n"
        f'<footer class="itanb-footer"><p>สร้างโดย itanb {html.escape(__version__)} · ฟอนต์ Sarabun ใช้ภายใต้ '
        f"SIL Open Font License 1.1 ({html.escape(_license_notice())})</p></footer>\n</body>\n</html>\n"
    )
    index = reports_dir / "index.html"
    write_atomic(index, page.encode("utf-8"))
    return index


# ---------------------------------------------------------------------------------------------- CLI


def run_report_cli(*, agency: str | None, fiscal_year: int | None, kind: str, pdf: bool,
                   raw_dir: Path | str, processed_dir: Path | str, reports_dir: Path | str) -> int:
    """``itanb report``: print the report path (0); a failed run: one line, 1; bad parameter: one line, 2."""
    import sys

    params: dict = {}
    if kind == "portfolio":
        if agency:
            print("itanb: --agency does not apply to a portfolio report (it covers every agency of the year)",
                  file=sys.stderr)
            return 2
        params["fiscal_year"] = fiscal_year
    else:
        params["agency"] = agency
        if kind == "fiscal-year":
            params["fiscal_year"] = fiscal_year
    missing = [f"--{'year' if k == 'fiscal_year' else k}" for k, v in params.items() if v in (None, "")]
    if missing:
        print(f"itanb: {kind} report needs {' and '.join(missing)}", file=sys.stderr)
        return 2
    try:
        result = render_report(kind, params, reports_dir=reports_dir, raw_dir=raw_dir,
                               processed_dir=processed_dir, pdf=pdf)
    except ItanbError as exc:
        print(f"itanb: {exc}", file=sys.stderr)
        return 2
    if result.ok:
        print(result.html)
        if result.pdf:
            print(result.pdf)
        return 0
    if result.error_name == "ParameterError":
        print(f"itanb: {result.error}", file=sys.stderr)
        return 2
    print(f"itanb: {result.summary()}", file=sys.stderr)
    return 1
