"""SYNTHETIC raw data for tests and the benchmark: memos and score tables in the formats of the real ones.

Every agency is named ``หน่วยงานสังเคราะห์ อบต. 0001`` (its kind, then ``0002`` ...; ``หน่วยงานสังเคราะห์ 0003``
for the central kinds), every file says ``ข้อมูลสังเคราะห์ (SYNTHETIC)`` in its text,
and nothing is ever written into the project's ``data/raw``. The output is a raw folder::

    <out_dir>/memos/<group>/synthetic-0001-ita-measures-memo-2565.md   (some .txt): one memo per agency
    <out_dir>/scores/synthetic-ita-scores-<fiscal_year>.csv|.xlsx      one score table per fiscal year

The agencies' kinds come in the published mix of agency types (:mod:`itanb.synth.population`); their totals
follow the national average and their kind's published gap to it, with a skewed spread below 100 and an agency
effect that persists from year to year; each row of a year with weights has tool and indicator scores that
recompute to its total (:mod:`itanb.synth.parts`). The memos copy the layout of the real memo
(``data/raw/memos``) with the defects listed in ITA-REFERENCE.md: plan tables split across pages, Thai and
Arabic digits, marks / ✓ ✔ x, status headers that repeat ``ยังไม่ดำเนินงาน``, retyped measure names with small
typos, decomposed sara am, a status row that matches no plan row now and then, rows with no mark, and a
district named two ways.

The same ``seed`` gives the same bytes. :func:`plan_synthetic` returns what :func:`write_synthetic` writes
(the expected counts), for tests.
"""

from itanb.synth.files import memo_bytes, write_synthetic
from itanb.synth.names import LABEL, MEMO_FORMATS, SynthMemo, SynthPlan, SynthScore, agency_id, agency_name
from itanb.synth.plan import plan_synthetic

__all__ = ["LABEL", "MEMO_FORMATS", "SynthMemo", "SynthPlan", "SynthScore", "agency_id", "agency_name",
           "memo_bytes", "plan_synthetic", "write_synthetic"]
