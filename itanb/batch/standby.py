"""A standby (``itanb standby start``): one long-lived process per user, installation and project folder that
has imported and warmed up everything a batch's worker and its zygote need (pandas, matplotlib, IPython's
shell, papermill, nbconvert and the report template: ~4.5 s of CPU), and forks them on request. A batch then
starts its reports in about the time the driver takes to plan, instead of after that boot; ``itanb report``
gets its zygote at once.

What it forks is what the batch would otherwise start itself, and each report is still a fresh fork of a
zygote that ran no cell: a worker (:func:`worker`) is a fork of the standby that first forks its own zygote
(the batch's tables preloaded in it, as :func:`itanb.batch.zygote.preload` does), then serves the driver over
a connection passed with ``SCM_RIGHTS``, in the driver's environment, folder, standard output and error.

Found by its address (:func:`address`): a Unix socket in a folder only this user can open, named by a
fingerprint (:func:`fingerprint`) of the interpreter, the package's files, the installed packages' folders,
the current folder and the environment variables that change how a report is made. Any change, and the
batch no longer finds it: it starts its own processes as before. The standby ends after ``idle`` seconds
without a request, when another standby takes its address, or with ``itanb standby stop``; a connection from
another user is refused. ``ITANB_STANDBY=0``: a batch does not look for one.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import pickle
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from itanb.errors import ParameterError

IDLE_S = 15 * 60  # a standby ends after this long without a request (``itanb standby start --idle``)
# the environment variables a standby's fingerprint covers: those read when modules are imported
KEY_ENV_PREFIXES = ("ITANB_", "MPL", "PYTHAINLP_", "JUPYTER", "PYTHON", "LC_")
KEY_ENV_NAMES = ("TZ", "LANG", "HOME", "PATH", "VIRTUAL_ENV")
# starts the standby in a session of its own and ends, answering its pid
LAUNCHER = ("import subprocess, sys\n"
            "code = 'from itanb.batch.standby import main; main()'\n"
            "print(subprocess.Popen([sys.argv[1], '-c', code, sys.argv[2]], stdin=subprocess.DEVNULL,"
            " stdout=subprocess.DEVNULL, start_new_session=True).pid)")


def folder() -> Path:
    """This user's standby folder (``$XDG_RUNTIME_DIR`` or the temporary folder)."""
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return Path(base) / f"itanb-standby-{os.getuid()}"


def private(path: Path) -> bool:
    """Whether ``path`` is a folder (not a link) of this user's that no one else can open."""
    try:
        found = path.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid() and not found.st_mode & 0o077


def fingerprint(roots: list[Path] | None = None, env: dict | None = None) -> str:
    """What a standby must share with the process that uses it: the interpreter, the import path and the
    stamps of its folders (an install or an upgrade changes one), every file under ``roots`` (default: the
    package: code, notebooks, data files, template) by name, size and time, the current folder, and the
    environment variables of :data:`KEY_ENV_PREFIXES` and :data:`KEY_ENV_NAMES` (``env``: default
    ``os.environ``)."""
    from itanb import paths

    digest = hashlib.sha256(repr((sys.executable, sys.version, sys.path[1:], str(Path.cwd()))).encode())
    for entry in sys.path[1:]:  # not the script's folder (`python -c`: ''), the one entry that differs
        with contextlib.suppress(OSError):
            digest.update(f"{entry}:{Path(entry or '.').stat().st_mtime_ns}".encode())
    for root in roots if roots is not None else [paths.PACKAGE]:
        for file in sorted(root.rglob("*")):
            if "__pycache__" not in file.parts and file.is_file():
                found = file.stat()
                digest.update(f"{file.relative_to(root)}:{found.st_size}:{found.st_mtime_ns}".encode())
    values = os.environ if env is None else env
    for name in sorted(values):
        if (name.startswith(KEY_ENV_PREFIXES) or name in KEY_ENV_NAMES) and name != "ITANB_STANDBY":
            digest.update(f"{name}={values[name]}".encode())
    return digest.hexdigest()[:24]


def address(key: str | None = None) -> Path:
    """The socket of the standby for ``key`` (default: this process's :func:`fingerprint`)."""
    return folder() / f"{key or fingerprint()}.sock"


def _connect(where: Path, timeout: float = 10.0) -> socket.socket | None:
    if not private(where.parent):
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(str(where))
    except OSError:
        sock.close()
        return None
    return sock


