"""The standby (itanb/batch/standby.py): a process kept ready between batches that forks a batch's workers
and their zygotes. A batch on it makes the same reports as without it; a standby that is not this
installation's, is idle, was killed or sits in a folder others can open is not used, and leaves nothing."""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import time
from pathlib import Path

import pytest
from conftest import gone, kill_first_worker, run_cli, synthetic_ingested, without_build_times

from itanb import standby_process
from itanb.batch import Job, run_batch, standby
from itanb.errors import ParameterError

AGENCIES = ("synthetic-0001", "synthetic-0002")


@pytest.fixture
def runtime(monkeypatch):
    """A standby folder of the test's own (short: a socket's path has at most 107 bytes), standbys allowed."""
    base = Path(tempfile.mkdtemp(prefix="itanb-t-"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(base))
    monkeypatch.setenv("ITANB_STANDBY", "1")
    yield base
    standby.stop()
    shutil.rmtree(base, ignore_errors=True)


def _nothing_left(pid: int, wait: float = 15.0) -> bool:
    """Whether the standby ``pid`` has no fork left running (workers, zygotes, reports)."""
    import psutil

    deadline = time.monotonic() + wait
    while psutil.Process(pid).children(recursive=True) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not psutil.Process(pid).children(recursive=True)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return synthetic_ingested(tmp_path_factory.mktemp("standby"), agencies=2, seed=3)


def _batch(data: Path, out: Path, workers: int = 1):
    jobs = [Job.of("fiscal-year", a, fy) for a in AGENCIES for fy in (2565, 2566)]
    return run_batch(jobs=jobs, force=True, workers=workers, raw_dir=data / "raw",
                     processed_dir=data / "processed", reports_dir=out, progress=False)


def _pages(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): without_build_times(p.read_text(encoding="utf-8"))
            for p in sorted(folder.rglob("*.html"))}


def test_a_batch_on_the_standby_makes_the_same_reports_and_leaves_it_running(runtime, data, tmp_path,
                                                                          monkeypatch):
    started = standby.start(idle=120)
    assert started["forked"] == 0
    on_it = _batch(data, tmp_path / "standby", workers=2)
    assert on_it.ok, on_it.failures()
    after = standby.status()
    assert after["pid"] == started["pid"] and after["forked"] == 2  # both workers came from it
    assert _nothing_left(started["pid"])
    monkeypatch.setenv("ITANB_STANDBY", "0")
    alone = _batch(data, tmp_path / "alone", workers=2)
    assert alone.ok, alone.failures()
    assert standby.status()["forked"] == 2  # not asked
    pages = _pages(tmp_path / "standby")
    reports = {f"{fy}/fiscal-year/{a}.html" for a in AGENCIES for fy in (2565, 2566)}
    assert reports | {"index.html"} <= set(pages)
    assert pages == _pages(tmp_path / "alone")
    assert "synthetic" in pages["2565/fiscal-year/synthetic-0001.html"].lower()


def test_a_standby_ends_after_its_idle_time_and_takes_its_socket(runtime):
    started = standby.start(idle=1)
    socket_file = standby.address()
    assert socket_file.exists()
    assert gone(started["pid"], wait=15)
    assert not socket_file.exists()
    assert not any(standby.folder().iterdir())  # nor the log of its boot
    assert standby.status() is None


def test_a_killed_standby_is_not_used_and_stop_clears_what_it_left(runtime, data, tmp_path):
    started = standby.start(idle=120)
    os.kill(started["pid"], signal.SIGKILL)
    assert gone(started["pid"])
    assert standby.address().exists()  # left behind
    assert standby.status() is None
    assert standby.worker((None,) * 6, ["python"]) is None
    result = _batch(data, tmp_path / "out")  # its own zygote and worker, as without a standby
    assert result.ok, result.failures()
    assert standby.stop() == []
    assert not any(standby.folder().iterdir())  # neither its socket nor its log


def test_a_standby_folder_others_can_open_is_not_used(runtime):
    folder = standby.folder()
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    assert not standby.private(folder)
    assert standby.status() is None
    with pytest.raises(ParameterError, match="mode 700"):
        standby.start()


