"""One ITA measures memo (บันทึกข้อความ) -> :class:`ParsedMemo`, with the data-quality findings it raises.

The memo is markdown or plain text: header lines (ส่วนราชการ, ที่, วันที่, เรื่อง, เรียน), a body with the score
paragraph, then pipe tables. Plan tables (มาตรการ | ขั้นตอน… | ผู้รับผิดชอบ | การกำกับติดตาม, columns found by
their header words in any order) and status tables (มาตรการ | ขั้นตอน | three status columns) are each joined
across page breaks; status rows are matched one-to-one to plan rows by fuzzy similarity.

Decisions a reader should know:

- Status columns are the last three columns after the name/steps columns (a หมายเหตุ column aside), read by
  position as not started, in progress, done. Only when their labels are the three distinct expected ones
  in another order is the header followed; any other label set (the real memo repeats ยังไม่ดำเนินงาน
  three times) means position wins and a ``status_header_repaired`` finding is raised, once per table.
- A mark is any non-empty cell other than a lone dash. Marks in several columns: the most advanced status is
  taken (the usual cause is ticking progress cumulatively) and ``multiple_status`` says so.
- A deadline cell is parsed as a date when it contains one; of a range the last date (the deadline) is kept.
  ``due_text`` always keeps the cell as written.
- The measures' fiscal year is the one named in the subject (เรื่อง … ปีงบประมาณ/ประจำปี พ.ศ. XXXX), else the
  fiscal year of the memo date, else the year after the assessed one.
- A row whose measure cell is empty continues the row above (a measure spilling over a page or a row break);
  a table without a header row continues the previous table when it has as many columns.
- One table may carry both the plan and the status columns; its rows need no matching (similarity None).
  Without any status table every measure has status None and one ``unmatched_plan_row`` finding says so.
- Findings carry the measures' fiscal year, except those about the assessment (``level_mismatch``,
  ``unknown_level_scheme``), which carry the assessed year. ``agency_id`` is left to ``agencies.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rapidfuzz import fuzz

from itanb import grading
from itanb.errors import InputError
from itanb.findings import Finding
from itanb.thai import (
    decode_thai_text,
    find_thai_dates,
    fiscal_year,
    normalize_for_matching,
    tidy,
    to_arabic_digits,
    year_to_be,
)

STATUSES = ("not_started", "in_progress", "done")
STATUS_LABELS = {"not_started": "ยังไม่ดำเนินงาน", "in_progress": "อยู่ระหว่างดำเนินงาน",
                 "done": "ดำเนินงานเสร็จแล้ว"}
MATCH_CUTOFF = 70.0  # similarity (0-100) below which a status row matches no plan row

__all__ = ["MATCH_CUTOFF", "STATUSES", "Assessment", "Measure", "ParsedMemo", "parse_memo", "parse_memo_file"]


@dataclass
class Assessment:
    fiscal_year: int  # BE, of the assessment the score belongs to
    score: Decimal  # two decimals
    level_reported: str | None  # as the memo writes it (AA..F or a Thai word)
    level: str | None  # computed by grading.grade; None where the scheme has no level
    line: int | None = None  # line of the score in the file (beyond the contract; not in to_json_dict)


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
    line: int  # plan row's line in the file, or the status row's when unmatched


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
            "findings": [{"code": f.code, "message": f.message} for f in self.findings],
        }


# ------------------------------------------------------------------------------------------------ reading


def parse_memo_file(path: Path, *, source: str | None = None) -> ParsedMemo:
    """Read a memo file and parse it; ``source`` names it in findings and errors.

    The file may be UTF-8 (with or without BOM) or cp874 (Thai Windows saves .txt memos so):
    :func:`itanb.thai.decode_thai_text` decides, and a cp874 memo parses exactly like its UTF-8 twin. No
    finding records the encoding (findings.CODES has no code for it). Raises InputError (with the source) for
    an unreadable, empty, binary, UTF-16 or undecodable file, and for anything :func:`parse_memo` rejects.
    """
    path = Path(path)
    src = source or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read memo: {exc.strerror or exc}", source=src) from None
    return parse_memo_bytes(data, src)


def parse_memo_bytes(data: bytes, source: str) -> ParsedMemo:
    """Parse a memo file's bytes (as :func:`parse_memo_file` does, for callers that already read them)."""
    if not data.strip():
        raise InputError("empty file: not a memo", source=source)
    return parse_memo(decode_thai_text(data, where=source).text, source)


# --------------------------------------------------------------------------------------------- patterns

_THAI = "\u0e01-\u0e4e"
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_SEPARATOR_CELL = re.compile(r"^\s*:?-{1,}:?\s*$")
_HEADER_STRIP = "#*>_ \t"
_DASH_ONLY = {"", "-", "–", "—", "−"}

