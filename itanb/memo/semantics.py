"""One memo's meaning, read off its :class:`~itanb.memo.document.Document`, whatever format it came in.

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
- A row whose measure cell is empty continues the row above (a measure spilling over a page or a row break,
  or a measure cell merged downwards in Word); a table without a header row continues the previous table
  when it has as many columns.
- One table may carry both the plan and the status columns; its rows need no matching (similarity None).
  Without any status table every measure has status None and one ``unmatched_plan_row`` finding says so.
- Findings carry the measures' fiscal year, except those about the assessment (``level_mismatch``,
  ``unknown_level_scheme``), which carry the assessed year. ``agency_id`` is left to ``agencies.py``.
- Matching (agency kind, column headers, status labels, plan vs status names) tolerates a lost sara am
  (``ตาบล`` for ตำบล, as copies out of PDFs have it); display text gets the sara am back only in the known
  words of :data:`itanb.thai.LOST_SARA_AM_WORDS` (:mod:`~itanb.memo.read`), else keeps what the memo says.
"""

from __future__ import annotations

from itanb.memo import header as hdr
from itanb.memo.context import Context
from itanb.memo.document import Document
from itanb.memo.doubts import doubtful, uncertain
from itanb.memo.measures import measures
from itanb.memo.result import ParsedMemo
from itanb.memo.score import assessment
from itanb.memo.tables import read_tables
from itanb.thai import fiscal_year


def interpret(doc: Document) -> ParsedMemo:
    """The memo ``doc`` holds. Raises InputError for a document that is not a memo, is truncated, has no
    measure tables, a status table without three status columns, or a score outside 0–100."""
    ctx = Context(doc)
    header = hdr.read_header(ctx)
    plan_rows, status_rows = read_tables(ctx)
    measures_fy = header.subject_fy or (fiscal_year(header.date) if header.date else None)
    found = assessment(ctx, measures_fy)
    if measures_fy is None:
        if found is None:
            raise ctx.fail("cannot tell the fiscal year of the measures: no memo date (วันที่), no year in "
                           "the subject (เรื่อง) and no assessed year")
        measures_fy = found.fiscal_year + 1
    agency = hdr.agency(ctx, header)
    district = hdr.place(ctx, hdr.DISTRICT_RE, "อำเภอ")
    province = hdr.place(ctx, hdr.PROVINCE_RE, "จังหวัด")
    rows = measures(ctx, plan_rows, status_rows)
    memo = ParsedMemo(doc.source, agency, district, province, header.date, measures_fy, found, rows,
                      ctx.findings(measures_fy), scanned=doc.scanned)
    found, stray_marks = doubtful(doc, memo, header.keys)
    memo.uncertain = {name: d for name, (_, d) in found.items()}
    memo.findings += uncertain(doc, memo, found, stray_marks)
    return memo
