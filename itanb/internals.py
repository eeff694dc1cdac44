"""Checks for the private parts of other packages that itanb relies on: each module that uses some (there
are two, :mod:`itanb.batch.jupyter_internals` and :mod:`itanb.charts.agg`) lists them with the versions it was
written against, and its ``check()`` calls these, so that a test fails loudly when an upgrade changes them.
"""

from __future__ import annotations


def untested_versions(tested: dict[str, tuple[str, ...]]) -> list[str]:
    """A line per installed distribution whose version is not one of ``tested`` ("3.11" matches 3.11.x)."""
    from importlib.metadata import version

    problems = []
    for dist, versions in tested.items():
        installed = version(dist)
        if not any(installed == v or installed.startswith(v + ".") for v in versions):
            problems.append(f"{dist} {installed} is not a tested version ({', '.join(versions)})")
    return problems


def changed_members(private: dict[str, dict[str, tuple[str, ...] | None]]) -> list[str]:
    """A line per private member of ``private`` (``"module.Class"`` -> name -> its parameters, or None to
    check only that it is there: a C method) that is gone or now takes other parameters."""
    import importlib
    import inspect

    problems = []
    for dotted, names in private.items():
        module, _, cls_name = dotted.rpartition(".")
        cls = getattr(importlib.import_module(module), cls_name)
        for name, params in names.items():
            if not hasattr(cls, name):
                problems.append(f"{dotted}.{name} is gone")
                continue
            if params is not None:
                found = tuple(inspect.signature(getattr(cls, name)).parameters)
                if found != params:
                    problems.append(f"{dotted}.{name} now takes {found}")
    return problems