_ORG_TYPES = {
    "องค์การบริหารส่วนตำบล": "องค์การบริหารส่วนตำบล",
    "องค์การบริหารส่วนจังหวัด": "องค์การบริหารส่วนจังหวัด",
    "เทศบาลตำบล": "เทศบาลตำบล",
    "เทศบาลเมือง": "เทศบาลเมือง",
    "เทศบาลนคร": "เทศบาลนคร",
    "อบต.": "องค์การบริหารส่วนตำบล",
    "อบจ.": "องค์การบริหารส่วนจังหวัด",
    "ทต.": "เทศบาลตำบล",
    "ทม.": "เทศบาลเมือง",
    "ทน.": "เทศบาลนคร",
}
_ORG_RE = re.compile(
    "(" + "|".join(re.escape(k) for k in sorted(_ORG_TYPES, key=len, reverse=True)) + r")[ \t]?([" + _THAI
    + "]+)|(เมืองพัทยา|กรุงเทพมหานคร)"
)
# words that follow "จังหวัด", "อำเภอ" or a spaced "องค์การบริหารส่วนตำบล" in running text, never a name
_NAME_STOP = ("ปฏิบัติ", "ทุก", "ใน", "ของ", "และ", "ที่", "เพื่อ", "ได้", "จึง", "ซึ่ง", "นี้", "ดังกล่าว", "ต่าง",
              "นั้น", "เดียวกัน", "แห่ง", "อื่น", "เป็น", "โดย", "ให้")
_PLACE_CUT = re.compile("อำเภอ|จังหวัด|ตำบล")
_DISTRICT_RE = re.compile(r"(?:อำเภอ|(?<![" + _THAI + r"])อ\.)[ \t]?([" + _THAI + "]{2,})")
_PROVINCE_RE = re.compile(r"(?:จังหวัด|(?<![" + _THAI + r"])จ\.)[ \t]?([" + _THAI + "]{2,})")

_YEAR_RE = re.compile(r"(?:ปีงบประมาณ|ประจำปี)\s*(?:พ\.\s?ศ\.?)?\s*(\d{4}|\d{2})(?!\d)")
_SCORE_RES = (
    re.compile(r"คะแนน([^\d|]{0,60}?)(\d+(?:\.\d+)?)\s*คะแนน"),
    re.compile(r"คะแนน(?:รวม|เฉลี่ย|ที่ได้|ITA)?\s*(เท่ากับ|ได้|คือ|=|:)\s*(\d+(?:\.\d+)?)"),
    re.compile(r"(ได้)\s*(\d{1,3}\.\d{1,2})\s*คะแนน"),
)
_LEVEL_WORDS = ("ผ่านดีเยี่ยม", "ผ่านดี", "ไม่ผ่าน", "ผ่าน", "ต้องปรับปรุงโดยด่วน", "ต้องปรับปรุง", "สูงมาก", "สูง",
                "ปานกลาง", "ต่ำมาก", "ต่ำ")
_LEVEL_RE = re.compile(
    r"ระดับ\s*(?:คะแนน\s*)?[\"'“”‘’(]?\s*(?:(AA|A|B|C|D|E|F)(?![A-Za-z])|("
    + "|".join(_LEVEL_WORDS) + r")(?![ก-ฮ]))"
)

_OWNER_PREFIXES = ("สำนัก", "กอง", "งาน", "ฝ่าย", "ส่วน", "หน่วย", "ศูนย์", "ปลัด", "รองปลัด", "นายก",
                   "รองนายก", "หัวหน้า", "ผู้อำนวยการ", "ผอ.", "เจ้าหน้าที่", "คณะ", "ทุก", "นัก", "เลขานุการ",
                   "ผู้บริหาร", "ผู้บังคับบัญชา", "พนักงาน", "บุคลากร", "ข้าราชการ")
# a fragment that is only one of these is the first half of a name broken across lines ("กอง" / "การศึกษาฯ")
_OWNER_PREFIX_ONLY = frozenset({"กอง", "สำนัก", "งาน", "ฝ่าย", "ส่วน", "หน่วย", "ศูนย์", "หัวหน้า", "ผู้อำนวยการ",
                                "รอง"})
_OWNER_PREFIX_RE = "(?:" + "|".join(re.escape(p) for p in _OWNER_PREFIXES) + ")"
_OWNER_AND = re.compile(r"\s*และ\s*(?=" + _OWNER_PREFIX_RE + ")")
_OWNER_SPLIT = re.compile(r"<\s*br\s*/?\s*>|\n|[,;،、]|\s(?=[0-9๐-๙]{1,2}[.)]\s*)", re.IGNORECASE)
_OWNER_LEAD = re.compile(r"^(?:[0-9๐-๙]{1,2}[.)]|[-•●▪◦·*])\s*")
_OWNER_START = re.compile(_OWNER_PREFIX_RE)

