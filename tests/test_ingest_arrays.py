"""Ingest derives and grades a fiscal year at a time (arrays); here every score row is also taken alone
through the per-row API (grading.derive, grade, passed, contradicts) and the two must agree: the same tool
scores, levels and pass flags, and the same findings on the same rows. On a SYNTHETIC set with planted total
mismatches, wrong levels and tool scores left out (so rows of one year differ in what they have), and on the
shipped data."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pandas as pd
import pytest

from itanb import grading
from itanb.ingest import ingest
from itanb.ingest.assessments import assessment_records, candidates_of, checked, merge_assessments
from itanb.ingest.scoring import Rules, Scored
from itanb.scores import agency_key, read_scores_file
from itanb.store import load_tables
from itanb.synth import write_synthetic

REPO_RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
PLANTED = 6


def _blank_some_parts(table: Path, seed: int, top_level: str) -> None:
    """Rewrite a synthetic score table (as UTF-8) with tool or indicator cells left empty in some rows, and
    the year's top level reported in every fifth row (a level_mismatch where the scores exclude it)."""
    parsed = read_scores_file(table, file=table.name)
    names = [*grading.TOOLS, *grading.INDICATORS]
    header = ["agency", "fiscal_year", "score", "level", "source", *names]
    rnd = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for n, r in enumerate(parsed.rows):
        parts = {k: str(v) for k, v in r.parts.items() if rnd.random() > 0.25}
        level = top_level if n % 5 == 0 else r.level_reported or ""
        writer.writerow([r.agency, r.fiscal_year, r.score, level, r.source,
                         *(parts.get(n, "") for n in names)])
    table.unlink()
    table.with_suffix(".csv").write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def synthetic_raw(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("synthetic-raw")
    write_synthetic(raw, 60, (2561, 2568), seed=4, mismatches=PLANTED)
    for fy, top in ((2564, "AA"), (2567, "ผ่านดีเยี่ยม")):
        _blank_some_parts(next((raw / "scores").glob(f"*{fy}.*")), fy, top)
    return raw


def _score_rows(raw: Path) -> list:
    rows = []
    for path in sorted((raw / "scores").iterdir()):
        rows += read_scores_file(path, file=f"scores/{path.name}").rows
    return rows


def _per_row(c) -> tuple[grading.Derived, grading.Grade]:
    derived = grading.derive(c.fiscal_year, {grading.TOTAL: c.score, **c.parts})
    tools = {t: v for t, v in derived.values.items() if t in grading.TOOLS}
    return derived, grading.grade(c.fiscal_year, c.score, **tools)


def _expected_findings(candidates) -> set[tuple]:
    """(code, file, line, message) of every row taken alone."""
    out = set()
    for c in candidates:
        derived, g = _per_row(c)
        for m in derived.mismatches:
            out.add(("total_mismatch", c.file, c.line, f"{m.reported} ไม่ตรงกับ {m.computed}"))
        if c.level_reported is None:
            continue
        if not g.possible:
            if not grading.reported_only(c.fiscal_year, c.level_reported):
                out.add(("unknown_level_scheme", c.file, c.line, c.level_reported))
        elif grading.contradicts(c.fiscal_year, g.possible, c.level_reported):
            out.add(("level_mismatch", c.file, c.line,
                     grading.level_mismatch_message(c.fiscal_year, c.score, c.level_reported, g.shown)))
    return out


def _found(findings) -> set[tuple]:
    out = set()
    for f in findings:
        if f.code == "total_mismatch":
            shown = f.message.split("ที่เผยแพร่ ", 1)[1].split(" ที่คำนวณจาก", 1)[0]
            out.add((f.code, f.source, f.line, shown))
        elif f.code == "unknown_level_scheme":
            out.add((f.code, f.source, f.line, f.message.split("(", 1)[1].split(")", 1)[0]))
        else:
            out.add((f.code, f.source, f.line, f.message))
    return out


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as Python objects, every missing one None (a nullable boolean's NA too), sortable."""
    out = frame.astype(object)
    return out.where(frame.notna(), None).fillna({c: "" for c in ("level",) if c in out}).infer_objects()


def _expected_tables(merged) -> tuple[pd.DataFrame, pd.DataFrame]:
    assessments, tools = [], []
    for c in merged:
        derived, g = _per_row(c)
        values = derived.values
        assessments.append({"agency_id": c.agency_id, "fiscal_year": c.fiscal_year, "level": g.level,
                            "passed": grading.passed(c.fiscal_year, c.score),
                            **{t: float(values[t]) if t in values else None for t in ("iit", "eit", "oit")}})
        tools += [{"agency_id": c.agency_id, "fiscal_year": c.fiscal_year, "tool": t,
                   "score": float(values[t]), "computed": t in derived.computed}
                  for t in grading.TOOLS if t in values]
    key = ["agency_id", "fiscal_year"]
    tool_columns = [*key, "tool", "score", "computed"]
    return (pd.DataFrame(assessments).sort_values(key, ignore_index=True),
            pd.DataFrame(tools, columns=tool_columns).sort_values([*key, "tool"], ignore_index=True))


@pytest.mark.parametrize("which", ["synthetic", "shipped"])
def test_a_year_at_a_time_gives_what_each_row_gives_alone(which, synthetic_raw):
    raw = synthetic_raw if which == "synthetic" else REPO_RAW
    rows = _score_rows(raw)
    candidates = candidates_of(rows, [agency_key(r.agency) for r in rows], [], [])
    scored = Scored(candidates, Rules.load())
    expected = _expected_findings(candidates)
    assert _found(checked(scored)) == expected
    if which == "synthetic":  # the planted mismatches of the tables whose parts were not blanked
        assert sum(code == "total_mismatch" for code, *_ in expected) >= PLANTED // 2
        assert {code for code, *_ in expected} >= {"total_mismatch", "level_mismatch"}
    merged, _ = merge_assessments(candidates)
    assessments, tools, _ = assessment_records(merged, scored)
    want_assessments, want_tools = _expected_tables(merged)
    got = pd.DataFrame(assessments)[want_assessments.columns]
    pd.testing.assert_frame_equal(got, want_assessments, check_dtype=False)
    got_tools = pd.DataFrame(tools)[want_tools.columns].sort_values(["agency_id", "fiscal_year", "tool"],
                                                                     ignore_index=True)
    pd.testing.assert_frame_equal(got_tools, want_tools, check_dtype=False)


def test_ingest_of_the_synthetic_set_keeps_the_tables_the_rows_give(synthetic_raw, tmp_path):
    """The whole ingest (agencies resolved, memos merged in): its assessments and tool scores are those of
    each score row taken alone (compared without the agency ids, which ingest resolves from the names)."""
    ingest(synthetic_raw, tmp_path / "processed", workers=1)
    tables = load_tables(tmp_path / "processed")
    rows = _score_rows(synthetic_raw)
    candidates = candidates_of(rows, [agency_key(r.agency) for r in rows], [], [])
    want_assessments, want_tools = _expected_tables(candidates)
    expected = _expected_findings(candidates)
    mismatches = tables.findings[tables.findings["code"] == "total_mismatch"]
    assert len(mismatches) == sum(code == "total_mismatch" for code, *_ in expected) > 0
    columns = ["fiscal_year", "level", "passed", "iit", "eit", "oit"]
    got = tables.assessments[tables.assessments["source"].str.startswith("ข้อมูลสังเคราะห์")]
    order = ["fiscal_year", "iit", "eit", "oit", "level"]
    pd.testing.assert_frame_equal(_plain(got[columns]).sort_values(order, ignore_index=True),
                                  _plain(want_assessments[columns]).sort_values(order, ignore_index=True))
    tool_columns = ["fiscal_year", "tool", "score", "computed"]
    pd.testing.assert_frame_equal(
        tables.tool_scores[tool_columns].sort_values(tool_columns, ignore_index=True),
        want_tools[tool_columns].sort_values(tool_columns, ignore_index=True), check_dtype=False)
    assert len(tables.indicator_scores) == sum(i in r.parts for r in rows for i in grading.INDICATORS)
