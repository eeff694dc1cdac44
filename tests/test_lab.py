"""JupyterLab from the project's environment, as ``make lab`` starts it on notebooks/, serves the three report
notebooks and the python3 kernel."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from itanb.paths import NOTEBOOKS

LAB_ROOT = NOTEBOOKS.parent  # make lab: notebooks/, the report notebooks in its reports/ folder

pytestmark = pytest.mark.slow


def _get(url: str, token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


@pytest.fixture
def lab(tmp_path, free_port):
    port, token = free_port(), secrets.token_hex(16)
    jupyter = Path(sys.executable).with_name("jupyter")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "PYTHAINLP_READ_ONLY": "1"}
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={LAB_ROOT}",
         "--LabApp.extension_manager=readonly",  # no PyPI look-ups from the test
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                log_text = (tmp_path / "lab.log").read_text()[-2000:]
                pytest.fail(f"jupyter lab exited ({proc.returncode}): {log_text}")
            try:
                _get(f"{base}/api/status", token)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not answer: {(tmp_path / 'lab.log').read_text()[-2000:]}")
                time.sleep(0.5)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def test_lab_serves_the_notebooks_and_the_python3_kernel(lab):
    base, token = lab
    contents = _get(f"{base}/api/contents/{NOTEBOOKS.name}", token)
    names = {item["name"] for item in contents["content"]}
    assert {"fiscal_year_report.ipynb", "year_over_year.ipynb", "portfolio.ipynb"} <= names
    specs = _get(f"{base}/api/kernelspecs", token)
    assert "python3" in specs["kernelspecs"]
    notebook = _get(f"{base}/api/contents/{NOTEBOOKS.name}/fiscal_year_report.ipynb", token)
    assert notebook["content"]["metadata"]["kernelspec"]["name"] == "python3"


def test_lab_refuses_requests_without_the_token(lab):
    base, _ = lab
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{base}/api/contents", timeout=5)
    assert info.value.code == 403
