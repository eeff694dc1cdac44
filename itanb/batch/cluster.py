"""A batch's reports on the workers of a Dask cluster (``itanb batch --executor dask``, ``pip install
'itanb[dask]'``): every worker is warmed once for the run (:func:`itanb.batch.executors.warm_worker`, by the
``itanb-worker`` WorkerPlugin) and runs reports with :func:`itanb.batch.executors.run_job`, two per worker
thread in flight."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from itertools import islice

from itanb.batch.executors import JobResult, failure, run_job, warm_worker
from itanb.batch.plan import Job
from itanb.errors import ParameterError

DASK_PLUGIN = "itanb-worker"


def dask_available() -> None:
    """ParameterError in one line when Dask's distributed scheduler is not installed."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ParameterError("--executor dask needs Dask's distributed scheduler: "
                             "pip install 'itanb[dask]'") from None


def _dask_plugin(processed_dir: str):
    from distributed import WorkerPlugin

    class WarmWorker(WorkerPlugin):
        """Each Dask worker warmed once for the run, as a local worker is."""

        name = DASK_PLUGIN

        def setup(self, worker) -> None:
            warm_worker(processed_dir)

    return WarmWorker()


def _outcome(future, job: Job) -> JobResult:
    """The result of a finished future; a worker that died (killed, out of memory) fails its report."""
    try:
        return future.result()
    except Exception as exc:
        return failure(job, f"the worker process failed: {type(exc).__name__}: {exc}")


def _dask_client(workers: int, scheduler: str | None):
    import logging

    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="30s"), None
        except (OSError, TimeoutError) as exc:
            raise ParameterError(f"cannot reach the Dask scheduler {scheduler!r}: {exc}") from None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def run_dask(jobs: list[Job], args: tuple, workers: int, scheduler: str | None) -> Iterator[JobResult]:
    """Run ``jobs`` on a Dask cluster (``scheduler``'s, or a LocalCluster of ``workers`` processes with one
    thread each: the engine runs one notebook at a time per process), two per worker thread in flight."""
    dask_available()
    from distributed import as_completed

    client, cluster = _dask_client(workers, scheduler)
    try:
        client.register_plugin(_dask_plugin(args[1]), name=DASK_PLUGIN)
        slots = max(1, sum(client.nthreads().values()))
        queue = iter(jobs)
        index: dict = {}

        def submit(job: Job):
            future = client.submit(run_job, job, args, pure=False)
            index[future.key] = job
            return future

        completed = as_completed([submit(j) for j in islice(queue, 2 * slots)])
        for future in completed:
            result = _outcome(future, index.pop(future.key))
            future.release()
            for job in islice(queue, 1):
                completed.add(submit(job))
            yield result
    finally:
        with contextlib.suppress(Exception):
            client.unregister_worker_plugin(DASK_PLUGIN)
        client.close()
        if cluster is not None:
            cluster.close()
