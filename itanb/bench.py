"""The benchmark: ``itanb bench`` times report generation on SYNTHETIC data in a temporary folder.

In one run, on the same fiscal-year reports:

- the plain serial loop: per report, the ``papermill`` CLI then ``jupyter nbconvert --to html``
  (subprocesses, one after the other);
- ``itanb batch --force`` with 1 and with 2 workers (a subprocess each, start-up included; the best of
  :data:`RUNS` runs, as for the next);
- ``itanb batch --force --workers 1`` on the first quarter of those reports: with the full run, the
  marginal cost of a report on one worker (``marginal_s``) and the fixed start-up of a batch (``startup_s``);
- ``itanb report`` for one report (the command as an analyst types it);
- the cells: the notebooks' code executed in one in-process IPython shell (``cells_s`` per report, also as
  CPU time; the first report, which pays the imports, left out): what a report costs without any kernel
  machinery;
- the floor: an empty notebook executed in-process with papermill (kernel start and shutdown).

It prints a table and one final line ``speedup_vs_loop=X per_report_s=Y floor_s=Z cells_s=C marginal_s=M
startup_s=S`` (X: loop time over the best batch time; Y: best batch time per report). With ``national=N``
it also times the data path on N synthetic agencies over FY2562-2568: writing and ingesting N memos and
N x 7 score rows, loading the processed tables, portfolio analytics for one year, planning and hashing
every report of a batch, and the peak RSS (psutil, children included). With ``memos=N`` it times
parsing N synthetic memos written as Markdown, as Word (.docx) and as PDF, on every core (memos per second
per format). Nothing is written into data/raw.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from itanb.bench_data import (
    NATIONAL_YEARS,
    memo_formats,
    national_path,
    national_year_memory,
    scans,
    timed,
)

BIN = Path(sys.executable).parent

RUNS = 2  # runs of each batch, the best one kept


def _env(**extra: str) -> dict:
    """The benchmark's processes' environment."""
    return {**os.environ, "PYTHAINLP_READ_ONLY": "1", "MPLBACKEND": "Agg", **extra}


def _tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


@contextmanager
def _workdir(workdir: Path | str | None):
    if workdir is not None:
        path = Path(workdir).resolve()
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix="itanb-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# ------------------------------------------------------------------------------------------------ reports


def _prepare(work: Path, reports: int) -> list:
    """Synthetic data for ``reports`` fiscal-year reports (two fiscal years per agency), ingested."""
    from itanb.batch import plan_jobs
    from itanb.ingest import ingest
    from itanb.store import load_tables
    from itanb.synth import write_synthetic

    agencies = max(1, math.ceil(reports / 2))
    write_synthetic(work / "raw", agencies=agencies, years=(2565, 2566), seed=0)
    ingest(raw_dir=work / "raw", processed_dir=work / "processed")
    _cut_fonts()
    jobs = [j for j in plan_jobs(load_tables(work / "processed")) if j.kind == "fiscal-year"]
    return sorted(jobs, key=lambda j: (j.agency_id, j.fiscal_year))[:reports]


def _cut_fonts() -> None:
    """The reports' font cut made before anything is timed: it is made once per machine and kept
    (:data:`itanb.paths.CACHE`), and a first batch should not count it against one of the methods. The first
    page converted makes it (a batch worker's warm-up converts an empty notebook for that)."""
    import nbformat

    from itanb.render import notebook_to_html

    notebook_to_html(nbformat.v4.new_notebook(), "warm-up")


def _serial_loop(work: Path, jobs: list) -> float:
    """Per report: the papermill CLI, then the jupyter nbconvert CLI; subprocesses, one after another."""
    from itanb.render import kind_of

    out = work / "loop"
    out.mkdir(exist_ok=True)
    started = time.perf_counter()
    for i, job in enumerate(jobs):
        executed = out / f"report-{i:04d}.ipynb"
        params = [arg for key, value in job.params().items() for arg in ("-p", key, str(value))]
        params += ["-p", "processed_dir", str(work / "processed"), "-p", "raw_dir", str(work / "raw")]
        subprocess.run([_tool("papermill"), str(kind_of(job.kind).notebook), str(executed),
                        *params, "--kernel", "python3", "--no-progress-bar"],
                       check=True, env=_env(), capture_output=True)
        subprocess.run([_tool("jupyter"), "nbconvert", "--to", "html", str(executed)],
                       check=True, env=_env(), capture_output=True)
    return time.perf_counter() - started


def _batch(work: Path, jobs: list, workers: int, env: dict | None = None) -> float:
    """``run_batch(jobs, force=True)`` in a fresh Python process, as ``itanb batch --force`` would run."""
    spec = json.dumps([[j.kind, j.agency_id, j.fiscal_year] for j in jobs])
    code = (
        "import json, os, sys\n"
        "from itanb.batch import Job, run_batch\n"
        f"jobs = [Job.of(*j) for j in json.loads({spec!r})]\n"
        f"r = run_batch(jobs=jobs, force=True, workers={workers}, raw_dir={str(work / 'raw')!r}, "
        f"processed_dir={str(work / 'processed')!r}, reports_dir={str(work / f'batch-{workers}')!r}, "
        "progress=False)\n"
        "print(r.text())\n"
        "sys.exit(0 if r.ok else 1)\n"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], env=env or _env(), capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"itanb batch with {workers} workers failed:\n{done.stdout}{done.stderr}")
    return seconds


