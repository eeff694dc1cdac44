"""Score tables (``raw/scores/*.csv``, ``*.xlsx``) -> validated rows, one per (agency, fiscal year).

Columns: ``agency, fiscal_year, score`` and optionally ``level``, the tool scores ``iit, eit, eit1, eit2,
oit`` (EIT's two parts from FY2566), the indicator scores ``i1`` … ``i10`` and ``source``. Other spellings of
the
headers (หน่วยงาน, ปีงบประมาณ, คะแนนรวม, ระดับ, IIT, EIT ส่วนที่ 1, ตัวชี้วัดที่ 1, the indicator names such as
การเปิดเผยข้อมูล) come from ``itanb/data/score_headers.csv``, which a user extends with a file of the same
columns named by ``$ITANB_SCORE_HEADERS`` (case, spaces, underscores, Thai digits and a BOM in headers do not
matter).
CSV files may be UTF-8, UTF-8 with BOM, or cp874 (Thai Windows); Thai digits in cells are fine.
A fiscal year below 2400 is read as CE and converted to BE, with a ``ce_year`` finding.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from itanb import limits
from itanb.errors import InputError
from itanb.findings import Finding
from itanb.grading import INDICATORS, TOOLS, to_score
from itanb.ooxml import check_workbook
from itanb.paths import PACKAGE_DATA
from itanb.thai import BE_OFFSET, MIN_BE_YEAR, decode_thai_text, to_arabic_digits
from itanb.vocabulary import BE_MAX, BE_MIN

REQUIRED = ("agency", "fiscal_year", "score")
OPTIONAL = ("level", *TOOLS, *INDICATORS, "source")
SCORE_HEADERS = PACKAGE_DATA / "score_headers.csv"
SUFFIXES = (".csv", ".xlsx")
CE_LIMIT = MIN_BE_YEAR  # a year below this is CE
BE_RANGE = (BE_MIN, BE_MAX)
_INT_RE = re.compile(r"^[+]?[0-9]+(?:\.0*)?$")
_PLAIN_SCORE = re.compile(r"[0-9]{1,2}\.[0-9][0-9]|100\.00")  # two decimals in 0-100, nothing to tidy


@dataclass(frozen=True)
class ScoreRow:
    agency: str  # as written in the table
    fiscal_year: int  # BE
    score: Decimal  # two decimals, 0-100
    level_reported: str | None
    parts: dict[str, Decimal]  # the tool (iit, eit, eit1, eit2, oit) and indicator (i1..i10) scores given
    source: str  # the row's source cell, else "<file>:<line>"
    file: str  # the table, relative to the raw folder
    line: int  # line (CSV) or row (XLSX) of the table

    @property
    def iit(self) -> Decimal | None:
        return self.parts.get("iit")

    @property
    def eit(self) -> Decimal | None:
        return self.parts.get("eit")

    @property
    def oit(self) -> Decimal | None:
        return self.parts.get("oit")

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class ScoreTable:
    file: str
    rows: list[ScoreRow]
    findings: list[Finding] = field(default_factory=list)
    finding_agencies: list[str] = field(default_factory=list)  # the agency (as written) of each finding


# --- decoding ----------------------------------------------------------------------------------------------

def decode_bytes(data: bytes, *, where: str) -> str:
    """Decode a text table: UTF-8 (with or without BOM), else cp874 when that reads as Thai.

    A thin wrapper of :func:`itanb.thai.decode_thai_text` (the one decoder, shared with memos and the agencies
    list), kept under this name for its callers; raises the same InputError.
    """
    return decode_thai_text(data, where=where).text


# --- headers and cells -------------------------------------------------------------------------------------

def _header_key(text: object) -> str:
    text = unicodedata.normalize("NFC", to_arabic_digits(str(text or ""))).replace("\ufeff", "")
    return "".join(text.split()).replace("_", "").casefold()


def header_aliases(path: Path | str | None = None) -> dict[str, str]:
    """Header spelling (reduced: no spaces or underscores, casefolded, Arabic digits) -> column name, from
    ``itanb/data/score_headers.csv`` (or ``path``) plus the file named by ``$ITANB_SCORE_HEADERS``.

    Checked: the columns header, column, source; every column is one of the score table's; a spelling names
    one column. Raises InputError naming the file and line.
    """
    files = [Path(path) if path else SCORE_HEADERS]
    if os.environ.get("ITANB_SCORE_HEADERS"):
        files.append(Path(os.environ["ITANB_SCORE_HEADERS"]))
    aliases: dict[str, str] = {}
    for file in files:
        try:
            stat = file.stat()
        except OSError as exc:
            raise InputError(f"cannot read score headers: {exc.strerror}", source=file) from None
        for key, column, line in _aliases_of(file, stat.st_mtime_ns, stat.st_size):
            if aliases.get(key, column) != column:
                raise InputError(f"header {key!r} names both {aliases[key]} and {column}", source=file,
                                 line=line)
            aliases[key] = column
    return aliases


@cache
def _aliases_of(path: Path, _mtime_ns: int, _size: int) -> tuple[tuple[str, str, int], ...]:
    allowed = (*REQUIRED, *OPTIONAL)
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read score headers ({type(exc).__name__})", source=path) from None
    out = []
    for n, row in enumerate(rows, start=2):
        header, column = (row.get("header") or "").strip(), (row.get("column") or "").strip()
        if not header or column not in allowed or not (row.get("source") or "").strip():
            raise InputError(f"a row needs a header, a column among {', '.join(allowed)} and a source",
                             source=path, line=n)
        out.append((_header_key(header), column, n))
    return tuple(out)


def canonical_header(text: object, aliases: dict[str, str] | None = None) -> str:
    """The column a header names (see :func:`header_aliases`), else the header reduced for the message."""
    key = _header_key(text)
    return (aliases if aliases is not None else header_aliases()).get(key) or key


def _columns(header: Sequence[object], first_use: dict[int, int], where: str) -> dict[str, int]:
    """Map canonical column names to positions. ``first_use``: column -> first line with a value in it."""
    allowed = set(REQUIRED) | set(OPTIONAL)
    aliases = header_aliases()
    found = [canonical_header(h, aliases) for h in header]
    index: dict[str, int] = {}
    unknown = []
    for i, name in enumerate(found):
        if not name:
            if i not in first_use:
                continue  # an empty column without a header (a spreadsheet's trailing column)
            raise InputError(f"a value in column {i + 1}, which has no header", source=where,
                             line=first_use[i])
        if name in index:
            raise InputError(f"column {name!r} appears twice in the header", source=where, line=1)
        if name not in allowed:
            unknown.append(repr(str(header[i]).strip()))
        else:
            index[name] = i
    expect = (f"required: {', '.join(REQUIRED)} (or หน่วยงาน, ปีงบประมาณ, คะแนนรวม); optional: level, "
              f"{', '.join(TOOLS)}, i1…i10 (or ตัวชี้วัดที่ 1…10), source; other spellings: score_headers.csv")
    found_names = [str(h).strip() for h in header if str(h or "").strip()]
    shown = ", ".join(found_names[:30]) or "nothing"
    shown += f" … ({len(found_names):,} in all)" if len(found_names) > 30 else ""
    if unknown:
        more = f" … ({len(unknown):,} in all)" if len(unknown) > 10 else ""
        raise InputError(f"unknown column {', '.join(unknown[:10])}{more}; {expect}; found: {shown}",
                         source=where, line=1)
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise InputError(f"missing required column {', '.join(missing)}; {expect}; found: {shown}",
                         source=where, line=1)
    return index


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(to_arabic_digits(str(value)).split())


def _year(value: object, file: str, line: int) -> tuple[int, bool]:
    text = _text(value)
    if not text:
        raise InputError("fiscal_year is empty", source=file, line=line)
    if not _INT_RE.match(text):
        raise InputError(f"fiscal_year {text!r} is not an integer year (e.g. 2565)", source=file, line=line)
    year = int(float(text)) if "." in text else int(text)
    converted = year < CE_LIMIT
    if converted:
        year += BE_OFFSET
    if not BE_RANGE[0] <= year <= BE_RANGE[1]:
        raise InputError(f"fiscal_year {text} is outside {BE_RANGE[0]}–{BE_RANGE[1]} (BE) or "
                         f"{BE_RANGE[0] - BE_OFFSET}–{CE_LIMIT - 1} (CE)", source=file, line=line)
    return year, converted


def _score(value: object, column: str, file: str, line: int, *, required: bool) -> Decimal | None:
    if type(value) is str and _PLAIN_SCORE.fullmatch(value):  # most cells: already what to_score gives
        return Decimal(value)
    text = _text(value) if not isinstance(value, float) else value
    if text == "":
        if required:
            raise InputError(f"{column} is empty", source=file, line=line)
        return None
    if isinstance(text, str) and "," in text:
        raise InputError(f"{column} {text!r} is not a number (write decimals with a dot: 74.83)",
                         source=file, line=line)
    try:
        return to_score(text)
    except InputError as exc:
        message = exc.message if column == "score" else f"{column}: {exc.message}"
        raise InputError(message, source=file, line=line) from None


# --- reading -----------------------------------------------------------------------------------------------

def _csv_rows(data: bytes, file: str) -> Iterator[tuple[int, list[object]]]:
    text = decode_bytes(data, where=file)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ";" if first.count(";") > first.count(",") \
        else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start, rows, most = 1, 0, limits.SCORE_ROWS.value() + 1  # the header and the rows
    try:
        for row in reader:
            rows += 1
            if rows > most:
                limits.SCORE_ROWS.check(rows - 1, source=file, detail="rows of the score table (and more)")
            yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", source=file, line=reader.line_num) from None


_CALAMINE_ERRORS = {"XmlError": "a part's XML is malformed", "ZipError": "a damaged zip archive",
                    "PasswordError": "it is password-protected", "WorksheetNotFound": "it has no sheet"}


def _xlsx_rows(data: bytes, file: str) -> Iterator[tuple[int, list[object]]]:
    """The first sheet's rows from A1 (empty cells as ""), numbered as in the sheet. python-calamine (Rust)
    reads it in one pass: openpyxl's read-only mode parsed a sheet without a ``<dimension>`` twice and took
    ~0.6 ms a row of 19 cells against calamine's ~0.03 ms."""
    from python_calamine import CalamineError, CalamineWorkbook

    check_workbook(data, file)  # the limits, before calamine allocates what the sheet claims
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False) if book.sheet_names else []
        finally:
            book.close()
    except (CalamineError, ValueError, OSError) as exc:
        what = _CALAMINE_ERRORS.get(type(exc).__name__, "python-calamine cannot read it")
        raise InputError(f"not a readable .xlsx workbook: {what} ({type(exc).__name__} {str(exc)[:60]!r}); "
                         "save it again from Excel", source=file) from None
    for n, row in enumerate(rows, start=1):
        yield n, list(row)


