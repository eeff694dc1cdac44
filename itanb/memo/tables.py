"""Plan and status tables: which column holds what, and the rows they give (joined across page breaks).

Plan tables (มาตรการ | ขั้นตอน… | ผู้รับผิดชอบ | การกำกับติดตาม, columns found by their header words in any order)
and status tables (มาตรการ | ขั้นตอน | three status columns); one table may carry both (``combined``).
Header words and status labels are compared by :func:`itanb.thai.matching_key` (a lost sara am tolerated).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from itanb.memo.context import Context
from itanb.memo.document import Loc, Row, Table
from itanb.memo.owners import split_owners
from itanb.thai import find_thai_dates, fold_sara_am, matching_key, tidy
from itanb.vocabulary import EMPTY_BOXES, STATUS_LABELS, STATUSES

_DASH_ONLY = {"", "-", "–", "—", "−"}
NEAR = 85  # rapidfuzz partial_ratio from which a header word misread on a scan is still that word


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(fold_sara_am(pattern))


_STATUS_WORDS = _words("ดำเนิน|สถานะ|สถานการณ์|เสร็จ|ยังไม่|ระหว่าง|ผลการ")
_DUE_WORDS = _words("กำกับ|ติดตาม|ระยะเวลา|กำหนด|แล้วเสร็จ|ห้วงเวลา|ช่วงเวลา|วันที่|เวลา")
_STEPS_WORDS = _words("ขั้นตอน|วิธี|กิจกรรม|แนวทาง|โครงการ")
_STATUS_LABEL_WORDS = _words("ยังไม่|ระหว่าง|กำลัง|เสร็จ")
_NO_HEADERS = frozenset(fold_sara_am(h) for h in ("ที่", "ลำดับ", "ลำดับที่", "ข้อ", "no", "no."))  # keys


@dataclass
class Layout:
    kind: str  # "plan" | "status" | "combined"
    ncols: int
    measure: int
    steps: int | None = None
    owners: int | None = None
    due: int | None = None
    status: tuple[int, int, int] | None = None  # columns of not_started, in_progress, done


@dataclass
class PlanRow:
    measure: str
    steps: str
    owners: list[str]
    due: dt.date | None
    due_text: str
    loc: Loc
    marks: tuple[str, ...] = ()  # combined tables only
    last_page: int | None = None  # where a row broken over pages ends (its rest's page)


@dataclass
class StatusRow:
    measure: str
    steps: str
    marks: tuple[str, ...]  # statuses with a mark
    loc: Loc
    last_page: int | None = None  # where a row broken over pages ends (its rest's page)


def _near(word: str, text: str) -> bool:
    """``word`` in ``text``, or a near copy of it (one letter in nine misread: ผู้รับผิดขอบ on a scan)."""
    from rapidfuzz import fuzz

    return word in text or (len(text) >= len(word) - 1 and fuzz.partial_ratio(word, text) >= NEAR)


def column_kind(header: str) -> str:
    h = matching_key(header)
    if not h:
        return ""
    if _near("รับผิดชอบ", h):
        return "owners"
    if h.startswith("มาตรการ"):
        return "measure"
    if _STEPS_WORDS.search(h):
        return "steps"
    if "มาตรการ" in h or "ประเด็น" in h:
        return "measure"
    if (_DUE_WORDS.search(h) or _near(fold_sara_am("กำกับติดตาม"), h)) and not _STATUS_LABEL_WORDS.search(h):
        return "due"
    if h in _NO_HEADERS:
        return "no"
    if "หมายเหตุ" in h:
        return "remark"
    if _STATUS_WORDS.search(h):
        return "status"
    return "other"


def status_label(label: str) -> str | None:
    h = matching_key(label)
    if "ยังไม่" in h:
        return "not_started"
    if "ระหว่าง" in h or "กาลัง" in h:
        return "in_progress"
    if "เสร็จ" in h or h.endswith("แล้ว"):
        return "done"
    return None


def _statusish(text: str) -> bool:
    return bool(_STATUS_WORDS.search(fold_sara_am(text)))


def layout(ctx: Context, table: Table) -> tuple[Layout | None, int]:
    """The table's layout and how many header rows it has; (None, 0) when the first row is no header."""
    head = table.rows[0].cells
    kinds = [column_kind(c) for c in head]
    if "measure" not in kinds and "steps" not in kinds:
        return None, 0
    ncols = len(head)
    col = {k: kinds.index(k) for k in ("measure", "steps", "owners", "due") if k in kinds}
    if "measure" not in col:  # "ขั้นตอน…" first, name column unlabeled: take the first text column
        col["measure"] = 0 if col["steps"] != 0 else 1
    text_cols = [i for i, k in enumerate(kinds) if k in ("measure", "steps", "owners", "due", "no")]
    text_cols.append(col["measure"])
    trailing = [i for i in range(max(text_cols) + 1, ncols) if kinds[i] != "remark"]
    header_rows = 1
    labels = [head[i] for i in trailing]
    if len(table.rows) > 1 and trailing:
        second = table.rows[1].cells
        second += [""] * (ncols - len(second))
        if not any(second[i] for i in text_cols) and any(_statusish(second[i]) for i in trailing):
            header_rows = 2
            labels = [second[i] or head[i] for i in trailing]
    statusish = any(_statusish(lab) for lab in labels) or any(kinds[i] == "status" for i in trailing)
    found = Layout("plan", ncols, col["measure"], col.get("steps"), col.get("owners"), col.get("due"))
    if "owners" in col:
        if len(trailing) >= 3 and statusish:
            found.kind = "combined"
            found.status = _status_columns(ctx, trailing[-3:], labels[-3:], table.rows[header_rows - 1])
        return found, header_rows
    if not statusish:
        return None, 0
    if len(trailing) < 3:
        raise ctx.fail(
            f"status table has {len(trailing)} status column(s); expected 3 "
            f"(ยังไม่ดำเนินงาน | อยู่ระหว่างดำเนินงาน | ดำเนินงานเสร็จแล้ว)", table.loc)
    found.kind = "status"
    found.status = _status_columns(ctx, trailing[-3:], labels[-3:], table.rows[header_rows - 1])
    return found, header_rows


