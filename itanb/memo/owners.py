"""Owners (ผู้รับผิดชอบ) in one table cell -> their names."""

from __future__ import annotations

import re

from itanb.thai import tidy

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
_WRAP_NEW = re.compile("\u200b(?=" + _OWNER_PREFIX_RE + r"|[0-9๐-๙]{1,2}[.)])")


def split_owners(cell: str) -> list[str]:
    """Owners in one cell, split on ``<br>``, line breaks, commas and "และ" before a unit name.

    A zero-width space (a line break inside a PDF's cell, :mod:`~itanb.memo.read_pdf`) splits where a unit
    name follows it and joins a name that wrapped otherwise. A name broken across lines is rejoined: a
    fragment that is only "กอง" (or another unit word) joins the next (``"กองช่าง กอง<br>การศึกษาฯ"`` ->
    ``["กองช่าง", "กองการศึกษาฯ"]``); a fragment starting with "และ" that is not followed by a unit name
    continues the previous owner.
    """
    if not cell or not cell.strip():
        return []
    owners: list[str] = []
    carry = ""  # a prefix-only fragment waiting for the rest of its name
    # a PDF cell's line break between Thai letters: a new owner where a unit name starts, else a name that
    # wrapped inside its cell ("กองยุทธศาสตร์และงบ" | "ประมาณ")
    cell = _WRAP_NEW.sub("\n", cell).replace("\u200b", "")
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
