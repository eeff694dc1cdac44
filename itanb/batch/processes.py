"""Processes this one did not start but must follow: a process forked by a zygote or a standby (their
child, reaped by them) is seen to end by ``kill(pid, 0)``, with what callers use of ``subprocess.Popen``
(:class:`ForkedProcess`) or of ``multiprocessing.Process`` (:class:`ForkedWorker`)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time


class ForkedProcess:
    """A kernel forked by a :class:`~itanb.batch.zygote.KernelZygote`, with what jupyter_client's
    LocalProvisioner uses of a ``subprocess.Popen``. Not our child (the zygote's, which reaps it): its end is
    seen by ``kill(pid, 0)``."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def kill(self) -> None:
        import signal

        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        import signal

        self.send_signal(signal.SIGTERM)


class ForkedWorker(ForkedProcess):
    """A batch's worker forked by a standby (:mod:`itanb.batch.standby`), as the driver follows a
    ``multiprocessing.Process``; its exit status is its parent's to know (None)."""

    exitcode = None

    def join(self, timeout: float | None = None) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.wait(timeout)

    def is_alive(self) -> bool:
        return self.poll() is None


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True
