"""The memo's header (ส่วนราชการ, วันที่, เรื่อง), its agency and its place (อำเภอ, จังหวัด)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import NamedTuple

from itanb.memo.context import Context
from itanb.memo.document import Loc, thai_many
from itanb.thai import find_thai_dates, normalize_for_matching, tidy, to_arabic_digits, year_to_be
from itanb.vocabulary import ORGANISATION_SPELLINGS

_THAI = "\u0e01-\u0e4e"
_HEADER_STRIP = "#*>_ \t"
_AM = "[ำา]"  # sara am, or sara aa where a copy out of a PDF lost the nikhahit (ตาบล for ตำบล)

_ORG_TYPES = ORGANISATION_SPELLINGS
_ORG_KEYS = {k.replace("ำ", "า"): v for k, v in _ORG_TYPES.items()}
_ORG_RE = re.compile(
    "(" + "|".join(re.escape(k).replace("ำ", _AM) for k in sorted(_ORG_TYPES, key=len, reverse=True))
    + r")[ \t]?([" + _THAI + "]+)|(เมืองพัทยา|กรุงเทพมหานคร)"
)
# words that follow "จังหวัด", "อำเภอ" or a spaced "องค์การบริหารส่วนตำบล" in running text, never a name
_NAME_STOP = ("ปฏิบัติ", "ทุก", "ใน", "ของ", "และ", "ที่", "เพื่อ", "ได้", "จึง", "ซึ่ง", "นี้", "ดังกล่าว", "ต่าง",
              "นั้น", "เดียวกัน", "แห่ง", "อื่น", "เป็น", "โดย", "ให้")
_PLACE_CUT = re.compile(f"อ{_AM}เภอ|จังหวัด|ต{_AM}บล")
# words that end a place's name where no space does (a scan's space lost: จังหวัดขอนแก่นมีค่าคะแนน); none is in
# the name of a province or district
_PLACE_END = re.compile(f"มีค่าคะแนน|มีคะแนน|ได้คะแนน|ได้รับ|ซึ่ง|จึง|โดย|และ|ประจ{_AM}ปี")
DISTRICT_RE = re.compile(f"(?:อ{_AM}เภอ|(?<![{_THAI}])อ\\.)[ \\t]?([{_THAI}]{{2,}})")
PROVINCE_RE = re.compile(f"(?:จังหวัด|(?<![{_THAI}])จ\\.)[ \\t]?([{_THAI}]{{2,}})")
YEAR_RE = re.compile(r"(?:ปีงบประมาณ|ประจ[ำา]ปี)\s*(?:พ\.\s?ศ\.?)?\s*(\d{4}|\d{2})(?!\d)")


class Header(NamedTuple):
    keys: dict[str, tuple[str, Loc | None]]  # ส่วนราชการ / เรื่อง / เรียน / date -> (value, where)
    date: dt.date | None
    subject_fy: int | None


def read_header(ctx: Context) -> Header:
    """The header lines before the first table; raises InputError when there is neither heading nor header."""
    heading = False
    keys: dict[str, tuple[str, Loc | None]] = {}
    date: dt.date | None = None
    for n in range(min(ctx.first_table, len(ctx.lines))):
        s = ctx.lines[n].strip().lstrip(_HEADER_STRIP)
        if not s:
            continue
        if "บันทึกข้อความ" in s and n < 40:
            heading = True
            continue
        for key in ("ส่วนราชการ", "เรื่อง", "เรียน"):
            if s.startswith(key) and key not in keys:
                keys[key] = (tidy(s[len(key):]).strip(" .:*"), ctx.locs[n])
        if date is None:
            date = _header_date(ctx, s, n, keys)
    if not heading and len(keys) < 2:
        raise ctx.fail("not a memo: no 'บันทึกข้อความ' heading and no header lines (ส่วนราชการ / วันที่ / เรื่อง)")
    return Header(keys, date, _subject_year(ctx, keys))


def _header_date(ctx: Context, s: str, n: int, keys: dict) -> dt.date | None:
    at = s.find("วันที่")
    if at < 0 or not (at <= 40 or s.startswith("ที่")):  # a header, not the body
        return None
    dates = find_thai_dates(s[at:])
    if not dates or dates[0].start > 12:
        return None
    keys.setdefault("date", (s, ctx.locs[n]))
    if dates[0].ce:
        ctx.note("ce_year", f"ปีในวันที่ของบันทึก ({tidy(s)}) เป็น ค.ศ. แปลงเป็น พ.ศ. แล้ว", ctx.locs[n])
    return dates[0].date


def _subject_year(ctx: Context, keys: dict) -> int | None:
    if "เรื่อง" not in keys:
        return None
    subject, loc = keys["เรื่อง"]
    m = YEAR_RE.search(to_arabic_digits(subject))
    if not m:
        return None
    fy, ce = year_to_be(m.group(1))
    if ce:
        ctx.note("ce_year", f"ปีในเรื่องของบันทึก ({m.group(1)}) เป็น ค.ศ. แปลงเป็น พ.ศ. {fy}", loc)
    return fy


def org_names(text: str) -> list[tuple[str, int]]:
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
        found.append((_ORG_KEYS[m.group(1).replace("ำ", "า")] + name, m.start()))
    return found


def agency(ctx: Context, header: Header) -> str:
    unit = header.keys.get("ส่วนราชการ")
    if unit:
        name = org_names(unit[0])
        if name:
            return name[0][0]
    counts = Counter(name for name, _ in org_names(ctx.prose))
    if counts:
        return counts.most_common(1)[0][0]  # most frequent; ties keep the first mention
    if unit and unit[0]:
        # "สำนักปลัด หน่วยงานX": the unit comes first, the organisation after it
        parts = unit[0].split(maxsplit=1)
        if len(parts) == 2 and parts[0].startswith(("สำนักปลัด", "กอง", "งาน", "ฝ่าย", "ส่วน")):
            if parts[0].startswith("สำนักปลัด") and len(parts[0]) > len("สำนักปลัด"):
                return unit[0][len("สำนักปลัด"):]  # the space after the unit lost (a scan)
            return parts[1]
        return unit[0]
    raise ctx.fail("no agency name: no ส่วนราชการ line and no องค์การบริหารส่วน…/เทศบาล… in the memo")


def place(ctx: Context, pattern: re.Pattern[str], word: str) -> str | None:
    """The district (or province) the memo names most often; a ``location_conflict`` when it names several."""
    mentions: list[tuple[str, str, Loc | None]] = []  # key, display, where
    for m in pattern.finditer(ctx.prose):
        name = m.group(1)
        for stop in (_PLACE_CUT, _PLACE_END):
            cut = stop.search(name, 2)
            if cut:
                name = name[: cut.start()]
        if len(name) < 2 or name.startswith(_NAME_STOP):
            continue
        mentions.append((normalize_for_matching(name), name, ctx.loc_of(m.start())))
    if not mentions:
        return None
    counts = Counter(key for key, _, _ in mentions)
    best = max(counts.values())
    chosen = next(key for key, _, _ in mentions if counts[key] == best)
    display = {key: name for key, name, _ in reversed(mentions)}  # first spelling of each
    if len(counts) > 1:
        listed = " และ ".join(f"{word}{display[key]}" for key in counts)
        places = "; ".join(
            f"{word}{display[key]}: {thai_many(loc for k, _, loc in mentions if k == key and loc)}"
            for key in counts
        )
        other = next(loc for key, _, loc in mentions if key != chosen)
        ctx.note("location_conflict",
                 f"บันทึกระบุ{word}ไม่ตรงกัน: {listed}; ใช้ {word}{display[chosen]} ซึ่งพบบ่อยที่สุด", other,
                 places=places)
    return display[chosen]
