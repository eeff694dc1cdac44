"""The processed tables: schemas, strict checks, atomic writes, one documented loader per table.

Each table is ``<processed>/<name>.parquet``; ``_manifest.json`` (written last) records the sha256 of every
file of one ingest, so a reader can tell a consistent set from a mix of two runs. :func:`write_tables`
writes into a temporary folder inside the processed folder and moves the files into place only when all
of them are written; a failure (or a kill before the moves) leaves the previous tables as they were.

dtypes (pandas, as loaded): ``str`` = object column of Python str (None where nullable); ``int64``;
``Int64`` = pandas nullable integer; ``float64`` (NaN where nullable); ``bool``; ``boolean`` = pandas
nullable boolean; ``datetime64[ns]`` (NaT where nullable); ``datetime64[ns, UTC]``; ``list<str>`` = object
column of Python lists of str.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from itanb.errors import SchemaError
from itanb.findings import CODES
from itanb.grading import TOOLS
from itanb.paths import PROCESSED
from itanb.vocabulary import STATUSES

MANIFEST = "_manifest.json"
TMP_PREFIX = ".itanb-tmp-"
SOURCE_KINDS = ("memo", "scores", "agencies")

_ARROW = {
    "str": pa.string(),
    "int64": pa.int64(),
    "Int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "boolean": pa.bool_(),
    "datetime64[ns]": pa.timestamp("ns"),
    "datetime64[ns, UTC]": pa.timestamp("ns", tz="UTC"),
    "list<str>": pa.list_(pa.string()),
}


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # a key of _ARROW
    nullable: bool = False
    choices: tuple[str, ...] | None = None

    def describe(self) -> str:
        return self.dtype + ("|null" if self.nullable else "")


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        return f"{self.name}.parquet"

    @property
    def arrow(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, _ARROW[c.dtype], nullable=c.nullable) for c in self.columns])

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


_c = Column  # short, for the table below


SCHEMAS: dict[str, TableSchema] = {
    "agencies": TableSchema("agencies", (
        _c("agency_id", "str"), _c("name", "str"), _c("kind", "str"), _c("district", "str", True),
        _c("province", "str", True), _c("synthetic", "bool"),
    ), key=("agency_id",)),
    "assessments": TableSchema("assessments", (
        _c("agency_id", "str"), _c("fiscal_year", "int64"), _c("score", "float64"),
        _c("level_reported", "str", True), _c("level", "str", True), _c("passed", "boolean", True),
        _c("iit", "float64", True), _c("eit", "float64", True), _c("oit", "float64", True),
        _c("source", "str"),
    ), key=("agency_id", "fiscal_year")),
    "measures": TableSchema("measures", (
        _c("agency_id", "str"), _c("fiscal_year", "int64"), _c("no", "int64"), _c("measure", "str"),
        _c("steps", "str"), _c("owners", "list<str>"), _c("due", "datetime64[ns]", True),
        _c("due_text", "str"),
        _c("status", "str", True, STATUSES), _c("status_as_of", "datetime64[ns]", True),
        _c("match_similarity", "float64", True), _c("source", "str"), _c("line", "int64"),
    ), key=("agency_id", "fiscal_year", "no")),
    "findings": TableSchema("findings", (
        _c("code", "str", False, tuple(CODES)), _c("message", "str"), _c("source", "str"),
        _c("line", "Int64", True), _c("agency_id", "str", True), _c("fiscal_year", "Int64", True),
        _c("places", "str", True),
    )),
    "sources": TableSchema("sources", (
        _c("path", "str"), _c("kind", "str", False, SOURCE_KINDS), _c("sha256", "str"), _c("bytes", "int64"),
        _c("ingested_at", "datetime64[ns, UTC]"),
    ), key=("path",)),
    "tool_scores": TableSchema("tool_scores", (
        _c("agency_id", "str"), _c("fiscal_year", "int64"), _c("tool", "str", False, TOOLS),
        _c("score", "float64"), _c("computed", "bool"), _c("source", "str"),
    ), key=("agency_id", "fiscal_year", "tool")),
    "indicator_scores": TableSchema("indicator_scores", (
        _c("agency_id", "str"), _c("fiscal_year", "int64"), _c("indicator", "int64"), _c("score", "float64"),
        _c("source", "str"),
    ), key=("agency_id", "fiscal_year", "indicator")),
}
TABLES = tuple(SCHEMAS)
_PERCENT_COLUMNS = {"assessments": ("score", "iit", "eit", "oit"), "tool_scores": ("score",),
                    "indicator_scores": ("score",)}


class Tables(NamedTuple):
    """The processed tables. ``tool_scores`` and ``indicator_scores`` may be left out (None) by a caller that
    has none: :func:`table` then gives an empty frame of the right schema."""

    agencies: pd.DataFrame
    assessments: pd.DataFrame
    measures: pd.DataFrame
    findings: pd.DataFrame
    sources: pd.DataFrame
    tool_scores: pd.DataFrame | None = None
    indicator_scores: pd.DataFrame | None = None


def table(tables: object, name: str) -> pd.DataFrame:
    """``tables.<name>``, or an empty frame of that table's schema where it is missing or None."""
    frame = getattr(tables, name, None)
    return frame if frame is not None else build_frame(name, [])


