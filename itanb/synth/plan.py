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
    agency_id,
)
from itanb.synth.population import LETTERS, TOOLS_FROM, level_of, score_matrix, tools_for
from itanb.vocabulary import BE_MAX, BE_MIN


def plan_synthetic(agencies: int, years: tuple[int, int], seed: int = 0, *,
                   with_text: bool = True, memo_formats: tuple[str, ...] = ("md",)) -> SynthPlan:
    """Everything :func:`write_synthetic` writes, in memory: memos (with their expected counts) and scores.

    ``memo_formats``: the memos' formats, taken in turn (``("md", "docx", "pdf")``: one in three of each);
    ``md`` memos are Markdown (one in seven ``.txt``), the others Word and PDF files of the same text.
    """
    first, last = (int(y) for y in years)
    if agencies < 1 or first > last or not BE_MIN <= first <= BE_MAX:
        raise InputError(f"synthetic data needs agencies >= 1 and years like (2564, 2568) (BE), "
                         f"got agencies={agencies}, years={years}")
    unknown = sorted(set(memo_formats) - set(MEMO_FORMATS)) if memo_formats else ["(none)"]
    if unknown:
        raise InputError(f"unknown memo format(s) {', '.join(unknown)}; "
                         f"choose from {', '.join(MEMO_FORMATS)}")
    rnd = random.Random(seed)
    scores = score_matrix(agencies, first, last, seed)
    memo_years = list(range(first + 1, last + 1)) or [first]
    memos: list[SynthMemo] = []
    for number in range(1, agencies + 1):
        fy = rnd.choice(memo_years)
        if rnd.random() < 0.15:  # October-December belong to the next fiscal year
            memo_date = dt.date(fy - 544, rnd.randrange(10, 13), rnd.randrange(1, 29))
        else:
            memo_date = dt.date(fy - 543, rnd.randrange(1, 10), rnd.randrange(1, 29))
        province_no = rnd.randrange(len(PROVINCES))
        district = f"สังเคราะห์{PLACE_LETTERS[province_no]}{rnd.choice(PLACE_LETTERS)}"
        score = scores[fy - 1][number - 1]
        level = level_of(fy - 1, score)
        if level in LETTERS and rnd.random() < 0.03:  # a wrongly reported level, as in the real memo
            level = rnd.choice([x for x in LETTERS if x != level])
        plan_rows = rnd.randrange(4, 13)
        memos.append(SynthMemo(
            number=number, fiscal_year=fy, memo_date=memo_date, district=district,
            province=PROVINCES[province_no], assessment_year=fy - 1,
            score=None if rnd.random() < 0.02 else score, level_reported=level,
            plan_rows=plan_rows, unmatched_status_rows=1 if rnd.random() < 0.08 else 0,
            unmarked_rows=1 if rnd.random() < 0.05 else 0))
    for m in memos:
        group = f"g{(m.number - 1) // PER_GROUP + 1:03d}"
        fmt = memo_formats[(m.number - 1) % len(memo_formats)]
        ext = f".{fmt}" if fmt != "md" else ".txt" if m.number % 7 == 3 else ".md"
        m.path = f"memos/{group}/{agency_id(m.number)}-ita-measures-memo-{m.fiscal_year}{ext}"
        if with_text:
            thai = rnd.random() < 0.7
            m.text = memo_text(random.Random(f"{seed}:{m.number}"), m, thai, seed)
    table_rows: dict[int, list] = {}
    score_files: dict[int, str] = {}
    for i, fy in enumerate(range(first, last + 1)):
        year_rnd = random.Random(f"{seed}:scores:{fy}")
        rows = []
        for number in range(1, agencies + 1):
            if year_rnd.random() < 0.005 and agencies > 20:  # an agency missing from a year's table
                continue
            score = scores[fy][number - 1]
            tools = tools_for(year_rnd, score) if fy >= TOOLS_FROM else None
            rows.append((number, score, level_of(fy, score, tools), tools))
        table_rows[fy] = rows
        score_files[fy] = f"scores/synthetic-ita-scores-{fy}" + (".xlsx" if i == 2 else ".csv")
    return SynthPlan(agencies, (first, last), seed, memos, table_rows, score_files)


