"""A zygote: one process per worker that has imported ipykernel and the notebooks' modules and warmed them
up, and forks a kernel per report. A fork is fresh (the zygote runs no cell, so nothing of a previous report
is in it) and starts in milliseconds instead of the ~1 s of a new Python importing pandas and matplotlib.

Plain POSIX and ipykernel's public launcher; how jupyter_client is told about a forked kernel is in
:mod:`itanb.batch.jupyter_internals`.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from itanb.batch.processes import ForkedProcess, running


def import_all(modules: Iterable[str]) -> None:
    """Import ``modules``, skipping any that fails (the notebook that needs it will say why)."""
    import importlib

    for name in modules:
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def main() -> None:
    """The zygote process (see :class:`KernelZygote`): import what its forks need and warm it up, then fork
    one process per request line and answer its pid; requests come on stdin, or on the one connection to
    the Unix socket ``setup["listen"]`` (a zygote started for a worker that does not exist yet)."""
    if sys.path and sys.path[0] in ("", str(Path.cwd())):  # as ipykernel_launcher; the kernel adds it back
        del sys.path[0]
    # {"modules": [...], "processed_dir": folder or None, "kernel": bool, "listen": socket path or None}
    setup = json.loads(sys.argv[1])
    listening = listen(setup["listen"]) if setup.get("listen") else None
    serve(listening, setup.get("listen"), boot(setup))


def serve(listening, address: str | None, shell) -> None:
    """Answer "ready", then fork one process per request line and answer its pid, until the requests end;
    on stdin, or on the one connection to ``listening`` (bound at ``address``). Ends the process."""
    import signal

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked processes are reaped by the system
    if listening is None:
        requests, answers = sys.stdin.buffer, sys.stdout.buffer
    else:
        conn = listening.accept()[0]
        listening.close()
        with contextlib.suppress(OSError):
            Path(address).unlink()
            Path(address).parent.rmdir()
        requests, answers = conn.makefile("rb"), conn.makefile("wb")
    answers.write(b"ready\n")
    answers.flush()
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            try:
                _child(request, shell)
            finally:
                os._exit(1)
        answers.write(f"{pid}\n".encode())
        answers.flush()
    os._exit(0)  # requests closed: done (a Python with pandas and matplotlib takes ~0.3 s to tear down)


def listen(path: str):
    """The socket a worker connects to, bound before anything is imported (its connection waits until the
    zygote is ready); the zygote dies with the process that started it."""
    import socket

    _end_with_parent()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    return server


def boot(setup: dict):
    """What every fork inherits: ipykernel (kernels) or IPython's recording shell (forked shells), the
    notebooks' modules, the libraries' first-use work, the batch's tables. Returns the shell and its
    recorder for forked shells (made last, never run here), else None."""
    # ipykernel's own default, set by the kernel before any notebook imports matplotlib
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    if setup.get("kernel", True):
        from ipykernel import kernelapp  # noqa: F401 - imported once here, inherited by every kernel
        # what a kernel imports as it starts: its debugger class (debugpy, 0.2 s of a kernel's CPU otherwise)
        import_all(["ipykernel.debugger", "IPython.core.oinspect"])
    else:  # forked shells (itanb.batch.engine): IPython's shell and the classes that record its outputs
        from itanb.batch.jupyter_internals import recording_shell_classes

        recording_shell_classes()
        # and what a shell imports as it runs its first cell
        import_all(["IPython.core.oinspect", "IPython.core.logger", "bdb", "ctypes", "socket"])
    import_all(setup["modules"])
    with contextlib.suppress(Exception):
        _warm_up()
    if setup.get("processed_dir"):
        with contextlib.suppress(Exception):
            preload(setup["processed_dir"])
    made = None
    if not setup.get("kernel", True):
        from itanb.batch.jupyter_internals import recording_shell

        made = recording_shell()
    gc.freeze()  # all of it lives as long as the zygote: out of every fork's garbage collections
    return made


def _warm_up() -> None:
    """First-use work of the libraries (not of any report): a pandas frame merged, grouped and turned into
    records. Paid once per worker instead of once per kernel."""
    import pandas as pd

    frame = pd.DataFrame({"a": ["x", "y"], "b": [1.0, None], "t": pd.to_datetime(["2022-01-01", None])})
    frame.merge(frame[["a", "t"]], on="a").groupby("a").agg({"b": "sum"}).sort_values("b")
    frame.to_dict("records")


def preload(processed_dir: str) -> None:
    """The batch's processed tables loaded and checked, and the data files a report reads (national figures,
    indicators, grading rules), read by the analyses of one agency-year: every forked kernel starts with
    them instead of loading them again (0.15-0.25 s a report). Caches only, keyed on the files' stamps (a
    kernel whose files changed since loads them again); the analyses' results are thrown away."""
    from itanb import views

    tables = views.load_tables(Path(processed_dir))
    scored = tables.assessments.dropna(subset=["score"])
    if scored.empty:
        return
    first = scored.iloc[0]
    ctx = views.check_params("fiscal-year", agency=str(first["agency_id"]),
                             fiscal_year=int(first["fiscal_year"]), processed_dir=processed_dir)
    ctx.yoy(), ctx.indicators(), ctx.measures_answer()


