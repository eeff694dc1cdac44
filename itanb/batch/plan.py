"""The reports of a batch and what each depends on.

The plan (:func:`plan_jobs`): for every report kind (:func:`itanb.render.report_kinds`), a report per
(agency, fiscal year) with a score or measures (kinds per agency-year), per agency with data in the selected
years (per agency), and per fiscal year with scores, covering all agencies (per year; none with an
``--agency`` filter).

The key of a report (:func:`dependency_hashes`) covers everything the report reads:

- the processed tables, all seven, row by row (a report loads them all: an agency's report shows averages
  of its kind and the nation computed from the other agencies' rows, a portfolio every agency): any change
  of their content rebuilds every report; the ingest time of the files is left out, so a re-ingest of the
  same files rebuilds nothing;
- the raw files its provenance shows (:func:`itanb.views.provenance_paths`), by their stamp (modification
  time and size) in the raw folder now: a file edited, removed or put back after the ingest rebuilds the
  reports that name it, which then say so;
- its notebook's ``itanb`` metadata and cells (their type, source and tags: a save by JupyterLab that
  changed no cell rebuilds nothing), the package's code and data files, the report template,
  ``itanb.__version__`` and the parameters.

Keys are computed for all reports at once from per-row hashes of the tables (vectorised, ~1 s for 8,300
agencies); only the raw files' stamps are looked at, none is read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from itanb import __version__, paths
from itanb.errors import ParameterError
from itanb.render.kinds import Kind, kind_of, report_kinds

PER_ORDER = ("year", "agency-year", "agency")  # the longest reports first


@dataclass(frozen=True)
class Job:
    """One report to make: its kind and parameters (agency_id None for a report per year, fiscal_year None
    for a report per agency)."""

    spec: Kind
    agency_id: str | None
    fiscal_year: int | None

    @classmethod
    def of(cls, kind: str, agency_id: str | None, fiscal_year: int | None) -> Job:
        """The job of a report kind named by its slug."""
        return cls(kind_of(kind), agency_id, fiscal_year)

    @property
    def kind(self) -> str:
        return self.spec.name

    def params(self) -> dict:
        return self.spec.job_params(self.agency_id, self.fiscal_year)

    def key(self) -> str:
        """The report's path relative to the reports folder, '/' separated: the manifest key."""
        return self.spec.path(Path(), self.agency_id, self.fiscal_year).as_posix()


def _in_years(year: int, years: tuple[int, int] | None) -> bool:
    return years is None or years[0] <= year <= years[1]


def plan_jobs(tables, years: tuple[int, int] | None = None, agencies: Iterable[str] | None = None, *,
              kinds: dict[str, Kind] | None = None) -> list[Job]:
    """The reports for ``tables``, narrowed to fiscal ``years`` and ``agencies``.

    Parameters
    ----------
    tables
        The processed tables (an ``itanb.store.Tables``).
    years
        (first, last) fiscal years (BE), inclusive; None: every year.
    agencies
        agency_ids; None: every agency, and the reports per year too.
    kinds
        The report kinds (default: :func:`itanb.render.report_kinds`).

    Returns
    -------
    list[Job]
        Reports per year first, then per agency-year, then per agency (the longest first), each sorted by
        fiscal year and agency.

    Raises
    ------
    ParameterError
        An agency_id that is not in the agencies table.
    """
    kinds = report_kinds() if kinds is None else kinds
    known = set(tables.agencies["agency_id"].astype(str))
    wanted: set[str] | None = None
    if agencies:
        wanted = {str(a) for a in agencies}
        unknown = sorted(wanted - known)
        if unknown:
            raise ParameterError(f"unknown agency {', '.join(map(repr, unknown))}: not among the "
                                 f"{len(known)} agencies of the processed tables")
    pairs: set[tuple[str, int]] = set()
    for frame in (tables.assessments, tables.measures):
        sub = frame[["agency_id", "fiscal_year"]].drop_duplicates()
        pairs |= {(str(a), int(y)) for a, y in zip(sub["agency_id"], sub["fiscal_year"], strict=True)}
    pairs = {(a, y) for a, y in pairs if _in_years(y, years) and (wanted is None or a in wanted)}
    scored = sorted(int(y) for y in tables.assessments["fiscal_year"].unique() if _in_years(int(y), years))
    jobs = []
    for spec in kinds.values():
        if spec.per == "agency-year":
            jobs += [Job(spec, a, y) for a, y in sorted(pairs)]
        elif spec.per == "agency":
            jobs += [Job(spec, a, None) for a in sorted({a for a, _ in pairs})]
        elif wanted is None:
            jobs += [Job(spec, None, y) for y in scored]
    return sorted(jobs, key=lambda j: (PER_ORDER.index(j.spec.per), j.fiscal_year or 0, j.agency_id or "",
                                       j.kind))