_STATUS_WORDS = re.compile("ดำเนิน|สถานะ|สถานการณ์|เสร็จ|ยังไม่|ระหว่าง|ผลการ")
_DUE_WORDS = re.compile("กำกับ|ติดตาม|ระยะเวลา|กำหนด|แล้วเสร็จ|ห้วงเวลา|ช่วงเวลา|วันที่|เวลา")
_STEPS_WORDS = re.compile("ขั้นตอน|วิธี|กิจกรรม|แนวทาง|โครงการ")
_NO_HEADERS = frozenset({"ที่", "ลำดับ", "ลำดับที่", "ข้อ", "no", "no."})


# ------------------------------------------------------------------------------------------------ tables


@dataclass
class _Row:
    line: int
    cells: list[str]


@dataclass
class _Table:
    line: int  # first line
    end_line: int
    rows: list[_Row]  # separator rows removed


@dataclass
class _Layout:
    kind: str  # "plan" | "status" | "combined"
    ncols: int
    measure: int
    steps: int | None = None
    owners: int | None = None
    due: int | None = None
    status: tuple[int, int, int] | None = None  # columns of not_started, in_progress, done


@dataclass
class _PlanRow:
    measure: str
    steps: str
    owners: list[str]
    due: dt.date | None
    due_text: str
    line: int
    marks: tuple[str, ...] = ()  # combined tables only


@dataclass
class _StatusRow:
    measure: str
    steps: str
    marks: tuple[str, ...]  # statuses with a mark
    line: int


def _split_pipe_row(stripped: str, piped: bool = True) -> tuple[list[str], bool]:
    """Cells of a pipe row and whether it is complete: a table whose rows open with '|' closes them with one.

    ``piped=False`` (a plain-text table written ``a | b | c``): nothing is stripped, so an empty first cell
    (``| | ยังไม่ดำเนินงาน …`` after stripping) is kept.
    """
    body = stripped
    complete = True
    if piped and body.startswith("|"):
        body = body[1:]
        if body.endswith("|") and not body.endswith("\\|"):
            body = body[:-1]
        else:
            complete = False
    if "\\|" in body:
        cells = [c.replace("\x00", "|") for c in body.replace("\\|", "\x00").split("|")]
    else:
        cells = body.split("|")
    return [c.strip() for c in cells], complete


def _is_separator(cells: list[str]) -> bool:
    return any(c for c in cells) and all(not c or _SEPARATOR_CELL.match(c) for c in cells)


def _find_tables(lines: list[str], source: str) -> list[_Table]:
    """Pipe tables (leading pipe optional) and tab-separated tables; a row broken over lines is joined."""
    tables: list[_Table] = []
    current: list[_Row] = []
    piped = True
    start = 0
    n = len(lines)
    i = 0

    def close(end: int) -> None:
        nonlocal current
        if current:
            tables.append(_Table(start, end, [r for r in current if not _is_separator(r.cells)]))
        current = []

    while i < n:
        raw = lines[i]
        s = raw.strip()
        if s.startswith("|") or s.count("|") >= 2:
            if not current:
                start, piped = i + 1, s.startswith("|")
            cells, complete = _split_pipe_row(s, piped)
            first = i
            header_cols = len(current[0].cells) if current else 0
            while not complete:
                # a cell holding a line break continues on the next line; a blank line or the end: cut off
                if i + 1 >= n or not lines[i + 1].strip() or (header_cols and len(cells) > header_cols):
                    raise InputError(
                        f"truncated memo: table row cut off mid-row ({len(cells)} cell(s), no closing '|')",
                        source=source, line=first + 1)
                i += 1
                more, complete = _split_pipe_row("|" + cells.pop() + "<br>" + lines[i].strip())
                cells.extend(more)
            current.append(_Row(first + 1, cells))
        elif raw.count("\t") >= 2 and s:
            if not current:
                start = i + 1
            current.append(_Row(i + 1, [c.strip() for c in raw.rstrip("\r\n").split("\t")]))
        else:
            close(i)
        i += 1
    close(n)
    return tables


def _column_kind(header: str) -> str:
    h = normalize_for_matching(header)
    if not h:
        return ""
    if "รับผิดชอบ" in h:
        return "owners"
    if h.startswith("มาตรการ"):
        return "measure"
    if _STEPS_WORDS.search(h):
        return "steps"
    if "มาตรการ" in h or "ประเด็น" in h:
        return "measure"
    if _DUE_WORDS.search(h) and not _STATUS_LABEL_WORDS.search(h):
        return "due"
    if h in _NO_HEADERS:
        return "no"
    if "หมายเหตุ" in h:
        return "remark"
    if _STATUS_WORDS.search(h):
        return "status"
    return "other"


_STATUS_LABEL_WORDS = re.compile("ยังไม่|ระหว่าง|กำลัง|เสร็จ")


def _status_label(label: str) -> str | None:
    h = normalize_for_matching(label)
    if "ยังไม่" in h:
        return "not_started"
    if "ระหว่าง" in h or "กำลัง" in h:
        return "in_progress"
    if "เสร็จ" in h or h.endswith("แล้ว"):
        return "done"
    return None


