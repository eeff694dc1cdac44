"""Many reports, one module per job:

- :mod:`itanb.batch.plan`: the reports of a batch (:class:`Job`, :func:`plan_jobs`) and the hash of what each
  depends on (:func:`dependency_hashes`)
- :mod:`itanb.batch.manifest`: what was built (manifest, journal), the lock on the reports folder
- :mod:`itanb.batch.jupyter_internals`: the one module that uses jupyter_client's private API
- :mod:`itanb.batch.zygote`: a pre-loaded process per worker that forks a fresh kernel per report
- :mod:`itanb.batch.kernels`: :class:`~itanb.batch.kernels.KernelPool`, a worker's kernels one report ahead
- :mod:`itanb.batch.executors`: local worker processes and the Dask executor, each worker with its pool
- :mod:`itanb.batch.run`: :func:`run_batch`: plan, skip what is current, execute, record, index
"""

from itanb.batch.manifest import JOURNAL, MANIFEST, Manifest
from itanb.batch.plan import Job, code_digests, dependency_hashes, plan_jobs
from itanb.batch.run import BatchResult, run_batch

__all__ = ["JOURNAL", "MANIFEST", "BatchResult", "Job", "Manifest", "code_digests", "dependency_hashes",
           "plan_jobs", "run_batch"]
