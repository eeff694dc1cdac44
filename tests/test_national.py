"""The NACC's published national figures (itanb/data, sources: the NACC's reports to the Cabinet), checked
against each other and against the grading rules: independent statements of the same reports must agree."""

from __future__ import annotations

import pytest

from itanb import grading, national
from itanb.errors import InputError


def test_national_averages_fy2566_is_90_19_and_the_yearly_changes_match_the_reports():
    avg = national.national_averages().set_index("fiscal_year")["national_average"]
    assert avg[2566] == 90.19  # report FY2566 3.1 (an earlier file had 90.2)
    # each report states the change from the previous year: 2564 +13.35, 2565 +6.32, 2566 +2.62, 2567 +2.86
    changes = {fy: round(avg[fy] - avg[fy - 1], 2) for fy in (2564, 2565, 2566, 2567)}
    assert changes == {2564: 13.35, 2565: 6.32, 2566: 2.62, 2567: 2.86}


@pytest.mark.parametrize(("fiscal_year", "level"), [(2562, "C"), (2563, "C"), (2564, "B"), (2565, "A")])
def test_published_national_average_levels(fiscal_year, level):
    """Reports FY2562 "66.73 คะแนน จัดอยู่ในระดับ C", FY2563 "67.90 … ระดับ C", FY2564 "81.25 … ระดับ B",
    FY2565 "87.57 … ระดับ A"."""
    avg = national.national_averages().set_index("fiscal_year")["national_average"]
    assert grading.grade(fiscal_year, avg[fiscal_year]).level == level


def test_level_counts_add_up_to_the_agencies_and_the_pass_count():
    levels = national.national_levels()
    avg = national.national_averages().set_index("fiscal_year")
    for fy in (2566, 2567):
        year = levels[levels["fiscal_year"] == fy].set_index("level")["agencies"]
        assert year.sum() == avg.loc[fy, "agencies"]
        failing = year["ต้องปรับปรุง"] + year["ต้องปรับปรุงโดยด่วน"]
        assert failing == avg.loc[fy, "agencies"] - avg.loc[fy, "passed_85"]  # 1,586 and 629 in the reports
    share_2562 = levels.loc[levels["fiscal_year"] == 2562, "percent"].sum()
    assert abs(share_2562 - 100) < 0.05
    # every published level is a level of its year's scheme, or a reported-only category (FY2562 N/A)
    for fy, level in zip(levels["fiscal_year"], levels["level"], strict=True):
        assert grading.canonical_level(fy, level) == level or grading.reported_only(fy, level)


def test_fy2562_national_indicators_recompute_to_the_national_average():
    ind = national.national_indicators()
    fy2562 = ind[ind["fiscal_year"] == 2562]
    assert fy2562["indicator"].tolist() == list(range(1, 11))
    values = {f"i{i}": s for i, s in zip(fy2562["indicator"], fy2562["score"], strict=True)}
    avg = national.national_averages().set_index("fiscal_year").loc[2562, "national_average"]
    derived = grading.derive(2562, {**values, "total": avg})
    assert derived.mismatches == ()
    assert {"iit", "eit", "oit"} <= derived.computed
    # the lowest indicators the reports name: FY2566 and FY2567 indicator 8
    lowest = ind[ind["note"].fillna("").str.contains("lowest")]
    assert lowest.set_index("fiscal_year")["indicator"].to_dict() == {2566: 8, 2567: 8}


def test_type_averages():
    t = national.type_averages()
    assert t.groupby("fiscal_year").size().to_dict() == {2564: 17, 2565: 17, 2566: 17}
    sao = t[t["kind"] == "อบต."].set_index("fiscal_year")
    assert sao.loc[2566, ["agencies", "average", "passed_share"]].tolist() == [5300, 90.11, 0.8011]
    assert sao.loc[2565, "average"] == 87.04 and sao.loc[2564, "average"] == 80.72
    avg = national.national_averages().set_index("fiscal_year")["agencies"]
    for fy in (2565, 2566):  # the 17 types together are all agencies assessed
        assert t.loc[t["fiscal_year"] == fy, "agencies"].sum() == avg[fy]
    assert set(t["kind"].dropna()) == {"อบต.", "เทศบาลตำบล", "เทศบาลเมือง", "เทศบาลนคร", "อบจ.", "จังหวัด"}


@pytest.mark.parametrize(("loader", "text", "message"), [
    (national.national_averages, "fiscal_year,agencies,national_average,passed_85,passed_share,source\n"
     "2565,8303,87.57,5855,0.7052,\n", "needs a source"),
    (national.national_averages, "fiscal_year,agencies,national_average,passed_85,passed_share,source\n"
     "2565,8303,187.57,5855,0.7052,https://x\n", "not a number in 0–100"),
    (national.national_averages, "fiscal_year,national_average\n2565,87\n", "missing column"),
    (national.national_levels, "fiscal_year,level,agencies,percent,source\n2566,A,1,1,https://x\n",
     "not a level of FY2566"),
    (national.national_indicators, "fiscal_year,indicator,score,note,source\n2562,11,50,,https://x\n",
     "indicator '11'"),
    (national.national_indicators, "fiscal_year,indicator,score,note,source\n2562,1,50,,https://x\n"
     "2562,1,51,,https://x\n", "appears twice"),
])
def test_a_bad_figures_file_names_the_file_and_line(tmp_path, loader, text, message):
    path = tmp_path / "figures.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        loader(path)
    assert str(path) in str(info.value)


def test_a_figures_file_is_read_once_and_an_edit_is_seen(tmp_path):
    """Each report asks for the national figures several times: the file is read and checked once per
    process while it stays the same, every caller gets its own copy, and an edit is seen at the next call."""
    import os

    path = tmp_path / "averages.csv"
    head = "fiscal_year,agencies,national_average,passed_85,passed_share,source\n"
    path.write_text(head + "2565,8303,87.57,5855,0.7052,https://x\n", encoding="utf-8")
    first = national.national_averages(path)
    first.loc[0, "national_average"] = 0.0  # a caller's change stays its own
    assert national.national_averages(path)["national_average"].tolist() == [87.57]
    path.write_text(head + "2565,8303,88.00,5855,0.7052,https://x\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # even within the clock's tick
    assert national.national_averages(path)["national_average"].tolist() == [88.0]
    path.write_text(head + "2565,8303,188.00,5855,0.7052,https://x\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a number in 0–100"):
        national.national_averages(path)
