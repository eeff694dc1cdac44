"""itanb batch --executor dask against a real scheduler and two workers (subprocesses on 127.0.0.1): the same
reports as the local executor, with the same text apart from the build time."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import synthetic_ingested, without_build_times

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def _env() -> dict:
    return {**os.environ, "PYTHAINLP_READ_ONLY": "1", "MPLBACKEND": "Agg"}


def _normalised(path: Path) -> str:
    text = without_build_times(path.read_text(encoding="utf-8"))
    return re.sub(r'id="cell-id=[0-9a-f-]+"', 'id="cell-id"', text)  # papermill's random id of its cell


def _reports(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): _normalised(p) for p in sorted(folder.rglob("*.html"))}


def _wait_for_port(port: int, procs: list[subprocess.Popen], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("a dask process ended early")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def _wait_for_workers(address: str, n: int, timeout: float = 90) -> None:
    from distributed import Client

    with Client(address, timeout="30s") as client:
        client.wait_for_workers(n, timeout=timeout)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return synthetic_ingested(tmp_path_factory.mktemp("dask"), agencies=3, seed=1)


@pytest.fixture(scope="module")
def cluster(data, free_port):
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs: list[subprocess.Popen] = []
    logs = data / "dask-logs"
    logs.mkdir()
    with contextlib.ExitStack() as open_logs:

        def start(name: str, *args: str) -> None:
            log = open_logs.enter_context((logs / f"{name}.log").open("w"))
            procs.append(subprocess.Popen([str(BIN / "dask"), *args], stdout=subprocess.DEVNULL, stderr=log,
                                          env=_env(), cwd=data))

        try:
            start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port),
                  "--dashboard-address", "127.0.0.1:0", "--no-show")
            _wait_for_port(port, procs)
            for i in range(2):
                start(f"worker-{i}", "worker", address, "--nworkers", "1", "--nthreads", "1",
                      "--no-dashboard", "--host", "127.0.0.1", "--local-directory", str(data / f"worker-{i}"))
            _wait_for_workers(address, 2)
            yield address
        finally:
            for proc in reversed(procs):
                proc.terminate()
            for proc in reversed(procs):
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _batch(data: Path, reports: str, *extra: str) -> subprocess.CompletedProcess:
    cmd = [str(BIN / "itanb"), "batch", "--raw", str(data / "raw"), "--processed", str(data / "processed"),
           "--reports", str(data / reports), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=600, check=False)


def test_dask_executor_makes_the_same_reports_as_the_local_one(data, cluster):
    local = _batch(data, "reports-local", "--workers", "2")
    assert local.returncode == 0, local.stderr
    remote = _batch(data, "reports-dask", "--executor", "dask", "--scheduler", cluster)
    assert remote.returncode == 0, remote.stderr
    assert "11 built" in remote.stdout and "dask" in remote.stdout

    by_local, by_dask = _reports(data / "reports-local"), _reports(data / "reports-dask")
    from itanb.render import index

    listing = {p.relative_to(data / "reports-local").as_posix() for p in index.pages(data / "reports-local")}
    assert len(set(by_local) - listing) == 11 and "index.html" in listing  # 11 reports, the index pages
    assert by_dask.keys() == by_local.keys()
    for name in by_local:
        assert by_dask[name] == by_local[name], name

    again = _batch(data, "reports-dask", "--executor", "dask", "--scheduler", cluster)
    assert again.returncode == 0 and "0 built, 11 unchanged" in again.stdout
