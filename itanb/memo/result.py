"""What the semantics layer returns: ParsedMemo, its Measure rows and its Assessment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from itanb.findings import Finding

MATCH_CUTOFF = 70.0  # similarity (0-100) below which a status row matches no plan row


@dataclass
class Assessment:
    fiscal_year: int  # BE, of the assessment the score belongs to
    score: Decimal  # two decimals
    level_reported: str | None  # as the memo writes it (AA..F or a Thai word)
    level: str | None  # computed by grading.grade; None where the scheme has no level
    line: int | None = None  # line of the score in a text file (beyond the contract; not in to_json_dict)


@dataclass
class Measure:
    no: int  # 1-based: plan-table order, then unmatched status rows
    measure: str  # display text, original spelling, whitespace tidied
    steps: str
    owners: list[str]
    due: dt.date | None
    due_text: str
    status: str | None  # one of STATUSES
    match_similarity: float | None  # 0-100, status row vs plan row
    line: int  # plan row's line in a text file (elsewhere: place in reading order); status row's if unmatched


@dataclass
class ParsedMemo:
    source: str
    agency: str  # full name as written, abbreviation expanded (องค์การบริหารส่วนตำบลโคกสะอาด)
    district: str | None
    province: str | None
    memo_date: dt.date | None
    fiscal_year: int  # BE, of the measures
    assessment: Assessment | None
    measures: list[Measure] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    scanned: bool = False  # read off images by OCR (values may be misread: see its ocr_uncertain findings)

    def to_json_dict(self) -> dict:
        """Plain JSON types only (dates ISO, score float); serialise with ``ensure_ascii=False``."""
        a = self.assessment
        return {
            "agency": self.agency,
            "district": self.district,
            "province": self.province,
            "memo_date": self.memo_date.isoformat() if self.memo_date else None,
            "fiscal_year": self.fiscal_year,
            "assessment": None if a is None else {
                "fiscal_year": a.fiscal_year,
                "score": float(a.score),
                "level_reported": a.level_reported,
                "level": a.level,
            },
            "measures": [
                {
                    "no": m.no,
                    "measure": m.measure,
                    "steps": m.steps,
                    "owners": list(m.owners),
                    "due": m.due.isoformat() if m.due else None,
                    "due_text": m.due_text,
                    "status": m.status,
                }
                for m in self.measures
            ],
            "findings": [{"code": f.code, "message": f.message,
                          "source": {"file": f.source, "line": f.line, "places": f.places},
                          **({"image": f.image} if f.image else {})}
                         for f in self.findings],
        }