# --- checks ------------------------------------------------------------------------------------------------

def _fail(where: str, column: str | None, problem: str) -> SchemaError:
    return SchemaError(f"column {column!r}: {problem}" if column else problem, source=where)


def _dtype_ok(series: pd.Series, col: Column) -> bool:
    t = pd.api.types
    kind = t.infer_dtype(series, skipna=True) if series.dtype == object else None
    if col.dtype == "str":
        return (series.dtype == object and kind in ("string", "empty")) or isinstance(series.dtype,
                                                                                      pd.StringDtype)
    if col.dtype in ("int64", "Int64"):
        if series.dtype == object:
            return col.nullable and kind in ("integer", "empty")
        return t.is_integer_dtype(series.dtype)
    if col.dtype == "float64":
        return t.is_float_dtype(series.dtype) or (t.is_integer_dtype(series.dtype) and not col.nullable)
    if col.dtype in ("bool", "boolean"):
        if series.dtype == object:
            return col.nullable and kind in ("boolean", "empty")
        return t.is_bool_dtype(series.dtype)
    if col.dtype == "datetime64[ns]":
        return t.is_datetime64_dtype(series.dtype) and not isinstance(series.dtype, pd.DatetimeTZDtype)
    if col.dtype == "datetime64[ns, UTC]":
        return isinstance(series.dtype, pd.DatetimeTZDtype) and str(series.dtype.tz) == "UTC"
    if col.dtype == "list<str>":
        return series.dtype == object and all(
            isinstance(v, list | tuple) and all(isinstance(x, str) for x in v)
            for v in series if v is not None)
    raise AssertionError(col.dtype)


def check_frame(df: pd.DataFrame, table: str, *, where: str | None = None) -> None:
    """Raise SchemaError unless ``df`` has exactly the columns, dtypes, nulls, values and keys of
    ``table``."""
    schema = SCHEMAS[table]
    where = where or schema.file
    if not isinstance(df, pd.DataFrame):
        raise _fail(where, None, f"expected a DataFrame, got {type(df).__name__}")
    have = list(df.columns)
    missing = [c for c in schema.names if c not in have]
    extra = [c for c in have if c not in schema.names]
    if missing:
        raise _fail(where, missing[0], f"missing (table {table} needs {', '.join(schema.names)})")
    if extra:
        raise _fail(where, str(extra[0]), f"not a column of table {table} ({', '.join(schema.names)})")
    if len(set(have)) != len(have):
        raise _fail(where, None, "duplicate column names")
    for col in schema.columns:
        series = df[col.name]
        if not _dtype_ok(series, col):
            raise _fail(where, col.name, f"expected {col.describe()}, found dtype {series.dtype}")
        nulls = series.isna()
        if not col.nullable and nulls.any():
            row = int(nulls.to_numpy().nonzero()[0][0])
            raise _fail(where, col.name, f"null value (row {row}) in a non-null column")
        if col.choices is not None:
            bad = ~series.isin(col.choices) & ~nulls
            if bad.any():
                value = series[bad].iloc[0]
                raise _fail(where, col.name, f"value {value!r} not one of {', '.join(col.choices)}")
    _check_scores(df, table, where)
    _check_key(df, schema, where)


def _check_scores(df: pd.DataFrame, table: str, where: str) -> None:
    if table == "indicator_scores" and len(df) and not df["indicator"].between(1, 10).all():
        raise _fail(where, "indicator", "indicators are numbered 1–10")
    for name in _PERCENT_COLUMNS.get(table, ()):
        values = df[name].dropna()
        off_cent = ((values * 100).round() / 100 - values).abs().gt(1e-9)
        if ((values < 0) | (values > 100)).any() or off_cent.any():
            raise _fail(where, name, "scores must be 0–100 with at most two decimals")


