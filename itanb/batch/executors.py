"""Where a batch's reports run: local worker processes (here), or the workers of a Dask cluster
(:mod:`itanb.batch.cluster`).

Every worker holds one :class:`~itanb.batch.kernels.KernelPool` for its life (a local worker: a variable of
its loop; a Dask worker: the ``KernelPoolPlugin`` registered for the run) and passes it to :func:`run_job`
(:func:`start_job`), which gives papermill the pool's kernel through nbclient's ``km=`` argument. Workers
execute notebooks in-process (:func:`itanb.render.start_report`: papermill and nbconvert in the worker, no
``jupyter`` subprocess); a local worker writes one report's files while the next one's notebook runs.
``ITANB_PRESTART=0``: no pool, papermill starts each kernel itself.

An executor yields one small result dict per report as it finishes (``key``, ``ok``, ``seconds``,
``summary``, ``cell_index``, ``cell_source``, ``failed_notebook``); a worker that dies fails only the
reports it had (at most :data:`IN_FLIGHT`).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator

from itanb.batch.plan import Job
from itanb.errors import ParameterError

ENGINES = ("shell", "kernel")  # ITANB_ENGINE: forked shells (itanb.batch.engine) or forked kernels
IN_FLIGHT = 2  # reports given to a local worker at a time: one runs while the other's files are written


def pool_kind() -> str | None:
    """The kind of pool a worker holds (:func:`new_pool`): ``shell`` (``ITANB_ENGINE=shell``, the default,
    where processes can fork), ``kernel``, or None (``ITANB_PRESTART=0``: papermill starts each kernel)."""
    if os.environ.get("ITANB_PRESTART", "1") == "0":
        return None
    engine = os.environ.get("ITANB_ENGINE", "shell")
    if engine not in ENGINES:
        raise ParameterError(f"ITANB_ENGINE must be one of {', '.join(ENGINES)}, got {engine!r}")
    if engine == "shell" and hasattr(os, "fork") and os.environ.get("ITANB_FORK_KERNELS", "1") != "0":
        return "shell"
    return "kernel"


def new_pool(processed_dir: str | None = None, zygote: dict | None = None):
    """This worker process's pool (:func:`pool_kind`), its zygote booting, with the tables of
    ``processed_dir`` preloaded: a :class:`~itanb.batch.kernels.ShellPool` or a
    :class:`~itanb.batch.kernels.KernelPool` (also when the kernel spec is not this Python); None with
    ``ITANB_PRESTART=0``. ``zygote``: the one the driver started for this worker
    (:func:`~itanb.batch.kernels.listening_zygote`), attached to instead of starting one; without it, forked
    shells take one from the standby when one runs (:func:`itanb.batch.standby.zygote`)."""
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    kind = pool_kind()
    if kind is None:
        return None
    from itanb.batch.kernels import KernelPool, ShellPool
    from itanb.batch.zygote import KernelZygote
    from itanb.render import KERNEL_NAME

    attached = None
    if zygote is None and kind == "shell":  # a zygote forked by the standby, when one runs
        from itanb.batch import standby
        from itanb.batch.kernels import kernel_prefix

        prefix = kernel_prefix(KERNEL_NAME)
        zygote = standby.zygote(processed_dir, prefix) if prefix is not None else None
    if zygote is not None:
        with contextlib.suppress(OSError):
            attached = KernelZygote.attach(zygote["prefix"], zygote["address"], zygote["pid"])
    if kind == "shell":
        with contextlib.suppress(ValueError, OSError):
            return ShellPool(KERNEL_NAME, processed_dir=processed_dir, zygote=attached)
    pool = KernelPool(KERNEL_NAME, processed_dir=processed_dir, zygote=attached)
    pool.start_zygote()  # first: it boots while this process imports the rest
    import jupyter_client  # noqa: F401 - imported here, not by two threads at once
    import jupyter_core.utils  # noqa: F401

    return pool


def warm_worker() -> None:
    """papermill, nbconvert and the report template loaded, so that the first report pays for none of them."""
    import nbformat
    import papermill  # noqa: F401

    from itanb.render import notebook_to_html

    notebook_to_html(nbformat.v4.new_notebook(), "warm-up")  # template and font, cached per process


def worker_pool(processed_dir: str | None = None):
    """A kernel pool for this worker process (:func:`new_pool`) with its first kernel starting, and the worker
    warmed up (:func:`warm_worker`)."""
    pool = new_pool(processed_dir)
    if pool is not None:
        pool.prestart()
    warm_worker()
    return pool


def render_one(kind: str, params: dict, **options):
    """:func:`itanb.render.render_report` (same arguments, same result) with the batch's engine: a zygote of
    this process's own (:func:`new_pool`, the tables of ``processed_dir`` preloaded) boots while papermill
    and nbconvert are imported here, and the report runs in a fork of it; papermill's own kernel when
    there is no pool (``ITANB_PRESTART=0``) or its zygote has stopped. ``itanb report`` uses it."""
    processed_dir = options.get("processed_dir")
    pool = new_pool(str(processed_dir) if processed_dir is not None else None)
    from itanb.render import render_report

    try:
        with _engine(pool, more=False) as (engine, engine_kwargs):
            return render_report(kind, params, engine=engine, engine_kwargs=engine_kwargs, **options)
    finally:
        if pool is not None:
            pool.close()


@contextlib.contextmanager
def _engine(pool, *, more: bool = True):
    """papermill's engine name and arguments for one report on ``pool`` (None: papermill's own kernel), and
    the pool's part of the report (a kernel) given back when the notebook has run."""
    if pool is None:
        yield None, {}
        return
    engine, engine_kwargs, done = pool.papermill(more=more)
    try:
        yield engine, engine_kwargs
    finally:
        done()


