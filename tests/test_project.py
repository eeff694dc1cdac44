"""The project's own set-up: one list of dependencies, a CI script that runs the README's test command."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _environment_pip() -> list[str]:
    lines = (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "- pip:")
    deps = []
    for line in lines[start + 1 :]:
        match = re.match(r"^\s+- (.+)$", line)
        if not match:
            break
        deps.append(match.group(1).strip())
    return [d for d in deps if not d.startswith("-e")]


def test_environment_yml_lists_exactly_the_pyproject_dependencies():
    project = _pyproject()["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    assert sorted(declared) == sorted(_environment_pip()), "environment.yml and pyproject.toml disagree"


def test_python_version_agrees():
    assert _pyproject()["project"]["requires-python"] == ">=3.11"
    assert "python>=3.11" in (ROOT / "environment.yml").read_text(encoding="utf-8")


def test_matplotlib_is_new_enough_for_thai_shaping():
    deps = {_name(d): d for d in _pyproject()["project"]["dependencies"]}
    assert deps["matplotlib"].startswith("matplotlib>=3.11")  # Thai shaping when it measures a text
    import matplotlib

    major, minor = (int(x) for x in matplotlib.__version__.split(".")[:2])
    assert (major, minor) >= (3, 11)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(make \w+)", quick_start, flags=re.MULTILINE)
    assert commands == ["make reports", "make test"]
    assert re.search(r"^make test$", ci, flags=re.MULTILINE)
    assert "set -euo pipefail" in ci


@pytest.mark.parametrize("folder", ["data/processed", "reports"])
def test_build_products_are_not_committed(folder):
    ignore = (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert f"{folder}/*" in ignore


def test_console_script_is_declared():
    """The itanb command is cli.run: main() and then a fast exit (main stays callable in-process)."""
    from itanb import cli

    assert _pyproject()["project"]["scripts"]["itanb"] == "itanb.cli:run"
    assert callable(cli.run) and callable(cli.main)


def _imported_top_level(sources: list[str]) -> set[str]:
    import ast
    import sys

    found: set[str] = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "itanb"}


def test_every_package_the_code_imports_is_declared():
    """Each third-party module imported by the package or a report notebook comes from a distribution
    declared in pyproject.toml (a package that only arrives as someone else's dependency may go away)."""
    import json
    from importlib.metadata import packages_distributions

    from itanb.render import report_kinds

    sources = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "itanb").rglob("*.py"))]
    for kind in report_kinds().values():
        cells = json.loads(kind.notebook.read_text(encoding="utf-8"))["cells"]
        sources += ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    declared = {_name(d) for d in _pyproject()["project"]["dependencies"]}
    by_module = packages_distributions()
    missing = {m: by_module.get(m) for m in _imported_top_level(sources)
               if not {_name(d) for d in by_module.get(m, [m])} & declared}
    assert missing == {}


def test_reading_a_notebook_compiles_no_grammar():
    """Every batch process that reads a notebook imports nbformat, which imports jsonschema; from jsonschema
    4.25 that imports rfc3987-syntax, which builds a Lark Earley parser at import time (3 s of CPU per
    process: most of a batch's start-up). pyproject.toml keeps jsonschema below 4.25; this fails when an
    upgrade brings the grammar back."""
    code = "import sys, nbformat, papermill, nbconvert; print('lark' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_itanbs_own_processes_compile_no_iri_grammar():
    """A worker or the itanb command declines rfc3987-syntax before nbformat imports jsonschema (its Lark
    grammars cost seconds at import), and notebooks still validate; importing itanb alone changes nothing."""
    import subprocess
    import sys

    code = ("import sys, itanb, itanb.render\n"
            "assert 'rfc3987_syntax' not in sys.modules\n"
            "from itanb.batch.executors import decline_iri_grammars\n"
            "decline_iri_grammars()\n"
            "import nbformat\n"
            "nbformat.validate(nbformat.v4.new_notebook())\n"
            "print('lark' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
