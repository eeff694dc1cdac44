"""Data-quality findings: observations that travel with the data, with a code, a Thai message and a source."""

from __future__ import annotations

from dataclasses import dataclass

# code -> what it means (English, for developers; messages shown to users are Thai).
CODES: dict[str, str] = {
    "level_mismatch": "reported level differs from the level computed from the score for that year",
    "location_conflict": "the memo names the district (or province) in more than one way",
    "status_header_repaired": "status columns identified by position because their header text is wrong",
    "fuzzy_match": "a status row matched a plan row whose name differs",
    "unmatched_status_row": "a status row matched no plan row and is kept as a measure of its own",
    "unmatched_plan_row": "a plan row has no status row",
    "no_assessment": "the memo cites no score",
    "missing_status": "a measure has no status mark",
    "multiple_status": "a status row has marks in more than one status column",
    "ce_year": "a year below 2400 was read as CE and converted to BE",
    "duplicate_assessment": "the same (agency, fiscal year) score appears in more than one source",
    "unknown_level_scheme": "no level can be computed for that fiscal year",
    "total_mismatch": "a published total or tool score differs from what its parts give (over the tolerance)",
    "weak_indicator_unaddressed": "an indicator below 85 that none of the next year's measures addresses",
    "ocr_uncertain": "a value read from a scan (OCR) below its confidence: a person should confirm it",
}


@dataclass(frozen=True)
class Finding:
    code: str
    message: str  # Thai, readable by an analyst
    source: str  # file path (relative to the raw folder where possible)
    line: int | None = None
    agency_id: str | None = None
    fiscal_year: int | None = None
    # where each of several things the message names is, in the file's own terms ("อำเภอเมืองชัย: บรรทัด 70;
    # อำเภอฆ้องชัย: บรรทัด 73"); the message itself names no place, so it reads the same for every format
    places: str | None = None
    # ocr_uncertain: a small PNG (``data:`` URI) of where the value was read on the scan, for a person to
    # confirm it at a glance (the fiscal-year report shows it beside the finding)
    image: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown finding code {self.code!r}; known: {', '.join(sorted(CODES))}")
