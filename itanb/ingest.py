"""raw folder -> processed tables.

Everything is read and validated first; the tables are written (atomically, by :mod:`itanb.store`) only when
the whole raw folder is good, so a bad file leaves ``data/processed`` exactly as it was. The raw folder is
only ever read.

Layout of the raw folder: ``memos/`` (any depth, ``.md``/``.txt``/``.docx``/``.pdf`` memos; a ``.doc`` is
rejected with what to do), ``scores/`` (any depth, ``.csv``/``.xlsx`` score tables) and an optional
``agencies.csv`` that pins agency ids, names and places.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from itanb import paths
from itanb.agencies import Mention, load_pinned, resolve
from itanb.errors import InputError, ItanbError
from itanb.findings import Finding
from itanb.grading import (
    INDICATORS,
    TOOL_LABELS,
    TOOLS,
    TOTAL,
    Derived,
    Grade,
    contradicts,
    derive,
    grade,
    level_mismatch_message,
    passed,
    reported_only,
    tolerance_for,
)
from itanb.memo.read import KNOWN_SUFFIXES, has_signature
from itanb.scores import ScoreRow, agency_key, read_scores_file
from itanb.store import Tables, build_frame, write_tables

SCORE_SUFFIXES = (".csv", ".xlsx")
POOL_THRESHOLD = 200  # parse memos in worker processes above this many files


@dataclass
class IngestSummary:
    raw_dir: Path
    processed_dir: Path
    memos: int
    score_tables: int
    agencies_file: bool
    agencies: int
    assessments: int
    measures: int
    findings: dict[str, int]  # code -> count
    ignored: list[str] = field(default_factory=list)  # files under raw that are neither memo nor table
    seconds: float = 0.0

    def text(self) -> str:
        lines = [
            f"ingested {self.raw_dir} -> {self.processed_dir} in {self.seconds:.1f} s",
            f"  read: {self.memos} memo(s), {self.score_tables} score table(s)"
            + (", agencies.csv" if self.agencies_file else ""),
            f"  agencies: {self.agencies}",
            f"  assessments: {self.assessments}",
            f"  measures: {self.measures}",
            f"  findings: {sum(self.findings.values())}",
        ]
        lines += [f"    {code}: {n}" for code, n in sorted(self.findings.items())]
        if self.ignored:
            shown = ", ".join(self.ignored[:5]) + (" …" if len(self.ignored) > 5 else "")
            lines.append(f"  ignored {len(self.ignored)} file(s) that are not memos or score tables: {shown}")
        return "\n".join(lines)


@dataclass
class _Memo:
    """A parsed memo with what ingest needs from its file."""

    file: str  # relative to the raw folder
    memo: object  # itanb.memo.ParsedMemo
    sha256: str
    size: int


@dataclass
class _Candidate:
    """One assessment as read from a score table row or a memo, before merging."""

    agency_id: str
    fiscal_year: int
    score: Decimal
    level_reported: str | None
    parts: dict[str, Decimal]  # tool and indicator scores as given (grading.TOOLS, grading.INDICATORS)
    source: str
    file: str
    line: int | None
    from_memo: bool = False

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


# --- walking -----------------------------------------------------------------------------------------------

def _files(folder: Path, root: Path) -> list[tuple[Path, str]]:
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*"):
        rel = path.relative_to(root)
        if any(part.startswith((".", "~$")) for part in rel.parts) or not path.is_file():
            continue
        found.append((path, rel.as_posix()))
    return sorted(found, key=lambda pr: pr[1])


def _read(path: Path, rel: str) -> bytes:
    """A raw file's bytes, read once: parsed and hashed from the same read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=rel) from None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- memos -------------------------------------------------------------------------------------------------

def _is_memo(path: Path) -> bool:
    """A memo by its suffix; a .pdf/.docx/.doc only when its first bytes are of that format."""
    suffix = path.suffix.lower()
    if suffix not in KNOWN_SUFFIXES:
        return False
    if suffix in (".md", ".txt"):
        return True
    try:
        with path.open("rb") as f:
            return has_signature(suffix, f.read(1024))
    except OSError:
        return True  # reading it again reports the problem

def _parse_memo(item: tuple[str, str]) -> tuple[str, object, str | None, str, int]:
    """Worker: (path, rel) -> (rel, ParsedMemo | None, error | None, sha256, bytes)."""
    from itanb.memo import parse_memo_bytes

    path, rel = Path(item[0]), item[1]
    try:
        data = _read(path, rel)
        memo = parse_memo_bytes(data, rel)
    except ItanbError as exc:
        return rel, None, str(exc) if exc.source else f"{rel}: {exc}", "", 0
    return rel, memo, None, _sha256(data), len(data)