def read_scores_file(path: Path, *, file: str | None = None, data: bytes | None = None) -> ScoreTable:
    """Read and validate one score table. ``file`` is the name used in sources and errors; ``data``: the
    file's bytes, for a caller that already read them (the path then only gives the type by its suffix).

    Raises InputError naming the file and the line for anything that is not a valid score table.
    Duplicate (agency, fiscal_year) rows are checked here only within the file; see :func:`merge_rows`.
    """
    file = file or path.name
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"unsupported score table type {suffix or '(none)'}; use .csv or .xlsx", source=file)
    if data is None:
        try:
            limits.SCORE_FILE.check(path.stat().st_size, source=file)
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", source=file) from None
    limits.SCORE_FILE.check(len(data), source=file)
    raw_rows = list((_csv_rows if suffix == ".csv" else _xlsx_rows)(data, file))
    table = [(n, row) for n, row in raw_rows if any(_text(c) for c in row)]
    if not table:
        raise InputError("empty table: no header and no rows", source=file)
    header = table[0][1]
    width = max(len(r) for _, r in table)
    header = list(header) + [None] * (width - len(header))
    first_use = {}
    for line, cells in table[1:]:
        for i, value in enumerate(cells):
            if i not in first_use and _text(value):
                first_use[i] = line
    columns = _columns(header, first_use, file)
    if len(table) == 1:
        raise InputError("empty table: a header but no rows", source=file)
    limits.SCORE_ROWS.check(len(table) - 1, source=file)

    findings: list[Finding] = []
    names: list[str] = []
    rows: list[ScoreRow] = []
    part_columns = [(name, columns[name]) for name in (*TOOLS, *INDICATORS) if name in columns]
    for line, cells in table[1:]:

        def cell(name: str, cells: list[object] = cells) -> object:
            i = columns.get(name)
            return cells[i] if i is not None and i < len(cells) else None

        agency = _text(cell("agency"))
        if not agency:
            raise InputError("agency is empty", source=file, line=line)
        year, converted = _year(cell("fiscal_year"), file, line)
        score = _score(cell("score"), "score", file, line, required=True)
        parts = {name: _score(cells[i] if i < len(cells) else None, name, file, line, required=False)
                 for name, i in part_columns}
        parts = {name: value for name, value in parts.items() if value is not None}
        level = _text(cell("level")) or None
        source = _text(cell("source")) or f"{file}:{line}"
        if converted:
            findings.append(Finding("ce_year", f"ปี {year - BE_OFFSET} เป็นปี ค.ศ. แปลงเป็นปีงบประมาณ พ.ศ. {year}",
                                    file, line, None, year))
            names.append(agency)
        rows.append(ScoreRow(agency, year, score, level, parts, source=source, file=file, line=line))
    rows, dup_findings = merge_rows(rows)
    return ScoreTable(file, rows, findings + [f for f, _ in dup_findings],
                      names + [n for _, n in dup_findings])


