"""JupyterLab from the project's environment, as ``make lab`` starts it on notebooks/: it serves the report
notebooks (in notebooks/reports) and the python3 kernel; and the analyst's path in a browser (Debian's
Chromium through playwright): Run All on a report notebook, a Thai chart in a new notebook, an autosave, and a
batch that then rebuilds nothing."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SHIPPED_RAW, run_cli

from itanb import kernel
from itanb.paths import NOTEBOOKS

pytestmark = pytest.mark.slow

LAB_ROOT = NOTEBOOKS.parent  # make lab: notebooks/, the report notebooks in its reports/ folder
AUTOSAVE_S = 3  # JupyterLab's autosave interval for the browser test (its default is 120 s)
CHART = ('import pandas as pd\n'
         'pd.Series([74.83, 100.0], index=["2564", "2565"]).plot(title="คะแนน ITA อบต.โคกสะอาด")')


def _get(url: str, token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


@contextlib.contextmanager
def _jupyter_lab(tmp_path: Path, port: int, root: Path, env: dict | None = None,
                 args: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """``jupyter lab`` of this environment on 127.0.0.1:``port``, serving ``root``: (base URL, token)."""
    token = secrets.token_hex(16)
    jupyter = Path(sys.executable).with_name("jupyter")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "PYTHAINLP_READ_ONLY": "1", **(env or {})}
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.extension_manager=readonly",  # no PyPI look-ups from the test
         *args, *(["--allow-root"] if os.geteuid() == 0 else [])],
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


@pytest.fixture
def lab(tmp_path, free_port):
    with _jupyter_lab(tmp_path, free_port(), LAB_ROOT) as served:
        yield served


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


# ------------------------------------------------------------------------------------ the analyst's path


def _settings(folder: Path) -> Path:
    """JupyterLab user settings: a short autosave interval, and no news or update checks (no other host)."""
    for plugin, values in (("docmanager-extension/plugin", {"autosaveInterval": AUTOSAVE_S}),
                           ("apputils-extension/notification", {"checkForUpdates": False,
                                                                "fetchNews": "false"})):
        path = folder / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    return folder


def _saved(base: str, token: str, path: str, done, timeout: float = 300) -> dict:
    """The notebook at ``path`` as the server has it on disk, once ``done(notebook)`` (polled)."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(urllib.error.HTTPError):
            nb = _get(f"{base}/api/contents/{path}?content=1", token)["content"]
            if done(nb):
                return nb
        if time.monotonic() > deadline:
            pytest.fail(f"{path} was not saved as expected in {timeout:.0f} s")
        time.sleep(1)


def _all_run(nb: dict) -> bool:
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    return bool(code) and all(c.get("execution_count") for c in code)


def _problems(nb: dict) -> list[str]:
    """Errors and anything written to stderr by the notebook's cells (a missing-glyph warning among them)."""
    out = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", ()):
            if o["output_type"] == "error" or (o["output_type"] == "stream" and o["name"] == "stderr"):
                out.append(json.dumps(o, ensure_ascii=False)[:300])
    return out


def _menu(page, *labels: str) -> None:
    """Click through JupyterLab's menus, e.g. File > New > Notebook (labels matched whole)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(labels[0])}$")).first.click()
    for label in labels[1:]:
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(label)}$")).first.click()


def _idle(page) -> None:
    """Wait until the status bar says the notebook's kernel (the project's) is ready."""
    page.get_by_text(f"{kernel.DISPLAY_NAME} | Idle").first.wait_for(timeout=120_000)


def _batch(folders: list, env: dict) -> str:
    done = run_cli("batch", "--agency", "sao-khok-sa-at", "--workers", "1", *folders, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_analysts_path_in_the_browser(chromium, tmp_path, free_port, shipped_processed):
    """Run All on a copy of the report notebooks in JupyterLab, a Thai chart in a new notebook (the project's
    kernel, installed by itanb.kernel; the server started with MPLBACKEND=Agg), a Duplicate and an autosave:
    the batch before and after builds the same reports and rebuilds nothing."""
    root = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, root / "reports", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    prefix = tmp_path / "prefix"
    kernel.install(prefix)
    data = {"ITANB_NOTEBOOKS": str(root / "reports"), "ITANB_PROCESSED": str(shipped_processed),
            "ITANB_RAW": str(SHIPPED_RAW), "ITANB_CACHE": str(tmp_path / "cache")}
    folders = ["--reports", tmp_path / "reports"]
    first = re.search(r"(\d+) built, (\d+) unchanged, (\d+) failed", _batch(folders, data))
    assert int(first[1]) >= 3 and first[3] == "0"  # sao-khok-sa-at's two fiscal-year reports, its record

    env = {**data, "MPLBACKEND": "Agg", "JUPYTER_PATH": str(prefix / "share" / "jupyter"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data")}
    args = (f"--LabApp.user_settings_dir={_settings(tmp_path / 'settings')}",
            f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}")
    with _jupyter_lab(tmp_path, free_port(), root, env, args) as (base, token):
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{base}/lab/tree/reports/fiscal_year_report.ipynb?token={token}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
            _idle(page)
            _menu(page, "Run", "Run All Cells")
            report = _saved(base, token, "reports/fiscal_year_report.ipynb", _all_run)
            assert _problems(report) == []
            shown = json.dumps(report["cells"], ensure_ascii=False)
            assert "องค์การบริหารส่วนตำบลโคกสะอาด" in shown and "image/svg+xml" in shown  # the report's charts

            page.locator(".jp-BreadCrumbs-home").first.click()  # the file browser back at notebooks/
            page.get_by_text("reports", exact=True).first.wait_for()
            _menu(page, "File", "New", "Notebook")
            with contextlib.suppress(Exception):  # the kernel is asked for when there is a choice
                page.locator(".jp-Dialog .jp-mod-accept").click(timeout=5_000)
            page.locator(".lm-TabBar-tabLabel", has_text="Untitled.ipynb").first.wait_for(timeout=60_000)
            _idle(page)
            page.locator(".jp-NotebookPanel:visible .jp-Cell .cm-content").first.click()
            page.keyboard.insert_text(CHART)
            page.keyboard.press("Shift+Enter")
            mine = _saved(base, token, "Untitled.ipynb",
                          lambda nb: any(o.get("data", {}).get("image/png") for c in nb["cells"]
                                         for o in c.get("outputs", ())))
            assert _problems(mine) == []  # no missing-glyph warning, no error
            assert "itanb" not in mine["metadata"]  # an analyst's own notebook, beside reports/
            assert mine["metadata"]["kernelspec"]["name"] == "python3"
        finally:
            page.screenshot(path=str(tmp_path / "lab.png"))  # what the browser showed last
            page.close()
        # JupyterLab's Duplicate of a report notebook (the server names it fiscal_year_report-Copy1.ipynb)
        body = json.dumps({"copy_from": "reports/fiscal_year_report.ipynb"}).encode()
        copy = urllib.request.Request(f"{base}/api/contents/reports", method="POST", data=body,
                                      headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(copy, timeout=10) as response:
            assert json.load(response)["name"] == "fiscal_year_report-Copy1.ipynb"

    saved = json.loads((root / "reports" / "fiscal_year_report.ipynb").read_text(encoding="utf-8"))
    assert _all_run(saved) and saved["metadata"].get("language_info")  # the autosave rewrote the file
    again = re.search(r"(\d+) built, (\d+) unchanged, (\d+) failed", _batch(folders, data))
    assert (again[1], again[2], again[3]) == ("0", first[1], "0")  # nothing rebuilt, nothing broken
    assert "รายงานที่สร้างไม่สำเร็จ" not in (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
