"""Many reports, one module per job:

- :mod:`itanb.batch.plan`: the reports of a batch (:class:`Job`, :func:`plan_jobs`) and the hash of what each
  depends on (:func:`dependency_hashes`)
- :mod:`itanb.batch.manifest`: what was built (manifest, journal), the lock on the reports folder
- :mod:`itanb.batch.executors`: long-lived local worker processes (a ProcessPoolExecutor), each warmed once
- :mod:`itanb.batch.cluster`: the same on a Dask cluster's workers
- :mod:`itanb.batch.run`: :func:`run_batch`: plan, skip what is current, execute, record, index
"""

from itanb.batch.executors import JobResult
from itanb.batch.manifest import JOURNAL, MANIFEST, Manifest
from itanb.batch.plan import Job, code_digests, dependency_hashes, plan_jobs
from itanb.batch.run import BatchResult, run_batch

__all__ = ["JOURNAL", "MANIFEST", "BatchResult", "Job", "JobResult", "Manifest", "code_digests",
           "dependency_hashes", "plan_jobs", "run_batch"]
