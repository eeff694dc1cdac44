"""The values of a memo read off a scan that a person should confirm: ``ocr_uncertain`` findings.

A value is doubtful when a word it was read from is one of the document's doubts (:class:`~itanb.memo.
document.Doubt`, words the image reader read below its confidence): the memo date, the measures' and the
assessed fiscal years, the score, the reported level, each measure's deadline and status mark. A measure's
deadline and mark are doubtful only by the words read in its own table row (a doubt's box lies between the
row's ``top`` and ``bottom``: a deadline written alike in another row is not this one's); the memo's own
values by the words of their own paragraph first (then of the prose, then of the whole page, so that none
goes unflagged). Each finding names the field (``Finding.field``: :data:`itanb.findings.VALUE_FIELDS`,
:func:`itanb.findings.measure_field`), the page and the value read; ``places`` the page, ``image`` the small
picture of where it was read (a ``data:`` URI), which the fiscal-year report shows beside the value. So
does a value of a scan that the memo's other values contradict (cross-checks: the fiscal years against the
memo date and each other, the score against the level the memo reports: AA-F, or 85 and above or not), without
a picture.
"""

from __future__ import annotations

from itanb.findings import Finding, measure_field
from itanb.memo.document import Document, Doubt, Loc
from itanb.memo.ocr import LEVELS as LETTER_LEVELS
from itanb.memo.result import ParsedMemo
from itanb.thai import find_thai_dates, fiscal_year, to_arabic_digits, to_thai_digits
from itanb.vocabulary import BE_MAX, BE_MIN

MARK = "✓"  # what the image reader reads a status cell's ink as


def _hits(doubts: list[Doubt], value: str) -> list[Doubt]:
    """The doubts whose text is part of ``value`` (in either digits)."""
    forms = {value, to_arabic_digits(value), to_thai_digits(value)}
    return [d for d in doubts if d.text.strip() and any(d.text in f or to_arabic_digits(d.text) in f
                                                        for f in forms)]


def _memo_fields(memo: ParsedMemo, header: dict[str, tuple[str, Loc | None]]
                 ) -> list[tuple[str, str, str, list[Loc | None]]]:
    """(field, the value's own words, the text it was read from, the paragraphs it was read in) of the memo's
    own values worth confirming: a doubt among its own words in its own paragraph is the one pictured."""
    date_line, date_loc = header.get("date", ("", None))
    subject, subject_loc = header.get("เรื่อง", ("", None))
    dates = find_thai_dates(date_line)
    date = date_line[dates[0].start:dates[0].end] if dates else date_line
    # the measures' fiscal year is the subject's, else the memo date's
    out = [("memo_date", date, date_line, [date_loc]),
           ("fiscal_year", str(memo.fiscal_year), subject + " " + date_line, [subject_loc, date_loc])]
    if memo.assessment is not None:
        a = memo.assessment
        out += [(name, text, text, [a.loc]) for name, text in (
            ("score", f"{a.score}"), ("assessed_fiscal_year", str(a.fiscal_year)),
            ("level_reported", a.level_reported or ""))]
    return out


def _inside(d: Doubt, loc: Loc | None) -> bool:
    """The doubt was read within the sides of the paragraph or row at ``loc``."""
    if loc is None or loc.top is None or loc.bottom is None or loc.page != d.page:
        return False
    return loc.top <= (d.box[1] + d.box[3]) / 2 <= loc.bottom


def _rows(doc: Document) -> dict[int, list[Doubt]]:
    """The doubts read inside each table row, by the row's place in reading order (``Loc.seq``; every row
    whose sides are known, with or without doubts)."""
    rows = [r.loc for t in doc.tables for r in t.rows if r.loc.top is not None and r.loc.bottom is not None]
    out: dict[int, list[Doubt]] = {loc.seq: [] for loc in rows}
    for d in doc.doubts:
        loc = next((loc for loc in rows if _inside(d, loc)), None)
        if loc is not None:
            out[loc.seq].append(d)
    return out


def doubtful(doc: Document, memo: ParsedMemo, header: dict[str, tuple[str, Loc | None]]
             ) -> tuple[dict[str, tuple[str, Doubt]], list[Doubt]]:
    """The memo's values read from doubtful words: field -> (the text it was read from, the doubt), and the
    doubtful marks that decide no measure's status. Nothing for a memo with a text layer. ``header``: the
    header lines' text and place by key (``date``, ``เรื่อง``)."""
    if not doc.scanned:
        return {}, []
    rows = _rows(doc)
    in_rows = {id(d) for ds in rows.values() for d in ds}
    words = [d for d in doc.doubts if d.text != MARK]
    prose = [d for d in words if id(d) not in in_rows]
    found: dict[str, tuple[str, Doubt]] = {}
    for field, own, text, locs in _memo_fields(memo, header):
        near = [d for d in prose if any(_inside(d, loc) for loc in locs)]
        hits = (_hits(near, own) or _hits(near, text) or _hits(prose, own) or _hits(prose, text)
                or _hits(words, text))
        if hits:
            found[field] = (text, hits[0])
    marked: set[int] = set()
    for m in memo.measures:
        # the row's own words; every word where the row's sides are not known
        own = [d for d in rows[m.line] if d.text != MARK] if m.line in rows else words
        hits = _hits(own, m.due_text) if m.due_text else []
        if hits:
            found[measure_field(m.no, "due")] = (m.due_text, hits[0])
        marks = [d for d in rows.get(m.status_line, []) if d.text == MARK] if m.status_line else []
        if marks:
            found[measure_field(m.no, "status")] = (MARK, min(marks, key=lambda d: d.conf))
            marked |= {id(d) for d in marks}
    return found, [d for d in doc.doubts if d.text == MARK and id(d) not in marked]


