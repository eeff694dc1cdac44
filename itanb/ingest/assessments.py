"""Assessments read from score-table rows and memos: derived scores, level checks, merged by agency and
fiscal year, with their findings."""


from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from itanb.errors import InputError
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

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file




class Grader:
    """grading.derive, grade and passed for one candidate, memoised for one ingest (the rule files may change
    between runs)."""

    def __init__(self) -> None:
        self._cache: dict[tuple, tuple[Derived, Grade, bool | None]] = {}

    def __call__(self, c: Candidate) -> tuple[Derived, Grade, bool | None]:
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


def mismatch_findings(c: Candidate, derived: Derived) -> list[Finding]:
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


def merge_assessments(candidates: Iterable[Candidate]) -> tuple[list[Candidate], list[Finding]]:
    kept: dict[tuple[str, int], Candidate] = {}
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


def level_findings(c: Candidate, g: Grade) -> list[Finding]:
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
                                        {}, source, m.file, a.line, from_memo=True))
    return candidates


def checked(candidates: list[Candidate], grader: Grader) -> list[Finding]:
    """Every table row's totals and reported level checked, also when the row is dropped as a duplicate;
    a memo's was checked by the memo parser (level_mismatch, unknown_level_scheme are among its findings)."""
    findings: list[Finding] = []
    for c in candidates:
        if not c.from_memo:
            derived, g, _ = grader(c)
            findings += mismatch_findings(c, derived) + level_findings(c, g)
    return findings


def assessment_records(merged: list[Candidate], grader: Grader) -> tuple[list[dict], list[dict], list[dict]]:
    """The rows of the assessments, tool_scores and indicator_scores tables of the merged candidates."""
    assessments, tool_scores, indicator_scores = [], [], []
    for c in sorted(merged, key=lambda c: (c.agency_id, c.fiscal_year)):
        derived, g, ok = grader(c)
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
    return assessments, tool_scores, indicator_scores
