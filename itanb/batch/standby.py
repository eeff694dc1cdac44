"""A standby (``itanb standby start``): one long-lived process per user, installation and project folder that
has imported and warmed up everything an ``itanb`` command, a batch's worker and a zygote need (pandas,
matplotlib, IPython's shell, papermill, nbconvert and the report template: ~3.5 s of CPU), and forks them on
request: the command itself (:func:`forward`, on the client's terminal or pipes), a batch's local workers
(:func:`worker`) and a pool's zygote (:func:`zygote`). A batch then starts its reports in about the time it
takes to plan, and ``itanb report`` takes under a second.

What it forks is what the command would otherwise start itself, and each report is still a fresh fork of a
zygote that ran no cell: a worker is a fork of the standby that first forks its own zygote (the batch's
tables preloaded in it, as :func:`itanb.batch.zygote.preload` does), then serves the driver over a
connection passed with ``SCM_RIGHTS``, in the driver's environment, folder, standard output and error.

Found by its address (:func:`address`): a Unix socket in a folder only this user can open, named by a
fingerprint (:func:`fingerprint`) of the interpreter, where itanb is, the installed packages' folders, the
package's files, the current folder and the environment variables that change how a report is made. Any
change, and the command no longer finds it: it starts its own processes as before. The standby
(:mod:`itanb.standby_process`) ends after ``idle`` seconds without a request, when another standby
takes its address, or with ``itanb standby stop``; a connection from another user is refused.
``ITANB_STANDBY=0``: not looked for.
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
            "code = 'from itanb.standby_process import main; main()'\n"
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
    """What a standby must share with the process that uses it: the interpreter, where itanb is, the stamps
    of the installed packages' folders (an install or an upgrade changes one), every file under ``roots``
    (default: the package: code, notebooks, data files, template) by name, size and time, the current
    folder, and the environment variables of :data:`KEY_ENV_PREFIXES` and :data:`KEY_ENV_NAMES` (``env``:
    default ``os.environ``; ``PYTHONPATH`` among them)."""
    import site

    from itanb import paths

    digest = hashlib.sha256(repr((sys.executable, sys.version, sys.prefix, str(paths.PACKAGE),
                                  str(Path.cwd()))).encode())
    for folder_ in [*site.getsitepackages(), site.getusersitepackages()]:
        with contextlib.suppress(OSError):
            digest.update(f"{folder_}:{Path(folder_).stat().st_mtime_ns}".encode())
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


def _reach() -> socket.socket | None:
    """A connection to this installation's standby; None when there is none, when this system cannot fork,
    or with ``ITANB_STANDBY=0``."""
    if os.environ.get("ITANB_STANDBY", "1") == "0" or not hasattr(os, "fork"):
        return None
    return _connect(address())


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
            for left in (where, where.with_suffix(".log")):  # a standby that was killed left them
                with contextlib.suppress(OSError):
                    left.unlink()
            continue
        with sock, contextlib.suppress(OSError, ValueError):
            stopped.append(_ask(sock, {"op": "stop"})["pid"])
    return stopped


def start(idle: float = IDLE_S, timeout: float = 120.0) -> dict:
    """Start this installation's standby unless it runs; its :func:`status` once it answers (its boot takes
    a few seconds). ParameterError when it cannot start (no ``fork``) or ends while booting."""
    if not hasattr(os, "fork"):
        raise ParameterError("a standby needs a system with fork (Linux or macOS)")
    key = fingerprint()
    found = status(key)
    if found is not None:
        return found
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
    sock = _reach()
    if sock is None:
        return None
    import multiprocessing

    from itanb.batch.processes import ForkedWorker

    ours, theirs = multiprocessing.Pipe()
    request = _from_here("worker", args=base64.b64encode(pickle.dumps(args)).decode(), prefix=prefix)
    with sock:
        try:
            answer = _ask(sock, request, [theirs.fileno(), sys.stdout.fileno(), sys.stderr.fileno()])
        except (OSError, ValueError):
            ours.close()
            return None
        finally:
            theirs.close()
    return ours, ForkedWorker(int(answer["pid"]))


def _from_here(op: str, **fields) -> dict:
    """A request to fork a process that runs as this one would: its environment, folder, umask, import
    path (so that the fork finds the standby this one found), and its pid (the fork ends when this process
    has)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return {"op": op, "env": dict(os.environ), "cwd": str(Path.cwd()), "umask": umask, "client": os.getpid(),
            "path": sys.path, **fields}


def forward(argv: list[str]) -> int | None:
    """Run the ``itanb`` command ``argv`` in a fork of this installation's standby, on this process's
    standard input, output and error, and return its exit status; Ctrl-C and termination are passed on to
    it. None when there is no standby (or ``ITANB_STANDBY=0``), or for ``standby`` and ``bench`` (which
    run here): the caller runs the command itself."""
    if not argv or argv[0] in ("standby", "bench"):
        return None
    sock = _reach()
    if sock is None:
        return None
    with sock:
        try:
            socket.send_fds(sock, [json.dumps(_from_here("command", argv=argv)).encode() + b"\n"], [0, 1, 2])
            answers = sock.makefile("rb")
            pid = int(json.loads(answers.readline())["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # nothing ran: the caller runs it
        sock.settimeout(None)
        return _wait_for(pid, answers)


def _wait_for(pid: int, answers) -> int:
    """The exit status the forked command ``pid`` sends when it ends, passing it the signals this process
    gets meanwhile; 1 with a line on stderr when it ends without one."""
    import signal

    def pass_on(signum, frame) -> None:
        with contextlib.suppress(OSError):
            os.kill(pid, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, pass_on)
    line = b""
    with contextlib.suppress(OSError):
        line = answers.readline()
    try:
        return int(json.loads(line)["exit"])
    except (ValueError, KeyError, TypeError):
        print(f"itanb: the standby's process for this command (pid {pid}) ended without an exit status",
              file=sys.stderr)
        return 1


def zygote(processed_dir: str | None, prefix: list[str]) -> dict | None:
    """A zygote for this process's forked shells, forked by this installation's standby with the tables of
    ``processed_dir`` preloaded: what :meth:`~itanb.batch.zygote.KernelZygote.attach` takes (``prefix``:
    the kernel spec's interpreter); None when there is no standby (or ``ITANB_STANDBY=0``)."""
    sock = _reach()
    if sock is None:
        return None
    with sock, contextlib.suppress(OSError, ValueError, KeyError):
        answer = _ask(sock, {"op": "zygote", "processed_dir": processed_dir})
        return {"prefix": prefix, "address": answer["address"], "pid": int(answer["pid"])}
    return None