def _report_cli(work: Path, job, env: dict) -> float:
    """The best of :data:`RUNS` runs of ``itanb report`` for ``job`` (the command, as an analyst types it)."""
    command = [_tool("itanb"), "report", "--agency", job.agency_id, "--year", str(job.fiscal_year),
               "--raw", str(work / "raw"), "--processed", str(work / "processed"), "--reports",
               str(work / "report-cli")]
    times = []
    for _ in range(RUNS):
        seconds, done = timed(lambda: subprocess.run(command, env=env, capture_output=True, check=False))
        if done.returncode != 0:
            raise RuntimeError(f"itanb report failed:\n{done.stdout}{done.stderr}")
        times.append(seconds)
    return min(times)


CELLS_CODE = """
import gc, json, sys, time, contextlib, io
from IPython.core.interactiveshell import InteractiveShell
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook
from itanb.batch import Job

jobs = [Job.of(*j) for j in json.loads(sys.argv[1])]
folders = json.loads(sys.argv[2])
shell = InteractiveShell.instance()
times, cpu = [], []
for i, job in enumerate(jobs):
    nb = parameterize_notebook(load_notebook_node(str(job.spec.notebook)), {**job.params(), **folders})
    started, cpu_started = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            if cell.cell_type == "code":
                result = shell.run_cell(cell.source, store_history=False, silent=False)
                if not result.success:
                    raise SystemExit(f"{job.key()}: {result.error_in_exec or result.error_before_exec}")
    if i:  # the first report pays the imports
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    else:  # warmed up: what is loaded now lives on, as a worker freezes it after its warm-up
        gc.freeze()
print(json.dumps([times, cpu]))
"""