def _status_columns(ctx: Context, cols: list[int], labels: list[str], label_row: Row) -> tuple[int, int, int]:
    found = [status_label(lab) for lab in labels]
    if found == list(STATUSES):
        return cols[0], cols[1], cols[2]
    if sorted(filter(None, found)) == sorted(STATUSES):  # the three right labels in another order
        return tuple(cols[found.index(s)] for s in STATUSES)  # type: ignore[return-value]
    shown = " | ".join(tidy(lab) or "(ว่าง)" for lab in labels)
    ctx.note("status_header_repaired",
             f"หัวคอลัมน์สถานะไม่ถูกต้อง ({shown}): ใช้ตำแหน่งคอลัมน์แทน "
             f"({' | '.join(STATUS_LABELS[s] for s in STATUSES)})", label_row.loc)
    return cols[0], cols[1], cols[2]


def read_tables(ctx: Context) -> tuple[list[PlanRow], list[StatusRow]]:
    """The plan rows and status rows of every measure table, in document order."""
    plan: list[PlanRow] = []
    status: list[StatusRow] = []
    last: Layout | None = None
    for t in ctx.doc.tables:
        if not t.rows:
            continue
        found, skip = layout(ctx, t)
        if found is None:
            if last is not None and len(t.rows[0].cells) == last.ncols:
                found, skip = last, 0  # a page-break continuation without its header
            else:
                continue
        rows = t.rows[skip:]
        if not rows and ctx.is_last(t):
            raise ctx.fail("truncated memo: the last table has a header and no rows", t.loc)
        last = found
        ctx.combined = ctx.combined or found.kind == "combined"
        for row in rows:
            cells = _align(row.cells, found)
            if _header_again(cells, found):
                continue
            if found.kind == "status":
                _status_row(cells, row.loc, found, status)
            else:
                _plan_row(ctx, cells, row.loc, found, plan)
    if not plan and not status:
        raise ctx.fail("no measure tables (มาตรการ | ขั้นตอน… | ผู้รับผิดชอบ | การกำกับติดตาม, or a status "
                       "table): the memo is truncated or is not a measures report")
    return plan, status


def _header_again(cells: list[str], found: Layout) -> bool:
    """A row that repeats the table's header inside it (a table continued after a page break or a blank
    line, read as one): the column names again, or the status columns' labels (or their ends) under an
    empty name."""
    measure = matching_key(cells[found.measure])
    steps = matching_key(cells[found.steps]) if found.steps is not None else ""
    if measure.startswith("มาตรการ") and len(measure) <= 12:
        return found.steps is None or (column_kind(steps) == "steps" and len(steps) <= 40)
    if measure or (steps and column_kind(steps) != "steps") or found.status is None:
        return False  # (a header broken over a page leaves its steps column's last words with the labels)
    # the labels again, or the rest of them a page break cut off (ยังไม่ดำเนิน | งาน): words in every status
    # cell, where a row has a mark in one
    return all(status_label(cells[c]) is not None or len(matching_key(cells[c])) >= 3 for c in found.status)