# -------------------------------------------------------------------------------------------- the parser


class _Parser:
    def __init__(self, text: str, source: str):
        self.source = source
        self.text = text
        self.lines = text.split("\n")
        self.pending: list[tuple[str, str, int | None, int | None]] = []  # code, message, line, fiscal year
        self.combined = False  # a table carries both the plan and the status columns

    def fail(self, message: str, line: int | None = None) -> InputError:
        return InputError(message, source=self.source, line=line)

    def note(self, code: str, message: str, line: int | None, fiscal_year: int | None = None) -> None:
        self.pending.append((code, message, line, fiscal_year))

    # --- the whole memo ---------------------------------------------------------------------------------

    def parse(self) -> ParsedMemo:
        if not self.text.strip():
            raise self.fail("empty file: not a memo")
        if len(_CONTROL.findall(self.text, 0, 20000)) > 10:
            raise self.fail("binary or garbled data (control characters), not a text memo")
        tables = _find_tables(self.lines, self.source)
        table_lines = set()
        for t in tables:
            table_lines.update(range(t.line, t.end_line + 1))
        first_table = tables[0].line if tables else len(self.lines) + 1
        prose_lines = ["" if (n + 1) in table_lines else ln for n, ln in enumerate(self.lines)]
        self.prose = "\n".join(prose_lines)
        self.prose_arabic = to_arabic_digits(self.prose)
        self.line_starts = [0]
        for ln in prose_lines[:-1]:
            self.line_starts.append(self.line_starts[-1] + len(ln) + 1)

        header = self._header(first_table)
        plan_rows, status_rows = self._tables(tables)

        measures_fy = header["subject_fy"] or (fiscal_year(header["date"]) if header["date"] else None)
        assessment = self._assessment(measures_fy)
        if measures_fy is None:
            if assessment is None:
                raise self.fail("cannot tell the fiscal year of the measures: no memo date (วันที่), no year in "
                                "the subject (เรื่อง) and no assessed year")
            measures_fy = assessment.fiscal_year + 1
        agency = self._agency(header)
        district = self._place(_DISTRICT_RE, "อำเภอ")
        province = self._place(_PROVINCE_RE, "จังหวัด")
        measures = self._measures(plan_rows, status_rows)
        findings = [
            Finding(code, message, self.source, line, None, fy if fy is not None else measures_fy)
            for code, message, line, fy in self.pending
        ]
        return ParsedMemo(self.source, agency, district, province, header["date"], measures_fy, assessment,
                          measures, findings)

    def line_of(self, pos: int) -> int:
        return bisect_right(self.line_starts, pos)

    # --- header ------------------------------------------------------------------------------------------

    def _header(self, first_table: int) -> dict:
        heading = False
        keys: dict[str, tuple[str, int]] = {}
        date: dt.date | None = None
        for n in range(min(first_table - 1, len(self.lines))):
            s = self.lines[n].strip().lstrip(_HEADER_STRIP)
            if not s:
                continue
            if "บันทึกข้อความ" in s and n < 40:
                heading = True
                continue
            for key in ("ส่วนราชการ", "เรื่อง", "เรียน"):
                if s.startswith(key) and key not in keys:
                    keys[key] = (tidy(s[len(key):]).strip(" .:*"), n + 1)
            at = s.find("วันที่")
            if date is None and at >= 0 and (at <= 40 or s.startswith("ที่")):  # a header, not the body
                dates = find_thai_dates(s[at:])
                if dates and dates[0].start <= 12:
                    keys.setdefault("date", (s, n + 1))
                    date = dates[0].date
                    if dates[0].ce:
                        self.note("ce_year", f"ปีในวันที่ของบันทึก ({tidy(s)}) เป็น ค.ศ. แปลงเป็น พ.ศ. แล้ว",
                                  n + 1)
        if not heading and len(keys) < 2:
            raise self.fail("not a memo: no 'บันทึกข้อความ' heading and no header lines "
                            "(ส่วนราชการ / วันที่ / เรื่อง)")
        subject_fy = None
        if "เรื่อง" in keys:
            subject, line = keys["เรื่อง"]
            m = _YEAR_RE.search(to_arabic_digits(subject))
            if m:
                subject_fy, ce = year_to_be(m.group(1))
                if ce:
                    self.note("ce_year", f"ปีในเรื่องของบันทึก ({m.group(1)}) เป็น ค.ศ. แปลงเป็น พ.ศ. {subject_fy}",
                              line)
        return {"keys": keys, "date": date, "subject_fy": subject_fy}

    def _agency(self, header: dict) -> str:
        unit = header["keys"].get("ส่วนราชการ")
        if unit:
            name = _org_names(unit[0])
            if name:
                return name[0][0]
        counts = Counter(name for name, _ in _org_names(self.prose))
        if counts:
            return counts.most_common(1)[0][0]  # most frequent; ties keep the first mention
        if unit and unit[0]:
            # "สำนักปลัด หน่วยงานX": the unit comes first, the organisation after it
            parts = unit[0].split(maxsplit=1)
            if len(parts) == 2 and parts[0].startswith(("สำนักปลัด", "กอง", "งาน", "ฝ่าย", "ส่วน")):
                return parts[1]
            return unit[0]
        raise self.fail("no agency name: no ส่วนราชการ line and no องค์การบริหารส่วน…/เทศบาล… in the memo")

    def _place(self, pattern: re.Pattern[str], word: str) -> str | None:
        mentions: list[tuple[str, str, int]] = []  # key, display, line
        for m in pattern.finditer(self.prose):
            name = m.group(1)
            cut = _PLACE_CUT.search(name, 1)
            if cut:
                name = name[: cut.start()]
            if len(name) < 2 or name.startswith(_NAME_STOP):
                continue
            mentions.append((normalize_for_matching(name), name, self.line_of(m.start())))
        if not mentions:
            return None
        counts = Counter(key for key, _, _ in mentions)
        best = max(counts.values())
        chosen = next(key for key, _, _ in mentions if counts[key] == best)
        display = {key: name for key, name, _ in reversed(mentions)}  # first spelling of each
        if len(counts) > 1:
            lines: dict[str, list[int]] = {}
            for key, _, line in mentions:
                lines.setdefault(key, []).append(line)
            listed = " และ ".join(
                f"{word}{display[key]} (บรรทัด {', '.join(map(str, sorted(set(lines[key]))))})"
                for key in counts
            )
            other = next(line for key, _, line in mentions if key != chosen)
            self.note("location_conflict",
                      f"บันทึกระบุ{word}ไม่ตรงกัน: {listed}; ใช้ {word}{display[chosen]} ซึ่งพบบ่อยที่สุด", other)
        return display[chosen]

    # --- assessment --------------------------------------------------------------------------------------

    def _assessment(self, measures_fy: int | None) -> Assessment | None:
        text = self.prose_arabic
        found = None
        for pattern in _SCORE_RES:
            for m in pattern.finditer(text):
                if "เต็ม" in m.group(1):  # "คะแนนเต็ม 100 คะแนน" is the scale, not the score
                    continue
                found = m
                break
            if found:
                break
        if found is None:
            self.note("no_assessment", "บันทึกไม่ระบุคะแนนการประเมิน ITA", None)
            return None
        line = self.line_of(found.start(2))
        raw = self.prose[found.start(2): found.end(2)]
        try:
            score = grading.to_score(found.group(2))
        except InputError:
            raise self.fail(f"score {raw} คะแนน is outside 0–100", line) from None
        para_start = text.rfind("\n\n", 0, found.start()) + 1
        para_end = text.find("\n\n", found.end())
        para_end = len(text) if para_end < 0 else para_end

        years = list(_YEAR_RE.finditer(text, 0, para_end))
        before = [m for m in years if m.start() < found.start() and m.start() >= para_start]
        after = [m for m in years if m.start() > found.start()]
        anywhere_before = [m for m in years if m.start() < found.start()]
        year_match = (before or after[:1] or anywhere_before or [None])[-1]
        if year_match is not None:
            fy, ce = year_to_be(year_match.group(1))
            if ce:
                self.note("ce_year", f"ปีงบประมาณที่ประเมิน ({year_match.group(1)}) เป็น ค.ศ. แปลงเป็น พ.ศ. {fy}",
                          self.line_of(year_match.start()))
        elif measures_fy is not None:
            fy = measures_fy - 1
        else:
            raise self.fail("the score paragraph names no fiscal year and the memo has no date", line)

        level_m = _LEVEL_RE.search(text, found.end(), para_end)
        if level_m is None:
            earlier = list(_LEVEL_RE.finditer(text, para_start, found.start()))
            level_m = earlier[-1] if earlier else None
        level_reported = (level_m.group(1) or level_m.group(2)) if level_m else None

        g = grading.grade(fy, score)
        if not g.possible:
            self.note("unknown_level_scheme", f"คำนวณระดับของปีงบประมาณ {fy} ไม่ได้: {g.reason}", line, fy)
        elif grading.contradicts(fy, g.possible, level_reported):
            self.note("level_mismatch",
                      f"ระดับที่รายงาน {level_reported} ไม่ตรงกับระดับที่คำนวณได้ {g.shown} จากคะแนน {score} "
                      f"(ปีงบประมาณ {fy})", line, fy)
        return Assessment(fy, score, level_reported, g.level, line)

    # --- tables ------------------------------------------------------------------------------------------

    def _layout(self, table: _Table) -> tuple[_Layout | None, int]:
        """The table's layout and how many header rows it has; (None, 0) when the first row is no header."""
        head = table.rows[0].cells
        kinds = [_column_kind(c) for c in head]
        if "measure" not in kinds and "steps" not in kinds:
            return None, 0
        ncols = len(head)
        col = {k: kinds.index(k) for k in ("measure", "steps", "owners", "due") if k in kinds}
        if "measure" not in col:  # "ขั้นตอน…" first, name column unlabeled: take the first text column
            col["measure"] = 0 if col["steps"] != 0 else 1
        text_cols = [i for i, k in enumerate(kinds) if k in ("measure", "steps", "owners", "due", "no")]
        text_cols.append(col["measure"])
        trailing = [i for i in range(max(text_cols) + 1, ncols) if kinds[i] != "remark"]
        header_rows = 1
        labels = [head[i] for i in trailing]
        if len(table.rows) > 1 and trailing:
            second = table.rows[1].cells
            second += [""] * (ncols - len(second))
            if not any(second[i] for i in text_cols) and any(
                    _STATUS_WORDS.search(second[i]) for i in trailing):
                header_rows = 2
                labels = [second[i] or head[i] for i in trailing]
        statusish = any(_STATUS_WORDS.search(lab) for lab in labels) or any(
            kinds[i] == "status" for i in trailing)
        layout = _Layout("plan", ncols, col["measure"], col.get("steps"), col.get("owners"), col.get("due"))
        if "owners" in col:
            if len(trailing) >= 3 and statusish:
                layout.kind = "combined"
                layout.status = self._status_columns(trailing[-3:], labels[-3:], table.rows[header_rows - 1])
            return layout, header_rows
        if not statusish:
            return None, 0
        if len(trailing) < 3:
            raise self.fail(
                f"status table has {len(trailing)} status column(s); expected 3 "
                f"(ยังไม่ดำเนินงาน | อยู่ระหว่างดำเนินงาน | ดำเนินงานเสร็จแล้ว)", table.line)
        layout.kind = "status"
        layout.status = self._status_columns(trailing[-3:], labels[-3:], table.rows[header_rows - 1])
        return layout, header_rows

    def _status_columns(self, cols: list[int], labels: list[str], label_row: _Row) -> tuple[int, int, int]:
        found = [_status_label(lab) for lab in labels]
        if found == list(STATUSES):
            return cols[0], cols[1], cols[2]
        if sorted(filter(None, found)) == sorted(STATUSES):  # the three right labels in another order
            return tuple(cols[found.index(s)] for s in STATUSES)  # type: ignore[return-value]
        shown = " | ".join(tidy(lab) or "(ว่าง)" for lab in labels)
        self.note("status_header_repaired",
                  f"หัวคอลัมน์สถานะไม่ถูกต้อง ({shown}): ใช้ตำแหน่งคอลัมน์แทน "
                  f"({' | '.join(STATUS_LABELS[s] for s in STATUSES)})", label_row.line)
        return cols[0], cols[1], cols[2]

    def _tables(self, tables: list[_Table]) -> tuple[list[_PlanRow], list[_StatusRow]]:
        plan: list[_PlanRow] = []
        status: list[_StatusRow] = []
        last: _Layout | None = None
        for t in tables:
            if not t.rows:
                continue
            layout, skip = self._layout(t)
            if layout is None:
                if last is not None and len(t.rows[0].cells) == last.ncols:
                    layout, skip = last, 0  # a page-break continuation without its header
                else:
                    continue
            rows = t.rows[skip:]
            if not rows and t.end_line >= self._last_nonblank():
                raise self.fail("truncated memo: the last table has a header and no rows", t.line)
            last = layout
            self.combined = self.combined or layout.kind == "combined"
            for row in rows:
                cells = _align(row.cells, layout)
                if layout.kind == "status":
                    self._status_row(cells, row.line, layout, status)
                else:
                    self._plan_row(cells, row.line, layout, plan)
        if not plan and not status:
            raise self.fail("no measure tables (มาตรการ | ขั้นตอน… | ผู้รับผิดชอบ | การกำกับติดตาม, or a status "
                            "table): the memo is truncated or is not a measures report")
        return plan, status

    def _last_nonblank(self) -> int:
        for n in range(len(self.lines), 0, -1):
            if self.lines[n - 1].strip():
                return n
        return 0

    def _plan_row(self, cells: list[str], line: int, layout: _Layout, out: list[_PlanRow]) -> None:
        measure = tidy(cells[layout.measure])
        steps = tidy(cells[layout.steps]) if layout.steps is not None else ""
        owners_cell = cells[layout.owners] if layout.owners is not None else ""
        due_text = tidy(cells[layout.due]) if layout.due is not None else ""
        marks = _marks(cells, layout.status) if layout.status else ()
        if not measure:
            if not (steps or owners_cell.strip() or due_text or marks):
                return
            if out and not (owners_cell.strip() or due_text or marks):
                out[-1].steps = f"{out[-1].steps} {steps}".strip()
                return
            measure = out[-1].measure if out else ""
        due = None
        dates = find_thai_dates(due_text) if due_text else []
        if dates:
            due = dates[-1].date
            if dates[-1].ce:
                self.note("ce_year", f"ปีในกำหนดเวลา ({due_text}) เป็น ค.ศ. แปลงเป็น พ.ศ. แล้ว", line)
        out.append(_PlanRow(measure, steps, split_owners(owners_cell), due, due_text, line, marks))

    def _status_row(self, cells: list[str], line: int, layout: _Layout, out: list[_StatusRow]) -> None:
        measure = tidy(cells[layout.measure])
        steps = tidy(cells[layout.steps]) if layout.steps is not None else ""
        marks = _marks(cells, layout.status)
        if not measure:
            if not (steps or marks):
                return
            if out and not marks:
                out[-1].steps = f"{out[-1].steps} {steps}".strip()
                return
            measure = out[-1].measure if out else ""
        out.append(_StatusRow(measure, steps, marks, line))

    # --- measures ----------------------------------------------------------------------------------------

    def _status_of(self, marks: tuple[str, ...], line: int, name: str) -> str | None:
        if not marks:
            self.note("missing_status", f"มาตรการ \"{_short(name)}\" ไม่มีเครื่องหมายในช่องสถานะใดเลย", line)
            return None
        chosen = max(marks, key=STATUSES.index)
        if len(marks) > 1:
            self.note("multiple_status",
                      f"มาตรการ \"{_short(name)}\" มีเครื่องหมายหลายช่อง "
                      f"({', '.join(STATUS_LABELS[m] for m in marks)}): ใช้สถานะที่ก้าวหน้าที่สุด "
                      f"{STATUS_LABELS[chosen]}", line)
        return chosen

    def _measures(self, plan: list[_PlanRow], status: list[_StatusRow]) -> list[Measure]:
        measures: list[Measure] = []
        combined = self.combined and not status
        plan_keys = [(normalize_for_matching(p.measure), normalize_for_matching(p.steps)) for p in plan]
        status_keys = [(normalize_for_matching(s.measure), normalize_for_matching(s.steps)) for s in status]
        pairs = _match(plan_keys, status_keys) if plan and status else {}
        for no, p in enumerate(plan, start=1):
            st, sim = None, None
            if combined:
                st = self._status_of(p.marks, p.line, p.measure)
            elif no - 1 in pairs:
                j, sim = pairs[no - 1]
                s = status[j]
                st = self._status_of(s.marks, s.line, s.measure)
                if status_keys[j][0] != plan_keys[no - 1][0]:
                    self.note("fuzzy_match",
                              f"มาตรการในตารางผลการดำเนินงาน \"{_short(s.measure)}\" (บรรทัด {s.line}) จับคู่กับ"
                              f"มาตรการข้อ {no} \"{_short(p.measure)}\" (บรรทัด {p.line}) ความคล้าย {sim:.1f}%",
                              s.line)
            elif status:
                self.note("unmatched_plan_row",
                          f"มาตรการข้อ {no} \"{_short(p.measure)}\" ไม่มีแถวในตารางผลการดำเนินงาน", p.line)
            measures.append(Measure(no, p.measure, p.steps, p.owners, p.due, p.due_text, st, sim, p.line))
        if plan and not status and not combined:
            self.note("unmatched_plan_row",
                      f"ไม่พบตารางผลการดำเนินงาน: มาตรการทั้ง {len(plan)} ข้อไม่มีสถานะ", None)
        matched = {j for j, _ in pairs.values()}
        if status and not plan:
            self.note("unmatched_status_row",
                      f"ไม่พบตารางมาตรการ (ผู้รับผิดชอบ/การกำกับติดตาม): ใช้ {len(status)} แถวจากตาราง"
                      f"ผลการดำเนินงานเป็นมาตรการ", status[0].line)
        for j, s in enumerate(status):
            if j in matched:
                continue
            no = len(measures) + 1
            if plan:
                self.note("unmatched_status_row",
                          f"แถวในตารางผลการดำเนินงาน \"{_short(s.measure)}\" ไม่ตรงกับมาตรการใดในแผน: "
                          f"เพิ่มเป็นมาตรการข้อ {no}", s.line)
            st = self._status_of(s.marks, s.line, s.measure)
            measures.append(Measure(no, s.measure, s.steps, [], None, "", st, None, s.line))
        return measures