def _check_key(df: pd.DataFrame, schema: TableSchema, where: str) -> None:
    if not schema.key or df.empty:
        return
    dup = df.duplicated(subset=list(schema.key), keep=False)
    if dup.any():
        first = ", ".join(str(v) for v in df.loc[dup, list(schema.key)].iloc[0])
        raise _fail(where, ", ".join(schema.key), f"duplicate key ({first}) (must be unique)")


def _check_arrow(table: pa.Table, schema: TableSchema, where: str) -> None:
    names = table.column_names
    for name in schema.names:
        if name not in names:
            raise _fail(where, name, f"missing (table {schema.name} needs {', '.join(schema.names)})")
    for name in names:
        if name not in schema.names:
            raise _fail(where, name, f"not a column of table {schema.name} ({', '.join(schema.names)})")
    for col in schema.columns:
        arr = table.column(col.name)
        expected = _ARROW[col.dtype]
        if not _arrow_type_ok(arr.type, expected):
            raise _fail(where, col.name,
                        f"expected {col.describe()} (arrow {expected}), found arrow {arr.type}")
        if not col.nullable and arr.null_count:
            raise _fail(where, col.name, f"{arr.null_count} null value(s) in a non-null column")
        if col.choices is not None and len(arr):
            bad = pc.invert(pc.is_in(arr, value_set=pa.array(col.choices)))
            bad = pc.and_kleene(bad, pc.is_valid(arr))
            if pc.any(bad).as_py():
                value = pc.filter(arr, bad)[0].as_py()
                raise _fail(where, col.name, f"value {value!r} not one of {', '.join(col.choices)}")


def _arrow_type_ok(found: pa.DataType, expected: pa.DataType) -> bool:
    if found == expected:
        return True
    if pa.types.is_timestamp(expected):
        return pa.types.is_timestamp(found) and (found.tz is None) == (expected.tz is None) and \
            (found.tz is None or found.tz.upper() == "UTC")
    if pa.types.is_string(expected):
        return pa.types.is_large_string(found)
    if pa.types.is_list(expected):
        return (pa.types.is_list(found) or pa.types.is_large_list(found)) and \
            _arrow_type_ok(found.value_type, expected.value_type)
    return False


def check_tables(tables: Tables, *, where: Path | str | None = None) -> None:
    """Each table's own checks, plus: every agency_id used elsewhere is in agencies."""
    base = Path(where) if where else None
    for name in TABLES:
        check_frame(table(tables, name), name, where=str(base / SCHEMAS[name].file) if base else None)
    _check_references(tables, base)


def _check_references(tables: Tables, base: Path | None) -> None:
    known = set(tables.agencies["agency_id"])
    for name in ("assessments", "measures", "findings", "tool_scores", "indicator_scores"):
        ids = table(tables, name)["agency_id"].dropna()
        unknown = ~ids.isin(known)
        if unknown.any():
            file = str(base / SCHEMAS[name].file) if base else SCHEMAS[name].file
            raise _fail(file, "agency_id", f"{ids[unknown].iloc[0]!r} is not in agencies")


# --- frames ------------------------------------------------------------------------------------------------

def _to_pandas(table: pa.Table, schema: TableSchema) -> pd.DataFrame:
    mapper = {pa.bool_(): pd.BooleanDtype(), pa.int64(): pd.Int64Dtype()}.get
    lists = [c.name for c in schema.columns if c.dtype == "list<str>"]
    plain = table.drop_columns(lists) if lists else table
    df = plain.to_pandas(types_mapper=mapper, coerce_temporal_nanoseconds=True)
    for col in schema.columns:
        if col.dtype == "int64":
            df[col.name] = df[col.name].astype("int64")
        elif col.dtype == "bool":
            df[col.name] = df[col.name].astype(bool)
        elif col.dtype == "list<str>":
            df[col.name] = pd.Series(table.column(col.name).to_pylist(), dtype=object, index=df.index)
        elif col.dtype == "datetime64[ns]" and df[col.name].dtype != "datetime64[ns]":
            df[col.name] = df[col.name].astype("datetime64[ns]")
        elif col.dtype == "datetime64[ns, UTC]":
            df[col.name] = df[col.name].dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
    return df[schema.names]


