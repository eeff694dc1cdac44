"""Report kinds, declared by their notebooks, and where each report goes.

A notebook in the notebooks folder whose metadata has
``"itanb": {"kind": "<slug>", "title": "<Thai title>", "per": "agency-year" | "agency" | "year"}`` is a report
kind; any other notebook is an analyst's own and is ignored here, and so is a copy made by JupyterLab's
"Duplicate" (``<name>-Copy<N>.ipynb``): its original is the kind. Its parameters are those of its
``parameters`` cell (``name: type = default  # comment``) besides ``raw_dir`` and ``processed_dir``; ``per``
says which of them a report needs and where it is written:

- ``agency-year``: ``agency`` and ``fiscal_year``, ``<reports>/<fiscal_year>/<slug>/<agency_id>.html``
- ``agency``: ``agency`` (a ``fiscal_year`` passed along is dropped), ``<reports>/<slug>/<agency_id>.html``
- ``year``: ``fiscal_year``, ``<reports>/<fiscal_year>/<slug>/<scope>.html``, the scope narrowed by the
  optional ``province`` and ``district`` (:func:`portfolio_scope`, ``all`` for every agency).
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from itanb import paths
from itanb.errors import ParameterError
from itanb.vocabulary import BE_MAX, BE_MIN

ALL_SCOPE = "all"
PER = ("agency-year", "agency", "year")
NEEDS = {"agency-year": ("agency", "fiscal_year"), "agency": ("agency",), "year": ("fiscal_year",)}
PATH_PARAMS = ("raw_dir", "processed_dir")  # given by render_report, not by the caller
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
_COPY = re.compile(r"-Copy\d+$")  # JupyterLab's "Duplicate": fiscal_year_report-Copy1.ipynb


@dataclass(frozen=True)
class Kind:
    """A kind of report: its slug, Thai title, what one report covers (``per``), its notebook, and the
    parameters of that notebook (name -> annotated type, e.g. ``"bool"``), paths left out."""

    name: str
    title: str
    per: str
    notebook: Path
    params: tuple[tuple[str, str], ...]

    @property
    def required(self) -> tuple[str, ...]:
        return NEEDS[self.per]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.params)

    def path(self, reports_dir: Path | str, agency_id: str | None, fiscal_year: int | None,
             ext: str = "html") -> Path:
        """Where a report of this kind goes, built from its parameters only (see the module docstring).

        Parameters
        ----------
        reports_dir
            The reports folder.
        agency_id
            The agency of a report per agency; for a report per year its scope (``all`` when None).
        fiscal_year
            The fiscal year (BE) of a report per year or per agency-year; ignored for a report per agency.
        ext
            The file extension, ``html`` or ``pdf``.

        Returns
        -------
        Path
            ``<reports>/<fiscal_year>/<slug>/<agency_id or scope>.<ext>`` or
            ``<reports>/<slug>/<agency_id>.<ext>``.
        """
        ext = ext.lstrip(".")
        if self.per == "agency":
            return Path(reports_dir) / self.name / f"{safe_id(agency_id, 'agency_id')}.{ext}"
        if self.per == "year":
            name = safe_id(agency_id or ALL_SCOPE, "scope")
        else:
            name = safe_id(agency_id, "agency_id")
        return Path(reports_dir) / str(fiscal_year_param(fiscal_year)) / self.name / f"{name}.{ext}"

    def job_params(self, agency_id: str | None, fiscal_year: int | None) -> dict:
        """The required parameters of one report of this kind (the scope of a report per year is ``all``)."""
        values = {"agency": agency_id, "fiscal_year": fiscal_year}
        return {name: values[name] for name in self.required}


def _parameters(nb: dict) -> tuple[tuple[str, str], ...]:
    for cell in nb.get("cells", ()):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", ()):
            source = "".join(cell.get("source", ""))
            try:
                body = ast.parse(source).body
            except SyntaxError:
                return ()
            return tuple((node.target.id, ast.unparse(node.annotation)) for node in body
                         if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                         and node.target.id not in PATH_PARAMS)
    return ()


@lru_cache(maxsize=256)
def _declared(path: Path, mtime_ns: int, size: int) -> Kind | None:
    """The kind a notebook file declares (None: not a report notebook); cached per version of the file."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    meta = nb.get("metadata", {}).get("itanb") if isinstance(nb, dict) else None
    if not isinstance(meta, dict) or "kind" not in meta:
        return None
    slug, title, per = meta.get("kind"), meta.get("title"), meta.get("per")
    if not (isinstance(slug, str) and _SLUG.match(slug)) or per not in PER or not isinstance(title, str):
        raise ParameterError(f'{path.name}: metadata "itanb" must be {{"kind": "<lower-case-slug>", '
                             f'"title": "<Thai title>", "per": "agency-year" | "agency" | "year"}}, '
                             f"got {json.dumps(meta, ensure_ascii=False)}")
    params = _parameters(nb)
    missing = [p for p in NEEDS[per] if p not in dict(params)]
    if missing:
        raise ParameterError(f"{path.name}: a report per {per} needs the parameter(s) {', '.join(missing)} "
                             "in its parameters cell")
    return Kind(slug, title, per, path, params)


