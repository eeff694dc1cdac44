"""The reports of a batch and what each depends on.

The plan (:func:`plan_jobs`): for every report kind (:func:`itanb.render.report_kinds`), a report per
(agency, fiscal year) with a score or measures (kinds per agency-year), per agency with data in the selected
years (per agency), and per fiscal year with scores, covering all agencies (per year; none with an
``--agency`` filter).

The hash of a report (:func:`dependency_hashes`) covers:

- the agency's rows of the processed tables (agencies, assessments, measures, findings), and for a report per
  year the rows of its fiscal year (assessments up to that year) and every agency's name and place;
- the raw files behind those rows from the ``sources`` table (path, sha256, bytes): for a file read by one
  agency (its memo) the checksum, for a file shared by many (a year's score table) the path only, since the
  agency's rows are already in the hash and a change to another agency's row must not rebuild this report;
- the kind's notebook (its cells' sources and tags and its ``itanb`` metadata, not the file's bytes: a save
  by JupyterLab that changed no cell rebuilds nothing), the package's code and data files and the report
  template, ``itanb.__version__``, the parameters (a change to the code rebuilds every report, as a version
  bump would).

Hashes are computed for all reports at once from per-row hashes of the tables (vectorised, ~1 s for 8,300
agencies): no raw file is read. The ingest time is not part of the hash (a re-ingest of unchanged files
rebuilds nothing).
"""

from __future__ import annotations

import hashlib
import json
import re
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


def _group_digests(frame, hashes, key: str) -> dict[str, bytes]:
    if frame.empty:
        return {}
    out = {}
    for value, idx in frame.groupby(key, sort=False, dropna=True).indices.items():
        out[str(value)] = hashes[idx].tobytes()
    return out


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


def dependency_hashes(tables, jobs: list[Job]) -> dict[str, str]:
    """Manifest key -> hash of everything the report depends on (see the module docstring)."""
    import numpy as np

    code = code_digests({j.kind: j.spec for j in jobs})
    agencies, assessments, measures, findings, sources = (
        tables.agencies, tables.assessments, tables.measures, tables.findings, tables.sources)
    h_ag, h_as, h_me, h_fi = (_row_hashes(agencies), _row_hashes(assessments), _row_hashes(measures),
                              _row_hashes(findings))
    by_agency = [_group_digests(f, h, "agency_id")
                 for f, h in ((agencies, h_ag), (assessments, h_as), (measures, h_me), (findings, h_fi))]

    # raw files: checksum for a file behind one agency's rows, path only for a file shared by many
    strip = re.compile(r":\d+$")
    users: dict[str, set[str]] = {}
    for frame in (assessments, measures):
        if frame.empty:
            continue
        pairs = frame[["agency_id", "source"]].drop_duplicates()
        for agency_id, source in zip(pairs["agency_id"], pairs["source"], strict=True):
            users.setdefault(strip.sub("", str(source)), set()).add(str(agency_id))
    checksum = {str(p): f"{p}:{s}:{b}" for p, s, b in
                zip(sources["path"], sources["sha256"], sources["bytes"], strict=True)}
    raw_of: dict[str, list[str]] = {}
    for path, ids in users.items():
        text = checksum.get(path, path) if len(ids) == 1 else path
        for agency_id in ids:
            raw_of.setdefault(agency_id, []).append(text)
    all_sources = _row_hashes(sources, drop=("ingested_at",)).tobytes()

    years_needed = {j.fiscal_year for j in jobs if j.agency_id is None}
    per_year: dict[int, str] = {}
    if years_needed:
        fy_as = assessments["fiscal_year"].to_numpy()
        fy_me = measures["fiscal_year"].to_numpy()
        fy_fi = findings["fiscal_year"].astype("float64").to_numpy()
        for year in years_needed:
            per_year[year] = _digest(
                h_ag.tobytes(), h_as[fy_as <= year].tobytes(), h_me[fy_me == year].tobytes(),
                h_fi[(fy_fi == year) | np.isnan(fy_fi)].tobytes(), all_sources)

    out = {}
    for job in jobs:
        if job.agency_id is None:  # a report per year
            data = per_year[job.fiscal_year]
        else:
            a = job.agency_id
            data = _digest(*(d.get(a, b"") for d in by_agency), *sorted(raw_of.get(a, [])))
        params = json.dumps(job.params(), sort_keys=True)
        out[job.key()] = _digest(code[job.kind], data, params)
    return out