def build_frame(table: str, records: list[dict]) -> pd.DataFrame:
    """A DataFrame of ``table`` with the documented dtypes, from records of plain Python values
    (str, int, float, bool, None, datetime, list of str). Raises SchemaError on a value of the wrong type."""
    schema = SCHEMAS[table]
    try:
        arrow = pa.Table.from_pylist(records, schema=schema.arrow) if records else schema.arrow.empty_table()
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise _fail(schema.file, None, f"cannot build table: {exc}") from None
    return _to_pandas(arrow, schema)


def _to_arrow(df: pd.DataFrame, schema: TableSchema) -> pa.Table:
    df = df[schema.names]
    columns = {}
    for col in schema.columns:
        series = df[col.name]
        if col.dtype == "list<str>":
            values = [list(v) if v is not None else None for v in series]
            columns[col.name] = pa.array(values, _ARROW[col.dtype])
        elif col.dtype == "float64":
            columns[col.name] = pa.array(series.astype("float64").to_numpy(), from_pandas=True)
        elif col.dtype == "datetime64[ns]":
            columns[col.name] = pa.array(series.astype("datetime64[ns]"), _ARROW[col.dtype], from_pandas=True)
        else:
            columns[col.name] = pa.array(series, _ARROW[col.dtype], from_pandas=True)
    return pa.table(columns, schema=schema.arrow)


# --- reading -----------------------------------------------------------------------------------------------

def _manifest(processed_dir: Path) -> dict | None:
    path = processed_dir / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise SchemaError(f"unreadable manifest ({exc})", source=path) from None


def load_table(name: str, processed_dir: Path = PROCESSED, *, manifest: dict | bool | None = True
               ) -> pd.DataFrame:
    """Load and check one table by name (see the per-table loaders for what comes back)."""
    schema = SCHEMAS[name]
    processed_dir = Path(processed_dir)
    path = processed_dir / schema.file
    where = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SchemaError("table not found; run `itanb ingest` first", source=path) from None
    except OSError as exc:
        raise SchemaError(f"cannot read: {exc.strerror}", source=path) from None
    if manifest is True:
        manifest = _manifest(processed_dir)
    if manifest:
        entry = manifest.get("files", {}).get(schema.file)
        if entry is None or entry.get("sha256") != hashlib.sha256(data).hexdigest():
            raise SchemaError(f"does not match {MANIFEST} (tables from different ingests?); "
                              "re-run `itanb ingest`", source=path)
    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError) as exc:
        raise SchemaError(f"not a readable Parquet file ({exc})", source=path) from None
    _check_arrow(table, schema, where)
    df = _to_pandas(table, schema)
    _check_key(df, schema, where)
    _check_scores(df, name, where)
    return df


def load_agencies(processed_dir: Path = PROCESSED) -> pd.DataFrame:
    """One row per agency, unique ``agency_id``.

    Columns: agency_id str (ASCII, filesystem-safe, e.g. ``sao-khok-sa-at``), name str (full Thai name),
    kind str (อบต., เทศบาลตำบล, เทศบาลเมือง, เทศบาลนคร, อบจ., จังหวัด, other), district str|None,
    province str|None, synthetic bool. RangeIndex.
    """
    return load_table("agencies", processed_dir)


def load_assessments(processed_dir: Path = PROCESSED) -> pd.DataFrame:
    """One ITA result per agency and fiscal year; unique (agency_id, fiscal_year).

    Columns: agency_id str, fiscal_year int64 (BE), score float64 (0-100, two decimals),
    level_reported str|None (as published or cited), level str|None (computed by grading.grade),
    passed boolean (pandas nullable; <NA> before FY2562), iit/eit/oit float64 (NaN when unknown),
    source str (``file:line`` relative to the raw folder, or a URL). RangeIndex.
    """
    return load_table("assessments", processed_dir)


def load_measures(processed_dir: Path = PROCESSED) -> pd.DataFrame:
    """The measures reported in memos; unique (agency_id, fiscal_year, no).

    Columns: agency_id str, fiscal_year int64 (BE, of the measures = of the memo date), no int64 (1-based),
    measure str, steps str, owners list<str> (Python lists), due datetime64[ns] (NaT when not a date),
    due_text str, status str|None (not_started, in_progress, done), status_as_of datetime64[ns] (the memo
    date; NaT only when the memo has no date), match_similarity float64 (0-100, NaN when not matched),
    source str (memo file relative to the raw folder), line int64 (line in that file). RangeIndex.
    """
    return load_table("measures", processed_dir)


