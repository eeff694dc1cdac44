"""Where a report's facts come from, for a Thai reader: a published score's source described in Thai (the
citation as recorded kept beside it), and the district a report uses when the memo names two."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from itanb.paths import PACKAGE_DATA, stamp
from itanb.views.context import Context
from itanb.views.format import is_missing

SOURCE_LABEL = "ที่มาของคะแนน"
SOURCE_SITES = PACKAGE_DATA / "source_sites.csv"  # published pages and sites, described in Thai


def assessment_source(ctx: Context, fiscal_year: int) -> str:
    """The citation recorded with the agency's assessment of ``fiscal_year`` (a page, or a memo's file:line);
    "" without one."""
    a = ctx.tables.assessments
    src = a.loc[(a["agency_id"] == ctx.agency_id) & (a["fiscal_year"] == fiscal_year), "source"]
    return str(src.iloc[0]) if len(src) else ""


_MEMO_CHOICE = re.compile(r"; ใช้ อำเภอ\s*(\S+) ซึ่งพบบ่อยที่สุด$")  # a memo's location_conflict (memo.header)


def district_used(ctx: Context, message: str) -> str:
    """A memo's ``location_conflict`` message, its choice (the district the memo names most often) replaced
    by the district this report uses when they differ, and why: pinned in the raw folder's
    ``agencies.csv`` (with that row's reference), or as ingested."""
    from itanb.agencies import place_key

    found, district = _MEMO_CHOICE.search(message), ctx.agency.get("district")
    if found is None or is_missing(district) or place_key(found.group(1)) == place_key(str(district)):
        return message
    why = "ตามข้อมูลหน่วยงานที่นำเข้า"
    pinned = _pinned_row(Path(ctx.raw_dir) / "agencies.csv", ctx.agency_id)
    if pinned is not None and place_key(pinned.get("district") or "") == place_key(str(district)):
        url = re.search(r"https?://\S+", pinned.get("source") or "")
        why = "ตามที่กำหนดไว้ในไฟล์ agencies.csv ของข้อมูลนำเข้า" + (f" (อ้างอิง {url.group(0)})" if url else "")
    return f"{message[:found.start()]}; รายงานนี้ใช้ อำเภอ{district} {why}"


def _pinned_row(path: Path, agency_id: str) -> dict | None:
    """The row of ``agency_id`` in an ``agencies.csv`` (None: no file, no row, or not readable)."""
    import csv

    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return next((row for row in csv.DictReader(fh) if row.get("agency_id") == agency_id), None)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


@lru_cache(maxsize=4)
def _source_sites(key: tuple) -> tuple[tuple[str, str], ...]:
    frame = pd.read_csv(key[0], dtype=str, keep_default_na=False)
    return tuple(sorted(zip(frame["url"], frame["description"], strict=True), key=lambda r: -len(r[0])))


def score_source(ctx: Context, fiscal_year: int) -> tuple[str, str] | None:
    """(Thai description, citation as recorded) of the agency's published score of ``fiscal_year``: the
    description of the longest ``url`` of ``itanb/data/source_sites.csv`` the citation starts with (a page,
    else its site), else ``เผยแพร่ที่ <host>``; None for a score that is not a published page's (a memo's)."""
    citation = assessment_source(ctx, fiscal_year)
    if not citation.startswith("https://"):
        return None
    for url, description in _source_sites(stamp(SOURCE_SITES)):
        if citation.startswith(url):
            return description, citation
    return f"เผยแพร่ที่ {citation.split('/')[2]}", citation
