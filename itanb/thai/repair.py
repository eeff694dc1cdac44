"""Thai text as PDFs and legacy fonts leave it, repaired for display: :func:`repair_thai`, and
:func:`repair_copied` (that, and a sara am a copy lost given back in the words of
:data:`LOST_SARA_AM_WORDS`)."""

from __future__ import annotations

import re

from itanb.thai.text import compose_sara_am, sara_am_restorer

# Legacy Thai fonts (the TH SarabunPSK generation, after Microsoft's and Apple's Thai fonts) draw shifted tone
# marks and vowels with Private Use Area glyphs U+F700–U+F71A; text copied out of a PDF keeps those codes.
# Each maps back to the standard character it shows (the shift is only where the glyph sits).
PUA_THAI = {
    "\uf700": "\u0e10",  # ฐ without its lower part (before a lower vowel)
    "\uf701": "\u0e34", "\uf702": "\u0e35", "\uf703": "\u0e36", "\uf704": "\u0e37",  # ิ ี ึ ื shifted left
    "\uf705": "\u0e48", "\uf706": "\u0e49", "\uf707": "\u0e4a", "\uf708": "\u0e4b",  # ่ ้ ๊ ๋ low, left
    "\uf709": "\u0e4c",  # ์ low, left
    "\uf70a": "\u0e48", "\uf70b": "\u0e49", "\uf70c": "\u0e4a", "\uf70d": "\u0e4b", "\uf70e": "\u0e4c",  # low
    "\uf70f": "\u0e0d",  # ญ without its lower part
    "\uf710": "\u0e31", "\uf711": "\u0e4d", "\uf712": "\u0e47",  # ั ํ ็ shifted left
    "\uf713": "\u0e48", "\uf714": "\u0e49", "\uf715": "\u0e4a", "\uf716": "\u0e4b",  # ่ ้ ๊ ๋ left
    "\uf717": "\u0e4c",  # ์ left
    "\uf718": "\u0e38", "\uf719": "\u0e39", "\uf71a": "\u0e3a",  # ุ ู ฺ lowered
}
_PUA_TABLE = str.maketrans(PUA_THAI)
_PUA = re.compile("[\uf700-\uf71a]")
# above/below vowels and marks that combine with the consonant before them
_COMBINING = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_TONES = "\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"  # drawn above the vowel marks: they follow them
# a mark after a space, or before its consonant with nothing to sit on (the start, a leading vowel, a non-Thai
# character): PDF text extraction puts a mark drawn left of its consonant before it, often after a space
_SPACED = re.compile(f"[ \t]+([{_COMBINING}]+)([\u0e01-\u0e2e])")
_NO_BASE = f"[^\u0e01-\u0e2e{_COMBINING}\u0e30-\u0e33\u0e45]"  # nothing a mark can sit on
_LEADING = re.compile(f"(^|{_NO_BASE})([{_COMBINING}]+)([\u0e01-\u0e2e])", re.MULTILINE)
_STRAY = re.compile(f"(?:^|{_NO_BASE})[{_COMBINING}]|[ \t][{_COMBINING}]", re.MULTILINE)
# a sara am whose nikhahit glyph a PDF producer mapped to a spacing modifier letter (WeasyPrint/cairo with
# Sarabun: ต U+02F8 า for ตำ)
_NIKHAHIT_STANDIN = re.compile("([\u0e01-\u0e2e\u0e48-\u0e4b])[\u02b0-\u02ff]\u0e32")


def _after_consonant(consonant: str, marks: str) -> str:
    return consonant + "".join(sorted(marks, key=lambda ch: ch in _TONES))  # vowel marks, then tone marks


def repair_thai(text: str) -> str:
    """Display text repaired of what PDFs and legacy fonts do to Thai: Private Use Area codes U+F700–U+F71A
    mapped to the standard characters (:data:`PUA_THAI`), a sara am written as consonant, modifier letter,
    sara aa (``ต˸าบล``), and combining marks detached from their consonant or put before it
    (``ัตว ้ีชวัด ี่ท`` -> ``ตัวชี้วัดที่``; a space before a stray mark goes too) put back after it. Text
    without these defects is returned unchanged."""
    if not text or text.isascii():
        return text
    if _PUA.search(text):
        text = text.translate(_PUA_TABLE)
    if _NIKHAHIT_STANDIN.search(text):
        text = _NIKHAHIT_STANDIN.sub("\\1\u0e33", text)
    if _STRAY.search(text):
        text = _SPACED.sub(lambda m: _after_consonant(m.group(2), m.group(1)), text)
        text = _LEADING.sub(lambda m: m.group(1) + _after_consonant(m.group(3), m.group(2)), text)
    return text


# Words holding a sara am whose spelling without it (the nikhahit lost: สารวจ for สำรวจ, as text copied out
# of a PDF has it) is no Thai word and no part of one, so giving it back is safe; words such as ทำ or นำ,
# whose folded spelling is a word (ทา, นา), are not here.
LOST_SARA_AM_WORDS = (
    "ตำบล", "อำเภอ", "ดำเนิน", "จัดทำ", "สำรวจ", "สำนัก", "กำหนด", "ประจำ", "จำนวน", "สำคัญ", "กำกับ",
    "ตำแหน่ง", "คำสั่ง", "คำนวณ", "นำเสนอ", "สำเร็จ", "ดำรง", "ลำดับ", "สำหรับ", "อำนาจ", "กำจัด", "แนะนำ",
    "สำเนา", "ชำระ", "จำเป็น", "บำรุง", "ผู้นำ", "คำร้อง", "กำลัง", "ตำรวจ", "อำนวย",
)
_restore = sara_am_restorer(LOST_SARA_AM_WORDS)


def repair_copied(text: str) -> str:
    """:func:`repair_thai`, a decomposed sara am composed (nikhahit + sara aa, as OCR gives it), then a sara
    am that a copy lost given back in the words of
    :data:`LOST_SARA_AM_WORDS` (``จัดทา`` -> ``จัดทำ``): what every memo reader's text goes through."""
    return _restore(compose_sara_am(repair_thai(text)))
