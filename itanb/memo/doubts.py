"""The values of a memo read off a scan that a person should confirm: ``ocr_uncertain`` findings.

A value is doubtful when a word it was read from is one of the document's doubts (:class:`~itanb.memo.
document.Doubt`, words the image reader read below its confidence): the memo date, the measures' and the
assessed fiscal years, the score, the reported level, each measure's deadline and status mark. Each finding
names the field, the page and the value read; ``places`` the page, ``image`` the small picture of where it
was read (a ``data:`` URI), which the fiscal-year report shows beside it.
"""

from __future__ import annotations

from itanb.findings import Finding
from itanb.memo.document import Document, Doubt
from itanb.memo.result import ParsedMemo
from itanb.thai import to_arabic_digits, to_thai_digits


def _hits(doubts: list[Doubt], value: str) -> list[Doubt]:
    """The doubts whose text is part of ``value`` (in either digits)."""
    forms = {value, to_arabic_digits(value), to_thai_digits(value)}
    return [d for d in doubts if d.text.strip() and any(d.text in f or to_arabic_digits(d.text) in f
                                                        for f in forms)]


def _fields(memo: ParsedMemo, header: dict[str, str]) -> list[tuple[str, str]]:
    """(field, the text it was read from) of every value worth confirming."""
    out = [("memo_date", header.get("date", "")), ("fiscal_year", header.get("เรื่อง", ""))]
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
    if not doc.doubts:
        return []
    out = []
    marks = [d for d in doc.doubts if d.text == "✓"]
    words = [d for d in doc.doubts if d.text != "✓"]
    for field, text in _fields(memo, header):
        for d in _hits(words, text)[:1]:
            out.append(_finding(doc, memo, field, text, d))
    for d in marks:
        out.append(_finding(doc, memo, "status", "✓", d))
    return out


def _finding(doc: Document, memo: ParsedMemo, field: str, value: str, d: Doubt) -> Finding:
    message = (f"ค่า {field} อ่านจากภาพสแกนได้ไม่แน่ชัด (หน้า {d.page}, อ่านได้ \"{value}\", "
               f"ความมั่นใจ {d.conf:.2f}): ควรตรวจกับต้นฉบับ")
    return Finding("ocr_uncertain", message, f"{doc.source}, page {d.page}", None, None, memo.fiscal_year,
                   f"หน้า {d.page}", d.image)
