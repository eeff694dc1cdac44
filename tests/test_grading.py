"""Grading schemes: band edges, every scheme, the CLI, an edited scheme file, and published results."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import nones

from itanb import grading
from itanb.errors import InputError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _packaged_schemes(monkeypatch):
    monkeypatch.delenv("ITANB_GRADING_SCHEMES", raising=False)


LETTER_EDGES = [
    ("100", "AA"), ("95.00", "AA"), ("94.99", "A"), ("85.00", "A"), ("84.99", "B"), ("75.00", "B"),
    ("74.99", "C"), ("65.00", "C"), ("64.99", "D"), ("55.00", "D"), ("54.99", "E"), ("50.00", "E"),
    ("49.99", "F"), ("0", "F"),
]


@pytest.mark.parametrize("year", [2562, 2563, 2564, 2565])
@pytest.mark.parametrize(("score", "level"), LETTER_EDGES)
def test_letter_bands_edges(year, score, level):
    result = grading.grade(year, score)
    assert (result.level, result.scheme, result.reason) == (level, "letters", None)
    assert result.confirmed


@pytest.mark.parametrize("value", [84.99, "84.99", Decimal("84.99"), np.float64(84.99), " 84.99 "])
def test_84_99_is_b_whatever_the_type(value):
    assert grading.grade(2564, value).level == "B"


@pytest.mark.parametrize("value", [85.0, "85", "85.00", np.float64(85.0), 85])
def test_85_is_a_whatever_the_type(value):
    assert grading.grade(2565, value).level == "A"


def test_typed_numbers_are_two_decimals_half_up():
    assert grading.to_score(84.994) == Decimal("84.99")
    assert grading.to_score(Decimal("84.995")) == Decimal("85.00")
    assert grading.to_score(0.1 + 0.2) == Decimal("0.30")


@pytest.mark.parametrize(("text", "score"), [("๑๐๐", "100.00"), ("100", "100.00"), ("๗๔.๘๓", "74.83"),
                                             (" 0 ", "0.00"), ("85.5", "85.50"), ("100.00", "100.00")])
def test_score_text_in_ascii_or_thai_digits(text, score):
    assert grading.to_score(text) == Decimal(score)


@pytest.mark.parametrize("text", ["-0.001", "-0", "-0.00", "9_5.5", "٩٥", "９５", "+95", "1e2", "84.995",
                                  "95.", ".5", "1,00", "100.01", "0x5f", "NaN", "1e309", "100.005", "๙_๕"])
def test_score_text_anything_else_is_refused_naming_the_value(text):
    with pytest.raises(InputError) as err:
        grading.to_score(text, where="scores/t.csv:7")
    assert str(err.value).startswith("scores/t.csv:7: score ") and text in str(err.value)


@pytest.mark.parametrize("number", [-0.001, -0.0, Decimal("-0"), -1, float("-inf")])
def test_a_typed_negative_number_is_refused(number):
    with pytest.raises(InputError):
        grading.to_score(number)


FIVE = ("ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน", "ต้องปรับปรุง", "ต้องปรับปรุงโดยด่วน")


@pytest.mark.parametrize("year", [2566, 2567, 2568])
@pytest.mark.parametrize(("score", "tools", "level"), [
    ("95.00", ("95.00", "95.00", "95.00", "95.00"), "ผ่านดีเยี่ยม"),
    ("95.00", ("95.00", "94.99", "95.01", "95.00"), "ผ่านดี"),  # one part of EIT below 95
    ("90.00", ("85.00", "86.00", "86.00", "98.50"), "ผ่านดี"),
    ("90.00", ("84.99", "92.00", "93.00", "94.67"), "ผ่าน"),
    ("84.99", None, "ต้องปรับปรุง"),
    ("84.99", ("99", "99", "99", "66.23"), "ต้องปรับปรุง"),  # no condition below 85: the total decides
    ("70.00", None, "ต้องปรับปรุง"),
    ("69.99", None, "ต้องปรับปรุงโดยด่วน"),
    ("0", None, "ต้องปรับปรุงโดยด่วน"),
])
def test_five_levels_on_four_tools(year, score, tools, level):
    iit, eit1, eit2, oit = tools or (None, None, None, None)
    result = grading.grade(year, score, iit=iit, eit1=eit1, eit2=eit2, oit=oit)
    assert (result.scheme, result.level, result.possible) == ("five", level, (level,))
    assert result.confirmed == (year <= 2567)  # FY2568: the same labels, no band table found yet


def test_bsam_2566_is_pass_good_not_excellent():
    """ITA-REFERENCE.md: บสย. FY2566 97.59 (IIT 98.50, EIT part 1 91.15, part 2 95.79, OIT 100) is ผ่านดี."""
    result = grading.grade(2566, "97.59", iit="98.50", eit1="91.15", eit2="95.79", oit="100")
    assert (result.level, result.possible, result.reason) == ("ผ่านดี", ("ผ่านดี",), None)
    # the weights give the published total from the tool scores
    derived = grading.derive(2566, {"iit": "98.50", "eit1": "91.15", "eit2": "95.79", "oit": "100"})
    assert (derived.values["eit"], derived.values["total"]) == (Decimal("93.47"), Decimal("97.59"))


@pytest.mark.parametrize("year", [2566, 2567, 2568])
def test_a_total_alone_never_claims_one_of_the_top_three(year):
    result = grading.grade(year, "97")
    assert result.level is None and result.possible == FIVE[:3]
    assert "IIT" in result.reason and "EIT ส่วนที่ 1" in result.reason and "\n" not in result.reason
    # 86.78 cannot reach ผ่านดีเยี่ยม (total below 95); 84.99 is ต้องปรับปรุง whatever the tools
    assert grading.grade(year, "86.78").possible == ("ผ่านดี", "ผ่าน")
    assert grading.grade(year, "84.99").level == "ต้องปรับปรุง"


def test_possible_levels_respect_the_weights():
    # 99.90 needs every tool above 95 (a tool at 94.99 caps the total at 98.50): only ผ่านดีเยี่ยม
    assert grading.grade(2567, "99.90").possible == ("ผ่านดีเยี่ยม",)
    # EIT 96 as a whole: neither part can be below 85, and IIT or OIT below 85 cannot reach 96
    assert grading.grade(2566, "96", eit="96").possible == ("ผ่านดีเยี่ยม", "ผ่านดี")
    # a part below 85 is known: ผ่าน
    assert grading.grade(2566, "97.50", eit1="84").level == "ผ่าน"
    # tool scores that do not add up to the total are graded as given, and the reason says so
    odd = grading.grade(2566, "97.59", iit="98.50", eit1="91.15", eit2="95.79", oit="90")
    assert odd.level == "ผ่านดี" and "do not add up" in odd.reason


def test_reported_variants_and_reported_only_levels():
    """FY2567's band table spells ต้องปรับปรุงด่วน; FY2562 reports ดำเนินการไม่ครบขั้นตอน (N/A), never computed."""
    assert grading.canonical_level(2567, "ต้องปรับปรุงด่วน") == "ต้องปรับปรุงโดยด่วน"
    assert grading.canonical_level(2566, " ผ่าน ดี ") == "ผ่านดี"
    low = grading.grade(2567, "60")
    assert not grading.contradicts(2567, low.possible, "ต้องปรับปรุงด่วน")
    assert grading.contradicts(2567, low.possible, "ผ่าน")
    assert grading.reported_only(2562, "ดำเนินการไม่ครบขั้นตอน (N/A)") and grading.reported_only(2562, "N/A")
    assert not grading.reported_only(2563, "N/A")
    assert not grading.contradicts(2562, grading.grade(2562, "40").possible, "N/A")
    assert grading.contradicts(2563, grading.grade(2563, "40").possible, "N/A")
    assert all(b.level != "N/A" for y in range(2557, 2569) for b in grading.bands_for(y))
    # ไม่ผ่าน (below 85) stands for the two levels below 85 from FY2566
    assert grading.reported_levels(2566, "ไม่ผ่าน") == ("ต้องปรับปรุง", "ต้องปรับปรุงโดยด่วน")
    assert not grading.contradicts(2566, grading.grade(2566, "79.10").possible, "ไม่ผ่าน")
    assert grading.contradicts(2566, grading.grade(2566, "86").possible, "ไม่ผ่าน")


