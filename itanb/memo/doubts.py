"""The values of a memo read off a scan that a person should confirm: ``ocr_uncertain`` findings.

A value is doubtful when a word it was read from is one of the document's doubts (:class:`~itanb.memo.
document.Doubt`, words the image reader read below its confidence): the memo date, the measures' and the
assessed fiscal years, the score, the reported level, each measure's deadline and status mark. Each finding
names the field, the page and the value read; ``places`` the page, ``image`` the small picture of where it
was read (a ``data:`` URI), which the fiscal-year report shows beside it. So does a value of a scan that the
memo's other values contradict (cross-checks: the fiscal years against the memo date and each other).
"""

from __future__ import annotations

from itanb.findings import Finding
from itanb.memo.document import Document, Doubt
from itanb.memo.result import ParsedMemo
from itanb.thai import fiscal_year, to_arabic_digits, to_thai_digits
from itanb.vocabulary import BE_MAX, BE_MIN


def _hits(doubts: list[Doubt], value: str) -> list[Doubt]:
    """The doubts whose text is part of ``value`` (in either digits)."""
    forms = {value, to_arabic_digits(value), to_thai_digits(value)}
    return [d for d in doubts if d.text.strip() and any(d.text in f or to_arabic_digits(d.text) in f
                                                        for f in forms)]


def _fields(memo: ParsedMemo, header: dict[str, str]) -> list[tuple[str, str]]:
    """(field, the text it was read from) of every value worth confirming."""
    # the measures' fiscal year is the subject's, else the memo date's
    out = [("memo_date", header.get("date", "")),
           ("fiscal_year", header.get("เรื่อง", "") + " " + header.get("date", ""))]
    if memo.assessment is not None:
        a = memo.assessment
        out += [("score", f"{a.score}"), ("assessed_fiscal_year", str(a.fiscal_year)),
                ("level_reported", a.level_reported or "")]
    for m in memo.measures:
        out.append((f"measures[{m.no}].due", m.due_text))
    return out


def uncertain(doc: Document, memo: ParsedMemo, header: dict[str, str]) -> list[Finding]:
    """``ocr_uncertain`` findings for the memo's values read from doubtful words (none for a memo with a
    text layer). ``header``: the header lines' text by key (``date``, ``เรื่อง``)."""
    if not doc.scanned:
        return []
    out = []
    marks = [d for d in doc.doubts if d.text == "✓"]
    words = [d for d in doc.doubts if d.text != "✓"]
    for field, text in _fields(memo, header):
        for d in _hits(words, text)[:1]:
            out.append(_finding(doc, memo, field, text, d))
    for d in marks:
        out.append(_finding(doc, memo, "status", "✓", d))
    flagged = {f.message.split()[1] for f in out}
    for field, value, why in _disagreements(memo):
        if field not in flagged:
            message = f"ค่า {field} อ่านจากภาพสแกนได้ \"{value}\" แต่{why}: ควรตรวจกับต้นฉบับ"
            out.append(Finding("ocr_uncertain", message, doc.source, None, None, memo.fiscal_year))
    for field in _unread(memo):
        message = f"ค่า {field} อ่านจากภาพสแกนไม่ได้: ควรตรวจกับต้นฉบับ"
        out.append(Finding("ocr_uncertain", message, doc.source, None, None, memo.fiscal_year))
    return out


def _unread(memo: ParsedMemo) -> list[str]:
    """The values a memo has that its scan gave none of: the memo date, the score (a memo without one is
    rare; a scan's is lost to a misread word)."""
    return [field for field, value in (("memo_date", memo.memo_date), ("score", memo.assessment))
            if value is None]


def _disagreements(memo: ParsedMemo) -> list[tuple[str, str, str]]:
    """(field, value, why) of the values the memo's other values contradict: the measures' fiscal year and
    the memo date's (a memo reports the measures of the year it is written in), the assessed year and the
    year before the measures'."""
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
    return out


def _finding(doc: Document, memo: ParsedMemo, field: str, value: str, d: Doubt) -> Finding:
    message = (f"ค่า {field} อ่านจากภาพสแกนได้ไม่แน่ชัด (หน้า {d.page}, อ่านได้ \"{value}\", "
               f"ความมั่นใจ {d.conf:.2f}): ควรตรวจกับต้นฉบับ")
    return Finding("ocr_uncertain", message, f"{doc.source}, page {d.page}", None, None, memo.fiscal_year,
                   f"หน้า {d.page}", d.image)
