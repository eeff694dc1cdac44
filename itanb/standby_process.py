"""The standby process itself (:mod:`itanb.batch.standby` starts, finds and asks it): it boots what an
``itanb`` command, a batch's worker and a zygote need, takes its address, and forks commands, workers and
zygotes on request until it is idle, replaced or stopped."""

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
    """The standby process (:func:`itanb.batch.standby.start`): bind a socket under a temporary name, boot,
    take the address, then answer requests until idle, replaced or stopped."""
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
    with contextlib.suppress(OSError):  # its boot's messages (read by start when a boot fails): none left
        final.with_suffix(".log").unlink()
    os._exit(0)


def _boot():
    """A zygote's boot without tables (each worker's zygote loads its batch's), a worker's, and the
    commands' modules."""
    from itanb.batch.executors import warm_worker
    from itanb.batch.kernels import warm_modules
    from itanb.batch.zygote import boot, import_all

    shell = boot({"modules": warm_modules(), "processed_dir": None, "kernel": False})
    with contextlib.suppress(Exception):
        warm_worker()
    import_all(["itanb.cli", "itanb.batch.run", "tqdm", "itanb.render.execute"])  # what commands import
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
    """One request: ``status``, ``stop`` (False: end), ``worker``, ``zygote`` or ``command`` (fork one; a
    command's process answers for itself). Requests from another user are not answered."""
    request, fds = _request(conn)
    if not request:  # another user's, or not a request: no answer
        return True
    op = request.get("op")
    answer = {k: v for k, v in state.items() if k != "inode"}
    if op == "zygote":
        where = str(Path(tempfile.mkdtemp(prefix="itanb-zygote-")) / "s")
        answer = {"pid": _fork(server, conn, _zygote, where, request.get("processed_dir"), shell),
                  "address": where}
    elif op == "worker" and len(fds) == 3:
        answer = {"pid": _fork(server, conn, _worker, request, fds, shell)}
    elif op == "command" and len(fds) == 3:
        _fork(server, None, _command, request, fds, conn)
        answer = None
    state["forked"] += op in ("zygote", "worker", "command")
    for fd in fds:
        os.close(fd)
    if answer is not None:
        with contextlib.suppress(OSError):
            conn.sendall(json.dumps(answer).encode() + b"\n")
    return op != "stop"


def _request(conn: socket.socket) -> tuple[dict, list[int]]:
    """The connection's request line and the descriptors sent with it; an empty request when it comes from
    another user or is not one."""
    import struct

    conn.settimeout(10.0)
    uid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[1]
    if uid != os.getuid():
        return {}, []
    fds: list[int] = []
    try:
        data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
        while not data.endswith(b"\n"):
            more = conn.recv(1 << 16)
            if not more:
                raise OSError("incomplete request")
            data += more
        request = json.loads(data)
        if not isinstance(request, dict):
            raise ValueError("not a request")
        return request, fds
    except (OSError, ValueError):
        for fd in fds:
            os.close(fd)
        return {}, []


def _fork(server: socket.socket, conn: socket.socket | None, target, *args) -> int:
    """Fork; the child closes the standby's socket (and ``conn``, unless None) and runs ``target(*args)``,
    then ends. The child's pid."""
    pid = os.fork()
    if pid == 0:
        try:
            server.close()
            if conn is not None:
                conn.close()
            target(*args)
        finally:
            os._exit(1)
    return pid


def _as_client(request: dict, fds: dict[int, int]) -> None:
    """In a fork: the client's descriptors (``fds``: each onto the one it stands for), environment, import
    path, folder and umask; the signals as a new Python has them; a new random seed."""
    import signal

    for signum in (signal.SIGCHLD, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for onto, fd in fds.items():
        os.dup2(fd, onto)
        os.close(fd)
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path[:] = request["path"]
    os.chdir(request["cwd"])
    os.umask(int(request.get("umask", 0o022)))
    time.tzset()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()


def _command(request: dict, fds: list[int], conn: socket.socket) -> None:
    """In a fork: run the ``itanb`` command ``request["argv"]`` as the client would have run it
    (:func:`itanb.cli.main`, on the client's terminal or pipes), telling the client this process's pid first
    and the exit status last; it ends with the client."""
    import io
    import traceback

    _as_client(request, dict(enumerate(fds)))
    encoding = sys.stdout.encoding or "utf-8"
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding=encoding)
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding=encoding,
                                  line_buffering=os.isatty(1), write_through=False)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding=encoding,
                                  errors="backslashreplace", line_buffering=True)
    own_files()
    _end_with_driver(int(request["client"]))
    conn.settimeout(None)
    conn.sendall(json.dumps({"pid": os.getpid()}).encode() + b"\n")
    sys.argv = ["itanb", *request["argv"]]
    from itanb.cli import main

    try:
        code = main(list(request["argv"]))
    except SystemExit as exc:  # argparse (--help, a usage error), as Python ends on it: a message is status 1
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, int | None):
            print(exc.code, file=sys.stderr)
    except BaseException:  # as Python shows what escapes a program
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    with contextlib.suppress(OSError):
        conn.sendall(json.dumps({"exit": code}).encode() + b"\n")
    os._exit(code)


def _worker(request: dict, fds: list[int], shell) -> None:
    """In a fork of the standby: become the driver's worker, in its environment, folder, output and error;
    first fork its zygote (the batch's tables preloaded), which ends with this process."""
    from itanb.batch.executors import local_worker

    _as_client(request, {1: fds[1], 2: fds[2]})
    args = pickle.loads(base64.b64decode(request["args"]))
    where = str(Path(tempfile.mkdtemp(prefix="itanb-zygote-")) / "s")
    pid = os.fork()
    if pid == 0:  # the worker's zygote: ends with its worker's connection, or with the worker
        os.close(fds[0])  # the driver's connection is the worker's alone
        _zygote(where, args[1], shell)
    own_files()
    _end_with_driver(int(request["client"]))
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
