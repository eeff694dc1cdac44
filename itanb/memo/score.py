"""The score paragraph: the assessed fiscal year, the ITA score, the level reported and the level it has."""

from __future__ import annotations

import re

from itanb import grading
from itanb.errors import InputError
from itanb.memo.context import Context
from itanb.memo.header import YEAR_RE
from itanb.memo.result import Assessment
from itanb.thai import year_to_be
from itanb.vocabulary import BE_MAX, BE_MIN

_SCORE_RES = (
    re.compile(r"คะแนน([^\d|]{0,60}?)(\d+(?:\.\d+)?)\s*คะแนน"),
    re.compile(r"คะแนน(?:รวม|เฉลี่ย|ที่ได้|ITA)?\s*(เท่ากับ|ได้|คือ|=|:)\s*(\d+(?:\.\d+)?)"),
    re.compile(r"(ได้)\s*(\d{1,3}\.\d{1,2})\s*คะแนน"),
)
_LEVEL_WORDS = ("ผ่านดีเยี่ยม", "ผ่านดี", "ไม่ผ่าน", "ผ่าน", "ต้องปรับปรุงโดยด่วน", "ต้องปรับปรุง", "สูงมาก", "สูง",
                "ปานกลาง", "ต่ำมาก", "ต่ำ")
_LEVEL_RE = re.compile(
    r"ระดับ\s*(?:คะแนน\s*)?[\"'“”‘’(]?\s*(?:(AA|A|B|C|D|E|F)(?![A-Za-z])|("
    + "|".join(_LEVEL_WORDS) + r")(?!(?!และ)[ก-ฮเ-ไ]))"  # a level word whole: ผ่านดี is not ผ่านดีเยยม read ill
)


def _find_score(text: str) -> re.Match[str] | None:
    for pattern in _SCORE_RES:
        for m in pattern.finditer(text):
            if "เต็ม" not in m.group(1):  # "คะแนนเต็ม 100 คะแนน" is the scale, not the score
                return m
    return None


def assessment(ctx: Context, measures_fy: int | None) -> Assessment | None:
    """The assessment the score paragraph cites, None (and ``no_assessment``) when it cites none."""
    text = ctx.prose_arabic
    found = _find_score(text)
    if found is None:
        ctx.note("no_assessment", "บันทึกไม่ระบุคะแนนการประเมิน ITA", None)
        return None
    loc = ctx.loc_of(found.start(2))
    raw = ctx.prose[found.start(2): found.end(2)]
    try:
        score = grading.to_score(found.group(2))
    except InputError:
        if ctx.doc.scanned:  # a dot OCR lost (๗๔๘๓ for ๗๔.๘๓): no score, and a person should look
            ctx.note("ocr_uncertain", f"ค่า score อ่านจากภาพสแกนได้ \"{raw}\" ซึ่งไม่อยู่ในช่วง 0–100: ไม่ใช้คะแนนนี้ "
                     "ควรตรวจกับต้นฉบับ", loc, field="score")
            return None
        raise ctx.fail(f"score {raw} คะแนน is outside 0–100", loc) from None
    para_start = text.rfind("\n\n", 0, found.start()) + 1
    para_end = text.find("\n\n", found.end())
    para_end = len(text) if para_end < 0 else para_end
    fy = _assessed_year(ctx, found, para_start, para_end, measures_fy)
    if fy is None:
        raise ctx.fail("the score paragraph names no fiscal year and the memo has no date", loc)
    level_m = _LEVEL_RE.search(text, found.end(), para_end)
    # the sentence may go on in the next paragraph: a scan's line cut, or a page break (อยู่ใน | ระดับ ผ่าน)
    going_on = para_end < len(text) and (ctx.doc.scanned or _over_page(ctx, para_end + 1) <= para_end)
    if level_m is None and going_on:
        after = text.find("\n\n", para_end + 2)
        level_m = _LEVEL_RE.search(text, found.end(), len(text) if after < 0 else after)
    if level_m is None:
        earlier = list(_LEVEL_RE.finditer(text, para_start, found.start()))
        level_m = earlier[-1] if earlier else None
    level_reported = (level_m.group(1) or level_m.group(2)) if level_m else None
    g = grading.grade(fy, score)
    if not g.possible:
        ctx.note("unknown_level_scheme", f"คำนวณระดับของปีงบประมาณ {fy} ไม่ได้: {g.reason}", loc, fy)
    elif grading.contradicts(fy, g.possible, level_reported):
        ctx.note("level_mismatch", grading.level_mismatch_message(fy, score, level_reported, g.shown),
                 loc, fy)
    return Assessment(fy, score, level_reported, g.level, loc.line if loc else None, loc)


def _assessed_year(ctx: Context, found: re.Match[str], para_start: int, para_end: int,
                   measures_fy: int | None) -> int | None:
    """The year named in the score's paragraph before it, else just after it, else anywhere before it."""
    text = ctx.prose_arabic
    years = list(YEAR_RE.finditer(text, 0, para_end))
    para_start = _over_page(ctx, para_start)
    before = [m for m in years if m.start() < found.start() and m.start() >= para_start]
    if not before and ctx.doc.scanned and para_start > 2:
        # a scan's paragraph may be cut at any line that ends short: the line before is the same sentence
        earlier = text.rfind("\n\n", 0, para_start - 2) + 1
        before = [m for m in years if earlier <= m.start() < found.start()]
    after = [m for m in years if m.start() > found.start()]
    anywhere_before = [m for m in years if m.start() < found.start()]
    year_match = (before or after[:1] or anywhere_before or [None])[-1]
    if year_match is None:
        return measures_fy - 1 if measures_fy is not None else None
    fy, ce = year_to_be(year_match.group(1))
    if ctx.doc.scanned and measures_fy is not None and not BE_MIN <= fy <= BE_MAX:
        # a year misread off a scan (5566): the year before the measures', and a person should look
        ctx.note("ocr_uncertain", f"ค่า assessed_fiscal_year อ่านจากภาพสแกนได้ \"{year_match.group(1)}\" ซึ่ง"
                 f"ไม่อยู่ในช่วงปี พ.ศ. {BE_MIN}–{BE_MAX}: ใช้ปีก่อนปีของมาตรการ ({measures_fy - 1}) "
                 "ควรตรวจกับต้นฉบับ", ctx.loc_of(year_match.start()), field="assessed_fiscal_year")
        return measures_fy - 1
    if ce:
        ctx.note("ce_year", f"ปีงบประมาณที่ประเมิน ({year_match.group(1)}) เป็น ค.ศ. แปลงเป็น พ.ศ. {fy}",
                 ctx.loc_of(year_match.start()))
    return fy


def _over_page(ctx: Context, para_start: int) -> int:
    """Where the paragraph starting at ``para_start`` begins when it is the rest of one the page before broke
    (a PDF's paragraph at the top of a page, after one at the end of the page before): that one's start."""
    if para_start < 3:
        return para_start
    here, before = ctx.loc_of(para_start + 1), ctx.loc_of(para_start - 3)
    if here is None or before is None or None in (here.page, before.page) or here.page == before.page:
        return para_start
    return ctx.prose_arabic.rfind("\n\n", 0, para_start - 2) + 1
