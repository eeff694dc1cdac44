"""The standby process itself (:mod:`itanb.batch.standby` starts, finds and asks it): it boots what a
batch's worker and its zygote need, takes its address, and forks workers and zygotes on request until it is
idle, replaced or stopped."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import pickle
import socket
import sys
import tempfile
import time
from pathlib import Path

from itanb.batch.standby import folder


def main() -> None:
    """The standby process (:func:`start`): bind a socket under a temporary name, boot, take the address,
    then answer requests until idle, replaced or stopped."""
    import signal

    if sys.path and sys.path[0] in ("", str(Path.cwd())):  # as a zygote: what `python -c` adds
        del sys.path[0]
    setup = json.loads(sys.argv[1])
    final = folder() / f"{setup['key']}.sock"
    booting = final.with_name(f"{setup['key']}.{os.getpid()}.boot")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(booting))
    server.listen(16)
    shell = _boot()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # what it forks is reaped by the system
    booting.replace(final)
    state = {"pid": os.getpid(), "started": time.time(), "idle_s": setup["idle"], "forked": 0,
             "python": sys.executable, "cwd": str(Path.cwd()), "key": setup["key"]}
    _serve(server, final, shell, state)
    with contextlib.suppress(OSError):
        if final.stat().st_ino == state["inode"]:
            final.unlink()
    os._exit(0)


def _boot():
    """A zygote's boot without tables (each worker's zygote loads its batch's), and a worker's."""
    from itanb.batch.executors import warm_worker
    from itanb.batch.kernels import warm_modules
    from itanb.batch.zygote import boot

    shell = boot({"modules": warm_modules(), "processed_dir": None, "kernel": False})
    with contextlib.suppress(Exception):
        warm_worker()
    import multiprocessing.connection  # noqa: F401 - a worker's connection to its driver

    return shell


def _serve(server: socket.socket, final: Path, shell, state: dict) -> None:
    """Answer requests, one connection at a time, until ``state["idle_s"]`` passes without one, the address
    is another's, or a stop request."""
    state["inode"] = final.stat().st_ino
    server.settimeout(min(5.0, state["idle_s"]))
    last = time.monotonic()
    while True:
        try:
            conn = server.accept()[0]
        except TimeoutError:
            try:
                replaced = final.stat().st_ino != state["inode"]
            except OSError:
                replaced = True
            if replaced or time.monotonic() - last > state["idle_s"]:
                return
            continue
        last = time.monotonic()
        with conn:
            if not _answer(conn, server, shell, state):
                return


def _answer(conn: socket.socket, server: socket.socket, shell, state: dict) -> bool:
    """One request: ``status``, ``stop`` (False: end), ``worker`` or ``zygote`` (fork one). Requests from
    another user are not answered."""
    import struct

    conn.settimeout(10.0)
    uid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[1]
    if uid != os.getuid():
        return True
    try:
        data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
        while not data.endswith(b"\n"):
            more = conn.recv(1 << 16)
            if not more:
                raise OSError("incomplete request")
            data += more
        request = json.loads(data)
    except (OSError, ValueError):
        return True
    answer = {k: v for k, v in state.items() if k != "inode"}
    if request.get("op") == "zygote":
        where = str(Path(tempfile.mkdtemp(prefix="itanb-zygote-")) / "s")
        pid = os.fork()
        if pid == 0:
            try:
                server.close()
                conn.close()
                _zygote(where, request.get("processed_dir"), shell)
            finally:
                os._exit(1)
        state["forked"] += 1
        answer = {"pid": pid, "address": where}
    if request.get("op") == "worker" and len(fds) == 3:
        pid = os.fork()
        if pid == 0:
            try:
                server.close()
                conn.close()
                _worker(request, fds, shell)
            finally:
                os._exit(1)
        state["forked"] += 1
        answer = {"pid": pid}
    for fd in fds:
        os.close(fd)
    with contextlib.suppress(OSError):
        conn.sendall(json.dumps(answer).encode() + b"\n")
    return request.get("op") != "stop"


def _worker(request: dict, fds: list[int], shell) -> None:
    """In a fork of the standby: become the driver's worker, in its environment, folder, output and error;
    first fork its zygote (the batch's tables preloaded), which ends with this process."""
    import signal

    from itanb.batch.executors import local_worker

    for signum in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_DFL)
    for fd, onto in ((fds[1], 1), (fds[2], 2)):
        os.dup2(fd, onto)
        os.close(fd)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    time.tzset()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    args = pickle.loads(base64.b64decode(request["args"]))
    where = str(Path(tempfile.mkdtemp(prefix="itanb-zygote-")) / "s")
    pid = os.fork()
    if pid == 0:  # the worker's zygote: ends with its worker's connection, or with the worker
        os.close(fds[0])  # the driver's connection is the worker's alone
        _zygote(where, args[1], shell)
    own_files()
    _end_with_driver(request["driver"])
    from multiprocessing.connection import Connection

    local_worker(Connection(fds[0]), args, {"prefix": request["prefix"], "address": where, "pid": pid})


def _zygote(where: str, processed_dir: str | None, shell) -> None:
    """In a fork: a zygote (:func:`itanb.batch.zygote.serve`) for the one process that connects to ``where``
    within a minute, with the tables of ``processed_dir`` preloaded; it ends with that connection, or with
    the process that forked it."""
    import gc

    from itanb.batch import zygote

    own_files()
    listening = zygote.listen(where)
    listening.settimeout(60.0)  # no one came: end (the accepted connection blocks)
    if processed_dir is not None:
        with contextlib.suppress(Exception):
            zygote.preload(str(processed_dir))
    gc.freeze()
    zygote.serve(listening, where, shell)


def _end_with_driver(driver: int) -> None:
    """A thread that ends this worker when its driver has ended (it is not the driver's child: no
    ``PR_SET_PDEATHSIG``); its zygote and reports end with it."""
    import threading

    from itanb.batch.processes import running

    def watch() -> None:
        while running(driver):
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="itanb-driver-watch", daemon=True).start()


def own_files() -> None:
    """Give this fork its own open file descriptions of the files it inherited open for reading, at the
    same descriptors and offsets. Forks share their parent's: two workers' charts reading the font file
    the standby opened (FreeType seeks, then reads) would move each other's offset and load broken glyphs
    ("invalid outline")."""
    proc = Path("/proc/self/fd")
    for entry in list(proc.iterdir()) if proc.is_dir() else []:
        with contextlib.suppress(OSError, ValueError):
            fd = int(entry.name)
            lines = Path(f"/proc/self/fdinfo/{fd}").read_text().splitlines()
            info = dict(line.split(":", 1) for line in lines if ":" in line)
            flags = int(info["flags"].strip(), 8)
            target = entry.readlink()
            if flags & os.O_ACCMODE != os.O_RDONLY or not target.is_absolute() or not target.is_file():
                continue
            mine = os.open(target, os.O_RDONLY | os.O_CLOEXEC)
            os.lseek(mine, int(info["pos"]), os.SEEK_SET)
            os.dup2(mine, fd, inheritable=not flags & os.O_CLOEXEC)
            os.close(mine)