@pytest.mark.parametrize("year", [2550, 2557, 2558, 2559, 2560, 2561, 2569])
def test_no_level_before_2562_or_after_2568_with_a_one_line_reason(year):
    result = grading.grade(year, "80.00")
    assert result.level is None and result.rank is None and result.possible == ()
    assert result.reason and "\n" not in result.reason and str(year) in result.reason
    assert grading.passed(year, "99") is None or year > 2568


def test_scheme_of_every_year():
    assert [grading.scheme_of(y) for y in range(2556, 2570)] == (
        [None] + ["none"] * 4 + ["words"] + ["letters"] * 4 + ["five"] * 3 + [None])


def test_passed_is_the_harmonised_85_mark():
    assert grading.passed(2562, "84.99") is False
    assert grading.passed(2562, "85.00") is True
    assert grading.passed(2566, 86.78) is True
    assert grading.passed(2568, "84.99") is False


@pytest.mark.parametrize("bad", [120, "100.01", -1, "-0.01", "abc", "", None, float("nan"), "inf", True])
def test_to_score_rejects(bad):
    with pytest.raises(InputError):
        grading.to_score(bad)


def test_bands_for_best_first():
    assert [b.level for b in grading.bands_for(2564)] == ["AA", "A", "B", "C", "D", "E", "F"]
    assert [b.level for b in grading.bands_for(2567)] == [
        "ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน", "ต้องปรับปรุง", "ต้องปรับปรุงโดยด่วน"]
    assert grading.bands_for(2556) == []