def uncertain(doc: Document, memo: ParsedMemo, found: dict[str, tuple[str, Doubt]],
              stray_marks: list[Doubt]) -> list[Finding]:
    """``ocr_uncertain`` findings: the values :func:`doubtful` found (each with its picture), the doubtful
    marks of no measure, and the values of a scan that its other values contradict."""
    if not doc.scanned:
        return []
    out = [_finding(doc, memo, field, text, d) for field, (text, d) in found.items()]
    out += [_finding(doc, memo, None, MARK, d) for d in stray_marks]
    for field, value, why in _disagreements(memo):
        if field not in found:
            message = f"ค่า {field} อ่านจากภาพสแกนได้ \"{value}\" แต่{why}: ควรตรวจกับต้นฉบับ"
            out.append(Finding("ocr_uncertain", message, doc.source, None, None, memo.fiscal_year,
                               field=field))
    for field in (f for f in _unread(memo) if f not in found):
        message = f"ค่า {field} อ่านจากภาพสแกนไม่ได้: ควรตรวจกับต้นฉบับ"
        out.append(Finding("ocr_uncertain", message, doc.source, None, None, memo.fiscal_year, field=field))
    return out


def _unread(memo: ParsedMemo) -> list[str]:
    """The values a memo has that its scan gave none of: the memo date, the score, the level the score
    paragraph reports (a memo without one is rare; a scan's is lost to a misread word), a deadline whose
    digits gave no date or that is empty where most measures have one."""
    a = memo.assessment
    # a deadline cell with digits that gave no date, or that gave nothing where most measures have one
    most = sum(bool(m.due_text) for m in memo.measures) > len(memo.measures) / 2
    dues = [measure_field(m.no, "due") for m in memo.measures
            if m.due is None and (any(ch.isdigit() for ch in m.due_text) or (most and not m.due_text))]
    if a is None:  # no score read: nor its year and level
        return ["score", "assessed_fiscal_year", "level_reported", *["memo_date"] * (memo.memo_date is None),
                *dues]
    return [field for field, value in (("memo_date", memo.memo_date), ("level_reported", a.level_reported))
            if value is None] + dues


def _disagreements(memo: ParsedMemo) -> list[tuple[str, str, str]]:
    """(field, value, why) of the values the memo's other values contradict: the measures' fiscal year and
    the memo date's (a memo reports the measures of the year it is written in), the assessed year and the
    year before the measures', the score and the level (AA-F) the memo reports."""
    out = []
    if not BE_MIN <= memo.fiscal_year <= BE_MAX:
        out.append(("fiscal_year", str(memo.fiscal_year), f"ไม่อยู่ในช่วงปี พ.ศ. {BE_MIN}–{BE_MAX}"))
        if memo.memo_date is not None:
            out.append(("memo_date", memo.memo_date.isoformat(), f"ไม่อยู่ในช่วงปี พ.ศ. {BE_MIN}–{BE_MAX}"))
    if memo.memo_date is not None and fiscal_year(memo.memo_date) != memo.fiscal_year:
        why = f"วันที่ของบันทึกอยู่ในปีงบประมาณ {fiscal_year(memo.memo_date)}"
        out += [("fiscal_year", str(memo.fiscal_year), why), ("memo_date", memo.memo_date.isoformat(), why)]
    a = memo.assessment
    if a is not None and a.fiscal_year != memo.fiscal_year - 1:
        out.append(("assessed_fiscal_year", str(a.fiscal_year), f"มาตรการเป็นของปีงบประมาณ {memo.fiscal_year}"))
    if a is not None and a.level and a.level_reported and a.level != a.level_reported:
        # a digit misread (๙๓.๓๑ as ๓๓.๓๑) moves the score out of the level the memo reports
        sides = {_passing(a.level), _passing(a.level_reported)}
        if {a.level, a.level_reported} <= set(LETTER_LEVELS) or sides == {True, False}:
            out.append(("score", f"{a.score}",
                        f"คะแนนนี้อยู่ในระดับ {a.level} แต่บันทึกรายงานระดับ {a.level_reported}"))
    return out


def _passing(level: str) -> bool | None:
    """Whether ``level`` is one of 85 and above (AA, A, ผ่าน…), of below (B-F, ต้องปรับปรุง…), or neither."""
    if level in ("AA", "A") or level.startswith("ผ่าน"):
        return True
    if level in LETTER_LEVELS or level.startswith("ต้องปรับปรุง"):
        return False
    return None


def _finding(doc: Document, memo: ParsedMemo, field: str | None, value: str, d: Doubt) -> Finding:
    message = (f"ค่า {field or 'status'} อ่านจากภาพสแกนได้ไม่แน่ชัด (หน้า {d.page}, อ่านได้ \"{value}\", "
               f"ความมั่นใจ {d.conf:.2f}): ควรตรวจกับต้นฉบับ")
    return Finding("ocr_uncertain", message, f"{doc.source}, page {d.page}", None, None, memo.fiscal_year,
                   f"หน้า {d.page}", d.image, field)