class _MemoParser:
    """Parses memos, in worker processes above POOL_THRESHOLD files. The work starts at construction, so the
    caller can read the score tables meanwhile; :meth:`results` waits for it. Use as a context manager."""

    def __init__(self, items: list[tuple[Path, str]], workers: int | None):
        jobs = [(str(p), rel) for p, rel in items]
        workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
        self._pool = None
        if len(jobs) > POOL_THRESHOLD and workers > 1:
            self._pool = ProcessPoolExecutor(max_workers=workers)
            chunk = max(1, min(64, len(jobs) // (workers * 4)))
            self._pending = self._pool.map(_parse_memo, jobs, chunksize=chunk)
        else:
            self._pending = map(_parse_memo, jobs)

    def __enter__(self) -> _MemoParser:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def results(self) -> list[_Memo]:
        memos = []
        for rel, memo, error, sha, size in self._pending:  # file order: the first bad file is reported
            if error is not None:
                raise InputError(error)
            memos.append(_Memo(rel, memo, sha, size))
        return memos


# --- assessments -------------------------------------------------------------------------------------------

class _Grader:
    """grading.derive, grade and passed for one candidate, memoised for one ingest (the rule files may change
    between runs)."""

    def __init__(self) -> None:
        self._cache: dict[tuple, tuple[Derived, Grade, bool | None]] = {}

    def __call__(self, c: _Candidate) -> tuple[Derived, Grade, bool | None]:
        """(the scores derived from the parts, the grade with every possible level, passed)."""
        key = (c.fiscal_year, c.score, tuple(sorted(c.parts.items())))
        if key not in self._cache:
            derived = derive(c.fiscal_year, {TOTAL: c.score, **c.parts})
            tools = {t: v for t, v in derived.values.items() if t in TOOLS}
            self._cache[key] = (derived, grade(c.fiscal_year, c.score, **tools),
                                passed(c.fiscal_year, c.score))
        return self._cache[key]


def _part_label(name: str) -> str:
    return TOOL_LABELS.get(name) or (f"ตัวชี้วัดที่ {name[1:]}" if name in INDICATORS else "คะแนนรวม")


def _mismatch_findings(c: _Candidate, derived: Derived) -> list[Finding]:
    """One ``total_mismatch`` per published composite that its published parts do not give."""
    out = []
    for m in derived.mismatches:
        what = "คะแนนรวม" if m.name == TOTAL else f"คะแนน {_part_label(m.name)}"
        parts = ", ".join(_part_label(p) for p in m.components)
        out.append(Finding("total_mismatch",
                           f"{what} ที่เผยแพร่ {m.reported} ไม่ตรงกับ {m.computed} ที่คำนวณจาก {parts} "
                           f"ตามน้ำหนักของปีงบประมาณ {c.fiscal_year} (ต่างกันเกิน "
                           f"{tolerance_for(c.fiscal_year)}); เก็บค่าที่เผยแพร่ไว้", c.file, c.line, c.agency_id,
                           c.fiscal_year))
    return out


def _merge_assessments(candidates: Iterable[_Candidate]) -> tuple[list[_Candidate], list[Finding]]:
    kept: dict[tuple[str, int], _Candidate] = {}
    findings: list[Finding] = []
    for c in candidates:
        key = (c.agency_id, c.fiscal_year)
        first = kept.get(key)
        if first is None:
            kept[key] = c
            continue
        if first.score != c.score:
            raise InputError(
                f"{c.agency_id} FY{c.fiscal_year}: score {c.score} (source {c.source}) but {first.score} at "
                f"{first.where} (source {first.source}); one agency and fiscal year has one score",
                source=c.file, line=c.line)
        if first.from_memo == c.from_memo:  # a memo citing a table's score corroborates it: no finding
            findings.append(Finding("duplicate_assessment",
                                    f"คะแนนปีงบประมาณ {c.fiscal_year} ({c.score}) ซ้ำกับ {first.where}",
                                    c.file, c.line, c.agency_id, c.fiscal_year))
        kept[key] = replace(first, level_reported=first.level_reported or c.level_reported,
                            parts={**c.parts, **first.parts})
    return list(kept.values()), findings


def _level_findings(c: _Candidate, g: Grade) -> list[Finding]:
    if c.level_reported is None:
        return []
    if not g.possible:
        if reported_only(c.fiscal_year, c.level_reported):
            return []
        return [Finding("unknown_level_scheme",
                        f"ตรวจระดับที่รายงาน ({c.level_reported}) ไม่ได้: ไม่มีเกณฑ์ระดับที่คำนวณได้สำหรับ"
                        f"ปีงบประมาณ {c.fiscal_year}", c.file, c.line, c.agency_id, c.fiscal_year)]
    if not contradicts(g.fiscal_year, g.possible, c.level_reported):
        return []  # the reported level is possible (perhaps needing tool scores we do not have)
    message = level_mismatch_message(c.fiscal_year, c.score, c.level_reported, g.shown)
    return [Finding("level_mismatch", message, c.file, c.line, c.agency_id, c.fiscal_year)]


# --- the whole folder --------------------------------------------------------------------------------------

def _datetime(value: date | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime(value.year, value.month, value.day)


def _finding_record(f: Finding, agency_id: str | None = None, fiscal_year: int | None = None) -> dict:
    return {"code": f.code, "message": f.message, "source": f.source, "line": f.line,
            "agency_id": f.agency_id or agency_id,
            "fiscal_year": f.fiscal_year if f.fiscal_year is not None else fiscal_year, "places": f.places}


def read_raw(raw_dir: Path = paths.RAW, *, workers: int | None = None) -> tuple[Tables, IngestSummary]:
    """Read and validate the raw folder into the five tables (nothing is written).

    Raises InputError naming the file (and line) of the first problem.
    """
    started = time.perf_counter()
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputError("raw folder not found (expected memos/ and scores/ inside)", source=raw_dir)
    memo_items, score_items, ignored = [], [], []
    for path, rel in _files(raw_dir / "memos", raw_dir):
        (memo_items if _is_memo(path) else ignored).append((path, rel))
    for path, rel in _files(raw_dir / "scores", raw_dir):
        (score_items if path.suffix.lower() in SCORE_SUFFIXES else ignored).append((path, rel))
    if not memo_items and not score_items:
        raise InputError("nothing to ingest: no memos (memos/*.md, *.txt, *.docx, *.pdf) and no score tables "
                         "(scores/*.csv, *.xlsx)", source=raw_dir)
    with _MemoParser(memo_items, workers) as parser:
        tables, summary = _read_rest(raw_dir, parser, score_items, ignored)
    summary.seconds = time.perf_counter() - started
    return tables, summary


def _read_rest(raw_dir: Path, parser: _MemoParser, score_items: list[tuple[Path, str]],
               ignored: list[tuple[Path, str]]) -> tuple[Tables, IngestSummary]:
    ingested_at = datetime.now(UTC)
    sources: list[dict] = []

    def add_source(rel: str, kind: str, sha: str, size: int) -> None:
        sources.append({"path": rel, "kind": kind, "sha256": sha, "bytes": size, "ingested_at": ingested_at})

    pinned = []
    agencies_path = raw_dir / "agencies.csv"
    agencies_file = agencies_path.is_file()
    if agencies_file:
        data = _read(agencies_path, "agencies.csv")
        pinned = load_pinned(agencies_path, source="agencies.csv", data=data)
        add_source("agencies.csv", "agencies", _sha256(data), len(data))

    rows: list[ScoreRow] = []
    score_findings: list[tuple[Finding, str]] = []  # (finding, agency name)
    for path, rel in score_items:
        data = _read(path, rel)
        table = read_scores_file(path, file=rel, data=data)
        rows.extend(table.rows)
        score_findings.extend(zip(table.findings, table.finding_agencies, strict=True))
        add_source(rel, "scores", _sha256(data), len(data))

    memos = parser.results()
    for m in memos:
        add_source(m.file, "memo", m.sha256, m.size)

    mentions = [Mention(r.agency, None, None, r.file, r.line) for r in rows]
    mentions += [Mention(m.memo.agency, m.memo.district, m.memo.province, m.file, None) for m in memos]
    resolution = resolve(mentions, pinned)
    row_ids = resolution.ids[: len(rows)]
    memo_ids = resolution.ids[len(rows):]
    id_of_name = {agency_key(r.agency): agency_id for r, agency_id in zip(rows, row_ids, strict=True)}

    findings: list[dict] = [_finding_record(f) for f in resolution.findings]
    findings += [_finding_record(f, id_of_name.get(agency_key(name))) for f, name in score_findings]

    candidates = [_Candidate(agency_id, r.fiscal_year, r.score, r.level_reported, dict(r.parts),
                             r.source, r.file, r.line) for r, agency_id in zip(rows, row_ids, strict=True)]
    for m, agency_id in zip(memos, memo_ids, strict=True):
        a = m.memo.assessment
        if a is not None:
            source = f"{m.file}:{a.line}" if a.line else m.file
            candidates.append(_Candidate(agency_id, a.fiscal_year, a.score, a.level_reported,
                                         {}, source, m.file, a.line, from_memo=True))
        findings += [_finding_record(f, agency_id, m.memo.fiscal_year) for f in m.memo.findings]

    graded = _Grader()
    # every table row's totals and reported level are checked, also when the row is dropped as a duplicate;
    # a memo's was checked by the memo parser (level_mismatch, unknown_level_scheme are among its findings)
    for c in candidates:
        if c.from_memo:
            continue
        derived, g, _ = graded(c)
        findings += [_finding_record(f) for f in _mismatch_findings(c, derived) + _level_findings(c, g)]
    merged, dup_findings = _merge_assessments(candidates)
    findings += [_finding_record(f) for f in dup_findings]

    assessments, tool_scores, indicator_scores = [], [], []
    for c in sorted(merged, key=lambda c: (c.agency_id, c.fiscal_year)):
        derived, g, ok = graded(c)
        values = derived.values
        iit, eit, oit = (float(values[t]) if t in values else None for t in ("iit", "eit", "oit"))
        assessments.append({"agency_id": c.agency_id, "fiscal_year": c.fiscal_year, "score": float(c.score),
                            "level_reported": c.level_reported, "level": g.level, "passed": ok,
                            "iit": iit, "eit": eit, "oit": oit, "source": c.source})
        key = {"agency_id": c.agency_id, "fiscal_year": c.fiscal_year}
        tool_scores += [{**key, "tool": t, "score": float(values[t]), "computed": t in derived.computed,
                         "source": c.source} for t in TOOLS if t in values]
        indicator_scores += [{**key, "indicator": int(i[1:]), "score": float(c.parts[i]), "source": c.source}
                             for i in INDICATORS if i in c.parts]

    measures = []
    measures_from: dict[tuple[str, int], str] = {}
    for m, agency_id in zip(memos, memo_ids, strict=True):
        memo = m.memo
        if not memo.measures:
            continue
        key = (agency_id, int(memo.fiscal_year))
        if key in measures_from:
            raise InputError(f"a second memo with measures of {agency_id} FY{memo.fiscal_year} (the first "
                             f"is {measures_from[key]}); keep one memo per agency and fiscal year",
                             source=m.file)
        measures_from[key] = m.file
        as_of = _datetime(memo.memo_date)
        for x in memo.measures:
            measures.append({
                "agency_id": agency_id, "fiscal_year": int(memo.fiscal_year), "no": int(x.no),
                "measure": x.measure, "steps": x.steps, "owners": list(x.owners), "due": _datetime(x.due),
                "due_text": x.due_text, "status": x.status, "status_as_of": as_of,
                "match_similarity": float(x.match_similarity) if x.match_similarity is not None else None,
                "source": m.file, "line": int(x.line),
            })
    measures.sort(key=lambda r: (r["agency_id"], r["fiscal_year"], r["no"]))
    findings.sort(key=lambda r: (r["source"], r["line"] if r["line"] is not None else -1, r["code"],
                                 r["message"]))
    agencies = [{"agency_id": a.agency_id, "name": a.name, "kind": a.kind, "district": a.district,
                 "province": a.province, "synthetic": a.synthetic} for a in resolution.agencies]
    sources.sort(key=lambda r: r["path"])

    tables = Tables(build_frame("agencies", agencies), build_frame("assessments", assessments),
                    build_frame("measures", measures), build_frame("findings", findings),
                    build_frame("sources", sources), build_frame("tool_scores", tool_scores),
                    build_frame("indicator_scores", indicator_scores))
    summary = IngestSummary(
        raw_dir=raw_dir, processed_dir=Path(), memos=len(memos), score_tables=len(score_items),
        agencies_file=agencies_file, agencies=len(agencies),
        assessments=len(assessments), measures=len(measures),
        findings=dict(Counter(f["code"] for f in findings)), ignored=[rel for _, rel in ignored])
    return tables, summary


def ingest(raw_dir: Path = paths.RAW, processed_dir: Path = paths.PROCESSED, *,
           workers: int | None = None) -> IngestSummary:
    """Build the processed tables from the raw folder; returns counts (``summary.text()`` for people).

    Nothing is written unless every raw file is valid; the write itself is atomic (see itanb.store).
    ``workers``: processes for parsing memos when there are more than 200 (default: the number of cores).
    """
    started = time.perf_counter()
    raw_dir, processed_dir = Path(raw_dir), Path(processed_dir)
    if processed_dir.resolve().is_relative_to(raw_dir.resolve()):
        raise InputError("the processed folder must not be inside the raw folder (raw is read-only)",
                         source=processed_dir)
    tables, summary = read_raw(raw_dir, workers=workers)
    write_tables(tables, processed_dir)
    summary.processed_dir = processed_dir
    summary.seconds = time.perf_counter() - started
    return summary