# --------------------------------------------------------------------------------- level changes
@pytest.mark.parametrize(("args", "steps", "same", "label"), [
    ((2564, "A", 2565, "D"), -3, True, "ลดลง 3 ระดับ (A → D)"),
    ((2562, "C", 2565, "AA"), 3, True, "ดีขึ้น 3 ระดับ (C → AA)"),
    ((2563, "B", 2564, "B"), 0, True, "คงเดิม (B)"),
    ((2567, "ผ่าน", 2568, "ต้องปรับปรุง"), -1, True, "ลดลง 1 ระดับ (ผ่าน → ต้องปรับปรุง)"),
    ((2565, "A", 2566, "ผ่าน"), None, False, "เปลี่ยนเกณฑ์ (A → ผ่าน)"),
    ((2566, "ผ่าน", 2567, "ผ่านดี"), 1, True, "ดีขึ้น 1 ระดับ (ผ่าน → ผ่านดี)"),
    ((2561, None, 2562, "B"), None, False, "เปลี่ยนเกณฑ์ (– → B)"),
    ((2564, None, 2565, "B"), None, True, "ไม่มีระดับให้เทียบ (– → B)"),
])
def test_level_steps_only_within_one_scheme(args, steps, same, label):
    change = grading.level_steps(*args)
    assert (change.steps, change.same_scheme, change.label) == (steps, same, label)


# --------------------------------------------------------------------------------- vectorised
def test_grade_frame_agrees_with_grade():
    rng = np.random.default_rng(1)
    years = np.repeat(np.arange(2558, 2570), 60)
    scores = np.round(rng.uniform(0, 100, len(years)), 2)
    edges = [84.99, 85.0, 94.99, 95.0, 69.99, 70.0, 74.99, 75.0, 49.99, 50.0]
    scores[: len(edges) * 12] = np.tile(edges, 12)
    tools = np.where(rng.random((4, len(years))) < 0.5, np.round(rng.uniform(80, 100, (4, len(years))), 2),
                     np.nan)
    frame = grading.grade_frame(pd.Series(years), pd.Series(scores), pd.Series(tools[0]), None,
                                pd.Series(tools[3]), eit1=pd.Series(tools[1]), eit2=pd.Series(tools[2]))
    for i, (year, score) in enumerate(zip(years, scores, strict=True)):
        one = grading.grade(int(year), float(score), iit=tools[0][i], eit1=tools[1][i], eit2=tools[2][i],
                            oit=tools[3][i])
        assert nones([frame["level"].iloc[i]]) == [one.level], (year, score)
        assert frame["possible"].iloc[i] == one.possible, (year, score)
        assert nones([frame["scheme"].iloc[i]]) == [one.scheme]
        expected = grading.passed(int(year), float(score))
        got = frame["passed"].iloc[i]
        assert got is pd.NA if expected is None else bool(got) is expected
    assert str(frame["rank"].dtype) == "Int64" and str(frame["passed"].dtype) == "boolean"


