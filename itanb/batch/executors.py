"""Where a batch's reports run: a pool of local worker processes (here), or the workers of a Dask cluster
(:mod:`itanb.batch.cluster`).

A worker is a long-lived process that imports and warms up once (:func:`warm_worker`: papermill, nbconvert
and the report template, pandas, matplotlib and itanb, IPython's shell, the batch's processed tables), then
runs report after report with the papermill engine ``itanb`` (:mod:`itanb.render.engine`: the cells in the
worker's own shell, each report in a fresh namespace). Local workers are the standard library's
:class:`~concurrent.futures.ProcessPoolExecutor` in the ``spawn`` start method (safe with the driver's
threads), started as the batch begins so that they boot while the driver plans.

An executor yields one :class:`JobResult` per report as it finishes. A worker that dies (killed, out of
memory) breaks its pool: the reports then in flight are given once more to a new pool, and fail if their
worker dies again.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from itanb.batch.plan import Job

IN_FLIGHT = 2  # reports given to each local worker at a time: the next one waits in its queue
TRIES = 2  # a report in flight when its pool broke is run once more, on a new pool


@dataclass(frozen=True)
class JobResult:
    """What running one report of a batch did (picklable, small: no notebook)."""

    key: str  # the report's manifest key (its path relative to the reports folder)
    ok: bool
    seconds: float
    summary: str  # the report's path, or where and why it failed (one line)
    docx: bool = False  # a Word draft was written beside it
    cell_index: int | None = None  # the failing cell (in the source notebook)
    cell_source: str | None = None  # its first line
    failed_notebook: str | None = None  # where the executed notebook of a failed run is kept


def failure(job: Job, reason: str, seconds: float = 0.0) -> JobResult:
    """The result of a report that failed outside its notebook (no cell to name, no notebook kept)."""
    return JobResult(job.key(), False, seconds, f"{job.kind} report failed: {reason}")


def decline_iri_grammars() -> None:
    """In a process of itanb's own (a worker, the ``itanb`` command), before nbformat is imported: jsonschema,
    which nbformat imports, imports rfc3987-syntax where it is installed (JupyterLab's jupyter-events brings
    it), and that compiles some twenty Lark grammars at import, 1.5-2.7 s of CPU (python-jsonschema/jsonschema
    issue 1428). Nothing a report does checks the IRI formats it serves, so such a process declines the
    module: an entry of None in ``sys.modules`` makes its import fail, and jsonschema then goes without those
    two formats, as it does where the module is not installed. Never done on import of itanb (an analyst's
    kernel keeps its own)."""
    sys.modules.setdefault("rfc3987_syntax", None)


def warm_worker(processed_dir: str | None = None) -> None:
    """Everything a report needs, loaded once in this (worker) process: papermill, nbconvert and the
    template, the shell of the ``itanb`` engine, the reports' modules and the tables of ``processed_dir``
    (cached per process while its files are unchanged: :func:`itanb.views.load_tables`)."""
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    decline_iri_grammars()
    import nbformat
    import papermill  # noqa: F401

    from itanb import charts, views  # noqa: F401 - what the report notebooks import
    from itanb.render import notebook_to_html
    from itanb.render.engine import report_shell

    report_shell()
    notebook_to_html(nbformat.v4.new_notebook(), "warm-up")  # template and font, cached per process
    if processed_dir and (Path(processed_dir) / "agencies.parquet").exists():
        views.load_tables(Path(processed_dir))
    gc.freeze()  # what is loaded now lives as long as the worker: the collector need not walk it again


def run_job(job: Job, args: tuple) -> JobResult:
    """Run one report in this (worker) process with the engine ``itanb``.

    ``args``: (raw_dir, processed_dir, reports_dir, pdf, xlsx, docx)."""
    from itanb.render import render_report

    raw_dir, processed_dir, reports_dir, pdf, xlsx, docx = args
    started = time.perf_counter()
    try:
        result = render_report(job.spec, job.params(), reports_dir=reports_dir, raw_dir=raw_dir,
                               processed_dir=processed_dir, pdf=pdf, xlsx=xlsx, docx=docx)
    except Exception as exc:  # a bad parameter or a crash outside the notebook: no cell to name
        return failure(job, f"{type(exc).__name__}: {exc}", time.perf_counter() - started)
    return JobResult(job.key(), result.ok, result.seconds, result.summary(), result.docx is not None,
                     result.cell_index, result.cell_source,
                     str(result.failed_notebook) if result.failed_notebook else None)


class LocalPool:
    """``workers`` local worker processes (a spawn :class:`~concurrent.futures.ProcessPoolExecutor`, each
    warmed by :func:`warm_worker`), started at once so that they boot while the caller plans. A context
    manager: leaving it stops them."""

    def __init__(self, workers: int, processed_dir: str | None):
        self.workers = max(1, workers)
        self.processed_dir = processed_dir
        self.executor = self._start()

    def _start(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=warm_worker, initargs=(self.processed_dir,))
        for _ in range(self.workers):  # one process per submission while none is idle: all boot now
            executor.submit(int)
        return executor

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def run(self, jobs: list[Job], args: tuple) -> Iterator[JobResult]:
        """Run ``jobs``, :data:`IN_FLIGHT` per worker at a time; results as they finish."""
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        queue = deque((job, 1) for job in jobs)
        running: dict = {}  # future -> (job, try)
        while queue or running:
            while queue and len(running) < self.workers * IN_FLIGHT:
                job, attempt = queue.popleft()
                running[self.executor.submit(run_job, job, args)] = (job, attempt)
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            lost = []
            for future in done:
                job, attempt = running.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    lost.append((job, attempt))
            if lost:  # a worker died: every report still in flight went down with the pool
                lost += running.values()
                running.clear()
                self.executor.shutdown(wait=True, cancel_futures=True)
                self.executor = self._start()
                for job, attempt in lost:
                    if attempt < TRIES:
                        queue.appendleft((job, attempt + 1))
                    else:
                        yield failure(job, "its worker process died (killed or out of memory), twice")