# ------------------------------------------------------------------------------------------------ hashes


def _cell(value) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return "\x1f".join(_cell(v) for v in (value.tolist() if hasattr(value, "tolist") else value))
    return str(value)


def _row_hashes(frame, drop: tuple[str, ...] = ()):
    """uint64 per row of ``frame`` (columns sorted by name, ``drop`` left out), independent of the index."""
    import numpy as np
    import pandas as pd

    columns = sorted(c for c in frame.columns if c not in drop)
    if frame.empty:
        return np.zeros(0, dtype="uint64")
    data = {}
    for col in columns:
        s = frame[col]
        data[col] = s.map(_cell) if s.dtype == object else s
    hashed = pd.util.hash_pandas_object(pd.DataFrame(data), index=False).to_numpy()
    salt = hashlib.blake2b("\x1f".join(columns).encode(), digest_size=8).digest()
    names = np.frombuffer(salt, dtype="uint64")
    return hashed ^ names[0]


def _digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _file_digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def notebook_digest(path: Path) -> str:
    """The hash of what a report notebook makes a report from: its ``itanb`` metadata and each cell's type,
    tags and source (the parameters cell included). Not the file's bytes: JupyterLab's autosave re-orders
    keys, fills ``language_info`` or records outputs and execution counts, which change no report."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = [json.dumps(nb.get("metadata", {}).get("itanb"), sort_keys=True, ensure_ascii=False)]
    for cell in nb.get("cells", ()):
        source = cell.get("source", "")
        tags = cell.get("metadata", {}).get("tags", [])
        parts += [cell.get("cell_type", ""), "\x1f".join(map(str, tags)),
                  source if isinstance(source, str) else "".join(source)]
    return _digest(*parts)


def code_digests(kinds: dict[str, Kind] | None = None) -> dict[str, str]:
    """Hashes of what every report depends on besides the data: package code and data, template, version; and
    one per report kind (its notebook)."""
    kinds = report_kinds() if kinds is None else kinds
    package = paths.PACKAGE_DATA.parent
    shared = [f"itanb {__version__}"]
    shared += [f"{path.relative_to(package).as_posix()}={_file_digest(path)}"
               for path in sorted(package.rglob("*.py"))]
    for folder in (paths.PACKAGE_DATA, paths.TEMPLATES):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            shared.append(f"{path.relative_to(folder).as_posix()}={_file_digest(path)}")
    common = _digest(*shared)
    return {kind: _digest(common, notebook_digest(spec.notebook)) for kind, spec in kinds.items()}


def data_digest(tables) -> str:
    """Hash of the content of every processed table (rows in order, columns by name), the ingest time of
    the raw files left out."""
    from itanb.store import SCHEMAS, table

    return _digest(*(name + ":" + _row_hashes(table(tables, name), drop=("ingested_at",)).tobytes().hex()
                     for name in sorted(SCHEMAS)))


def _stamp(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    return f"{stat.st_mtime_ns}:{stat.st_size}"


def dependency_hashes(tables, jobs: list[Job], raw_dir: Path | str = paths.RAW) -> dict[str, str]:
    """Manifest key -> hash of everything the report reads (see the module docstring)."""
    from itanb.views import provenance_paths_of

    raw_dir = Path(raw_dir)
    code = code_digests({j.kind: j.spec for j in jobs})
    data = data_digest(tables)
    stamps = {str(p): _stamp(raw_dir / str(p)) for p in tables.sources["path"]}
    named = provenance_paths_of(tables, {j.agency_id for j in jobs})
    raw_of = {a: _digest(*(f"{p}={stamps.get(p, 'missing')}" for p in paths)) for a, paths in named.items()}
    out = {}
    for job in jobs:
        params = json.dumps(job.params(), sort_keys=True)
        out[job.key()] = _digest(code[job.kind], data, raw_of[job.agency_id], params)
    return out