def failure(job: Job, reason: str, seconds: float = 0.0) -> dict:
    """The result of a report that failed outside its notebook (no cell to name, no notebook kept)."""
    return {"key": job.key(), "ok": False, "seconds": seconds, "cell_index": None, "cell_source": None,
            "failed_notebook": None, "summary": f"{job.kind} report failed: {reason}"}


def run_job(job: Job, args: tuple, pool=None, *, more: bool = True) -> dict:
    """Run one report in this (worker) process on a kernel of ``pool`` (None: papermill starts one).

    Parameters
    ----------
    job
        The report.
    args
        (raw_dir, processed_dir, reports_dir, pdf, xlsx, docx).
    pool
        This worker's :class:`~itanb.batch.kernels.KernelPool`, or None.
    more
        False among the last reports of the batch: start no kernel for a next one.

    Returns
    -------
    dict
        The small picklable result (no notebook) described in the module docstring.
    """
    return start_job(job, args, pool, more=more)()


def start_job(job: Job, args: tuple, pool=None, *, more: bool = True) -> Callable[[], dict]:
    """:func:`run_job` in two steps: run the report's notebook now (its kernel goes back to ``pool`` at
    once), and return the function that writes its files and gives the result dict."""
    from itanb.render import start_report

    raw_dir, processed_dir, reports_dir, pdf, xlsx, docx = args
    started = time.perf_counter()
    try:
        with _engine(pool, more=more) as (engine, engine_kwargs):
            report = start_report(job.spec, job.params(), reports_dir=reports_dir, raw_dir=raw_dir,
                                  processed_dir=processed_dir, pdf=pdf, xlsx=xlsx, docx=docx, engine=engine,
                                  engine_kwargs=engine_kwargs)
    except Exception as exc:  # a bad parameter or a crash outside the notebook: no cell to name
        failed = failure(job, f"{type(exc).__name__}: {exc}", time.perf_counter() - started)
        return lambda: failed

    def finish() -> dict:
        try:
            result = report.finish()
        except Exception as exc:  # a crash writing the files: no cell to name
            return failure(job, f"{type(exc).__name__}: {exc}", time.perf_counter() - started)
        return {"key": job.key(), "ok": result.ok, "seconds": result.seconds, "summary": result.summary(),
                "docx": result.docx is not None,
                "cell_index": result.cell_index, "cell_source": result.cell_source,
                "failed_notebook": str(result.failed_notebook) if result.failed_notebook else None}

    return finish


# ------------------------------------------------------------------------------------------------ local


def local_worker(conn, args: tuple, zygote: dict | None = None) -> None:
    """A local worker process, started before its batch knows its reports, with the zygote the driver
    started for it just before (``zygote``, booting meanwhile): it imports (on a thread, while it waits for
    its first report), then serves reports (:func:`_serve`) until None. Until its first report it holds no
    kernel, and SIGTERM (a batch with less to do than workers) stops it and its zygote at once."""
    import signal

    pools = []

    def stop_booting(signum, frame) -> None:
        for pool in pools:
            pool.close()  # no kernel yet: only the zygote, killed
        os._exit(0)

    signal.signal(signal.SIGTERM, stop_booting)
    pool = new_pool(args[1], zygote)
    pools += [pool] if pool is not None else []
    # the imports and the template on a thread, so that the first report's kernel can start meanwhile
    warming = threading.Thread(target=warm_worker, name="itanb-worker-warm-up", daemon=True)
    warming.start()
    try:
        message = conn.recv()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if message is not None and pool is not None:
            pool.prestart()  # forked as soon as the zygote is ready
        warming.join()
        _serve(conn, args, pool, message)
    except EOFError:  # the driver is gone
        pass
    finally:
        if pool is not None:
            pool.close()
        conn.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # all is closed: skip tearing down a Python with pandas and matplotlib (~0.3 s)


def _serve(conn, args: tuple, pool, message) -> None:
    """``(job, more)`` in and a result out, until None: each report's notebook runs on this thread, then its
    files are written on another while the next report's notebook runs (the driver keeps two reports in
    flight per worker), and results go back in the order the reports came."""
    from concurrent.futures import ThreadPoolExecutor

    sending = threading.Lock()

    def finish(step: Callable[[], dict]) -> None:
        result = step()
        with sending:
            conn.send(result)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="itanb-report-files") as files:
        while message is not None:
            job, more = message
            files.submit(finish, start_job(job, args, pool, more=more))
            message = conn.recv()