def load_findings(processed_dir: Path = PROCESSED) -> pd.DataFrame:
    """Data-quality findings (no key; one row per observation).

    Columns: code str (a key of itanb.findings.CODES), message str (Thai), source str (file relative to the
    raw folder; for a Word or PDF file it adds the table and row or the page), line Int64 (<NA> when not tied
    to a line), agency_id str|None, fiscal_year Int64, places str|None (where each of several things the
    message names is, in the file's own terms: the message itself names no place). RangeIndex.
    """
    return load_table("findings", processed_dir)


def load_sources(processed_dir: Path = PROCESSED) -> pd.DataFrame:
    """Every raw file of the last ingest; unique path.

    Columns: path str (relative to the raw folder, '/' separated), kind str (memo, scores, agencies),
    sha256 str (hex), bytes int64, ingested_at datetime64[ns, UTC]. RangeIndex.
    """
    return load_table("sources", processed_dir)


def load_tool_scores(processed_dir: Path = PROCESSED) -> pd.DataFrame:
    """Tool scores per agency and fiscal year; unique (agency_id, fiscal_year, tool).

    Columns: agency_id str, fiscal_year int64 (BE), tool str (iit, eit, eit1, eit2, oit; eit1/eit2 are EIT's
    two parts from FY2566), score float64 (0-100, two decimals), computed bool (False: as published; True:
    computed at ingest from the indicators or EIT's parts with that year's weights, rounded half-up), source
    str (the score table row ``file:line`` or its source cell). RangeIndex.
    """
    return load_table("tool_scores", processed_dir)


def load_indicator_scores(processed_dir: Path = PROCESSED) -> pd.DataFrame:
    """Indicator scores as published; unique (agency_id, fiscal_year, indicator).

    Columns: agency_id str, fiscal_year int64 (BE), indicator int64 (1-10, ตัวชี้วัดที่ 1-10, names in
    itanb/data/indicators.csv), score float64 (0-100, two decimals), source str. RangeIndex.
    """
    return load_table("indicator_scores", processed_dir)


def load_tables(processed_dir: Path = PROCESSED) -> Tables:
    """All seven tables, checked individually, against the manifest, and for agency_id references."""
    processed_dir = Path(processed_dir)
    manifest = _manifest(processed_dir)
    tables = Tables(*(load_table(name, processed_dir, manifest=manifest or False) for name in TABLES))
    _check_references(tables, processed_dir)
    return tables


# --- writing -----------------------------------------------------------------------------------------------

def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_bytes(path: Path, data: bytes) -> None:
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _remove_stale_temps(processed_dir: Path) -> None:
    """Temporary folders left by a killed writer (its process is gone)."""
    for tmp in processed_dir.glob(TMP_PREFIX + "*"):
        match = re.match(re.escape(TMP_PREFIX) + r"(\d+)-", tmp.name)
        pid = int(match.group(1)) if match else None
        if pid is None or pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(tmp, ignore_errors=True)
        except PermissionError:
            pass


def write_tables(tables: Tables, processed_dir: Path = PROCESSED) -> dict:
    """Check and write the seven tables and ``_manifest.json``; returns the manifest.

    All Parquet files are written to a temporary folder inside ``processed_dir`` first, then moved into place
    with ``os.replace`` (the manifest last). If anything fails, files already moved are put back, so the
    previous tables stay as they were; no temporary file is left behind.
    """
    processed_dir = Path(processed_dir)
    check_tables(tables, where=processed_dir)
    processed_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(processed_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=processed_dir))
    moved: list[tuple[Path, Path | None]] = []  # (target, backup of the previous file or None)
    try:
        files = {}
        for name in TABLES:
            schema = SCHEMAS[name]
            buf = io.BytesIO()
            pq.write_table(_to_arrow(table(tables, name), schema), buf)
            data = buf.getvalue()
            _write_bytes(tmp / schema.file, data)
            files[schema.file] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                                  "rows": len(table(tables, name))}
        written_at = datetime.now(UTC).isoformat(timespec="seconds")
        manifest = {"format": 1, "written_at": written_at, "files": files}
        _write_bytes(tmp / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
        _fsync_dir(tmp)
        for file in [*files, MANIFEST]:
            target = processed_dir / file
            backup = None
            if target.exists():
                backup = tmp / f"previous-{file}"
                try:
                    os.link(target, backup)
                except OSError:  # no hard links on this filesystem
                    shutil.copy2(target, backup)
            (tmp / file).replace(target)
            moved.append((target, backup))
        _fsync_dir(processed_dir)
        return manifest
    except BaseException:
        for target, backup in reversed(moved):
            with contextlib.suppress(OSError):
                if backup is not None:
                    backup.replace(target)
                else:
                    target.unlink()
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
