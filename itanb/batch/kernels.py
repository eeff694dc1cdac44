"""A worker's kernels: :class:`KernelPool` starts each report's kernel one report ahead, forked from a
pre-loaded zygote (:mod:`itanb.batch.zygote`), with the notebooks' modules imported. The pool is an object
the caller holds and passes along (:func:`itanb.batch.executors.run_job`); papermill gets its kernel
manager through nbclient's ``km=`` argument.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

from itanb.batch.jupyter_internals import forking_kernel_manager, quick_ready_client
from itanb.batch.processes import ForkedProcess
from itanb.batch.zygote import KernelZygote, zygote_prefix

# imported inside itanb functions on first use: imported into a pre-started kernel with the notebooks' modules
LAZY_IMPORTS = ("pandas", "pyarrow.parquet", "matplotlib.pyplot", "IPython.display", "pythainlp.util",
                "itanb.store", "itanb.compare", "itanb.grading", "itanb.thai", "itanb.agencies")


def warm_modules(kinds: dict | None = None) -> list[str]:
    """The modules the report notebooks import (their import lines) and :data:`LAZY_IMPORTS`, imported into a
    kernel ahead of time; ``kinds`` default: :func:`itanb.render.report_kinds`. The notebooks are read as
    JSON (a zygote waits for this list: nbformat's import and validation would delay it)."""
    import json

    found: list[str] = []
    pattern = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import\s+([\w, ]+)|import\s+([\w.]+))", re.M)
    from itanb.render import report_kinds

    for kind in (report_kinds() if kinds is None else kinds).values():
        cells = json.loads(kind.notebook.read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            if cell.get("cell_type") != "code" or "parameters" in cell.get("metadata", {}).get("tags", []):
                continue
            for match in pattern.finditer("".join(cell.get("source", ""))):
                if match.group(3):
                    names = [match.group(3)]
                else:
                    package = match.group(1)
                    names = [package, *(f"{package}.{n.strip()}" for n in match.group(2).split(",")
                                         if n.strip())]
                found += [n for n in names if n not in found]
    found += [m for m in LAZY_IMPORTS if m not in found]
    return found


def kernel_argv(kernel_name: str) -> list[str] | None:
    """The command of the kernel spec ``kernel_name`` from the first ``kernels/<name>/kernel.json`` on
    Jupyter's data path, the folders and order jupyter_client's KernelSpecManager reads; None when there is
    none (jupyter_client then decides, e.g. its built-in python3). Cheap: no jupyter_client import."""
    import json

    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("kernels"):
        spec = Path(folder) / kernel_name / "kernel.json"
        if spec.is_file():
            try:
                argv = json.loads(spec.read_text(encoding="utf-8"))["argv"]
            except (OSError, ValueError, KeyError, TypeError):
                return None
            return [str(a) for a in argv] if isinstance(argv, list) else None
    return None


class KernelPool:
    """Kernels for one worker's reports, each started one report ahead on a thread of its own, with the
    notebooks' modules imported; forked from a :class:`~itanb.batch.zygote.KernelZygote` unless ``fork`` is
    False (default: True unless ``ITANB_FORK_KERNELS=0``). Use as a context manager, or :meth:`close`.

    A report's kernel manager comes from :meth:`take` and goes back to :meth:`release`, which stops it:
    every report has a kernel of its own that ran nothing before it.
    """

    def __init__(self, kernel_name: str = "python3", modules: list[str] | None = None, *,
                 fork: bool | None = None, processed_dir: str | None = None,
                 zygote: KernelZygote | None = None):
        from concurrent.futures import ThreadPoolExecutor

        self.kernel_name = kernel_name
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="itanb-kernel")
        self._lock = threading.Lock()  # a Dask worker may run reports on several threads
        self._next = None
        self._modules = warm_modules() if modules is None and zygote is None else (modules or [])
        self._zygote: KernelZygote | None = zygote  # started by the driver for this worker, or on first use
        self._preload = processed_dir  # the zygote loads these tables for every kernel it forks
        if fork is None:
            fork = os.environ.get("ITANB_FORK_KERNELS", "1") != "0"
        self._forking = fork and hasattr(os, "fork")
        # run in each kernel before its report; leaves no name behind in the notebook's namespace
        self._warm = ("from itanb.batch.zygote import import_all as _itanb_import_all\n"
                      f"_itanb_import_all({self._modules!r})\ndel _itanb_import_all\n")

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def fork(self, cmd: list[str], kw: dict) -> ForkedProcess | None:
        """A kernel forked from this worker's zygote (started on first use); None: launch it as usual."""
        if not self._forking:
            return None
        prefix = zygote_prefix(cmd)
        if prefix is None:
            return None
        try:
            if self._zygote is None:
                self._zygote = KernelZygote(prefix, self._modules, self._preload)
            if self._zygote.prefix != prefix:
                return None
            return self._zygote.fork(cmd[len(prefix) + 2:], kw.get("env") or dict(os.environ), kw.get("cwd"))
        except (OSError, ValueError):
            self._forking = False  # the zygote failed: new processes from now on
            self._close_zygote()
            return None

    def start_zygote(self) -> None:
        """Start this pool's zygote now (it boots for seconds), for the kernel spec's command; nothing when
        kernels are not forked, or the kernel spec is not this Python's (those kernels start as usual)."""
        if not self._forking or self._zygote is not None:
            return
        try:
            prefix = kernel_prefix(self.kernel_name)
            if prefix is not None:
                self._zygote = KernelZygote(prefix, self._modules, self._preload)
        except Exception:  # no such kernel spec, or no process: papermill says why when it starts the kernel
            self._forking = False

    def _close_zygote(self) -> None:
        zygote, self._zygote = self._zygote, None
        if zygote is not None:
            zygote.close()

    def _start(self):
        from jupyter_client import AsyncKernelManager
        from jupyter_core.utils import run_sync

        manager = forking_kernel_manager(self.fork) if self._forking else AsyncKernelManager
        km = manager(kernel_name=self.kernel_name)
        km.client_factory = quick_ready_client()
        # the kernel's own stderr only repeats a warning about TCP on localhost; cell output goes over zmq
        run_sync(km.start_kernel)(extra_arguments=["--HistoryManager.hist_file=:memory:"],
                                  stderr=subprocess.DEVNULL)
        kc = km.client()
        try:
            kc.start_channels()
            run_sync(kc.wait_for_ready)(timeout=60)
            run_sync(kc.execute_interactive)(self._warm, silent=True, store_history=False, timeout=120,
                                             output_hook=lambda msg: None)
        except BaseException:
            kc.stop_channels()
            run_sync(km.shutdown_kernel)(now=True)
            raise
        kc.stop_channels()
        return km

    @staticmethod
    def _stop(km) -> None:
        from jupyter_core.utils import run_sync

        with contextlib.suppress(Exception):
            run_sync(km.shutdown_kernel)(now=True)

    def prestart(self) -> None:
        """Start a kernel now, ahead of the first :meth:`take`."""
        if self._next is None:
            self._next = self._thread.submit(self._start)

    def take(self, *, more: bool = True):
        """A started kernel manager for one report (None: it could not start; let papermill start one);
        starts the next one in the background unless ``more`` is False (no report follows on this worker)."""
        with self._lock:
            current = self._next or self._thread.submit(self._start)
            self._next = self._thread.submit(self._start) if more else None
        try:
            return current.result()
        except Exception:
            return None

    def release(self, km) -> None:
        self._thread.submit(self._stop, km)

    def papermill(self, *, more: bool = True) -> tuple[str | None, dict, Callable[[], None]]:
        """For one report: papermill's engine name, its arguments, and what to call once the notebook has
        run: here papermill's default engine on a kernel of this pool (``km=``), released afterwards."""
        km = self.take(more=more)
        if km is None:
            return None, {}, _nothing
        return None, {"km": km}, lambda: self.release(km)

    def close(self) -> None:
        """Stop the spare kernel and the zygote; every kernel of this pool is gone afterwards."""
        if self._next is not None:
            with contextlib.suppress(Exception):
                self._stop(self._next.result(timeout=120))
            self._next = None
        self._thread.shutdown(wait=True)
        self._close_zygote()