def _cells(work: Path, jobs: list) -> tuple[float, float]:
    """The report notebooks' code executed in one in-process IPython shell (a fresh process; the first
    report, which pays the imports, not counted; then ``gc.freeze()``, as a batch worker after its
    warm-up): (wall, CPU) seconds per report, the work a kernel cannot avoid. The CPU time is what the
    cells cost whatever else shares the machine."""
    spec = json.dumps([[j.kind, j.agency_id, j.fiscal_year] for j in jobs])
    folders = json.dumps({"raw_dir": str(work / "raw"), "processed_dir": str(work / "processed")})
    done = subprocess.run([sys.executable, "-c", CELLS_CODE, spec, folders], env=_env(), capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the notebooks' cells failed in-process:\n{done.stdout}{done.stderr}")
    times, cpu = json.loads(done.stdout.strip().splitlines()[-1])
    return sum(times) / len(times), sum(cpu) / len(cpu)


def _floor(work: Path, runs: int = 3) -> float:
    """An empty notebook executed in-process by papermill (after one warm-up run): the kernel's cost."""
    import nbformat
    import papermill

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    source = work / "empty.ipynb"
    nbformat.write(nb, source)
    times = []
    for i in range(runs + 1):
        seconds, _ = timed(lambda: papermill.execute_notebook(str(source), None, kernel_name="python3",
                                                               progress_bar=False))
        if i:
            times.append(seconds)
    return sorted(times)[len(times) // 2]


# ------------------------------------------------------------------------------------------------ a year


NATIONAL_AGENCIES = 8300  # the agencies the NACC scores in a year (ITA-REFERENCE.md)


def year_batch(work: Path, agencies: int) -> list[tuple[str, str]]:
    """One fiscal year's batch for ``agencies`` SYNTHETIC agencies (FY2565-2566 data; the FY2566 reports:
    fiscal-year, year-over-year and the portfolio) on every core, in a fresh process, and the national year
    extrapolated from its time per report."""
    from itanb.ingest import ingest
    from itanb.synth import write_synthetic

    year = work / "year"
    write_synthetic(year / "raw", agencies=agencies, years=(2565, 2566), seed=1)
    ingest(raw_dir=year / "raw", processed_dir=year / "processed")
    cores = os.cpu_count() or 1
    code = ("import sys\nfrom itanb.batch import run_batch\n"
            f"r = run_batch((2566, 2566), force=True, workers={cores}, raw_dir={str(year / 'raw')!r}, "
            f"processed_dir={str(year / 'processed')!r}, reports_dir={str(year / 'reports')!r}, "
            "progress=False)\nprint(r.planned)\nsys.exit(0 if r.ok else 1)\n")
    command = [sys.executable, "-c", code]
    seconds, done = timed(lambda: subprocess.run(command, env=_env(), capture_output=True, text=True,
                                                 check=False))
    if done.returncode != 0:
        raise RuntimeError(f"the year's batch failed:\n{done.stdout}{done.stderr}")
    reports = int(done.stdout.strip().splitlines()[-1])
    per_report = seconds / reports
    national = per_report * reports * NATIONAL_AGENCIES / agencies
    return [(f"FY2566 batch of {agencies} agencies, {cores} workers: reports", f"{reports:,}"),
            ("  total (s)", f"{seconds:.1f}"), ("  per report (s)", f"{per_report:.3f}"),
            (f"  a national year of {NATIONAL_AGENCIES:,} agencies, extrapolated (min)",
             f"{national / 60:.1f}")]


# ------------------------------------------------------------------------------------------------ main


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, row in enumerate(rows):
        pairs = enumerate(zip(row, widths, strict=True))
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs]
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _time_reports(work: Path, jobs: list) -> dict:
    """Every timing of the fiscal-year reports (the module docstring), and the figures derived from them."""
    n = len(jobs)
    t = {"n": n, "loop_s": _serial_loop(work, jobs)}
    print(f"  serial loop done in {t['loop_s']:.1f} s", flush=True)
    # the best of two runs of each batch: on a shared machine a run can fall on someone else's burst
    t["batch_s"] = {w: min(_batch(work, jobs, w) for _ in range(RUNS)) for w in (1, 2)}
    t["small"] = small = max(1, n // 4)
    t["small_s"] = min(_batch(work, jobs[:small], 1) for _ in range(RUNS))
    t["report_s"] = _report_cli(work, jobs[0], _env())
    t["marginal_s"] = marginal = (t["batch_s"][1] - t["small_s"]) / max(1, n - small)  # one more report
    t["startup_s"] = t["small_s"] - small * marginal  # what a batch costs before its first report
    t["cells_s"], t["cells_cpu_s"] = _cells(work, jobs)
    t["floor_s"] = _floor(work)
    return t


def _report_table(t: dict) -> str:
    n, small = t["n"], t["small"]
    rows = [("method", "reports", "total_s", "per_report_s")]
    rows.append(("serial loop: papermill CLI + jupyter nbconvert CLI", str(n), f"{t['loop_s']:.2f}",
                 f"{t['loop_s'] / n:.2f}"))
    for w, seconds in t["batch_s"].items():
        rows.append((f"itanb batch --force --workers {w}", str(n), f"{seconds:.2f}", f"{seconds / n:.2f}"))
    rows.append((f"itanb batch --force --workers 1 (the first {small})", str(small), f"{t['small_s']:.2f}",
                 f"{t['small_s'] / small:.2f}"))
    rows.append(("itanb report: one report, the command", "1", f"{t['report_s']:.2f}",
                 f"{t['report_s']:.2f}"))
    rows.append(("floor: empty notebook, papermill in-process", "1", f"{t['floor_s']:.2f}",
                 f"{t['floor_s']:.2f}"))
    rows.append(("cells: the notebook's code in one in-process IPython shell", str(n - 1),
                 f"{t['cells_s'] * (n - 1):.2f}", f"{t['cells_s']:.2f}"))
    return _table(rows)


def run_bench(reports: int = 16, national: int = 0, workdir: Path | str | None = None, memos: int = 0,
              *, year_agencies: int = 0, scanned: int = 0) -> int:
    """Run the benchmark (see the module docstring) and print its table; 0 on success. ``memos=N`` also
    times parsing N synthetic memos in each format (Markdown, Word, PDF) on every core; ``year_agencies=N`` a
    fiscal year's whole batch for N agencies, extrapolated to the national year (:func:`year_batch`);
    ``scanned=N`` reading N synthetic memos scanned at 300 dpi by OCR (:func:`itanb.bench_data.scans`)."""
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    os.environ.setdefault("MPLBACKEND", "Agg")
    reports = max(2, int(reports))  # two batch sizes, and the cells of all reports but the first
    cores = os.cpu_count() or 1
    with _workdir(workdir) as work:
        print(f"itanb bench: {reports} fiscal-year reports on synthetic data in {work} ({cores} cores)",
              flush=True)
        t = _time_reports(work, _prepare(work, reports))
        print(_report_table(t))
        print(f"marginal_s={t['marginal_s']:.3f} (per report, --workers 1, from {t['small']} and {t['n']} "
              f"reports) startup_s={t['startup_s']:.2f} cells_s={t['cells_s']:.3f} (CPU "
              f"{t['cells_cpu_s']:.3f}) marginal/cells={t['marginal_s'] / t['cells_s']:.2f} "
              f"load_average={os.getloadavg()[0]:.2f}")
        if national:
            print(f"\nnational data path: {national:,} synthetic agencies, FY{NATIONAL_YEARS[0]}-"
                  f"{NATIONAL_YEARS[1]}", flush=True)
            print(_table([("measure", "value"), *national_path(work, int(national))]))
            print(f"\nscore tables of {national:,} synthetic agencies over 12 fiscal years: ingest memory",
                  flush=True)
            print(_table([("measure", "value"), *national_year_memory(work, int(national))]))
        if year_agencies:
            print(f"\na fiscal year's batch: {year_agencies:,} synthetic agencies", flush=True)
            print(_table([("measure", "value"), *year_batch(work, int(year_agencies))]))
        if memos:
            print(f"\nmemo formats: {memos:,} synthetic memos per format, {cores} processes", flush=True)
            head = ("format", "memos", "measures", "memos_per_s", "cpu_ms_per_memo", "cores_x_cpu_rate")
            print(_table([head, *memo_formats(work, int(memos))]))
        if scanned:
            print(f"\nscanned memos: {scanned:,} synthetic memos as 300 dpi image-only PDFs", flush=True)
            head = ("run", "memos", "pages", "measures", "seconds", "pages_per_s", "cpu_s_per_page",
                    "cores_x_cpu_rate")
            print(_table([head, *scans(work, int(scanned))]))
        best = min(t["batch_s"].values())
        print(f"speedup_vs_loop={t['loop_s'] / best:.2f} per_report_s={best / t['n']:.2f} "
              f"floor_s={t['floor_s']:.2f} cells_s={t['cells_s']:.3f} marginal_s={t['marginal_s']:.3f} "
              f"startup_s={t['startup_s']:.2f}")
    return 0