def test_the_fingerprint_follows_the_files_and_the_settings_that_matter(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    env = {"MPLBACKEND": "Agg", "ITANB_STANDBY": "1", "UNRELATED": "1"}
    first = standby.fingerprint([tmp_path], env)
    assert standby.fingerprint([tmp_path], env) == first
    assert standby.fingerprint([tmp_path], {**env, "UNRELATED": "2", "ITANB_STANDBY": "0"}) == first
    assert standby.fingerprint([tmp_path], {**env, "MPLBACKEND": "svg"}) != first
    assert standby.fingerprint([tmp_path], {**env, "ITANB_PROCESSED": "/elsewhere"}) != first
    (tmp_path / "a.py").write_text("x = 22\n", encoding="utf-8")
    assert standby.fingerprint([tmp_path], env) != first
    (tmp_path / "__pycache__").mkdir()
    changed = standby.fingerprint([tmp_path], env)
    (tmp_path / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"x")
    assert standby.fingerprint([tmp_path], env) == changed  # compiled files are not the code


def test_the_command_starts_reports_and_stops_a_standby(runtime):
    env = {"XDG_RUNTIME_DIR": str(runtime), "ITANB_STANDBY": "1"}
    assert run_cli("standby", "status", env=env).returncode == 1
    done = run_cli("standby", "start", "--idle", "2", env=env)
    assert done.returncode == 0, done.stderr
    pid = int(re.search(r"pid (\d+)", done.stdout).group(1))
    assert "ends after 2 min" in done.stdout
    shown = run_cli("standby", "status", env=env)
    assert shown.returncode == 0 and f"pid {pid}" in shown.stdout and "0 processes forked" in shown.stdout
    stopped = run_cli("standby", "stop", env=env)
    assert stopped.returncode == 0 and f"stopped pid {pid}" in stopped.stdout
    assert gone(pid)
    assert run_cli("standby", "stop", env=env).stdout.strip() == "itanb standby: none was running"


def test_a_fork_reads_its_inherited_files_at_its_own_offset(tmp_path):
    """What each worker and zygote forked by the standby does first: the files it inherited open for
    reading get descriptions of its own (a font file read by two workers at once gave broken glyphs)."""
    path = tmp_path / "font.bin"
    path.write_bytes(bytes(range(256)) * 4)
    fd = os.open(path, os.O_RDONLY)
    try:
        for own in (False, True):
            os.lseek(fd, 0, os.SEEK_SET)
            pid = os.fork()
            if pid == 0:
                if own:
                    standby_process.own_files()
                os.lseek(fd, 700, os.SEEK_SET)
                os._exit(0 if os.read(fd, 1) == bytes([700 % 256]) else 1)
            assert os.waitpid(pid, 0)[1] == 0
            # shared: the child moved this process's offset too; its own: this one's is where it was
            assert os.lseek(fd, 0, os.SEEK_CUR) == (0 if own else 701)
    finally:
        os.close(fd)


def test_a_report_takes_its_zygote_from_the_standby(runtime, data, tmp_path, monkeypatch):
    """``itanb report`` (render_one): the same page with a zygote forked by the standby as with its own."""
    from itanb.batch.executors import render_one

    started = standby.start(idle=120)
    options = {"raw_dir": data / "raw", "processed_dir": data / "processed"}
    params = {"agency": "synthetic-0002", "fiscal_year": 2566}
    on_it = render_one("fiscal-year", params, reports_dir=tmp_path / "standby", **options)
    assert on_it.ok, on_it.summary()
    assert standby.status()["forked"] == started["forked"] + 1
    monkeypatch.setenv("ITANB_STANDBY", "0")
    alone = render_one("fiscal-year", params, reports_dir=tmp_path / "alone", **options)
    assert alone.ok, alone.summary()
    assert standby.status()["forked"] == started["forked"] + 1
    assert _pages(tmp_path / "standby") == _pages(tmp_path / "alone")
    assert _nothing_left(started["pid"])


def test_a_worker_of_the_standby_that_dies_fails_only_its_reports_and_leaves_nothing(runtime, data,
                                                                                    tmp_path):
    started = standby.start(idle=120)
    jobs = [Job.of("fiscal-year", a, fy) for a in AGENCIES for fy in (2565, 2566)]
    args = (str(data / "raw"), str(data / "processed"), str(tmp_path / "out"), False, False, False)
    results, _ = kill_first_worker(jobs, args)
    died = [r for r in results if not r["ok"]]
    assert all("the worker process failed (exit status unknown)" in r["summary"] for r in died)
    assert all(r["ok"] for r in results if r not in died)
    assert standby.status()["forked"] == 2  # the replacement came from it too
    assert _nothing_left(started["pid"])  # the dead worker's zygote and report ended with it


def test_a_command_runs_in_a_fork_of_the_standby_as_it_runs_alone(runtime, data, tmp_path):
    """``itanb report`` forwarded to the standby (itanb.cli.run -> standby.forward): the same output, exit
    status and page as without it; a bad agency gives the same one line and status 2, no traceback."""
    started = standby.start(idle=120)
    on, off = {"XDG_RUNTIME_DIR": str(runtime), "ITANB_STANDBY": "1"}, {"ITANB_STANDBY": "0"}
    folders = ["--raw", data / "raw", "--processed", data / "processed"]
    report = ["report", "--agency", "synthetic-0001", "--year", "2566", *folders]
    done = {name: run_cli(*report, "--reports", tmp_path / name, env=env) for name, env in
            (("standby", on), ("alone", off))}
    assert all(d.returncode == 0 for d in done.values()), done["standby"].stderr
    assert done["standby"].stdout == done["alone"].stdout.replace("alone", "standby")
    assert done["standby"].stdout.strip().endswith("2566/fiscal-year/synthetic-0001.html")
    assert standby.status()["forked"] == started["forked"] + 2  # the command and its report's zygote
    assert _pages(tmp_path / "standby") == _pages(tmp_path / "alone")
    bad = ["report", "--agency", "nope", "--year", "2566", *folders, "--reports", tmp_path / "bad"]
    wrong = {name: run_cli(*bad, env=env) for name, env in (("standby", on), ("alone", off))}
    assert wrong["standby"].returncode == wrong["alone"].returncode == 2
    assert wrong["standby"].stderr == wrong["alone"].stderr
    line = wrong["standby"].stderr
    assert len(line.strip().splitlines()) == 1 and "Traceback" not in line
    assert standby.status()["forked"] == started["forked"] + 4  # a command and a zygote again
    assert run_cli("--help", env=on).stdout == run_cli("--help", env=off).stdout
    assert _nothing_left(started["pid"])


def test_ctrl_c_reaches_a_command_running_on_the_standby(runtime, data, tmp_path):
    import subprocess
    import sys

    started = standby.start(idle=120)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "ITANB_STANDBY": "1"}
    command = [sys.executable, "-m", "itanb.cli", "batch", "--force", "--workers", "1", "--raw",
               str(data / "raw"), "--processed", str(data / "processed"), "--reports", str(tmp_path / "out")]
    client = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while standby.status()["forked"] < started["forked"] + 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # the command, then its worker
    client.send_signal(signal.SIGINT)
    out, err = client.communicate(timeout=60)
    assert client.returncode == 130, (out, err)
    assert err.strip().splitlines()[-1] == "itanb: interrupted"
    assert _nothing_left(started["pid"])


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
def test_another_user_can_neither_reach_nor_use_the_standby(runtime):
    """The standby's folder is its user's alone; a request that is not one gets no answer, and the standby
    goes on serving."""
    import socket

    started = standby.start(idle=120)
    runtime.chmod(0o755)  # the test's parent folder: let the other user get as far as the standby's own
    where = str(standby.address())  # this user's standby (the other user's would be in a folder of its own)
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            os.setuid(65534)  # nobody
            try:
                socket.socket(socket.AF_UNIX).connect(where)
                code = 1
            except PermissionError:
                code = 0
        finally:
            os._exit(code)
    assert os.waitpid(pid, 0)[1] == 0  # refused by the folder's mode
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(str(standby.address()))
        sock.sendall(b"[1, 2]\n")
        assert sock.recv(100) == b""  # not a request: no answer
    assert standby.status()["pid"] == started["pid"]