# ------------------------------------------------------------------------------------------------ helpers


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _align(cells: list[str], layout: _Layout) -> list[str]:
    """Cells padded or trimmed to the header's width; a stray '|' inside a text cell is merged back."""
    n = layout.ncols
    if len(cells) == n:
        return cells
    if len(cells) < n:
        return cells + [""] * (n - len(cells))
    extra = len(cells) - n
    if not any(cells[n:]):
        return cells[:n]
    at = layout.steps if layout.steps is not None else layout.measure
    return [*cells[:at], " | ".join(cells[at: at + extra + 1]), *cells[at + extra + 1:]]


def _marks(cells: list[str], cols: tuple[int, int, int] | None) -> tuple[str, ...]:
    if cols is None:
        return ()
    return tuple(s for s, c in zip(STATUSES, cols, strict=True) if tidy(cells[c]) not in _DASH_ONLY)


def _org_names(text: str) -> list[tuple[str, int]]:
    """Agency names (type + place, abbreviations expanded) in ``text`` with their positions."""
    found = []
    for m in _ORG_RE.finditer(text):
        if m.group(3):
            found.append((m.group(3), m.start()))
            continue
        name = m.group(2)
        cut = _PLACE_CUT.search(name, 1)
        if cut and not m.group(1).endswith("จังหวัด"):
            name = name[: cut.start()]
        # "ปลัดองค์การบริหารส่วนตำบล ปฏิบัติหน้าที่" is a title; "เทศบาลตำบลในเมือง" is a name
        if len(name) < 2 or (name.startswith(_NAME_STOP) and m.group(0)[len(m.group(1))].isspace()):
            continue
        found.append((_ORG_TYPES[m.group(1)] + name, m.start()))
    return found


