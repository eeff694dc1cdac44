"""The plan of a SYNTHETIC data set: every memo and score row, in memory (:func:`plan_synthetic`)."""

from __future__ import annotations

import datetime as dt
import random

from itanb.errors import InputError
from itanb.synth.memos import memo_text
from itanb.synth.names import (
    MEMO_FORMATS,
    PER_GROUP,
    PLACE_LETTERS,
    PROVINCES,
    SynthMemo,
    SynthPlan,
    SynthScore,
    agency_id,
)
from itanb.synth.parts import year_parts
from itanb.synth.population import LETTERS, assign_kinds, kind_mix, score_matrix, year_levels
from itanb.vocabulary import BE_MAX, BE_MIN

MISMATCH_STEP = 1.0  # an altered indicator 1 is off by one point: its IIT no longer recomputes


def _check(agencies: int, years: tuple[int, int], memo_formats: tuple[str, ...], mismatches: int) -> None:
    first, last = (int(y) for y in years)
    if agencies < 1 or first > last or not BE_MIN <= first <= BE_MAX:
        raise InputError(f"synthetic data needs agencies >= 1 and years like (2564, 2568) (BE), "
                         f"got agencies={agencies}, years={years}")
    unknown = sorted(set(memo_formats) - set(MEMO_FORMATS)) if memo_formats else ["(none)"]
    if unknown:
        raise InputError(f"unknown memo format(s) {', '.join(unknown)}; "
                         f"choose from {', '.join(MEMO_FORMATS)}")
    if mismatches < 0:
        raise InputError(f"mismatches must be 0 or more, got {mismatches}")


def _memo(rnd: random.Random, number: int, kind: str, memo_years: list[int], *,
          scores: dict[int, list[str]], levels: dict[int, list[str | None]]) -> SynthMemo:
    """What agency ``number``'s memo says (its text is written later)."""
    fy = rnd.choice(memo_years)
    if rnd.random() < 0.15:  # October-December belong to the next fiscal year
        memo_date = dt.date(fy - 544, rnd.randrange(10, 13), rnd.randrange(1, 29))
    else:
        memo_date = dt.date(fy - 543, rnd.randrange(1, 10), rnd.randrange(1, 29))
    province_no = rnd.randrange(len(PROVINCES))
    district = f"สังเคราะห์{PLACE_LETTERS[province_no]}{rnd.choice(PLACE_LETTERS)}"
    score = scores[fy - 1][number - 1]
    level = levels[fy - 1][number - 1]
    if level in LETTERS and rnd.random() < 0.03:  # a wrongly reported level, as in the real memo
        level = rnd.choice([x for x in LETTERS if x != level])
    plan_rows = rnd.randrange(4, 13)
    return SynthMemo(
        number=number, kind=kind, fiscal_year=fy, memo_date=memo_date, district=district,
        province=PROVINCES[province_no], assessment_year=fy - 1,
        score=None if rnd.random() < 0.02 else score, level_reported=level,
        plan_rows=plan_rows, unmatched_status_rows=1 if rnd.random() < 0.08 else 0,
        unmarked_rows=1 if rnd.random() < 0.05 else 0)


def _score_rows(fy: int, agencies: int, seed: int, scores: dict[int, list[str]], *,
                parts: dict[int, list[dict[str, str]]],
                levels: dict[int, list[str | None]]) -> list[SynthScore]:
    year_rnd = random.Random(f"{seed}:scores:{fy}")
    rows = []
    for number in range(1, agencies + 1):
        if year_rnd.random() < 0.005 and agencies > 20:  # an agency missing from a year's table
            continue
        score, row_parts = scores[fy][number - 1], parts[fy][number - 1]
        rows.append(SynthScore(number, score, levels[fy][number - 1], dict(row_parts)))
    return rows


def _alter(table_rows: dict[int, list[SynthScore]], mismatches: int, seed: int) -> list[tuple[int, int]]:
    """Move indicator 1 of ``mismatches`` rows with indicators by a point: one ``total_mismatch`` each."""
    candidates = [(fy, i) for fy, rows in sorted(table_rows.items())
                  for i, r in enumerate(rows) if "i1" in r.parts]
    if mismatches > len(candidates):
        raise InputError(f"asked for {mismatches} mismatches, but only {len(candidates)} score rows have "
                         "indicators")
    altered = []
    for fy, i in sorted(random.Random(f"{seed}:mismatches").sample(candidates, mismatches)):
        row = table_rows[fy][i]
        value = float(row.parts["i1"])
        row.parts["i1"] = f"{value - MISMATCH_STEP if value >= 50 else value + MISMATCH_STEP:.2f}"
        altered.append((fy, row.number))
    return altered


def plan_synthetic(agencies: int, years: tuple[int, int], seed: int = 0, *, with_text: bool = True,
                   memo_formats: tuple[str, ...] = ("md",), mismatches: int = 0) -> SynthPlan:
    """Everything :func:`write_synthetic` writes, in memory: memos (with their expected counts) and scores.

    ``memo_formats``: the memos' formats, taken in turn (``("md", "docx", "pdf")``: one in three of each);
    ``md`` memos are Markdown (one in seven ``.txt``), the others Word and PDF files of the same text.
    ``mismatches``: how many score rows get an indicator that no longer adds up (none by default).
    """
    first, last = (int(y) for y in years)
    _check(agencies, years, memo_formats, mismatches)
    rnd = random.Random(seed)
    kinds = assign_kinds(agencies, seed)
    scores = score_matrix(kinds, first, last, seed)
    parts = {fy: year_parts(fy, totals, seed) for fy, totals in scores.items()}
    levels = {fy: year_levels(fy, scores[fy], parts[fy]) for fy in scores}
    memo_years = list(range(first + 1, last + 1)) or [first]
    memos = [_memo(rnd, n, kinds[n - 1], memo_years, scores=scores, levels=levels)
             for n in range(1, agencies + 1)]
    for m in memos:
        group = f"g{(m.number - 1) // PER_GROUP + 1:03d}"
        fmt = memo_formats[(m.number - 1) % len(memo_formats)]
        ext = f".{fmt}" if fmt != "md" else ".txt" if m.number % 7 == 3 else ".md"
        m.path = f"memos/{group}/{agency_id(m.number)}-ita-measures-memo-{m.fiscal_year}{ext}"
        if with_text:
            thai = rnd.random() < 0.7
            m.text = memo_text(random.Random(f"{seed}:{m.number}"), m, thai, seed)
    table_rows = {fy: _score_rows(fy, agencies, seed, scores, parts=parts, levels=levels)
                  for fy in range(first, last + 1)}
    score_files = {fy: f"scores/synthetic-ita-scores-{fy}" + (".xlsx" if i == 2 else ".csv")
                   for i, fy in enumerate(range(first, last + 1))}
    altered = _alter(table_rows, mismatches, seed)
    return SynthPlan(agencies, (first, last), seed, memos, table_rows, score_files, kinds,
                     kind_mix()[1], altered)
