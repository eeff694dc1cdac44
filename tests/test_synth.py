"""Synthetic raw data: deterministic, labelled SYNTHETIC everywhere, never in data/raw, and readable by the
real memo parser, score reader and ingest."""

from __future__ import annotations

import hashlib
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from itanb import paths
from itanb.errors import InputError
from itanb.synth import LABEL, agency_id, agency_name, plan_synthetic, write_synthetic

YEARS = (2564, 2566)


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "raw"
    write_synthetic(out, agencies=40, years=YEARS, seed=3)
    return out


def test_same_seed_same_bytes_other_seed_other_bytes(synth, tmp_path):
    again, other = tmp_path / "again", tmp_path / "other"
    summary = write_synthetic(again, agencies=40, years=YEARS, seed=3)
    write_synthetic(other, agencies=40, years=YEARS, seed=4)
    assert _tree(again) == _tree(synth)
    assert len(_tree(other)) == len(_tree(synth))
    assert _tree(other) != _tree(synth)
    assert LABEL in summary and "40 memos" in summary


def test_rewriting_a_folder_leaves_one_data_set(tmp_path):
    write_synthetic(tmp_path, agencies=12, years=YEARS, seed=0)
    write_synthetic(tmp_path, agencies=5, years=(2565, 2566), seed=0)
    memos = sorted(p.name for p in (tmp_path / "memos").rglob("*") if p.is_file())
    assert len(memos) == 5
    assert sorted(p.name for p in (tmp_path / "scores").iterdir()) == [
        "synthetic-ita-scores-2565.csv", "synthetic-ita-scores-2566.csv"]


