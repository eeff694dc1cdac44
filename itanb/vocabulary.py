"""The project's words, defined once: statuses and their Thai wording, year bounds, id patterns, agency kinds,
finding labels.

Every module that needs one of these imports it from here; nothing here imports another itanb module, so any
module may use it. The Thai wording of a status is the one of the memo form itself (the column headers of the
status table), so a report says what the agency's own memo says.
"""

from __future__ import annotations

import re

# --- measure statuses, worst to best (the order of the memo's three status columns) ---
STATUSES: tuple[str, ...] = ("not_started", "in_progress", "done")
STATUS_LABELS: dict[str, str] = {
    "not_started": "ยังไม่ดำเนินงาน",
    "in_progress": "อยู่ระหว่างดำเนินงาน",
    "done": "ดำเนินงานเสร็จแล้ว",
}
NO_STATUS_LABEL = "ไม่ระบุสถานะ"  # a measure whose status row has no mark
EMPTY_BOXES = frozenset("☐□❑")  # an unticked check box in a status cell: no mark

# --- years ---
BE_MIN, BE_MAX = 2500, 2700  # a fiscal year (BE) outside this is a mistake, not data

# --- identifiers ---
AGENCY_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # ASCII, filesystem-safe: sao-khok-sa-at
AGENCY_ID_MAX = 120

# --- agency kinds: kind -> (long form used in the canonical name, agency_id prefix) ---
KIND_SAO = "อบต."
KIND_TT = "เทศบาลตำบล"
KIND_TM = "เทศบาลเมือง"
KIND_TN = "เทศบาลนคร"
KIND_PAO = "อบจ."
KIND_PROV = "จังหวัด"
KIND_OTHER = "other"
AGENCY_KINDS: dict[str, tuple[str, str]] = {
    KIND_SAO: ("องค์การบริหารส่วนตำบล", "sao"),
    KIND_TT: ("เทศบาลตำบล", "tt"),
    KIND_TM: ("เทศบาลเมือง", "tm"),
    KIND_TN: ("เทศบาลนคร", "tn"),
    KIND_PAO: ("องค์การบริหารส่วนจังหวัด", "pao"),
    KIND_PROV: ("จังหวัด", "prov"),
    KIND_OTHER: ("", "agency"),
}

# abbreviations of the kinds as written before a name (with a dot or a space after them)
KIND_ABBREVIATIONS: dict[str, str] = {
    "อบต": KIND_SAO, "อบจ": KIND_PAO, "ทต": KIND_TT, "ทม": KIND_TM, "ทน": KIND_TN, "จ": KIND_PROV,
}
# the organisations a memo comes from (a province's office is not one): spelling -> long form
ORGANISATION_SPELLINGS: dict[str, str] = {
    **{long: long for kind, (long, _) in AGENCY_KINDS.items() if long and kind != KIND_PROV},
    **{abbr + ".": AGENCY_KINDS[kind][0] for abbr, kind in KIND_ABBREVIATIONS.items() if kind != KIND_PROV},
}

# --- findings: code -> Thai label shown to readers (the codes themselves are itanb.findings.CODES) ---
FINDING_LABELS: dict[str, str] = {
    "level_mismatch": "ระดับที่รายงานไม่ตรงกับคะแนน",
    "location_conflict": "ระบุที่ตั้งไม่ตรงกัน",
    "status_header_repaired": "หัวตารางสถานะไม่ถูกต้อง",
    "fuzzy_match": "ชื่อมาตรการในตารางสถานะต่างจากตารางแผน",
    "unmatched_status_row": "มาตรการในตารางสถานะที่ไม่พบในตารางแผน",
    "unmatched_plan_row": "มาตรการในตารางแผนที่ไม่มีสถานะ",
    "no_assessment": "ไม่พบคะแนนการประเมิน",
    "missing_status": "มาตรการที่ไม่ได้ระบุสถานะ",
    "multiple_status": "ระบุสถานะมากกว่าหนึ่งช่อง",
    "ce_year": "ปี ค.ศ. ถูกแปลงเป็น พ.ศ.",
    "duplicate_assessment": "คะแนนซ้ำจากหลายแหล่ง",
    "unknown_level_scheme": "ไม่มีเกณฑ์ระดับของปีนั้น",
    "total_mismatch": "คะแนนรวมไม่ตรงกับคะแนนย่อย",
    "weak_indicator_unaddressed": "ตัวชี้วัดที่ต่ำกว่า 85 ที่ไม่มีมาตรการตอบ",
    "ocr_uncertain": "ค่าที่อ่านจากภาพสแกนไม่แน่ชัด ควรตรวจสอบ",
}


def is_agency_id(text: str) -> bool:
    """True for a well-formed agency_id (``sao-khok-sa-at``): lowercase ASCII words joined by '-'."""
    return bool(AGENCY_ID_RE.match(text)) and len(text) <= AGENCY_ID_MAX


# --- the change of level between two years (grading.level_steps, compare's year over year) ---
LEVEL_CHANGE_LABELS: dict[str, str] = {
    "up": "ดีขึ้น {steps} ระดับ ({before} → {after})",
    "down": "ลดลง {steps} ระดับ ({before} → {after})",
    "same": "คงเดิม ({after})",
    "scheme": "เปลี่ยนเกณฑ์ ({before} → {after})",  # the two years are graded by different schemes
    "incomparable": "ไม่มีระดับให้เทียบ ({before} → {after})",  # one scheme, but a level is missing
}
NO_LEVEL = "–"  # how a missing level is shown in a label


def level_change_label(change: str, before: str | None, after: str | None, steps: int | None = None) -> str:
    """The Thai label of a level change: ``change`` a key of :data:`LEVEL_CHANGE_LABELS`, ``steps`` counted
    without sign (``level_change_label("up", "C", "A", 2)`` is ``ดีขึ้น 2 ระดับ (C → A)``)."""
    return LEVEL_CHANGE_LABELS[change].format(steps=abs(steps or 0), before=before or NO_LEVEL,
                                              after=after or NO_LEVEL)