def _ask(sock: socket.socket, request: dict, fds: list[int] | None = None) -> dict:
    """Send one request line (with ``fds``), read the one answer line; OSError when there is none."""
    data = json.dumps(request).encode() + b"\n"
    if fds:
        socket.send_fds(sock, [data], fds)
    else:
        sock.sendall(data)
    with sock.makefile("rb") as answers:
        line = answers.readline()
    if not line:
        raise OSError("the standby closed the connection")
    return json.loads(line)


def status(key: str | None = None) -> dict | None:
    """The standby for ``key`` (default: this process's): its pid, start time, idle timeout and how many
    workers and zygotes it has forked; None when there is none."""
    sock = _connect(address(key))
    if sock is None:
        return None
    with sock, contextlib.suppress(OSError, ValueError):
        return _ask(sock, {"op": "status"})
    return None


def stop() -> list[int]:
    """Stop every standby of this user (this installation's and any left by an older one); their pids."""
    stopped = []
    for where in sorted(folder().glob("*.sock")) if private(folder()) else []:
        sock = _connect(where)
        if sock is None:
            with contextlib.suppress(OSError):
                where.unlink()  # a standby that was killed: its socket is left
            continue
        with sock, contextlib.suppress(OSError, ValueError):
            stopped.append(_ask(sock, {"op": "stop"})["pid"])
    return stopped


def start(idle: float = IDLE_S, timeout: float = 120.0) -> dict:
    """Start this installation's standby unless it runs; its :func:`status` once it answers (its boot takes
    a few seconds). ParameterError when it cannot start (no ``fork``) or ends while booting."""
    if not hasattr(os, "fork"):
        raise ParameterError("a standby needs a system with fork (Linux or macOS)")
    found = status()
    if found is not None:
        return found
    key = fingerprint()
    where = folder()
    where.mkdir(mode=0o700, exist_ok=True)
    if not private(where):
        raise ParameterError(f"{where}: the standby folder must be this user's alone (mode 700)")
    log = where / f"{key}.log"
    setup = json.dumps({"key": key, "idle": float(idle)})
    with log.open("wb") as errors:  # started by a launcher that ends at once: not this process's child
        launched = subprocess.run([sys.executable, "-c", LAUNCHER, sys.executable, setup],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, text=True,
                                  check=False)
    from itanb.batch.processes import running

    pid = int(launched.stdout.strip() or 0)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = status(key)
        if found is not None:
            return found
        if not pid or not running(pid):
            lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines() or ["no message"]
            raise ParameterError(f"the standby ended while booting: {lines[-1]} (see {log})")
        time.sleep(0.05)
    with contextlib.suppress(OSError):
        os.kill(pid, 9)
    raise ParameterError(f"the standby did not answer within {timeout:.0f} s (see {log})")


def worker(args: tuple, prefix: list[str]):
    """A batch's local worker forked by this installation's standby, given ``args`` (those of
    :func:`itanb.batch.executors.local_worker`) and the kernel spec's interpreter ``prefix``: (the driver's
    end of its connection, a :class:`~itanb.batch.processes.ForkedWorker`); None when there is no standby
    (or ``ITANB_STANDBY=0``)."""
    if os.environ.get("ITANB_STANDBY", "1") == "0" or not hasattr(os, "fork"):
        return None
    sock = _connect(address())
    if sock is None:
        return None
    import multiprocessing

    from itanb.batch.processes import ForkedWorker

    ours, theirs = multiprocessing.Pipe()
    request = {"op": "worker", "args": base64.b64encode(pickle.dumps(args)).decode(), "prefix": prefix,
               "env": dict(os.environ), "cwd": str(Path.cwd()), "driver": os.getpid()}
    with sock:
        try:
            answer = _ask(sock, request, [theirs.fileno(), sys.stdout.fileno(), sys.stderr.fileno()])
        except (OSError, ValueError):
            ours.close()
            return None
        finally:
            theirs.close()
    return ours, ForkedWorker(int(answer["pid"]))


# ------------------------------------------------------------------------------------------------ the standby


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
    """One request: ``status``, ``stop`` (False: end) or ``worker`` (fork one). Requests from another user
    are not answered."""
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

    from itanb.batch import zygote
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
    _own_files()
    if pid == 0:  # the worker's zygote: ends with its worker's connection, or with the worker
        os.close(fds[0])  # the driver's connection is the worker's alone
        listening = zygote.listen(where)
        if args[1] is not None:
            with contextlib.suppress(Exception):
                zygote.preload(str(args[1]))
        import gc

        gc.freeze()
        zygote.serve(listening, where, shell)
    _end_with_driver(request["driver"])
    from multiprocessing.connection import Connection

    local_worker(Connection(fds[0]), args, {"prefix": request["prefix"], "address": where, "pid": pid})


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


def _own_files() -> None:
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
