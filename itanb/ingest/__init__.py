"""raw folder -> processed tables.

Everything is read and validated first; the tables are written (atomically, by :mod:`itanb.store`) only when
the whole raw folder is good, so a bad file leaves ``data/processed`` exactly as it was. The raw folder is
only ever read.

Layout of the raw folder: ``memos/`` (any depth, ``.md``/``.txt``/``.docx``/``.pdf`` memos; a ``.doc`` is
rejected with what to do), ``scores/`` (any depth, ``.csv``/``.xlsx`` score tables) and an optional
``agencies.csv`` that pins agency ids, names and places.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from itanb import limits, paths
from itanb.agencies import Mention, load_pinned, resolve
from itanb.errors import InputError
from itanb.findings import Finding
from itanb.ingest import files
from itanb.ingest.assessments import assessment_records, candidates_of, checked, merge_assessments
from itanb.ingest.files import MemoFile, MemoParser, is_memo, raw_files, read_bytes, sha256_hex
from itanb.ingest.scoring import Rules, Scored
from itanb.scores import ScoreRow, agency_key, read_scores_file
from itanb.store import Tables, build_frame, frame_of_columns, write_tables

SCORE_SUFFIXES = (".csv", ".xlsx")


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
    skipped: list[str] = field(default_factory=list)  # hidden and odd files, with why: ".x.md (hidden)"
    unread: list[str] = field(default_factory=list)  # scans not read (no tesseract): "file: what to install"
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
        if self.skipped:
            shown = ", ".join(self.skipped[:10]) + (" …" if len(self.skipped) > 10 else "")
            lines.append(f"  ignored {len(self.skipped)} hidden or odd file(s), not read: {shown}")
        return "\n".join(lines)




def _datetime(value: date | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime(value.year, value.month, value.day)


def _finding_record(f: Finding, agency_id: str | None = None, fiscal_year: int | None = None) -> dict:
    return {"code": f.code, "message": f.message, "source": f.source, "line": f.line,
            "agency_id": f.agency_id or agency_id,
            "fiscal_year": f.fiscal_year if f.fiscal_year is not None else fiscal_year, "places": f.places,
            "image": f.image, "field": f.field}


def read_raw(raw_dir: Path = paths.RAW, *, workers: int | None = None) -> tuple[Tables, IngestSummary]:
    """Read and validate the raw folder into the five tables (nothing is written).

    Raises InputError naming the file (and line) of the first problem.
    """
    started = time.perf_counter()
    limits.check_limits()  # a mistyped ITANB_MAX_* setting, said before any file is read
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputError("raw folder not found (expected memos/ and scores/ inside)", source=raw_dir)
    memo_items, score_items, ignored, skipped = [], [], [], []
    for path, rel in raw_files(raw_dir / "memos", raw_dir) + raw_files(raw_dir / "scores", raw_dir):
        reason = files.skip_reason(path, rel)
        if reason:
            skipped.append(f"{rel} ({reason})")
        elif rel.startswith("memos/"):
            (memo_items if is_memo(path) else ignored).append((path, rel))
        else:
            (score_items if path.suffix.lower() in SCORE_SUFFIXES else ignored).append((path, rel))
    if not memo_items and not score_items:
        raise InputError("nothing to ingest: no memos (memos/*.md, *.txt, *.docx, *.pdf) and no score tables "
                         "(scores/*.csv, *.xlsx)", source=raw_dir)
    with MemoParser(memo_items, workers) as parser:
        tables, summary = _read_rest(raw_dir, parser, score_items, ignored)
        summary.unread = parser.unread
    summary.skipped = skipped
    summary.seconds = time.perf_counter() - started
    return tables, summary


def _read_rest(raw_dir: Path, parser: MemoParser, score_items: list[tuple[Path, str]],
               ignored: list[tuple[Path, str]]) -> tuple[Tables, IngestSummary]:
    """The tables of the raw folder, the memos parsed by ``parser`` (see :func:`read_raw`)."""
    ingested_at = datetime.now(UTC)
    sources: list[dict] = []

    def add_source(rel: str, kind: str, sha: str, size: int) -> None:
        sources.append({"path": rel, "kind": kind, "sha256": sha, "bytes": size, "ingested_at": ingested_at})

    pinned, agencies_file = _read_pinned(raw_dir, add_source)
    rows, score_findings = _read_score_tables(score_items, add_source)
    # the table rows derived and graded while the memos are parsed (the rule files read once for the whole
    # ingest); their agency ids, which need the memos' names, are filled in below
    table_candidates = candidates_of(rows, [""] * len(rows), [], [])
    scored = Scored(table_candidates, Rules.load())
    memos = parser.results()
    for m in memos:
        add_source(m.file, "memo", m.sha256, m.size)

    mentions = [Mention(r.agency, None, None, r.file, r.line) for r in rows]
    mentions += [Mention(m.memo.agency, m.memo.district, m.memo.province, m.file, None) for m in memos]
    resolution = resolve(mentions, pinned)
    row_ids, memo_ids = resolution.ids[: len(rows)], resolution.ids[len(rows):]
    id_of_name = {agency_key(r.agency): agency_id for r, agency_id in zip(rows, row_ids, strict=True)}
    findings: list[dict] = [_finding_record(f) for f in resolution.findings]
    findings += [_finding_record(f, id_of_name.get(agency_key(name))) for f, name in score_findings]
    for m, agency_id in zip(memos, memo_ids, strict=True):
        findings += [_finding_record(f, agency_id, m.memo.fiscal_year) for f in m.memo.findings]

    for c, agency_id in zip(table_candidates, row_ids, strict=True):
        c.agency_id = agency_id
    candidates = table_candidates + candidates_of([], [], memos, memo_ids)
    scored.add(candidates)  # the memos' scores
    findings += [_finding_record(f) for f in checked(scored)]
    merged, dup_findings = merge_assessments(candidates)
    findings += [_finding_record(f) for f in dup_findings]
    assessments, tool_scores, indicator_scores = assessment_records(merged, scored)
    measures = _measure_records(memos, memo_ids)
    findings.sort(key=lambda r: (r["source"], r["line"] if r["line"] is not None else -1, r["code"],
                                 r["message"]))
    agencies = [{"agency_id": a.agency_id, "name": a.name, "kind": a.kind, "district": a.district,
                 "province": a.province, "synthetic": a.synthetic} for a in resolution.agencies]
    sources.sort(key=lambda r: r["path"])

    tables = Tables(build_frame("agencies", agencies), build_frame("assessments", assessments),
                    build_frame("measures", measures), build_frame("findings", findings),
                    build_frame("sources", sources), frame_of_columns("tool_scores", tool_scores),
                    frame_of_columns("indicator_scores", indicator_scores))
    summary = IngestSummary(
        raw_dir=raw_dir, processed_dir=Path(), memos=len(memos), score_tables=len(score_items),
        agencies_file=agencies_file, agencies=len(agencies),
        assessments=len(assessments), measures=len(measures),
        findings=dict(Counter(f["code"] for f in findings)), ignored=[rel for _, rel in ignored])
    return tables, summary


def _read_pinned(raw_dir: Path, add_source: Callable[[str, str, str, int], None]) -> tuple[list, bool]:
    """The agencies pinned by ``agencies.csv`` (none without it), and whether there is one."""
    agencies_path = raw_dir / "agencies.csv"
    if not agencies_path.is_file():
        return [], False
    data = read_bytes(agencies_path, "agencies.csv")
    add_source("agencies.csv", "agencies", sha256_hex(data), len(data))
    return load_pinned(agencies_path, source="agencies.csv", data=data), True


def _read_score_tables(score_items: list[tuple[Path, str]], add_source: Callable[[str, str, str, int], None]
                       ) -> tuple[list[ScoreRow], list[tuple[Finding, str]]]:
    """Every row of the score tables, and their findings with the agency name each is about."""
    rows: list[ScoreRow] = []
    score_findings: list[tuple[Finding, str]] = []
    for path, rel in score_items:
        data = read_bytes(path, rel, limits.SCORE_FILE)
        table = read_scores_file(path, file=rel, data=data)
        rows.extend(table.rows)
        score_findings.extend(zip(table.findings, table.finding_agencies, strict=True))
        add_source(rel, "scores", sha256_hex(data), len(data))
    return rows, score_findings


def _measure_records(memos: list[MemoFile], memo_ids: list[str]) -> list[dict]:
    """The measures table's rows: one memo with measures per agency and fiscal year (InputError for a
    second)."""
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
    return sorted(measures, key=lambda r: (r["agency_id"], r["fiscal_year"], r["no"]))


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
