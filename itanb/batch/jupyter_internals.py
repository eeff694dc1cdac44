"""The one place that uses private parts of jupyter_client and IPython (tested with the versions in
:data:`TESTED`, pinned in pyproject.toml; ``tests/test_jupyter_internals.py`` fails when an upgrade removes or
changes them).

- :func:`quick_ready_client`: a kernel client that waits for a new kernel by asking every 10 ms instead of
  jupyter_client's 200 ms IOPub wait (overrides ``KernelClient._async_wait_for_ready``; uses
  ``_handle_kernel_info_reply`` and ``_async_is_alive``).
- :func:`forking_kernel_manager`: a kernel manager whose kernel process is made by a callable (a fork of a
  pre-loaded process) instead of a new process (overrides ``KernelManager._async_launch_kernel``, the launch
  jupyter_client documents for subclasses to change; sets the provisioner's ``process``, ``pid``, ``pgid``,
  ``cwd`` as ``LocalProvisioner.launch_kernel`` does, and calls ``_reconcile_connection_info``).
- :func:`recording_shell`: IPython's shell keeping a cell's outputs as nbformat outputs (stream, display_data,
  execute_result, error), for :mod:`itanb.batch.engine`'s forked processes: display publisher and display hook
  through their public subclassing points, errors by overriding ``InteractiveShell._showtraceback``, as
  ipykernel's own shell does.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable
from pathlib import Path

# distribution -> the versions the private parts below were written against ("8.10" matches 8.10.x)
TESTED = {"jupyter_client": ("8.10",), "ipython": ("9.18",)}
# class -> the private names used here, with the parameters they are called with
PRIVATE = {
    "jupyter_client.client.KernelClient": {"_async_wait_for_ready": ("self", "timeout"),
                                           "_handle_kernel_info_reply": ("self", "msg"),
                                           "_async_is_alive": ("self",)},
    "jupyter_client.manager.KernelManager": {"_async_launch_kernel": ("self", "kernel_cmd", "kw"),
                                             "_reconcile_connection_info": ("self", "info")},
    "IPython.core.interactiveshell.InteractiveShell": {"_showtraceback": ("self", "etype", "evalue", "stb")},
}
PROVISIONER_ATTRIBUTES = ("process", "pid", "pgid", "cwd")  # set on jupyter_client's LocalProvisioner


def check() -> list[str]:
    """What of the private API used here is missing or changed in the installed jupyter_client (empty: all
    there), and installed versions outside :data:`TESTED`."""
    from jupyter_client.provisioning import LocalProvisioner

    from itanb.internals import changed_members, untested_versions

    problems = untested_versions(TESTED) + changed_members(PRIVATE)
    source = inspect.getsource(LocalProvisioner.launch_kernel)
    problems += [f"LocalProvisioner.launch_kernel no longer sets self.{attr}"
                 for attr in PROVISIONER_ATTRIBUTES if f"self.{attr} =" not in source]
    return problems


def quick_ready_client():
    """jupyter_client's AsyncKernelClient, with a shorter wait for the kernel: the same proof (a kernel_info
    reply on shell, then a message on IOPub, so no output of the first cell can be lost to the IOPub
    subscription still connecting), asked again every 10 ms instead of waiting 200 ms for IOPub."""
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_core.utils import ensure_async

    class QuickReadyClient(AsyncKernelClient):
        async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (timeout if timeout is not None else 60.0)
            replied = False
            while time.monotonic() < deadline:
                if not replied:
                    self.kernel_info()
                    try:
                        msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
                    except Empty:
                        msg = None
                    if msg is not None and msg["msg_type"] == "kernel_info_reply":
                        replied = True
                        self._handle_kernel_info_reply(msg)
                if replied:
                    try:
                        await ensure_async(self.iopub_channel.get_msg(timeout=0.01))
                    except Empty:
                        replied = False  # IOPub not connected yet: ask again
                    else:
                        break
                if not replied and not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
            else:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
            while True:  # flush IOPub, as jupyter_client does
                try:
                    await ensure_async(self.iopub_channel.get_msg(timeout=0.01))
                except Empty:
                    break

        wait_for_ready = _async_wait_for_ready  # AsyncKernelClient binds the base class's function

    return QuickReadyClient


def forking_kernel_manager(fork: Callable[[list[str], dict], object | None]):
    """An AsyncKernelManager class whose kernel process is ``fork(kernel_cmd, launch_kwargs)`` (an object
    with ``subprocess.Popen``'s ``pid``, ``poll``, ``wait``, ``send_signal``, ``kill``, ``terminate``), or,
    when that returns None, launched as usual; anything else about the kernel is as usual."""
    from jupyter_client import AsyncKernelManager

    class ForkedKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            forked = fork(kernel_cmd, kw)
            if forked is None:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            provisioner = self.provisioner
            provisioner.process = forked
            provisioner.pid = provisioner.pgid = forked.pid
            provisioner.cwd = kw.get("cwd") or Path.cwd()
            self._reconcile_connection_info(provisioner.connection_info)
            return None

    return ForkedKernelManager


class Recorder:
    """One cell's outputs as nbformat output dicts, in order: streams merged as they follow each other,
    ``clear_output`` honoured, display updates kept apart (``updates``: ``[display_id, data, metadata]``) for
    the engine to apply to the outputs of earlier cells too."""

    def __init__(self):
        self.outputs: list[dict] = []
        self.updates: list[list] = []
        self._clear_next = False

    def start(self) -> None:
        self.outputs, self.updates, self._clear_next = [], [], False

    def finish(self) -> tuple[list[dict], list[list]]:
        import sys

        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        return self.outputs, self.updates

    def add(self, output: dict) -> None:
        if self._clear_next:
            self.outputs, self._clear_next = [], False
        self.outputs.append(output)

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.outputs[-1] if self.outputs and not self._clear_next else None
        if last is not None and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.add({"output_type": "stream", "name": name, "text": text})

    def display(self, data: dict, metadata: dict, transient: dict, update: bool) -> None:
        display_id = (transient or {}).get("display_id")
        if update and display_id:
            self.updates.append([display_id, data, metadata])
            for output in self.outputs:
                if output.get("display_id") == display_id:
                    output["data"], output["metadata"] = data, metadata
            return
        output = {"output_type": "display_data", "data": data, "metadata": metadata}
        if display_id:
            output["display_id"] = display_id  # the engine's, removed before the output goes in the cell
        self.add(output)

    def clear(self, wait: bool) -> None:
        if wait:
            self._clear_next = True
        else:
            self.outputs = []


@functools.cache
def recording_shell_classes():
    """The shell, display publisher and display hook classes of :func:`recording_shell` (made once: the
    zygote makes them before it forks)."""
    import io
    import sys

    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type

    class RecordingStream(io.TextIOBase):
        def __init__(self, recorder: Recorder, name: str):
            self.recorder, self.name = recorder, name

        def writable(self) -> bool:
            return True

        def write(self, text: str) -> int:
            self.recorder.stream(self.name, str(text))
            return len(text)

        @property
        def encoding(self) -> str:
            return "utf-8"

    class RecordingDisplayPublisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            self.shell.recorder.display(data, metadata or {}, transient or {}, update)

        def clear_output(self, wait=False):
            self.shell.recorder.clear(wait)

    class RecordingDisplayHook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self.shell.recorder.add({"output_type": "execute_result", "data": format_dict,
                                     "metadata": md_dict or {}, "execution_count": self.prompt_count})

    class RecordingShell(InteractiveShell):
        display_pub_class = Type(RecordingDisplayPublisher)
        displayhook_class = Type(RecordingDisplayHook)

        def _showtraceback(self, etype, evalue, stb):
            sys.stdout.flush()
            sys.stderr.flush()
            self.recorder.add({"output_type": "error", "ename": str(etype.__name__), "evalue": str(evalue),
                               "traceback": stb})

    return RecordingShell, RecordingStream


def recording_shell():
    """A new IPython shell of this process (no history file) whose cells' outputs go to its recorder:
    (shell, recorder). A zygote makes it before it forks (it costs 35 ms), and each fork uses it for one
    report, after :func:`record_streams`."""
    from traitlets.config import Config

    shell_class, _stream_class = recording_shell_classes()
    recorder = Recorder()
    config = Config()
    config.HistoryManager.enabled = False
    shell = shell_class.instance(config=config)
    shell.recorder = recorder
    return shell, recorder


def record_streams(recorder: Recorder) -> None:
    """``sys.stdout`` and ``sys.stderr`` of this process write to ``recorder``."""
    import sys

    _shell_class, stream_class = recording_shell_classes()
    sys.stdout, sys.stderr = stream_class(recorder, "stdout"), stream_class(recorder, "stderr")
