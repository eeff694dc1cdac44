"""Assessments read from score-table rows and memos: derived scores, level checks, merged by agency and
fiscal year, with their findings."""


from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np

from itanb.errors import InputError
from itanb.findings import Finding
from itanb.grading import (
    INDICATORS,
    NOT_GIVEN,
    TOOL_LABELS,
    TOOLS,
    TOTAL,
    cents_decimal,
    contradicts,
    level_mismatch_message,
    reported_only,
    tolerance_in,
)
from itanb.ingest.scoring import Rules, Scored, ScoredYear
from itanb.scores import ScoreRow


@dataclass
class Candidate:
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
    scanned: bool = False  # a memo read off a scan by OCR: a score table's score wins over it

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file




def _part_label(name: str) -> str:
    return TOOL_LABELS.get(name) or (f"ตัวชี้วัดที่ {name[1:]}" if name in INDICATORS else "คะแนนรวม")


def mismatch_findings(year: ScoredYear, rules: Rules) -> list[Finding]:
    """One ``total_mismatch`` per published composite of a table row that its published parts do not give."""
    out = []
    derived, tolerance = year.derived, tolerance_in(year.fiscal_year, rules.weights)
    for name in derived.order:
        what = "คะแนนรวม" if name == TOTAL else f"คะแนน {_part_label(name)}"
        parts = ", ".join(_part_label(p) for p in derived.components[name])
        for i in np.flatnonzero(derived.mismatched[name]):
            c = year.candidates[i]
            if c.from_memo:
                continue
            reported = cents_decimal(derived.values[name][i])
            computed = cents_decimal(derived.recomputed[name][i])
            out.append(Finding("total_mismatch",
                               f"{what} ที่เผยแพร่ {reported} ไม่ตรงกับ {computed} ที่คำนวณจาก {parts} "
                               f"ตามน้ำหนักของปีงบประมาณ {c.fiscal_year} (ต่างกันเกิน {tolerance}); "
                               "เก็บค่าที่เผยแพร่ไว้", c.file, c.line, c.agency_id, c.fiscal_year))
    return out


def merge_assessments(candidates: Iterable[Candidate]) -> tuple[list[Candidate], list[Finding]]:
    kept: dict[tuple[str, int], Candidate] = {}
    findings: list[Finding] = []
    for c in candidates:
        key = (c.agency_id, c.fiscal_year)
        first = kept.get(key)
        if first is None:
            kept[key] = c
            continue
        if first.score != c.score and first.scanned != c.scanned:
            kept[key], scan = (c, first) if first.scanned else (first, c)
            findings.append(Finding(
                "ocr_uncertain", f"คะแนนปีงบประมาณ {c.fiscal_year} อ่านจากภาพสแกนได้ {scan.score} แต่ตารางคะแนน "
                f"({kept[key].where}) ระบุ {kept[key].score}: ใช้คะแนนจากตารางคะแนน", scan.file, scan.line,
                c.agency_id, c.fiscal_year, field="score"))
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


def level_findings(year: ScoredYear) -> list[Finding]:
    """A table row's reported level against the levels its scores allow: ``level_mismatch`` where the
    reported level is none of them, ``unknown_level_scheme`` where the year has no computed levels (each
    distinct reported level and set of possible levels judged once)."""
    fy, grades = year.fiscal_year, year.grades
    verdicts: dict[tuple[int, str], str | None] = {}
    out = []
    for i, c in enumerate(year.candidates):
        if c.level_reported is None or c.from_memo:
            continue
        key = (int(grades.possible[i]), c.level_reported)
        if key not in verdicts:
            verdicts[key] = _level_verdict(fy, grades.levels(key[0]), c.level_reported)
        code = verdicts[key]
        if code == "unknown_level_scheme":
            out.append(Finding(code, f"ตรวจระดับที่รายงาน ({c.level_reported}) ไม่ได้: ไม่มีเกณฑ์ระดับที่คำนวณได้สำหรับ"
                                     f"ปีงบประมาณ {fy}", c.file, c.line, c.agency_id, fy))
        elif code == "level_mismatch":
            shown = " / ".join(grades.levels(key[0])) or "–"
            out.append(Finding(code, level_mismatch_message(fy, c.score, c.level_reported, shown), c.file,
                               c.line, c.agency_id, fy))
    return out


def _level_verdict(fiscal_year: int, possible: tuple[str, ...], reported: str) -> str | None:
    if not possible:
        return None if reported_only(fiscal_year, reported) else "unknown_level_scheme"
    if not contradicts(fiscal_year, possible, reported):
        return None  # the reported level is possible (perhaps needing tool scores we do not have)
    return "level_mismatch"


