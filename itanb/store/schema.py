"""The processed tables' schemas: columns, dtypes, allowed values, keys; the Tables tuple."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
import pyarrow as pa

from itanb.errors import SchemaError
from itanb.findings import CODES
from itanb.grading import TOOLS
from itanb.vocabulary import STATUSES

MANIFEST = "_manifest.json"
TMP_PREFIX = ".itanb-tmp-"  # the temporary folders of earlier versions of itanb (removed by a write)
VERSION_PREFIX = ".itanb-tables-"  # a version of the tables: .itanb-tables-<pid of its writer>-<random>
CURRENT = ".tables"  # the link to the current version; <table>.parquet -> .tables/<table>.parquet
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
    # a nullable column added after tables were first written: a file of an earlier itanb without it reads as
    # if every row had null there (no re-ingest needed); every write has it
    added: bool = False

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
        _c("places", "str", True), _c("image", "str", True, added=True), _c("field", "str", True, added=True),
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


def _fail(where: str, column: str | None, problem: str) -> SchemaError:
    return SchemaError(f"column {column!r}: {problem}" if column else problem, source=where)