def test_all_four_tools_give_the_reference_rule():
    """With IIT, EIT part 1 and 2 and OIT all given and adding up to the total, the level is the rule of
    ITA-REFERENCE.md written out independently; tools that do not add up are graded as given, with a
    reason."""
    rng = np.random.default_rng(4)
    for _ in range(400):
        iit, eit1, eit2, oit = (Decimal(f"{x:.2f}") for x in rng.uniform(60, 100, 4))
        exact = Decimal("0.3") * iit + Decimal("0.15") * (eit1 + eit2) + Decimal("0.4") * oit
        total = exact.quantize(Decimal("0.01"))
        lowest = min(iit, eit1, eit2, oit)
        expected = ("ผ่านดีเยี่ยม" if total >= 95 and lowest >= 95
                    else "ผ่านดี" if total >= 85 and lowest >= 85 else "ผ่าน" if total >= 85
                    else "ต้องปรับปรุง" if total >= 70 else "ต้องปรับปรุงโดยด่วน")
        g = grading.grade(2566, total, iit=iit, eit1=eit1, eit2=eit2, oit=oit)
        assert (g.level, g.possible, g.reason) == (expected, (expected,), None), (total, iit, eit1, eit2, oit)
        off = grading.grade(2566, total, iit=iit, eit1=eit1, eit2=eit2, oit=min(oit + 5, Decimal(100)))
        if oit <= 95 and total >= 85:  # below 85 the level is the band of the total alone
            assert off.level is not None and "do not add up" in off.reason


def test_grade_frame_missing_score_and_range():
    frame = grading.grade_frame(pd.Series([2565, 2565]), pd.Series([np.nan, 85.0]))
    assert nones(frame["level"]) == [None, "A"]
    assert frame["passed"].isna().tolist() == [True, False]
    with pytest.raises(InputError, match="outside"):
        grading.grade_frame(pd.Series([2565]), pd.Series([100.5]))


