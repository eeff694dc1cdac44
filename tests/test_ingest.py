"""raw -> processed: the shipped data against golden tables, merging, findings, nothing written on error.

Regenerate the golden tables with ``ITANB_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_ingest.py`` and review
the diff of ``tests/fixtures/golden/*.csv`` by eye before committing it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from itanb.errors import InputError
from itanb.ingest import files as ingest_files  # where memos are parsed (its POOL_THRESHOLD is patched)
from itanb.ingest import ingest
from itanb.paths import PROJ_ROOT
from itanb.store import TABLES, load_tables

SHIPPED_RAW = PROJ_ROOT / "data" / "raw"
MEMO = SHIPPED_RAW / "memos" / "khoksaat-ita-measures-memo-2565.md"
SCORES = Path(__file__).parent / "fixtures" / "scores"
GOLDEN = Path(__file__).parent / "fixtures" / "golden"
VOLATILE = {"sources": ["ingested_at"]}
H = "agency,fiscal_year,score,level\n"


def golden_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A table as strings, the way it is stored in the golden CSV (lists as JSON, missing values empty)."""
    out = pd.DataFrame(index=df.index)
    for name, series in df.items():
        if name == "owners":
            out[name] = [json.dumps(list(v), ensure_ascii=False) for v in series]
        elif pd.api.types.is_datetime64_any_dtype(series):
            out[name] = [v.isoformat() if not pd.isna(v) else "" for v in series]
        else:
            out[name] = ["" if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) else str(v)
                         for v in series]
    return out.astype(str).reset_index(drop=True)  # pandas' text dtype also when empty, as read from the CSV


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def make_raw(tmp_path: Path, memos: dict[str, str] | None = None,
             scores: dict[str, str | bytes] | None = None, agencies: str | None = None) -> Path:
    raw = tmp_path / "raw"
    (raw / "memos").mkdir(parents=True)
    (raw / "scores").mkdir(parents=True)
    for name, text in (memos or {}).items():
        (raw / "memos" / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / "memos" / name).write_text(text, encoding="utf-8")
    for name, content in (scores or {}).items():
        data = content.encode() if isinstance(content, str) else content
        (raw / "scores" / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / "scores" / name).write_bytes(data)
    if agencies is not None:
        (raw / "agencies.csv").write_text(agencies, encoding="utf-8")
    return raw


def memo_text(name: str = "โคกสะอาด") -> str:
    return MEMO.read_text(encoding="utf-8").replace("โคกสะอาด", name)


