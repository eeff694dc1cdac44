"""Records and Arrow tables to pandas frames of a table's schema, and back."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from itanb.store.schema import _ARROW, SCHEMAS, TableSchema, _fail


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


def frame_of_columns(table: str, columns: dict) -> pd.DataFrame:
    """:func:`build_frame` from columns (name -> sequence or numpy array, all of one length) instead of
    records; raises SchemaError on a value of the wrong type."""
    schema = SCHEMAS[table]
    try:
        arrow = pa.Table.from_pydict({c: columns[c] for c in schema.names}, schema=schema.arrow)
    except (pa.ArrowInvalid, pa.ArrowTypeError, KeyError) as exc:
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


def table(tables: object, name: str) -> pd.DataFrame:
    """``tables.<name>``, or an empty frame of that table's schema where it is missing or None."""
    frame = getattr(tables, name, None)
    return frame if frame is not None else build_frame(name, [])