def test_every_file_is_labelled_synthetic(synth):
    plan = plan_synthetic(40, YEARS, seed=3, with_text=False)
    files = [p for p in synth.rglob("*") if p.is_file()]
    suffixes = {p.suffix for p in files}
    assert {".md", ".txt", ".csv", ".xlsx"} <= suffixes
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".xlsx":  # the cells and properties as read (openpyxl may store Thai as &#...;)
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            text = " ".join([book.properties.title or "", *(str(v) for sheet in book.worksheets
                                                            for row in sheet.iter_rows(values_only=True)
                                                            for v in row if v is not None)])
        elif path.suffix == ".csv":
            text = data.decode("utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else data.decode("cp874")
        else:
            text = data.decode("utf-8")
        assert LABEL in text, path
        assert "synthetic" in path.name
        number = 1 if path.parent.name == "scores" else int(path.name.split("-")[1])  # a memo: its agency's
        assert agency_name(number, plan.kind_of(number)) in text


def test_score_tables_use_several_encodings(synth):
    raw = {p.name: p.read_bytes() for p in (synth / "scores").iterdir()}
    assert raw["synthetic-ita-scores-2564.csv"].startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    cp874 = raw["synthetic-ita-scores-2565.csv"]
    with pytest.raises(UnicodeDecodeError):
        cp874.decode("utf-8")
    assert "คะแนน" in cp874.decode("cp874").splitlines()[0]
    assert zipfile.is_zipfile(synth / "scores" / "synthetic-ita-scores-2566.xlsx")


@pytest.mark.parametrize("inside", ["", "memos", "sub/folder"])
def test_refuses_the_projects_raw_folder(inside, monkeypatch, tmp_path):
    with pytest.raises(InputError, match="refusing"):
        write_synthetic(paths.PROJ_ROOT / "data" / "raw" / inside, agencies=1, years=YEARS)
    monkeypatch.setattr(paths, "RAW", tmp_path / "configured-raw")
    with pytest.raises(InputError, match="refusing"):
        write_synthetic(tmp_path / "configured-raw" / inside, agencies=1, years=YEARS)
    assert not (tmp_path / "configured-raw").exists()


def test_scores_follow_the_national_averages():
    import numpy as np

    plan = plan_synthetic(3000, (2564, 2568), seed=0, with_text=False)
    published = {2564: 81.25, 2565: 87.57, 2566: 90.19, 2568: 93.82}
    for fy, rows in plan.scores.items():
        scores = np.array([float(r.score) for r in rows])
        assert scores.min() >= 0 and scores.max() <= 100
        assert all(len(r.score.split(".")[1]) == 2 for r in rows)
        if fy in published:
            assert abs(scores.mean() - published[fy]) < 1.0, fy
        assert 2 < scores.std() < 20
    passed_2565 = np.mean([float(r.score) >= 85 for r in plan.scores[2565]])
    assert 0.6 < passed_2565 < 0.8  # published: 70.5%


def test_memos_show_the_defects_of_real_ones():
    plan = plan_synthetic(300, (2562, 2568), seed=0)
    text = "\n".join(m.text for m in plan.memos)
    for mark in ("| / |", "| ✓ |", "| ✔ |", "| x |"):
        assert mark in text
    assert "| ยังไม่ดำเนินงาน | ยังไม่ดำเนินงาน | ยังไม่ดำเนินงาน |" in text  # corrupted status header
    assert "ํา" in text  # decomposed sara am
    assert "๓๑" in text and "31 " in text  # Thai and Arabic digits
    assert "| การกำกับติดตาม | ผู้รับผิดชอบ |" in text  # another column order
    assert "<br>" in text  # several owners in one cell
    assert any(m.unmatched_status_rows for m in plan.memos)
    assert any(m.unmarked_rows for m in plan.memos)
    assert any(m.memo_date.month >= 10 for m in plan.memos)  # dated in the previous calendar year
    for m in plan.memos:
        assert m.text.count("| มาตรการ |") >= 2
        assert LABEL in m.text


def test_real_memo_parser_reads_every_synthetic_memo(synth):
    from itanb.memo import parse_memo_file

    plan = plan_synthetic(40, YEARS, seed=3, with_text=False)
    for m in plan.memos:
        parsed = parse_memo_file(synth / m.path, source=m.path)
        assert parsed.agency == agency_name(m.number, m.kind)
        assert parsed.fiscal_year == m.fiscal_year
        assert parsed.memo_date == m.memo_date
        assert (parsed.district, parsed.province) == (m.district, m.province)
        assert len(parsed.measures) == m.measures, m.path
        assert sum(x.status is None for x in parsed.measures) == m.unmarked_rows, m.path
        if m.score is None:
            assert parsed.assessment is None
        else:
            assert parsed.assessment.fiscal_year == m.assessment_year
            assert parsed.assessment.score == Decimal(m.score)
            assert parsed.assessment.level_reported == m.level_reported


def test_real_ingest_reads_the_synthetic_folder(synth, tmp_path):
    from itanb.ingest import ingest
    from itanb.store import load_tables

    ingest(raw_dir=synth, processed_dir=tmp_path)
    tables = load_tables(tmp_path)
    plan = plan_synthetic(40, YEARS, seed=3, with_text=False)
    assert sorted(tables.agencies["agency_id"]) == [agency_id(n) for n in range(1, 41)]
    assert tables.agencies["synthetic"].all()
    expected = {(agency_id(r.number), fy) for fy, rows in plan.scores.items() for r in rows}
    expected |= {(agency_id(m.number), m.assessment_year) for m in plan.memos if m.score is not None}
    a = tables.assessments
    got = set(zip(a["agency_id"], a["fiscal_year"].astype(int), strict=True))
    assert got == expected
    assert len(tables.measures) == sum(m.measures for m in plan.memos)
    assert sorted(tables.sources["path"]) == sorted(
        [m.path for m in plan.memos] + list(plan.score_files.values()))
    scores = tables.assessments.set_index(["agency_id", "fiscal_year"])["score"]
    for fy, rows in plan.scores.items():
        for r in rows[:5]:
            assert scores[(agency_id(r.number), fy)] == pytest.approx(float(r.score))
    kinds = tables.agencies.set_index("agency_id")["kind"]
    assert [kinds[agency_id(n)] for n in range(1, 41)] == plan.kinds  # the memos resolve to their agencies
    assert "total_mismatch" not in set(tables.findings["code"])
