"""The benchmark's data-path and memo-parsing parts (:mod:`itanb.bench` runs them with ``national=N`` and
``memos=N``): the data path on N synthetic agencies over FY2562-2568 (writing, ingesting, loading, portfolio
analytics, planning and hashing, peak RSS with children), and N synthetic memos per format parsed on every
core. Nothing is written into data/raw."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

NATIONAL_YEARS = (2562, 2568)


class PeakRSS:
    """Peak resident memory of this process plus its children, sampled every 50 ms on a thread."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        import psutil

        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                continue
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRSS:
        self.peak = self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


# ------------------------------------------------------------------------------------------------ national


def national_path(work: Path, n: int) -> list[tuple[str, str]]:
    from itanb.batch import dependency_hashes, plan_jobs
    from itanb.compare import portfolio
    from itanb.ingest import ingest
    from itanb.store import load_tables
    from itanb.synth import write_synthetic

    rows: list[tuple[str, str]] = []
    raw, processed = work / "national-raw", work / "national-processed"
    with PeakRSS() as synth_mem:
        synth_s, _ = timed(lambda: write_synthetic(raw, agencies=n, years=NATIONAL_YEARS, seed=0))
    with PeakRSS() as ingest_mem:
        ingest_s, _ = timed(lambda: ingest(raw_dir=raw, processed_dir=processed))
    years = NATIONAL_YEARS[1] - NATIONAL_YEARS[0] + 1
    rows.append((f"synth: {n} memos + {n}x{years} score rows (s)", f"{synth_s:.2f}"))
    rows.append(("ingest (s)", f"{ingest_s:.2f}"))
    rows.append(("ingest memos/s", f"{n / ingest_s:,.0f}"))
    rows.append(("synth + ingest memos/s", f"{n / (synth_s + ingest_s):,.0f}"))
    with PeakRSS() as use_mem:
        load_s, tables = timed(lambda: load_tables(processed))
        port_s, _ = timed(lambda: portfolio(tables, NATIONAL_YEARS[1]))
        plan_s, jobs = timed(lambda: plan_jobs(tables))
        hash_s, _ = timed(lambda: dependency_hashes(tables, jobs, raw))
    rows.append(("load processed tables (s)", f"{load_s:.2f}"))
    rows.append((f"portfolio analytics FY{NATIONAL_YEARS[1]} (s)", f"{port_s:.2f}"))
    rows.append((f"plan + hash all {len(jobs):,} batch reports (s)", f"{plan_s + hash_s:.2f}"))
    mib = 1024 * 1024
    rows.append(("peak RSS synth (MiB)", f"{synth_mem.peak / mib:,.0f}"))
    rows.append(("peak RSS ingest, children incl. (MiB)", f"{ingest_mem.peak / mib:,.0f}"))
    rows.append(("peak RSS load + portfolio + plan (MiB)", f"{use_mem.peak / mib:,.0f}"))
    return rows


# ------------------------------------------------------------------------------------------------ memos


def _parse_count(path: str) -> tuple[int, float]:
    """(measures, CPU seconds) of parsing one memo file."""
    from itanb.memo import parse_memo_file

    started = time.process_time()
    found = len(parse_memo_file(Path(path)).measures)
    return found, time.process_time() - started


def memo_formats(work: Path, n: int) -> list[tuple[str, ...]]:
    """Memos parsed per second in each format: ``n`` synthetic memos written as Markdown, as Word and as PDF
    (the same texts), parsed by ``parse_memo_file`` in a process per core after a warm-up. Besides the
    wall-clock rate, the CPU time per memo and what the cores give at that cost (``cores_x_cpu_rate``: the
    rate on an otherwise idle machine; the wall rate falls below it when other work shares the cores)."""
    from concurrent.futures import ProcessPoolExecutor

    from itanb.synth import write_synthetic

    cores = os.cpu_count() or 1
    rows = []
    with ProcessPoolExecutor(max_workers=cores) as pool:
        for fmt in ("md", "docx", "pdf"):
            raw = work / f"memos-{fmt}"
            write_synthetic(raw, agencies=n, years=(2565, 2566), seed=8, memo_formats=(fmt,))
            files = sorted(str(p) for p in (raw / "memos").rglob("synthetic-*") if p.is_file())
            list(pool.map(_parse_count, files[: cores * 2]))  # imports and caches in every worker
            seconds, results = timed(lambda f=files: list(pool.map(_parse_count, f, chunksize=8)))
            cpu = sum(c for _, c in results) / len(files)
            measures = sum(m for m, _ in results)
            rows.append((fmt, f"{len(files)}", f"{measures}", f"{len(files) / seconds:,.0f}",
                         f"{cpu * 1000:.1f}", f"{cores / cpu:,.0f}"))
    return rows


