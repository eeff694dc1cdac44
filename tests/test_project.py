"""The project's own set-up: one list of dependencies, a CI script that runs the README's test command."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


# conda-forge's name of a distribution where it is not the PyPI name (environment.yml)
CONDA_NAMES = {"matplotlib-base": "matplotlib", "nbconvert-core": "nbconvert", "brotli-python": "brotli",
               "playwright-python": "playwright"}


def _environment() -> tuple[list[str], list[str]]:
    """environment.yml's requirements: those from conda-forge (named as on PyPI), those through pip."""
    conda, pip, under_pip = [], [], False
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("\ndependencies:\n", 1)[1].splitlines():
        match = re.match(r"^(\s+)- (.+)$", line)
        if match and match.group(2).strip() == "pip:":
            under_pip = True
        elif match and not match.group(2).startswith(("python>", "pip", "-e")):
            item = match.group(2).strip()
            (pip if under_pip and len(match.group(1)) > 2 else conda).append(item)
    names = [re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0] for r in conda]
    return [CONDA_NAMES.get(n, n) + r[len(n):] for n, r in zip(names, conda, strict=True)], pip


def _declared(*extras: str) -> list[str]:
    """pyproject.toml's dependencies and those of ``extras``."""
    project = _pyproject()["project"]
    return project["dependencies"] + [r for e in extras for r in project["optional-dependencies"][e]]


def test_environment_yml_lists_exactly_the_pyproject_dependencies():
    conda, pip = _environment()
    extras = list(_pyproject()["project"]["optional-dependencies"])
    assert sorted(_declared(*extras)) == sorted(conda + pip), "environment.yml and pyproject.toml disagree"


def test_environment_yml_takes_from_pip_only_what_conda_forge_lacks():
    """Every pip line has a comment above it saying why (not on conda-forge, or conda-forge's is too old)."""
    _, pip = _environment()
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    block = text.split("  - pip:\n", 1)[1]
    assert pip and block.lstrip().startswith("#")
    assert len(pip) <= 3  # most come from conda-forge


def test_no_range_has_an_upper_bound_below_the_next_major():
    """A range admits today's releases: at most ``<N`` with N a whole major above the lower bound."""
    from packaging.requirements import Requirement

    narrow = {}
    for requirement in _declared(*_pyproject()["project"]["optional-dependencies"]):
        specs = list(Requirement(requirement).specifier)
        lower = [int(s.version.split(".")[0]) for s in specs if s.operator == ">="]
        for spec in specs:
            if spec.operator not in (">=", "<") or (spec.operator == "<" and not (
                    spec.version.isdigit() and int(spec.version) > max(lower, default=0))):
                narrow[requirement] = str(spec)
    assert narrow == {}


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

    found: set[str] = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "itanb"}


def _imported_by_itanb() -> set[str]:
    """The third-party top-level modules the package and the report notebooks import."""
    import json

    from itanb.render import report_kinds

    sources = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "itanb").rglob("*.py"))]
    for kind in report_kinds().values():
        cells = json.loads(kind.notebook.read_text(encoding="utf-8"))["cells"]
        sources += ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return _imported_top_level(sources)


def _runtime() -> list[str]:
    """The dependencies and the extras other than dev (itanb[dask])."""
    return _declared(*(e for e in _pyproject()["project"]["optional-dependencies"] if e != "dev"))


# declared and never imported by itanb, each for a reason (the comment above it in pyproject.toml)
USED_WITHOUT_IMPORT = {"brotli", "jupyterlab"}


def test_every_package_the_code_imports_is_declared():
    """Each third-party module imported by the package or a report notebook comes from a distribution
    declared in pyproject.toml (a package that only arrives as someone else's dependency may go away)."""
    from importlib.metadata import packages_distributions

    declared = {_name(d) for d in _runtime()}
    by_module = packages_distributions()
    missing = {m: by_module.get(m) for m in _imported_by_itanb()
               if not {_name(d) for d in by_module.get(m, [m])} & declared}
    assert missing == {}


def test_every_declared_package_is_imported():
    """A runtime dependency is there because itanb imports it (or for the reason of USED_WITHOUT_IMPORT):
    nothing is declared that nothing uses."""
    from importlib.metadata import packages_distributions

    imported = set()
    for module in _imported_by_itanb():
        imported |= {_name(d) for d in packages_distributions().get(module, [module])}
    unused = {_name(d) for d in _runtime()} - imported - USED_WITHOUT_IMPORT
    assert unused == set()


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
