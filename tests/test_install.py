"""``pip install .`` (not editable) into fresh virtual environments, as an analyst would into the environment
they already have: today's Jupyter stack, matplotlib, jsonschema and pandas 3 first, then itanb, which must
change none of them; and one with pandas 2.2. Then ``itanb ingest`` and ``itanb report`` from another
directory with --raw/--processed/--reports: the notebooks, templates and data files ship with the package,
and nothing depends on the checkout. Each test builds a venv from the pip cache: minutes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MEMO_AGENCY_NAME, ROOT, SHIPPED_RAW, run_cli, without_build_times

pytestmark = pytest.mark.slow

_NOT_SOURCE = shutil.ignore_patterns(".venv*", ".git", "processed", "build", "*.egg-info", "__pycache__",
                                     ".ipynb_checkpoints", ".pytest_cache", "tests", ".cache")
# what an analyst's environment already has (issue 18): installing itanb must leave each as it is
STACK = ("jupyterlab", "ipython", "ipykernel", "jupyter_client", "nbclient", "nbconvert", "nbformat",
         "papermill", "matplotlib", "jsonschema", "pandas")
REPORT = ("--agency", "sao-khok-sa-at", "--year", "2565")


def NOT_SOURCE(folder: str, names: list[str]) -> set[str]:
    """What the copy leaves out: the checkout's build products, and its reports folder (not
    notebooks/reports, the report notebooks)."""
    top = {"reports"} if Path(folder).samefile(ROOT) else set()
    return set(_NOT_SOURCE(folder, names)) | (top & set(names))


def _run(*cmd, cwd, timeout=900, code=0) -> subprocess.CompletedProcess:
    """``cmd`` as a user runs it (none of this process's ITANB_ or venv variables); it must exit ``code``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ITANB_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(PYTHAINLP_READ_ONLY="1", MPLBACKEND="Agg", PIP_DISABLE_PIP_VERSION_CHECK="1")
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == code, f"{cmd}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _versions(venv: Path) -> dict[str, str]:
    """Every distribution installed in ``venv``: normalised name -> version."""
    listed = _run(venv / "bin" / "python", "-m", "pip", "list", "--format=json", cwd=venv).stdout
    return {p["name"].lower().replace("_", "-"): p["version"] for p in json.loads(listed)}


def _install(tmp_path: Path, *first: str) -> tuple[Path, dict[str, str], dict[str, str]]:
    """A venv with ``first`` installed, then this checkout (copied: pip builds in the tree); the venv and
    the versions before and after itanb."""
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    # an analyst's own notebook and a JupyterLab "Duplicate" of a report notebook: neither ships
    (source / "notebooks" / "mine.ipynb").write_text("{}", encoding="utf-8")
    shutil.copy(source / "notebooks" / "reports" / "portfolio.ipynb",
                source / "notebooks" / "reports" / "portfolio-Copy1.ipynb")
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    pip = (venv / "bin" / "python", "-m", "pip", "install", "--quiet")
    _run(*pip, *first, cwd=tmp_path)
    before = _versions(venv)
    _run(*pip, source, cwd=tmp_path)
    return venv, before, _versions(venv)


def _ingest_and_report(venv: Path, where: Path) -> Path:
    """``itanb ingest`` and ``itanb report`` of the shipped data by ``venv``'s itanb in ``where``."""
    shutil.copytree(SHIPPED_RAW, where / "raw")
    found = _run(venv / "bin" / "python", "-c", "import itanb, itanb.paths as p; print(itanb.__file__); "
                 "print(p.NOTEBOOKS)", cwd=where).stdout.split()
    assert all(w.startswith(str(venv)) for w in found)  # the installed copy, with its notebooks
    shipped = sorted(p.name for p in Path(found[1]).glob("*.ipynb"))
    assert shipped == sorted(p.name for p in (ROOT / "notebooks" / "reports").glob("*.ipynb")
                             if "-Copy" not in p.name)
    assert {"fiscal_year_report.ipynb", "portfolio.ipynb", "year_over_year.ipynb"} <= set(shipped)
    itanb = venv / "bin" / "itanb"
    _run(itanb, "ingest", "--raw", "raw", "--processed", "processed", cwd=where)
    done = _run(itanb, "report", *REPORT, "--raw", "raw", "--processed", "processed", "--reports", "out",
                cwd=where)
    report = where / "out" / "2565" / "fiscal-year" / "sao-khok-sa-at.html"
    assert (where / done.stdout.strip()).resolve() == report.resolve()  # as given: relative to the cwd
    assert MEMO_AGENCY_NAME in report.read_text(encoding="utf-8")
    return report


def test_installs_into_todays_jupyter_stack_and_pandas_3_changing_nothing(tmp_path):
    venv, before, after = _install(tmp_path, *STACK)
    assert int(before["pandas"].split(".")[0]) >= 3  # today's pandas is 3: the test covers it
    assert "itanb" in after
    changed = {name: (v, after.get(name)) for name, v in before.items() if after.get(name) != v}
    assert changed == {}, f"installing itanb changed {changed}"
    assert {n.replace("_", "-") for n in STACK} <= set(before)
    where = tmp_path / "elsewhere"
    _ingest_and_report(venv, where)
    # Dask is an extra: without it, --executor dask says how to get it in one line
    assert "distributed" not in after
    done = _run(venv / "bin" / "itanb", "batch", "--executor", "dask", "--processed", "processed",
                "--reports", "out", cwd=where, code=2)
    assert done.stderr.count("\n") == 1 and "pip install 'itanb[dask]'" in done.stderr


def test_pandas_2_2_still_works(tmp_path, shipped_processed):
    """With pandas 2.2 already installed, itanb keeps it, ingests and renders the same page as here, and the
    store and comparison unit tests pass."""
    venv, before, after = _install(tmp_path, "pandas==2.2.*", "pytest", "pytest-timeout")
    assert before["pandas"].startswith("2.2.") and after["pandas"] == before["pandas"]
    page = _ingest_and_report(venv, tmp_path / "elsewhere")
    here = tmp_path / "here"
    done = run_cli("report", *REPORT, "--processed", shipped_processed, "--reports", here)
    assert done.returncode == 0, done.stderr
    ours = here / "2565" / "fiscal-year" / "sao-khok-sa-at.html"
    assert _without_times(page) == _without_times(ours)  # the ingests' times differ, nothing else
    tests = [f"tests/test_{name}.py" for name in ("store", "compare", "grading", "ingest")]
    _run(venv / "bin" / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow", *tests,
         cwd=ROOT)  # the checkout's itanb (python -m puts the cwd first), on pandas 2.2


def _without_times(page: Path) -> str:
    import re

    text = without_build_times(page.read_text(encoding="utf-8"))
    return re.sub(r"\d{1,2} [\u0e00-\u0e7f]+ \d{4} \d{2}:\d{2}(:\d{2})? น\.", "<time>", text)
