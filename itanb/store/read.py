"""Reading the processed tables: one documented loader per table, checked against the manifest."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from itanb.errors import SchemaError
from itanb.paths import PROCESSED
from itanb.store.checks import _check_arrow, _check_key, _check_references, _check_scores
from itanb.store.frames import _to_pandas
from itanb.store.schema import CURRENT, MANIFEST, SCHEMAS, TABLES, Tables


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
    table = _with_added_columns(table, schema)
    _check_arrow(table, schema, where)
    df = _to_pandas(table, schema)
    _check_key(df, schema, where)
    _check_scores(df, name, where)
    return df


def _with_added_columns(table: pa.Table, schema) -> pa.Table:
    """``table`` with the columns added to its schema since an earlier itanb wrote it (``Column.added``: all
    null), in the schema's order; any other difference is left for the checks to name."""
    have = set(table.column_names)
    absent = [c for c in schema.columns if c.added and c.name not in have]
    for col in absent:
        table = table.append_column(pa.field(col.name, schema.arrow.field(col.name).type, nullable=True),
                                    pa.nulls(len(table), schema.arrow.field(col.name).type))
    return table.select([n for n in schema.names if n in table.column_names]
                        + [n for n in table.column_names if n not in schema.names]) if absent else table


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
    message names is, in the file's own terms: the message itself names no place), image str|None
    (``ocr_uncertain``: a small PNG ``data:`` URI of where the value was read on a scan), field str|None
    (``ocr_uncertain``: the value it is about, ``score`` or ``measures[3].due``: itanb.findings.split_field).
    Tables written before ``image`` or ``field`` existed read with them null. RangeIndex.
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
    """All seven tables, checked individually, against the manifest, and for agency_id references; all
    from the one version the ``.tables`` link points at as they are opened (an ingest switching to a new
    version meanwhile is not seen half)."""
    processed_dir = Path(processed_dir)
    with contextlib.suppress(OSError):
        processed_dir = processed_dir / (processed_dir / CURRENT).readlink()
    manifest = _manifest(processed_dir)
    tables = Tables(*(load_table(name, processed_dir, manifest=manifest or False) for name in TABLES))
    _check_references(tables, processed_dir)
    return tables
