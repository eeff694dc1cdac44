"""docs/design.md and the code agree: its module list names every module of the package, in import order (a
module imports only modules above it in the list, lazy imports inside functions included)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "itanb"


def _listed() -> list[str]:
    """The module paths of the design's first code block, in order: ``paths.py``, and under a ``render/``
    line its indented modules as ``render/kinds.py``."""
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    block = text.split("```", 2)[1]
    listed, package = [], ""
    for line in block.splitlines():
        if match := re.match(r"^(\S+/)\s", line):
            package = match.group(1)
        elif match := re.match(r"^(\S+\.py)\s", line):
            package = ""
            listed.append(match.group(1))
        elif package and (match := re.match(r"^  (\S+\.py)\s", line)):
            listed.append(package + match.group(1))
    return listed


def _module_file(dotted: str) -> str | None:
    """``itanb.render.kinds`` -> ``render/kinds.py``; a package -> its ``__init__.py``."""
    parts = dotted.split(".")[1:]
    base = PACKAGE.joinpath(*parts)
    if base.with_suffix(".py").is_file():
        return "/".join(parts) + ".py"
    if (base / "__init__.py").is_file():
        return "/".join([*parts, "__init__.py"])
    return None


def _imports(path: Path) -> set[str]:
    """The package's modules that ``path`` imports: ``from itanb import paths`` is ``paths.py``,
    ``from itanb.render import write_index`` is ``render/__init__.py``, ``from itanb import __version__`` is
    ``__init__.py``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {_module_file(a.name) for a in node.names if a.name.split(".")[0] == "itanb"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("itanb"):
            for alias in node.names:
                found.add(_module_file(f"{node.module}.{alias.name}") or _module_file(node.module))
    return found - {None}


def test_every_module_is_listed_once():
    listed = _listed()
    modules = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))
    assert sorted(listed) == modules
    assert len(set(listed)) == len(listed)


def test_modules_import_only_modules_above_them():
    order = {name: i for i, name in enumerate(_listed())}
    wrong = []
    for name, position in order.items():
        for target in sorted(_imports(PACKAGE / name)):
            if target != name and order.get(target, len(order)) >= position:
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_no_module_global_is_assigned_at_run_time():
    """No ``global`` statement anywhere in the package: per-process state (a worker's kernel pool) is an
    object passed along, not a module variable."""
    offenders = [f"{p.relative_to(PACKAGE)}:{node.lineno}" for p in sorted(PACKAGE.rglob("*.py"))
                 for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Global)]
    assert offenders == []


def _code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """A function's lines without its docstring (numpydoc Parameters/Returns are reading, not code)."""
    lines = node.end_lineno - node.lineno + 1
    first = node.body[0]
    docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
        and isinstance(first.value.value, str)
    if docstring:
        lines -= first.end_lineno - first.lineno + 1
    return lines


def test_no_module_over_400_lines_and_no_function_over_60():
    """The house rule of docs/design.md: a module does one job a newcomer can read through; a function fits
    on a screen."""
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(PACKAGE).as_posix()
        if len(text.splitlines()) > 400:
            too_long.append(f"{where}: {len(text.splitlines())} lines")
        too_long += [f"{where}:{node.lineno} {node.name}: {_code_lines(node)} lines"
                     for node in ast.walk(ast.parse(text))
                     if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _code_lines(node) > 60]
    assert too_long == []
