"""A batch: plan the reports, skip those already built from the same inputs, run the rest on an executor,
record each as it finishes, and write ``reports/index.html``."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from itanb import paths
from itanb.batch.executors import JobResult
from itanb.batch.manifest import Manifest, lock, remove_stale_temporaries
from itanb.batch.plan import Job, dependency_hashes, plan_jobs
from itanb.errors import ParameterError

EXECUTORS = ("local", "dask")


@dataclass
class BatchResult:
    """What one :func:`run_batch` did: manifest keys built, the number unchanged, the failed reports."""

    planned: int = 0
    built: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[JobResult] = field(default_factory=list)
    seconds: float = 0.0
    index: Path | None = None
    executor: str = "local"
    workers: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        """One line: how many reports were built, unchanged and failed, in how long, on what."""
        return (f"itanb batch: {self.planned} reports: {len(self.built)} built, {self.unchanged} unchanged, "
                f"{len(self.failed)} failed in {self.seconds:.2f} s "
                f"({self.executor}, {self.workers} workers)")

    def failures(self) -> list[str]:
        """A ``FAILED <key>: <why>`` line per failed report."""
        return [f"FAILED {f.key}: {f.summary}" for f in self.failed]

    def text(self) -> str:
        lines = [self.summary(), *self.failures()]
        if self.index:
            lines.append(f"index: {self.index}")
        return "\n".join(lines)


def _execute(todo: list[Job], args: tuple, *, local, workers: int, scheduler: str | None):
    """The results of ``todo``, as they come: on the batch's local workers, else on a Dask cluster."""
    if local is not None:
        return local.run(todo, args)
    from itanb.batch.cluster import run_dask

    return run_dask(todo, args, workers, scheduler)


def _collect(results, manifest: Manifest, digests: dict, result: BatchResult, *, pdf: bool, xlsx: bool,
             total: int, progress: bool | None) -> None:
    """Record every finished report in the manifest's journal as it comes, with a progress bar."""
    from tqdm import tqdm

    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(total=total, file=sys.stderr, disable=not show, unit="report", desc="itanb batch") as bar:
        try:
            for res in results:
                if res.ok:
                    manifest.record(res.key, digests[res.key], pdf, xlsx, res.docx)
                    result.built.append(res.key)
                else:
                    manifest.record(res.key, None)
                    result.failed.append(res)
                bar.update(1)
        finally:
            manifest.save()


def _warm_index_thread(provinces: set[str]):
    """A thread, started now and joined before the index is written, that does the index's first-use work
    while the workers run the reports (the driver only waits for them meanwhile): the provinces' file-name
    slugs (a name outside the known provinces loads pythainlp's dictionary) and the font subsetter (the
    first page's Sarabun subset loads fontTools and the font), at the lowest CPU priority: it must not slow
    the workers' boot. Caches only: the index is the same."""
    import threading

    def warm() -> None:
        with contextlib.suppress(AttributeError, OSError):  # Linux: a thread has its own nice value
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)  # after the workers' boot
        from itanb.agencies import province_slug
        from itanb.fonts import font_css

        for province in sorted(provinces):
            province_slug(province)
        font_css("ดัชนีรายงาน ITA")

    thread = threading.Thread(target=warm, name="itanb-index-warm-up", daemon=True)
    thread.start()
    return thread


