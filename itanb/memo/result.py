"""What the semantics layer returns: ParsedMemo, its Measure rows and its Assessment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from itanb.findings import Finding, measure_field
from itanb.memo.document import Doubt, Loc

MATCH_CUTOFF = 70.0  # similarity (0-100) below which a status row matches no plan row


@dataclass
class Assessment:
    fiscal_year: int  # BE, of the assessment the score belongs to
    score: Decimal  # two decimals
    level_reported: str | None  # as the memo writes it (AA..F or a Thai word)
    level: str | None  # computed by grading.grade; None where the scheme has no level
    line: int | None = None  # line of the score in a text file (beyond the contract; not in to_json_dict)
    # where the score was read (its paragraph; on a scan with its sides): beyond the contract, not compared
    loc: Loc | None = field(default=None, compare=False)


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
    # the row its status mark was read from (its line or place in reading order; the plan row's in a combined
    # table; None without a status row): tells the measure a doubtful mark of a scan belongs to (not in JSON)
    status_line: int | None = None


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
    # the values read from words below the reader's confidence: field (itanb.findings.VALUE_FIELDS,
    # measure_field) -> the word, its page, box and picture (each also an ocr_uncertain finding)
    uncertain: dict[str, Doubt] = field(default_factory=dict)

    def _marks(self, fields: dict[str, str]) -> dict:
        """``{"uncertain": {key: {page, read, confidence, image}}}`` for the fields (JSON key -> field) read
        doubtfully, to be merged into the JSON object that holds those keys; ``{}`` when none was."""
        marks = {key: {"page": d.page, "read": d.text, "confidence": d.conf, "image": d.image}
                 for key, name in fields.items() if (d := self.uncertain.get(name)) is not None}
        return {"uncertain": marks} if marks else {}

    def to_json_dict(self) -> dict:
        """Plain JSON types only (dates ISO, score float); serialise with ``ensure_ascii=False``."""
        a = self.assessment
        return {
            "agency": self.agency,
            "district": self.district,
            "province": self.province,
            "memo_date": self.memo_date.isoformat() if self.memo_date else None,
            "fiscal_year": self.fiscal_year,
            **self._marks({"memo_date": "memo_date", "fiscal_year": "fiscal_year"}),
            "assessment": None if a is None else {
                "fiscal_year": a.fiscal_year,
                "score": float(a.score),
                "level_reported": a.level_reported,
                "level": a.level,
                **self._marks({"fiscal_year": "assessed_fiscal_year", "score": "score",
                               "level_reported": "level_reported"}),
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
                    **self._marks({part: measure_field(m.no, part) for part in ("due", "status")}),
                }
                for m in self.measures
            ],
            "findings": [{"code": f.code, "message": f.message,
                          "source": {"file": f.source, "line": f.line, "places": f.places},
                          **({"image": f.image} if f.image else {}),
                          **({"field": f.field} if f.field else {})}
                         for f in self.findings],
        }