def _nothing() -> None:
    pass


class ShellPool:
    """A worker's zygote for :mod:`itanb.batch.engine`'s forked shells (the batch's default engine), started
    at once: each report is a fresh fork running its cells in IPython's shell, no kernel. Raises ValueError
    when the kernel spec ``kernel_name`` is not this Python (a zygote can only fork itself): the caller
    then uses a :class:`KernelPool`."""

    def __init__(self, kernel_name: str = "python3", modules: list[str] | None = None, *,
                 processed_dir: str | None = None, zygote: KernelZygote | None = None):
        if zygote is not None:  # started by the driver for this worker
            self.zygote = zygote
            return
        prefix = kernel_prefix(kernel_name)
        if prefix is None:
            raise ValueError(f"the kernel spec {kernel_name!r} is not this Python's")
        self.zygote = KernelZygote(prefix, warm_modules() if modules is None else modules, processed_dir,
                                   kernel=False)

    def __enter__(self) -> ShellPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def prestart(self) -> None:
        """Nothing to start ahead: a fork takes milliseconds."""

    def papermill(self, *, more: bool = True) -> tuple[str | None, dict, Callable[[], None]]:
        """For one report: this pool's engine on its zygote; papermill's default engine (a new kernel) if
        the zygote has stopped."""
        if not self.zygote.alive():
            return None, {}, _nothing
        from itanb.batch.engine import ENGINE, register

        register()
        return ENGINE, {"zygote": self.zygote}, _nothing

    def close(self) -> None:
        self.zygote.close()


def kernel_prefix(kernel_name: str) -> list[str] | None:
    """The interpreter part of the kernel spec's command (:func:`zygote_prefix`), if it is this Python."""
    argv = kernel_argv(kernel_name)
    return zygote_prefix(argv) if argv else None


def listening_zygote(kernel_name: str, *, kernel: bool, processed_dir: str | None = None):
    """A zygote started now for a worker process about to start (so that it boots while the worker does),
    listening on a Unix socket in a private folder: (the zygote, what the worker passes to
    :meth:`KernelZygote.attach <itanb.batch.zygote.KernelZygote.attach>`); None when the kernel spec is not
    this Python."""
    import tempfile

    prefix = kernel_prefix(kernel_name)
    if prefix is None:
        return None
    address = str(Path(tempfile.mkdtemp(prefix="itanb-zygote-")) / "s")
    zygote = KernelZygote(prefix, warm_modules(), processed_dir, kernel=kernel, listen=address)
    return zygote, {"prefix": prefix, "address": address, "pid": zygote.pid}