def split_owners(cell: str) -> list[str]:
    """Owners in one cell, split on ``<br>``, line breaks, commas and "และ" before a unit name.

    A name broken across lines is rejoined: a fragment that is only "กอง" (or another unit word) joins
    the next (``"กองช่าง กอง<br>การศึกษาฯ"`` -> ``["กองช่าง", "กองการศึกษาฯ"]``); a fragment starting with
    "และ" that is not followed by a unit name continues the previous owner.
    """
    if not cell or not cell.strip():
        return []
    owners: list[str] = []
    carry = ""  # a prefix-only fragment waiting for the rest of its name
    for fragment in _OWNER_SPLIT.split(_OWNER_AND.sub("\n", cell)):
        frag = _OWNER_LEAD.sub("", tidy(fragment)).strip()
        if not frag:
            continue
        if frag.startswith("และ") and owners and not carry and not _OWNER_START.match(frag[3:].lstrip()):
            owners[-1] = owners[-1] + frag
            continue
        groups: list[str] = []
        for piece in frag.split():
            token, carry = carry + piece, ""
            if groups and _OWNER_START.match(token) and groups[-1] not in _OWNER_PREFIX_ONLY:
                groups.append(token)
            elif groups and groups[-1] in _OWNER_PREFIX_ONLY:
                groups[-1] += token
            elif groups:
                groups[-1] += " " + token
            else:
                groups.append(token)
        if groups and groups[-1] in _OWNER_PREFIX_ONLY:
            carry = groups.pop()
        owners.extend(groups)
    if carry:
        owners.append(carry)
    seen: set[str] = set()
    return [o for o in owners if not (o in seen or seen.add(o))]


