"""Report kinds are declared by notebooks: a copied report notebook with new ``itanb`` metadata is a new
kind for ``itanb report``, ``itanb batch`` and the index with no Python change, and an analyst's exploratory
notebook (outputs, no parameters cell, no metadata) in the same folder breaks neither the batch nor the
lint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, run_cli

from itanb import paths
from itanb.errors import ParameterError
from itanb.render import report_kinds

TREND = {"kind": "trend", "title": "แนวโน้มผลการประเมิน ITA", "per": "agency"}


def _analyst_notebook() -> nbformat.NotebookNode:
    """An exploration saved with its outputs, no parameters cell, a cell that fails if anyone runs it."""
    cell = nbformat.v4.new_code_cell("import pandas as pd\npd.DataFrame({'a': [1]})", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "   a\n0  1"}, execution_count=1)]
    boom = nbformat.v4.new_code_cell("raise SystemExit('an exploration, not a report')")
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("scratch"), cell, boom])


@pytest.fixture
def notebooks(tmp_path) -> Path:
    """A copy of the shipped notebooks, a copied one declaring the kind ``trend``, and an analyst's own."""
    folder = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS, folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    book = json.loads((folder / "year_over_year.ipynb").read_text(encoding="utf-8"))
    book["metadata"]["itanb"] = TREND
    (folder / "trend.ipynb").write_text(json.dumps(book, ensure_ascii=False, indent=1), encoding="utf-8")
    nbformat.write(_analyst_notebook(), folder / "1.0-analyst-exploration.ipynb")
    return folder


def test_kinds_come_from_the_metadata(notebooks):
    kinds = report_kinds(notebooks)
    assert sorted(kinds) == ["fiscal-year", "portfolio", "trend", "year-over-year"]
    assert (kinds["trend"].title, kinds["trend"].per) == (TREND["title"], "agency")
    assert kinds["trend"].names == ("agency", "thai_digits")
    assert kinds["trend"].path(Path("r"), "sao-x", 2565) == Path("r/trend/sao-x.html")


@pytest.mark.parametrize(("meta", "message"), [
    ({"kind": "Bad Slug", "title": "x", "per": "agency"}, "lower-case-slug"),
    ({"kind": "x", "title": "x", "per": "month"}, '"per"'),
    ({"kind": "portfolio", "title": "x", "per": "year"}, "declared by both"),
])
def test_a_malformed_declaration_is_one_clear_line(notebooks, meta, message):
    book = json.loads((notebooks / "portfolio.ipynb").read_text(encoding="utf-8"))
    book["metadata"]["itanb"] = meta
    (notebooks / "zz-copy.ipynb").write_text(json.dumps(book), encoding="utf-8")
    with pytest.raises(ParameterError, match=message):
        report_kinds(notebooks)


def test_a_jupyterlab_duplicate_is_not_a_second_declaration(notebooks):
    # JupyterLab's "Duplicate" of a report notebook, in the same folder
    shutil.copy(notebooks / "portfolio.ipynb", notebooks / "portfolio-Copy1.ipynb")
    kinds = report_kinds(notebooks)
    assert kinds["portfolio"].notebook.name == "portfolio.ipynb"
    assert not any("Copy" in k.notebook.name for k in kinds.values())


def _autosaved(path: Path) -> None:
    """What JupyterLab's save does to a notebook whose cells were run and not edited: keys in another order,
    language_info filled in, outputs and execution counts, another indent."""
    book = json.loads(path.read_text(encoding="utf-8"))
    book["metadata"]["language_info"] = {"name": "python", "version": "3.11.2", "mimetype": "text/x-python"}
    for n, cell in enumerate(book["cells"]):
        if cell["cell_type"] == "code":
            cell["execution_count"] = n
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["run\n"]}]
            cell["source"] = "".join(cell["source"]).splitlines(keepends=True)  # a list of lines
    path.write_text(json.dumps(book, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")


def test_an_autosave_changes_no_report_and_an_edit_does(notebooks):
    from itanb.batch.plan import code_digests

    before = code_digests(report_kinds(notebooks))
    before_bytes = (notebooks / "fiscal_year_report.ipynb").read_bytes()
    _autosaved(notebooks / "fiscal_year_report.ipynb")
    assert (notebooks / "fiscal_year_report.ipynb").read_bytes() != before_bytes
    assert code_digests(report_kinds(notebooks)) == before
    book = nbformat.read(notebooks / "portfolio.ipynb", as_version=4)
    book.cells[-1].source += "\n# an edit"
    nbformat.write(book, notebooks / "portfolio.ipynb")
    after = code_digests(report_kinds(notebooks))
    assert after["portfolio"] != before["portfolio"] and after["fiscal-year"] == before["fiscal-year"]


@pytest.mark.slow
def test_a_new_kind_is_built_and_listed_and_the_analysts_notebook_is_left_alone(notebooks, tmp_path):
    from itanb.ingest import ingest
    from itanb.synth import write_synthetic

    write_synthetic(tmp_path / "raw", agencies=2, years=(2565, 2565), seed=3)
    ingest(raw_dir=tmp_path / "raw", processed_dir=tmp_path / "processed")
    out = tmp_path / "out"
    folders = ["--raw", tmp_path / "raw", "--processed", tmp_path / "processed", "--reports", out]
    env = {"ITANB_NOTEBOOKS": str(notebooks)}
    done = run_cli("batch", "--agency", "synthetic-0001", "--years", "2565", "--workers", "1", *folders,
                   env=env)
    assert done.returncode == 0, done.stderr
    from itanb.render import index

    listing = set(index.pages(out, notebooks))
    built = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if p not in listing)
    assert built == ["2565/fiscal-year/synthetic-0001.html", "trend/synthetic-0001.html",
                     "year-over-year/synthetic-0001.html"]
    assert "trend/synthetic-0001.html" in index.linked(out, notebooks)
    assert TREND["title"] in (out / "index.html").read_text(encoding="utf-8")

    done = run_cli("report", "--kind", "trend", "--agency", "synthetic-0002", *folders, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out / "trend" / "synthetic-0002.html")

    lint = _pytest_lint(env)
    assert lint.returncode == 0, lint.stdout[-2000:]
    collected = _pytest_lint(env, "--collect-only").stdout
    assert "trend.ipynb" in collected and "analyst" not in collected


def _pytest_lint(env: dict, *options: str) -> subprocess.CompletedProcess:
    """tests/test_notebook_lint.py run by pytest in a process of its own, with ``env`` added."""
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options,
                           str(ROOT / "tests" / "test_notebook_lint.py")], capture_output=True, text=True,
                          env={**os.environ, "PYTHAINLP_READ_ONLY": "1", **env}, cwd=ROOT, timeout=300,
                          check=False)
