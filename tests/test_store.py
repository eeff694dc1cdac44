"""Processed tables: strict schema checks, documented dtypes, atomic writes, fast loading."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from itanb import store
from itanb.errors import SchemaError
from itanb.store import SCHEMAS, Tables, build_frame, check_frame, load_tables, write_tables
from itanb.store import write as store_write  # the module that writes (its pq is patched below)

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def small_tables(score: float = 74.83) -> Tables:
    return Tables(
        build_frame("agencies", [
            {"agency_id": "sao-khok-sa-at", "name": "องค์การบริหารส่วนตำบลโคกสะอาด", "kind": "อบต.",
             "district": None, "province": "กาฬสินธุ์", "synthetic": False}]),
        build_frame("assessments", [
            {"agency_id": "sao-khok-sa-at", "fiscal_year": 2564, "score": score, "level_reported": "E",
             "level": "C", "passed": False, "iit": None, "eit": None, "oit": None, "source": "memos/m.md:70"},
            {"agency_id": "sao-khok-sa-at", "fiscal_year": 2561, "score": 60.0, "level_reported": None,
             "level": None, "passed": None, "iit": None, "eit": None, "oit": None,
             "source": "scores/s.csv:2"}]),
        build_frame("measures", [
            {"agency_id": "sao-khok-sa-at", "fiscal_year": 2565, "no": 1, "measure": "E – Service",
             "steps": "เพิ่มช่องทาง", "owners": ["สำนักปลัด", "กองคลัง"], "due": dt.datetime(2022, 3, 31),
             "due_text": "๓๑ มี.ค. ๖๕", "status": "done", "status_as_of": dt.datetime(2022, 3, 31),
             "match_similarity": 96.7, "source": "memos/m.md", "line": 51},
            {"agency_id": "sao-khok-sa-at", "fiscal_year": 2565, "no": 2, "measure": "x", "steps": "",
             "owners": [], "due": None, "due_text": "ตลอดปี", "status": None, "status_as_of": None,
             "match_similarity": None, "source": "memos/m.md", "line": 52}]),
        build_frame("findings", [
            {"code": "level_mismatch", "message": "ระดับ", "source": "memos/m.md", "line": 70,
             "agency_id": "sao-khok-sa-at", "fiscal_year": 2564},
            {"code": "ce_year", "message": "ปี", "source": "scores/s.csv", "line": None, "agency_id": None,
             "fiscal_year": None}]),
        build_frame("sources", [
            {"path": "memos/m.md", "kind": "memo", "sha256": "ab" * 32, "bytes": 10, "ingested_at": NOW}]),
        build_frame("tool_scores", [
            {"agency_id": "sao-khok-sa-at", "fiscal_year": 2564, "tool": "iit", "score": 81.75,
             "computed": True, "source": "scores/s.csv:2"},
            {"agency_id": "sao-khok-sa-at", "fiscal_year": 2564, "tool": "eit1", "score": 91.15,
             "computed": False, "source": "scores/s.csv:2"}]),
        build_frame("indicator_scores", [
            {"agency_id": "sao-khok-sa-at", "fiscal_year": 2564, "indicator": 9, "score": 52.69,
             "source": "scores/s.csv:2"}]),
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """The tables as a reader finds them (the version folders and the .tables link are the writer's)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def test_round_trip_has_the_documented_dtypes(tmp_path):
    write_tables(small_tables(), tmp_path)
    t = load_tables(tmp_path)
    assert t.assessments["fiscal_year"].dtype == "int64"
    assert t.assessments["score"].dtype == "float64" and t.assessments["score"].iloc[0] == 74.83
    assert t.assessments["passed"].dtype == "boolean" and t.assessments["passed"].isna().iloc[1]
    assert t.agencies["synthetic"].dtype == bool
    assert t.measures["owners"].iloc[0] == ["สำนักปลัด", "กองคลัง"] and t.measures["owners"].iloc[1] == []
    assert t.measures["due"].dtype == "datetime64[ns]" and pd.isna(t.measures["due"].iloc[1])
    assert t.measures["status_as_of"].dtype == "datetime64[ns]"
    assert t.findings["line"].dtype == "Int64" and t.findings["fiscal_year"].dtype == "Int64"
    assert str(t.sources["ingested_at"].dtype) == "datetime64[ns, UTC]"
    for name in store.TABLES:
        assert list(getattr(t, name).columns) == SCHEMAS[name].names
        pd.testing.assert_frame_equal(getattr(t, name), getattr(small_tables(), name))
    manifest = json.loads((tmp_path / "_manifest.json").read_text())
    assert set(manifest["files"]) == {f"{n}.parquet" for n in store.TABLES}


def test_each_loader_documents_its_columns():
    for name in store.TABLES:
        doc = getattr(store, f"load_{name}").__doc__
        for column in SCHEMAS[name].names:
            assert column in doc, (name, column)


@pytest.mark.parametrize(("table", "mutate", "pattern"), [
    ("assessments", lambda df: df.drop(columns="score"), r"column 'score': missing"),
    ("assessments", lambda df: df.assign(extra=1), r"column 'extra': not a column of table assessments"),
    ("assessments", lambda df: df.assign(fiscal_year=df["fiscal_year"].astype(str)),
     r"column 'fiscal_year': expected int64, found dtype (object|str)"),
    ("assessments", lambda df: df.assign(score=df["score"].astype(str)), r"column 'score': expected float64"),
    ("assessments", lambda df: df.assign(score=[74.831, 60.0]),
     r"column 'score': scores must be 0–100 with at most two decimals"),
    ("assessments", lambda df: df.assign(score=[101.0, 60.0]), r"column 'score': scores must be 0–100"),
    ("assessments", lambda df: df.assign(source=["x", None]), r"column 'source': null value \(row 1\)"),
    ("assessments", lambda df: df.assign(fiscal_year=[2564, 2564]),
     r"column 'agency_id, fiscal_year': duplicate key \(sao-khok-sa-at, 2564\)"),
    ("measures", lambda df: df.assign(status=["finished", None]),
     r"column 'status': value 'finished' not one"),
    ("measures", lambda df: df.assign(owners=["สำนักปลัด", "กองคลัง"]),
     r"column 'owners': expected list<str>"),
    ("measures", lambda df: df.assign(due=["2022-03-31", None]), r"column 'due': expected datetime64\[ns\]"),
    ("findings", lambda df: df.assign(code=["nope", "ce_year"]), r"column 'code': value 'nope'"),
    ("findings", lambda df: df.assign(line=[1.0, float("nan")]), r"column 'line': expected Int64\|null"),
    ("sources", lambda df: df.assign(ingested_at=df["ingested_at"].dt.tz_localize(None)),
     r"column 'ingested_at': expected datetime64\[ns, UTC\]"),
    ("agencies", lambda df: df.assign(synthetic=[None]), r"column 'synthetic'"),
])
def test_malformed_frames_are_rejected(table, mutate, pattern):
    df = mutate(getattr(small_tables(), table))
    with pytest.raises(SchemaError, match=rf"{table}\.parquet: {pattern}"):
        check_frame(df, table)


def test_unknown_agency_reference_is_rejected(tmp_path):
    t = small_tables()
    t = t._replace(agencies=t.agencies.assign(agency_id=["other"]))
    with pytest.raises(SchemaError,
                       match=r"assessments\.parquet: column 'agency_id': 'sao-khok-sa-at' is not"):
        write_tables(t, tmp_path)
    assert not any(tmp_path.iterdir())


def test_malformed_parquet_on_disk_is_rejected_by_its_loader(tmp_path):
    write_tables(small_tables(), tmp_path)
    (tmp_path / "_manifest.json").unlink()  # a hand-made file, not from an ingest
    bad = pq.read_table(tmp_path / "assessments.parquet")
    bad = bad.set_column(1, "fiscal_year", pa.array(["2564", "2561"]))
    pq.write_table(bad, tmp_path / "assessments.parquet")
    with pytest.raises(SchemaError, match=r"assessments\.parquet: column 'fiscal_year': expected int64"):
        store.load_assessments(tmp_path)
    pq.write_table(pq.read_table(tmp_path / "agencies.parquet").drop_columns(["kind"]),
                   tmp_path / "agencies.parquet")
    with pytest.raises(SchemaError, match=r"agencies\.parquet: column 'kind': missing"):
        store.load_agencies(tmp_path)
    (tmp_path / "sources.parquet").write_bytes(b"not parquet")
    with pytest.raises(SchemaError, match=r"sources\.parquet: not a readable Parquet"):
        store.load_sources(tmp_path)
    (tmp_path / "findings.parquet").unlink()
    with pytest.raises(SchemaError, match=r"findings\.parquet: table not found"):
        store.load_findings(tmp_path)


def test_null_in_non_null_column_on_disk(tmp_path):
    write_tables(small_tables(), tmp_path)
    (tmp_path / "_manifest.json").unlink()
    t = pq.read_table(tmp_path / "measures.parquet")
    t = t.set_column(t.schema.get_field_index("measure"), pa.field("measure", pa.string()),
                     pa.array([None, "x"], pa.string()))
    pq.write_table(t, tmp_path / "measures.parquet")
    with pytest.raises(SchemaError, match=r"measures\.parquet: column 'measure': 1 null value"):
        store.load_measures(tmp_path)


@pytest.mark.parametrize("score", [101.0, 74.831])
def test_scores_on_disk_are_checked_as_when_written(tmp_path, score):
    write_tables(small_tables(), tmp_path)
    (tmp_path / "_manifest.json").unlink()
    t = pq.read_table(tmp_path / "assessments.parquet")
    t = t.set_column(t.schema.get_field_index("score"), "score", pa.array([score, 60.0]))
    pq.write_table(t, tmp_path / "assessments.parquet")
    message = r"assessments\.parquet: column 'score': scores must be 0–100 with at most two decimals"
    with pytest.raises(SchemaError, match=message):
        store.load_assessments(tmp_path)


def test_a_mix_of_two_ingests_is_detected(tmp_path):
    write_tables(small_tables(), tmp_path)
    old = (tmp_path / "assessments.parquet").read_bytes()
    write_tables(small_tables(score=80.0), tmp_path)
    (tmp_path / "assessments.parquet").write_bytes(old)
    with pytest.raises(SchemaError, match=r"assessments\.parquet: does not match _manifest\.json"):
        load_tables(tmp_path)


class Boom(OSError):
    pass


def test_failed_write_leaves_previous_tables_intact(tmp_path, monkeypatch):
    write_tables(small_tables(), tmp_path)
    before = snapshot(tmp_path)
    calls = []
    real = pq.write_table

    def failing_write(table, where, **kw):
        calls.append(1)
        if len(calls) == 3:
            raise Boom("disk full")
        return real(table, where, **kw)

    monkeypatch.setattr(store_write.pq, "write_table", failing_write)
    with pytest.raises(Boom):
        write_tables(small_tables(score=80.0), tmp_path)
    assert snapshot(tmp_path) == before  # byte-identical, and no temporary folder left
    assert load_tables(tmp_path).assessments["score"].iloc[0] == 74.83


def test_failure_at_the_switch_leaves_the_previous_tables(tmp_path, monkeypatch):
    write_tables(small_tables(), tmp_path)
    before = snapshot(tmp_path)
    real = Path.replace

    def failing_replace(self, target):
        if Path(target).name == store.CURRENT:
            raise Boom("killed")
        return real(self, target)

    monkeypatch.setattr(Path, "replace", failing_replace)
    with pytest.raises(Boom):
        write_tables(small_tables(score=80.0), tmp_path)
    monkeypatch.undo()
    assert snapshot(tmp_path) == before
    assert load_tables(tmp_path).assessments["score"].iloc[0] == 74.83
    assert len([p for p in tmp_path.iterdir() if p.name.startswith(store.VERSION_PREFIX)]) == 1


def test_first_write_that_fails_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(store_write.pq, "write_table", lambda *a, **k: (_ for _ in ()).throw(Boom("x")))
    with pytest.raises(Boom):
        write_tables(small_tables(), tmp_path / "processed")
    assert list((tmp_path / "processed").iterdir()) == []


def test_temp_folder_of_a_killed_writer_is_cleaned(tmp_path):
    stale = tmp_path / f"{store.TMP_PREFIX}999999999-abc"  # no such process
    stale.mkdir(parents=True)
    (stale / "assessments.parquet").write_bytes(b"half")
    write_tables(small_tables(), tmp_path)
    assert not stale.exists()
    assert sorted(snapshot(tmp_path)) == sorted(["_manifest.json", *(f"{n}.parquet" for n in store.TABLES)])
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".") and p.name != store.CURRENT] == [
        str((tmp_path / store.CURRENT).readlink())]  # one version folder: the current


