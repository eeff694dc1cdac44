"""Status rows matched to plan rows, and the measures they make (statuses, fuzzy and unmatched rows noted)."""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from rapidfuzz import fuzz

from itanb.matching import greedy_pairs
from itanb.memo.context import Context
from itanb.memo.document import Loc
from itanb.memo.result import MATCH_CUTOFF, Measure
from itanb.memo.tables import PlanRow, StatusRow
from itanb.thai import matching_key
from itanb.vocabulary import STATUS_LABELS, STATUSES

SCANNED_STEPS = 0.9  # how much a scanned status row's steps alone count towards matching its plan row


def short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status_of(ctx: Context, marks: tuple[str, ...], loc: Loc, name: str) -> str | None:
    if not marks:
        ctx.note("missing_status", f"มาตรการ \"{short(name)}\" ไม่มีเครื่องหมายในช่องสถานะใดเลย", loc)
        return None
    chosen = max(marks, key=STATUSES.index)
    if len(marks) > 1:
        ctx.note("multiple_status",
                 f"มาตรการ \"{short(name)}\" มีเครื่องหมายหลายช่อง "
                 f"({', '.join(STATUS_LABELS[m] for m in marks)}): ใช้สถานะที่ก้าวหน้าที่สุด "
                 f"{STATUS_LABELS[chosen]}", loc)
    return chosen


class _Matching(NamedTuple):
    status: list[StatusRow]
    status_keys: list[tuple[str, str]]
    plan_keys: list[tuple[str, str]]
    pairs: dict[int, tuple[int, float]]  # plan index -> (status index, similarity)
    combined: bool  # statuses from the plan rows' own marks


def measures(ctx: Context, plan: list[PlanRow], status: list[StatusRow]) -> list[Measure]:
    """The plan rows with the status of their status row, then the status rows no plan row matched."""
    combined = ctx.combined and not status
    plan_keys = [(matching_key(p.measure), matching_key(p.steps)) for p in plan]
    status_keys = [(matching_key(s.measure), matching_key(s.steps)) for s in status]
    pairs = match(plan_keys, status_keys, scanned=ctx.doc.scanned) if plan and status else {}
    matching = _Matching(status, status_keys, plan_keys, pairs, combined)
    out = [_planned(ctx, no, p, matching) for no, p in enumerate(plan, start=1)]
    if plan and not status and not combined:
        ctx.note("unmatched_plan_row", f"ไม่พบตารางผลการดำเนินงาน: มาตรการทั้ง {len(plan)} ข้อไม่มีสถานะ", None)
    if status and not plan:
        ctx.note("unmatched_status_row",
                 f"ไม่พบตารางมาตรการ (ผู้รับผิดชอบ/การกำกับติดตาม): ใช้ {len(status)} แถวจากตาราง"
                 f"ผลการดำเนินงานเป็นมาตรการ", status[0].loc)
    matched = {j for j, _ in pairs.values()}
    for j, s in enumerate(status):
        if j in matched:
            continue
        no = len(out) + 1
        if plan:
            ctx.note("unmatched_status_row",
                     f"แถวในตารางผลการดำเนินงาน \"{short(s.measure)}\" ไม่ตรงกับมาตรการใดในแผน: "
                     f"เพิ่มเป็นมาตรการข้อ {no}", s.loc)
        st = _status_of(ctx, s.marks, s.loc, s.measure)
        out.append(Measure(no, s.measure, s.steps, [], None, "", st, None, s.loc.seq, s.loc.seq))
    return out


def _planned(ctx: Context, no: int, p: PlanRow, m: _Matching) -> Measure:
    """Measure ``no`` of the plan, with its status (from its own marks in a combined table)."""
    st, sim, marked = None, None, None
    status, status_keys, plan_keys, pairs, _ = m
    if m.combined:
        st, marked = _status_of(ctx, p.marks, p.loc, p.measure), p.loc.seq
    elif no - 1 in pairs:
        j, sim = pairs[no - 1]
        s = status[j]
        st, marked = _status_of(ctx, s.marks, s.loc, s.measure), s.loc.seq
        if status_keys[j][0] != plan_keys[no - 1][0]:
            ctx.note("fuzzy_match",
                     f"มาตรการในตารางผลการดำเนินงาน \"{short(s.measure)}\" จับคู่กับ"
                     f"มาตรการข้อ {no} \"{short(p.measure)}\" ความคล้าย {sim:.1f}%", s.loc,
                     places=f"ตารางผลการดำเนินงาน: {s.loc.thai()}; มาตรการข้อ {no}: {p.loc.thai()}")
    elif status:
        ctx.note("unmatched_plan_row", f"มาตรการข้อ {no} \"{short(p.measure)}\" ไม่มีแถวในตารางผลการดำเนินงาน",
                 p.loc)
    return Measure(no, p.measure, p.steps, p.owners, p.due, p.due_text, st, sim, p.loc.seq, marked)


def match(
    plan_keys: list[tuple[str, str]], status_keys: list[tuple[str, str]], *, scanned: bool = False
) -> dict[int, tuple[int, float]]:
    """One-to-one matching of status rows to plan rows: plan index -> (status index, similarity 0-100).

    Keys are (name, steps) after :func:`itanb.thai.matching_key`. Similarity is the larger of the name
    similarity and the mean of name and steps similarities (rapidfuzz ratio); pairs are taken greedily, best
    first, ties to the nearer row position, none below MATCH_CUTOFF. On a scan (``scanned``) the steps alone
    count too, at :data:`SCANNED_STEPS` of their similarity: OCR reads a name in English (E-Service) as
    Thai-looking noise, and the steps around it are mostly Thai. Names equal on both sides and unique
    pair up first (similarity 100, as the greedy pass would give them): the quadratic pass sees the rest.
    """
    pairs: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    plan_names = Counter(k[0] for k in plan_keys)
    status_names = Counter(k[0] for k in status_keys)
    by_name = {k[0]: i for i, k in enumerate(plan_keys) if plan_names[k[0]] == 1}
    for j, (name, _) in enumerate(status_keys):
        i = by_name.get(name)
        if i is not None and status_names[name] == 1:
            pairs[i] = (j, 100.0)
            used.add(j)
    if len(used) == len(status_keys) or len(pairs) == len(plan_keys):
        return pairs
    candidates = []
    for j, (sn, ss) in enumerate(status_keys):
        if j in used:
            continue
        for i, (pn, ps) in enumerate(plan_keys):
            if i in pairs:
                continue
            name = fuzz.ratio(sn, pn)
            steps = fuzz.ratio(ss, ps) if ss and ps else 0.0
            both = (name + steps) / 2 if ss and ps else name
            score = max(name, both, SCANNED_STEPS * steps if scanned else 0.0)
            if score >= MATCH_CUTOFF:
                candidates.append((-score, -both, abs(i - j), i, j))
    candidates.sort()
    pairs.update(greedy_pairs(((i, j, round(-neg, 1)) for neg, _, _, i, j in candidates),
                              taken_left=pairs, taken_right=used))
    return pairs


