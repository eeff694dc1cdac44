"""What Tesseract's Thai model gets wrong in a memo's words, put right where the right word is certain.

- Tone marks it drops on the header and score words (เรือง for เรื่อง, วันที for วันที่, อยูใน for อยู่ใน): a
  whole word of :data:`WORDS` spelt without its marks is given them back.
- A month abbreviation it misreads (กุย. for ก.ย., สี.ค. for ส.ค.) between a day and a year: the abbreviation
  whose consonants it has (the vowel tells ม.ค. from มี.ค. and เม.ย. from มิ.ย.).
- The memo date's label cut short (นที, ันที่) before a day and a month: วันที่.
- A month's full name misread by a letter (two in a long name: ฉันวาคม for ธันวาคม, ค้นยายน for กันยายน)
  after a day: the month it is that near, where no other month is near.

Everything else is left as read; the values these change are still doubts if they were read with too little
confidence (:mod:`~itanb.memo.read_image`).
"""

from __future__ import annotations

import re

from itanb.thai import MONTHS
from itanb.vocabulary import STATUS_LABELS

_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
WORDS = ("เรื่อง", "ที่", "วันที่", "อยู่ใน", "อยู่ในระดับ", "ไม่ผ่าน", "ผ่าน", "ขั้นตอน", "ขั้นตอนหรือวิธีการปฏิบัติ",
         *STATUS_LABELS.values(), "ผู้รับผิดชอบ", "ซึ่ง", "ทั่วไป", "เกี่ยวกับ", "เรื่องร้องเรียน")
_TONES = re.compile("[\u0e48-\u0e4b]")
_BY_BARE = {_TONES.sub("", w): w for w in WORDS}
_DIGIT = "[0-9๐-๙]"
_ABBR = re.compile(f"(?<={_DIGIT})(\\s+)([\u0e01-\u0e4e.](?:[\u0e01-\u0e4e.]| (?=[\u0e01-\u0e4e.])){{1,7}})"
                   f"(?=\\s*{_DIGIT})")
_FULL = "|".join(full for full, _ in MONTHS)
_MONTH_NAME = re.compile(f"(?<={_DIGIT})(\\s*)([\u0e01-\u0e4e]{{5,11}})(?=\\s*{_DIGIT}|\\s*$)")
_DATE_LABEL = re.compile(f"(\\S*ที[\u0e48]?)(\\s*)(?={_DIGIT}{{1,2}}\\s*(?:{_FULL}))")


def _skeleton(text: str) -> str:
    return re.sub(f"[{_MARKS}.เแโใไ]", "", text)


def _month(abbr: str) -> str | None:
    """The month abbreviation ``abbr`` is a misreading of, None when it is none or could be two."""
    bare = _skeleton(abbr)
    found = [a for _, a in MONTHS if _skeleton(a) == bare]
    if len(found) > 1:
        vowel = "ี" if "ี" in abbr else ("เ" if "เ" in abbr else ("ิ" if "ิ" in abbr else ""))
        found = [a for a in found if vowel and vowel in a] or [a for a in found if not set("ีเิ") & set(a)]
    return found[0] if len(found) == 1 else None


def _fix_abbr(m: re.Match[str]) -> str:
    if m.group(2) in {a for _, a in MONTHS}:
        return m.group(0)
    month = _month(m.group(2).replace(" ", ""))
    return m.group(1) + month if month else m.group(0)


def _fix_month_name(m: re.Match[str]) -> str:
    from rapidfuzz.distance import Levenshtein

    word = _TONES.sub("", m.group(2))
    ranked = sorted((Levenshtein.distance(word, _TONES.sub("", full)), full) for full, _ in MONTHS)
    (best, month), (second, _) = ranked[0], ranked[1]
    if best == 0 or best > (2 if len(month) >= 7 else 1) or second <= best:
        return m.group(0)
    apart = "" if m.string[m.end():m.end() + 1] in ("", " ") else " "  # the year after it set apart
    return m.group(1) + month + apart


def _fix_label(m: re.Match[str]) -> str:
    piece = _TONES.sub("", m.group(1))
    if piece != "วันที" and "วันที".endswith(piece[-3:]) and len(piece) <= 5:
        return "วันที่" + (m.group(2) or " ")
    return m.group(0)


def _word(word: str) -> str:
    """A word of :data:`WORDS` without its tone marks given them back; a long one also at the start of a
    word (ขันตอนหรือวิธี)."""
    bare = _TONES.sub("", word)
    if bare in _BY_BARE:
        return _BY_BARE[bare]
    for key, right in _BY_BARE.items():
        if len(key) >= 5 and bare.startswith(key) and not word.startswith(right):
            return right + bare[len(key):]
    return word


def correct(text: str) -> str:
    """``text`` (a paragraph or a cell read by OCR) with the corrections above."""
    if not text:
        return text
    text = " ".join(_word(w) for w in text.split(" "))
    text = _ABBR.sub(_fix_abbr, text)
    text = _MONTH_NAME.sub(_fix_month_name, text)
    return _DATE_LABEL.sub(_fix_label, text)
