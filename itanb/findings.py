"""Data-quality findings: observations that travel with the data, with a code, a Thai message and a source."""

from __future__ import annotations

import re
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

# ocr_uncertain: the memo value a finding is about (``Finding.field``), named as in ``parse-memo``'s JSON: the
# memo's own values -> their Thai name (shown beside the value's picture in the reports) ...
VALUE_FIELDS: dict[str, str] = {
    "memo_date": "วันที่ของบันทึก",
    "fiscal_year": "ปีงบประมาณของมาตรการ",
    "assessed_fiscal_year": "ปีงบประมาณที่ประเมิน",
    "score": "คะแนน",
    "level_reported": "ระดับที่รายงาน",
}
# ... and each measure's, ``measures[N].due`` for measure number N
MEASURE_FIELDS: dict[str, str] = {"due": "กำหนดเสร็จ", "status": "สถานะ"}
_MEASURE_FIELD_RE = re.compile(r"measures\[([1-9][0-9]*)\]\.(\w+)")


def measure_field(no: int, part: str) -> str:
    """The field of measure ``no``'s ``part`` (a key of :data:`MEASURE_FIELDS`): ``measures[3].due``."""
    if part not in MEASURE_FIELDS:
        raise ValueError(f"unknown measure field {part!r}; known: {', '.join(MEASURE_FIELDS)}")
    return f"measures[{int(no)}].{part}"


def split_field(field: str) -> tuple[str, int | None]:
    """``(name, measure number)`` of a field: ``("score", None)``, ``("due", 3)`` for ``measures[3].due``;
    ValueError for a name that is not a field."""
    if field in VALUE_FIELDS:
        return field, None
    m = _MEASURE_FIELD_RE.fullmatch(field)
    if m is None or m[2] not in MEASURE_FIELDS:
        raise ValueError(f"unknown field {field!r}; known: {', '.join(VALUE_FIELDS)}, "
                         f"measures[N].{{{','.join(MEASURE_FIELDS)}}}")
    return m[2], int(m[1])


def field_label(field: str) -> str:
    """The Thai name of a field: ``คะแนน``, ``กำหนดเสร็จ มาตรการข้อ 3``."""
    name, no = split_field(field)
    return VALUE_FIELDS[name] if no is None else f"{MEASURE_FIELDS[name]} มาตรการข้อ {no}"


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
    # ocr_uncertain: the value it is about (:data:`VALUE_FIELDS`, :func:`measure_field`), so that a report can
    # show the picture beside that value
    field: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown finding code {self.code!r}; known: {', '.join(sorted(CODES))}")
        if self.field is not None:
            split_field(self.field)