def _child(request: dict, shell=None) -> None:
    """In a freshly forked kernel: own process group, no inherited pipes, the launcher's env and cwd, a new
    random seed; then ipykernel's launcher, as ``python -m ipykernel_launcher ARGS`` would run."""
    import signal

    os.setpgid(0, 0)
    for signum in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    os.environ.clear()
    os.environ.update(request["env"])
    if request.get("cwd"):
        os.chdir(request["cwd"])
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    if "shell" in request:
        _end_with_parent()
        _shell(request["shell"], shell)
        os._exit(0)
    # ipykernel's parent poller: the kernel ends within a second of its zygote, which ends when its worker
    # does (its stdin closes), so a worker that dies leaves no kernel running. jupyter_client's launcher
    # names the launching process in JPY_PARENT_PID, read when ipykernel is imported: here, the zygote's.
    args = [*request["args"], f"--IPKernelApp.parent_handle={os.getppid()}"]
    sys.argv = [request["argv0"], *args]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv=args)
    os._exit(0)


def _end_with_parent() -> None:
    """Linux: this process is killed when its zygote ends (which ends with its worker), so a worker that dies
    leaves no report running; elsewhere nothing."""
    import ctypes
    import signal

    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the zygote ended before that took effect
        os._exit(1)


def _shell(request: dict, made=None) -> None:
    """In a forked process (:mod:`itanb.batch.engine`): connect back, run the cells in order in the
    recording shell the zygote ``made`` (never run before: this process is its only user) or a new one,
    send each cell's outputs as it ends; stop after the first cell that fails (unless it may)."""
    import socket

    from itanb.batch.jupyter_internals import record_streams, recording_shell

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(request["socket"])
        answers = sock.makefile("wb")
        shell, recorder = made or recording_shell()
        record_streams(recorder)
        for index, source, may_fail in request["cells"]:
            count = shell.execution_count
            recorder.start()
            result = shell.run_cell(source, store_history=True)
            outputs, updates = recorder.finish()
            line = {"index": index, "execution_count": count, "outputs": outputs, "updates": updates}
            answers.write(_json_line(line))
            answers.flush()
            if not (result.success or may_fail):
                break
        answers.write(b"null\n")
        answers.flush()


def _json_line(message: dict) -> bytes:
    """``message`` as one line of JSON, packed as a kernel packs its messages when it holds more than JSON
    (jupyter_client's ``json_default``: bytes such as a PNG in base64, dates in ISO format, numbers); what
    even that cannot pack, as its ``str``."""
    try:
        text = json.dumps(message)
    except (TypeError, ValueError):
        from jupyter_client.jsonutil import json_default

        def default(value):
            try:
                return json_default(value)
            except (TypeError, ValueError):
                return str(value)

        text = json.dumps(message, default=default)
    return text.encode() + b"\n"


