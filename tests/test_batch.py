"""itanb batch with the real notebooks on a small synthetic set (3 agencies, FY2565-2566): the local executor,
incremental rebuilds, a killed run that resumes, a failing report, --force."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cli, synthetic_ingested

from itanb import batch
from itanb.batch import JOURNAL, MANIFEST, Job, plan_jobs, run_batch
from itanb.errors import ParameterError

pytestmark = pytest.mark.slow

AGENCIES = ["synthetic-0001", "synthetic-0002", "synthetic-0003"]
EXPECTED = sorted(
    [f"{fy}/fiscal-year/{a}.html" for fy in (2565, 2566) for a in AGENCIES]
    + [f"year-over-year/{a}.html" for a in AGENCIES]
    + ["2565/portfolio/all.html", "2566/portfolio/all.html"]
)


def _ingest(raw: Path, processed: Path) -> None:
    from itanb.ingest import ingest

    ingest(raw_dir=raw, processed_dir=processed)


def _reports(folder: Path) -> list[str]:
    from itanb.render import index

    listing = set(index.pages(folder))
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html") if p not in listing)


def _mtimes(folder: Path) -> dict[str, int]:
    return {r: (folder / r).stat().st_mtime_ns for r in _reports(folder)}


def _run(base: Path, **kw):
    kw.setdefault("workers", 2)
    return run_batch(raw_dir=base / "raw", processed_dir=base / "processed", reports_dir=base / "reports",
                     progress=False, **kw)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Synthetic raw data, ingested, and one full batch (local executor, 2 workers) through the CLI entry."""
    base = synthetic_ingested(tmp_path_factory.mktemp("batch"), agencies=3, seed=0)
    done = run_cli("batch", "--workers", "2", "--raw", base / "raw", "--processed", base / "processed",
                   "--reports", base / "reports")
    return base, done


def _copy(built_base: Path, target: Path, reports: bool = True) -> Path:
    for name in ("raw", "processed") + (("reports",) if reports else ()):
        shutil.copytree(built_base / name, target / name, copy_function=shutil.copy2)
    return target


def test_plan_has_every_report_kind(built):
    from itanb.store import load_tables

    base, _ = built
    tables = load_tables(base / "processed")
    jobs = plan_jobs(tables)
    assert sorted(j.key() for j in jobs) == EXPECTED
    assert jobs[0].kind == "portfolio"  # the longest reports go first
    assert [j.key() for j in plan_jobs(tables, years=(2566, 2566), agencies=["synthetic-0002"])] == [
        "2566/fiscal-year/synthetic-0002.html", "year-over-year/synthetic-0002.html"]
    with pytest.raises(ParameterError, match="synthetic-9999"):
        plan_jobs(tables, agencies=["synthetic-9999"])