def run_batch(years: tuple[int, int] | None = None, agencies: Iterable[str] | None = None, *,
              pdf: bool = False, xlsx: bool = False, docx: bool = False, workers: int | None = None,
              executor: str = "local",
              scheduler: str | None = None, force: bool = False, raw_dir: Path | str = paths.RAW,
              processed_dir: Path | str = paths.PROCESSED, reports_dir: Path | str = paths.REPORTS,
              jobs: list[Job] | None = None, progress: bool | None = None) -> BatchResult:
    """Build the reports that changed (all with ``force``), then the index.

    Parameters
    ----------
    years, agencies
        Narrow the plan (:func:`itanb.batch.plan.plan_jobs`); ``jobs`` replaces the plan.
    pdf
        Also write PDFs (a report without its PDF counts as changed).
    xlsx
        Also write each report's Excel workbook (likewise).
    docx
        Also write the Word draft beside each fiscal-year report with a score to analyse (likewise; other
        kinds, and agencies without any score up to the year, have none: :func:`itanb.draft.applies`).
    workers
        Worker processes (default: the number of cores).
    executor, scheduler
        ``local`` processes, or ``dask`` on ``scheduler``'s cluster (default: a LocalCluster).
    force
        Rebuild even what is current.
    raw_dir, processed_dir, reports_dir
        The folders.
    progress
        A tqdm bar on stderr (default: when stderr is a terminal).

    Returns
    -------
    BatchResult
        ``failed`` holds one result dict per failed report; the others are in ``built`` or ``unchanged``.
    """
    if executor not in EXECUTORS:
        raise ParameterError(f"executor must be local or dask, got {executor!r}")
    started = time.perf_counter()
    raw_dir, processed_dir, reports_dir = (Path(p).resolve() for p in (raw_dir, processed_dir, reports_dir))
    workers = max(1, int(workers or os.cpu_count() or 1))
    args = (str(raw_dir), str(processed_dir), str(reports_dir), pdf, xlsx, docx)
    result = BatchResult(planned=0, executor=executor, workers=workers)
    with contextlib.ExitStack() as stack:
        local = None
        starting = workers if jobs is None else min(workers, len(jobs))
        if executor == "local" and starting:  # started first: they boot while the plan is made
            from itanb.batch.executors import LocalPool

            local = stack.enter_context(LocalPool(starting, args[1]))
        elif executor == "dask":
            from itanb.batch.cluster import dask_available

            dask_available()
        _build(result, jobs, local, args, years=years, agencies=agencies, force=force, scheduler=scheduler,
               progress=progress)
    result.seconds = time.perf_counter() - started
    return result


def _build(result: BatchResult, jobs: list[Job] | None, local, args: tuple, *, years, agencies, force: bool,
           scheduler: str | None, progress: bool | None) -> None:
    """:func:`run_batch` once its workers are starting: plan, hash, run what changed, write the index."""
    from itanb import draft
    from itanb.render import write_index
    from itanb.store import load_tables

    raw, processed, reports, pdf, xlsx, docx = args
    processed_dir, reports_dir = Path(processed), Path(reports)
    tables = load_tables(processed_dir)
    if jobs is None:
        jobs = plan_jobs(tables, years, agencies)
    digests = dependency_hashes(tables, jobs, raw)
    warm = _warm_index_thread({p for p in tables.agencies["province"] if isinstance(p, str)})
    # the fiscal-year reports whose Word draft is wanted: those with a result to analyse
    drafts = {j.key() for j in jobs if docx and draft.knows(j.kind)
              and draft.applies(tables, j.agency_id, j.fiscal_year)}
    del tables
    result.planned = len(jobs)
    with lock(reports_dir):
        remove_stale_temporaries(reports_dir)
        manifest = Manifest(reports_dir).load()
        todo = [j for j in jobs if force or not manifest.is_current(j.key(), digests[j.key()], pdf, xlsx,
                                                                    j.key() in drafts)]
        result.unchanged = len(jobs) - len(todo)
        if todo:
            results = _execute(todo, args, local=local, workers=result.workers, scheduler=scheduler)
            _collect(results, manifest, digests, result, pdf=pdf, xlsx=xlsx, total=len(todo),
                     progress=progress)
        elif not manifest.path.exists() or manifest.journal_path.exists():
            manifest.save()
        if local is not None:
            local.close()  # the workers stop now (at once when given no report)
        warm.join()
        result.index = write_index(reports_dir, processed_dir, failed=[f.key for f in result.failed])