class LocalWorkers:
    """Local worker processes (spawned: the driver holds threads), started as a batch begins so that they
    import papermill and nbconvert and boot their kernel zygotes while the driver plans. :meth:`run` gives
    them the reports, :data:`IN_FLIGHT` at a time each. Leaving the context (or :meth:`close`) stops them:
    a worker given no report at once (it holds no kernel), the others after their reports; then waits for
    them."""

    def __init__(self, workers: int, args: tuple):
        import multiprocessing

        self._context = multiprocessing.get_context("spawn")
        self._args = args
        self._kind = pool_kind()
        self._processes: list = []
        self._zygotes: dict = {}  # worker process -> the zygote started for it (the driver's child)
        self._idle = [self._start() for _ in range(max(1, workers))]

    def __enter__(self) -> LocalWorkers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self):
        """A worker process, and first its zygote (which boots longest, while the worker starts); both
        forked by the standby (:mod:`itanb.batch.standby`) when one runs for this installation."""
        forked = self._from_standby()
        if forked is not None:
            self._processes.append(forked[1])
            return forked
        started = None
        if self._kind is not None:
            from itanb.batch.kernels import listening_zygote
            from itanb.render import KERNEL_NAME

            with contextlib.suppress(OSError):
                started = listening_zygote(KERNEL_NAME, kernel=self._kind == "kernel",
                                           processed_dir=self._args[1])
        parent, child = self._context.Pipe()
        attach = started[1] if started is not None else None
        process = self._context.Process(target=local_worker, args=(child, self._args, attach), daemon=True,
                                        name="itanb-batch-worker")
        process.start()
        if started is not None:
            self._zygotes[process] = started[0]
        child.close()  # the worker's end: a worker that dies makes recv() raise EOFError here
        self._processes.append(process)
        return parent, process

    def _from_standby(self):
        """(connection, process) of a worker forked by this installation's standby; None without one."""
        if self._kind != "shell":
            return None
        from itanb.batch import standby
        from itanb.batch.kernels import kernel_prefix
        from itanb.render import KERNEL_NAME

        prefix = kernel_prefix(KERNEL_NAME)
        return standby.worker(self._args, prefix) if prefix is not None else None

    def _dismiss(self, idle: list) -> None:
        for conn, process in idle:
            process.terminate()
            conn.close()
            self._end_zygote(process)

    def _end_zygote(self, process) -> None:
        """The zygote of a worker that has ended or is told to: it ends with its worker's connection (or was
        never connected to); killed if still there, and reaped."""
        zygote = self._zygotes.pop(process, None)
        if zygote is not None:
            zygote.close()

    def run(self, jobs: list[Job]) -> Iterator[dict]:
        """Run ``jobs`` on the started workers (those beyond ``len(jobs)`` are stopped now), two in flight per
        worker (:func:`_serve`); a worker that dies fails its reports and is replaced while reports remain."""
        from multiprocessing.connection import wait

        workers = min(len(self._idle), len(jobs))
        self._dismiss(self._idle[workers:])
        starting, self._idle = self._idle[:workers], []
        queue = deque(enumerate(jobs))
        busy: dict = {}  # connection -> (process, the jobs it was given and has not answered, in order)

        def feed(conn, process) -> None:
            given = busy.setdefault(conn, (process, deque()))[1]
            while queue and len(given) < IN_FLIGHT:
                i, job = queue.popleft()
                conn.send((job, i < len(jobs) - workers))
                given.append(job)
            if not queue:
                conn.send(None)  # nothing more: it ends after the reports it has
                if not given:
                    del busy[conn]

        try:
            for conn, process in starting:
                feed(conn, process)
            while busy:
                for ready in wait(list(busy)):
                    process, given = busy[ready]
                    try:
                        result = ready.recv()
                    except (EOFError, OSError):
                        del busy[ready]
                        process.join(timeout=5)
                        self._end_zygote(process)
                        status = "unknown" if process.exitcode is None else process.exitcode
                        for job in given:
                            yield failure(job, f"the worker process failed (exit status {status})")
                        ready.close()
                        if queue:  # a new worker for the rest
                            feed(*self._start())
                        continue
                    given.popleft()
                    yield result
                    if queue:
                        feed(ready, process)
                    elif not given:
                        del busy[ready]
        finally:
            for conn in busy:
                with contextlib.suppress(OSError):
                    conn.send(None)

    def stop(self) -> None:
        """Stop the workers that were given no report (at once: they hold no kernel); the others end after
        their last report by themselves."""
        self._dismiss(self._idle)
        self._idle = []

    def close(self) -> None:
        """:meth:`stop`, then wait for every worker to end."""
        self.stop()
        for process in self._processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
            self._end_zygote(process)