def test_shipped_raw_matches_golden_tables(tmp_path):
    before = tree_digest(SHIPPED_RAW)
    summary = ingest(raw_dir=SHIPPED_RAW, processed_dir=tmp_path / "processed")
    assert tree_digest(SHIPPED_RAW) == before  # raw is read-only
    tables = load_tables(tmp_path / "processed")
    update = os.environ.get("ITANB_UPDATE_GOLDEN") == "1"
    for name in TABLES:
        actual = golden_frame(getattr(tables, name).drop(columns=VOLATILE.get(name, [])))
        path = GOLDEN / f"{name}.csv"
        if update:
            GOLDEN.mkdir(parents=True, exist_ok=True)
            actual.to_csv(path, index=False, lineterminator="\n")
        expected = pd.read_csv(path, dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(actual, expected, obj=f"{name} (golden {path.name})")
    assert "measures: 12" in summary.text()


def test_shipped_raw_facts(tmp_path):
    """The facts the golden files must show, checked independently of them."""
    ingest(raw_dir=SHIPPED_RAW, processed_dir=tmp_path)
    t = load_tables(tmp_path)
    assert set(t.agencies["agency_id"]) == {"sao-khok-sa-at", "prov-kanchanaburi", "prov-narathiwat"}
    m = t.measures
    assert len(m) == 12 and (m["status"] == "done").all() and (m["agency_id"] == "sao-khok-sa-at").all()
    assert (m["fiscal_year"] == 2565).all() and (m["status_as_of"] == pd.Timestamp("2022-03-31")).all()
    assert list(m["no"]) == list(range(1, 13))
    a = t.assessments.set_index(["agency_id", "fiscal_year"])
    memo_row = a.loc[("sao-khok-sa-at", 2564)]
    assert (memo_row["score"], memo_row["level"], memo_row["level_reported"]) == (74.83, "C", "E")
    assert memo_row["source"].startswith("memos/khoksaat-ita-measures-memo-2565.md:")
    assert not memo_row["passed"]
    published = {k: (r["score"], r["level"], r["level_reported"]) for k, r in a.iterrows()
                 if k[0].startswith("prov-")}
    assert published == {("prov-kanchanaburi", 2564): (91.10, "A", "A"),
                         ("prov-kanchanaburi", 2565): (58.13, "D", "D"),
                         ("prov-narathiwat", 2565): (74.57, "C", "C")}
    mismatch = t.findings[t.findings["code"] == "level_mismatch"]
    assert list(mismatch["agency_id"]) == ["sao-khok-sa-at"] and list(mismatch["fiscal_year"]) == [2564]
    assert t.findings["agency_id"].notna().all()
    assert set(t.sources["path"]) == {"memos/khoksaat-ita-measures-memo-2565.md",
                                      "scores/published-ita-scores.csv", "agencies.csv",
                                      "scores/nacc-report-fy2565-khok-sa-at.csv"}
    # agencies.csv pins the district, cited to the agency's own site; the memo's typo stays a finding
    sao = t.agencies.set_index("agency_id").loc["sao-khok-sa-at"]
    assert (sao["district"], sao["province"]) == ("ฆ้องชัย", "กาฬสินธุ์")
    assert "location_conflict" in set(t.findings["code"])


def test_score_tables_alone(tmp_path):
    raw = make_raw(tmp_path, scores={
        "a/valid-english.csv": (SCORES / "valid-english.csv").read_bytes(),
        "valid-cp874.csv": (SCORES / "valid-cp874.csv").read_bytes(),
        "valid.xlsx": (SCORES / "valid.xlsx").read_bytes(),
    })
    summary = ingest(raw_dir=raw, processed_dir=tmp_path / "processed")
    t = load_tables(tmp_path / "processed")
    a = t.assessments.set_index(["agency_id", "fiscal_year"])
    # อบต.โคกสะอาด 2565 86.00 is in valid-english.csv and valid.xlsx: kept once, with a finding
    assert a.loc[("sao-khok-sa-at", 2565), "score"] == 86.0
    assert a.loc[("sao-khok-sa-at", 2565), "source"] == "https://example.org/ita-2565"
    assert a.loc[("pao-kalasin", 2565), ["level", "level_reported"]].tolist() == ["B", "B"]
    codes = t.findings.groupby("code")["agency_id"].apply(sorted).to_dict()
    assert codes["duplicate_assessment"] == ["sao-khok-sa-at"]
    assert codes["ce_year"] == ["prov-kanchanaburi", "prov-narathiwat"]
    assert codes["level_mismatch"] == ["sao-khok-sa-at"]  # 74.83 reported E in the cp874 table
    assert t.findings["agency_id"].notna().all()
    assert a.loc[("sao-khok-sa-at", 2563), "source"] == "scores/a/valid-english.csv:2"
    assert summary.score_tables == 3 and summary.memos == 0
    assert "duplicate_assessment: 1" in summary.text()


def test_memo_and_table_with_the_same_score(tmp_path):
    raw = make_raw(tmp_path, memos={"m.md": memo_text()},
                   scores={"s.csv": H + "อบต.โคกสะอาด,2564,74.83,C\n"})
    ingest(raw_dir=raw, processed_dir=tmp_path / "p")
    t = load_tables(tmp_path / "p")
    row = t.assessments.iloc[0]
    assert len(t.assessments) == 1 and row["source"] == "scores/s.csv:2" and row["level_reported"] == "C"
    # a memo citing the table's score corroborates it: no finding (two tables repeating one are)
    assert "duplicate_assessment" not in set(t.findings["code"])
    assert list(t.findings.loc[t.findings["code"] == "level_mismatch", "source"]) == ["memos/m.md"]


def test_memo_and_table_disagree(tmp_path):
    raw = make_raw(tmp_path, memos={"m.md": memo_text()},
                   scores={"s.csv": H + "องค์การบริหารส่วนตำบล โคกสะอาด,2564,80.00,B\n"})
    with pytest.raises(InputError, match=r"memos/m\.md:\d+: .*74\.83.*80\.00 at scores/s\.csv:2"):
        ingest(raw_dir=raw, processed_dir=tmp_path / "p")
    assert not (tmp_path / "p").exists()


def test_duplicate_across_tables_with_different_scores(tmp_path):
    raw = make_raw(tmp_path, scores={"a.csv": H + "จังหวัดกาญจนบุรี,2564,91.10,A\n",
                                     "b.csv": H + "จ.กาญจนบุรี,2564,91.20,A\n"})
    with pytest.raises(InputError, match=r"scores/b\.csv:2: prov-kanchanaburi FY2564: .*scores/a\.csv:2"):
        ingest(raw_dir=raw, processed_dir=tmp_path / "p")


def test_nothing_is_written_on_error(tmp_path):
    processed = tmp_path / "p"
    ingest(raw_dir=SHIPPED_RAW, processed_dir=processed)
    before = tree_digest(processed)
    raw = make_raw(tmp_path, memos={"m.md": memo_text()},
                   scores={"good.csv": H + "จังหวัดกาญจนบุรี,2564,91.10,A\n", "z.csv": H + "x,2564,120,A\n"})
    with pytest.raises(InputError, match=r"scores/z\.csv:2"):
        ingest(raw_dir=raw, processed_dir=processed)
    assert tree_digest(processed) == before


@pytest.mark.parametrize(("setup", "pattern"), [
    (lambda tmp: tmp / "missing", r"missing: raw folder not found"),
    (make_raw, r"nothing to ingest"),
])
def test_bad_raw_folder(tmp_path, setup, pattern):
    with pytest.raises(InputError, match=pattern):
        ingest(raw_dir=setup(tmp_path), processed_dir=tmp_path / "p")


def test_processed_inside_raw_is_refused(tmp_path):
    raw = make_raw(tmp_path, scores={"s.csv": H + "จังหวัดกาญจนบุรี,2564,91.10,A\n"})
    with pytest.raises(InputError, match="must not be inside the raw folder"):
        ingest(raw_dir=raw, processed_dir=raw / "processed")


def test_pinned_agencies_and_ignored_files(tmp_path):
    raw = make_raw(tmp_path, memos={"2565/m.md": memo_text(), "notes.pdf": "x"},
                   scores={"s.csv": H + "จังหวัดกาญจนบุรี,2564,91.10,A\n", ".~lock.s.csv#": "x"},
                   agencies="agency_id,name,district,province\nkhoksaat,องค์การบริหารส่วนตำบลโคกสะอาด,ฆ้องชัย,กาฬสินธุ์\n")
    summary = ingest(raw_dir=raw, processed_dir=tmp_path / "p")
    t = load_tables(tmp_path / "p")
    agencies = t.agencies.set_index("agency_id")
    assert agencies.loc["khoksaat", "district"] == "ฆ้องชัย"
    assert set(t.measures["agency_id"]) == {"khoksaat"}
    assert set(t.sources["kind"]) == {"agencies", "memo", "scores"}
    assert summary.ignored == ["memos/notes.pdf"]
    assert "ignored 1 file" in summary.text()


def test_two_memos_with_measures_for_one_agency_year(tmp_path):
    raw = make_raw(tmp_path, memos={"a.md": memo_text(), "b.md": memo_text()})
    with pytest.raises(InputError, match=r"memos/b\.md: a second memo with measures of sao-khok-sa-at FY2565 "
                                         r"\(the first is memos/a\.md\)"):
        ingest(raw_dir=raw, processed_dir=tmp_path / "p")


def test_process_pool_gives_the_same_tables(tmp_path, monkeypatch):
    names = ["โคกสะอาด", "โนนสูง", "บ้านใหม่", "หนองบัว"]
    raw = make_raw(tmp_path, memos={f"m{i}.md": memo_text(n) for i, n in enumerate(names)})
    ingest(raw_dir=raw, processed_dir=tmp_path / "serial", workers=1)
    monkeypatch.setattr(ingest_files, "POOL_THRESHOLD", 1)
    ingest(raw_dir=raw, processed_dir=tmp_path / "pool", workers=2)
    serial, pool = load_tables(tmp_path / "serial"), load_tables(tmp_path / "pool")
    for name in TABLES:
        drop = VOLATILE.get(name, [])
        pd.testing.assert_frame_equal(getattr(serial, name).drop(columns=drop),
                                      getattr(pool, name).drop(columns=drop))
    assert set(serial.agencies["agency_id"]) == {"sao-khok-sa-at", "sao-non-sung", "sao-ban-mai",
                                                 "sao-nong-bua"}
    assert len(serial.measures) == 48


def test_a_memo_level_is_checked_once(tmp_path):
    """A level reported for a year whose scheme computes none: one finding, the memo parser's."""
    text = memo_text().replace("ประจำปีงบประมาณ พ.ศ. ๒๕๖๔ ขององค์การ", "ประจำปีงบประมาณ พ.ศ. ๒๕๖๑ ขององค์การ")
    raw = make_raw(tmp_path, memos={"m.md": text.replace("อยู่ในระดับ E", "อยู่ในระดับ สูง")})
    ingest(raw_dir=raw, processed_dir=tmp_path / "p")
    f = load_tables(tmp_path / "p").findings
    unknown = f[f["code"] == "unknown_level_scheme"]
    assert list(zip(unknown["source"], unknown["fiscal_year"], strict=True)) == [("memos/m.md", 2561)]


def test_every_raw_file_is_read_once(tmp_path, monkeypatch):
    raw = make_raw(tmp_path, memos={"m.md": memo_text()},
                   scores={"s.csv": H + "จังหวัดกาญจนบุรี,2564,91.10,A\n",
                           "x.xlsx": (SCORES / "valid.xlsx").read_bytes()},
                   agencies="agency_id,name\nkhoksaat,องค์การบริหารส่วนตำบลโคกสะอาด\n")
    reads: list[str] = []
    read_bytes = Path.read_bytes

    def counting(path: Path) -> bytes:
        if path.is_relative_to(raw):
            reads.append(path.relative_to(raw).as_posix())
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", counting)
    ingest(raw_dir=raw, processed_dir=tmp_path / "p", workers=1)
    assert sorted(reads) == ["agencies.csv", "memos/m.md", "scores/s.csv", "scores/x.xlsx"]


# --------------------------------------------------------------------------------- tool and indicator scores
INDICATORS_TABLE = SCORES / "published-indicators-thai.csv"  # FY2562 national indicators (report FY2562)
TOOLS_TABLE = SCORES / "published-tools-thai.csv"  # บสย. FY2566 (ITA-REFERENCE.md)


def _ingest_tables(tmp_path: Path, **scores: str):
    raw = make_raw(tmp_path, scores=scores)
    ingest(raw_dir=raw, processed_dir=tmp_path / "processed")
    return load_tables(tmp_path / "processed")


def test_published_indicator_rows_with_thai_headers_recompute_to_their_total(tmp_path):
    t = _ingest_tables(tmp_path, **{"national.csv": INDICATORS_TABLE.read_text(encoding="utf-8")})
    assert t.findings.empty  # 66.73 from the ten indicators within 0.01, level C as published
    ind = t.indicator_scores
    assert ind["indicator"].tolist() == list(range(1, 11))
    assert ind.set_index("indicator").loc[9, "score"] == 52.69  # header การเปิดเผยข้อมูล
    tools = t.tool_scores.set_index("tool")
    assert tools["score"].to_dict() == {"iit": 81.75, "eit": 77.35, "oit": 47.52}
    assert tools["computed"].all() and tools["source"].str.contains("32359").all()
    a = t.assessments.iloc[0]
    assert (a["score"], a["level"], a["iit"], a["eit"], a["oit"]) == (66.73, "C", 81.75, 77.35, 47.52)


def test_an_altered_indicator_is_exactly_one_total_mismatch_naming_both_numbers(tmp_path):
    text = INDICATORS_TABLE.read_text(encoding="utf-8").replace(",52.69,", ",62.69,")
    t = _ingest_tables(tmp_path, **{"national.csv": text})
    assert t.findings["code"].tolist() == ["total_mismatch"]
    message = t.findings["message"].iloc[0]
    assert "66.73" in message and "68.74" in message  # published and recomputed (+10 / 2 * 0.4 = +2.00)
    assert t.assessments["score"].iloc[0] == 66.73  # never overwritten


def test_published_tool_scores_grade_and_check_the_total(tmp_path):
    t = _ingest_tables(tmp_path, **{"bsam.csv": TOOLS_TABLE.read_text(encoding="utf-8")})
    assert t.findings.empty
    a = t.assessments.iloc[0]
    assert (a["level"], a["level_reported"], a["eit"]) == ("ผ่านดี", "ผ่านดี", 93.47)
    tools = t.tool_scores.set_index("tool")
    assert tools.loc[["iit", "eit1", "eit2", "oit"], "computed"].tolist() == [False] * 4
    assert bool(tools.loc["eit", "computed"])


def test_a_level_the_tool_scores_contradict_is_a_level_mismatch(tmp_path):
    text = TOOLS_TABLE.read_text(encoding="utf-8").replace(",ผ่านดี,", ",ผ่านดีเยี่ยม,")
    t = _ingest_tables(tmp_path, **{"bsam.csv": text})
    assert t.findings["code"].tolist() == ["level_mismatch"]
    assert t.findings["message"].iloc[0].startswith("ระดับที่รายงาน ผ่านดีเยี่ยม ไม่ตรงกับระดับที่คำนวณได้ ผ่านดี ")


def test_a_total_alone_does_not_contradict_a_top_level(tmp_path):
    t = _ingest_tables(tmp_path, **{"s.csv": H + "อบต.ทดสอบ,2567,97.00,ผ่านดีเยี่ยม\nอบต.ทดสอบสอง,2567,96,ผ่าน\n"})
    assert t.findings.empty
    assert t.assessments["level"].isna().all()  # several levels possible: none claimed


def test_header_aliases_can_be_extended_by_a_user_file(tmp_path, monkeypatch):
    extra = tmp_path / "headers.csv"
    extra.write_text("header,column,source\nคะแนนดัชนี,score,my office's spreadsheets\n", encoding="utf-8")
    text = "หน่วยงาน,ปีงบประมาณ,คะแนนดัชนี\nอบต.ทดสอบ,2565,80\n"
    with pytest.raises(InputError, match="unknown column 'คะแนนดัชนี'"):
        _ingest_tables(tmp_path / "a", **{"s.csv": text})
    monkeypatch.setenv("ITANB_SCORE_HEADERS", str(extra))
    assert _ingest_tables(tmp_path / "b", **{"s.csv": text}).assessments["score"].tolist() == [80.0]


def test_shipped_data_shows_khok_sa_at_from_74_83_to_100(tmp_path):
    """The memo's FY2564 score and the FY2565 report to the Cabinet's 100 (matched by name and province)."""
    from itanb.compare import year_over_year

    ingest(raw_dir=SHIPPED_RAW, processed_dir=tmp_path)
    t = load_tables(tmp_path)
    yoy = year_over_year(t, "sao-khok-sa-at").set_index("fiscal_year")
    assert yoy.loc[[2564, 2565], "score"].tolist() == [74.83, 100.0]
    assert yoy.loc[2565, "score_change"] == 25.17
    assert (yoy.loc[2565, "level"], yoy.loc[2565, "level_change_label"]) == ("AA", "ดีขึ้น 3 ระดับ (C → AA)")
    source = t.assessments.set_index(["agency_id", "fiscal_year"]).loc[("sao-khok-sa-at", 2565), "source"]
    assert "64134" in source and "not proven" in source