class KernelZygote:
    """One process per worker that imports ipykernel and the notebooks' modules once, warms them up, and
    forks a kernel per report: a fork is fresh (nothing of a previous report: the zygote runs no cell) and
    starts in milliseconds instead of the ~1 s of a new Python importing pandas and matplotlib.

    ``ITANB_FORK_KERNELS=0``: off (kernels are new processes, as jupyter_client starts them)."""

    def __init__(self, prefix: list[str], modules: list[str], processed_dir: str | None = None, *,
                 kernel: bool = True, listen: str | None = None):
        code = "from itanb.batch.zygote import main; main()"
        self.prefix = prefix
        setup = json.dumps({"modules": modules, "processed_dir": processed_dir, "kernel": kernel,
                            "listen": listen})
        pipe = subprocess.PIPE if listen is None else subprocess.DEVNULL
        self.proc = subprocess.Popen([*prefix, "-c", code, setup], stdin=pipe, stdout=pipe,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.proc.pid
        self._requests, self._answers = self.proc.stdin, self.proc.stdout
        self._ready = self._forked = self._broken = False

    @classmethod
    def attach(cls, prefix: list[str], address: str, pid: int, timeout: float = 30.0) -> KernelZygote:
        """The zygote ``pid`` that another process started with ``listen=address`` (for this process, which
        did not exist yet), reached at its socket; it ends when this process closes it or ends."""
        import socket

        self = cls.__new__(cls)
        self.prefix, self.proc, self.pid = prefix, None, pid
        self._ready = self._forked = self._broken = False
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock.connect(address)
                break
            except (FileNotFoundError, ConnectionRefusedError):  # not bound yet
                if time.monotonic() > deadline or not running(pid):
                    sock.close()
                    raise OSError("the kernel zygote did not start") from None
                time.sleep(0.01)
        self._sock = sock
        self._requests, self._answers = sock.makefile("wb"), sock.makefile("rb")
        return self

    def fork(self, args: list[str], env: dict, cwd: str | None) -> ForkedProcess:
        """A kernel: ipykernel's launcher with ``args``, in ``env`` and ``cwd``."""
        where = str(cwd) if cwd else None
        return self._fork({"argv0": self.prefix[0], "args": args, "env": env, "cwd": where})

    def fork_shell(self, shell: dict, env: dict, cwd: str | None) -> ForkedProcess:
        """A forked shell of :mod:`itanb.batch.engine` (``shell``: its socket and cells), in ``env`` and
        ``cwd`` (a zygote made with ``kernel=False``)."""
        return self._fork({"shell": shell, "env": env, "cwd": str(cwd) if cwd else None})

    def alive(self) -> bool:
        if self._broken:
            return False
        return self.proc.poll() is None if self.proc is not None else running(self.pid)

    def _fork(self, request: dict) -> ForkedProcess:
        try:
            if not self._ready:
                if self._answers.readline().strip() != b"ready":
                    raise OSError("the kernel zygote did not start")
                self._ready = True
            self._requests.write(json.dumps(request).encode() + b"\n")
            self._requests.flush()
            answer = self._answers.readline().strip()
            if not answer.isdigit():
                raise OSError("the kernel zygote stopped")
        except OSError:
            self._broken = True
            raise
        self._forked = True
        return ForkedProcess(int(answer))

    def close(self) -> None:
        """Stop the zygote: killed when it forked nothing (it may still be booting), else told to end."""
        import signal

        if not self._forked:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
        for stream in (self._requests, self._answers, getattr(self, "_sock", None)):
            with contextlib.suppress(Exception):
                if stream is not None:
                    stream.close()
        if self.proc is not None:  # our child: reap it (an attached zygote is its starter's to reap)
            try:
                self.proc.wait(timeout=5)
            except Exception:
                self.proc.kill()
                with contextlib.suppress(Exception):
                    self.proc.wait(timeout=5)


def zygote_prefix(cmd: list[str]) -> list[str] | None:
    """The interpreter and its options of a ``python [-X...] -m ipykernel_launcher ...`` kernel command, if
    it is this Python (a zygote can only fork what it is)."""
    try:
        at = cmd.index("-m")
    except ValueError:
        return None
    if at + 1 >= len(cmd) or cmd[at + 1] != "ipykernel_launcher":
        return None
    if not all(arg.startswith("-X") for arg in cmd[1:at]):
        return None
    with contextlib.suppress(OSError):
        if Path(cmd[0]).samefile(sys.executable):
            return cmd[:at]
    return None