def test_local_batch_writes_every_report_and_the_index(built):
    base, done = built
    reports = base / "reports"
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"itanb batch: {len(EXPECTED)} reports: {len(EXPECTED)} built, 0 unchanged")
    assert done.stderr.strip() == ""
    assert _reports(reports) == EXPECTED
    for rel in EXPECTED:
        text = (reports / rel).read_text(encoding="utf-8")
        assert text.rstrip().endswith("</html>")
        assert "หน่วยงานสังเคราะห์" in text
    from itanb.render import index

    linked = index.linked(reports)
    for rel in EXPECTED:
        assert linked.count(rel) == 1, rel
    manifest = json.loads((reports / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["reports"]) == EXPECTED
    assert not (reports / JOURNAL).exists()
    assert not list(reports.rglob("*.failed.ipynb")) and not list(reports.rglob(".*.tmp"))


REPORT_LIMIT, INDEX_LIMIT = 100 * 1024, 60 * 1024  # issue 11's targets: a report, an index page


def test_reports_and_index_pages_stay_within_their_sizes(built):
    """On this SYNTHETIC batch (itanb synth: several provinces, tool scores from FY2566) every fiscal-year
    report is at most 100 KB and every index page at most 60 KB; the other reports too."""
    from itanb.render import index

    base, _ = built
    reports = base / "reports"
    sizes = {rel: (reports / rel).stat().st_size for rel in EXPECTED}
    assert sum(1 for rel in sizes if "/fiscal-year/" in rel) == 6
    assert {rel: n for rel, n in sizes.items() if n > REPORT_LIMIT} == {}
    pages = index.pages(reports)
    assert len(pages) >= 3  # the top page and at least one page per fiscal year
    assert {p.name: p.stat().st_size for p in pages if p.stat().st_size > INDEX_LIMIT} == {}


def _ours(marker: str) -> list[int]:
    """The live processes (workers) whose environment carries ``marker``; not this
    process's multiprocessing resource tracker, which lives as long as this process."""
    import psutil

    found = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if process.pid != os.getpid() and process.environ().get("ITANB_TEST_MARK") == marker \
                    and process.status() != psutil.STATUS_ZOMBIE \
                    and "multiprocessing.resource_tracker" not in " ".join(process.cmdline()):
                found.append(process.pid)
    return found


def _none_left(marker: str, wait: float = 10.0) -> bool:
    deadline = time.monotonic() + wait
    while _ours(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not _ours(marker)


def test_rerun_with_nothing_changed_builds_nothing(built, monkeypatch):
    """The workers a batch starts before it knows there is nothing to do are stopped and leave no process
    behind."""
    base, _ = built
    marker = f"nothing-to-do-{os.getpid()}"
    monkeypatch.setenv("ITANB_TEST_MARK", marker)
    before = _mtimes(base / "reports")
    result = _run(base)
    assert result.ok
    assert "0 built, 11 unchanged, 0 failed" in result.summary()
    assert _mtimes(base / "reports") == before
    assert _none_left(marker)


def test_fewer_reports_than_workers_leaves_no_process(built, tmp_path, monkeypatch):
    """Two workers start, one report is built: every worker has ended when the batch returns (or very soon
    after: the system reaps them)."""
    base = _copy(built[0], tmp_path)
    marker = f"one-report-{os.getpid()}"
    monkeypatch.setenv("ITANB_TEST_MARK", marker)
    result = _run(base, jobs=[Job.of("fiscal-year", AGENCIES[0], 2566)], force=True, workers=2)
    assert result.ok and result.built == [f"2566/fiscal-year/{AGENCIES[0]}.html"]
    assert _none_left(marker)


def test_docx_adds_the_word_draft_to_fiscal_year_reports_only(built, tmp_path):
    """A report without its wanted Word draft counts as changed; other kinds have none to want."""
    base = _copy(built[0], tmp_path)
    which = {"years": (2566, 2566), "agencies": ["synthetic-0002"]}
    result = _run(base, docx=True, **which)
    assert result.ok, result.failures()
    assert result.built == ["2566/fiscal-year/synthetic-0002.html"] and result.unchanged == 1
    reports = base / "reports"
    assert sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*.docx")) == [
        "2566/fiscal-year/synthetic-0002.docx"]
    from itanb.render import index

    assert index.linked(reports).count("2566/fiscal-year/synthetic-0002.docx") == 1
    again = _run(base, docx=True, **which)
    assert again.built == [] and again.unchanged == 2
    # without any score up to the year there is nothing to analyse: the report, and no (stale) draft
    from itanb.store import load_tables, write_tables

    tables = load_tables(base / "processed")
    a = tables.assessments
    write_tables(tables._replace(assessments=a[a["agency_id"] != "synthetic-0002"]), base / "processed")
    unscored = _run(base, docx=True, **which)
    assert unscored.ok, unscored.failures()
    assert "2566/fiscal-year/synthetic-0002.html" in unscored.built
    assert not list(reports.rglob("*.docx"))
    assert _run(base, docx=True, **which).built == []  # current without a draft


def test_reingest_of_unchanged_files_builds_nothing(built, tmp_path):
    base = _copy(built[0], tmp_path)
    _ingest(base / "raw", base / "processed")  # new ingest time, same data
    result = _run(base)
    assert result.built == [] and result.unchanged == len(EXPECTED)


def test_a_raw_file_edited_after_the_ingest_rebuilds_the_reports_naming_it(built, tmp_path):
    """Without a re-ingest the tables are the same, but the reports whose provenance names the edited memo
    (its agency's, and the portfolios, which name every file) are rebuilt and say the file changed."""
    base = _copy(built[0], tmp_path)
    memo = next((base / "raw" / "memos").rglob("synthetic-0002-*"))
    memo.write_text(memo.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = _run(base)
    expected = sorted(r for r in EXPECTED if "synthetic-0002" in r or "/portfolio/" in r)
    assert sorted(result.built) == expected
    page = (base / "reports" / "2566" / "fiscal-year" / "synthetic-0002.html").read_text(encoding="utf-8")
    assert "ไฟล์เปลี่ยนไปหลังนำเข้า" in page
    assert _run(base).built == []  # and then it is current


def _swap_two_indicators(table: Path, agency_suffix: str) -> None:
    """Swap indicators 1 and 2 of one agency's row in a SYNTHETIC cp874 score table (Thai headers): the IIT,
    the other tools and the total stay the same."""
    lines = table.read_bytes().decode("cp874").splitlines()
    header = lines[0].split(",")
    i1, i2 = header.index("ตัวชี้วัดที่ 1"), header.index("ตัวชี้วัดที่ 2")
    row = next(i for i, line in enumerate(lines) if line.split(",")[1].endswith(agency_suffix)
               and line.split(",")[i1] != line.split(",")[i2])
    cells = lines[row].split(",")
    cells[i1], cells[i2] = cells[i2], cells[i1]
    lines[row] = ",".join(cells)
    table.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp874"))


def test_changed_indicator_scores_leave_no_report_stale(built, tmp_path):
    """Two indicators of one agency swapped (its tools and total unchanged) and re-ingested: the batch
    rebuilds what shows them, its reports and those showing its kind's averages, and every page is then
    the page a clean --force build gives; the next run builds nothing."""
    from conftest import without_build_times

    base = _copy(built[0], tmp_path / "incremental")
    _swap_two_indicators(base / "raw" / "scores" / "synthetic-ita-scores-2566.csv", " 0003")
    _ingest(base / "raw", base / "processed")
    result = _run(base)
    assert result.ok and "synthetic-0003" in " ".join(result.built)
    clean = _copy(base, tmp_path / "clean", reports=False)
    assert _run(clean, force=True).ok
    for rel in EXPECTED:
        pages = [(b / "reports" / rel).read_text(encoding="utf-8") for b in (base, clean)]
        assert without_build_times(pages[0]) == without_build_times(pages[1]), rel
    assert _run(base).built == []


def test_killed_run_resumes_without_redoing_finished_reports(built, tmp_path):
    import psutil

    base = _copy(built[0], tmp_path, reports=False)
    reports = base / "reports"
    cmd = [sys.executable, "-m", "itanb.cli", "batch", "--workers", "1", "--raw", str(base / "raw"),
           "--processed", str(base / "processed"), "--reports", str(reports)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env={**os.environ, "PYTHAINLP_READ_ONLY": "1", "MPLBACKEND": "Agg"})
    journal = reports / JOURNAL
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if journal.exists() and len(journal.read_text(encoding="utf-8").splitlines()) >= 2:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the batch ended before it could be killed"
        family = psutil.Process(proc.pid).children(recursive=True)
        os.killpg(proc.pid, signal.SIGKILL)
        for child in family:  # kernels run in sessions of their own
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    done = [json.loads(line)["key"] for line in journal.read_text(encoding="utf-8").splitlines()]
    assert 2 <= len(done) < len(EXPECTED)
    for rel in _reports(reports):  # whatever is there is whole
        assert (reports / rel).read_text(encoding="utf-8").rstrip().endswith("</html>")
    before = _mtimes(reports)

    result = _run(base)
    assert sorted(result.built) == sorted(set(EXPECTED) - set(done))
    assert result.unchanged == len(done)
    assert _reports(reports) == EXPECTED
    after = _mtimes(reports)
    assert all(after[r] == before[r] for r in done)
    assert not list(reports.rglob(".*.tmp")) and not list(reports.rglob(".*.ipynb"))
    assert not journal.exists()


def test_failed_report_keeps_its_notebook_and_names_the_cell(built, tmp_path):
    from itanb.store import load_tables

    base = _copy(built[0], tmp_path)
    bad = Job.of("fiscal-year", "synthetic-0001", 2599)  # a fiscal year with no data
    jobs = [*plan_jobs(load_tables(base / "processed")), bad]
    result = _run(base, jobs=jobs)
    assert not result.ok
    assert "0 built, 11 unchanged, 1 failed" in result.summary()
    (failed_line,) = result.failures()
    assert "2599/fiscal-year/synthetic-0001.html" in failed_line
    assert "cell" in failed_line and "ParameterError" in failed_line
    kept = Path(result.failed[0].failed_notebook)  # kept outside the published folder, and named
    assert kept.is_file() and kept.suffix == ".ipynb" and str(kept) in failed_line
    assert base / "reports" not in kept.parents
    assert not (base / "reports" / "2599").exists()  # nothing of the failed report is published
    assert not list((base / "reports").rglob("*.ipynb"))
    manifest = json.loads((base / "reports" / MANIFEST).read_text(encoding="utf-8"))
    assert bad.key() not in manifest["reports"] and len(manifest["reports"]) == len(EXPECTED)
    failures = "รายงานที่สร้างไม่สำเร็จ"
    assert failures in (index := (base / "reports" / "index.html").read_text(encoding="utf-8"))
    assert bad.key() in index
    # the next batch without the bad report: the index lists the failures of now, none
    again = _run(base)
    assert again.ok and failures not in (base / "reports" / "index.html").read_text(encoding="utf-8")


def test_force_rebuilds_even_when_nothing_changed(built, tmp_path):
    base = _copy(built[0], tmp_path)
    before = _mtimes(base / "reports")
    result = _run(base, force=True, years=(2566, 2566), agencies=["synthetic-0003"])
    expected = ["2566/fiscal-year/synthetic-0003.html", "year-over-year/synthetic-0003.html"]
    assert sorted(result.built) == expected and result.unchanged == 0
    after = _mtimes(base / "reports")
    assert [r for r in EXPECTED if after[r] != before[r]] == expected
    assert _reports(base / "reports") == EXPECTED  # the index still lists them all
    from itanb.render import index

    assert set(EXPECTED) <= set(index.linked(base / "reports"))


def test_code_digests_follow_the_package_code(tmp_path, monkeypatch):
    """An edit to the package's code changes every report's hash, as a version bump would."""
    from itanb import paths

    package = tmp_path / "itanb"
    shutil.copytree(paths.PACKAGE_DATA.parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "PACKAGE_DATA", package / "data")
    before = batch.code_digests()
    compare_py = package / "compare" / "yoy.py"
    compare_py.write_text(compare_py.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    after = batch.code_digests()
    assert before.keys() == after.keys() and all(before[k] != after[k] for k in before)


def test_a_worker_that_dies_takes_no_report_with_it(built, tmp_path, monkeypatch):
    """A local worker killed after the first result breaks its pool: the reports then in flight go once more
    to a new pool, every report gets exactly one result, all written, and no process is left."""
    import multiprocessing

    from itanb.batch.executors import LocalPool

    marker = f"worker-dies-{os.getpid()}"
    monkeypatch.setenv("ITANB_TEST_MARK", marker)
    base = _copy(built[0], tmp_path)
    jobs = [Job.of("fiscal-year", a, fy) for a in AGENCIES for fy in (2565, 2566)][:5]
    args = (str(base / "raw"), str(base / "processed"), str(tmp_path / "out"), False, False, False)
    results, killed = [], []
    with LocalPool(1, args[1]) as local:
        for result in local.run(jobs, args):
            results.append(result)
            if len(results) == 1:
                (worker,) = multiprocessing.active_children()
                killed.append(worker.pid)
                os.kill(worker.pid, signal.SIGKILL)
    assert killed and sorted(r.key for r in results) == sorted(j.key() for j in jobs)
    assert all(r.ok for r in results), [r.summary for r in results if not r.ok]
    assert all((tmp_path / "out" / r.key).is_file() for r in results)
    assert _none_left(marker, wait=15)
