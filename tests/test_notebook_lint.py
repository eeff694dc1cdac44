"""The report notebooks (those whose metadata declares an ``itanb`` report kind): no outputs, a typed and
commented `parameters` cell, kernelspec python3, thin. An analyst's own notebook in the same folder (no
``itanb`` metadata) is not a report and is not linted."""

from __future__ import annotations

import ast

import nbformat
import pytest

from itanb import paths
from itanb.render import report_kinds

NOTEBOOKS = sorted(kind.notebook for kind in report_kinds(paths.NOTEBOOKS).values())


def test_the_three_report_notebooks_are_there():
    kinds = {k: (v.notebook.name, v.per) for k, v in report_kinds(paths.NOTEBOOKS).items()}
    assert kinds.items() >= {"fiscal-year": ("fiscal_year_report.ipynb", "agency-year"),
                             "year-over-year": ("year_over_year.ipynb", "agency"),
                             "portfolio": ("portfolio.ipynb", "year")}.items()


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def nb(request):
    path = request.param
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    return book


def test_no_outputs_or_execution_counts(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], cell.source
            assert cell.execution_count is None, cell.source
    assert "papermill" not in nb.metadata


def test_kernelspec_is_python3(nb):
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["kernelspec"]["language"] == "python"


def test_starts_with_a_markdown_title(nb):
    assert nb.cells[0].cell_type == "markdown"
    assert nb.cells[0].source.startswith("# ")


def test_one_parameters_cell_of_typed_commented_assignments(nb):
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    source = cells[0].source
    for node in ast.parse(source).body:
        assert isinstance(node, ast.AnnAssign), ast.unparse(node)  # typed: `name: type = default`
    for line in source.splitlines():
        assert "  # " in line, f"parameter without a comment: {line}"
        assert line.count("=") == 1, f"papermill --help-notebook cannot read: {line}"
    names = {n.target.id for n in ast.parse(source).body}
    assert {"processed_dir", "raw_dir"} <= names


def test_the_cell_after_parameters_checks_them(nb):
    code = [c for c in nb.cells if c.cell_type == "code"]
    index = next(i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", []))
    assert code[index + 1].source.startswith("ctx = views.check_params(")


def test_notebooks_are_thin(nb):
    """Imports, parameters, then calls into itanb: no function definitions, loops or DataFrame surgery."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.For | ast.While | ast.Lambda), \
                cell.source
        assert len(cell.source.splitlines()) <= 6, cell.source