def test_loading_national_scale_tables_is_fast(tmp_path):
    n, years = 8300, range(2562, 2569)
    ids = [f"synthetic-{i:04d}" for i in range(n)]
    t = Tables(
        build_frame("agencies", [{"agency_id": a, "name": a, "kind": "other", "district": None,
                                  "province": None, "synthetic": True} for a in ids]),
        build_frame("assessments", [{"agency_id": a, "fiscal_year": y, "score": 80.5, "level_reported": None,
                                     "level": "B", "passed": False, "iit": None, "eit": None, "oit": None,
                                     "source": "scores/s.csv:2"} for a in ids for y in years]),
        build_frame("measures", [{"agency_id": a, "fiscal_year": 2565, "no": k, "measure": "การเผยแพร่ข้อมูล",
                                  "steps": "เผยแพร่", "owners": ["สำนักปลัด"], "due": None, "due_text": "",
                                  "status": "done", "status_as_of": dt.datetime(2022, 3, 31),
                                  "match_similarity": 100.0, "source": "memos/m.md", "line": k}
                                 for a in ids for k in range(1, 13)]),
        build_frame("findings", []),
        build_frame("sources", [{"path": "scores/s.csv", "kind": "scores", "sha256": "0" * 64, "bytes": 1,
                                 "ingested_at": NOW}]),
    )
    write_tables(t, tmp_path)
    loaded = load_tables(tmp_path)  # its time is in ``itanb bench --national``
    assert len(loaded.assessments) == n * 7 and len(loaded.measures) == n * 12


def test_write_needs_no_existing_folder_and_ignores_unrelated_files(tmp_path):
    out = tmp_path / "a" / "processed"
    write_tables(small_tables(), out)
    (out / "notes.txt").write_text("mine")
    write_tables(small_tables(score=80.0), out)
    assert (out / "notes.txt").read_text() == "mine"
    assert load_tables(out).assessments["score"].iloc[0] == 80.0
    assert os.access(out / "assessments.parquet", os.R_OK)
