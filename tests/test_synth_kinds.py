"""Synthetic agencies at national scale: the published mix of agency types, and tool and indicator scores
that add up to every total with the year's weights (so ingest finds no total_mismatch unless asked)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from itanb.grading import derive, weights_for
from itanb.national import type_averages
from itanb.synth import plan_synthetic, write_synthetic
from itanb.vocabulary import KIND_OTHER, KIND_SAO, KIND_TT

AGENCIES = 2000
YEARS = (2564, 2567)  # bands and three tools to FY2565, four tools (EIT in two parts) from FY2566


@pytest.fixture(scope="module")
def plan():
    return plan_synthetic(AGENCIES, YEARS, seed=5, with_text=False)


def _published_shares() -> pd.Series:
    """Share of each kind among the agencies of the FY2566 report's type table (the source, not retyped)."""
    rows = type_averages().query("fiscal_year == 2566")
    counts = rows.groupby(rows["kind"].fillna(KIND_OTHER))["agencies"].sum()
    return counts / counts.sum()


def test_kinds_follow_the_published_mix(plan):
    published = _published_shares()
    assert published[KIND_SAO] == pytest.approx(5300 / 8323)  # the report's อบต. count, as the file gives it
    got = pd.Series(plan.kinds).value_counts(normalize=True)
    assert set(got.index) == set(published.index)
    for kind, share in published.items():
        assert abs(got[kind] - share) < 0.005, kind  # apportioned: within one agency in 2,000
    assert plan.kinds[:50] != sorted(plan.kinds[:50])  # dealt out, not in blocks
    assert plan.kinds_source.startswith("https://www.thaigov.go.th/news/contents/details/84970")


def test_kinds_differ_as_published(plan):
    """FY2564: อบต. 80.72 and เทศบาลตำบล 79.48 below the national 81.25; the central types above it."""
    kinds = np.array(plan.kinds)
    scores = np.array([float(r.score) for r in plan.scores[2564]])
    numbers = np.array([r.number for r in plan.scores[2564]])
    of = kinds[numbers - 1]
    assert abs(scores[of == KIND_SAO].mean() - 80.72) < 1.0
    assert abs(scores[of == KIND_TT].mean() - 79.48) < 1.5
    assert scores[of == KIND_OTHER].mean() > scores[of == KIND_SAO].mean() + 5


def test_every_row_has_ten_indicators_that_add_up(plan):
    for fy, rows in plan.scores.items():
        tools = ["iit", "eit1", "eit2", "oit"] if "eit1" in weights_for(fy)["eit"] else ["iit", "eit", "oit"]
        assert list(rows[0].parts) == [*tools, *(f"i{n}" for n in range(1, 11))], fy
        for r in rows:
            derived = derive(fy, {"total": r.score, **r.parts})
            assert derived.mismatches == (), (fy, r)
            assert all(0 <= float(v) <= 100 for v in r.parts.values())


def test_weak_indicators_are_8_9_10(plan):
    """As the NACC reads FY2566: most agencies low on indicators 8, 9 and 10."""
    for fy, rows in plan.scores.items():
        means = {n: np.mean([float(r.parts[f"i{n}"]) for r in rows]) for n in range(1, 11)}
        assert max(means[8], means[9], means[10]) < min(means[n] for n in range(1, 8)) + 0.5, fy
        assert means[10] < means[9] < min(means[n] for n in range(1, 9)), fy
        spread = np.std([float(r.parts["i10"]) for r in rows])
        assert spread > 3, fy


def test_levels_use_the_tool_scores(plan):
    from itanb.grading import grade

    rows = plan.scores[2567]
    levels = pd.Series([r.level for r in rows]).value_counts()
    assert {"ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน"} <= set(levels.index)  # told apart by the tool scores
    for r in rows[:200]:
        tools = {t: r.parts[t] for t in ("iit", "eit1", "eit2", "oit")}
        assert r.level == grade(2567, r.score, **tools).level


def test_mismatches_only_when_asked(tmp_path):
    from itanb.ingest import ingest
    from itanb.store import load_tables

    write_synthetic(tmp_path / "raw", agencies=60, years=(2565, 2566), seed=2, mismatches=3)
    ingest(raw_dir=tmp_path / "raw", processed_dir=tmp_path / "processed")
    findings = load_tables(tmp_path / "processed").findings
    found = findings[findings["code"] == "total_mismatch"]
    plan = plan_synthetic(60, (2565, 2566), seed=2, with_text=False, mismatches=3)
    assert sorted(zip(found["fiscal_year"], found["agency_id"], strict=True)) == sorted(
        (fy, f"synthetic-{n:04d}") for fy, n in plan.mismatches)
    assert found["message"].str.contains("IIT").all()


@pytest.mark.slow
def test_national_scale_ingest_and_indicator_views(tmp_path):
    from itanb.indicators import indicator_table, kind_averages, portfolio_indicators
    from itanb.ingest import ingest
    from itanb.store import load_tables

    write_synthetic(tmp_path / "raw", agencies=AGENCIES, years=(2565, 2566), seed=5)
    ingest(raw_dir=tmp_path / "raw", processed_dir=tmp_path / "processed")
    tables = load_tables(tmp_path / "processed")
    assert "total_mismatch" not in set(tables.findings["code"])
    assert len(tables.agencies) == AGENCIES and tables.agencies["synthetic"].all()
    shares = tables.agencies["kind"].value_counts(normalize=True)
    for kind, share in _published_shares().items():
        assert abs(shares[kind] - share) < 0.005, kind
    per_row = tables.indicator_scores.groupby(["agency_id", "fiscal_year"]).size()
    table_rows = plan_synthetic(AGENCIES, (2565, 2566), seed=5, with_text=False).scores
    assert (per_row == 10).all() and len(per_row) == sum(len(rows) for rows in table_rows.values())
    averages = kind_averages(tables, 2566)
    assert set(averages["kind"]) == set(shares.index)
    assert (averages.query("kind == @KIND_SAO")["agencies"] > 1000).all()
    province = tables.agencies["province"].dropna().iloc[0]
    port = portfolio_indicators(tables, 2566, province=province)
    scored = set(tables.indicator_scores.query("fiscal_year == 2566")["agency_id"])
    in_province = set(tables.agencies.loc[tables.agencies["province"] == province, "agency_id"])
    assert set(port.matrix["agency_id"]) == in_province & scored and len(port.matrix) > 50
    assert port.below["indicator"].iloc[0] in (8, 9, 10)  # the most often weak indicator
    agency = tables.agencies["agency_id"].iloc[0]
    frame = indicator_table(tables, agency, 2566)
    assert len(frame) == 10 and frame["kind_average"].notna().all()
