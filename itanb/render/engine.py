"""``itanb``, a papermill engine that runs a notebook's cells in this process's IPython shell.

Registered through papermill's ``papermill.engine`` entry point (``papermill --engine itanb``, or
``engine_name="itanb"``), built on public APIs only: papermill's :class:`~papermill.engines.Engine` and its
execution manager, IPython's :class:`~IPython.core.interactiveshell.InteractiveShell` with a display hook and
display publisher of its own (the ``displayhook_class`` and ``display_pub_class`` traits, as ipykernel sets
them), ``run_cell``, and the standard library's ``contextlib.redirect_stdout``. What it saves against a kernel
is the kernel's start and the Jupyter message protocol: a process that has imported pandas, matplotlib and
itanb once (a batch's worker, ``itanb report``) runs report after report.

Every notebook starts from a fresh namespace (:meth:`ReportShell.reset`), with matplotlib's settings, the
warnings filters, the current folder, ``sys.path`` and the environment as they were before it, its figures
closed after it: a report gives the same outputs whatever ran before it in the process (tested). Outputs are
nbformat outputs in the order the cell made them: ``stream`` (stdout, stderr, and ``!cmd``, which IPython
pipes through ``sys.stdout``), ``display_data`` (with display-id updates), ``execute_result`` and ``error``.
Output written by C code straight to the file descriptors is not captured (it goes to the process's own).

In a process that already has another IPython shell (a notebook calling papermill with ``engine_name=
"itanb"``), running a report there would clobber the user's namespace: the engine says so in one warning and
hands the notebook to papermill's own engine (a kernel of its own).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading
import warnings
from pathlib import Path

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from nbformat import from_dict
from papermill.engines import Engine, NBClientEngine
from traitlets import Type

ENGINE_NAME = "itanb"
ONE_AT_A_TIME = threading.Lock()  # one shell per process: notebooks on other threads wait their turn


def _output(output_type: str, **fields):
    """An nbformat output (a NotebookNode), not validated one by one as ``nbformat.v4.new_output`` does
    (~2 ms each, a report has a dozen): papermill validates the whole notebook when it is done."""
    return from_dict({"output_type": output_type, **fields})


class _Outputs(list):
    """One cell's nbformat outputs, in order; stream text is appended to the last output of the same stream;
    ``clear(wait=True)`` clears when the next output comes (as a front end does)."""

    clear_pending = False

    def clear(self, wait: bool = False) -> None:
        if wait:
            self.clear_pending = True
        else:
            super().clear()

    def _clear_if_pending(self) -> None:
        if self.clear_pending:
            self.clear_pending = False
            super().clear()

    def append(self, output) -> None:
        self._clear_if_pending()
        super().append(output)

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        self._clear_if_pending()
        if self and self[-1].get("output_type") == "stream" and self[-1]["name"] == name:
            self[-1]["text"] += text
        else:
            self.append(_output("stream", name=name, text=text))


class _Stream(io.TextIOBase):
    """``sys.stdout`` or ``sys.stderr`` while a cell runs: text goes to the cell's outputs."""

    def __init__(self, shell: ReportShell, name: str):
        self.shell = shell
        self.name = name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.shell.outputs.stream(self.name, text)
        return len(text)

    @property
    def encoding(self) -> str:
        return "utf-8"


def _mime(data: dict) -> dict:
    """Display data as a notebook stores it: bytes (an image given raw) in base64, as a kernel sends them."""
    import base64

    return {k: base64.b64encode(v).decode("ascii") if isinstance(v, bytes) else v for k, v in data.items()}


class ReportDisplayHook(DisplayHook):
    """A cell's value (its last expression) as an ``execute_result`` output, not printed."""

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self.shell.outputs.append(_output("execute_result", data=_mime(format_dict), metadata=md_dict or {},
                                          execution_count=self.prompt_count))

    def finish_displayhook(self) -> None:
        pass