# ------------------------------------------------------------------------------------------------ memory


NATIONAL_YEAR_MEMORY = 1 << 30  # the bound of issue 21: a national set of score tables ingested within 1 GB
_PEAK = ("import resource, sys\nfrom itanb.cli import main\ncode = main(sys.argv[1:])\n"
         "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\nsys.exit(code)\n")


def national_year_memory(work: Path, agencies: int = 8300, years: tuple[int, int] = (2557, 2568)
                         ) -> list[tuple[str, str]]:
    """Peak memory of `itanb ingest` of the score tables of ``agencies`` SYNTHETIC agencies over the fiscal
    ``years`` (one table a year, tool and indicator columns, one as .xlsx; no memos), run in a process of its
    own (its peak resident set, ``getrusage``); against :data:`NATIONAL_YEAR_MEMORY`."""
    import shutil
    import subprocess
    import sys

    from itanb.synth import write_synthetic

    raw, processed = work / "national-year-raw", work / "national-year-processed"
    write_synthetic(raw, agencies=agencies, years=years, seed=0)
    shutil.rmtree(raw / "memos")
    env = {**os.environ, "ITANB_STANDBY": "0", "PYTHAINLP_READ_ONLY": "1"}
    seconds, done = timed(lambda: subprocess.run(
        [sys.executable, "-c", _PEAK, "ingest", "--raw", str(raw), "--processed", str(processed)],
        capture_output=True, text=True, env=env, check=False))
    if done.returncode != 0:
        raise RuntimeError(f"ingest failed: {done.stderr.strip()[-500:]}")
    peak = int(done.stderr.strip().splitlines()[-1]) * 1024  # kB on Linux
    n_years = years[1] - years[0] + 1
    what = f"{agencies:,} agencies x {n_years} years of score tables ({agencies * n_years:,} rows)"
    return [(f"ingest of {what} (s)", f"{seconds:.2f}"),
            ("peak RSS of that ingest (MiB)", f"{peak / (1 << 20):,.0f}"),
            ("within 1 GB", "yes" if peak <= NATIONAL_YEAR_MEMORY else "NO")]


# ------------------------------------------------------------------------------------------------ scans

_SCAN_READ = """
import json, resource, sys, time
from pathlib import Path
from itanb.memo import parse_memo_file
parse_memo_file  # imported before the clocks start
started, cpu = time.perf_counter(), time.process_time()
measures = sum(len(parse_memo_file(Path(path)).measures) for path in sys.argv[1:])
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([time.perf_counter() - started, time.process_time() - cpu + children.ru_utime
                  + children.ru_stime, measures]))
"""


def scans(work: Path, n: int, dpi: int = 300) -> list[tuple[str, ...]]:
    """Scanned memos read per second: ``n`` synthetic memos printed as PDF (``itanb synth``'s PDF writer),
    rendered at ``dpi`` into image-only PDFs (no text layer), then read by ``parse_memo_file`` one after
    another in a fresh process (the pages of each memo in threads, one tesseract process per core), first
    with an empty OCR cache, then again from the cache. Rows: (run, memos, pages, measures, seconds,
    pages_per_s, cpu_s_per_page (tesseract's processes included), cores_x_cpu_rate: the pages per second
    the cores give at that cost on an otherwise idle machine)."""
    import io
    import json
    import subprocess
    import sys

    import pypdfium2 as pdfium

    from itanb.synth import write_synthetic

    raw = work / "scans-src"
    write_synthetic(raw, agencies=n, years=(2565, 2566), seed=9, memo_formats=("pdf",))
    out_dir = work / "scans"
    out_dir.mkdir(parents=True, exist_ok=True)
    files, pages = [], 0
    for src in sorted((raw / "memos").rglob("*.pdf"))[:n]:
        doc = pdfium.PdfDocument(src.read_bytes())
        images = [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
                  for i in range(len(doc))]
        buf = io.BytesIO()
        images[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
        path = out_dir / src.name
        path.write_bytes(buf.getvalue())
        files.append(str(path))
        pages += len(images)
    env = {**os.environ, "ITANB_CACHE": str(work / "ocr-cache"), "PYTHAINLP_READ_ONLY": "1"}
    rows = []
    for run in ("OCR", "cached"):
        done = subprocess.run([sys.executable, "-c", _SCAN_READ, *files], capture_output=True, text=True,
                              env=env, check=True)
        seconds, cpu, measures = json.loads(done.stdout)
        cores = os.cpu_count() or 1
        rows.append((run, f"{len(files)}", f"{pages}", f"{measures}", f"{seconds:.1f}",
                     f"{pages / seconds:.2f}", f"{cpu / pages:.2f}", f"{cores * pages / cpu:.2f}"))
    return rows
