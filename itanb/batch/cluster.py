"""A batch's reports on the workers of a Dask cluster (``itanb batch --executor dask``): every worker holds a
pool for the run (the ``KernelPoolPlugin`` WorkerPlugin) and runs reports with
:func:`itanb.batch.executors.run_job`, two per worker thread in flight."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from itertools import islice

from itanb.batch.executors import failure, run_job, worker_pool
from itanb.batch.plan import Job
from itanb.errors import ParameterError

DASK_PLUGIN = "itanb-kernel-pool"


def _dask_plugin(processed_dir: str):
    from distributed import WorkerPlugin

    class KernelPoolPlugin(WorkerPlugin):
        """One kernel pool per Dask worker for the run: made in ``setup``, closed in ``teardown``."""

        name = DASK_PLUGIN

        def setup(self, worker) -> None:
            self.pool = worker_pool(processed_dir)

        def teardown(self, worker) -> None:
            if getattr(self, "pool", None) is not None:
                self.pool.close()

    return KernelPoolPlugin()


def _dask_job(job: Job, args: tuple, more: bool) -> dict:
    from distributed import get_worker

    plugin = get_worker().plugins.get(DASK_PLUGIN)
    return run_job(job, args, getattr(plugin, "pool", None), more=more)


def _outcome(future, job: Job) -> dict:
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


def run_dask(jobs: list[Job], args: tuple, workers: int, scheduler: str | None) -> Iterator[dict]:
    """Run ``jobs`` on a Dask cluster (``scheduler``'s, or a LocalCluster of ``workers`` processes), two per
    worker thread in flight; every worker has a kernel pool for the run (:class:`KernelPoolPlugin`)."""
    from distributed import as_completed

    client, cluster = _dask_client(workers, scheduler)
    try:
        client.register_plugin(_dask_plugin(args[1]), name=DASK_PLUGIN)
        slots = max(1, sum(client.nthreads().values()))
        queue = iter(enumerate(jobs))
        index: dict = {}

        def submit(i: int, job: Job):
            future = client.submit(_dask_job, job, args, i < len(jobs) - slots, pure=False)
            index[future.key] = i
            return future

        completed = as_completed([submit(i, j) for i, j in islice(queue, 2 * slots)])
        for future in completed:
            result = _outcome(future, jobs[index.pop(future.key)])
            future.release()
            for i, job in islice(queue, 1):
                completed.add(submit(i, job))
            yield result
    finally:
        with contextlib.suppress(Exception):
            client.unregister_worker_plugin(DASK_PLUGIN)  # closes every worker's pool
        client.close()
        if cluster is not None:
            cluster.close()
