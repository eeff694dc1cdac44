"""Indicator-level analysis on the SYNTHETIC example agencies (tests/fixtures/synthetic_agency.py) with
SYNTHETIC indicator scores, against the REAL national indicator figures (itanb/data/national-indicators.csv).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import cut_off_texts
from fixtures.synthetic_agency import AGENCY_ID, synthetic_indicator_tables

from itanb import indicators
from itanb.errors import ParameterError


@pytest.fixture(scope="module")
def tables():
    return synthetic_indicator_tables()


def test_indicator_table_columns_scores_change_national_and_kind(tables):
    t = indicators.indicator_table(tables, AGENCY_ID, 2566)
    assert list(t.columns) == indicators.INDICATOR_COLUMNS and t.attrs["fiscal_year"] == 2566
    assert t["indicator"].tolist() == list(range(1, 11))
    row = t.set_index("indicator")
    assert row.loc[9, "name"] == "การเปิดเผยข้อมูล" and row.loc[9, "tool"] == "OIT"
    assert (row.loc[8, "score"], row.loc[8, "prev_score"], row.loc[8, "change"]) == (75.5, 70.0, 5.5)
    assert int(row.loc[8, "prev_year"]) == 2565
    # national figures where the NACC published them (FY2566: indicator 1 96.42, indicator 8 87.17)
    assert (row.loc[1, "national"], row.loc[8, "national"]) == (96.42, 87.17)
    assert row.loc[8, "gap_to_national"] == -11.67 and np.isnan(row.loc[5, "national"])
    # the average of the loaded อบต. (this agency and synthetic-third): (75.5 + 80) / 2
    assert (row.loc[8, "kind_average"], int(row.loc[8, "kind_agencies"])) == (77.75, 2)
    assert row.loc[8, "gap_to_kind"] == -2.25
    assert t.loc[t["weak"], "indicator"].tolist() == [8, 10]
    assert int(row.loc[10, "rank_low"]) == 1 and int(row.loc[8, "rank_low"]) == 2


@pytest.mark.parametrize("few_rows", [indicators.FEW_ROWS, -1])
def test_an_agencys_kind_average_is_its_kinds_row_of_kind_averages(tables, monkeypatch, few_rows):
    """indicator_table averages the agency's kind itself (over that kind's rows only; in plain Python, or
    with few_rows -1 by pandas' groupby as a national table is): the same averages and counts, to the last
    bit, as kind_averages' grouping of every kind (pandas' mean)."""
    monkeypatch.setattr(indicators, "FEW_ROWS", few_rows)
    kinds = dict(zip(tables.agencies["agency_id"], tables.agencies["kind"], strict=True))
    compared = 0
    for fiscal_year in (2565, 2566):
        averages = indicators.kind_averages(tables, fiscal_year).set_index(["kind", "indicator"])
        for agency_id, kind in kinds.items():
            t = indicators.indicator_table(tables, agency_id, fiscal_year)
            if t.attrs["fiscal_year"] != fiscal_year:
                continue
            for row in t.itertuples():
                if pd.isna(row.kind_agencies):  # no scores of the kind that year (the agency has none)
                    assert (kind, row.indicator) not in averages.index
                    continue
                expected = averages.loc[(kind, row.indicator)]
                assert (row.kind_average, row.kind_agencies) == (expected["average"], expected["agencies"])
                compared += 1
    assert compared >= 20


def test_weakest_are_those_below_85_else_the_three_lowest(tables):
    t = indicators.indicator_table(tables, AGENCY_ID, 2566)
    assert indicators.weakest(t)["indicator"].tolist() == [10, 8]
    strong = indicators.indicator_table(tables, "synthetic-second", 2566)
    lowest = indicators.weakest(strong)
    assert lowest["indicator"].tolist() == [10, 9, 8] and not lowest["weak"].any()


def test_tool_table(tables):
    tools = indicators.tool_table(tables, AGENCY_ID, 2566)
    assert tools["tool"].tolist() == ["iit", "eit", "eit1", "eit2", "oit"]
    assert tools["label"].tolist() == ["IIT", "EIT", "EIT ส่วนที่ 1", "EIT ส่วนที่ 2", "OIT"]
    iit = tools.set_index("tool").loc["iit"]
    assert (iit["score"], iit["prev_score"], iit["change"], bool(iit["computed"])) == (90.7, 89.0, 1.7, True)
    assert indicators.tool_table(tables, "synthetic-third", 2566).empty


def test_measures_answer_the_weak_indicators_of_the_assessment_before(tables):
    """FY2566 measures respond to the FY2565 assessment: weak 4, 8, 9, 10; indicator 10 is not answered."""
    answer = indicators.measures_answer(tables, AGENCY_ID, 2566)
    assert (answer.assessment_year, answer.measures_year) == (2565, 2566)
    rows = answer.rows.set_index("indicator")
    assert rows.index.tolist() == [10, 8, 4, 9]
    assert rows["addressed"].to_dict() == {10: False, 8: True, 4: True, 9: True}
    assert rows.loc[8, "measure_names"] == ["E-Service"]
    assert [f.code for f in answer.findings] == ["weak_indicator_unaddressed"]
    finding = answer.findings[0]
    assert "ตัวชี้วัดที่ 10" in finding.message and "60.00" in finding.message
    assert (finding.agency_id, finding.fiscal_year) == (AGENCY_ID, 2566)


def test_measures_answer_without_indicator_scores_is_empty(tables):
    answer = indicators.measures_answer(tables, "synthetic-third", 2566)
    assert answer.rows.empty and answer.findings == [] and answer.assessment_year is not None


def test_indicator_trend(tables):
    trend = indicators.indicator_trend(tables, AGENCY_ID)
    assert list(trend.columns) == ["fiscal_year", "indicator", "name", "score", "change", "years_gap"]
    i8 = trend[trend["indicator"] == 8]
    assert i8["fiscal_year"].tolist() == [2565, 2566] and i8["change"].tolist()[1] == 5.5
    assert np.isnan(i8["change"].iloc[0]) and i8["years_gap"].tolist()[1] == 1


def test_portfolio_indicators(tables):
    p = indicators.portfolio_indicators(tables, 2566)
    assert p.matrix["agency_id"].tolist() == sorted(p.matrix["agency_id"], key=lambda a: p.matrix.set_index(
        "agency_id").loc[a, "name"])
    assert len(p.matrix) == 3 and list(p.matrix.columns[-10:]) == [f"i{i}" for i in range(1, 11)]
    below = p.below.set_index("indicator")
    # indicator 8: 75.5 and 80 below 85, 92 not
    assert (below.loc[8, "below"], below.loc[8, "agencies"]) == (2, 3)
    assert below.loc[8, "share_below"] == pytest.approx(2 / 3)
    assert below.loc[8, "national"] == 87.17 and below.loc[8, "mean"] == round((75.5 + 92 + 80) / 3, 2)
    assert p.below["below"].is_monotonic_decreasing
    kinds = p.by_kind.set_index(["kind", "indicator"])
    assert kinds.loc[("อบต.", 8), "mean"] == 77.75 and kinds.loc[("อบต.", 8), "agencies"] == 2
    one = indicators.portfolio_indicators(tables, 2566, province="สมมุติ")
    assert set(one.matrix["agency_id"]) == {AGENCY_ID, "synthetic-second"}
    with pytest.raises(ParameterError):
        indicators.portfolio_indicators(tables, 2566, province="ไม่มีจังหวัดนี้")


def test_tables_without_indicator_tables_work(tables):
    bare = tables._replace(indicator_scores=None, tool_scores=None)
    t = indicators.indicator_table(bare, AGENCY_ID, 2566)
    assert t["score"].isna().all() and not t["weak"].any()
    assert indicators.portfolio_indicators(bare, 2566).matrix.empty
    assert isinstance(indicators.indicator_trend(bare, AGENCY_ID), pd.DataFrame)


def test_charts_draw_with_the_bundled_font_and_no_missing_glyph(tables, recwarn):
    from matplotlib.text import Text

    from itanb import charts

    p = indicators.portfolio_indicators(tables, 2566)
    t = indicators.indicator_table(tables, AGENCY_ID, 2566)
    for fig in (charts.indicator_heatmap(p.matrix, True), charts.indicator_bars(t, False, title="ตัวชี้วัด")):
        fig.canvas.draw()
        texts = [a for a in fig.findobj(Text) if a.get_text().strip() and a.get_visible()]
        assert texts and all("Sarabun" in charts.font_file(a) for a in texts)
        assert "<text " in charts.svg_text(fig)
        assert cut_off_texts(fig) == []  # the heat chart's margins are measured, the bars' fixed
    assert not [w for w in recwarn.list if "glyph" in str(w.message).lower()]