class ReportDisplayPublisher(DisplayPublisher):
    """``display()`` as ``display_data`` outputs; ``update_display`` replaces the output of its display id
    in the cell that showed it; ``clear_output`` empties the running cell's outputs."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs) -> None:
        output = _output("display_data", data=_mime(data), metadata=metadata or {})
        display_id = (transient or {}).get("display_id")
        if update and display_id in self.shell.displayed:
            outputs, index = self.shell.displayed[display_id]
            outputs[index] = output
            return
        self.shell.outputs.append(output)
        if display_id is not None:
            self.shell.displayed[display_id] = (self.shell.outputs, len(self.shell.outputs) - 1)

    def clear_output(self, wait: bool = False) -> None:
        self.shell.outputs.clear(wait)


class ReportShell(InteractiveShell):
    """IPython's shell for running notebooks in this process: outputs kept per cell as nbformat outputs,
    tracebacks as ``error`` outputs, no history file, inline matplotlib."""

    displayhook_class = Type(ReportDisplayHook)
    display_pub_class = Type(ReportDisplayPublisher)

    def __init__(self, **kwargs):
        from traitlets.config import Config

        config = Config()
        config.HistoryManager.enabled = False  # no sqlite file in the user's home per process
        config.InteractiveShell.colors = "nocolor"
        # no Out[] cache: a reset then has nothing to flush (flushing it runs a full gc.collect, 0.2 s)
        config.InteractiveShell.cache_size = 0
        super().__init__(config=config, **kwargs)
        self.outputs = _Outputs()
        self.displayed: dict = {}
        self.error: dict | None = None
        with contextlib.suppress(ImportError):  # as a kernel does: figures shown inline
            self.enable_matplotlib("inline")

    def init_sys_modules(self) -> None:
        """The process's ``__main__`` stays its own: IPython would put the shell's namespace module there
        (a module without ``__spec__``), and a process that then starts workers with ``spawn`` (a batch in a
        process that ran a report, a test session) could not."""

    def enable_gui(self, gui=None) -> None:
        """No event loop to hook: figures are shown inline (what ``%matplotlib inline`` asks)."""

    def showtraceback(self, exc_tuple=None, filename=None, tb_offset=None, exception_only=False,
                      running_compiled_code=False) -> None:
        etype, value, tb = exc_tuple if exc_tuple is not None else sys.exc_info()
        try:
            stb = self.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
        except Exception:  # a traceback IPython cannot format: the plain one
            import traceback

            stb = traceback.format_exception(etype, value, tb)
        self.record_error(etype, value, stb)

    def showsyntaxerror(self, filename=None, running_compiled_code=False) -> None:
        etype, value, _tb = sys.exc_info()
        self.record_error(etype, value, self.SyntaxTB.structured_traceback(etype, value, None))

    def record_error(self, etype, value, stb) -> None:
        self.error = _output("error", ename=getattr(etype, "__name__", str(etype)), evalue=str(value),
                             traceback=list(stb))
        self.outputs.append(self.error)

    def run_code_cell(self, source: str) -> _Outputs:
        """Run one cell; its outputs (``self.error`` set when it raised)."""
        self.outputs, self.error = _Outputs(), None
        with contextlib.redirect_stdout(_Stream(self, "stdout")), \
                contextlib.redirect_stderr(_Stream(self, "stderr")):
            self.run_cell(source, store_history=True)
        return self.outputs


@contextlib.contextmanager
def _isolated():
    """The process state a notebook may change, put back when it ends: matplotlib's settings and figures,
    the warnings filters, the current folder, ``sys.path`` and the environment."""
    import matplotlib
    import matplotlib.pyplot as plt

    folder, path, environ = Path.cwd(), list(sys.path), dict(os.environ)
    try:
        with matplotlib.rc_context(), warnings.catch_warnings():
            yield
    finally:
        plt.close("all")
        os.chdir(folder)
        sys.path[:] = path
        if dict(os.environ) != environ:
            os.environ.clear()
            os.environ.update(environ)


def report_shell() -> ReportShell | None:
    """This process's :class:`ReportShell` (made on first use); None when the process already has another
    IPython shell (a kernel, a terminal IPython), which must not run reports."""
    if InteractiveShell.initialized():
        shell = InteractiveShell.instance()
        return shell if isinstance(shell, ReportShell) else None
    return ReportShell.instance()


def _log(outputs, log_output: bool, stdout_file, stderr_file) -> None:
    """A cell's stream outputs to papermill's log and ``--stdout-file``/``--stderr-file``, as its own engine
    does."""
    import logging

    logger = logging.getLogger("papermill")
    for output in outputs:
        if output.get("output_type") != "stream":
            continue
        target = stdout_file if output["name"] == "stdout" else stderr_file
        if log_output:
            (logger.info if output["name"] == "stdout" else logger.warning)(output["text"])
        if target is not None:
            target.write(output["text"])
            target.flush()


class ItanbEngine(Engine):
    """The papermill engine ``itanb``: the cells run in :func:`report_shell`, one after another, stopping at
    the first error outside a cell tagged ``raises-exception`` (papermill then raises
    ``PapermillExecutionError`` naming the cell, as with a kernel). ``execution_timeout`` is not applied."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, **kwargs):
        shell = report_shell()
        if shell is None:
            warnings.warn("papermill engine itanb: this process already runs an IPython shell; the notebook "
                          "runs in a kernel of its own (papermill's default engine) instead", stacklevel=2)
            return NBClientEngine.execute_managed_notebook(nb_man, kernel_name, log_output=log_output,
                                                           stdout_file=stdout_file, stderr_file=stderr_file,
                                                           **kwargs)
        with ONE_AT_A_TIME, _isolated():
            shell.reset(new_session=True)
            shell.displayed.clear()
            for index, cell in enumerate(nb_man.nb.cells):
                if cell.get("cell_type") != "code" or not cell.source.strip():
                    continue
                nb_man.cell_start(cell, index)
                count = shell.execution_count
                cell.outputs = shell.run_code_cell(cell.source)
                cell.execution_count = count
                _log(cell.outputs, log_output, stdout_file, stderr_file)
                if shell.error is not None and "raises-exception" not in cell.metadata.get("tags", []):
                    nb_man.cell_exception(cell, index, exception=shell.error["ename"])
                    nb_man.cell_complete(cell, index)
                    break
                nb_man.cell_complete(cell, index)
        return None
