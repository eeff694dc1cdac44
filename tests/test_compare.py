"""compare.py on small fixtures: a SYNTHETIC multi-year agency and the REAL published provincial scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import TEXT, nones
from fixtures.synthetic_agency import (  # tests/ is on sys.path (pytest rootdir-less "prepend" import)
    AGENCY_ID,
    Tables,
    agencies_frame,
    findings_frame,
    measures_frame,
    published_tables,
    sources_frame,
    synthetic_tables,
)

from itanb import compare, grading
from itanb.errors import InputError, ParameterError


# --------------------------------------------------------------------------------- reference data
def test_national_averages():
    avg = compare.national_averages()
    assert list(avg.columns) == ["fiscal_year", "agencies", "national_average", "passed_85", "passed_share",
                                 "source"]
    assert [str(t) for t in avg.dtypes] == ["int64", "Int64", "float64", "Int64", "float64", TEXT]
    row = avg.set_index("fiscal_year").loc[2565]
    assert (row["agencies"], row["national_average"], row["passed_share"]) == (8303, 87.57, 0.7052)
    assert avg["source"].str.startswith("https://").all()
    assert avg["fiscal_year"].is_unique and avg["fiscal_year"].is_monotonic_increasing


def test_national_averages_bad_file(tmp_path):
    path = tmp_path / "avg.csv"
    path.write_text("fiscal_year,national_average\n2565,87\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        compare.national_averages(path)


def test_indicators_and_keywords_tables():
    ind = compare.indicators()
    assert ind["indicator"].tolist() == list(range(1, 11))
    assert ind["tool"].tolist() == ["IIT"] * 5 + ["EIT"] * 3 + ["OIT"] * 2
    assert ind.set_index("indicator").loc[4, "name"] == "การใช้ทรัพย์สินของราชการ"
    kw = compare.indicator_keywords()
    assert kw["source"].str.contains("own mapping").all()
    assert all(1 <= n <= 10 for ns in kw["indicators"] for n in ns)
    by_kw = dict(zip(kw["keyword"], kw["indicators"], strict=True))
    assert by_kw["ทรัพย์สิน"] == [4] and by_kw["ผลประโยชน์ทับซ้อน"] == [10, 5]
    assert by_kw["ร้องเรียน"] == [5, 10] and by_kw["E-Service"] == [8] and by_kw["ใช้อำนาจ"] == [3]


def test_match_key_ignores_spacing_and_dashes():
    assert compare.match_key("E – Service") == compare.match_key("E-Service") == "eservice"
    assert compare.match_key("หลักเกณฑ์การบริหารและพัฒนา ทรัพยากรบุคคล") == compare.match_key(
        "หลักเกณฑ์การบริหารและพัฒนาทรัพยากรบุคคล")
    assert compare.match_key(None) == ""


# --------------------------------------------------------------------------------- year over year
def test_year_over_year_columns_and_dtypes(synthetic_yoy):
    assert list(synthetic_yoy.columns) == compare.YOY_COLUMNS
    dtypes = dict(zip(synthetic_yoy.columns, map(str, synthetic_yoy.dtypes), strict=True))
    assert dtypes == {
        "fiscal_year": "int64", "score": "float64", "level": TEXT, "level_reported": TEXT,
        "scheme": TEXT, "passed": "boolean", "prev_year": "Int64", "years_gap": "Int64",
        "score_change": "float64", "level_change_steps": "Int64", "level_change_label": TEXT,
        "national_average": "float64", "gap_to_national": "float64", "measures_total": "int64",
        "measures_done": "int64", "measures_in_progress": "int64", "measures_not_started": "int64",
        "measures_unmarked": "int64", "completion_share": "float64", "measures_overdue": "int64",
        "level_agrees": "boolean",
    }
    assert synthetic_yoy["fiscal_year"].is_unique and synthetic_yoy["fiscal_year"].is_monotonic_increasing


def test_year_over_year_synthetic_agency(synthetic_yoy):
    assert synthetic_yoy["fiscal_year"].tolist() == [2562, 2563, 2565, 2566, 2567, 2568]  # 2564 skipped
    # FY2566 86.78 without tool scores may be ผ่านดี or ผ่าน: no level is claimed
    assert nones(synthetic_yoy["level"]) == ["C", "B", "A", None, "ต้องปรับปรุง", "ต้องปรับปรุงโดยด่วน"]
    assert synthetic_yoy["scheme"].tolist() == ["letters", "letters", "letters", "five", "five", "five"]
    assert synthetic_yoy["passed"].tolist() == [False, False, True, True, False, False]
    assert synthetic_yoy["prev_year"].tolist() == [pd.NA, 2562, 2563, 2565, 2566, 2567]
    assert synthetic_yoy["years_gap"].tolist() == [pd.NA, 1, 2, 1, 1, 1]  # the gap is shown
    assert synthetic_yoy["score_change"].tolist()[1:] == [6.25, 9.6, -1.22, -14.48, -3.8]
    assert synthetic_yoy["level_change_steps"].tolist() == [pd.NA, 1, 1, pd.NA, pd.NA, -1]
    assert nones(synthetic_yoy["level_change_label"]) == [
        None, "ดีขึ้น 1 ระดับ (C → B)", "ดีขึ้น 1 ระดับ (B → A)", "เปลี่ยนเกณฑ์ (A → –)",
        "ไม่มีระดับให้เทียบ (– → ต้องปรับปรุง)", "ลดลง 1 ระดับ (ต้องปรับปรุง → ต้องปรับปรุงโดยด่วน)"]
    # 2565 reported "E"; 2566 reported ผ่าน, which 86.78 allows
    assert synthetic_yoy["level_agrees"].tolist() == [True, True, False, True, True, pd.NA]
    row = synthetic_yoy.set_index("fiscal_year").loc[2565]
    assert (row["national_average"], row["gap_to_national"]) == (87.57, 0.43)
    assert synthetic_yoy.set_index("fiscal_year").loc[2567, "national_average"] == 93.05  # report FY2567


def test_year_over_year_measure_counts(synthetic_yoy):
    counts = synthetic_yoy.set_index("fiscal_year")[[
        "measures_total", "measures_done", "measures_in_progress", "measures_not_started",
        "measures_unmarked", "measures_overdue"]]
    assert counts.loc[2565].tolist() == [3, 1, 1, 0, 1, 2]  # overdue: in progress + unmarked, both past due
    assert counts.loc[2566].tolist() == [4, 2, 1, 1, 0, 1]  # no deadline is never overdue
    assert counts.loc[2567].tolist() == [2, 1, 0, 1, 0, 0]  # due after the memo date: not overdue
    assert counts.loc[2562].tolist() == [0] * 6
    shares = synthetic_yoy.set_index("fiscal_year")["completion_share"]
    assert shares.loc[2566] == 0.5 and np.isnan(shares.loc[2562])


def test_overdue_is_a_deadline_before_the_memo_date_and_not_done(synthetic_example):
    m = synthetic_example.measures
    m = m[(m["agency_id"] == AGENCY_ID) & (m["fiscal_year"] == 2565)]
    late = compare.overdue(m)
    assert late.index.equals(m.index) and late.dtype == bool
    # done on the memo date; in progress and unmarked, both due before it
    assert late.tolist() == [False, True, True]
    assert not compare.overdue(m.assign(due=m["status_as_of"])).any()  # due on the memo date: not yet late
    assert not compare.overdue(m.assign(due=pd.NaT)).any()  # no deadline: never late
    assert not compare.overdue(m.assign(status="done")).any()


def test_place_name_drops_the_prefix():
    assert compare.place_name(" จังหวัดกาญจนบุรี ") == compare.place_name("กาญจนบุรี") == "กาญจนบุรี"
    assert compare.place_name("อ.กุฉินารายณ์") == compare.place_name("อำเภอ กุฉินารายณ์") == "กุฉินารายณ์"


def test_year_over_year_recomputes_levels_and_agrees_with_level_steps(synthetic_yoy):
    for prev, cur in zip(synthetic_yoy.itertuples(), synthetic_yoy.iloc[1:].itertuples(), strict=False):
        change = grading.level_steps(prev.fiscal_year, prev.level, cur.fiscal_year, cur.level)
        assert change.label == cur.level_change_label
        if change.steps is None:
            assert pd.isna(cur.level_change_steps)
        else:
            assert cur.level_change_steps == change.steps


def test_year_over_year_unknown_agency(synthetic_example):
    with pytest.raises(ParameterError, match="unknown agency_id 'nope'"):
        compare.year_over_year(synthetic_example, "nope")


def test_year_over_year_agency_without_data(synthetic_example):
    extra = agencies_frame([{"agency_id": "synthetic-empty", "name": "ว่าง (ข้อมูลสังเคราะห์)", "kind": "อบต.",
                             "district": None, "province": None, "synthetic": True}])
    t = synthetic_example._replace(agencies=pd.concat([synthetic_example.agencies, extra], ignore_index=True))
    out = compare.year_over_year(t, "synthetic-empty")
    assert out.empty and list(out.columns) == compare.YOY_COLUMNS


def test_published_drop_kanchanaburi_2564_a_to_2565_d():
    """REAL published scores: จังหวัดกาญจนบุรี 91.10 (A, FY2564) -> 58.13 (D, FY2565)."""
    t = published_tables()
    agency = t.agencies.loc[t.agencies["name"] == "จังหวัดกาญจนบุรี", "agency_id"].item()
    yoy = compare.year_over_year(t, agency).set_index("fiscal_year")
    assert yoy.loc[2564, ["score", "level"]].tolist() == [91.10, "A"]
    assert yoy.loc[2565, ["score", "level", "level_reported"]].tolist() == [58.13, "D", "D"]
    assert yoy.loc[2565, "score_change"] == -32.97
    assert yoy.loc[2565, "level_change_steps"] == -3
    assert yoy.loc[2565, "level_change_label"] == "ลดลง 3 ระดับ (A → D)"
    assert yoy["passed"].tolist() == [True, False]
    assert yoy["level_agrees"].all()


def test_published_portfolio_2565():
    p = compare.portfolio(published_tables(), 2565)
    assert p.ranking[["name", "score", "level", "rank"]].values.tolist() == [
        ["จังหวัดนราธิวาส", 74.57, "C", 1], ["จังหวัดกาญจนบุรี", 58.13, "D", 2]]
    assert p.drops["name"].tolist() == ["จังหวัดกาญจนบุรี"]


# --------------------------------------------------------------------------------- measures over time
def test_measures_over_time(synthetic_example):
    mot = compare.measures_over_time(synthetic_example, AGENCY_ID)
    assert list(mot.columns) == compare.MOT_COLUMNS
    summary = mot.groupby(["fiscal_year", "change"]).size().to_dict()
    assert summary == {(2565, "first_year"): 3, (2566, "carried_over"): 2, (2566, "new"): 2,
                       (2566, "dropped"): 1, (2567, "carried_over"): 1, (2567, "new"): 1,
                       (2567, "dropped"): 3}
    carried = mot[(mot["fiscal_year"] == 2566) & (mot["change"] == "carried_over")]
    assert carried[["no", "prev_no"]].values.tolist() == [[1, 1], [2, 3]]  # "E-Service" <- "E – Service"
    assert (carried["similarity"] >= compare.CARRY_OVER_THRESHOLD).all()
    dropped = mot[(mot["fiscal_year"] == 2566) & (mot["change"] == "dropped")]
    assert dropped["prev_measure"].item() == "ให้ความรู้เกี่ยวกับการป้องกันผลประโยชน์ทับซ้อน"
    assert dropped["measure"].item() is None and dropped["no"].isna().all()
    assert str(mot["prev_year"].dtype) == "Int64" and mot["similarity"].dtype == "float64"


def test_measures_over_time_one_to_one(synthetic_example):
    """Two identical names in one year match two measures of the previous year, not one twice."""
    rows = synthetic_example.measures[synthetic_example.measures["fiscal_year"] == 2566].copy()
    twice = pd.concat([rows, rows.assign(no=rows["no"] + 10)], ignore_index=True)
    later = twice.assign(fiscal_year=2567)
    t = synthetic_example._replace(measures=pd.concat([twice, later], ignore_index=True))
    mot = compare.measures_over_time(t, AGENCY_ID)
    assert (mot.loc[mot["fiscal_year"] == 2567, "change"] == "carried_over").all()
    assert mot.loc[mot["fiscal_year"] == 2567, "prev_no"].is_unique


def test_measures_over_time_unknown_agency(synthetic_example):
    with pytest.raises(ParameterError):
        compare.measures_over_time(synthetic_example, "nope")


# measure names and steps as written in the real memo (khoksaat-ita-measures-memo-2565.md)
REAL_MEMO_MEASURES = [
    ("-มีแนวทางปฏิบัติเกี่ยวกับการใช้ทรัพย์สินของราชการที่ถูกต้อง", "จัดทำแนวทางปฏิบัติเกี่ยวกับการใช้ทรัพย์สินของทางราชการ", {4}),
    ("ให้ความรู้เกี่ยวกับการป้องกันผลประโยชน์ทับซ้อน", "ฝึกอบรมหรือประชุมพนักงานเพื่อให้ ความรู้เกี่ยวกับผลประโยชน์ทับซ้อน",
     {5, 10}),
    ("การปรับปรุงระบบการทำงาน", "จัดทำมาตรการลดขั้นตอนในการ ให้บริการ เช่น การให้บริการ ณ จุด เดี่ยว", {6, 8}),
    ("E – Service", "เพิ่มช่องทางการบริการ E – Service ผ่านทางเว็บไซต์ของหน่วยงาน", {8, 9}),
    ("การใช้อำนาจหน้าที่", "สร้างการรับรู้ของบุคลากรภายใน หน่วยงานต่อการใช้อำนาจของ ผู้บังคับบัญชา", {3}),
    ("ช่องทางแจ้งเรื่องร้องเรียนการทุจริตเป็นการเฉพาะผ่านทางเว็บไซต์ของหน่วยงาน", "", {5, 9, 10}),
    ("หลักเกณฑ์การบริหารและพัฒนา ทรัพยากรบุคคล", "จัดทำประกาศหลักเกณฑ์การบริหาร", {3, 9}),
]


def test_measure_indicators_on_real_memo_measures():
    m = pd.DataFrame({"agency_id": "a", "fiscal_year": 2565, "no": range(1, len(REAL_MEMO_MEASURES) + 1),
                      "measure": [r[0] for r in REAL_MEMO_MEASURES],
                      "steps": [r[1] for r in REAL_MEMO_MEASURES]},
                     index=range(10, 10 + len(REAL_MEMO_MEASURES)))
    out = compare.measure_indicators(m)
    assert out.index.tolist() == m.index.tolist()
    assert list(out.columns) == ["agency_id", "fiscal_year", "no", "measure", "indicators", "keywords"]
    assert [set(x) for x in out["indicators"]] == [r[2] for r in REAL_MEMO_MEASURES]
    assert "E-Service" in out["keywords"].iloc[3]


def test_indicator_summary(synthetic_example):
    measures = synthetic_example.measures
    mapped = compare.measure_indicators(measures[measures["agency_id"] == AGENCY_ID])
    summary = compare.indicator_summary(mapped)
    assert summary["indicator"].tolist() == list(range(1, 11))
    assert list(summary.columns) == ["indicator", "name", "tool", "measures", "addressed", "fiscal_years"]
    row = summary.set_index("indicator")
    assert row.loc[4, "measures"] == 2 and row.loc[4, "fiscal_years"] == [2565, 2566]
    assert not row.loc[1, "addressed"] and row.loc[1, "fiscal_years"] == []


def test_measure_indicators_unmatched_is_empty_list():
    m = pd.DataFrame({"measure": ["อื่น ๆ"], "steps": [""]})
    out = compare.measure_indicators(m)
    assert out["indicators"].tolist() == [[]] and out["keywords"].tolist() == [[]]


# --------------------------------------------------------------------------------- portfolio
def test_portfolio_ranking(synthetic_example):
    p = compare.portfolio(synthetic_example, 2566)
    assert list(p.ranking.columns) == compare.RANKING_COLUMNS
    assert p.ranking["agency_id"].tolist() == ["synthetic-second", AGENCY_ID, "synthetic-third"]
    assert p.ranking["rank"].tolist() == [1, 2, 3]
    assert nones(p.ranking["level"]) == [None, None, "ต้องปรับปรุง"]  # 91 and 86.78: ผ่านดี or ผ่าน
    assert p.ranking["level_change_label"].tolist() == [
        "เปลี่ยนเกณฑ์ (AA → –)", "เปลี่ยนเกณฑ์ (A → –)", "เปลี่ยนเกณฑ์ (A → ต้องปรับปรุง)"]
    assert p.ranking["level_change_steps"].isna().all()
    assert p.gains.empty
    assert p.drops["agency_id"].tolist() == ["synthetic-third", "synthetic-second", AGENCY_ID]
    assert p.level_distribution[["level", "agencies"]].values.tolist() == [
        ["ผ่านดีเยี่ยม", 0], ["ผ่านดี", 0], ["ผ่าน", 0], ["ต้องปรับปรุง", 1], ["ต้องปรับปรุงโดยด่วน", 0],
        ["ผ่านดี / ผ่าน", 2]]
    s = p.summary.iloc[0]
    assert (s["agencies_scored"], s["passed"], s["national_average"]) == (3, 2, 90.19)
    assert s["mean"] == round((91 + 86.78 + 80) / 3, 2) and s["median"] == 86.78


def test_portfolio_previous_year_skips_gaps_and_ties(synthetic_example):
    p = compare.portfolio(synthetic_example, 2565)
    r = p.ranking.set_index("agency_id")
    assert r.loc[AGENCY_ID, ["prev_year", "years_gap", "prev_level"]].tolist() == [2563, 2, "B"]
    assert r.loc[AGENCY_ID, "level_change_steps"] == 1
    assert r.loc["synthetic-second", "level_change_label"] == "ดีขึ้น 2 ระดับ (B → AA)"
    assert r.loc[AGENCY_ID, "rank"] == r.loc["synthetic-third", "rank"] == 2  # 88.00 twice: ranks 1, 2, 2
    assert pd.isna(r.loc["synthetic-third", "prev_year"])
    dist = p.level_distribution
    assert dist["level"].tolist() == ["AA", "A", "B", "C", "D", "E", "F"]
    assert dist["agencies"].tolist() == [1, 2, 0, 0, 0, 0, 0] and dist["share"].sum() == pytest.approx(1)


def test_portfolio_filters(synthetic_example):
    assert set(compare.portfolio(synthetic_example, 2566, province="สมมุติ").ranking["agency_id"]) == {
        AGENCY_ID, "synthetic-second"}
    assert set(compare.portfolio(synthetic_example, 2566, province="จังหวัดสมมุติ", district="สังเคราะห์")
               .ranking["agency_id"]) == {AGENCY_ID, "synthetic-second"}
    assert compare.portfolio(synthetic_example, 2566, agency_ids=["synthetic-third"]).ranking[
        "agency_id"].tolist() == ["synthetic-third"]
    with pytest.raises(ParameterError, match="province"):
        compare.portfolio(synthetic_example, 2566, province="ไม่มี")
    with pytest.raises(ParameterError, match="'nope'"):
        compare.portfolio(synthetic_example, 2566, agency_ids=["nope"])
    with pytest.raises(ParameterError, match="no assessments for fiscal year 2550"):
        compare.portfolio(synthetic_example, 2550)


def test_portfolio_missing_and_data_quality(synthetic_example):
    p = compare.portfolio(synthetic_example, 2564)
    assert p.ranking["agency_id"].tolist() == ["synthetic-second"]
    missing = p.missing.set_index("agency_id")
    assert missing.loc[AGENCY_ID, "last_year"] == 2563
    assert pd.isna(missing.loc["synthetic-third", "last_year"])
    assert p.summary["agencies_without_score"].item() == 2
    p = compare.portfolio(synthetic_example, 2565)
    dq = p.data_quality.set_index("agency_id")
    assert dq.loc[AGENCY_ID, "findings"] == 2
    assert dq.loc[AGENCY_ID, "codes"] == "level_mismatch, missing_status"
    assert dq.loc["synthetic-third", "codes"] == "location_conflict"  # a finding of no particular year
    assert list(p.data_quality.columns) == ["agency_id", "name", "findings", "codes"]


def _national_tables(n: int = 8300, years: range = range(2562, 2569)) -> Tables:
    rng = np.random.default_rng(0)
    ids = [f"synthetic-{i:05d}" for i in range(n)]
    agencies = agencies_frame([{"agency_id": a, "name": f"หน่วยงานสังเคราะห์ {i} (ข้อมูลสังเคราะห์)", "kind": "อบต.",
                                "district": f"อำเภอ{i % 900}", "province": f"จังหวัด{i % 77}",
                                "synthetic": True}
                               for i, a in enumerate(ids)])
    k = len(years)
    assessments = pd.DataFrame({
        "agency_id": np.repeat(ids, k), "fiscal_year": np.tile(list(years), n).astype("int64"),
        "score": np.round(rng.uniform(30, 100, n * k), 2), "level_reported": None, "level": None,
        "passed": pd.array([pd.NA] * (n * k), dtype="boolean"), "iit": np.nan, "eit": np.nan, "oit": np.nan,
        "source": "synthetic"})
    assessments = assessments.sample(frac=0.97, random_state=1).reset_index(drop=True)  # some gaps
    findings = findings_frame([{"code": "missing_status", "message": "ไม่มีสถานะ", "source": "synthetic",
                                "line": 1,
                                "agency_id": a, "fiscal_year": 2566} for a in ids[::9]])
    return Tables(agencies, assessments, measures_frame([]), findings, sources_frame())


def test_portfolio_of_the_whole_country():
    """8,300 agencies (the time it takes is in ``itanb bench --national``, not here)."""
    t = _national_tables()
    p = compare.portfolio(t, 2566)
    assert len(p.ranking) + len(p.missing) == 8300
    assert p.ranking["rank"].is_monotonic_increasing
    assert (p.ranking["years_gap"].dropna() >= 1).all() and (p.ranking["years_gap"] > 1).any()
    assert p.level_distribution["agencies"].sum() == len(p.ranking)


def test_level_change_vectorised_matches_level_steps():
    """The ranking's labels agree with grading.level_steps for every pair of scheme years and levels."""
    pairs = [(a, b) for a in range(2561, 2569) for b in range(a + 1, 2569)]
    rows, expected = [], []
    for i, (fy_a, fy_b) in enumerate(pairs):
        for score_a, score_b in [(72.15, 91.1), (96.0, 60.0), (86.0, 86.0)]:
            agency = f"synthetic-pair-{i}-{score_a}"
            rows += [{"agency_id": agency, "fiscal_year": fy_a, "score": score_a},
                     {"agency_id": agency, "fiscal_year": fy_b, "score": score_b}]
            level_a, level_b = grading.grade(fy_a, score_a).level, grading.grade(fy_b, score_b).level
            expected.append((agency, fy_b, grading.level_steps(fy_a, level_a, fy_b, level_b)))
    assessments = pd.DataFrame(rows)
    ids = assessments["agency_id"].unique()
    agencies = agencies_frame([{"agency_id": a, "name": a, "kind": "อบต.", "district": None, "province": None,
                                "synthetic": True} for a in ids])
    t = Tables(agencies, assessments, measures_frame([]), findings_frame([]), sources_frame())
    by_year = {fy: compare.portfolio(t, fy).ranking.set_index("agency_id") for fy in range(2562, 2569)}
    for agency, fy_b, change in expected:
        row = by_year[fy_b].loc[agency]
        assert row["level_change_label"] == change.label
        if change.steps is None:
            assert pd.isna(row["level_change_steps"])
        else:
            assert row["level_change_steps"] == change.steps


# --------------------------------------------------------------------------------- with the other modules
def test_fixtures_follow_the_processed_table_schemas():
    from itanb.store import check_tables

    check_tables(synthetic_tables())
    check_tables(published_tables())


def test_real_memo_agency_after_ingest(shipped_tables, memo_agency_id):
    """The shipped raw data (the real memo): 74.83 in FY2564 is C although the memo says E."""
    yoy = compare.year_over_year(shipped_tables, memo_agency_id).set_index("fiscal_year")
    assert yoy.loc[2564, ["score", "level", "level_reported"]].tolist() == [74.83, "C", "E"]
    assert not yoy.loc[2564, "level_agrees"]
    assert yoy.loc[2565, "measures_total"] > 0
    mapped = compare.measure_indicators(
        shipped_tables.measures[shipped_tables.measures["agency_id"] == memo_agency_id])
    assert (mapped["indicators"].str.len() > 0).mean() > 0.8