def agency_key(name: str) -> str:
    """Agency names compared within score tables (spaces ignored); ingest merges again by agency_id."""
    return "".join(name.split())


def merge_rows(rows: Iterable[ScoreRow]) -> tuple[list[ScoreRow], list[tuple[Finding, str]]]:
    """Drop repeated (agency, fiscal_year) rows that carry the same score, with a ``duplicate_assessment``
    finding (returned with the agency as written); raise InputError naming both places when the scores
    differ. Agencies are compared by :func:`agency_key`; ingest merges again, across sources, by agency_id."""
    kept: dict[tuple[str, int], ScoreRow] = {}
    findings: list[tuple[Finding, str]] = []
    for row in rows:
        k = (agency_key(row.agency), row.fiscal_year)
        first = kept.get(k)
        if first is None:
            kept[k] = row
            continue
        if first.score != row.score:
            raise InputError(
                f"{row.agency} FY{row.fiscal_year}: score {row.score} here but {first.score} at {first.where}"
                f" (source {first.source}); one (agency, fiscal year) has one score", source=row.file,
                line=row.line)
        findings.append((Finding("duplicate_assessment",
                                 f"คะแนนปีงบประมาณ {row.fiscal_year} ของ {row.agency} ({row.score}) ซ้ำกับ "
                                 f"{first.where}", row.file, row.line, None, row.fiscal_year), row.agency))
    return list(kept.values()), findings


def read_scores(paths: Iterable[tuple[Path, str]]) -> ScoreTable:
    """Read several tables ``(path, name)`` and merge them; the result's ``file`` is empty."""
    rows: list[ScoreRow] = []
    findings: list[Finding] = []
    names: list[str] = []
    for path, name in paths:
        table = read_scores_file(path, file=name)
        rows.extend(table.rows)
        findings.extend(table.findings)
        names.extend(table.finding_agencies)
    rows, dup = merge_rows(rows)
    return ScoreTable("", rows, findings + [f for f, _ in dup], names + [n for _, n in dup])