def report_kinds(notebooks_dir: Path | str = paths.NOTEBOOKS) -> dict[str, Kind]:
    """Slug -> :class:`Kind` of every report notebook in ``notebooks_dir``, sorted by slug; JupyterLab's
    copies (``<name>-Copy<N>.ipynb``) left out.

    Raises
    ------
    ParameterError
        A notebook whose ``itanb`` metadata is malformed, or two notebooks declaring one slug.
    """
    found: dict[str, Kind] = {}
    for path in sorted(Path(notebooks_dir).glob("*.ipynb")):
        if _COPY.search(path.stem):
            continue
        stat = path.stat()
        kind = _declared(path.resolve(), stat.st_mtime_ns, stat.st_size)
        if kind is None:
            continue
        if kind.name in found:
            first = found[kind.name].notebook.name
            raise ParameterError(f"report kind {kind.name!r} is declared by both {first} and {path.name}")
        found[kind.name] = kind
    return dict(sorted(found.items()))


def kind_of(kind: str, notebooks_dir: Path | str = paths.NOTEBOOKS) -> Kind:
    """The :class:`Kind` named ``kind``; ParameterError naming the known ones otherwise."""
    kinds = report_kinds(notebooks_dir)
    try:
        return kinds[kind]
    except KeyError:
        raise ParameterError(f"unknown report kind {kind!r}; known: {', '.join(kinds)}") from None


def safe_id(value: str, what: str) -> str:
    """``value`` if it is a plain file name (an agency_id or a scope); ParameterError otherwise."""
    if not isinstance(value, str) or not _SAFE_ID.match(value) or value in {".", ".."}:
        raise ParameterError(f"{what} {value!r} is not a plain file name (letters, digits, '-', '_', '.')")
    return value


def fiscal_year_param(value: object) -> int:
    """A fiscal year parameter as an int (BE)."""
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise ParameterError(f"fiscal_year {value!r} is not a year; expected a Buddhist Era year such as 2565"
                             ) from None
    if not BE_MIN <= year <= BE_MAX:
        raise ParameterError(f"fiscal_year {year} is not a Buddhist Era year ({BE_MIN}–{BE_MAX}), e.g. 2565")
    return year


def flag(value: object, what: str) -> bool:
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


def clean_params(spec: Kind, params: dict) -> dict:
    """``params`` checked against ``spec``'s notebook and converted (fiscal_year an int, agency a file name,
    bool parameters a bool, the rest text); None values dropped, so the notebook's default applies.

    Raises
    ------
    ParameterError
        An unknown parameter, a missing required one, or a value that is not of its type.
    """
    params = dict(params or {})
    if spec.per == "agency":
        params.pop("fiscal_year", None)
    if "agency_id" in params and "agency" not in params:
        params["agency"] = params.pop("agency_id")
    unknown = sorted(set(params) - set(spec.names))
    if unknown:
        optional = [n for n in spec.names if n not in spec.required]
        also = f" (and optionally {', '.join(optional)})" if optional else ""
        raise ParameterError(f"{spec.name} report takes {', '.join(spec.required)}{also}; "
                             f"unknown: {', '.join(unknown)}")
    missing = [p for p in spec.required if params.get(p) in (None, "")]
    if missing:
        raise ParameterError(f"{spec.name} report needs {', '.join(missing)}")
    types = dict(spec.params)
    clean = {}
    for name, value in params.items():
        if value is None:
            continue
        if name == "fiscal_year":
            clean[name] = fiscal_year_param(value)
        elif name == "agency":
            clean[name] = safe_id(str(value), "agency_id")
        elif types[name] == "bool":
            clean[name] = flag(value, name)  # a bool for the notebook: the text "False" would be true
        else:
            clean[name] = str(value)
    return clean


def report_params(kind: str, *, agency: str | None = None, fiscal_year: int | None = None,
                  notebooks_dir: Path | str = paths.NOTEBOOKS) -> dict:
    """The parameters of one ``kind`` report from an agency and a year, as the command line gives them.

    Raises
    ------
    ParameterError
        An agency for a report per year (it covers every agency of the year), or a missing agency or year.
    """
    spec = kind_of(kind, notebooks_dir)
    if spec.per == "year" and agency:
        raise ParameterError(f"an agency does not apply to a {spec.name} report (it covers every agency of "
                             "the year)")
    params = spec.job_params(agency, fiscal_year)
    missing = [name for name, value in params.items() if value in (None, "")]
    if missing:
        raise ParameterError(f"{spec.name} report needs {' and '.join(missing)}")
    return params


def scope_of(spec: Kind, params: dict) -> str | None:
    """The file name (without extension) of a report: its agency_id, or a report per year's scope."""
    if spec.per == "year":
        return portfolio_scope(params.get("province"), params.get("district"))
    return params.get("agency")


def report_path(reports_dir: Path | str, kind: str, agency_id: str | None, fiscal_year: int | None,
                ext: str = "html", *, notebooks_dir: Path | str = paths.NOTEBOOKS) -> Path:
    """Where a report of kind ``kind`` (a slug) goes: :meth:`Kind.path`."""
    return kind_of(kind, notebooks_dir).path(reports_dir, agency_id, fiscal_year, ext)


def portfolio_scope(province: str | None = None, district: str | None = None) -> str:
    """The file-name scope of a report per year: ``all``, ``<province>`` or ``<province>--<district>`` (ASCII,
    provinces by their official English names, e.g. ``kalasin--kuchinarai``)."""
    if not province and not district:
        return ALL_SCOPE
    from itanb.agencies import province_slug, slugify

    parts = [province_slug(province) if province else ALL_SCOPE]
    if district:
        parts.append(slugify(re.sub(r"^(อำเภอ|อ\.)\s*", "", district.strip())))
    return "--".join(parts)
