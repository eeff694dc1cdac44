"""``pip install .`` (not editable) into a fresh virtual environment, then ``itanb ingest`` and
``itanb report`` from another directory with --raw/--processed/--reports: the notebooks, templates and data
files ship with the package, and nothing depends on the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MEMO_AGENCY_NAME, ROOT, SHIPPED_RAW

pytestmark = pytest.mark.slow

_NOT_SOURCE = shutil.ignore_patterns(".venv", ".git", "processed", "build", "*.egg-info", "__pycache__",
                                     ".ipynb_checkpoints", ".pytest_cache", "tests", ".cache")


def NOT_SOURCE(folder: str, names: list[str]) -> set[str]:
    """What the copy leaves out: the checkout's build products, and its reports folder (not
    notebooks/reports, the report notebooks)."""
    top = {"reports"} if Path(folder).samefile(ROOT) else set()
    return set(_NOT_SOURCE(folder, names)) | (top & set(names))


def _run(*cmd, cwd, timeout=900) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ITANB_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(PYTHAINLP_READ_ONLY="1", MPLBACKEND="Agg")
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, f"{cmd}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_a_plain_install_ingests_and_renders_from_another_directory(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)  # pip builds in the tree: not in the checkout
    # an analyst's own notebook and a JupyterLab "Duplicate" of a report notebook: neither ships
    (source / "notebooks" / "mine.ipynb").write_text("{}", encoding="utf-8")
    shutil.copy(source / "notebooks" / "reports" / "portfolio.ipynb",
                source / "notebooks" / "reports" / "portfolio-Copy1.ipynb")
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    _run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", source, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(SHIPPED_RAW, elsewhere / "raw")
    where = _run(venv / "bin" / "python", "-c", "import itanb, itanb.paths as p; print(itanb.__file__); "
                 "print(p.NOTEBOOKS)", cwd=elsewhere).stdout.split()
    assert all(w.startswith(str(venv)) for w in where)  # the installed copy, with its notebooks
    shipped = sorted(p.name for p in Path(where[1]).glob("*.ipynb"))
    assert shipped == sorted(p.name for p in (ROOT / "notebooks" / "reports").glob("*.ipynb")
                             if "-Copy" not in p.name)
    assert {"fiscal_year_report.ipynb", "portfolio.ipynb", "year_over_year.ipynb"} <= set(shipped)

    itanb = venv / "bin" / "itanb"
    _run(itanb, "ingest", "--raw", "raw", "--processed", "processed", cwd=elsewhere)
    done = _run(itanb, "report", "--agency", "sao-khok-sa-at", "--year", "2565", "--raw", "raw",
                "--processed", "processed", "--reports", "out", cwd=elsewhere)
    report = elsewhere / "out" / "2565" / "fiscal-year" / "sao-khok-sa-at.html"
    assert (elsewhere / done.stdout.strip()).resolve() == report.resolve()  # as given: relative to the cwd
    assert MEMO_AGENCY_NAME in report.read_text(encoding="utf-8")
