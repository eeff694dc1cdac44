"""A batch's default papermill engine, :class:`ForkedShellEngine`: a fresh process forked from the worker's
zygote runs the report's cells in IPython's shell (the class ipykernel's kernel is built on) and streams
each cell's outputs back as nbformat outputs.

Every report still runs in a process of its own that ran nothing before it (a fork of a zygote that runs no
cell) with the kernel spec's interpreter; what it saves is the kernel itself: no ZMQ sockets, heartbeat
and IOPub threads to start, no message round trips, no nbclient to decode them. ``ITANB_ENGINE=kernel``: a
forked ipykernel kernel per report instead (:class:`itanb.batch.kernels.KernelPool`). The shell that
records the outputs is :func:`itanb.batch.jupyter_internals.recording_shell` (it overrides a private method).

The protocol: the engine listens on a Unix socket in a folder of its own (mode 0700), asks the zygote to
fork (:meth:`itanb.batch.zygote.KernelZygote.fork_shell`), and reads one JSON line per executed cell
(``index``, ``execution_count``, ``outputs``, ``updates``), then ``null``; it stops at the first cell that
fails unless the cell is tagged ``raises-exception`` (as nbclient; papermill then still reports the
error). A process that dies or stops answering fails the report at the cell it was running.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import tempfile
import time
from pathlib import Path

from papermill.engines import Engine, papermill_engines

ENGINE = "itanb-forked-shell"  # the papermill engine name (registered by :func:`register`)
START_TIMEOUT = 60.0  # seconds for a forked process to connect back


def register() -> None:
    """Make :class:`ForkedShellEngine` known to papermill by its name (papermill's engine registry)."""
    papermill_engines.register(ENGINE, ForkedShellEngine)


class _Listener:
    """A Unix socket in a new private folder, for the one forked process of a report."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="itanb-shell-"))
        self.path = str(self.folder / "s")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(1)

    def accept(self, process, timeout: float) -> socket.socket:
        """The forked process's connection, waiting at most ``timeout`` seconds (less if it ends)."""
        deadline = time.monotonic() + timeout
        self.sock.settimeout(0.05)
        while True:
            try:
                return self.sock.accept()[0]
            except TimeoutError:
                if process.poll() is not None:
                    raise RuntimeError("the report's process ended before it started") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the report's process did not start in {timeout:.0f} s") from None

    def close(self) -> None:
        self.sock.close()
        with contextlib.suppress(OSError):
            Path(self.path).unlink()
            self.folder.rmdir()


class ForkedShellEngine(Engine):
    """Run a notebook in a process forked by a zygote (``engine_kwargs={"zygote": ...}``, a
    :class:`~itanb.batch.zygote.KernelZygote` made with ``kernel=False``), cell by cell as papermill's own
    engine does: papermill's execution manager sees each cell start, fail and end, with its outputs and
    execution count; the first failing cell ends the run."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, *, zygote=None, start_timeout=START_TIMEOUT,
                                 execution_timeout=None, cwd=None, log_output=False, stdout_file=None,
                                 stderr_file=None, **kwargs) -> None:
        if zygote is None:
            raise ValueError(f"the {ENGINE} engine needs a zygote (engine_kwargs={{'zygote': ...}})")
        cells = nb_man.nb.cells
        # [index, source, may fail]: a cell tagged raises-exception fails without ending the run (as nbclient)
        code = [[i, c.source, "raises-exception" in c.metadata.get("tags", [])]
                for i, c in enumerate(cells) if c.cell_type == "code" and c.source.strip()]
        listener = _Listener()
        process, answered = None, False
        try:
            process = zygote.fork_shell({"socket": listener.path, "cells": code}, dict(os.environ), cwd)
            conn = listener.accept(process, float(start_timeout or START_TIMEOUT))
            with conn, conn.makefile("rb") as answers:
                conn.settimeout(execution_timeout)
                log = _output_log(log_output, stdout_file, stderr_file)
                _follow(nb_man, cells, {i: allowed for i, _, allowed in code}, answers, log)
                answered = True  # it ends by itself after its last cell (no pid to signal once it is gone)
        finally:
            listener.close()
            if process is not None and not answered:
                process.kill()  # a cell that timed out, or the engine failed: stop it


def _output_log(log_output: bool, stdout_file, stderr_file):
    """What papermill's own engine does with each output for ``log_output``, ``stdout_file`` and
    ``stderr_file`` (papermill's ``log_output_message``), or None when none is asked for."""
    if not (log_output or stdout_file or stderr_file):
        return None
    from types import SimpleNamespace

    from papermill.clientwrap import PapermillNotebookClient
    from papermill.log import logger

    options = SimpleNamespace(log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                              log=logger)
    return lambda output: PapermillNotebookClient.log_output_message(options, output)


def _follow(nb_man, cells, code: dict[int, bool], answers, log=None) -> None:
    """Fill the cells from the forked process's answers, with papermill's start/exception/complete hooks
    (``code``: the index of each cell that runs -> whether it may fail; ``log``: called with each output)."""
    import nbformat

    displays: dict[str, list] = {}  # display_id -> the outputs showing it, for update_display_data
    for index, cell in enumerate(cells):
        nb_man.cell_start(cell, index)
        try:
            if index not in code:
                continue
            answer = _answer(answers, index, cell)
            cell.execution_count = answer["execution_count"]
            cell.outputs = []
            for output in answer["outputs"]:
                display_id = output.pop("display_id", None)
                node = nbformat.from_dict(output)
                cell.outputs.append(node)
                if log is not None:
                    log(node)
                if display_id:
                    displays.setdefault(display_id, []).append(node)
            for display_id, data, metadata in answer["updates"]:
                for node in displays.get(display_id, []):
                    node.data, node.metadata = nbformat.from_dict(data), nbformat.from_dict(metadata)
            if not code[index] and any(o.output_type == "error" for o in cell.outputs):
                nb_man.cell_exception(cell, cell_index=index)
                break
        finally:
            nb_man.cell_complete(cell, cell_index=index)


def _answer(answers, index: int, cell) -> dict:
    """The next answer, which must be cell ``index``'s: a process that ended (killed, crashed) or did not
    answer in time fails the report at that cell."""
    try:
        line = answers.readline()
    except TimeoutError:
        raise RuntimeError(f"cell {index} did not finish in time") from None
    answer = json.loads(line) if line.strip() else None
    if not isinstance(answer, dict) or answer.get("index") != index:
        first = (cell.source.strip().splitlines() or [""])[0]
        raise RuntimeError(f"the report's process ended while running cell {index} ({first[:60]})")
    return answer
