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
from conftest import kill_first_worker, run_cli, synthetic_ingested

from itanb import batch
from itanb.batch import JOURNAL, MANIFEST, Job, plan_jobs, run_batch
from itanb.batch.kernels import KernelPool
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
    """The live processes (workers, zygotes, kernels) whose environment carries ``marker``; not this
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
    """The workers a batch starts before it knows there is nothing to do are stopped (with the zygotes they
    started) and leave no process behind."""
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
    """Two workers start, one report is built: the idle worker is stopped, and every worker, zygote and
    kernel has ended when the batch returns (or very soon after: the system reaps them)."""
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


def test_touching_one_agencys_memo_rebuilds_only_its_reports(built, tmp_path):
    base = _copy(built[0], tmp_path)
    memo = next((base / "raw" / "memos").rglob("synthetic-0002-*"))
    text = memo.read_text(encoding="utf-8")
    memo.write_text(text.replace("จึงเรียนมาเพื่อโปรดพิจารณา", "จึงเรียนมาเพื่อโปรดทราบและพิจารณา"),
                    encoding="utf-8")
    _ingest(base / "raw", base / "processed")
    before = _mtimes(base / "reports")
    result = _run(base)
    # the agency's own reports, and the portfolios (they list every agency's raw files)
    expected = sorted(r for r in EXPECTED if "synthetic-0002" in r or "/portfolio/" in r)
    assert sorted(result.built) == expected
    after = _mtimes(base / "reports")
    assert sorted(r for r in EXPECTED if after[r] != before[r]) == expected


def test_changing_one_score_rebuilds_that_agency_only(built, tmp_path):
    base = _copy(built[0], tmp_path)
    # FY2566: cp874, Thai headers, the year first (FY2565 scores are also cited by the memos)
    table = base / "raw" / "scores" / "synthetic-ita-scores-2566.csv"
    lines = table.read_bytes().decode("cp874").splitlines()
    row = next(i for i, line in enumerate(lines) if line.split(",")[1].endswith(" 0003"))  # any kind
    cells = lines[row].split(",")
    cells[2] = f"{float(cells[2]) - 1.5:.2f}"
    cells[3] = ""  # the level may no longer hold; leave it out
    lines[row] = ",".join(cells)
    table.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp874"))
    _ingest(base / "raw", base / "processed")
    result = _run(base)
    assert sorted(result.built) == sorted(r for r in EXPECTED if "synthetic-0003" in r or "/portfolio/" in r)


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
    kept = Path(result.failed[0]["failed_notebook"])  # kept outside the published folder, and named
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


def _kernel_facts(km) -> dict:
    """Run one cell on a started kernel and return what it says about its process and its namespace."""
    import nbformat
    from nbclient import NotebookClient

    code = ("import json, os, sys\n"
            "from itanb.views import context\n"
            "print(json.dumps({'pid': os.getpid(), 'ppid': os.getppid(), 'used': 'marker' in globals(),"
            " 'charts': 'itanb.charts' in sys.modules,"
            " 'tables': context._load_tables.cache_info().currsize}))\n"
            "marker = 1")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    client = NotebookClient(nb, km=km, timeout=60)
    try:
        client.execute()
    finally:  # the client's channels are ours to close: the kernel manager is not the client's
        if client.kc is not None:
            client.kc.stop_channels()
    return json.loads(nb.cells[0].outputs[0]["text"])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("fork", ["1", "0"])
def test_worker_kernels_are_fresh_and_leave_nothing_running(monkeypatch, fork):
    """A worker's kernels (forked from its pre-loaded zygote, or started as new processes with
    ITANB_FORK_KERNELS=0) have the notebooks' modules imported, run nothing of a previous report, and are
    all gone once the pool closes."""
    monkeypatch.setenv("ITANB_FORK_KERNELS", fork)
    pool = KernelPool("python3")
    facts = []
    try:
        for _ in range(2):
            km = pool._start()
            try:
                facts.append(_kernel_facts(km))
            finally:
                pool._stop(km)
        zygote = pool._zygote.proc if pool._zygote is not None else None
    finally:
        pool.close()
    assert facts[0]["pid"] != facts[1]["pid"]
    assert not any(f["used"] for f in facts)  # fresh: no name from an earlier cell
    assert all(f["charts"] for f in facts)  # the notebooks' modules were imported ahead of the report
    if fork == "1":
        assert zygote is not None and all(f["ppid"] == zygote.pid for f in facts)
        assert zygote.poll() is not None
    else:
        assert zygote is None and all(f["ppid"] == os.getpid() for f in facts)
    deadline = time.monotonic() + 10
    while any(_alive(f["pid"]) for f in facts) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(f["pid"]) for f in facts)


def test_forked_kernels_start_with_the_batch_tables_loaded(built):
    """A pool given the batch's processed folder has its zygote load the tables once: each forked kernel
    starts with them (and still sees a change: they are keyed on the files' stamps, tested in test_views)."""
    base, _ = built
    with KernelPool("python3", processed_dir=str(base / "processed"), fork=True) as pool:
        km = pool._start()
        try:
            facts = _kernel_facts(km)
        finally:
            pool._stop(km)
    with KernelPool("python3", fork=True) as pool:
        km = pool._start()
        try:
            bare = _kernel_facts(km)
        finally:
            pool._stop(km)
    assert facts["tables"] == 1 and bare["tables"] == 0


def test_a_worker_that_dies_fails_only_its_reports_and_is_replaced(built, tmp_path, monkeypatch):
    """Killed after its first report, a local worker takes with it the (at most IN_FLIGHT) reports it held;
    a new worker builds the rest, every report gets exactly one result, and the dead worker's zygote and
    kernel end too."""
    marker = f"worker-dies-{os.getpid()}"
    monkeypatch.setenv("ITANB_TEST_MARK", marker)
    base = _copy(built[0], tmp_path)
    jobs = [Job.of("fiscal-year", a, fy) for a in AGENCIES for fy in (2565, 2566)][:5]
    args = (str(base / "raw"), str(base / "processed"), str(tmp_path / "out"), False, False, False)
    results, local = kill_first_worker(jobs, args)
    died = [r for r in results if not r["ok"]]
    assert all("worker process failed" in r["summary"] for r in died)
    assert all((tmp_path / "out" / r["key"]).is_file() for r in results if r["ok"])
    assert len(local._processes) == 2  # the replacement
    assert _none_left(marker, wait=15)