def _plan_row(ctx: Context, cells: list[str], loc: Loc, found: Layout, out: list[PlanRow]) -> None:
    measure = tidy(cells[found.measure])
    steps = tidy(cells[found.steps]) if found.steps is not None else ""
    owners_cell = cells[found.owners] if found.owners is not None else ""
    due_text = tidy(cells[found.due]) if found.due is not None else ""
    marks = _marks(cells, found.status) if found.status else ()
    if _rest_of_row(loc, out) and out[-1].due_text and not marks and measure + steps and (
            not due_text or _due_rest(out[-1], due_text)):
        prev = out[-1]  # the first part on the page before has the deadline (or its start); this part none
        prev.measure, prev.steps = _joined(prev.measure, measure), _joined(prev.steps, steps)
        prev.last_page = loc.page
        prev.owners = [*prev.owners, *split_owners(owners_cell)]
        if due_text:
            prev.due_text = f"{prev.due_text} {due_text}"
            prev.due = find_thai_dates(prev.due_text)[-1].date
        return
    if not measure:
        if not (steps or owners_cell.strip() or due_text or marks):
            return
        if out and not (owners_cell.strip() or due_text or marks):
            out[-1].steps = f"{out[-1].steps} {steps}".strip()
            return
        measure = out[-1].measure if out else ""
    due = None
    dates = find_thai_dates(due_text) if due_text else []
    if dates:
        due = dates[-1].date
        if dates[-1].ce:
            ctx.note("ce_year", f"ปีในกำหนดเวลา ({due_text}) เป็น ค.ศ. แปลงเป็น พ.ศ. แล้ว", loc)
    out.append(PlanRow(measure, steps, split_owners(owners_cell), due, due_text, loc, marks))


def _due_rest(prev: PlanRow, due_text: str) -> bool:
    """``due_text`` ends the deadline the row before began (๓๐ มิถุนายน | ๒๕๖๖, the cell broken over a
    page): that one is no date alone, the two together are."""
    return (prev.due is None and any(ch.isdigit() for ch in prev.due_text) and not find_thai_dates(due_text)
            and bool(find_thai_dates(f"{prev.due_text} {due_text}")))


def _status_row(cells: list[str], loc: Loc, found: Layout, out: list[StatusRow]) -> None:
    measure = tidy(cells[found.measure])
    steps = tidy(cells[found.steps]) if found.steps is not None else ""
    marks = _marks(cells, found.status)
    if _rest_of_row(loc, out) and out[-1].marks and not marks and measure + steps:
        prev = out[-1]  # the first part on the page before has the mark; this part has none
        prev.measure, prev.steps = _joined(prev.measure, measure), _joined(prev.steps, steps)
        prev.last_page = loc.page
        return
    if not measure:
        if not (steps or marks):
            return
        if out and not marks:
            out[-1].steps = f"{out[-1].steps} {steps}".strip()
            return
        measure = out[-1].measure if out else ""
    out.append(StatusRow(measure, steps, marks, loc))


def _rest_of_row(loc: Loc, out: list) -> bool:
    """The first row of a table's part on a new page (PDF): it may be the rest of the row before it, which
    Word and LibreOffice break over the page when it does not fit (what the callers check: the first part
    has the deadline or the status mark, this part has none). Only one: the row after a rest on that page is
    a row of its own, marked or not."""
    before = (out[-1].last_page or out[-1].loc.page) if out else None
    return loc.page is not None and before is not None and loc.page != before


def _joined(first: str, rest: str) -> str:
    """A cell's text broken over a page, joined: nothing between two Thai characters (Thai wraps between
    words without a space), else a space."""
    if not first or not rest:
        return first or rest
    thai = "\u0e01" <= first[-1] <= "\u0e5b" and "\u0e01" <= rest[0] <= "\u0e5b"
    return first + rest if thai else f"{first} {rest}"


def _align(cells: list[str], found: Layout) -> list[str]:
    """Cells padded or trimmed to the header's width; a stray '|' inside a text cell is merged back."""
    n = found.ncols
    if len(cells) == n:
        return cells
    if len(cells) < n:
        return cells + [""] * (n - len(cells))
    extra = len(cells) - n
    if not any(cells[n:]):
        return cells[:n]
    at = found.steps if found.steps is not None else found.measure
    return [*cells[:at], " | ".join(cells[at: at + extra + 1]), *cells[at + extra + 1:]]


def _marks(cells: list[str], cols: tuple[int, int, int] | None) -> tuple[str, ...]:
    if cols is None:
        return ()
    return tuple(s for s, c in zip(STATUSES, cols, strict=True)
                 if tidy(cells[c]) not in _DASH_ONLY and tidy(cells[c]) not in EMPTY_BOXES)