# --------------------------------------------------------------------------------- published results
def _published():
    with (FIXTURES / "published-ita-scores.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("row", _published(), ids=lambda r: f"{r['agency']}-{r['fiscal_year']}")
def test_published_levels(row):
    """Independent check: levels published by the press with the scores (sources in the CSV)."""
    assert row["source"].startswith("https://")
    assert grading.grade(int(row["fiscal_year"]), row["score"]).level == row["level"]


def test_published_examples_91_10_a_58_13_d_74_57_c():
    assert [grading.grade(fy, s).level for fy, s in [(2564, "91.10"), (2565, "58.13"), (2565, "74.57")]] == [
        "A", "D", "C"]


def test_memo_score_74_83_is_c_although_the_memo_says_e():
    """The real memo (data/khoksaat-ita-measures-memo-2565.md) reports 74.83 "ระดับ E" for FY2564."""
    assert grading.grade(2564, "๗๔.๘๓".translate({0x0E50 + i: 48 + i for i in range(10)})).level == "C"


# --------------------------------------------------------------------------------- edited scheme files
SCHEMES = grading.DEFAULT_SCHEMES


def _edited(tmp_path, edit) -> Path:
    rows = list(csv.DictReader(SCHEMES.open(encoding="utf-8")))
    rows = edit(rows)
    path = tmp_path / "grading_schemes.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(grading.COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _set_min(rows, scheme, level, value):
    for row in rows:
        if row["scheme"] == scheme and row["level"] == level:
            row["min_total"] = value
    return rows


def test_an_edited_scheme_file_by_path_and_env(tmp_path, monkeypatch):
    path = _edited(tmp_path, lambda rows: _set_min(rows, "letters", "A", "80.00"))
    assert grading.grade(2564, "82", path=path).level == "A"
    assert grading.grade(2564, "82").level == "B"
    monkeypatch.setenv("ITANB_GRADING_SCHEMES", str(path))
    assert grading.grade(2564, "82").level == "A"
    # an edited file is re-read when it changes
    path.write_text(path.read_text(encoding="utf-8").replace("80.00", "83.00"), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert grading.grade(2564, "82").level == "B"


def test_a_new_fiscal_year_scheme_can_be_added_as_data(tmp_path):
    def add(rows):
        for row in rows:
            if row["scheme"] == "five":
                row["fy_to"] = "2569"
        return [*rows,
                {"scheme": "next", "fy_from": "2570", "fy_to": "9999", "level": "ดี", "rank": "2",
                 "min_total": "90", "min_each_tool": "", "some_tool_below": "", "tools": "", "note": "",
                 "source": "test", "confirmed_to": ""},
                {"scheme": "next", "fy_from": "2570", "fy_to": "9999", "level": "ไม่ดี", "rank": "1",
                 "min_total": "0", "min_each_tool": "", "some_tool_below": "", "tools": "", "note": "",
                 "source": "test", "confirmed_to": ""}]

    path = _edited(tmp_path, add)
    assert grading.grade(2570, "90", path=path).level == "ดี"
    assert not grading.grade(2570, "90", path=path).confirmed
    assert grading.grade(2569, "90", path=path).possible == ("ผ่านดี", "ผ่าน")
    assert not grading.level_steps(2569, "ผ่าน", 2570, "ดี", path=path).same_scheme


@pytest.mark.parametrize(("edit", "message"), [
    (lambda rows: [{**r, "fy_from": "2565"} if r["scheme"] == "five" else r for r in rows], "both cover"),
    (lambda rows: [{**r, "tools": "iit xit"} if r["scheme"] == "five" else r for r in rows], "unknown tool"),
    (lambda rows: [{**r, "tools": ""} if r["scheme"] == "five" else r for r in rows], "names no tools"),
    (lambda rows: [r for r in rows if r["level"] != "F"], "no floor band"),
    (lambda rows: [{**r, "rank": "6"} if r["level"] == "AA" else r for r in rows], "repeats a rank"),
    (lambda rows: [{**r, "min_total": "abc"} if r["level"] == "B" else r for r in rows], "malformed"),
    (lambda rows: [{**r, "fy_to": "2563"} if r["level"] == "B" else r for r in rows], "two year ranges"),
])
def test_a_broken_scheme_file_is_an_input_error_with_a_line(tmp_path, edit, message):
    path = _edited(tmp_path, edit)
    with pytest.raises(InputError, match=message) as info:
        grading.grade(2564, "80", path=path)
    assert str(path.resolve()) in str(info.value)


def test_missing_column_and_missing_file(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("scheme,fy_from\nletters,2562\n", encoding="utf-8")
    with pytest.raises(InputError, match="lack column"):
        grading.load_schemes(path)
    with pytest.raises(InputError, match="cannot read"):
        grading.load_schemes(tmp_path / "nope.csv")


# --------------------------------------------------------------------------------- CLI
def _itanb(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "ITANB_GRADING_SCHEMES"}
    full_env.update({"PYTHAINLP_READ_ONLY": "1", **(env or {})})
    return subprocess.run([sys.executable, "-m", "itanb.cli", *args], capture_output=True, text=True,
                          env=full_env, cwd=ROOT, timeout=120, check=False)


@pytest.mark.parametrize(("args", "out"), [
    (["grade", "--year", "2564", "74.83"], "C"),
    (["grade", "--year", "2565", "85.00"], "A"),
    (["grade", "--year", "2565", "84.99"], "B"),
    (["grade", "--year", "2566", "84.99"], "ต้องปรับปรุง"),
    (["grade", "--year", "2567", "96", "--iit", "96", "--eit1", "95", "--eit2", "95", "--oit", "96.75"],
     "ผ่านดีเยี่ยม"),
    (["grade", "--year", "2567", "86.78"], "ผ่านดี / ผ่าน"),
])
def test_cli_grade(args, out):
    result = _itanb(*args)
    assert (result.returncode, result.stdout) == (0, out + "\n")
    # only a total that leaves levels open carries a reason (on stderr, one line naming the missing tools)
    assert ("EIT ส่วนที่ 1" in result.stderr) == ("/" in out)
    assert result.stderr.count("\n") == int("/" in out)


def _grade_json(*args: str) -> tuple[int, dict]:
    result = _itanb("grade", "--json", *args)
    assert result.stdout.count("\n") == 1 and result.stderr == ""
    return result.returncode, json.loads(result.stdout)


def test_cli_grade_json_total_alone_in_2567():
    code, out = _grade_json("--year", "2567", "97")
    assert code == 0
    assert out == {"fiscal_year": 2567, "score": 97.0, "scheme": "five", "level": None,
                   "possible": ["ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน"], "reason": out["reason"]}
    assert "IIT" in out["reason"] and "OIT" in out["reason"]


def test_cli_grade_json_thai_digits_and_bsam():
    """บสย. FY2566 (ITA-REFERENCE.md) in Thai digits: ผ่านดี, not ผ่านดีเยี่ยม."""
    code, out = _grade_json("--year", "๒๕๖๖", "๙๗.๕๙", "--iit", "๙๘.๕๐", "--eit1", "๙๑.๑๕", "--eit2", "๙๕.๗๙",
                            "--oit", "๑๐๐")
    assert (code, out["level"], out["possible"], out["reason"], out["score"]) == (0, "ผ่านดี", ["ผ่านดี"], None,
                                                                                  97.59)


def test_cli_grade_json_no_levels_exits_1():
    code, out = _grade_json("--year", "2561", "80")
    assert (code, out["level"], out["possible"], out["scheme"]) == (1, None, [], "words")
    assert "2561" in out["reason"]


def test_cli_grade_eit_and_its_parts_exclusive():
    result = _itanb("grade", "--year", "2566", "90", "--eit", "90", "--eit1", "90")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "--eit1" in result.stderr


def test_cli_no_level_exits_1_with_one_line():
    result = _itanb("grade", "--year", "2560", "80")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "2560" in result.stderr


@pytest.mark.parametrize("score", ["120", "abc", "-3"])
def test_cli_bad_score_exits_2_with_one_line(score):
    result = _itanb("grade", "--year", "2565", "--", score)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("itanb: ")
    assert "Traceback" not in result.stderr


def test_cli_uses_an_edited_scheme_file(tmp_path):
    path = _edited(tmp_path, lambda rows: _set_min(rows, "letters", "A", "70.00"))
    result = _itanb("grade", "--year", "2564", "74.83", env={"ITANB_GRADING_SCHEMES": str(path)})
    assert (result.returncode, result.stdout) == (0, "A\n")


def test_one_rule_for_a_level_mismatch():
    assert grading.level_disagrees(2565, "74.83", "E")
    assert not grading.level_disagrees(2565, "74.83", " c ")  # spelling, not a disagreement
    assert not grading.level_disagrees(2565, "74.83", None)
    assert not grading.level_disagrees(2561, "74.83", "E")  # no level computable
    # 97.10 in 2567 without tool scores may be any of the top three: a reported one is not wrong
    assert not grading.level_disagrees(2567, "97.10", "ผ่านดีเยี่ยม")
    # with the tool scores it is decided: EIT part 1 at 91 rules out ผ่านดีเยี่ยม
    tools = {"iit": "99.00", "eit1": "91.00", "eit2": "99.00", "oit": "97.25"}
    assert grading.level_disagrees(2567, "97.10", "ผ่านดีเยี่ยม", tools=tools)
    assert not grading.level_disagrees(2567, "97.10", "ผ่านดี", tools=tools)
    assert grading.level_disagrees(2567, "80.00", "ผ่านดีเยี่ยม")  # the total rules it out
    assert grading.level_mismatch_message(2564, "74.83", "E", "C") == \
        "ระดับที่รายงาน E ไม่ตรงกับระดับที่คำนวณได้ C จากคะแนน 74.83 (ปีงบประมาณ พ.ศ. 2564)"
