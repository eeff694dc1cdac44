"""The processed tables: schemas, strict checks, atomic writes, one documented loader per table.

Each table is ``<processed>/<name>.parquet``; ``_manifest.json`` (written last) records the sha256 of every
file of one ingest, so a reader can tell a consistent set from a mix of two runs. :func:`write_tables`
writes a new version folder beside the current one and switches to it with one rename of the ``.tables``
link (each ``<name>.parquet`` is a fixed link into it): a failure or a kill at any moment leaves the
previous tables or the new ones, complete; :func:`load_tables` reads all seven from one version.

dtypes (pandas, as loaded): ``str`` = pandas' default text dtype (pandas 2: object column of Python str,
None where nullable; pandas 3: the ``str`` dtype, NaN where nullable; test a missing value with pd.isna);
``int64``; ``Int64`` = pandas nullable integer; ``float64`` (NaN where nullable); ``bool``; ``boolean`` =
pandas nullable boolean; ``datetime64[ns]`` (NaT where nullable); ``datetime64[ns, UTC]``; ``list<str>`` =
object column of Python lists of str.

The package by job, in import order: ``schema`` (columns, dtypes, keys; Tables), ``frames`` (records and Arrow
to frames), ``checks`` (strict checks), ``read`` (the loaders), ``write`` (atomic writes). Import from
``itanb.store``.
"""

from __future__ import annotations

from itanb.store.checks import (
    check_frame,
    check_tables,
)
from itanb.store.frames import (
    build_frame,
    frame_of_columns,
    table,
)
from itanb.store.read import (
    load_agencies,
    load_assessments,
    load_findings,
    load_indicator_scores,
    load_measures,
    load_sources,
    load_table,
    load_tables,
    load_tool_scores,
)
from itanb.store.schema import (
    CURRENT,
    MANIFEST,
    SCHEMAS,
    SOURCE_KINDS,
    TABLES,
    TMP_PREFIX,
    VERSION_PREFIX,
    Column,
    Tables,
    TableSchema,
)
from itanb.store.write import (
    write_tables,
)

__all__ = [
    "CURRENT",
    "MANIFEST",
    "SCHEMAS",
    "SOURCE_KINDS",
    "TABLES",
    "TMP_PREFIX",
    "VERSION_PREFIX",
    "Column",
    "TableSchema",
    "Tables",
    "build_frame",
    "check_frame",
    "check_tables",
    "frame_of_columns",
    "load_agencies",
    "load_assessments",
    "load_findings",
    "load_indicator_scores",
    "load_measures",
    "load_sources",
    "load_table",
    "load_tables",
    "load_tool_scores",
    "table",
    "write_tables",
]
