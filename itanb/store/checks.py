"""Strict checks of a table against its schema (pandas frame or Arrow table) and of the tables together."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from itanb.store.frames import table
from itanb.store.schema import _ARROW, _PERCENT_COLUMNS, SCHEMAS, TABLES, Column, Tables, TableSchema, _fail


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