def _match(
    plan_keys: list[tuple[str, str]], status_keys: list[tuple[str, str]]
) -> dict[int, tuple[int, float]]:
    """One-to-one matching of status rows to plan rows: plan index -> (status index, similarity 0-100).

    Keys are (name, steps) after :func:`normalize_for_matching`. Similarity is the larger of the name
    similarity and the mean of name and steps similarities (rapidfuzz ratio); pairs are taken greedily, best
    first, ties to the nearer row position, none below MATCH_CUTOFF. Names equal on both sides and unique
    pair up first (similarity 100, as the greedy pass would give them): the quadratic pass sees the rest.
    """
    pairs: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    plan_names = Counter(k[0] for k in plan_keys)
    status_names = Counter(k[0] for k in status_keys)
    by_name = {k[0]: i for i, k in enumerate(plan_keys) if plan_names[k[0]] == 1}
    for j, (name, _) in enumerate(status_keys):
        i = by_name.get(name)
        if i is not None and status_names[name] == 1:
            pairs[i] = (j, 100.0)
            used.add(j)
    if len(used) == len(status_keys) or len(pairs) == len(plan_keys):
        return pairs
    candidates = []
    for j, (sn, ss) in enumerate(status_keys):
        if j in used:
            continue
        for i, (pn, ps) in enumerate(plan_keys):
            if i in pairs:
                continue
            name = fuzz.ratio(sn, pn)
            both = (name + fuzz.ratio(ss, ps)) / 2 if ss and ps else name
            score = max(name, both)
            if score >= MATCH_CUTOFF:
                candidates.append((-score, -both, abs(i - j), i, j))
    candidates.sort()
    for neg, _, _, i, j in candidates:
        if i in pairs or j in used:
            continue
        pairs[i] = (j, round(-neg, 1))
        used.add(j)
    return pairs


def parse_memo(text: str, source: str) -> ParsedMemo:
    """Parse the text of one memo; ``source`` (a file path or URL) is recorded in findings and errors.

    Raises InputError for text that is empty, not a memo, truncated, has no measure tables, a status table
    without three status columns, or a score outside 0–100.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _Parser(text, source).parse()