def candidates_of(rows: list[ScoreRow], row_ids: list[str], memos: list,
                  memo_ids: list[str]) -> list[Candidate]:
    """One candidate per score-table row and per memo that cites a score, in that order."""
    candidates = [Candidate(agency_id, r.fiscal_year, r.score, r.level_reported, dict(r.parts),
                            r.source, r.file, r.line) for r, agency_id in zip(rows, row_ids, strict=True)]
    for m, agency_id in zip(memos, memo_ids, strict=True):
        a = m.memo.assessment
        if a is not None:
            source = f"{m.file}:{a.line}" if a.line else m.file
            candidates.append(Candidate(agency_id, a.fiscal_year, a.score, a.level_reported,
                                        {}, source, m.file, a.line, from_memo=True,
                                        scanned=getattr(m.memo, "scanned", False)))
    return candidates


def checked(scored: Scored) -> list[Finding]:
    """Every table row's totals and reported level checked, also when the row is dropped as a duplicate;
    a memo's was checked by the memo parser (level_mismatch, unknown_level_scheme are among its findings)."""
    findings: list[Finding] = []
    for year in scored.years:
        findings += mismatch_findings(year, scored.rules) + level_findings(year)
    return findings


def assessment_records(merged: list[Candidate], scored: Scored) -> tuple[list[dict], dict, dict]:
    """The rows of the assessments table, and the columns of the tool_scores and indicator_scores tables, of
    the merged candidates (sorted by agency and fiscal year; each tool and indicator in the order of
    grading.TOOLS and grading.INDICATORS)."""
    scored.add(merged)
    ordered = sorted(merged, key=lambda c: (c.agency_id, c.fiscal_year))
    where = _by_year([scored.of(c) for c in ordered])
    columns = {name: _gathered(where, len(ordered), name) for name in (*TOOLS, *INDICATORS)}
    computed = {t: _gathered(where, len(ordered), t, computed=True) for t in TOOLS}
    levels = _gathered_objects(where, len(ordered), lambda year: year.grades.level())
    passed = _gathered_objects(where, len(ordered), ScoredYear.passed)
    assessments = []
    for i, c in enumerate(ordered):
        iit, eit, oit = (columns[t][i] / 100 if columns[t][i] >= 0 else None for t in ("iit", "eit", "oit"))
        assessments.append({"agency_id": c.agency_id, "fiscal_year": c.fiscal_year, "score": float(c.score),
                            "level_reported": c.level_reported, "level": levels[i], "passed": passed[i],
                            "iit": iit, "eit": eit, "oit": oit, "source": c.source})
    keys = {"agency_id": np.array([c.agency_id for c in ordered], dtype=object),
            "fiscal_year": np.array([c.fiscal_year for c in ordered], dtype=np.int64),
            "source": np.array([c.source for c in ordered], dtype=object)}
    tools = _long(keys, columns, TOOLS, "tool", np.array(TOOLS, dtype=object))
    tools["computed"] = np.stack([computed[t] for t in TOOLS], axis=1)[tools.pop("_given")]
    indicators = _long(keys, columns, INDICATORS, "indicator", np.arange(1, len(INDICATORS) + 1))
    del indicators["_given"]
    return assessments, tools, indicators


Where = list[tuple[ScoredYear, tuple[np.ndarray, np.ndarray]]]  # (year, (positions, rows in the year))


def _gathered(where: Where, n: int, name: str, *, computed: bool = False) -> np.ndarray:
    """One score (hundredths, NOT_GIVEN where unknown) or its computed flag, per position of ``where``."""
    out = np.full(n, False if computed else NOT_GIVEN, dtype=bool if computed else np.int64)
    for year, rows in where:
        source = year.derived.computed if computed else year.derived.values
        if name in source:
            out[rows[0]] = source[name][rows[1]]
    return out


def _gathered_objects(where: Where, n: int, column) -> np.ndarray:
    out = np.full(n, None, dtype=object)
    for year, rows in where:
        out[rows[0]] = column(year)[rows[1]]
    return out


def _by_year(where: list[tuple[ScoredYear, int]]) -> Where:
    """(year, (positions in ``where``, rows in the year)) for each year of ``where`` (year, row) pairs."""
    groups: dict[int, tuple[ScoredYear, list[int], list[int]]] = {}
    for pos, (year, row) in enumerate(where):
        group = groups.setdefault(id(year), (year, [], []))
        group[1].append(pos)
        group[2].append(row)
    return [(year, (np.array(pos, dtype=np.int64), np.array(rows, dtype=np.int64)))
            for year, pos, rows in groups.values()]


def _long(keys: dict[str, np.ndarray], columns: dict[str, np.ndarray], names: tuple[str, ...], label: str,
          labels: np.ndarray) -> dict[str, np.ndarray]:
    """One row per candidate and name with a score, candidate by candidate, names in their order."""
    wide = np.stack([columns[n] for n in names], axis=1)
    given = wide >= 0
    row, col = np.nonzero(given)
    return {"agency_id": keys["agency_id"][row], "fiscal_year": keys["fiscal_year"][row], label: labels[col],
            "score": wide[given] / 100, "source": keys["source"][row], "_given": given}
